"""The alerts' audit trail: composing, queueing and cancelling record who and why, sending records
nothing per batch, and the alert page shows the activity, escaped, in a bounded number of queries."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backend.history import revision_record
from backend.roles import EDITOR, REPORTER
from newsapi.models import Section
from newsapi.services import article_publish, article_unpublish
from notifications import delivery, services
from notifications.models import Alert, AlertState, AlertTarget
from tests.factories import ArticleFactory, SectionFactory, edition, published_article, user_with_role
from tests.notifications.factories import DeviceFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/notifications/alert/"


@pytest.fixture
def editor():
    return user_with_role(EDITOR, "desk-editor")


def versions(alert: Alert) -> list:
    return list(alert.history.order_by("history_date", "history_id"))


def trail(alert: Alert) -> list[tuple[str | None, str, str]]:
    return [
        (v.history_user.username if v.history_user else None, v.history_change_reason, v.state) for v in versions(alert)
    ]


def world() -> Section:
    return Section.objects.get(slug="world")


def drafted(by, **fields) -> Alert:
    fields.setdefault("title", "Quake hits the north")
    fields.setdefault("body", "At least 12 villages are cut off.")
    return services.alert_create(by=by, edition=edition("en"), **fields)


def test_composing_records_a_draft_with_its_sections_by_the_editor(editor):
    sport = SectionFactory(slug="sport")

    alert = drafted(editor, target=AlertTarget.SECTIONS, sections=[world(), sport])

    (version,) = versions(alert)
    assert (version.history_type, version.history_user, version.history_change_reason) == ("+", editor, "Alert drafted")
    assert sorted(row.section_id for row in version.sections.all()) == sorted([world().pk, sport.pk])


def test_editing_a_draft_names_the_fields(editor):
    alert = drafted(editor)

    services.alert_update(alert=alert, by=editor, changes={"title": "Quake: 12 villages cut off", "body": "More."})

    assert trail(alert)[-1] == ("desk-editor", "Alert edited: body, title", "draft")


def test_queueing_records_who_and_how_many_devices_it_reaches(editor):
    DeviceFactory.create_batch(3)
    DeviceFactory(breaking=False)
    alert = drafted(editor)

    services.alert_queue(alert=alert, by=editor)

    assert trail(alert) == [
        ("desk-editor", "Alert drafted", "draft"),
        ("desk-editor", "Alert queued to 3 devices", "queued"),
    ]


def test_the_automatic_alert_of_a_published_breaking_article_is_the_publishers(editor):
    DeviceFactory()
    article = ArticleFactory(section=world(), is_breaking=True)

    article_publish(article=article, by=editor)

    assert trail(Alert.objects.get(article=article)) == [
        ("desk-editor", "Alert drafted for the breaking article", "draft"),
        ("desk-editor", "Alert queued to 1 device", "queued"),
    ]


def test_the_automatic_alert_of_a_scheduled_publication_is_the_systems():
    article = published_article(section=world(), is_breaking=True)  # published by the system (by=None)

    assert trail(Alert.objects.get(article=article)) == [
        (None, "Alert drafted for the breaking article", "draft"),
        (None, "Alert queued to 0 devices", "queued"),
    ]


def test_cancelling_records_who_cancelled(editor):
    alert = drafted(editor)
    services.alert_queue(alert=alert, by=editor)

    services.alert_cancel(alert=alert, by=editor)

    assert trail(alert)[-1] == ("desk-editor", "Alert cancelled", "cancelled")
    assert versions(alert)[-1].finished_at is not None


def test_a_refused_cancel_records_nothing_and_changes_nothing(editor):
    alert = drafted(editor)
    services.alert_queue(alert=alert, by=editor)
    before = trail(alert)

    with pytest.raises(PermissionDenied):
        services.alert_cancel(alert=alert, by=user_with_role(REPORTER))
    Alert.objects.filter(pk=alert.pk).update(state=AlertState.SENT)
    with pytest.raises(ValidationError):
        services.alert_cancel(alert=alert, by=editor)

    assert trail(alert) == before
    alert.refresh_from_db()
    assert alert.state == AlertState.SENT


def test_deleting_a_draft_records_who_deleted_it(editor):
    alert = drafted(editor)
    pk = alert.pk

    services.alert_delete(alert=alert, by=editor)

    last = Alert.history.filter(id=pk).order_by("history_date", "history_id").last()
    assert (last.history_type, last.history_user, last.history_change_reason) == ("-", editor, "Alert deleted")


def test_withdrawing_the_article_records_the_stop_on_its_alert_by_the_withdrawer(editor):
    article = published_article(section=world(), is_breaking=True)
    alert = Alert.objects.get(article=article)

    article_unpublish(article=article, by=editor, reason="Unconfirmed")

    assert trail(alert)[-1] == ("desk-editor", "Alert cancelled: its article was withdrawn", "cancelled")


def test_sending_records_no_version_per_batch(fcm_emulator, gateway, settings):
    settings.PUSH_BATCH_SIZE = 2
    DeviceFactory.create_batch(5)
    alert = Alert.objects.get(article=published_article(section=world(), is_breaking=True))
    before = len(versions(alert))

    delivery.alert_fanout(alert_id=alert.pk)
    for batch in alert.batches.order_by("index"):
        delivery.alert_send_batch(batch_id=batch.pk, gateway=gateway)

    alert.refresh_from_db()
    assert (alert.state, alert.sent, alert.batches.count()) == (AlertState.SENT, 5, 3)
    assert len(versions(alert)) == before


def test_the_alert_page_shows_the_activity_with_html_escaped(editor):
    alert = drafted(editor)
    revision_record(alert, by=None, reason="<img src=x onerror=alert(1)> checked")
    client = Client()
    client.force_login(editor)

    html = client.get(f"{CHANGELIST}{alert.pk}/change/").content.decode()

    assert "&lt;img src=x onerror=alert(1)&gt; checked" in html
    assert "<img src=x" not in html
    assert 'class="history-activity"' in html and "Alert drafted" in html


def test_the_alert_history_shows_the_state_change(editor):
    alert = drafted(editor)
    services.alert_queue(alert=alert, by=editor)
    client = Client()
    client.force_login(editor)

    html = client.get(f"{CHANGELIST}{alert.pk}/history/").content.decode()

    assert "Alert queued to 0 devices" in html
    assert "<del>Draft</del> → <ins>Queued</ins>" in html


def alert_with_versions(editor, count: int) -> Alert:
    alert = drafted(editor, title=f"Told {count} times")
    for n in range(count):
        services.alert_update(alert=alert, by=editor, changes={"body": f"Update number {n}."})
    return alert


def queries(client, url: str) -> int:
    client.get(url)  # the first request fills process-wide caches (content types)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_alert_pages_make_as_many_queries_for_two_versions_as_for_thirty(editor, django_assert_max_num_queries):
    client = Client()
    client.force_login(editor)
    few, many = alert_with_versions(editor, 2), alert_with_versions(editor, 30)

    assert queries(client, f"{CHANGELIST}{few.pk}/history/") == queries(client, f"{CHANGELIST}{many.pk}/history/")
    assert queries(client, f"{CHANGELIST}{few.pk}/change/") == queries(client, f"{CHANGELIST}{many.pk}/change/")
    with django_assert_max_num_queries(12):
        client.get(f"{CHANGELIST}{many.pk}/history/")
