"""Scheduled alerts: confirmed to go out at a time, queued by the beat's due sweep once (however many
sweeps run at once), cancellable until then, never sent about a story withdrawn meanwhile."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from backend.roles import EDITOR, REPORTER
from config.celery import app as celery_app
from newsapi.services import article_unpublish
from notifications import services
from notifications.models import Alert, AlertState
from tests.factories import edition, published_article, user_with_role
from tests.notifications.test_alert_admin import ADD, CHANGELIST, compose, send_url
from tests.notifications.test_alert_editions import CKB_BODY, CKB_TITLE, story, texts

BAGHDAD = ZoneInfo("Asia/Baghdad")


@pytest.fixture
def editor():
    return user_with_role(EDITOR)


def state_of(alert: Alert) -> str:
    return Alert.objects.get(pk=alert.pk).state


def scheduled(editor, *, minutes: float = 30, article=None, codes=("en",)) -> list[Alert]:
    """A compose in ``codes`` confirmed to go out in ``minutes``."""
    words = {"en": ("Polls close at eight", "Results from 9 pm."), "ckb": (CKB_TITLE, CKB_BODY)}
    alerts = services.alert_compose(
        by=editor,
        texts=texts(**{code: words[code] for code in codes}),
        article=article,
        send_at=timezone.now() + timedelta(minutes=minutes),
    )
    services.alert_queue(alert=alerts[0], by=editor)
    return [Alert.objects.get(pk=alert.pk) for alert in alerts]


def last_reason(alert: Alert) -> str:
    return alert.history.order_by("-history_date", "-history_id").first().history_change_reason


def make_due(*alerts: Alert) -> None:
    """Move the time of ``alerts`` into the past, as the clock would."""
    Alert.objects.filter(pk__in=[alert.pk for alert in alerts]).update(send_at=timezone.now() - timedelta(seconds=1))


# --- The services ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_confirming_an_alert_with_a_time_schedules_it_and_sends_nothing_yet(editor, django_capture_on_commit_callbacks):
    alerts = services.alert_compose(
        by=editor, texts=texts(en=("Polls close", "Results soon.")), send_at=timezone.now() + timedelta(hours=2)
    )

    with django_capture_on_commit_callbacks() as callbacks:
        services.alert_queue(alert=alerts[0], by=editor)

    alert = Alert.objects.get()
    assert (alert.state, alert.queued_at) == (AlertState.SCHEDULED, None)
    assert callbacks == []  # no fan-out enqueued
    assert services.alerts_queue_due() == []
    assert last_reason(alert).startswith("Alert scheduled for ")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("delta", "message"),
    [
        (timedelta(minutes=-1), "has passed"),
        (timedelta(seconds=0), "has passed"),
        (timedelta(days=7, minutes=1), "at most 7 days ahead"),
    ],
    ids=["past", "now", "beyond-a-week"],
)
def test_a_time_not_in_the_coming_week_is_refused_and_nothing_is_created(editor, delta, message):
    with pytest.raises(ValidationError, match=message):
        services.alert_compose(by=editor, texts=texts(en=("Polls", "Soon.")), send_at=timezone.now() + delta)

    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_a_draft_whose_time_passed_before_it_was_confirmed_is_not_scheduled(editor):
    [alert] = services.alert_compose(
        by=editor, texts=texts(en=("Polls", "Soon.")), send_at=timezone.now() + timedelta(minutes=5)
    )
    make_due(alert)

    with pytest.raises(ValidationError, match="has passed"):
        services.alert_queue(alert=alert, by=editor)

    assert state_of(alert) == AlertState.DRAFT


@pytest.mark.django_db
def test_the_sweep_queues_due_alerts_only_and_enqueues_their_fan_out(editor, django_capture_on_commit_callbacks):
    [due] = scheduled(editor)
    [later] = scheduled(editor, minutes=60)
    make_due(due)

    with django_capture_on_commit_callbacks() as callbacks:
        queued = services.alerts_queue_due()

    assert queued == [due.pk]
    assert (state_of(due), state_of(later)) == (AlertState.QUEUED, AlertState.SCHEDULED)
    assert Alert.objects.get(pk=due.pk).queued_at is not None
    assert len(callbacks) == 1
    assert last_reason(due) == "Alert queued at its scheduled time to 0 devices"


@pytest.mark.django_db
def test_a_sweep_run_again_queues_nothing_twice(editor, django_capture_on_commit_callbacks):
    alerts = [scheduled(editor)[0] for _ in range(3)]
    make_due(*alerts)

    with django_capture_on_commit_callbacks() as callbacks:
        first = services.alerts_queue_due()
        second = services.alerts_queue_due()

    assert sorted(first) == sorted(alert.pk for alert in alerts)
    assert second == []
    assert len(callbacks) == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_queue_each_due_alert_once(monkeypatch):
    """The first sweep holds its claimed alerts (FOR UPDATE) while the second runs: the second skips
    them without waiting (SKIP LOCKED) and queues nothing; every alert is queued once, by the first."""
    if connection.vendor != "postgresql":
        pytest.skip("needs two connections and row locks (PostgreSQL)")
    editor = user_with_role(EDITOR)
    alerts = [scheduled(editor)[0] for _ in range(4)]
    make_due(*alerts)
    holding, other_done = threading.Event(), threading.Event()
    released: list[bool] = []
    queue_one = services._queue_scheduled

    def first_holds_its_claim(alert, **kwargs):
        if threading.current_thread().name == "first-sweep" and not holding.is_set():
            holding.set()
            # False only if the second sweep waited for this one's locks instead of skipping them.
            released.append(other_done.wait(timeout=30))
        return queue_one(alert, **kwargs)

    monkeypatch.setattr(services, "_queue_scheduled", first_holds_its_claim)
    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, False
    monkeypatch.setattr(celery_app, "send_task", lambda name, args, **options: enqueued.append((name, args)))
    enqueued: list[tuple[str, tuple]] = []
    swept: dict[str, list[int]] = {}

    def sweep() -> None:
        try:
            swept["first"] = services.alerts_queue_due()
        finally:
            connection.close()

    try:
        first = threading.Thread(target=sweep, name="first-sweep")
        first.start()
        assert holding.wait(timeout=60)
        swept["second"] = services.alerts_queue_due()  # while the first holds every due alert
        other_done.set()
        first.join(timeout=60)
    finally:
        other_done.set()
        celery_app.conf.task_always_eager = eager

    assert released == [True]
    assert swept["second"] == []
    assert sorted(swept["first"]) == sorted(alert.pk for alert in alerts)
    assert sorted(enqueued) == sorted(("notifications.alert_fanout", (alert.pk,)) for alert in alerts)
    assert {state_of(alert) for alert in alerts} == {AlertState.QUEUED}


@pytest.mark.django_db
def test_a_scheduled_alert_can_be_cancelled_and_the_sweep_leaves_it(editor):
    [alert] = scheduled(editor)

    services.alert_cancel(alert=alert, by=editor)
    make_due(alert)

    assert state_of(alert) == AlertState.CANCELLED
    assert services.alerts_queue_due() == []
    assert state_of(alert) == AlertState.CANCELLED


@pytest.mark.django_db
def test_a_scheduled_compose_is_scheduled_queued_and_cancelled_together(editor):
    articles = story("en", "ckb")
    en, ckb = scheduled(editor, article=articles["en"], codes=("en", "ckb"))
    assert (en.state, ckb.state) == (AlertState.SCHEDULED, AlertState.SCHEDULED)
    assert en.send_at == ckb.send_at

    make_due(en, ckb)
    assert sorted(services.alerts_queue_due()) == sorted([en.pk, ckb.pk])

    other_en, other_ckb = scheduled(editor, article=articles["en"], codes=("en", "ckb"))
    services.alert_cancel(alert=other_ckb, by=editor)
    assert (state_of(other_en), state_of(other_ckb)) == (AlertState.CANCELLED, AlertState.CANCELLED)


@pytest.mark.django_db
def test_withdrawing_the_story_cancels_its_scheduled_alert_and_nothing_is_queued(editor):
    article = published_article(title="Polls close at eight")
    [alert] = scheduled(editor, article=article)

    article_unpublish(article=article, by=None, reason="Wrong time")
    make_due(alert)

    assert state_of(alert) == AlertState.CANCELLED
    assert services.alerts_queue_due() == []
    assert last_reason(alert) == "Alert cancelled: its article was withdrawn"


@pytest.mark.django_db
def test_a_due_alert_about_a_story_no_longer_published_is_cancelled_by_the_sweep(
    editor, django_capture_on_commit_callbacks
):
    article = published_article(title="Polls close at eight")
    [alert] = scheduled(editor, article=article)
    # Withdrawn without the withdrawal's own clean-up (as by a hook that failed to run).
    type(article).objects.filter(pk=article.pk).update(status="unpublished")
    make_due(alert)

    with django_capture_on_commit_callbacks() as callbacks:
        assert services.alerts_queue_due() == []

    assert state_of(alert) == AlertState.CANCELLED
    assert callbacks == []


@pytest.mark.django_db
def test_someone_who_may_not_send_alerts_cannot_cancel_a_scheduled_alert(editor):
    [alert] = scheduled(editor)

    with pytest.raises(PermissionDenied):
        services.alert_cancel(alert=alert, by=user_with_role(REPORTER))

    assert state_of(alert) == AlertState.SCHEDULED


def test_beat_runs_the_due_sweep_every_half_minute_or_less():
    [entry] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "notifications.alerts_queue_due"]
    schedule = entry["schedule"]
    assert isinstance(schedule, float) and schedule <= 30
    celery_app.loader.import_default_modules()
    assert "notifications.alerts_queue_due" in celery_app.tasks


# --- The admin ------------------------------------------------------------------------------------------------


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def at(local: datetime) -> dict[str, str]:
    """The send-at field as the admin's date and time inputs post it (the newsroom's time)."""
    return {"send_at_0": local.strftime("%Y-%m-%d"), "send_at_1": local.strftime("%H:%M:%S")}


@pytest.mark.django_db
def test_a_time_is_taken_in_the_newsrooms_zone(editor_client):
    local = (timezone.now() + timedelta(hours=3)).astimezone(BAGHDAD).replace(second=0, microsecond=0)

    response = editor_client.post(ADD, {**compose(), **at(local)})

    alert = Alert.objects.get()
    assert response.status_code == 302
    assert alert.send_at == local  # the same instant, stored in UTC
    assert alert.state == AlertState.DRAFT


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("delta", "message"),
    [(timedelta(minutes=-5), "has passed"), (timedelta(days=8), "at most 7 days ahead")],
    ids=["past", "beyond-a-week"],
)
def test_a_time_not_in_the_coming_week_is_a_form_error_and_creates_nothing(editor_client, delta, message):
    local = (timezone.now() + delta).astimezone(BAGHDAD)

    response = editor_client.post(ADD, {**compose(), **at(local)})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_a_malformed_time_is_a_form_error_and_creates_nothing(editor_client):
    response = editor_client.post(ADD, {**compose(), "send_at_0": "2026-13-45", "send_at_1": "25:99"})

    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_the_send_page_schedules_a_timed_alert_and_the_list_shows_when(editor_client, editor):
    local = (timezone.now() + timedelta(hours=3)).astimezone(BAGHDAD).replace(second=0, microsecond=0)
    editor_client.post(ADD, {**compose(), **at(local)})
    alert = Alert.objects.get()

    page = editor_client.get(send_url(alert)).content.decode()
    assert f"Schedule this alert for {local.day} {local:%b %Y %H:%M} (Asia/Baghdad)" in page
    assert 'value="Schedule alert"' in page

    response = editor_client.post(send_url(alert), {"confirm": "on"}, follow=True)

    assert f"scheduled for {local:%Y-%m-%d %H:%M} (Asia/Baghdad)" in response.content.decode()
    assert state_of(alert) == AlertState.SCHEDULED
    listing = editor_client.get(CHANGELIST).content.decode()
    assert "alert-state--scheduled" in listing
    assert f"{local:%H:%M}</time>" in listing


@pytest.mark.django_db
def test_the_send_page_of_a_scheduled_alert_cancels_it(editor_client, editor):
    [alert] = scheduled(editor)

    page = editor_client.get(send_url(alert)).content.decode()
    assert 'name="_cancel"' in page

    response = editor_client.post(send_url(alert), {"_cancel": "Cancel this alert"}, follow=True)

    assert "Cancelled “" in response.content.decode()
    assert state_of(alert) == AlertState.CANCELLED
    assert 'name="_cancel"' not in editor_client.get(send_url(alert)).content.decode()


@pytest.mark.django_db
def test_a_reporter_posting_cancel_changes_nothing(client, editor):
    [alert] = scheduled(editor)
    client.force_login(user_with_role(REPORTER))

    client.post(send_url(alert), {"_cancel": "Cancel this alert"})

    assert state_of(alert) == AlertState.SCHEDULED


@pytest.mark.django_db
def test_the_list_action_cancels_a_scheduled_compose_once(editor_client, editor):
    en, ckb = scheduled(editor, codes=("en", "ckb"))

    response = editor_client.post(
        CHANGELIST, {"action": "cancel_selected", "_selected_action": [en.pk, ckb.pk]}, follow=True
    )

    page = response.content.decode()
    assert page.count("Cancelled “") == 1
    assert "cannot be cancelled" not in page
    assert (state_of(en), state_of(ckb)) == (AlertState.CANCELLED, AlertState.CANCELLED)


@pytest.mark.django_db
def test_a_scheduled_alert_is_a_record_not_an_editable_draft(editor_client, editor):
    [alert] = scheduled(editor)

    response = editor_client.get(f"{CHANGELIST}{alert.pk}/change/")

    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert edition("en").name in response.content.decode()
