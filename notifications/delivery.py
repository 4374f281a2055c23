"""The delivery engine: fan-out, batches, the ledger, recovery and deferred sends.

Delivery is exactly-once per device as far as this side can make it: a batch is
claimed with a conditional UPDATE (a lease), sends only to devices with no
``accepted`` ledger row, and records each outcome right after the one network
call, outside any transaction. A worker killed between FCM's answer and that
record can repeat only its own in-flight batch; every message carries the
article's collapse id, so a repeat replaces the notification instead of stacking.

Each entry point is what one Celery task runs (``notifications.tasks``); work for
other workers is enqueued by task name through ``backend.jobs.enqueue``.
"""

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, Now
from django.utils import timezone

from backend.jobs import enqueue
from backend.purge import purge_now, purge_on_commit
from newsapi.models import Article
from newsapi.purges import article_change_keys, article_seen
from notifications.gateway import FCMGateway, SendResult
from notifications.messages import ALERT_MESSAGE_PREFETCH, ALERT_MESSAGE_RELATED, push_message_for
from notifications.metrics import push_results_count
from notifications.models import (
    Alert,
    AlertBatch,
    AlertState,
    AlertUrgency,
    BatchState,
    Delivery,
    DeliveryState,
    Device,
)
from notifications.quiet_hours import quiet_until
from notifications.selectors import alert_audience, alert_inbox_key

logger = logging.getLogger(__name__)

FINISHED_DELIVERY_STATES = [
    DeliveryState.ACCEPTED,
    DeliveryState.INVALID,
    DeliveryState.FAILED,
    DeliveryState.DEFERRED,
    DeliveryState.DROPPED,
]


def alert_still_wanted(alert: Alert) -> bool:
    """Not cancelled, and its article (if it has one) still published: checked right before every send.

    A withdrawal cancels the article's alerts in its own transaction, but a batch or a deferred
    send may already be in a worker's hands; this fresh look at the database is what stops it.
    """
    if Alert.objects.filter(pk=alert.pk, state=AlertState.CANCELLED).exists():
        return False
    return alert.article_id is None or Article.objects.published().filter(pk=alert.article_id).exists()


# --- Fan-out ---------------------------------------------------------------------------------


def alert_fanout(*, alert_id: int) -> int:
    """Split the audience into batches of device-id ranges and enqueue one task each.

    Streams device ids in keyset chunks (never the whole audience in memory) and
    records its cursor on the alert, so a fan-out interrupted by a crash resumes
    where it stopped. Returns the number of batches this call created.
    """
    claimed = Alert.objects.filter(
        pk=alert_id, state__in=[AlertState.QUEUED, AlertState.SENDING], fanout_done=False
    ).update(state=AlertState.SENDING, started_at=Coalesce(F("started_at"), Now()))
    if not claimed:
        return 0
    alert = Alert.objects.select_related("edition", "article").get(pk=alert_id)
    purge_on_commit([alert_inbox_key(alert.edition.code)])  # sending: the alert is in its edition's inbox now
    _purge_before_push(alert)
    audience = alert_audience(alert=alert).order_by("pk").values_list("pk", flat=True)
    batch_size = settings.PUSH_BATCH_SIZE
    created = 0
    while True:
        with transaction.atomic():
            locked = Alert.objects.select_for_update().get(pk=alert_id)
            if locked.fanout_done or locked.state == AlertState.CANCELLED:
                break
            ids = list(audience.filter(pk__gt=locked.fanout_cursor)[:batch_size])
            if not ids:
                Alert.objects.filter(pk=alert_id).update(fanout_done=True)
                break
            index = AlertBatch.objects.filter(alert_id=alert_id).count()
            batch = AlertBatch.objects.create(
                alert_id=alert_id, index=index, first_device_id=ids[0], last_device_id=ids[-1], size=len(ids)
            )
            Alert.objects.filter(pk=alert_id).update(fanout_cursor=ids[-1], targeted=F("targeted") + len(ids))
            enqueue("notifications.alert_send_batch", batch.pk)
            created += 1
    alert_finish_if_done(alert_id=alert_id)
    return created


