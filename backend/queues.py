"""Which Celery queue each task goes to, so that one kind of work never waits behind another.

A breaking alert's fan-out must not queue behind the renditions of a 50-megapixel upload, nor a
scheduled story's publication behind a retention sweep. Each kind has its queue, named after the
default queue (``CELERY_TASK_DEFAULT_QUEUE``, ``celery``) and the kind, and its own worker pool in
production (docs/deploy.md):

- ``push``: alert fan-out and sends, and the sweeps that start them (scheduled alerts, quiet-hours
  deferrals, recovery of stalled batches). Latency is the product here.
- ``site``: publishing at the scheduled time and cache purges. Readers wait on both.
- ``media``: picture renditions. CPU-heavy, seconds to minutes each.
- ``maintenance``: retention and device hygiene. Big, patient, never urgent.

Anything not named here goes to the default queue. ``route`` is the router (``CELERY_TASK_ROUTES``);
it reads the default queue's name when a task is sent, so a process that renames it (the test suite
gives each parallel test process its own) keeps its routed queues apart too.
"""

from typing import Any

from celery import current_app

from backend import fragments
from backend.content_version import REPUBLISH_TASK
from backend.purge import PURGE_TASK

PUSH = "push"
SITE = "site"
MEDIA = "media"
MAINTENANCE = "maintenance"
KINDS = (PUSH, SITE, MEDIA, MAINTENANCE)

TASK_KINDS = {
    "notifications.alert_fanout": PUSH,
    "notifications.alert_send_batch": PUSH,
    "notifications.alerts_recover": PUSH,
    "notifications.alerts_queue_due": PUSH,
    "notifications.deliveries_send_deferred": PUSH,
    "newsapi.tasks.publish_due_articles": SITE,
    PURGE_TASK: SITE,
    REPUBLISH_TASK: SITE,
    fragments.REPUBLISH_TASK: SITE,
    "newsapi.tasks.image_build_renditions": MEDIA,
    "newsapi.tasks.view_counts_roll_up": MAINTENANCE,
    "notifications.deliveries_prune": MAINTENANCE,
    "notifications.devices_hygiene": MAINTENANCE,
}


def queue_name(kind: str, default: str | None = None) -> str:
    """The queue of ``kind`` beside the default queue ``default`` (the app's when None)."""
    return f"{default or current_app.conf.task_default_queue}-{kind}"


def queue_names(default: str | None = None) -> list[str]:
    """Every queue tasks go to: the default and each kind's. A worker for all of them consumes these."""
    default = default or current_app.conf.task_default_queue
    return [default, *(queue_name(kind, default) for kind in KINDS)]


def route(name: str, args: Any, kwargs: Any, options: Any, task: Any = None, **extra: Any) -> dict[str, str] | None:
    """Celery's router: the task's queue by its kind, or None for the default queue."""
    kind = TASK_KINDS.get(name)
    return {"queue": queue_name(kind)} if kind is not None else None
