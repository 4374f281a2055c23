"""Deleting alerts: only drafts, by someone who may send alerts, through ``alert_delete``."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError

from backend.roles import EDITOR, REPORTER
from notifications.models import Alert, AlertState
from notifications.services import alert_delete
from tests.factories import user_with_role
from tests.notifications.factories import AlertFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/notifications/alert/"


def test_an_editor_deletes_a_draft_alert():
    alert = AlertFactory()

    alert_delete(alert=alert, by=user_with_role(EDITOR))

    assert not Alert.objects.filter(pk=alert.pk).exists()


def test_a_reporter_may_not_delete_an_alert_and_nothing_changes():
    alert = AlertFactory()

    with pytest.raises(PermissionDenied):
        alert_delete(alert=alert, by=user_with_role(REPORTER))

    assert Alert.objects.filter(pk=alert.pk).exists()


@pytest.mark.parametrize("state", [AlertState.QUEUED, AlertState.SENDING, AlertState.SENT, AlertState.CANCELLED])
def test_an_alert_past_draft_is_a_record_and_is_kept(state):
    alert = AlertFactory()
    Alert.objects.filter(pk=alert.pk).update(state=state)

    with pytest.raises(ValidationError, match="only a draft can be deleted"):
        alert_delete(alert=alert, by=None)

    assert Alert.objects.get(pk=alert.pk).state == state


def test_deleting_an_alert_already_gone_does_nothing():
    alert = AlertFactory()
    alert_delete(alert=alert, by=None)

    alert_delete(alert=alert, by=None)

    assert not Alert.objects.filter(pk=alert.pk).exists()


def test_the_admins_bulk_delete_removes_drafts_through_the_service(client):
    client.force_login(user_with_role(EDITOR))
    drafts = [AlertFactory(), AlertFactory()]

    response = client.post(
        CHANGELIST, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [a.pk for a in drafts], "post": "yes"}
    )

    assert response.status_code == 302
    assert not Alert.objects.filter(pk__in=[a.pk for a in drafts]).exists()


def test_the_admin_deletes_a_single_draft_through_the_service(client):
    client.force_login(user_with_role(EDITOR))
    alert = AlertFactory()

    response = client.post(f"{CHANGELIST}{alert.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Alert.objects.filter(pk=alert.pk).exists()
