"""``Authorization: Device <secret>``: the credential an app gets once, at registration."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from notifications.device_secrets import secret_hash
from notifications.models import Device

SCHEME = "Device"


def device_secret_from(request: Request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    if not header:
        return None
    if scheme != SCHEME or not value.strip():
        raise exceptions.NotAuthenticated(f"Use the header 'Authorization: {SCHEME} <device_secret>'.")
    return value.strip()


class DeviceAuthentication(authentication.BaseAuthentication):
    """Identifies the device sending a request that is not about a device id (e.g. events).

    The device id is not in the header, so the secret's hash is looked up directly.
    """

    def authenticate(self, request: Request) -> tuple[None, Device] | None:
        secret = device_secret_from(request)
        if secret is None:
            return None
        device = Device.objects.filter(secret_hash=secret_hash(secret), is_active=True).first()
        if device is None:
            raise exceptions.AuthenticationFailed("Unknown device secret.")
        return (None, device)

    def authenticate_header(self, request: Request) -> str:
        return SCHEME


class DeviceAuthenticationScheme(OpenApiAuthenticationExtension):
    """Describes ``Authorization: Device <secret>`` in the OpenAPI schema."""

    target_class = DeviceAuthentication
    name = "deviceSecret"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "'Device <device_secret>', as returned once by POST /api/v1/devices/.",
        }
