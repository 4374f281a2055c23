"""The alert services in this process, sending through the real SDK to the loopback FCM emulator.

No Celery worker here: the tests call what the tasks call (fan-out, then each batch until it needs no
retry), so every step and count can be checked. The worker end to end is tests/e2e's business.
"""

import math
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from backend.roles import EDITOR
from newsapi.images import NOTIFICATION_FORMAT, image_generate_renditions
from newsapi.models import Article, ArticleStatus, Section
from newsapi.services import article_publish, article_unpublish
from notifications import delivery, selectors, services
from notifications.models import (
    Alert,
    AlertBatch,
    AlertState,
    AlertTarget,
    AlertUrgency,
    BatchState,
    Delivery,
    DeliveryState,
)
from tests.factories import ArticleFactory, ImageFactory, SectionFactory, edition, png_bytes, published_article
from tests.notifications.factories import AlertFactory, DeviceFactory

pytestmark = pytest.mark.django_db


def world() -> Section:
    return Section.objects.get(slug="world")


def breaking_article(**kwargs) -> Article:
    return published_article(section=world(), is_breaking=True, **kwargs)


def queued_alert(**kwargs) -> Alert:
    """A draft alert composed by hand, then queued through the service."""
    sections = kwargs.pop("sections", None)
    alert = AlertFactory(**kwargs)
    if sections:
        alert.sections.set(sections)
    return services.alert_queue(alert=alert, by=None)


def send_batch(batch: AlertBatch, gateway) -> list[delivery.BatchOutcome]:
    """Run one batch as its task does, again after each ``retry_in``, until it asks for no retry."""
    outcomes = [delivery.alert_send_batch(batch_id=batch.pk, gateway=gateway)]
    while outcomes[-1].retry_in is not None:
        outcomes.append(delivery.alert_send_batch(batch_id=batch.pk, gateway=gateway))
    return outcomes


def run_alert(alert: Alert, gateway) -> Alert:
    delivery.alert_fanout(alert_id=alert.pk)
    for batch in alert.batches.order_by("index"):
        send_batch(batch, gateway)
    alert.refresh_from_db()
    return alert


def received_tokens(fcm_emulator) -> list[str]:
    return sorted(message["token"] for message in fcm_emulator.client.all_messages())


def is_active(device) -> bool:
    device.refresh_from_db()
    return device.is_active


def counts(alert: Alert) -> tuple[int, int, int, int, int]:
    alert.refresh_from_db()
    return alert.targeted, alert.sent, alert.failed, alert.invalid_tokens, alert.deferred


