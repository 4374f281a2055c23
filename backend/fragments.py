"""Rendered fragments (an article's card) kept in the shared cache and reused by every response showing them.

The article list, the lists by tag and section, home, most read, search and a detail's related strip
all show the same cards. Rendering one costs queries (its tags, its picture's renditions) and
serialisation; a page that reads its fragments instead asks the database only which articles it
shows, in one narrow query, and the cache for the rest (one ``get_many``). ``newsapi.api.cards``
says what a fragment holds; this module keeps them.

A fragment is never invalidated, only no longer asked for: its key names what it was made from,

- the object's own version, read with the row it was rendered from (an article's ``updated_at``,
  which every save moves, its tags' and picture's changes included);
- the *shared label*: a random label replaced by ``changed`` whenever something shown with many
  objects changes (an edition, a section or its names, a tag, an author; ``newsapi.apps`` connects
  their saves and deletions);
- what the caller adds (the host that absolute addresses are built with).

Which objects a response shows is never cached here: that always comes from the database, so a
withdrawn article cannot come back through a fragment, whatever the cache holds.

The label follows the content version's ordering (``backend.content_version``): callers read it
before they read what they render, and store under what they read; labels are never reused, so a
rendering made before a change committed is stored under a label the change's commit has replaced.
A lost label (eviction, a flushed cache) is replaced by a fresh one (``cache.add``, first writer
wins), and every fragment is then rendered anew: always safe. With a read replica the label is
replaced once more ``CACHE_PURGE_REPEAT_SECONDS`` after the commit, as the content version is.

A process reads the label once a ``FRAGMENT_LABEL_MEMO_SECONDS`` (one second) at most, not on every
request: a change renews it at once in the process that made it, and within that second in every
other (a renamed tag may show its old name on cards for a second; which articles are shown, and so
a withdrawal, is never delayed: see above). ``kept`` keeps a few small things read from the database
(the editions, the sections) in the process under the same label.

Django's in-process cache (``make run``) is not shared: a change saved in another process never
replaces this process's label, so there fragments are kept ``CONTENT_VERSION_RECHECK_SECONDS`` only.
A cache that cannot be reached is logged and every fragment rendered (``get_many`` finds nothing).
"""

import logging
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from backend.content_version import renew_around_commit

logger = logging.getLogger("backend.fragments")

KEY = "fragment-label"
REPUBLISH_TASK = "backend.fragments_publish"

T = TypeVar("T")

# This process's last read of the label: (label, when, by time.monotonic()).
_memo: tuple[str, float] | None = None
_kept: dict[str, tuple[str, Any]] = {}


def enabled() -> bool:
    return bool(settings.API_FRAGMENT_CACHE)


def label() -> str:
    """The shared label fragment keys carry now; a fresh one when the cache has none (or cannot be reached)."""
    global _memo
    now = time.monotonic()
    if _memo is not None and now - _memo[1] < settings.FRAGMENT_LABEL_MEMO_SECONDS:
        return _memo[0]
    current = _read()
    _memo = (current, now)
    return current


def kept(name: str, load: Callable[[], T]) -> T:
    """``load()``, kept in this process until the label moves: for small things every change of which renews it."""
    current = label()
    found = _kept.get(name)
    if found is None or found[0] != current:
        found = _kept[name] = (current, load())
    value: T = found[1]
    return value


def forget() -> None:
    """Drop what this process remembers (the label, what ``kept`` holds): the next read asks the cache."""
    global _memo
    _memo = None
    _kept.clear()


def _read() -> str:
    try:
        found: str | None = cache.get(KEY)
        if found is not None:
            return found
        fresh = _fresh()
        if cache.add(KEY, fresh, None):
            return fresh
        won: str | None = cache.get(KEY)
        return won if won is not None else fresh
    except Exception:
        logger.exception("The fragment label could not be read from the cache")
        return _fresh()  # never stored: what is rendered under it is never asked for again


def changed() -> None:
    """Something shown with many fragments changed in the current transaction: a fresh label now and on commit."""
    renew_around_commit(publish, REPUBLISH_TASK)


@shared_task(name=REPUBLISH_TASK)
def republish() -> None:
    """A fresh label again, once a replica has had time to replay the change (``changed``)."""
    publish()


def publish() -> None:
    forget()
    try:
        cache.set(KEY, _fresh(), None)
    except Exception:
        logger.exception("The fragment label could not be published to the cache")


def get_many(keys: Sequence[str]) -> dict[str, Any]:
    """The fragments found under ``keys`` (one round trip); none when the cache cannot be reached."""
    if not keys:
        return {}
    try:
        return cache.get_many(keys)
    except Exception:
        logger.exception("Fragments could not be read from the cache")
        return {}


def set_many(fragments: Mapping[str, Any]) -> None:
    if not fragments:
        return
    try:
        cache.set_many(dict(fragments), lifetime())
    except Exception:
        logger.exception("Fragments could not be stored in the cache")


def lifetime() -> int:
    """How long a fragment is kept: ``FRAGMENT_CACHE_SECONDS``, or the recheck period of an unshared cache."""
    return settings.CONTENT_VERSION_RECHECK_SECONDS or settings.FRAGMENT_CACHE_SECONDS


def _fresh() -> str:
    return "f" + secrets.token_hex(8)
