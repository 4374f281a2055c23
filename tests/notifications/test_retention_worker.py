"""Retention runs from beat: a real Celery worker with its embedded beat, through Redis and PostgreSQL,
prunes the ledger of an old alert and rolls up old view counts on its own schedule."""

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app
from newsapi.models import ArticleDailyViewCount, ArticleViewCount
from newsapi.retention import article_views_by_day
from notifications.models import Alert, AlertState, Delivery, DeliveryState
from tests.e2e.worker import CeleryWorker, database_url
from tests.factories import published_article
from tests.notifications.factories import AlertFactory, DeviceFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.REDIS_URL,
        reason="a real worker needs PostgreSQL and Redis (make test provides both)",
    ),
]

TASKS = ("notifications.deliveries_prune", "newsapi.tasks.view_counts_roll_up")
INTERVAL = 60  # the shortest RETENTION_INTERVAL_SECONDS allows


@pytest.fixture
def clean_broker() -> Iterator[None]:
    """No task left over from another test may reach this test's worker (as tests/e2e/conftest.py)."""
    celery_app.control.purge()
    yield
    celery_app.control.purge()


def worker_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "PYTEST_"))}
    env.update(
        DEBUG="1",
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        LOG_LEVEL="INFO",
        RETENTION_INTERVAL_SECONDS=str(INTERVAL),
        RETENTION_BATCH_SIZE="100",
    )
    return env


def succeeded(worker: CeleryWorker, task: str) -> bool:
    return any(f"Task {task}[" in line and "succeeded" in line for line in worker.log_tail(2000).splitlines())


def test_beat_prunes_old_deliveries_and_rolls_up_old_view_counts(tmp_path: Path, clean_broker: None) -> None:
    now = timezone.now()
    devices = DeviceFactory.create_batch(250)
    old, recent = AlertFactory(), AlertFactory()
    for alert, days in ((old, 20), (recent, 2)):
        then = now - timedelta(days=days)
        Alert.objects.filter(pk=alert.pk).update(state=AlertState.SENT, started_at=then, finished_at=then)
        Delivery.objects.bulk_create(Delivery(alert=alert, device=d, state=DeliveryState.ACCEPTED) for d in devices)
    Delivery.objects.filter(alert=old, device=devices[0]).update(state=DeliveryState.DEFERRED)
    story = published_article(send_alert=False, published_at=now - timedelta(days=90))
    midnight = datetime.combine(now.astimezone(UTC).date(), clock.min, tzinfo=UTC)
    ArticleViewCount.objects.bulk_create(
        ArticleViewCount(article=story, edition_id=story.edition_id, hour=midnight - timedelta(hours=hour), count=hour)
        for hour in range(1, 24 * 60)
    )
    days = {"article_ids": [story.pk], "since": (now - timedelta(days=70)).date(), "until": now.date()}
    before = article_views_by_day(**days)

    env = worker_env()
    queue = celery_app.conf.task_default_queue
    with CeleryWorker(env=env, log_path=tmp_path / "worker.log", concurrency=2, beat=True, queue=queue) as worker:
        deadline = time.monotonic() + INTERVAL * 3
        while not all(succeeded(worker, task) for task in TASKS):
            assert time.monotonic() < deadline, worker.log_tail()
            time.sleep(0.5)
        log = worker.log_tail(2000)

    assert "Traceback" not in log, log
    # The old alert kept only its deferred send; the recent one every row; counts untouched.
    assert list(Delivery.objects.filter(alert=old).values_list("state", flat=True)) == [DeliveryState.DEFERRED]
    assert Delivery.objects.filter(alert=recent).count() == 250
    assert Alert.objects.get(pk=old.pk).state == AlertState.SENT
    # Whole days past 30 are one row each now, and every day's views are what they were.
    assert not ArticleViewCount.objects.filter(hour__lt=midnight - timedelta(days=30)).exists()
    assert ArticleDailyViewCount.objects.filter(article=story).count() == 60 - 30
    assert article_views_by_day(**days) == before