@pytest.fixture
def recover(django_capture_on_commit_callbacks):
    """The recovery sweep as beat runs it, outside any transaction: what it enqueues is sent at once."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return delivery.alerts_recover(**kwargs)

    return run


def published_tasks(queue) -> list[tuple[str, list]]:
    tasks: list[tuple[str, list]] = []
    while True:
        try:
            message = queue.get_nowait()
        except queue.Empty:
            return sorted(tasks)
        tasks.append((message.headers["task"], message.payload[0]))


# --- The automatic alert on publication --------------------------------------------------------------


def test_publishing_a_breaking_world_article_queues_its_alert():
    editor = get_user_model().objects.create_user("editor")
    editor.groups.add(Group.objects.get(name=EDITOR))
    article = ArticleFactory(
        section=world(), is_breaking=True, title="Quake hits the north", summary="At least 12 villages cut off."
    )

    article_publish(article=article, by=editor)

    alert = Alert.objects.get(article=article)
    assert alert.state == AlertState.QUEUED
    assert alert.queued_at is not None
    assert alert.created_by == editor
    assert (alert.edition, alert.title, alert.body) == (article.edition, "Quake hits the north", article.summary)
    assert (alert.target, alert.urgency) == (AlertTarget.BREAKING, AlertUrgency.BREAKING)


def test_a_long_headline_is_shortened_to_fit_the_lock_screen():
    article = breaking_article(title="A headline " + "that goes on and on " * 8, summary="")

    alert = Alert.objects.get(article=article)

    assert len(alert.title) <= 65
    assert alert.title.endswith("…")
    assert alert.body == " ".join(article.title.split())  # no summary: the headline is the body


@pytest.mark.parametrize(
    ("is_breaking", "auto_alert", "send_alert"),
    [(False, True, True), (True, False, True), (True, True, False)],
    ids=["not-breaking", "section-without-auto-alert", "send-alert-unticked"],
)
def test_no_automatic_alert_unless_breaking_in_an_auto_alert_section_and_wanted(is_breaking, auto_alert, send_alert):
    section = world() if auto_alert else SectionFactory(slug="sport")
    assert section.auto_alert is auto_alert

    article = published_article(section=section, is_breaking=is_breaking, send_alert=send_alert)

    assert article.status == ArticleStatus.PUBLISHED
    assert not Alert.objects.exists()


def test_a_story_first_published_longer_ago_than_an_alert_lives_gets_no_automatic_alert(settings):
    settings.FCM_ALERT_TTL_SECONDS = 3600
    old = ArticleFactory(section=world(), is_breaking=True)
    recent = ArticleFactory(section=world(), is_breaking=True)

    article_publish(article=old, by=None, published_at=timezone.now() - timedelta(hours=2))
    article_publish(article=recent, by=None, published_at=timezone.now() - timedelta(minutes=20))

    assert list(Alert.objects.values_list("article_id", flat=True)) == [recent.pk]


def test_republishing_after_a_withdrawal_does_not_alert_twice():
    article = breaking_article()
    article_unpublish(article=article, by=None, reason="Legal check")

    article_publish(article=article, by=None)

    assert Alert.objects.filter(article=article).count() == 1


def test_the_alert_is_created_in_the_publication_transaction():
    article = ArticleFactory(section=world(), is_breaking=True)

    with pytest.raises(RuntimeError), transaction.atomic():
        article_publish(article=article, by=None)
        assert Alert.objects.filter(article=article, state=AlertState.QUEUED).exists()
        raise RuntimeError("the publication fails after the hooks ran")

    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    assert not Alert.objects.exists()


def test_the_fan_out_is_enqueued_only_when_the_publication_commits(django_capture_on_commit_callbacks, broker_queue):
    with django_capture_on_commit_callbacks(execute=True):
        article = breaking_article()
        assert published_tasks(broker_queue) == []

    alert = Alert.objects.get(article=article)
    assert published_tasks(broker_queue) == [("notifications.alert_fanout", [alert.pk])]


# --- Queueing and cancelling --------------------------------------------------------------------------


def test_only_a_draft_can_be_queued():
    alert = queued_alert()

    with pytest.raises(ValidationError, match="Only a draft"):
        services.alert_queue(alert=alert, by=None)
    cancelled = AlertFactory()
    services.alert_cancel(alert=cancelled, by=None)
    with pytest.raises(ValidationError, match="Only a draft"):
        services.alert_queue(alert=cancelled, by=None)
    assert Alert.objects.get(pk=cancelled.pk).state == AlertState.CANCELLED


@pytest.mark.parametrize("withdrawn", [False, True], ids=["never-published", "unpublished"])
def test_an_alert_for_an_article_readers_cannot_see_is_not_queued(withdrawn):
    article = published_article() if withdrawn else ArticleFactory()
    if withdrawn:
        article_unpublish(article=article, by=None, reason="Wrong facts")
    alert = AlertFactory(article=article)

    with pytest.raises(ValidationError, match="not published"):
        services.alert_queue(alert=alert, by=None)

    assert Alert.objects.get(pk=alert.pk).state == AlertState.DRAFT


def test_a_sections_alert_needs_at_least_one_section():
    alert = AlertFactory(target=AlertTarget.SECTIONS)

    with pytest.raises(ValidationError, match="section"):
        services.alert_queue(alert=alert, by=None)
    assert Alert.objects.get(pk=alert.pk).state == AlertState.DRAFT

    alert.sections.set([world()])
    assert services.alert_queue(alert=alert, by=None).state == AlertState.QUEUED


@pytest.mark.parametrize("state", [AlertState.DRAFT, AlertState.QUEUED])
def test_a_draft_or_queued_alert_can_be_cancelled(state):
    alert = AlertFactory()
    Alert.objects.filter(pk=alert.pk).update(state=state)

    services.alert_cancel(alert=alert, by=None)

    alert.refresh_from_db()
    assert alert.state == AlertState.CANCELLED
    assert alert.finished_at is not None


@pytest.mark.parametrize(
    "state", [AlertState.SENDING, AlertState.SENT, AlertState.PARTIALLY_FAILED, AlertState.FAILED, AlertState.CANCELLED]
)
def test_an_alert_that_started_sending_cannot_be_cancelled(state):
    alert = AlertFactory()
    Alert.objects.filter(pk=alert.pk).update(state=state)

    with pytest.raises(ValidationError, match="cannot be cancelled"):
        services.alert_cancel(alert=alert, by=None)

    assert Alert.objects.get(pk=alert.pk).state == state


# --- Audience ----------------------------------------------------------------------------------------------


def test_the_audience_is_the_editions_live_devices_that_want_breaking_news():
    wanted = [*DeviceFactory.create_batch(2), DeviceFactory(platform="ios")]
    DeviceFactory(breaking=False)
    DeviceFactory(is_active=False)
    DeviceFactory(is_stale=True)
    DeviceFactory(edition=edition("ar"))
    alert = AlertFactory()

    assert sorted(selectors.alert_audience(alert=alert).values_list("pk", flat=True)) == [d.pk for d in wanted]


def test_a_sections_alert_reaches_only_the_followers_of_those_sections():
    politics, sport, culture = (
        SectionFactory(slug="politics"),
        SectionFactory(slug="sport"),
        SectionFactory(slug="culture"),
    )
    both = DeviceFactory(sections=[politics, sport], breaking=False)
    one = DeviceFactory(sections=[sport])
    DeviceFactory(sections=[culture])
    DeviceFactory()  # breaking news only, follows nothing
    DeviceFactory(sections=[sport], is_active=False)
    DeviceFactory(sections=[sport], is_stale=True)
    DeviceFactory(sections=[sport], edition=edition("ckb"))
    alert = AlertFactory(target=AlertTarget.SECTIONS)
    alert.sections.set([politics, sport])

    audience = list(selectors.alert_audience(alert=alert).values_list("pk", flat=True))

    assert sorted(audience) == [both.pk, one.pk]  # each device once, however many sections it follows


# --- The message on the wire -------------------------------------------------------------------------------


def test_the_push_message_is_what_the_apps_expect(fcm_emulator, gateway, settings):
    device = DeviceFactory(platform="ios")
    picture = ImageFactory(file=ContentFile(png_bytes(2000, 1333), name="quake.png"))
    image_generate_renditions(image=picture)
    [notification_picture] = picture.renditions.filter(format=NOTIFICATION_FORMAT)
    article = breaking_article(image=picture, title="Quake hits the north", summary="12 villages cut off.")
    alert = Alert.objects.get(article=article)
    delivery.alert_fanout(alert_id=alert.pk)
    [batch] = alert.batches.all()

    before = math.floor(time.time())
    send_batch(batch, gateway)
    after = math.floor(time.time())

    alert.refresh_from_db()
    [record] = fcm_emulator.client.all_messages()
    message = record["message"]
    assert record["token"] == message["token"] == device.token
    assert message["notification"] == {
        "title": "Quake hits the north",
        "body": "12 villages cut off.",
        # The JPEG made for notifications (1,000 px, at most 1 MB), never the 2,000 px original.
        "image": f"{settings.SITE_URL}{notification_picture.file.url}",
    }
    assert (notification_picture.width, notification_picture.format) == (1000, "jpeg")
    assert message["notification"]["image"].startswith(("http://", "https://"))
    assert message["data"] == {
        "type": "breaking",
        "alert_id": str(alert.pk),
        "article_id": str(article.pk),
        "language": "en",
        "section": "world",
        "url": f"{settings.SITE_URL}/en/world/{article.pk}/{article.slug}/",
    }
    # Breaking news goes stale: the message expires an hour after the alert started sending.
    expiration = int(alert.started_at.timestamp()) + 3600
    android = message["android"]
    ttl = int(android.pop("ttl").removesuffix("s"))
    assert expiration - after <= ttl <= min(3600, expiration - before)
    assert android == {
        "priority": "high",
        "collapse_key": f"article-{article.pk}",
        "notification": {"channel_id": "breaking", "tag": f"article-{article.pk}"},
    }
    assert message["apns"] == {
        "headers": {
            "apns-priority": "10",
            "apns-collapse-id": f"article-{article.pk}",
            "apns-expiration": str(expiration),
        },
        "payload": {"aps": {"sound": "default", "thread-id": "world", "mutable-content": 1}},
    }


def test_a_normal_alert_goes_at_normal_priority_on_the_news_channel(fcm_emulator, gateway):
    DeviceFactory(platform="android")
    run_alert(queued_alert(urgency=AlertUrgency.NORMAL), gateway)

    [record] = fcm_emulator.client.all_messages()
    message = record["message"]
    assert message["android"]["priority"] == "normal"
    assert message["android"]["notification"]["channel_id"] == "news"
    assert message["apns"]["headers"]["apns-priority"] == "5"
    assert message["data"]["type"] == "alert"


def test_a_picture_without_its_notification_rendition_is_left_out_not_sent_as_the_original(fcm_emulator, gateway):
    DeviceFactory()
    article = breaking_article(image=ImageFactory())  # the worker has not made its renditions yet
    run_alert(Alert.objects.get(article=article), gateway)

    [record] = fcm_emulator.client.all_messages()
    assert "image" not in record["message"]["notification"]
    assert "mutable-content" not in record["message"]["apns"]["payload"]["aps"]


def test_a_fresh_send_lives_the_configured_ttl(fcm_emulator, gateway):
    DeviceFactory()
    alert = queued_alert(urgency=AlertUrgency.NORMAL)

    run_alert(alert, gateway)

    [record] = fcm_emulator.client.all_messages()
    assert record["message"]["android"]["ttl"] == "3600s"
    assert "image" not in record["message"]["notification"]


# --- Exactly once, retries, bounded failures ------------------------------------------------------------------


def test_running_a_batch_again_sends_nothing_new(fcm_emulator, gateway):
    devices = DeviceFactory.create_batch(3)
    alert = run_alert(Alert.objects.get(article=breaking_article()), gateway)
    [batch] = alert.batches.all()
    assert received_tokens(fcm_emulator) == sorted(d.token for d in devices)

    AlertBatch.objects.filter(pk=batch.pk).update(state=BatchState.QUEUED)
    outcome = delivery.alert_send_batch(batch_id=batch.pk, gateway=gateway)

    assert (outcome.sent, outcome.failed, outcome.retry_in) == (0, 0, None)
    assert len(fcm_emulator.client.all_messages()) == 3
    assert counts(alert) == (3, 3, 0, 0, 0)
    assert Delivery.objects.filter(alert=alert, state=DeliveryState.ACCEPTED).count() == 3


def test_a_batch_claimed_by_another_worker_is_left_alone(fcm_emulator, gateway):
    DeviceFactory()
    alert = queued_alert()
    delivery.alert_fanout(alert_id=alert.pk)
    [batch] = alert.batches.all()
    AlertBatch.objects.filter(pk=batch.pk).update(
        state=BatchState.SENDING, lease_expires_at=timezone.now() + timedelta(minutes=2)
    )

    outcome = delivery.alert_send_batch(batch_id=batch.pk, gateway=gateway)

    assert (outcome.sent, outcome.retry_in) == (0, None)
    assert fcm_emulator.client.all_messages() == []


def test_unavailable_tokens_are_retried_after_retry_after_and_only_they_are_resent(fcm_emulator, gateway, settings):
    settings.PUSH_RETRY_BASE_SECONDS = 1
    fcm_emulator.client.configure(token_errors=[{"prefix": "busy-", "code": "UNAVAILABLE", "times": 2}], retry_after=7)
    healthy = DeviceFactory.create_batch(3)
    busy = [DeviceFactory(token=f"busy-{n}-aaaaaaaaaaaaaaaaaaaa") for n in range(2)]
    alert = queued_alert()
    delivery.alert_fanout(alert_id=alert.pk)
    [batch] = alert.batches.all()

    first, second, third = send_batch(batch, gateway)

    assert (first.sent, first.failed) == (3, 0)
    assert first.retry_in is not None and first.retry_in >= 7
    assert (second.sent, second.failed) == (0, 0)
    assert second.retry_in is not None and second.retry_in >= 7
    assert (third.sent, third.failed, third.retry_in) == (2, 0, None)
    assert received_tokens(fcm_emulator) == sorted(d.token for d in healthy + busy)  # each device once
    refused = [error["token"] for error in fcm_emulator.client.all_errors()]
    assert sorted(refused) == sorted(d.token for d in busy for _ in range(2))
    batch.refresh_from_db()
    assert (batch.state, batch.attempts, batch.sent) == (BatchState.DONE, 3, 5)
    assert counts(alert) == (5, 5, 0, 0, 0)
    assert Alert.objects.get(pk=alert.pk).state == AlertState.SENT


def test_a_waiting_batch_is_in_retry_with_its_error_until_it_runs_again(fcm_emulator, gateway):
    fcm_emulator.client.configure(token_errors=[{"prefix": "busy-", "code": "INTERNAL", "times": 1}])
    DeviceFactory(token="busy-1-aaaaaaaaaaaaaaaaaaaa")
    alert = queued_alert()
    delivery.alert_fanout(alert_id=alert.pk)
    [batch] = alert.batches.all()

    before = timezone.now()
    outcome = delivery.alert_send_batch(batch_id=batch.pk, gateway=gateway)

    batch.refresh_from_db()
    assert batch.state == BatchState.RETRY
    assert batch.last_error == "INTERNAL"
    assert batch.retry_at >= before + timedelta(seconds=outcome.retry_in)
    assert not Delivery.objects.filter(alert=alert).exists()  # a transient failure is not final
    assert Alert.objects.get(pk=alert.pk).state == AlertState.SENDING


def test_retries_back_off_exponentially_with_jitter(fcm_emulator, gateway, settings):
    settings.PUSH_RETRY_BASE_SECONDS = 10
    settings.PUSH_MAX_ATTEMPTS = 4
    fcm_emulator.client.configure(token_errors=[{"prefix": "down-", "code": "INTERNAL"}], retry_after=None)
    DeviceFactory(token="down-1-aaaaaaaaaaaaaaaaaaaa")
    alert = queued_alert()
    delivery.alert_fanout(alert_id=alert.pk)
    [batch] = alert.batches.all()

    delays = [outcome.retry_in for outcome in send_batch(batch, gateway)[:-1]]

    assert len(delays) == 3
    for attempt, delay in enumerate(delays, start=1):
        base = 10 * 2 ** (attempt - 1)
        assert base / 2 <= delay <= base


def test_quota_exceeded_backs_off_at_least_the_quota_backoff(fcm_emulator, gateway, settings):
    settings.PUSH_QUOTA_BACKOFF_SECONDS = 90
    fcm_emulator.client.configure(error_rates={"QUOTA_EXCEEDED": 1.0}, retry_after=None, seed=1)
    DeviceFactory()
    alert = queued_alert()
    delivery.alert_fanout(alert_id=alert.pk)
    [batch] = alert.batches.all()

    outcome = delivery.alert_send_batch(batch_id=batch.pk, gateway=gateway)

    assert outcome.sent == 0
    assert outcome.retry_in is not None and outcome.retry_in >= 90
    batch.refresh_from_db()
    assert (batch.state, batch.last_error) == (BatchState.RETRY, "QUOTA_EXCEEDED")


def test_quota_exceeded_waits_at_least_a_minute_by_default(fcm_emulator, gateway, settings):
    assert settings.PUSH_QUOTA_BACKOFF_SECONDS >= 60
    fcm_emulator.client.configure(error_rates={"QUOTA_EXCEEDED": 1.0}, retry_after=None, seed=1)
    DeviceFactory()
    alert = queued_alert()
    delivery.alert_fanout(alert_id=alert.pk)
    [batch] = alert.batches.all()

    outcome = delivery.alert_send_batch(batch_id=batch.pk, gateway=gateway)

    assert outcome.retry_in is not None and outcome.retry_in >= 60


def test_retries_are_bounded_and_what_stays_unavailable_is_counted_failed(fcm_emulator, gateway, settings):
    settings.PUSH_MAX_ATTEMPTS = 3
    settings.PUSH_RETRY_BASE_SECONDS = 1
    fcm_emulator.client.configure(token_errors=[{"prefix": "down-", "code": "UNAVAILABLE"}])
    healthy = DeviceFactory.create_batch(2)
    down = DeviceFactory(token="down-1-aaaaaaaaaaaaaaaaaaaa")
    alert = queued_alert()
    delivery.alert_fanout(alert_id=alert.pk)
    [batch] = alert.batches.all()

    outcomes = send_batch(batch, gateway)

    assert len(outcomes) == 3
    assert outcomes[-1].failed == 1
    assert received_tokens(fcm_emulator) == sorted(d.token for d in healthy)
    assert [e["token"] for e in fcm_emulator.client.all_errors()] == [down.token] * 3
    assert counts(alert) == (3, 2, 1, 0, 0)
    assert Alert.objects.get(pk=alert.pk).state == AlertState.PARTIALLY_FAILED
    failure = Delivery.objects.get(alert=alert, device=down)
    assert (failure.state, failure.error_code) == (DeliveryState.FAILED, "UNAVAILABLE")
    assert is_active(down)  # an outage says nothing about the token


def test_an_alert_that_reached_nobody_ends_failed(fcm_emulator, gateway, settings):
    settings.PUSH_MAX_ATTEMPTS = 2
    settings.PUSH_RETRY_BASE_SECONDS = 1
    fcm_emulator.client.configure(token_errors=[{"prefix": "down-", "code": "UNAVAILABLE"}])
    DeviceFactory(token="down-1-aaaaaaaaaaaaaaaaaaaa")

    alert = run_alert(queued_alert(), gateway)

    assert (alert.state, alert.sent, alert.failed) == (AlertState.FAILED, 0, 1)
    assert alert.finished_at is not None


def test_invalid_argument_naming_the_token_deactivates_the_device(fcm_emulator, gateway):
    alive = DeviceFactory()
    dead = DeviceFactory(token="invalid-0001-aaaaaaaaaaaaaaaaaaaa")

    alert = run_alert(queued_alert(), gateway)

    dead.refresh_from_db()
    assert (dead.is_active, dead.deactivated_reason) == (False, "fcm-token-invalid")
    assert is_active(alive)
    assert counts(alert) == (2, 1, 0, 1, 0)
    assert alert.state == AlertState.SENT
    row = Delivery.objects.get(alert=alert, device=dead)
    assert (row.state, row.error_code) == (DeliveryState.INVALID, "INVALID_ARGUMENT")


def test_a_payload_error_deactivates_nobody(fcm_emulator, gateway):
    devices = DeviceFactory.create_batch(2)
    alert = queued_alert()
    # A first send before 1970 makes a negative apns-expiration, a payload FCM refuses for every device.
    Alert.objects.filter(pk=alert.pk).update(started_at=datetime(1960, 1, 1, tzinfo=UTC))

    alert = run_alert(alert, gateway)

    errors = fcm_emulator.client.all_errors()
    assert {(e["code"], e["reason"], e["field"]) for e in errors} == {
        ("INVALID_ARGUMENT", "payload", "message.apns.headers")
    }
    assert len(errors) == 2  # permanent: not retried
    assert all(is_active(device) for device in devices)
    assert counts(alert) == (2, 0, 2, 0, 0)
    assert alert.state == AlertState.FAILED


# --- Fan-out -------------------------------------------------------------------------------------------------------


def test_an_alert_with_no_audience_ends_saying_it_reached_no_device(fcm_emulator, gateway):
    DeviceFactory(edition=edition("ar"))

    alert = run_alert(queued_alert(), gateway)

    assert alert.state == AlertState.NO_AUDIENCE
    assert (alert.targeted, alert.sent, alert.failed) == (0, 0, 0)
    assert alert.fanout_done and alert.finished_at is not None
    assert not alert.batches.exists()
    assert fcm_emulator.client.all_messages() == []


def test_a_cancelled_alert_fans_out_to_nobody(fcm_emulator, gateway):
    DeviceFactory.create_batch(2)
    alert = queued_alert()
    services.alert_cancel(alert=alert, by=None)

    assert delivery.alert_fanout(alert_id=alert.pk) == 0

    alert.refresh_from_db()
    assert (alert.state, alert.targeted, alert.started_at) == (AlertState.CANCELLED, 0, None)
    assert not alert.batches.exists()
    assert fcm_emulator.client.all_messages() == []


def test_the_fan_out_splits_the_audience_into_batches_by_device_id(settings):
    settings.PUSH_BATCH_SIZE = 2
    devices = DeviceFactory.create_batch(5)
    alert = queued_alert()

    assert delivery.alert_fanout(alert_id=alert.pk) == 3

    ranges = [(b.index, b.first_device_id, b.last_device_id, b.size) for b in alert.batches.order_by("index")]
    ids = [d.pk for d in devices]
    assert ranges == [(0, ids[0], ids[1], 2), (1, ids[2], ids[3], 2), (2, ids[4], ids[4], 1)]
    alert.refresh_from_db()
    assert (alert.state, alert.targeted, alert.fanout_done, alert.fanout_cursor) == (
        AlertState.SENDING,
        5,
        True,
        ids[4],
    )
    assert delivery.alert_fanout(alert_id=alert.pk) == 0  # done: a second run creates nothing


def test_a_fan_out_interrupted_by_a_crash_resumes_without_sending_twice(fcm_emulator, gateway, settings):
    settings.PUSH_BATCH_SIZE = 2
    devices = DeviceFactory.create_batch(5)
    alert = queued_alert()
    delivery.alert_fanout(alert_id=alert.pk)
    first, second, last = alert.batches.order_by("index")
    send_batch(first, gateway)
    # The worker died while creating the last batch: its transaction (the batch and the cursor) rolled back.
    last.delete()
    Alert.objects.filter(pk=alert.pk).update(
        fanout_done=False, fanout_cursor=second.last_device_id, targeted=first.size + second.size
    )

    assert delivery.alert_fanout(alert_id=alert.pk) == 1

    for batch in alert.batches.order_by("index"):
        send_batch(batch, gateway)
    assert [b.index for b in alert.batches.order_by("index")] == [0, 1, 2]
    assert received_tokens(fcm_emulator) == sorted(d.token for d in devices)
    assert counts(alert) == (5, 5, 0, 0, 0)
    assert Alert.objects.get(pk=alert.pk).state == AlertState.SENT


# --- Recovery ----------------------------------------------------------------------------------------------------


def test_recovery_re_enqueues_only_stalled_work(broker_queue, recover):
    now = timezone.now()
    long_ago = now - timedelta(minutes=10)
    stalled_queued = queued_alert()
    fresh_queued = queued_alert()
    Alert.objects.filter(pk=stalled_queued.pk).update(queued_at=long_ago)
    half_fanned_out = AlertFactory()
    Alert.objects.filter(pk=half_fanned_out.pk).update(state=AlertState.SENDING, fanout_done=False, started_at=long_ago)
    sending = AlertFactory()
    Alert.objects.filter(pk=sending.pk).update(state=AlertState.SENDING, fanout_done=True, started_at=long_ago)

    def batch(index, **fields):
        made = AlertBatch.objects.create(alert=sending, index=index, first_device_id=1, last_device_id=1, size=1)
        AlertBatch.objects.filter(pk=made.pk).update(**fields)
        return made

    lost = batch(0, state=BatchState.QUEUED, created_at=long_ago)
    batch(1, state=BatchState.QUEUED)  # just created: its task is on its way
    dead_worker = batch(2, state=BatchState.SENDING, lease_expires_at=now - timedelta(seconds=1))
    batch(3, state=BatchState.SENDING, lease_expires_at=now + timedelta(minutes=1))  # a live worker has it
    lost_retry = batch(4, state=BatchState.RETRY, retry_at=long_ago)
    batch(5, state=BatchState.RETRY, retry_at=now + timedelta(seconds=30))  # waiting for its countdown
    batch(6, state=BatchState.DONE)

    assert recover(now=now) == {"fanouts": 2, "batches": 2}

    # Batch 0 stays queued: batch 3's live lease shows the alert is moving, so its task is presumably in the queue.
    assert published_tasks(broker_queue) == sorted(
        [
            ("notifications.alert_fanout", [stalled_queued.pk]),
            ("notifications.alert_fanout", [half_fanned_out.pk]),
            ("notifications.alert_send_batch", [dead_worker.pk]),
            ("notifications.alert_send_batch", [lost_retry.pk]),
        ]
    )
    assert AlertBatch.objects.get(pk=lost.pk).state == BatchState.QUEUED
    # The same sweep again (the next beat tick) enqueues nothing twice.
    assert recover(now=now) == {"fanouts": 0, "batches": 0}
    assert Alert.objects.get(pk=fresh_queued.pk).state == AlertState.QUEUED
    assert Alert.objects.get(pk=sending.pk).state == AlertState.SENDING  # batches still out


def test_recovery_re_enqueues_the_queued_batches_of_a_stalled_alert_once(broker_queue, recover):
    now = timezone.now()
    long_ago = now - timedelta(minutes=10)
    alert = AlertFactory()
    Alert.objects.filter(pk=alert.pk).update(state=AlertState.SENDING, fanout_done=True, started_at=long_ago)
    waiting = [
        AlertBatch.objects.create(alert=alert, index=n, first_device_id=n, last_device_id=n, size=1) for n in range(2)
    ]
    AlertBatch.objects.filter(alert=alert).update(created_at=long_ago)
    AlertBatch.objects.create(alert=alert, index=2, first_device_id=9, last_device_id=9, size=1, state=BatchState.DONE)
    AlertBatch.objects.filter(index=2, alert=alert).update(finished_at=long_ago)

    assert recover(now=now) == {"fanouts": 0, "batches": 2}
    assert published_tasks(broker_queue) == sorted(("notifications.alert_send_batch", [batch.pk]) for batch in waiting)
    assert recover(now=now) == {"fanouts": 0, "batches": 0}


def test_recovery_leaves_a_long_queue_alone_while_its_alert_makes_progress(broker_queue, recover):
    now = timezone.now()
    alert = AlertFactory()
    Alert.objects.filter(pk=alert.pk).update(
        state=AlertState.SENDING, fanout_done=True, started_at=now - timedelta(minutes=10)
    )
    AlertBatch.objects.create(alert=alert, index=0, first_device_id=1, last_device_id=1, size=1)
    AlertBatch.objects.filter(alert=alert).update(created_at=now - timedelta(minutes=10))
    AlertBatch.objects.create(
        alert=alert, index=1, first_device_id=2, last_device_id=2, size=1, state=BatchState.DONE, finished_at=now
    )

    assert recover(now=now) == {"fanouts": 0, "batches": 0}
    assert published_tasks(broker_queue) == []


def test_recovery_closes_an_alert_whose_batches_all_finished(broker_queue, recover):
    alert = AlertFactory()
    Alert.objects.filter(pk=alert.pk).update(state=AlertState.SENDING, fanout_done=True, targeted=1, sent=1)
    AlertBatch.objects.create(
        alert=alert, index=0, first_device_id=1, last_device_id=1, size=1, state=BatchState.DONE, sent=1
    )

    assert recover() == {"fanouts": 0, "batches": 0}

    alert.refresh_from_db()
    assert alert.state == AlertState.SENT
    assert alert.finished_at is not None
    assert published_tasks(broker_queue) == []


# --- Quiet hours -------------------------------------------------------------------------------------------------


def around_now(zone_name: str) -> tuple[datetime, datetime, datetime]:
    """Local quiet hours from an hour ago to an hour from now (whole minutes), and when they end in UTC."""
    from zoneinfo import ZoneInfo

    local = timezone.now().astimezone(ZoneInfo(zone_name)).replace(second=0, microsecond=0)
    start, end = local - timedelta(hours=1), local + timedelta(hours=1)
    return start, end, end.astimezone(UTC)


def test_a_normal_alert_waits_for_the_end_of_the_devices_quiet_hours(fcm_emulator, gateway):
    start, end, ends_at = around_now("Asia/Baghdad")
    sleeping = DeviceFactory(timezone="Asia/Baghdad", quiet_start=start.time(), quiet_end=end.time())
    later = (end + timedelta(hours=1)).time()
    awake = DeviceFactory(timezone="Asia/Baghdad", quiet_start=later, quiet_end=(end + timedelta(hours=2)).time())
    no_quiet_hours = DeviceFactory()

    alert = run_alert(queued_alert(urgency=AlertUrgency.NORMAL), gateway)

    assert received_tokens(fcm_emulator) == sorted([awake.token, no_quiet_hours.token])
    held = Delivery.objects.get(alert=alert, device=sleeping)
    assert (held.state, held.deliver_after) == (DeliveryState.DEFERRED, ends_at)
    assert counts(alert) == (3, 2, 0, 0, 1)

    assert delivery.deliveries_send_deferred(now=ends_at - timedelta(minutes=1), gateway=gateway) == 0
    assert delivery.deliveries_send_deferred(now=ends_at + timedelta(minutes=1), gateway=gateway) == 1
    assert delivery.deliveries_send_deferred(now=ends_at + timedelta(hours=3), gateway=gateway) == 0

    assert received_tokens(fcm_emulator) == sorted([awake.token, no_quiet_hours.token, sleeping.token])
    held.refresh_from_db()
    assert held.state == DeliveryState.ACCEPTED
    assert counts(alert) == (3, 3, 0, 0, 0)


def test_a_deferred_alert_is_not_sent_again_by_its_batch(fcm_emulator, gateway):
    start, end, _ = around_now("Asia/Baghdad")
    DeviceFactory(timezone="Asia/Baghdad", quiet_start=start.time(), quiet_end=end.time())
    alert = run_alert(queued_alert(urgency=AlertUrgency.NORMAL), gateway)
    [batch] = alert.batches.all()

    AlertBatch.objects.filter(pk=batch.pk).update(state=BatchState.QUEUED)
    outcome = delivery.alert_send_batch(batch_id=batch.pk, gateway=gateway)

    assert (outcome.sent, outcome.deferred) == (0, 0)
    assert counts(alert) == (1, 0, 0, 0, 1)
    assert fcm_emulator.client.all_messages() == []


def test_a_breaking_alert_ignores_quiet_hours(fcm_emulator, gateway):
    start, end, _ = around_now("America/New_York")
    sleeping = DeviceFactory(timezone="America/New_York", quiet_start=start.time(), quiet_end=end.time())

    alert = run_alert(queued_alert(urgency=AlertUrgency.BREAKING), gateway)

    assert received_tokens(fcm_emulator) == [sleeping.token]
    assert counts(alert) == (1, 1, 0, 0, 0)
    assert not Delivery.objects.filter(state=DeliveryState.DEFERRED).exists()


def test_a_deferred_send_that_fails_is_counted_and_the_alert_state_follows(fcm_emulator, gateway):
    fcm_emulator.client.configure(token_errors=[{"prefix": "apns-", "code": "THIRD_PARTY_AUTH_ERROR"}])
    start, end, ends_at = around_now("Asia/Baghdad")
    DeviceFactory(token="apns-1-aaaaaaaaaaaaaaaaaaaa", quiet_start=start.time(), quiet_end=end.time())
    DeviceFactory()
    alert = run_alert(queued_alert(urgency=AlertUrgency.NORMAL), gateway)
    assert (alert.state, *counts(alert)) == (AlertState.SENT, 2, 1, 0, 0, 1)

    assert delivery.deliveries_send_deferred(now=ends_at, gateway=gateway) == 0

    assert counts(alert) == (2, 1, 1, 0, 0)
    assert alert.state == AlertState.PARTIALLY_FAILED


def test_deferred_sends_retry_a_bounded_number_of_times(fcm_emulator, gateway, settings):
    settings.PUSH_MAX_ATTEMPTS = 3
    fcm_emulator.client.configure(token_errors=[{"prefix": "down-", "code": "UNAVAILABLE"}], retry_after=5)
    start, end, ends_at = around_now("Asia/Baghdad")
    sleeping = DeviceFactory(token="down-1-aaaaaaaaaaaaaaaaaaaa", quiet_start=start.time(), quiet_end=end.time())
    alert = run_alert(queued_alert(urgency=AlertUrgency.NORMAL), gateway)

    when = ends_at
    for _ in range(settings.PUSH_MAX_ATTEMPTS + 2):
        delivery.deliveries_send_deferred(now=when, gateway=gateway)
        when += timedelta(hours=1)

    assert len(fcm_emulator.client.all_errors()) == 3
    row = Delivery.objects.get(alert=alert, device=sleeping)
    assert (row.state, row.error_code, row.attempts) == (DeliveryState.FAILED, "UNAVAILABLE", 3)
    assert counts(alert) == (1, 0, 1, 0, 0)
    assert alert.state == AlertState.FAILED


# --- A withdrawal reaches every alert -----------------------------------------------------------------------


def withdraw(article: Article) -> None:
    article_unpublish(article=article, by=None, reason="Facts being checked")


def test_withdrawing_an_article_cancels_its_queued_alert_and_nothing_is_sent(fcm_emulator, gateway):
    DeviceFactory()
    article = breaking_article()
    alert = Alert.objects.get(article=article)
    assert alert.state == AlertState.QUEUED

    withdraw(article)
    run_alert(alert, gateway)

    assert alert.state == AlertState.CANCELLED
    assert fcm_emulator.client.all_messages() == []


def test_a_batch_already_handed_out_rechecks_the_article_and_sends_nothing(fcm_emulator, gateway, monkeypatch):
    """Even with the withdrawal's own cancellation out of the way, the send path looks again."""
    DeviceFactory()
    article = breaking_article()
    alert = Alert.objects.get(article=article)
    delivery.alert_fanout(alert_id=alert.pk)
    [batch] = alert.batches.all()
    monkeypatch.setattr("newsapi.services.unpublish_hooks", [])

    withdraw(article)
    outcome = delivery.alert_send_batch(batch_id=batch.pk, gateway=gateway)

    assert (outcome.sent, outcome.retry_in) == (0, None)
    assert AlertBatch.objects.get(pk=batch.pk).state == BatchState.DONE
    assert fcm_emulator.client.all_messages() == []


