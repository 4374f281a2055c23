"""Retention of the delivery ledger: per-device rows go some days after their alert finished.

The ledger grows by devices x alerts (500,000 devices x 10 alerts is 5M rows a day). A row matters
while its alert can still change (sending, retries, deferred sends) and while a device's inbox and the
dashboard show the alert; after that only the alert's own counters (targeted, sent, failed, opened...)
are read, and they are kept for ever. So ``deliveries_prune`` deletes the rows of alerts that finished
more than ``DELIVERY_RETENTION_DAYS`` ago. Never touched: alerts not finished (draft, queued, sending)
and deferred rows (quiet hours) still waiting to be sent, whatever their alert's age.

Run from beat (``notifications.deliveries_prune``) in small batches, each its own short transaction:
a keyset walk of one alert's rows along the ``(alert, device)`` unique index, deleting by primary key,
so no statement scans or locks more than one batch. Idempotent and resumable: rows already gone are
simply not found again.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from notifications.models import Alert, AlertState, Delivery, DeliveryState

# What ``finished_at`` marks the end of: the engine closed the alert (``delivery.alert_finish_if_done``),
# or it was cancelled (a cancelled alert never sends again: ``delivery.alert_still_wanted``).
FINISHED_ALERT_STATES = [
    AlertState.SENT,
    AlertState.PARTIALLY_FAILED,
    AlertState.FAILED,
    AlertState.NO_AUDIENCE,
    AlertState.CANCELLED,
]


@dataclass
class Pruned:
    """What one run did."""

    deliveries: int = 0
    alerts: int = 0  # alerts whose rows it walked to the end
    batches: int = 0
    done: bool = True  # False: it stopped at ``max_batches`` with rows left for the next run


def prunable_deliveries() -> QuerySet[Delivery]:
    """Ledger rows that may go once their alert is old enough: all but deferred sends still waiting."""
    return Delivery.objects.exclude(state=DeliveryState.DEFERRED)


def alerts_to_prune(*, now: datetime | None = None) -> QuerySet[Alert]:
    """Finished alerts past ``DELIVERY_RETENTION_DAYS`` that still have prunable rows, oldest first (ids)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.DELIVERY_RETENTION_DAYS)
    return (
        Alert.objects.filter(state__in=FINISHED_ALERT_STATES, finished_at__lt=cutoff)
        .filter(Exists(prunable_deliveries().filter(alert_id=OuterRef("pk"))))
        .order_by("finished_at", "pk")
    )


def deliveries_prune(
    *, now: datetime | None = None, batch_size: int | None = None, max_batches: int | None = None
) -> Pruned:
    """Delete the ledger rows of alerts that finished more than ``DELIVERY_RETENTION_DAYS`` ago.

    ``batch_size`` rows (``RETENTION_BATCH_SIZE``) a batch, at most ``max_batches``
    (``RETENTION_MAX_BATCHES``) a run; two statements a batch whatever its size. The alerts' counters
    are not touched: every figure of an alert stays what it was.
    """
    batch_size = batch_size or settings.RETENTION_BATCH_SIZE
    max_batches = max_batches or settings.RETENTION_MAX_BATCHES
    if batch_size < 1 or max_batches < 1:
        raise ValueError("batch_size and max_batches must be positive")
    result = Pruned()
    for alert_id in list(alerts_to_prune(now=now).values_list("pk", flat=True)):
        after = 0
        while True:
            if result.batches >= max_batches:
                result.done = False
                return result
            deleted, last_device = _prune_batch(alert_id=alert_id, after_device=after, batch_size=batch_size)
            if last_device is None:
                break
            result.batches += 1
            result.deliveries += deleted
            after = last_device
        result.alerts += 1
    return result


def _prune_batch(*, alert_id: int, after_device: int, batch_size: int) -> tuple[int, int | None]:
    """Delete up to ``batch_size`` prunable rows of one alert, devices after ``after_device`` in id order.

    Returns how many went and the last device id looked at (None: nothing left past ``after_device``).
    """
    with transaction.atomic():
        rows = list(
            prunable_deliveries()
            .filter(alert_id=alert_id, device_id__gt=after_device)
            .order_by("device_id")
            .values_list("pk", "device_id")[:batch_size]
        )
        if not rows:
            return 0, None
        deleted, _ = prunable_deliveries().filter(pk__in=[pk for pk, _ in rows]).delete()
    return deleted, rows[-1][1]
