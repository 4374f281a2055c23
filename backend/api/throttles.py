"""Rate limits per client address, as fixed-window counters: O(1) per request, whatever the traffic.

DRF's ``SimpleRateThrottle`` keeps every request time of the window in one cache value per client and
reads and rewrites all of it on every request, so its cost grows with the traffic it is meant to
bound. Here each client has one integer per window (``<scope>:<address>:<window number>``), added to
with one INCR (and EXPIRE) in a single Redis round trip. A fixed window lets a client spend up to twice
the rate across a window boundary; the limits here are about cost, not precise accounting.

Reads answered by the response cache never reach these (``backend.api.cache_middleware``).

Scopes (rates in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``, docs/api.md "Caching and limits"): ``read``
and ``write`` per address; ``registration`` per address for POST /api/v1/devices/; ``events`` per sender
of engagement beacons (the device, else the install id) and ``events_address``, a high per-address
backstop. A carrier NAT puts thousands of phones behind one address, so view beacons never share a
budget with registrations or device changes, and only the backstop counts them by address.
"""

import ipaddress
import math
import re
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
    """Per client address, for device changes and other writes (``THROTTLE_WRITE``): a backstop, set high.

    Every reader behind a carrier's NAT shares it; what bounds one app is ``DeviceWriteThrottle``.
    """

    scope = "write"


class DeviceWriteThrottle(FixedWindowThrottle):
    """Per device, for the changes an app makes to its own device and its inbox (``THROTTLE_DEVICE_WRITE``).

    Counted by the device id in the address and the client address (an IPv6 client's /64): a reader's
    budget is their own however many share the carrier's address, and someone sending requests for
    another reader's device id from elsewhere spends only their own budget (the secret is checked
    after the throttles, so the count cannot wait for it).
    """

    scope = "device_write"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        device = view.kwargs.get("pk")
        return f"throttle:{self.scope}:{device}:{address_bucket(self.get_ident(request))}"


class RegistrationThrottle(FixedWindowThrottle):
    """Per client address, for device registration (``THROTTLE_REGISTRATION``): its own budget, sized for a NAT.

    The daily cap on new devices per address (``DEVICE_REGISTRATIONS_PER_IP_PER_DAY``) is the real bound
    on a flood of made-up tokens; this only bounds the rate at which one address can spend it.
    """

    scope = "registration"


class EventsThrottle(FixedWindowThrottle):
    """Per sender of engagement beacons (``THROTTLE_EVENTS``): the device, else the install id.

    A batch from neither (anonymous: accepted, never counted) has no sender to count by; the address
    backstop (``EventsAddressThrottle``) bounds those, and the install ids one address makes up.
    """

    scope = "events"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        sender = events_sender(request)
        return None if sender is None else f"throttle:{self.scope}:{sender}"


class EventsAddressThrottle(FixedWindowThrottle):
    """Per client address (an IPv6 client's /64), for engagement beacons (``THROTTLE_EVENTS_PER_ADDRESS``).

    A backstop, set high: every reader behind a carrier's NAT shares it.
    """

    scope = "events_address"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return f"throttle:{self.scope}:{address_bucket(self.get_ident(request))}"


def client_ip(request: Request) -> str | None:
    """The client address the throttles count by (honours NUM_PROXIES)."""
    return WriteThrottle().get_ident(request)


# The header an app that has no device secret sends with its beacons (docs/api.md, "Events and view
# counts"): a UUID the app makes once per install and keeps. Any UUID is taken (even the nil one: the apps
# sending it are one reader, capped per address like any install id).
INSTALL_ID_HEADER = "X-Install-Id"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def install_id(request: Request) -> str | None:
    """The request's install id (``X-Install-Id``), lower-case; None without the header.

    Raises ``ValueError`` for a header that is not a UUID in its usual 8-4-4-4-12 hexadecimal form.
    """
    raw = request.headers.get(INSTALL_ID_HEADER)
    if raw is None:
        return None
    value = raw.strip().lower()
    if not _UUID.fullmatch(value):
        raise ValueError(f"{INSTALL_ID_HEADER} must be a UUID the app made (8-4-4-4-12 hexadecimal digits).")
    return value


def events_sender(request: Request) -> str | None:
    """Who sends a batch of beacons: ``device-<id>`` (authenticated), ``install-<uuid>``, or None (anonymous).

    Reads ``request.auth`` (DRF authenticates before it throttles). A malformed install id is no sender
    here; the view refuses it with a 400.
    """
    device_id = getattr(request.auth, "pk", None)
    if device_id is not None:
        return f"device-{device_id}"
    try:
        install = install_id(request)
    except ValueError:
        return None
    return None if install is None else f"install-{install}"


def address_bucket(ip: str | None) -> str:
    """What per-address limits count by: an IPv4 address as it is; for IPv6, its /64 network.

    One IPv6 subscriber is given a whole /64 (2^64 addresses to rotate through), so an IPv6 address on
    its own bounds nothing. An IPv4-mapped IPv6 address counts as its IPv4 address.
    """
    if not ip:
        return "unknown"
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ip.strip()
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
