"""Reads of public requests from a PostgreSQL read replica; everything else from the primary.

With ``DATABASE_REPLICA_URL`` set, settings add the ``replica`` alias, and ``ReplicaRouter`` sends
a read there only when all of these hold:

- the request is a *public read*, as ``ReplicaReadMiddleware`` decides before anything else runs:
  a GET or HEAD of the read API (``/api/v1/`` but the device endpoints and the sync feed) or of
  the web edition (any path outside ``/admin/`` and ``/api/``), with no ``Authorization`` header
  and no session cookie (an editor checking the page they just published reads the primary);
- the model is content (``REPLICA_APPS``: articles, sections, tags, alerts), not users, sessions
  or login attempts;
- no write was routed during this request (after one, the request reads its own writes), and
  the primary holds no open transaction (``transaction.atomic``: a read there is part of it).

Everything else goes to ``default``: every write, the admin, device registration and secrets,
Celery tasks and management commands (no request marks them), and every read when no replica
is configured. Migrations run on ``default`` only.

The public read is marked in a context variable, so it holds for exactly one request in its own
thread (or asyncio task) and is cleared when the response returns.

Two feeds stay on the primary on purpose, because a lagging replica would break a promise they
make: ``/api/v1/sync/`` (a change the replica has not replayed yet, older than the settle time,
would fall behind the client's cursor and never reach the phone: a withdrawn story would stay on
it) and the device endpoints (a device that just registered must find itself). The response
cache and the Varnish purge after a withdrawal tolerate a lag shorter than
``CACHE_PURGE_REPEAT_SECONDS`` (docs/deploy.md).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponseBase

REPLICA = "replica"
REPLICA_APPS = frozenset({"newsapi", "notifications"})
"""Apps whose rows a public read may take from the replica: the content, not users, sessions or lockouts."""
PRIMARY_PREFIXES = ("/api/v1/devices/", "/api/v1/sync/")
"""Public API paths that read the primary all the same (see the module docstring)."""
SAFE_METHODS = frozenset({"GET", "HEAD"})

_public_read: ContextVar[bool] = ContextVar("newsline_public_read", default=False)
_wrote: ContextVar[bool] = ContextVar("newsline_wrote", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def is_public_read(request: HttpRequest) -> bool:
    """Whether ``request`` may read from the replica: an anonymous GET or HEAD of the read API or the web pages."""
    if request.method not in SAFE_METHODS:
        return False
    if "HTTP_AUTHORIZATION" in request.META or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    path = request.path_info
    if path.startswith("/api/v1/"):
        return not path.startswith(PRIMARY_PREFIXES)
    return not path.startswith(("/admin/", "/api/"))


@contextmanager
def public_read() -> Iterator[None]:
    """Route this context's reads as those of a public read (the middleware's scope; tests use it directly)."""
    read_token = _public_read.set(True)
    wrote_token = _wrote.set(False)
    try:
        yield
    finally:
        _wrote.reset(wrote_token)
        _public_read.reset(read_token)


class ReplicaReadMiddleware:
    """Marks a public read for ``ReplicaRouter``, for the whole request. First in ``MIDDLEWARE``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not is_public_read(request):
            return self.get_response(request)
        with public_read():
            return self.get_response(request)


class ReplicaRouter:
    """``DATABASE_ROUTERS``: the replica for a public read's content, ``default`` for all else."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if not replica_configured():
            return None
        if (
            _public_read.get()
            and not _wrote.get()
            and model._meta.app_label in REPLICA_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        # Named, not None: Django would otherwise follow the hinted instance, which may come from the replica.
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        if _public_read.get():
            _wrote.set(True)  # the rest of the request reads its own write
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        """Rows of the two aliases are the same rows."""
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        """The replica follows the primary by replication: nothing is ever migrated there."""
        return False if db == REPLICA else None
