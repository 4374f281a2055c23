"""Device secrets: the credential an app gets once, at registration, and the hash kept of it.

Used by the device services (which issue secrets) and by the API (which checks them).
"""

import hashlib
import hmac
import secrets

from notifications.models import Device


def secret_new() -> tuple[str, str]:
    """A new device secret and the hash stored for it (high entropy, so a plain SHA-256 suffices)."""
    secret = secrets.token_urlsafe(32)
    return secret, secret_hash(secret)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(device: Device, secret: str) -> bool:
    return hmac.compare_digest(device.secret_hash, secret_hash(secret))