def _purge_before_push(alert: Alert) -> None:
    """Drop the cached copies of the alert's article that readers opening it will ask for (its detail
    and page, its edition's home, lists and most read), and wait for the cache to answer, before the
    first batch: the first reader to open the alert gets the story as it is now, whatever purged it
    or failed to before (a scheduled publish, a correction made without a purger, a retried alert).

    Once per alert: it is recorded in ``cache_purged_at``, and a resumed fan-out finds it there. The
    wait is bounded (``ALERT_PURGE_WAIT_SECONDS``); a purge still failing then, or raising, is logged at
    ERROR and the alert goes out anyway: a stale page is better than breaking news that never arrives.
    Nothing to do, and no wait, without a purger (``article_seen`` is None) or an article.
    """
    if alert.cache_purged_at is not None or alert.article is None:
        return
    keys: set[str] = set()
    try:
        keys = article_change_keys(before=None, after=article_seen(alert.article))
        if not keys:
            return
        result = purge_now(keys, wait=settings.ALERT_PURGE_WAIT_SECONDS)
        failed = not result.ok
        if failed:
            logger.error(
                "alert %s: its article's cached copies could not be purged within %ss; sending it anyway; keys: %s; %s",
                alert.pk, settings.ALERT_PURGE_WAIT_SECONDS, " ".join(sorted(keys)), "; ".join(result.errors),
            )  # fmt: skip
    except Exception:  # a misconfigured purger, a database hiccup: never a reason to hold breaking news
        logger.exception(
            "alert %s: purging its article's cached copies failed; sending it anyway; keys: %s",
            alert.pk,
            " ".join(sorted(keys)),
        )
        failed = True
    Alert.objects.filter(pk=alert.pk, cache_purged_at__isnull=True).update(
        cache_purged_at=Now(), cache_purge_failed=failed
    )


# --- Sending one batch -------------------------------------------------------------------------


@dataclass
class BatchOutcome:
    sent: int = 0
    failed: int = 0
    invalid: int = 0
    deferred: int = 0
    retry_in: float | None = None


def _retry_delay(*, attempts: int, results: list[SendResult]) -> float:
    """Exponential backoff with full jitter, never sooner than any Retry-After the server gave."""
    base = settings.PUSH_RETRY_BASE_SECONDS * (2 ** max(0, attempts - 1))
    delay = random.uniform(base / 2, base)
    floors = [result.retry_after or 0.0 for result in results]
    if any(result.error_code == "QUOTA_EXCEEDED" for result in results):
        floors.append(settings.PUSH_QUOTA_BACKOFF_SECONDS)
    return min(max([delay, *floors]), settings.PUSH_RETRY_MAX_SECONDS)


def _claim_batch(*, batch_id: int, now: datetime) -> bool:
    lease = now + timedelta(seconds=settings.PUSH_BATCH_LEASE_SECONDS)
    claimable = Q(state__in=[BatchState.QUEUED, BatchState.RETRY]) | Q(
        state=BatchState.SENDING, lease_expires_at__lt=now
    )
    return bool(
        AlertBatch.objects.filter(claimable, pk=batch_id).update(
            state=BatchState.SENDING, attempts=F("attempts") + 1, lease_expires_at=lease
        )
    )


