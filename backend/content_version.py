"""The content version: the label that keys the server-side response caches, read from the shared cache.

The source of truth is a counter in the database (``CONTENT_VERSION_COUNTER`` names its reader,
``newsapi.models.ContentVersion``) that every article save moves inside the saving transaction.
Reads do not ask the database for it: they read a *label* kept in the cache under ``KEY``. The label
is replaced with a fresh, never-used random one

- after the saving transaction commits (``transaction.on_commit``): the move every other process
  sees;
- and at once, inside the transaction, when the counter moves: so the connection that saved (a test,
  a shell session, a request that edits then reads) never reads its own earlier entries. Other
  connections cannot see the uncommitted change yet; whatever they render meanwhile they store under
  this interim label, which the commit replaces.

Only when the label is missing (first start, eviction, a flushed cache) does a reader read the
counter from the database, and it offers ``db<counter>`` with ``cache.add`` (first writer wins).

Ordering, and why a reader never stores content rendered before a commit under a label that only
exists after it: a reader reads the label *before* it renders and stores what it rendered under that
label. A label published after commit C is by construction written after C committed, so everything
rendered by a reader that read it already sees C; labels are never reused (random), so no entry
rendered before C can carry a label written after it, and a publish that lands late (another
process's, out of order) installs a fresh label as well, never an older one. Between C's commit and
its publish (microseconds, in the committing process) readers may still be given the label that
preceded C: the same window a database read taken just before the commit always had.

A read replica (more than one database configured) breaks the premise that a reader who read a label
published after C renders what C committed: the replica may not have replayed C yet. So with a
replica, the label is published once more ``CACHE_PURGE_REPEAT_SECONDS`` after the commit (a task,
as the purge after a withdrawal is repeated): whatever was rendered from a replica lagging less than
that is dropped with it.

What remains is the recovery path: a reader that read the counter just before commit C and offers
``db<counter>`` only after C's fresh label has vanished again (an eviction of the hottest key in
Redis, or the local re-check below) would bring back a label that entries rendered before C may carry.
It needs the key to vanish while a reader is stalled between two adjacent calls, and what it could
serve is bounded by the entries' lifetime (``API_CACHE_MAX_AGE``), as before this cache existed.

Django's in-process cache (``LocMemCache``: ``make run`` without Redis, tests) works the same way, but
it is not shared: a commit in another process (the worker's scheduled publishing) never reaches this
process's label. There the label is kept for ``CONTENT_VERSION_RECHECK_SECONDS`` only, after which
the counter is read again (``db<counter>``: unchanged counter, unchanged label, entries kept).
"""

import logging
import secrets
from collections.abc import Callable
from importlib import import_module

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction

from backend.jobs import enqueue

logger = logging.getLogger("backend.content_version")

KEY = "content-version"
REPUBLISH_TASK = "backend.content_version_publish"


def changed() -> None:
    """The counter moved in the current transaction: a fresh label now, and another once it commits.

    Call it right after moving the counter. A cache that cannot be reached is logged, never raised
    into the edit (entries expire on their own lifetime).
    """
    renew_around_commit(publish, REPUBLISH_TASK)


def renew_around_commit(publish: Callable[[], None], republish_task: str) -> None:
    """``publish`` a fresh label now, again once the current transaction commits and, when reads may come
    from a replica, once more ``CACHE_PURGE_REPEAT_SECONDS`` later by ``republish_task`` (see above)."""
    publish()

    def committed() -> None:
        publish()
        if reads_may_lag():
            enqueue(republish_task, countdown=settings.CACHE_PURGE_REPEAT_SECONDS)

    transaction.on_commit(committed, robust=True)


def reads_may_lag() -> bool:
    """Whether reads may come from a database that replays commits later (a replica's alias)."""
    return len(connections.settings) > 1


@shared_task(name=REPUBLISH_TASK)
def republish() -> None:
    """A fresh label again, once a replica has had time to replay the commit (``renew_around_commit``)."""
    publish()


def publish() -> None:
    try:
        cache.set(KEY, "p" + secrets.token_hex(8), lifetime())
    except Exception:
        logger.exception("The content version could not be published to the cache")


def current() -> str:
    """The label the response caches key their entries by (no database query unless the cache lost it)."""
    label: str | None = cache.get(KEY)
    return label if label is not None else recover()


def recover() -> str:
    """The label when the cache has none: ``db<counter>``, read from the database and offered to the cache."""
    label = f"db{counter()()}"
    if cache.add(KEY, label, lifetime()):
        return label
    won: str | None = cache.get(KEY)
    return won if won is not None else label


def lifetime() -> int | None:
    """How long the label is trusted (``None``: until replaced, for a shared cache)."""
    return settings.CONTENT_VERSION_RECHECK_SECONDS or None


def counter() -> Callable[[], int]:
    """The reader of the database counter ``CONTENT_VERSION_COUNTER`` names: ``"module:Class.method"``."""
    module, _, attribute = settings.CONTENT_VERSION_COUNTER.partition(":")
    target: object = import_module(module)
    for name in attribute.split("."):
        target = getattr(target, name)
    if not callable(target):
        raise TypeError(f"CONTENT_VERSION_COUNTER names {target!r}, which cannot be called")
    return target