def quiet_device_and_normal_alert(gateway) -> tuple[Article, Alert, datetime]:
    start, end, ends_at = around_now("Asia/Baghdad")
    DeviceFactory(timezone="Asia/Baghdad", quiet_start=start.time(), quiet_end=end.time())
    article = published_article(section=world())
    alert = run_alert(queued_alert(article=article, urgency=AlertUrgency.NORMAL), gateway)
    assert counts(alert) == (1, 0, 0, 0, 1)
    return article, alert, ends_at


def test_withdrawing_drops_the_sends_held_back_by_quiet_hours(fcm_emulator, gateway):
    article, alert, ends_at = quiet_device_and_normal_alert(gateway)

    withdraw(article)

    assert delivery.deliveries_send_deferred(now=ends_at + timedelta(minutes=1), gateway=gateway) == 0
    assert fcm_emulator.client.all_messages() == []
    assert list(Delivery.objects.filter(alert=alert).values_list("state", "error_code")) == [
        (DeliveryState.DROPPED, "ARTICLE_WITHDRAWN")
    ]
    assert counts(alert) == (1, 0, 0, 0, 0)


def test_a_held_back_send_rechecks_the_article_when_the_night_ends(fcm_emulator, gateway, monkeypatch):
    article, alert, ends_at = quiet_device_and_normal_alert(gateway)
    monkeypatch.setattr("newsapi.services.unpublish_hooks", [])

    withdraw(article)

    assert delivery.deliveries_send_deferred(now=ends_at + timedelta(minutes=1), gateway=gateway) == 0
    assert fcm_emulator.client.all_messages() == []
    assert Delivery.objects.get(alert=alert).state == DeliveryState.DROPPED
    assert counts(alert) == (1, 0, 0, 0, 0)


def test_withdrawing_leaves_the_alerts_of_other_articles_alone(fcm_emulator, gateway):
    DeviceFactory()
    withdrawn, other = breaking_article(), breaking_article()

    withdraw(withdrawn)
    run_alert(Alert.objects.get(article=other), gateway)

    assert Alert.objects.get(article=withdrawn).state == AlertState.CANCELLED
    assert Alert.objects.get(article=other).state == AlertState.SENT
    assert len(fcm_emulator.client.all_messages()) == 1
