"""Rate limits per client address, as fixed-window counters: O(1) per request, whatever the traffic.

DRF's ``SimpleRateThrottle`` keeps every request time of the window in one cache value per client and
reads and rewrites all of it on every request, so its cost grows with the traffic it is meant to
bound. Here each client has one integer per window (``<scope>:<address>:<window number>``), added to
with one INCR (and EXPIRE) in a single Redis round trip. A fixed window lets a client spend up to twice
the rate across a window boundary; the limits here are about cost, not precise accounting.

Reads answered by the response cache never reach these (``backend.api.cache_middleware``).
"""

import math
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from backend.redis_cache import RedisCache


class FixedWindowThrottle(SimpleRateThrottle):
    """``num_requests`` per ``duration`` seconds per client address, counted in fixed windows."""

    num_requests: int | None  # set by SimpleRateThrottle from the scope's rate
    duration: int | None
    now: float
    window_ends: float

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return f"throttle:{self.scope}:{self.get_ident(request)}"

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        assert self.num_requests is not None and self.duration is not None
        self.now = self.timer()
        window = math.floor(self.now / self.duration)
        self.window_ends = (window + 1) * self.duration
        return count(f"{key}:{window}", self.duration) <= self.num_requests

    def wait(self) -> float:
        """Seconds until the window ends (``Retry-After``)."""
        return max(1.0, self.window_ends - self.now)


def count(key: str, seconds: int) -> int:
    """Add one to the counter ``key`` (kept ``seconds``); the new value. One round trip on Redis."""
    cache = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(cache, RedisCache):
        return cache.incr_window(key, seconds)
    # Any other cache (the in-process one): add makes the key, incr is atomic in it.
    cache.add(key, 0, seconds)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between the two calls
        cache.add(key, 1, seconds)
        return 1


class ReadThrottle(FixedWindowThrottle):
    """Per client address, for public reads that reach a view (``THROTTLE_READ``, generous: carrier NATs)."""

    scope = "read"


class WriteThrottle(FixedWindowThrottle):
    """Per client address, for every write endpoint (``THROTTLE_WRITE``)."""

    scope = "write"


def client_ip(request: Request) -> str | None:
    """The client address the throttles count by (honours NUM_PROXIES)."""
    return WriteThrottle().get_ident(request)