def alert_send_batch(*, batch_id: int, gateway: FCMGateway | None = None) -> BatchOutcome:
    """Send one batch to every device in it that has no final ledger row yet.

    Returns how it went; ``retry_in`` set means transient failures remain and the
    caller should run this again after that many seconds (the batch is in ``retry``).
    """
    now = timezone.now()
    if not _claim_batch(batch_id=batch_id, now=now):
        return BatchOutcome()
    batch = (
        AlertBatch.objects.select_related(*(f"alert__{name}" for name in ALERT_MESSAGE_RELATED))
        .prefetch_related(*(f"alert__{name}" for name in ALERT_MESSAGE_PREFETCH))
        .get(pk=batch_id)
    )
    alert = batch.alert
    if not alert_still_wanted(alert):
        AlertBatch.objects.filter(pk=batch_id).update(state=BatchState.DONE, finished_at=now, lease_expires_at=None)
        return BatchOutcome()

    # The range repeated inside the anti-join keeps it to this batch's ledger rows whatever the planner's
    # statistics say: on a ledger not yet analyzed, PostgreSQL otherwise sorts all the alert's rows per batch.
    finished = Delivery.objects.filter(
        alert_id=alert.pk,
        device_id=OuterRef("pk"),
        device_id__gte=batch.first_device_id,
        device_id__lte=batch.last_device_id,
        state__in=FINISHED_DELIVERY_STATES,
    )
    devices = list(
        alert_audience(alert=alert)
        .filter(pk__gte=batch.first_device_id, pk__lte=batch.last_device_id)
        .exclude(Exists(finished))
        .only("pk", "token", "timezone", "quiet_start", "quiet_end")
        .order_by("pk")
    )
    outcome = BatchOutcome()
    to_send: list[Device] = []
    deferred: list[Delivery] = []
    for device in devices:
        until = None
        if alert.urgency == AlertUrgency.NORMAL:
            until = quiet_until(now=now, timezone=device.timezone, start=device.quiet_start, end=device.quiet_end)
        if until is not None:
            deferred.append(Delivery(alert=alert, device=device, state=DeliveryState.DEFERRED, deliver_after=until))
        else:
            to_send.append(device)
    if deferred:
        Delivery.objects.bulk_create(deferred, ignore_conflicts=True)
        outcome.deferred = len(deferred)

    results = _send(alert=alert, devices=to_send, gateway=gateway)
    final_attempt = batch.attempts >= settings.PUSH_MAX_ATTEMPTS
    # The ledger and the counts commit together: a worker killed between them would leave devices
    # recorded as sent (so never sent again) but never counted.
    with transaction.atomic():
        transient = _record(alert=alert, devices=to_send, results=results, final_attempt=final_attempt, outcome=outcome)
        if transient and not final_attempt:
            outcome.retry_in = _retry_delay(attempts=batch.attempts, results=transient)
            _count(
                alert_id=alert.pk,
                batch_id=batch_id,
                outcome=outcome,
                state=BatchState.RETRY,
                retry_at=timezone.now() + timedelta(seconds=outcome.retry_in),
                last_error=transient[0].error_code or "",
            )
            return outcome
        _count(alert_id=alert.pk, batch_id=batch_id, outcome=outcome, state=BatchState.DONE, last_error="")
    alert_finish_if_done(alert_id=alert.pk)
    return outcome


def _send(*, alert: Alert, devices: list[Device], gateway: FCMGateway | None) -> list[SendResult]:
    if not devices:
        return []
    gateway = gateway or FCMGateway.default()
    return gateway.send([push_message_for(alert=alert, device=device) for device in devices])


def _record(
    *, alert: Alert, devices: list[Device], results: list[SendResult], final_attempt: bool, outcome: BatchOutcome
) -> list[SendResult]:
    """Write the ledger for one send; return the transient failures left to retry."""
    rows: list[Delivery] = []
    dead_device_ids: list[int] = []
    transient: list[SendResult] = []
    for device, result in zip(devices, results, strict=True):
        if result.ok:
            rows.append(
                Delivery(alert=alert, device=device, state=DeliveryState.ACCEPTED, message_id=result.message_id or "")
            )
            outcome.sent += 1
        elif result.token_invalid:
            rows.append(
                Delivery(alert=alert, device=device, state=DeliveryState.INVALID, error_code=result.error_code or "")
            )
            dead_device_ids.append(device.pk)
            outcome.invalid += 1
        elif result.permanent or final_attempt:
            rows.append(
                Delivery(alert=alert, device=device, state=DeliveryState.FAILED, error_code=result.error_code or "")
            )
            outcome.failed += 1
        else:
            transient.append(result)
    with transaction.atomic():
        if rows:
            Delivery.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["alert", "device"],
                update_fields=["state", "message_id", "error_code", "updated_at"],
            )
        if dead_device_ids:
            Device.objects.filter(pk__in=dead_device_ids).update(
                is_active=False, deactivated_reason="fcm-token-invalid", updated_at=timezone.now()
            )
        push_results_count(recorded=rows, retried=transient)  # Redis counters for /metrics, once this commits
    return transient


