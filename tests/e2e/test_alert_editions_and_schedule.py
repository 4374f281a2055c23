"""A compose in two editions and a scheduled alert, through the real parts: a Celery worker process
with its beat, Redis, PostgreSQL, firebase-admin and the FCM emulator."""

import time
import uuid
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from backend.roles import EDITOR
from notifications import services
from notifications.models import Alert, AlertState
from notifications.services import EditionText
from tests.e2e.test_push_delivery import FINAL, pytestmark, start_emulator, worker_env  # noqa: F401 - pytestmark applies here too
from tests.e2e.worker import CeleryWorker
from tests.factories import edition, published_article, user_with_role
from tests.notifications.factories import DeviceFactory

EN_TITLE, EN_BODY = "Quake hits Erbil", "No casualties reported; rescue teams are in the streets."
CKB_TITLE, CKB_BODY = "بوومەلەرزە لە هەولێر", "هیچ قوربانییەک تۆمار نەکراوە؛ تیمەکانی فریاگوزاری لە شەقامەکانن."


def wait_until_final(alerts: list[Alert], worker: CeleryWorker, timeout: float = 120.0) -> list[Alert]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for alert in alerts:
            alert.refresh_from_db()
        if all(alert.state in FINAL for alert in alerts):
            return alerts
        time.sleep(0.2)
    raise AssertionError(f"alerts stuck in {[a.state for a in alerts]}; worker log:\n{worker.log_tail()}")


def test_a_compose_in_two_editions_reaches_each_device_in_its_own_language(tmp_path: Path, clean_broker: None) -> None:
    group = uuid.uuid4()
    english = published_article(edition=edition("en"), translation_group=group, title=EN_TITLE, slug="quake-en")
    sorani = published_article(edition=edition("ckb"), translation_group=group, title=CKB_TITLE, slug="quake-ckb")
    en_devices = DeviceFactory.create_batch(3, edition=edition("en"))
    ckb_devices = DeviceFactory.create_batch(2, edition=edition("ckb"))
    DeviceFactory(edition=edition("ar"))  # an edition the compose leaves out
    editor = user_with_role(EDITOR)
    en, ckb = services.alert_compose(
        by=editor,
        texts=[
            EditionText(edition=edition("en"), title=EN_TITLE, body=EN_BODY),
            EditionText(edition=edition("ckb"), title=CKB_TITLE, body=CKB_BODY),
        ],
        article=english,
    )

    with (
        start_emulator() as emulator,
        CeleryWorker(env=worker_env(emulator), log_path=tmp_path / "worker.log", concurrency=2) as worker,
    ):
        services.alert_queue(alert=en, by=editor)  # commits: both fan-outs go to the worker
        en, ckb = wait_until_final([en, ckb], worker)
        messages = emulator.client.all_messages()

    received = {m["token"]: m["message"] for m in messages}
    assert len(messages) == len(received) == 5  # each device once
    for device in en_devices:
        message = received[device.token]
        assert message["notification"]["title"] == EN_TITLE
        assert message["notification"]["body"] == EN_BODY
        assert (message["data"]["language"], message["data"]["article_id"]) == ("en", str(english.pk))
    for device in ckb_devices:
        message = received[device.token]
        assert message["notification"]["title"] == CKB_TITLE
        assert message["notification"]["body"] == CKB_BODY
        assert (message["data"]["language"], message["data"]["article_id"]) == ("ckb", str(sorani.pk))
    assert (en.state, en.targeted, en.sent) == (AlertState.SENT, 3, 3)
    assert (ckb.state, ckb.targeted, ckb.sent) == (AlertState.SENT, 2, 2)


def test_a_scheduled_alert_goes_out_only_after_its_time(tmp_path: Path, clean_broker: None) -> None:
    devices = DeviceFactory.create_batch(3, edition=edition("en"))
    editor = user_with_role(EDITOR)

    with (
        start_emulator() as emulator,
        # The worker's own beat runs the due sweep every second.
        CeleryWorker(
            env=worker_env(emulator, SCHEDULED_ALERTS_INTERVAL_SECONDS="1"),
            log_path=tmp_path / "worker.log",
            concurrency=2,
        ) as worker,
    ):
        send_at = timezone.now() + timedelta(seconds=5)
        [alert] = services.alert_compose(
            by=editor, texts=[EditionText(edition=edition("en"), title="Polls close", body="Results soon.")],
            send_at=send_at,
        )  # fmt: skip
        services.alert_queue(alert=alert, by=editor)
        alert.refresh_from_db()
        assert alert.state == AlertState.SCHEDULED
        while timezone.now() < send_at - timedelta(seconds=1):
            # Beat has run the sweep several times by now; nothing is due yet.
            alert.refresh_from_db()
            assert alert.state == AlertState.SCHEDULED
            assert emulator.client.all_messages() == []
            time.sleep(0.2)
        [alert] = wait_until_final([alert], worker)
        messages = emulator.client.all_messages()

    assert sorted(m["token"] for m in messages) == sorted(device.token for device in devices)
    assert all(m["time"] >= send_at.timestamp() for m in messages)
    assert alert.queued_at is not None and alert.queued_at >= send_at
    assert (alert.state, alert.sent) == (AlertState.SENT, 3)
    assert "notifications.alerts_queue_due" in worker.log_path.read_text(errors="replace")
