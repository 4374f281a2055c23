from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle


class ReadThrottle(AnonRateThrottle):
    """Per client IP, for every public read (generous: the apps poll)."""

    scope = "read"


class WriteThrottle(AnonRateThrottle):
    """Per client IP, for every write endpoint."""

    scope = "write"


def client_ip(request: Request) -> str | None:
    """The client address the throttles count by (honours NUM_PROXIES)."""
    return WriteThrottle().get_ident(request)