def _count(*, alert_id: int, batch_id: int, outcome: BatchOutcome, state: str, **fields: Any) -> None:
    with transaction.atomic():
        AlertBatch.objects.filter(pk=batch_id).update(
            state=state,
            sent=F("sent") + outcome.sent,
            failed=F("failed") + outcome.failed,
            invalid_tokens=F("invalid_tokens") + outcome.invalid,
            deferred=F("deferred") + outcome.deferred,
            finished_at=timezone.now() if state == BatchState.DONE else None,
            lease_expires_at=None,
            **fields,
        )
        _add_to_alert_counts(alert_id=alert_id, outcome=outcome, deferred=outcome.deferred)


def _add_to_alert_counts(*, alert_id: int, outcome: BatchOutcome, deferred: int) -> None:
    Alert.objects.filter(pk=alert_id).update(
        sent=F("sent") + outcome.sent,
        failed=F("failed") + outcome.failed,
        invalid_tokens=F("invalid_tokens") + outcome.invalid,
        deferred=F("deferred") + deferred,
    )


def _final_state() -> Case:
    """An alert's closing state from its counts: no_audience, sent, failed (nothing sent) or partially_failed."""
    return Case(
        When(targeted=0, then=Value(AlertState.NO_AUDIENCE)),
        When(failed=0, then=Value(AlertState.SENT)),
        When(sent=0, then=Value(AlertState.FAILED)),
        default=Value(AlertState.PARTIALLY_FAILED),
    )


def alert_finish_if_done(*, alert_id: int) -> bool:
    """Close the alert once the fan-out is complete and every batch is done, with its true state."""
    pending = AlertBatch.objects.filter(alert_id=alert_id).exclude(state=BatchState.DONE)
    closing = Alert.objects.filter(pk=alert_id, state=AlertState.SENDING, fanout_done=True).exclude(Exists(pending))
    return bool(closing.update(state=_final_state(), finished_at=Now()))


# --- Recovery and deferred sends ---------------------------------------------------------------


def alerts_recover(*, now: datetime | None = None) -> dict[str, int]:
    """Re-enqueue work whose task was lost (a killed worker, a lost broker message).

    A batch held by a worker whose lease ran out is re-enqueued at once. Batches
    still ``queued`` are only re-enqueued when their alert has stalled: no live
    lease and nothing finished for a whole lease period, so a long queue behind
    busy workers is not flooded with copies. Each re-enqueue is remembered for a
    lease period in the cache. Repeats are harmless anyway: every task claims its
    row before doing anything.
    """
    now = now or timezone.now()
    lease = timedelta(seconds=settings.PUSH_BATCH_LEASE_SECONDS)
    grace = now - lease

    def first_time(kind: str, pk: int) -> bool:
        return bool(cache.add(f"alerts-recover:{kind}:{pk}", 1, timeout=settings.PUSH_BATCH_LEASE_SECONDS))

    fanouts = [
        pk
        for pk in Alert.objects.filter(
            Q(state=AlertState.QUEUED, queued_at__lt=grace)
            | Q(state=AlertState.SENDING, fanout_done=False) & (Q(started_at__isnull=True) | Q(started_at__lt=grace))
        ).values_list("pk", flat=True)
        if first_time("fanout", pk)
    ]
    lost = AlertBatch.objects.filter(
        Q(state=BatchState.SENDING, lease_expires_at__lt=now) | Q(state=BatchState.RETRY, retry_at__lt=grace)
    )
    batches = [pk for pk in lost.values_list("pk", flat=True) if first_time("batch", pk)]

    alive = AlertBatch.objects.filter(alert_id=OuterRef("pk")).filter(
        Q(state=BatchState.SENDING, lease_expires_at__gte=now) | Q(finished_at__gte=grace)
    )
    stalled = Alert.objects.filter(state=AlertState.SENDING, started_at__lt=grace).exclude(Exists(alive))
    for alert_id in stalled.values_list("pk", flat=True):
        if first_time("queued", alert_id):
            queued = AlertBatch.objects.filter(alert_id=alert_id, state=BatchState.QUEUED, created_at__lt=grace)
            batches += list(queued.values_list("pk", flat=True))

    for alert_id in fanouts:
        enqueue("notifications.alert_fanout", alert_id)
    for batch_id in batches:
        enqueue("notifications.alert_send_batch", batch_id)
    for alert_id in Alert.objects.filter(state=AlertState.SENDING, fanout_done=True).values_list("pk", flat=True):
        alert_finish_if_done(alert_id=alert_id)
    return {"fanouts": len(fanouts), "batches": len(batches)}


