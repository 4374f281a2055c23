"""Setting throttle rates in a test: DRF keeps the rates on each throttle class when it is defined."""

from typing import Any

from rest_framework.settings import api_settings

from backend.api.throttles import (
    DeviceWriteThrottle,
    EventsAddressThrottle,
    EventsThrottle,
    ReadThrottle,
    RegistrationThrottle,
    WriteThrottle,
)

THROTTLES = (
    ReadThrottle,
    WriteThrottle,
    DeviceWriteThrottle,
    RegistrationThrottle,
    EventsThrottle,
    EventsAddressThrottle,
)


def set_rates(settings: Any, monkeypatch: Any, **rates: str) -> None:
    """Set some scopes' rates (``write="2/min"``, ``events_address=...``), the others kept."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }
    for throttle in THROTTLES:
        monkeypatch.setattr(throttle, "THROTTLE_RATES", api_settings.DEFAULT_THROTTLE_RATES)
