"""Push metrics for operators: alert states and fan-out lag from the database, message outcomes from Redis.

Registered on ``backend.metrics`` by ``NotificationsConfig.ready`` (the core app cannot import this
one); what each figure means and the alerts to set on them: docs/operations.md.

**Messages by outcome and error code are counters kept in Redis**, because the sends happen in Celery
worker processes on other machines: nothing in a web process sees them, and the per-process files of
prometheus_client's multiprocess mode are local to one host. The delivery engine calls
``push_results_count`` once per recorded send (``notifications.delivery._record``, a batch or a run of
deferred sends), and once that ledger write commits, one pipelined round of ``HINCRBY`` adds the
batch's outcomes to one hash (a field per outcome and error code) in the cache's Redis. So the counts
are what the ledger recorded, never a send whose record rolled back; a repeated batch (a worker killed
after FCM answered) sent its messages twice and is counted twice, which is what FCM saw. The database
cannot give these: ``Alert``/``AlertBatch`` keep totals without error codes, and the ledger, which has
them, is millions of rows a day and is pruned, so a count taken from it would fall. If the cache's Redis
evicts or loses the hash, the counters restart from zero, which Prometheus' ``rate()`` takes as a reset.
Without Redis (the embedded mode), the same counts go to the in-process cache: right when tasks run in
the web process (eager), invisible when a separate worker sends.

**Fan-out lag** (queued → 90% of the alert's messages sent) is computed at scrape time, for alerts
that finished in the last ``METRICS_FANOUT_LAG_WINDOW_SECONDS``, from ``Alert.queued_at`` and its
batches' ``finished_at`` and counts: the moment the batches finished so far first cover 90% of what
the alert sent (messages held for quiet hours left out). A histogram observed "when an alert crosses
90%" would need that moment caught exactly once among concurrent batches on several machines (a claim
per alert and another write in every batch's path) and a shared store for its buckets; the ledger
already holds every time needed, so one query reads it, right after retries and worker crashes alike.
A scrape exports the longest lag in the window and the latest alert's; a fan-out still running shows
as the age of the oldest alert queued or sending.
"""

import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Count, F, Min, Sum, Window
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from backend.redis_cache import RedisCache
from notifications.gateway import SendResult
from notifications.models import Alert, AlertBatch, AlertState, BatchState, Delivery, DeliveryState

logger = logging.getLogger(__name__)

PUSH_COUNTS_KEY = "metrics:push-messages"
# What the ledger recorded, by its state; transient failures left to retry are counted apart.
OUTCOME_OF_STATE = {DeliveryState.ACCEPTED: "sent", DeliveryState.INVALID: "invalid", DeliveryState.FAILED: "failed"}
RETRY = "retry"
OUTCOMES = ("sent", "invalid", "failed", RETRY)
# FCM v1's error codes and the canonical ones firebase-admin maps HTTP errors to (notifications.gateway).
# Anything else is counted as OTHER: a label value must not come unbounded from a remote answer.
ERROR_CODES = frozenset(
    {
        "UNSPECIFIED_ERROR", "INVALID_ARGUMENT", "UNREGISTERED", "SENDER_ID_MISMATCH", "QUOTA_EXCEEDED",
        "UNAVAILABLE", "INTERNAL", "THIRD_PARTY_AUTH_ERROR", "DEADLINE_EXCEEDED", "UNKNOWN", "NOT_FOUND",
        "PERMISSION_DENIED", "UNAUTHENTICATED", "RESOURCE_EXHAUSTED", "ALREADY_EXISTS", "FAILED_PRECONDITION",
        "ABORTED", "OUT_OF_RANGE", "CANCELLED", "CONFLICT", "DATA_LOSS", "UNIMPLEMENTED",
    }
)  # fmt: skip
OTHER_ERROR = "OTHER"
FINISHED_STATES = (AlertState.SENT, AlertState.PARTIALLY_FAILED, AlertState.FAILED)
IN_FLIGHT_STATES = (AlertState.QUEUED, AlertState.SENDING)


# --- Message counters (written by the workers) ------------------------------------------------


def _field(outcome: str, error_code: str) -> str:
    code = "" if outcome == "sent" else (error_code if error_code in ERROR_CODES else OTHER_ERROR)
    return f"{outcome}:{code}"


def push_results_count(*, recorded: Sequence[Delivery], retried: Sequence[SendResult]) -> None:
    """Count one send's outcomes (its ledger rows and the transient failures to retry) once it commits."""
    counts = Counter(
        _field(OUTCOME_OF_STATE[DeliveryState(row.state)], row.error_code)
        for row in recorded
        if row.state in OUTCOME_OF_STATE
    )
    counts.update(_field(RETRY, result.error_code or "") for result in retried)
    if counts:
        transaction.on_commit(partial(_add, dict(counts)))


def _add(counts: dict[str, int]) -> None:
    """One pipelined round of HINCRBY; a failure is logged, never raised into the delivery engine."""
    cache = caches[DEFAULT_CACHE_ALIAS]
    try:
        if isinstance(cache, RedisCache):
            key = cache.make_and_validate_key(PUSH_COUNTS_KEY)
            pipeline = cache._cache.get_client(key, write=True).pipeline(transaction=False)
            for field, amount in counts.items():
                pipeline.hincrby(key, field, amount)
            pipeline.execute()
            return
        for field, amount in counts.items():  # the in-process cache: add makes the key, incr is atomic in it
            cache.add(f"{PUSH_COUNTS_KEY}:{field}", 0, timeout=None)
            cache.incr(f"{PUSH_COUNTS_KEY}:{field}", amount)
    except Exception:  # a metrics store down must not fail a send that was made and recorded
        logger.warning("push message counters not updated (%s)", counts, exc_info=True)


