"""The delivery ledger is pruned some days after each alert finished (notifications/retention.py):
the per-device rows go, in small batches; the alerts' counts stay; unfinished alerts and waiting
deferred sends are never touched."""

from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import delivery
from notifications.models import Alert, AlertState, AlertUrgency, Delivery, DeliveryState, Device
from notifications.retention import deliveries_prune
from notifications.services import alerts_record_opens
from tests.backend.test_settings import run_manage
from tests.notifications.factories import AlertFactory, DeviceFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
COUNTERS = ("state", "targeted", "sent", "failed", "invalid_tokens", "deferred", "opened", "finished_at")


def sent_through_the_engine(gateway, **fields) -> Alert:
    """An alert queued and sent as the Celery tasks do it, in this process, to the FCM emulator."""
    alert = AlertFactory(**fields)
    Alert.objects.filter(pk=alert.pk).update(state=AlertState.QUEUED, queued_at=timezone.now())
    delivery.alert_fanout(alert_id=alert.pk)
    for batch in alert.batches.order_by("index"):
        assert delivery.alert_send_batch(batch_id=batch.pk, gateway=gateway).retry_in is None
    alert.refresh_from_db()
    assert alert.finished_at is not None
    return alert


def finished(alert: Alert, *, days_ago: float) -> Alert:
    Alert.objects.filter(pk=alert.pk).update(finished_at=NOW - timedelta(days=days_ago))
    alert.refresh_from_db()
    return alert


def counters(*alerts: Alert) -> list[tuple]:
    return [tuple(Alert.objects.values_list(*COUNTERS).get(pk=alert.pk)) for alert in alerts]


def ledger(alert: Alert) -> list[tuple[int, str]]:
    return sorted(Delivery.objects.filter(alert=alert).values_list("device_id", "state"))


def asleep() -> Device:
    """A device whose quiet hours (UTC) cover now: a normal alert is deferred for it."""
    now = timezone.now().astimezone(UTC)
    return DeviceFactory(
        timezone="UTC", quiet_start=(now - timedelta(hours=1)).time(), quiet_end=(now + timedelta(hours=2)).time()
    )


def old_alert_with_rows(devices: int, *, state: str = AlertState.SENT, days_ago: float = 30) -> Alert:
    """An alert of ``state`` with an accepted ledger row for each of ``devices`` new devices."""
    alert = AlertFactory()
    when = NOW - timedelta(days=days_ago)
    Alert.objects.filter(pk=alert.pk).update(
        state=state, queued_at=when, started_at=when, finished_at=when if state != AlertState.SENDING else None
    )
    Delivery.objects.bulk_create(
        Delivery(alert=alert, device=device, state=DeliveryState.ACCEPTED)
        for device in DeviceFactory.create_batch(devices)
    )
    alert.refresh_from_db()
    return alert


def test_rows_of_an_alert_finished_past_retention_go_and_its_counts_stay(fcm_emulator, gateway):
    readers = DeviceFactory.create_batch(3)
    sleeper = asleep()
    old = sent_through_the_engine(gateway, urgency=AlertUrgency.NORMAL)
    recent = sent_through_the_engine(gateway, urgency=AlertUrgency.NORMAL)
    assert alerts_record_opens(device=readers[0], alert_ids=[old.pk, recent.pk]) == 2
    finished(old, days_ago=15)
    finished(recent, days_ago=13)
    before = counters(old, recent)
    recent_rows = ledger(recent)
    assert before[0][1:4] == (4, 3, 0) and before[0][5:7] == (1, 1)  # targeted, sent, failed; deferred, opened

    pruned = deliveries_prune(now=NOW)

    assert (pruned.deliveries, pruned.alerts, pruned.done) == (3, 1, True)
    assert counters(old, recent) == before
    # The quiet-hours send still waiting stays, whatever its alert's age; the recent alert keeps every row.
    assert ledger(old) == [(sleeper.pk, DeliveryState.DEFERRED)]
    assert ledger(recent) == recent_rows


def test_a_deferred_send_goes_once_it_was_sent(fcm_emulator, gateway):
    DeviceFactory()
    sleeper = asleep()
    old = finished(sent_through_the_engine(gateway, urgency=AlertUrgency.NORMAL), days_ago=20)
    deliveries_prune(now=NOW)
    assert ledger(old) == [(sleeper.pk, DeliveryState.DEFERRED)]

    # The night is over: the deferred sweep sends it, and then it is an ordinary row of an old alert.
    assert delivery.deliveries_send_deferred(now=timezone.now() + timedelta(hours=3), gateway=gateway) == 1
    before = counters(old)
    assert before[0][2] == 2  # sent, with the deferred one

    assert deliveries_prune(now=NOW).deliveries == 1
    assert ledger(old) == []
    assert counters(old) == before


@pytest.mark.parametrize("state", [AlertState.DRAFT, AlertState.QUEUED, AlertState.SENDING])
def test_alerts_not_finished_are_never_pruned(state):
    alert = old_alert_with_rows(3, state=state, days_ago=400)
    rows = ledger(alert)

    assert deliveries_prune(now=NOW).deliveries == 0
    assert ledger(alert) == rows


