"""Revisions: who changed a row, when, what, and why (django-simple-history, recorded by the services).

A model that keeps revisions declares ``history = Revisions(...)``. simple-history then
records a version on every ``save()``; the services do better than that, because they know
who acted (``by``, None for the system: the scheduler, a worker) and why ("Published",
"Withdrawn: <reason>"), and because one service call should be one version even when it
saves the row and then its many-to-many fields, or changes it with a conditional
``UPDATE`` that sends no signal:

- ``with revision(article, by=by, reason="Published"): article.save()`` records one version
  after the block, with its many-to-many fields as they are then;
- ``revision_record(alert, by=by, reason="Alert cancelled")`` records the row as it is now,
  after an ``UPDATE`` (the caller reloads it first).

A version is written in the caller's transaction, so it commits or rolls back with the change.
Counters moved by ``UPDATE`` (alert delivery counts, view counts) never record a version.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from backend.roles import Actor, recorded_user

_revisions: dict[type[models.Model], "Revisions"] = {}
_note: ContextVar[str] = ContextVar("revision_note", default="")


class Revisions(HistoricalRecords):
    """``HistoricalRecords`` whose versions the services can also record themselves.

    The change reason is a text column (a withdrawal reason is longer than simple-history's
    default 100 characters).
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("history_change_reason_field", models.TextField(null=True))
        super().__init__(**kwargs)

    def finalize(self, sender: type[models.Model], **kwargs: Any) -> None:
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            _revisions[sender] = self


def _record(instance: models.Model, *, by: Actor, reason: str, history_type: str) -> None:
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    note = _note.get()
    instance._history_user = recorded_user(by)  # type: ignore[attr-defined]
    instance._change_reason = f"{note} ({reason})" if note else reason  # type: ignore[attr-defined]
    try:
        _revisions[type(instance)].create_historical_record(instance, history_type)
    finally:
        del instance._history_user  # type: ignore[attr-defined]
        del instance._change_reason  # type: ignore[attr-defined]


@contextmanager
def revision(instance: models.Model, *, by: Actor, reason: str) -> Iterator[None]:
    """Make everything saved to ``instance`` inside the block (the row, its many-to-many
    fields) one version, by ``by``, for ``reason``. Nothing is recorded if the block raises."""
    history_type = "+" if instance._state.adding else "~"
    instance.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del instance.skip_history_when_saving  # type: ignore[attr-defined]
    _record(instance, by=by, reason=reason, history_type=history_type)


def revision_record(instance: models.Model, *, by: Actor, reason: str) -> None:
    """Record ``instance`` as it is now: for a change made with ``UPDATE``, which sends no signal."""
    _record(instance, by=by, reason=reason, history_type="~")


def revision_deleted_by(instance: models.Model, *, by: Actor, reason: str = "Deleted") -> None:
    """Name who deletes ``instance`` and why; call it right before ``delete()``. simple-history
    records the deletion itself, from its post_delete signal, with this user and reason."""
    instance._history_user = recorded_user(by)  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]


@contextmanager
def revision_note(note: str) -> Iterator[None]:
    """Prefix every version recorded inside the block with ``note`` (e.g. "Restored the version
    of 3 May"), keeping the service's own reason after it: the admin's restore says why an
    ordinary edit happened without the service having to know about restores."""
    token = _note.set(note)
    try:
        yield
    finally:
        _note.reset(token)