def deliveries_send_deferred(*, now: datetime | None = None, gateway: FCMGateway | None = None) -> int:
    """Send the alerts held back by quiet hours whose night is over. Returns how many were accepted."""
    now = now or timezone.now()
    lease = now + timedelta(seconds=settings.PUSH_BATCH_LEASE_SECONDS)
    total = 0
    while True:
        with transaction.atomic():
            due = list(
                Delivery.objects.select_for_update(skip_locked=True)
                .filter(state=DeliveryState.DEFERRED, deliver_after__lte=now)
                .order_by("alert_id", "pk")[: settings.PUSH_BATCH_SIZE]
            )
            if not due:
                return total
            alert_id = due[0].alert_id
            due = [row for row in due if row.alert_id == alert_id]
            # Pushing deliver_after past the lease is the claim: another sweeper skips these rows.
            Delivery.objects.filter(pk__in=[row.pk for row in due]).update(
                deliver_after=lease, attempts=F("attempts") + 1
            )
            tries = {row.device_id: row.attempts + 1 for row in due}
        alert = (
            Alert.objects.select_related(*ALERT_MESSAGE_RELATED)
            .prefetch_related(*ALERT_MESSAGE_PREFETCH)
            .get(pk=alert_id)
        )
        if not alert_still_wanted(alert):
            dropped = Delivery.objects.filter(pk__in=[row.pk for row in due], state=DeliveryState.DEFERRED).update(
                state=DeliveryState.DROPPED, error_code="NOT_WANTED"
            )
            _add_to_alert_counts(alert_id=alert.pk, outcome=BatchOutcome(), deferred=-dropped)
            continue
        devices = list(
            Device.objects.filter(pk__in=[row.device_id for row in due], is_active=True, is_stale=False).only(
                "pk", "token"
            )
        )
        results = _send(alert=alert, devices=devices, gateway=gateway)
        outcome = BatchOutcome()
        transient: list[SendResult] = []
        # Bounded like a batch: on a device's last try, what stays unavailable is recorded as failed.
        for final_attempt in (False, True):
            pairs = [
                (device, result)
                for device, result in zip(devices, results, strict=True)
                if (tries[device.pk] >= settings.PUSH_MAX_ATTEMPTS) is final_attempt
            ]
            transient += _record(
                alert=alert,
                devices=[device for device, _ in pairs],
                results=[result for _, result in pairs],
                final_attempt=final_attempt,
                outcome=outcome,
            )
        retried = {result.token for result in transient}
        resent = [device.pk for device in devices if device.token in retried]
        if resent:
            delay = _retry_delay(attempts=max(tries[pk] for pk in resent), results=transient)
            Delivery.objects.filter(alert=alert, device_id__in=resent).update(
                deliver_after=now + timedelta(seconds=delay)
            )
        gone = {row.device_id for row in due} - {device.pk for device in devices}
        if gone:
            Delivery.objects.filter(alert=alert, device_id__in=gone, state=DeliveryState.DEFERRED).update(
                state=DeliveryState.FAILED, error_code="DEVICE_GONE"
            )
            outcome.failed += len(gone)
        _add_to_alert_counts(
            alert_id=alert.pk, outcome=outcome, deferred=-(outcome.sent + outcome.failed + outcome.invalid)
        )
        # An alert already closed keeps a state true to its counts as its deferred sends finish.
        Alert.objects.filter(
            pk=alert.pk, state__in=[AlertState.SENT, AlertState.FAILED, AlertState.PARTIALLY_FAILED]
        ).update(state=_final_state())
        total += outcome.sent
