"""A withdrawn story reaches no phone, through the real parts: a Celery worker process, Redis, PostgreSQL,
firebase-admin and the FCM emulator.

The two ways a withdrawn story used to be pushed: an alert queued before the worker took it, and a
normal alert held back by a device's quiet hours and sent when the night ended. Each is run twice:
as a newsroom does it (the withdrawal cancels and drops), and with the withdrawal's own clean-up
taken out, so that the send path's last look at the article is what stops the message.
"""

import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from newsapi import services as content_services
from newsapi.models import Article, Section
from newsapi.services import article_publish, article_unpublish
from notifications import delivery, services
from notifications.models import Alert, AlertState, AlertUrgency, Delivery, DeliveryState
from tests.e2e.test_push_delivery import pytestmark, start_emulator, worker_env  # noqa: F401 - pytestmark applies here too
from tests.e2e.worker import CeleryWorker
from tests.factories import ArticleFactory, edition
from tests.notifications.factories import DeviceFactory

DEVICES = 30


def wait_for_task(worker: CeleryWorker, name: str, times: int = 1, timeout: float = 60.0) -> None:
    """Until the worker's log shows ``name`` finished ``times`` times."""
    deadline = time.monotonic() + timeout
    while worker.log_path.read_text(errors="replace").count(f"Task {name}[") < 2 * times:  # received + succeeded
        assert time.monotonic() < deadline, worker.log_tail()
        time.sleep(0.2)


def breaking_article() -> Article:
    return ArticleFactory(section=Section.objects.get(slug="world"), is_breaking=True, title="Ceasefire agreed")


def withdraw(article: Article, *, with_cleanup: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not with_cleanup:
        monkeypatch.setattr(content_services, "unpublish_hooks", [])
    article_unpublish(article=article, by=None, reason="The ceasefire report was wrong")


@pytest.mark.parametrize("with_cleanup", [True, False], ids=["as-a-newsroom-does", "send-path-recheck-only"])
def test_an_alert_queued_before_the_worker_takes_it_sends_nothing_once_withdrawn(
    tmp_path: Path, clean_broker: None, monkeypatch: pytest.MonkeyPatch, with_cleanup: bool
) -> None:
    for _ in range(DEVICES):
        DeviceFactory()
    article = breaking_article()
    article_publish(article=article, by=None)  # commits: the alert's fan-out task waits in Redis
    alert = Alert.objects.get(article=article)
    if not with_cleanup:
        delivery.alert_fanout(alert_id=alert.pk)  # its batches wait in Redis too
    withdraw(article, with_cleanup=with_cleanup, monkeypatch=monkeypatch)

    with (
        start_emulator() as emulator,
        CeleryWorker(env=worker_env(emulator), log_path=tmp_path / "worker.log", concurrency=2) as worker,
    ):
        wait_for_task(worker, "notifications.alert_send_batch" if not with_cleanup else "notifications.alert_fanout")
        time.sleep(1)  # anything else it would have sent would be at the emulator by now
        messages = emulator.client.all_messages()

    assert messages == []
    alert.refresh_from_db()
    assert alert.sent == 0
    if with_cleanup:
        assert alert.state == AlertState.CANCELLED


@pytest.mark.parametrize("with_cleanup", [True, False], ids=["as-a-newsroom-does", "send-path-recheck-only"])
def test_a_send_held_back_by_quiet_hours_is_not_made_once_withdrawn(
    tmp_path: Path, clean_broker: None, monkeypatch: pytest.MonkeyPatch, with_cleanup: bool
) -> None:
    baghdad = timezone.now().astimezone(ZoneInfo("Asia/Baghdad"))
    night = {"quiet_start": (baghdad - timedelta(hours=1)).time(), "quiet_end": (baghdad + timedelta(hours=1)).time()}
    for _ in range(DEVICES):
        DeviceFactory(timezone="Asia/Baghdad", sections=[Section.objects.get(slug="world")], **night)
    article = ArticleFactory(section=Section.objects.get(slug="world"), is_breaking=False, title="Talks resume")
    article_publish(article=article, by=None)

    with (
        start_emulator() as emulator,
        CeleryWorker(env=worker_env(emulator), log_path=tmp_path / "worker.log", concurrency=2) as worker,
    ):
        alert = services.alert_create(
            by=None, edition=edition("en"), article=article, title="Talks resume", body="In Geneva tomorrow.",
            urgency=AlertUrgency.NORMAL,
        )  # fmt: skip
        services.alert_queue(alert=alert, by=None)
        wait_for_task(worker, "notifications.alert_send_batch")
        assert Delivery.objects.filter(alert=alert, state=DeliveryState.DEFERRED).count() == DEVICES

        withdraw(article, with_cleanup=with_cleanup, monkeypatch=monkeypatch)
        Delivery.objects.filter(alert=alert).update(deliver_after=timezone.now() - timedelta(minutes=1))  # night over
        celery_app.send_task("notifications.deliveries_send_deferred")
        wait_for_task(worker, "notifications.deliveries_send_deferred")
        messages = emulator.client.all_messages()

    assert messages == []
    assert set(Delivery.objects.filter(alert=alert).values_list("state", flat=True)) == {DeliveryState.DROPPED}
    alert.refresh_from_db()
    assert (alert.sent, alert.deferred) == (0, 0)
