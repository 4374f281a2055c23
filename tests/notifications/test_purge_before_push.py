"""Purge before push: an alert's fan-out purges its article's cached copies before its first batch, once.

The "Varnish" is a loopback HTTP server that records each PURGE (its keys, and where it came in a shared
sequence of events) and answers as told. The real Varnish is in tests/e2e/test_purge_before_push.py.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from celery.signals import after_task_publish
from django.db.models.signals import post_save
from django.test import override_settings
from django.utils import timezone

from backend.purge import purge_now
from notifications import delivery
from notifications.models import Alert, AlertBatch, AlertState
from tests.factories import published_article
from tests.notifications.factories import AlertFactory, DeviceFactory

pytestmark = pytest.mark.django_db


@dataclass
class FakeVarnish:
    """Answers each PURGE with ``answers(n)`` (the n-th request, from 1): a status code."""

    answers: Callable[[int], int] = lambda n: 200
    purges: list[list[str]] = field(default_factory=list)
    events: list[tuple[str, Any]] = field(default_factory=list)  # shared with the test's own observers
    url: str = ""

    @property
    def keys(self) -> set[str]:
        return {key for purge in self.purges for key in purge}


@pytest.fixture
def fake_varnish(settings) -> Iterator[FakeVarnish]:
    """The purger pointed at a recording loopback "Varnish"."""
    fake = FakeVarnish()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_PURGE(self) -> None:
            keys = self.headers.get("xkey-purge", "").split()
            with lock:
                fake.purges.append(keys)
                fake.events.append(("purge", keys))  # before the answer: the client is still waiting for it
                status = fake.answers(len(fake.purges))
            self.send_response(status)
            self.send_header("X-Purged", "1" if status == 200 else "0")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CACHE_PURGER = "varnish"
    settings.VARNISH_PURGE_URLS = [fake.url]
    settings.CACHE_PURGE_TIMEOUT_SECONDS = 1
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def queued_alert_for_a_published_story(devices: int = 5) -> Alert:
    """A story published with no purger in front (so its own publication purged nothing), then an alert for it."""
    with override_settings(CACHE_PURGER=""):
        article = published_article(title="Ceasefire agreed")
    DeviceFactory.create_batch(devices)
    return AlertFactory(article=article, state=AlertState.QUEUED, queued_at=timezone.now() - timedelta(seconds=1))


def delivery_errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "notifications.delivery" and r.levelno == logging.ERROR]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_story_is_purged_before_the_first_batch_exists_or_is_enqueued(fake_varnish, broker_queue, settings):
    settings.PUSH_BATCH_SIZE = 2
    alert = queued_alert_for_a_published_story(devices=5)
    events = fake_varnish.events

    def batch_saved(sender: Any, instance: AlertBatch, created: bool, **_: Any) -> None:
        events.append(("batch created", instance.index))

    def task_published(sender: Any = None, **_: Any) -> None:
        events.append(("task sent", sender))

    post_save.connect(batch_saved, sender=AlertBatch, weak=False)
    after_task_publish.connect(task_published, weak=False)
    try:
        created = delivery.alert_fanout(alert_id=alert.pk)  # commits each batch: its task is sent to the broker
    finally:
        post_save.disconnect(batch_saved, sender=AlertBatch)
        after_task_publish.disconnect(task_published)

    assert created == 3
    # The edition's alert inbox (it lists the alert now), the story's keys, and only then the batches.
    assert [kind for kind, _ in events] == ["purge", "purge"] + ["batch created", "task sent"] * 3
    inbox, story = fake_varnish.purges
    assert inbox == ["alerts-en"]
    assert {f"article-{alert.article_id}", "home-en", "articles-en", "most-read-en"} <= set(story)
    assert {detail for kind, detail in events if kind == "task sent"} == {"notifications.alert_send_batch"}
    alert.refresh_from_db()
    assert alert.cache_purged_at is not None and not alert.cache_purge_failed


@pytest.mark.parametrize("cache", ["answers 500", "nothing listening"])
def test_a_failing_purge_is_retried_until_the_deadline_logged_and_the_alert_still_goes_out(
    fake_varnish, settings, caplog, cache
):
    settings.ALERT_PURGE_WAIT_SECONDS = 1
    if cache == "answers 500":
        fake_varnish.answers = lambda n: 500
    else:
        settings.VARNISH_PURGE_URLS = ["http://127.0.0.1:9/"]  # discard: nothing listens
    alert = queued_alert_for_a_published_story(devices=3)

    started = time.monotonic()
    with caplog.at_level(logging.INFO):
        created = delivery.alert_fanout(alert_id=alert.pk)
    waited = time.monotonic() - started

    assert created == 1
    alert.refresh_from_db()
    assert alert.fanout_done and alert.targeted == 3
    assert alert.cache_purged_at is not None and alert.cache_purge_failed
    assert 0.6 <= waited < 2.5  # tried for about ALERT_PURGE_WAIT_SECONDS, then let the alert go
    tries = [r for r in caplog.records if r.name == "backend.purge" and r.levelno == logging.WARNING]
    assert len(tries) >= 3
    if cache == "answers 500":
        assert len(fake_varnish.purges) == len(tries)
    [error] = delivery_errors(caplog)
    message = error.getMessage()
    assert f"alert {alert.pk}:" in message and f"article-{alert.article_id}" in message and "home-en" in message


def test_a_purge_that_fails_then_succeeds_within_the_wait_is_no_error(fake_varnish, settings, caplog):
    fake_varnish.answers = lambda n: 503 if n <= 2 else 200
    alert = queued_alert_for_a_published_story()

    with caplog.at_level(logging.INFO):
        delivery.alert_fanout(alert_id=alert.pk)

    assert len(fake_varnish.purges) == 3
    assert delivery_errors(caplog) == []
    alert.refresh_from_db()
    assert alert.cache_purged_at is not None and not alert.cache_purge_failed and alert.fanout_done


def test_a_misconfigured_purger_is_logged_and_the_alert_still_goes_out(settings, caplog):
    alert = queued_alert_for_a_published_story(devices=2)
    settings.CACHE_PURGER = "fastly"
    settings.FASTLY_SERVICE_ID = ""  # the settings refuse this at start-up; here it is changed under them

    with caplog.at_level(logging.ERROR):
        created = delivery.alert_fanout(alert_id=alert.pk)

    assert created == 1
    [error] = delivery_errors(caplog)
    assert error.exc_info and "needs FASTLY_SERVICE_ID" in str(error.exc_info[1])
    assert f"article-{alert.article_id}" in error.getMessage()
    alert.refresh_from_db()
    assert alert.cache_purge_failed and alert.fanout_done


def test_without_a_purger_nothing_is_purged_and_nothing_waits(fake_varnish, settings):
    settings.CACHE_PURGER = ""
    settings.ALERT_PURGE_WAIT_SECONDS = 5
    alert = queued_alert_for_a_published_story(devices=3)

    started = time.monotonic()
    created = delivery.alert_fanout(alert_id=alert.pk)

    assert time.monotonic() - started < 1
    assert created == 1 and fake_varnish.purges == []
    alert.refresh_from_db()
    assert alert.cache_purged_at is None and alert.fanout_done


def test_an_alert_without_an_article_purges_nothing_but_its_inbox(
    fake_varnish, django_capture_on_commit_callbacks, fcm_settings
):
    # fcm_settings: without a broker (SQLite runs) the committed fan-out sends its batch in this process.
    DeviceFactory()
    alert = AlertFactory(state=AlertState.QUEUED, queued_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        delivery.alert_fanout(alert_id=alert.pk)

    assert fake_varnish.purges == [["alerts-en"]]  # the inbox's purge on commit, as before


def test_a_resumed_fanout_does_not_purge_again(fake_varnish, settings):
    settings.PUSH_BATCH_SIZE = 2
    alert = queued_alert_for_a_published_story(devices=5)
    fake_varnish.answers = lambda n: 200

    # The first fan-out purges and then dies after its first batch (a killed worker).
    delivery.alert_fanout(alert_id=alert.pk)
    assert len(fake_varnish.purges) == 1
    first = AlertBatch.objects.get(alert=alert, index=0)
    AlertBatch.objects.filter(alert=alert, index__gt=0).delete()
    Alert.objects.filter(pk=alert.pk).update(fanout_done=False, fanout_cursor=first.last_device_id, targeted=2)

    created = delivery.alert_fanout(alert_id=alert.pk)  # the recovery sweep's re-enqueued fan-out

    assert created == 2 and AlertBatch.objects.filter(alert=alert).count() == 3
    assert len(fake_varnish.purges) == 1


def test_a_fanout_that_died_during_its_purge_purges_when_resumed(fake_varnish):
    alert = queued_alert_for_a_published_story(devices=2)
    Alert.objects.filter(pk=alert.pk).update(state=AlertState.SENDING, started_at=timezone.now())  # no purge recorded

    delivery.alert_fanout(alert_id=alert.pk)

    assert len(fake_varnish.purges) == 1 and f"article-{alert.article_id}" in fake_varnish.keys


def test_purge_now_normalises_the_keys_and_returns_at_once_on_success(fake_varnish):
    result = purge_now(["home-en", "article-7", "home-en", " "], wait=5)

    assert result.ok and result.keys == ("home-en", "article-7") and result.purged == 1
    assert fake_varnish.purges == [["home-en", "article-7"]]
