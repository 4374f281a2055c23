"""Celery tasks of the shared core. Enqueued by name (``backend.jobs.enqueue``), never imported."""

from celery import shared_task

from backend.purge import PURGE_TASK, purge_logged


@shared_task(name=PURGE_TASK)
def purge_keys(keys: list[str]) -> bool:
    """Purge ``keys`` again (``backend.purge.purge_on_commit``'s ``again_after``). A failure is logged, not raised."""
    result = purge_logged(keys)
    return result is not None and result.ok
