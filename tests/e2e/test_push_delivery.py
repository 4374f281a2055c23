"""End to end through the real parts: PostgreSQL, Redis, a Celery worker process, firebase-admin, the FCM emulator.

Each test registers 2,000 devices of every kind, publishes a breaking World article
through ``article_publish`` and checks, at the emulator, who got what.
"""

import collections
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from devtools.fcm_emulator import EmulatorConfig, EmulatorProcess
from newsapi.models import Section
from newsapi.services import article_publish
from notifications.device_secrets import secret_hash
from notifications.models import Alert, AlertBatch, AlertState, BatchState, Device
from tests.e2e.worker import CeleryWorker, database_url
from tests.factories import ArticleFactory, edition

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.REDIS_URL,
        reason="end-to-end delivery needs PostgreSQL and Redis (make test provides both)",
    ),
]

FINAL = {AlertState.SENT, AlertState.PARTIALLY_FAILED, AlertState.FAILED}


def worker_env(emulator: EmulatorProcess, **overrides: str) -> dict[str, str]:
    import os

    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("PUSH_", "FCM_", "CELERY_", "PYTEST_"))
    }
    env.update(
        DEBUG="1",
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        FCM_ENDPOINT=emulator.url,
        FCM_PROJECT_ID="newsline-e2e",
        FCM_CREDENTIALS="",
        PUSH_BATCH_LEASE_SECONDS="5",
        PUSH_RECOVERY_INTERVAL_SECONDS="2",
        PUSH_RETRY_BASE_SECONDS="1",
        PUSH_RETRY_MAX_SECONDS="4",
        LOG_LEVEL="INFO",
    )
    env.update(overrides)
    return env


def start_emulator(**config: object) -> EmulatorProcess:
    return EmulatorProcess(config=EmulatorConfig(**config))


class Audience:
    """2,000 devices: eligible ones (some in quiet hours), dead tokens, and three kinds that must get nothing."""

    def __init__(self) -> None:
        now = timezone.now()
        baghdad = now.astimezone(ZoneInfo("Asia/Baghdad"))
        night_start = (baghdad - timedelta(hours=1)).time().replace(second=0, microsecond=0)
        night_end = (baghdad + timedelta(hours=1)).time().replace(second=0, microsecond=0)
        en, ar = edition("en"), edition("ar")
        rows: list[Device] = []

        def add(prefix: str, count: int, **fields: object) -> None:
            for n in range(count):
                token = f"{prefix}-{n:05d}-{'x' * 24}"
                values: dict[str, object] = {
                    "token": token, "platform": "android" if n % 3 else "ios", "edition": en,
                    "timezone": "Asia/Baghdad", "breaking": True, "secret_hash": secret_hash(token),
                    "refreshed_at": now,
                }  # fmt: skip
                rows.append(Device(**{**values, **fields}))

        add("eligible", 1200)
        add("eligible-night", 300, quiet_start=night_start, quiet_end=night_end)  # breaking news ignores quiet hours
        add("unregistered-dead", 200)  # the emulator answers UNREGISTERED for these
        add("arabic", 150, edition=ar)
        add("no-breaking", 100, breaking=False)
        add("stale", 50, is_stale=True)
        Device.objects.bulk_create(rows, batch_size=1000)
        self.eligible = {d.token for d in rows if d.token.startswith("eligible")}
        self.dead = {d.token for d in rows if d.token.startswith("unregistered-")}
        self.all = {d.token for d in rows}
        assert len(self.all) == 2000


def publish_breaking_world_article() -> Alert:
    article = ArticleFactory(section=Section.objects.get(slug="world"), is_breaking=True, title="Ceasefire agreed")
    article_publish(article=article, by=None)  # commits: the alert is queued and the fan-out enqueued
    return Alert.objects.get(article=article)


def wait_until_final(alert: Alert, worker: CeleryWorker, timeout: float = 240.0) -> Alert:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alert.refresh_from_db()
        if alert.state in FINAL:
            return alert
        time.sleep(0.5)
    raise AssertionError(f"alert stuck in {alert.state}; worker log:\n{worker.log_tail()}")


def accepted_tokens(emulator: EmulatorProcess) -> collections.Counter[str]:
    return collections.Counter(message["token"] for message in emulator.client.all_messages())


