"""The one seam through which code enqueues background work: by Celery task name, after commit.

Services never import the ``tasks`` modules that call them (that would be an import
circle); they name the task instead. ``enqueue`` waits for the current transaction to
commit, so a worker never looks for a row that is not there yet and a rolled-back change
enqueues nothing. Without a broker (the embedded ``make run`` mode, eager Celery) the task
runs in this process right after the commit, as it would on a worker.
"""

from functools import partial
from typing import Any

from celery import current_app
from django.db import transaction


def enqueue(task_name: str, *args: Any, countdown: float | None = None) -> None:
    """Run the task registered as ``task_name`` with ``args`` once the current transaction commits.

    Outside a transaction it is sent at once. ``args`` must be JSON-serialisable (ids, not rows).
    """
    transaction.on_commit(partial(_send, task_name, args, countdown))


def _send(task_name: str, args: tuple[Any, ...], countdown: float | None) -> None:
    app = current_app
    options: dict[str, Any] = {} if countdown is None else {"countdown": countdown}
    if not app.conf.task_always_eager:
        app.send_task(task_name, args=args, **options)
        return
    if task_name not in app.tasks:
        app.loader.import_default_modules()  # autodiscovers every app's tasks module
    app.tasks[task_name].apply_async(args=args, **options)
