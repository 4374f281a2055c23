"""backend.jobs.enqueue: background work is sent by task name, and only once its transaction commits."""

import pytest
from django.db import transaction

from backend.jobs import enqueue
from config.celery import app as celery_app
from notifications.models import Device
from tests.notifications.factories import DeviceFactory

pytestmark = pytest.mark.django_db


def published(queue) -> list[tuple[str, list, str | None]]:
    out: list[tuple[str, list, str | None]] = []
    while True:
        try:
            message = queue.get_nowait()
        except queue.Empty:
            return out
        out.append((message.headers["task"], message.payload[0], message.headers.get("eta")))


def test_a_task_is_sent_by_name_only_when_the_transaction_commits(broker_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue("notifications.alert_fanout", 42)
        assert published(broker_queue) == []

    [(name, args, eta)] = published(broker_queue)
    assert (name, args, eta) == ("notifications.alert_fanout", [42], None)


def test_a_countdown_becomes_the_messages_eta(broker_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue("notifications.alert_send_batch", 7, countdown=30)

    [(name, args, eta)] = published(broker_queue)
    assert (name, args) == ("notifications.alert_send_batch", [7])
    assert eta is not None


def test_a_rolled_back_transaction_sends_nothing(broker_queue, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue("notifications.alert_fanout", 42)
        raise RuntimeError("the change fails")

    assert callbacks == []
    assert published(broker_queue) == []


def test_without_a_broker_the_task_runs_here_after_the_commit(django_capture_on_commit_callbacks, settings):
    settings.DEVICE_STALE_AFTER_DAYS = 0
    device = DeviceFactory()
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            enqueue("notifications.devices_hygiene")
            assert not Device.objects.get(pk=device.pk).is_stale  # not before the commit
    finally:
        celery_app.conf.task_always_eager = eager

    assert Device.objects.get(pk=device.pk).is_stale
