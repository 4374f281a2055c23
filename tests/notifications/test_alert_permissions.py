"""Only those with notifications.send_alert compose, queue or cancel alerts: at the service and in the admin."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from backend.roles import CHIEF_EDITOR, EDITOR, REPORTER
from newsapi.models import ArticleStatus, Section
from newsapi.services import article_publish
from notifications import services
from notifications.models import Alert, AlertState
from tests.factories import ArticleFactory, edition, published_article, user_with_role
from tests.notifications.factories import AlertFactory
from tests.notifications.test_alert_admin import ADD, compose, send_url

pytestmark = pytest.mark.django_db


def world() -> Section:
    return Section.objects.get(slug="world")


def state_of(alert: Alert) -> str:
    alert.refresh_from_db()
    return alert.state


@pytest.mark.parametrize("role", [EDITOR, CHIEF_EDITOR])
def test_editors_compose_queue_and_cancel(role):
    editor = user_with_role(role)

    alert = services.alert_create(by=editor, edition=edition("en"), title="Quake", body="Villages cut off.")
    services.alert_queue(alert=alert, by=editor)
    services.alert_cancel(alert=alert, by=editor)

    assert (alert.created_by, state_of(alert)) == (editor, AlertState.CANCELLED)


def test_a_reporter_can_neither_compose_nor_queue_nor_cancel():
    reporter = user_with_role(REPORTER)
    draft, queued = AlertFactory(), AlertFactory()
    services.alert_queue(alert=queued, by=None)

    with pytest.raises(PermissionDenied):
        services.alert_create(by=reporter, edition=edition("en"), title="Rumour", body="Unverified.")
    with pytest.raises(PermissionDenied):
        services.alert_queue(alert=draft, by=reporter)
    with pytest.raises(PermissionDenied):
        services.alert_cancel(alert=queued, by=reporter)
    with pytest.raises(PermissionDenied):
        services.alert_update(alert=draft, by=reporter, changes={"title": "Rumour"})

    assert Alert.objects.count() == 2
    assert (state_of(draft), state_of(queued)) == (AlertState.DRAFT, AlertState.QUEUED)
    assert Alert.objects.get(pk=draft.pk).title != "Rumour"


def test_publishing_without_send_alert_publishes_and_leaves_the_alert_a_draft_for_an_editor():
    publisher = user_with_role(None)
    publisher.user_permissions.add(Permission.objects.get(codename="publish_article"))
    article = ArticleFactory(section=world(), is_breaking=True)

    article_publish(article=article, by=publisher)

    article.refresh_from_db()
    alert = Alert.objects.get(article=article)
    assert article.status == ArticleStatus.PUBLISHED
    assert (alert.state, alert.queued_at) == (AlertState.DRAFT, None)
    services.alert_queue(alert=alert, by=user_with_role(EDITOR))
    assert state_of(alert) == AlertState.QUEUED


def test_the_admin_offers_a_reporter_no_compose_and_refuses_a_forged_one(client):
    client.force_login(user_with_role(REPORTER))

    assert "Add alert" not in client.get("/admin/notifications/alert/").content.decode()
    response = client.post(ADD, compose())

    assert response.status_code == 403
    assert not Alert.objects.exists()


def test_a_reporter_cannot_queue_through_the_send_page(client):
    alert = AlertFactory(article=published_article(section=world()))
    client.force_login(user_with_role(REPORTER))

    response = client.post(send_url(alert), {"confirm": "on"})

    assert response.status_code == 403
    assert state_of(alert) == AlertState.DRAFT


def test_an_editor_composes_and_queues_in_the_admin(client):
    editor = user_with_role(EDITOR)
    client.force_login(editor)

    client.post(ADD, compose())
    alert = Alert.objects.get()
    client.post(send_url(alert), {"confirm": "on"})

    assert (alert.created_by, state_of(alert)) == (editor, AlertState.QUEUED)
