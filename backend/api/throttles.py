from rest_framework.throttling import AnonRateThrottle


class ReadThrottle(AnonRateThrottle):
    """Per client IP, for every public read (generous: the apps poll)."""

    scope = "read"


class WriteThrottle(AnonRateThrottle):
    """Per client IP, for every write endpoint."""

    scope = "write"