def push_counts() -> dict[tuple[str, str], int]:
    """Every counter so far, by (outcome, error code); one HGETALL."""
    cache = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(cache, RedisCache):
        key = cache.make_and_validate_key(PUSH_COUNTS_KEY)
        raw = cache._cache.get_client(key).hgetall(key)
        found = {field.decode(): int(value) for field, value in raw.items()}
    else:
        fields = [_field(outcome, code) for outcome in OUTCOMES for code in ("", *ERROR_CODES, OTHER_ERROR)]
        stored = cache.get_many([f"{PUSH_COUNTS_KEY}:{field}" for field in dict.fromkeys(fields)])
        found = {key.removeprefix(f"{PUSH_COUNTS_KEY}:"): int(value) for key, value in stored.items()}
    counts: dict[tuple[str, str], int] = {}
    for field, value in found.items():
        outcome, _, code = field.partition(":")
        counts[(outcome, code)] = value
    return counts


class PushMessagesCollector:
    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "newsline_push_messages",
            "Push messages by outcome (sent: accepted by FCM; invalid: token dead, device deactivated; failed: "
            "given up; retry: a transient failure to be tried again) and FCM error code, from every worker.",
            labels=["outcome", "error_code"],
        )
        counts = {("sent", ""): 0, **push_counts()}
        for (outcome, code), value in sorted(counts.items()):
            family.add_metric([outcome, code], value)
        yield family


# --- Alert states and fan-out lag (read from the database) -------------------------------------


class AlertStatesCollector:
    """Alerts by state, and the age of the oldest one still queued or sending, in one aggregate query."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        rows = (
            Alert.objects.using(DEFAULT_DB_ALIAS)
            .order_by()
            .values("state")
            .annotate(alerts=Count("pk"), oldest=Min("queued_at"))
        )
        found = {row["state"]: row for row in rows}
        states = GaugeMetricFamily(
            "newsline_alerts",
            "Alerts by state: queued and sending are in flight; sent, partially_failed, failed and no_audience "
            "are finished.",
            labels=["state"],
        )
        for state in dict.fromkeys([*AlertState.values, *found]):
            states.add_metric([state], found.get(state, {}).get("alerts", 0))
        yield states
        ages = GaugeMetricFamily(
            "newsline_alerts_oldest_age_seconds",
            "Seconds since the oldest alert still in this state was queued (0: none).",
            labels=["state"],
        )
        for state in IN_FLIGHT_STATES:
            oldest: datetime | None = found.get(state, {}).get("oldest")
            ages.add_metric([state], max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
        yield ages


def fanout_lags(*, since: datetime) -> list[tuple[datetime, float]]:
    """For each alert finished since ``since``: (finished_at, seconds from queued to 90% of its messages sent).

    One query: a running sum of each alert's batches' outcomes in the order they finished picks the
    one batch whose finish took the alert across 90% (batches' deferred devices are not counted: quiet
    hours hold them on purpose). A batch counts when it finished, retries included.
    """
    handled = F("sent") + F("failed") + F("invalid_tokens")
    crossing = (
        AlertBatch.objects.using(DEFAULT_DB_ALIAS)
        .filter(
            alert__state__in=FINISHED_STATES,
            alert__finished_at__gte=since,
            alert__queued_at__isnull=False,
            state=BatchState.DONE,
            finished_at__isnull=False,
        )
        .annotate(
            handled=handled,
            reached=Window(Sum(handled), partition_by=[F("alert_id")], order_by=[F("finished_at"), F("pk")]),
            total=Window(Sum(handled), partition_by=[F("alert_id")]),
        )
        # Reached 90% with this batch and not before it (in integers: no rounding).
        .annotate(past=F("reached") * 10 - F("total") * 9, before=(F("reached") - F("handled")) * 10 - F("total") * 9)
        .filter(past__gte=0, before__lt=0)
        .order_by()
        .values_list("alert__finished_at", "alert__queued_at", "finished_at")
    )
    # All three are set on every row the filters let through; the check is for the type checker.
    return [
        (alert_finished, (batch_finished - queued).total_seconds())
        for alert_finished, queued, batch_finished in crossing
        if alert_finished and queued and batch_finished
    ]


class FanoutLagCollector:
    def collect(self) -> Iterator[Metric]:
        window = settings.METRICS_FANOUT_LAG_WINDOW_SECONDS
        lags = fanout_lags(since=timezone.now() - timedelta(seconds=window))
        yield GaugeMetricFamily(
            "newsline_alert_fanout_recent_alerts",
            f"Alerts that finished in the last {window} s with messages sent (what the lag gauges cover).",
            value=len(lags),
        )
        if not lags:
            return
        yield GaugeMetricFamily(
            "newsline_alert_fanout_lag_max_seconds",
            f"The longest time from queued to 90% of messages sent among alerts finished in the last {window} s.",
            value=max(lag for _, lag in lags),
        )
        yield GaugeMetricFamily(
            "newsline_alert_fanout_lag_last_seconds",
            "Time from queued to 90% of messages sent of the alert that finished last.",
            value=max(lags)[1],
        )
