"""/metrics in the web process shows what a Celery worker process did: messages by outcome and error code.

Through the real parts: the alert's fan-out waits in the Redis broker (seen as a queue length), a
worker process sends it with firebase-admin to the FCM emulator and counts the outcomes in Redis, and
this process's scrape reads them.
"""

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection

from backend.queues import PUSH, queue_name
from devtools.fcm_emulator.config import TokenRule
from notifications.device_secrets import secret_hash
from notifications.models import AlertState, Device
from tests.backend.test_metrics import TOKEN, scrape, value
from tests.e2e.test_push_delivery import publish_breaking_world_article, start_emulator, wait_until_final, worker_env
from tests.e2e.worker import CeleryWorker
from tests.factories import edition

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.REDIS_URL,
        reason="end-to-end delivery needs PostgreSQL and Redis (make test provides both)",
    ),
]


def devices(prefix: str, count: int) -> None:
    from django.utils import timezone

    Device.objects.bulk_create(
        Device(
            token=f"{prefix}-{n:04d}-{'x' * 24}", platform="android", edition=edition("en"), timezone="Asia/Baghdad",
            breaking=True, secret_hash=secret_hash(f"{prefix}-{n}"), refreshed_at=timezone.now(),
        )
        for n in range(count)
    )  # fmt: skip


def test_counts_made_by_a_worker_process_appear_in_the_web_scrape(tmp_path: Path, client, settings, clean_broker):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []
    devices("eligible", 30)
    devices("unregistered", 5)
    devices("apns", 3)
    queue = queue_name(PUSH)  # where the fan-out waits (backend/queues.py)
    rules = (TokenRule("unregistered-", "UNREGISTERED"), TokenRule("apns-", "THIRD_PARTY_AUTH_ERROR"))
    with start_emulator(token_errors=rules, retry_after=1) as emulator:
        alert = publish_breaking_world_article()  # commits: the fan-out task waits in the broker, no worker yet
        waiting = scrape(client)
        # The worker counts under this process's cache key prefix, as every process of one deployment does.
        env = worker_env(emulator, PUSH_BATCH_SIZE="10", CACHE_KEY_PREFIX=caches["default"].key_prefix)
        with CeleryWorker(env=env, log_path=tmp_path / "worker.log", concurrency=2) as worker:
            alert = wait_until_final(alert, worker)
            found = scrape(client)
            deadline = time.monotonic() + 30  # beat's own periodic tasks pass through the queue too
            while value(found, "newsline_celery_queue_length", queue=queue) and time.monotonic() < deadline:
                time.sleep(0.2)
                found = scrape(client)

    assert value(waiting, "newsline_celery_queue_length", queue=queue) == 1
    assert value(waiting, "newsline_alerts", state="queued") == 1
    assert value(waiting, "newsline_push_messages_total", outcome="sent", error_code="") == 0
    assert alert.state == AlertState.PARTIALLY_FAILED
    assert alert.finished_at and alert.queued_at
    assert (alert.sent, alert.invalid_tokens, alert.failed) == (30, 5, 3)
    family = "newsline_push_messages_total"
    assert value(found, family, outcome="sent", error_code="") == 30
    assert value(found, family, outcome="invalid", error_code="UNREGISTERED") == 5
    assert value(found, family, outcome="failed", error_code="THIRD_PARTY_AUTH_ERROR") == 3
    assert value(found, "newsline_alerts", state="partially_failed") == 1
    assert value(found, "newsline_alerts", state="queued") == 0
    assert value(found, "newsline_alert_fanout_recent_alerts") == 1
    assert (
        0
        < value(found, "newsline_alert_fanout_lag_last_seconds")
        <= (alert.finished_at - alert.queued_at).total_seconds()
    )
    assert value(found, "newsline_celery_queue_length", queue=queue) == 0
