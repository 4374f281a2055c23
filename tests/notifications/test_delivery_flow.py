"""The delivery services run in-process against the emulator: fan-out, batches, ledger, counts."""

import pytest

from newsapi.models import Section
from notifications import delivery
from notifications.models import Alert, AlertState, Delivery, DeliveryState, Device
from tests.factories import edition, published_article
from tests.notifications.factories import DeviceFactory

pytestmark = pytest.mark.django_db


def run_alert(alert: Alert, gateway) -> Alert:
    """Do what the Celery tasks do, in this process: fan out, then send every batch until done."""
    delivery.alert_fanout(alert_id=alert.pk)
    for batch in alert.batches.order_by("index"):
        while delivery.alert_send_batch(batch_id=batch.pk, gateway=gateway).retry_in is not None:
            batch.refresh_from_db()
            batch.state = "retry"
    alert.refresh_from_db()
    return alert


def test_publishing_a_breaking_world_article_alerts_each_subscriber_once(fcm_emulator, gateway, settings):
    settings.PUSH_BATCH_SIZE = 3
    subscribers = DeviceFactory.create_batch(7)
    DeviceFactory(breaking=False)
    DeviceFactory(edition=edition("ar"))
    world = Section.objects.get(slug="world")

    article = published_article(section=world, is_breaking=True)
    alert = Alert.objects.get(article=article)
    assert alert.state == AlertState.QUEUED

    alert = run_alert(alert, gateway)

    received = [m["token"] for m in fcm_emulator.client.all_messages()]
    assert sorted(received) == sorted(d.token for d in subscribers)
    assert alert.state == AlertState.SENT
    assert (alert.targeted, alert.sent, alert.failed, alert.invalid_tokens) == (7, 7, 0, 0)
    assert alert.batches.count() == 3
    assert Delivery.objects.filter(alert=alert, state=DeliveryState.ACCEPTED).count() == 7


def test_an_unregistered_token_is_deactivated_and_counted(fcm_emulator, gateway):
    alive = DeviceFactory()
    dead = DeviceFactory(token="unregistered-0001-aaaaaaaaaaaaaaaaaaaa")
    article = published_article(section=Section.objects.get(slug="world"), is_breaking=True)

    alert = run_alert(Alert.objects.get(article=article), gateway)

    dead.refresh_from_db()
    assert not dead.is_active
    assert (alert.sent, alert.invalid_tokens, alert.failed, alert.state) == (1, 1, 0, AlertState.SENT)
    assert Device.objects.get(pk=alive.pk).is_active
