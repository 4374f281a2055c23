"""Purge before push, for real: varnishd in front of the live server, a Celery worker process, the FCM emulator.

A story's pages are cached in Varnish, then corrected while nothing purges them (the test process has no
purger: as with a correction made while a purge failed, or a scheduled change). An editor queues a breaking
alert for it. The worker's fan-out purges the story's keys before its first batch, so by the time the first
phone has the alert, the first request through Varnish gets the corrected story. Without the worker's
purge (its own CACHE_PURGER empty), the same request gets the stale copy.
"""

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from devtools.fcm_emulator.client import EmulatorError
from newsapi.models import Section
from newsapi.services import article_update
from notifications.models import Alert, AlertState
from notifications.services import alert_create, alert_queue
from tests.e2e.test_push_delivery import worker_env
from tests.e2e.test_varnish import cached, page_path, varnish, varnish_server  # noqa: F401 - fixtures used here
from tests.e2e.test_varnish import pytestmark as varnish_marks
from tests.e2e.varnish import Varnish
from tests.e2e.worker import CeleryWorker
from tests.factories import edition, published_article
from tests.notifications.factories import DeviceFactory

pytestmark = [
    *varnish_marks,
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.REDIS_URL,
        reason="end-to-end delivery needs PostgreSQL and Redis (make test provides both)",
    ),
]

OLD, NEW = "Ceasefire talks begin", "Ceasefire agreed in Geneva"


@pytest.mark.parametrize("worker_purges", [True, False], ids=["purge-before-push", "without-the-fanout-purge"])
def test_the_first_request_after_the_alert_gets_the_fresh_story(
    varnish: Varnish,  # noqa: F811 - the fixture imported above
    fcm_emulator,
    settings,
    tmp_path: Path,
    clean_broker: None,
    worker_purges: bool,
) -> None:
    DeviceFactory.create_batch(3)
    story = published_article(title=OLD, section=Section.objects.get(slug="world"))
    paths = ["/api/v1/home/?lang=en", f"/api/v1/articles/{story.pk}/", page_path(story)]
    for path in paths:
        assert OLD.encode() in cached(varnish, path).body, path

    settings.CACHE_PURGER = ""  # the correction purges nothing: every copy in Varnish is now stale
    article_update(article=story, by=None, changes={"title": NEW})
    for path in paths:
        stale = varnish.get(path)
        assert stale.cache == "HIT" and OLD.encode() in stale.body, path

    purger = {"CACHE_PURGER": "varnish", "VARNISH_PURGE_URLS": varnish.url} if worker_purges else {"CACHE_PURGER": ""}
    env = worker_env(fcm_emulator, **purger)
    queue = celery_app.conf.task_default_queue
    with CeleryWorker(env=env, log_path=tmp_path / "worker.log", concurrency=2, beat=False, queue=queue) as worker:
        alert = alert_create(by=None, edition=edition("en"), article=story, title=NEW, body="Both sides signed.")
        alert_queue(alert=alert, by=None)  # commits: the fan-out task goes to the worker
        try:
            fcm_emulator.client.wait_for_messages(1, timeout=60, interval=0.01)
        except EmulatorError:
            raise AssertionError(f"no message reached the emulator; worker log:\n{worker.log_tail()}") from None
        first = {path: varnish.get(path) for path in paths}  # as soon as the first phone has the alert
        deadline = time.monotonic() + 60
        while Alert.objects.get(pk=alert.pk).state != AlertState.SENT:
            assert time.monotonic() < deadline, worker.log_tail()
            time.sleep(0.2)

    alert.refresh_from_db()
    assert alert.sent == 3
    for path, answer in first.items():
        if worker_purges:
            assert (answer.status, answer.cache) == (200, "MISS"), path
            assert NEW.encode() in answer.body and OLD.encode() not in answer.body, path
        else:
            assert (answer.status, answer.cache) == (200, "HIT"), path
            assert OLD.encode() in answer.body, path
    assert (alert.cache_purged_at is not None) is worker_purges
    assert not alert.cache_purge_failed
