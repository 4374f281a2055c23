"""Celery tasks: thin wrappers that take ids and call a service or the delivery engine.

Callers enqueue them by name (``backend.jobs.enqueue("notifications.alert_fanout", id)``),
so nothing imports this module but Celery's autodiscovery.
"""

from celery import shared_task

from notifications import delivery, devices, retention, services


@shared_task(name="notifications.alert_fanout", acks_late=True)
def alert_fanout(alert_id: int) -> int:
    return delivery.alert_fanout(alert_id=alert_id)


@shared_task(name="notifications.alert_send_batch", bind=True, acks_late=True, max_retries=None)
def alert_send_batch(self, batch_id: int) -> dict[str, int]:
    outcome = delivery.alert_send_batch(batch_id=batch_id)
    if outcome.retry_in is not None:
        # The batch row is in "retry" and bounded by PUSH_MAX_ATTEMPTS; the recovery sweep
        # re-enqueues it should this retry message be lost.
        raise self.retry(countdown=outcome.retry_in)
    return {"sent": outcome.sent, "failed": outcome.failed, "invalid": outcome.invalid, "deferred": outcome.deferred}


@shared_task(name="notifications.alerts_recover")
def alerts_recover() -> dict[str, int]:
    return delivery.alerts_recover()


@shared_task(name="notifications.alerts_queue_due")
def alerts_queue_due() -> list[int]:
    return services.alerts_queue_due()


@shared_task(name="notifications.deliveries_send_deferred")
def deliveries_send_deferred() -> int:
    return delivery.deliveries_send_deferred()


@shared_task(name="notifications.devices_hygiene")
def devices_hygiene() -> dict[str, int]:
    return devices.devices_hygiene()


@shared_task(name="notifications.deliveries_prune")
def deliveries_prune() -> dict[str, int | bool]:
    """Beat, every RETENTION_INTERVAL_SECONDS: ledger rows of alerts finished past DELIVERY_RETENTION_DAYS."""
    pruned = retention.deliveries_prune()
    return {"deliveries": pruned.deliveries, "alerts": pruned.alerts, "batches": pruned.batches, "done": pruned.done}