def test_an_alert_is_kept_the_retention_days_after_it_finished(settings):
    kept = old_alert_with_rows(2, days_ago=13.9)
    gone = old_alert_with_rows(2, days_ago=14.1)
    cancelled = old_alert_with_rows(1, state=AlertState.CANCELLED, days_ago=14.1)

    assert deliveries_prune(now=NOW).deliveries == 3
    assert (len(ledger(kept)), len(ledger(gone)), len(ledger(cancelled))) == (2, 0, 0)

    settings.DELIVERY_RETENTION_DAYS = 30
    longer = old_alert_with_rows(2, days_ago=20)
    assert deliveries_prune(now=NOW).deliveries == 0
    assert len(ledger(longer)) == 2


def test_running_again_changes_nothing():
    old_alert_with_rows(5)
    kept = old_alert_with_rows(2, days_ago=1)
    assert deliveries_prune(now=NOW).deliveries == 5
    rows = list(Delivery.objects.order_by("pk").values_list("pk", "alert_id", "device_id", "state"))

    again = deliveries_prune(now=NOW)

    assert (again.deliveries, again.alerts, again.batches, again.done) == (0, 0, 0, True)
    assert list(Delivery.objects.order_by("pk").values_list("pk", "alert_id", "device_id", "state")) == rows
    assert len(ledger(kept)) == 2


def test_a_run_stopped_at_max_batches_is_finished_by_the_next(settings):
    first, second = old_alert_with_rows(5, days_ago=40), old_alert_with_rows(4, days_ago=30)

    stopped = deliveries_prune(now=NOW, batch_size=2, max_batches=2)

    assert (stopped.deliveries, stopped.alerts, stopped.batches, stopped.done) == (4, 0, 2, False)
    assert (len(ledger(first)), len(ledger(second))) == (1, 4)  # oldest first, in device order
    rest = deliveries_prune(now=NOW, batch_size=2, max_batches=100)
    assert (rest.deliveries, rest.alerts, rest.done) == (5, 2, True)
    assert Delivery.objects.count() == 0


def test_each_batch_costs_two_statements_whatever_its_size():
    """Find the next rows along the (alert, device) index, delete them by primary key: 2 statements a batch."""

    def statements(**limits: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            pruned = deliveries_prune(now=NOW, **limits)
        sql = [query["sql"] for query in queries.captured_queries]
        return len([s for s in sql if not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]), pruned.deliveries

    old_alert_with_rows(30)
    # The alerts to prune, then 2 a batch; stopped at max_batches before looking further.
    assert statements(batch_size=2, max_batches=3) == (1 + 3 * 2, 6)
    assert statements(batch_size=5, max_batches=3) == (1 + 3 * 2, 15)
    # To the end: one batch, then one look that finds nothing past the last device.
    assert statements(batch_size=100, max_batches=100) == (1 + 2 + 1, 9)
    assert statements(batch_size=100, max_batches=100) == (1, 0)  # nothing left: the alerts' query finds none


BEAT_AND_RETENTION = (
    "from django.conf import settings as s; "
    "print(s.DELIVERY_RETENTION_DAYS, s.VIEW_COUNTS_HOURLY_DAYS, s.RETENTION_BATCH_SIZE, "
    "*sorted(f\"{e['task']}@{e['schedule']:.0f}\" for e in s.CELERY_BEAT_SCHEDULE.values()))"
)


def test_retention_settings_have_defaults_and_run_from_beat(tmp_path):
    defaults = run_manage(tmp_path, "shell", "--verbosity", "0", "-c", BEAT_AND_RETENTION, DEBUG="1")
    given = run_manage(
        tmp_path, "shell", "--verbosity", "0", "-c", BEAT_AND_RETENTION, DEBUG="1",
        DELIVERY_RETENTION_DAYS="21", VIEW_COUNTS_HOURLY_DAYS="60", RETENTION_BATCH_SIZE="1000",
        RETENTION_INTERVAL_SECONDS="600",
    )  # fmt: skip

    assert defaults.returncode == 0, defaults.stderr
    assert given.returncode == 0, given.stderr
    assert defaults.stdout.split()[:3] == ["14", "30", "5000"]
    assert given.stdout.split()[:3] == ["21", "60", "1000"]
    assert {"newsapi.tasks.view_counts_roll_up@3600", "notifications.deliveries_prune@3600"} <= set(
        defaults.stdout.split()
    )
    assert {"newsapi.tasks.view_counts_roll_up@600", "notifications.deliveries_prune@600"} <= set(given.stdout.split())


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DELIVERY_RETENTION_DAYS", "3", "DELIVERY_RETENTION_DAYS must be between 7 and 3,650, got 3"),
        ("VIEW_COUNTS_HOURLY_DAYS", "7", "VIEW_COUNTS_HOURLY_DAYS must be between 8 and 3,650, got 7"),
        ("RETENTION_BATCH_SIZE", "0", "RETENTION_BATCH_SIZE must be between 100 and 50,000, got 0"),
        ("RETENTION_MAX_BATCHES", "fourteen", "RETENTION_MAX_BATCHES must be an integer, got 'fourteen'"),
        ("RETENTION_INTERVAL_SECONDS", "5", "RETENTION_INTERVAL_SECONDS must be between 60 and 604,800, got 5"),
    ],
)
def test_a_retention_setting_out_of_bounds_stops_the_start(tmp_path, variable, value, message):
    result = run_manage(tmp_path, "check", DEBUG="1", **{variable: value})

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr, result.stderr