def test_every_eligible_device_gets_exactly_one_alert_and_nobody_else_any(tmp_path: Path, clean_broker: None) -> None:
    audience = Audience()
    with (
        start_emulator(retry_after=1) as emulator,
        CeleryWorker(env=worker_env(emulator), log_path=tmp_path / "worker.log", concurrency=2) as worker,
    ):
        alert = wait_until_final(publish_breaking_world_article(), worker)
        received = accepted_tokens(emulator)

    assert set(received) == audience.eligible
    assert set(received.values()) == {1}
    assert not Device.objects.filter(token__in=audience.dead, is_active=True).exists()
    assert Device.objects.filter(token__in=audience.eligible, is_active=True).count() == 1500
    assert alert.state == AlertState.SENT
    assert (alert.targeted, alert.sent, alert.invalid_tokens, alert.failed) == (1700, 1500, 200, 0)


def test_twenty_percent_unavailable_still_gives_exactly_one_accepted_message_each(
    tmp_path: Path, clean_broker: None
) -> None:
    audience = Audience()
    with (
        start_emulator(error_rates={"UNAVAILABLE": 0.2}, retry_after=1, seed=20) as emulator,
        CeleryWorker(
            env=worker_env(emulator, PUSH_MAX_ATTEMPTS="12"), log_path=tmp_path / "worker.log", concurrency=2
        ) as worker,
    ):
        alert = wait_until_final(publish_breaking_world_article(), worker)
        received = accepted_tokens(emulator)
        unavailable = emulator.client.stats()

    assert set(received) == audience.eligible
    assert set(received.values()) == {1}
    assert alert.state == AlertState.SENT
    assert (alert.sent, alert.invalid_tokens, alert.failed) == (1500, 200, 0)
    assert "UNAVAILABLE" in str(unavailable)  # the injection really happened
    assert AlertBatch.objects.filter(alert=alert, attempts__gt=1).exists()


def test_a_worker_killed_mid_fanout_is_replaced_and_only_its_batch_in_flight_can_repeat(
    tmp_path: Path, clean_broker: None
) -> None:
    audience = Audience()
    # Slow sends (150 ms each, 10 at a time, 100 per batch) so the kill lands inside a batch.
    env_overrides = {"PUSH_BATCH_SIZE": "100", "FCM_POOL_SIZE": "10", "CELERY_VISIBILITY_TIMEOUT": "10"}
    with start_emulator(latency_ms=150) as emulator:
        env = worker_env(emulator, **env_overrides)
        first = CeleryWorker(env=env, log_path=tmp_path / "worker-1.log", concurrency=1).start()
        alert = publish_breaking_world_article()
        deadline = time.monotonic() + 120
        while emulator.client.stats()["accepted"] < 400:
            assert time.monotonic() < deadline, first.log_tail()
            time.sleep(0.2)
        first.kill()
        in_flight = list(AlertBatch.objects.filter(alert=alert, state=BatchState.SENDING))
        assert len(in_flight) <= 1  # one pool process: at most one batch was being sent

        with CeleryWorker(env=env, log_path=tmp_path / "worker-2.log", concurrency=1) as second:
            alert = wait_until_final(alert, second)
        messages = emulator.client.all_messages()

    received = collections.Counter(message["token"] for message in messages)
    assert set(received) == audience.eligible  # nobody missed, nobody else
    repeated = {token for token, count in received.items() if count > 1}
    print(f"batches in flight at the kill: {len(in_flight)}; devices that got a repeat: {len(repeated)}")
    if repeated:
        batch = in_flight[0]
        ids = set(Device.objects.filter(token__in=repeated).values_list("pk", flat=True))
        assert all(batch.first_device_id <= pk <= batch.last_device_id for pk in ids)
        assert len(repeated) <= batch.size
        assert set(received.values()) == {1, 2}
    assert (alert.sent, alert.invalid_tokens, alert.failed) == (1500, 200, 0)
    tags = {
        (m["message"]["android"]["notification"]["tag"], m["message"]["apns"]["headers"]["apns-collapse-id"])
        for m in messages
    }
    assert tags == {(f"article-{alert.article_id}", f"article-{alert.article_id}")}
