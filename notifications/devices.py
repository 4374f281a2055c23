"""Device writes: registration (idempotent on the FCM token), updates, removal and token hygiene."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.app_check import app_check_verify
from notifications.device_secrets import secret_new
from notifications.models import Device

# What a device follows (many-to-many): replaced when given, kept when left out.
FOLLOWS = ("sections", "tags", "authors")


class RegistrationLimitReached(Exception):
    """This client IP registered too many new devices today."""


class TokenTaken(Exception):
    """Another device already has this token."""


@dataclass
class Registration:
    device: Device
    secret: str
    created: bool


def _apply(device: Device, fields: dict[str, Any]) -> None:
    fields = dict(fields)  # the caller's dict is reused when a racing registration forces a retry
    quiet = fields.pop("quiet_hours", ...)
    if quiet is not ...:
        device.quiet_start = quiet["start"] if quiet else None
        device.quiet_end = quiet["end"] if quiet else None
    if "language" in fields:
        device.edition = fields.pop("language")
    for name in ("token", "platform", "app_version", "timezone", "breaking"):
        if name in fields:
            setattr(device, name, fields[name])


def _follow(device: Device, follows: dict[str, Any], *, edition_was: int | None) -> None:
    """Set the follows given; a device that changed edition stops following the other edition's tags."""
    for name, chosen in follows.items():
        getattr(device, name).set(chosen)
    if "tags" not in follows and edition_was is not None and edition_was != device.edition_id:
        Device.tags.through.objects.filter(device=device).exclude(tag__edition_id=device.edition_id).delete()


def device_register(
    *, data: dict[str, Any], ip: str | None, app_check_token: str | None = None, now: datetime | None = None
) -> Registration:
    """Register a token, or refresh the device that already has it (same row, new secret).

    A refresh reactivates a device that was marked stale or whose token FCM had
    rejected: the app just proved the token is current.

    With ``APP_CHECK_REQUIRED`` on, ``app_check_token`` (the request's ``X-Firebase-AppCheck``) must be
    valid, for a new device and a refresh alike: ``AppCheckFailed`` (or ``AppCheckUnavailable``)
    otherwise, and nothing is written. It is verified before the transaction opens, since it may
    fetch App Check's keys over the network. A new device from an address that registered
    ``DEVICE_REGISTRATIONS_PER_IP_PER_DAY`` new devices in the last 24 hours is refused
    (``RegistrationLimitReached``); a refresh never counts.
    """
    app_check_verify(app_check_token)
    return _register(data=data, ip=ip, now=now or timezone.now())


@transaction.atomic
def _register(*, data: dict[str, Any], ip: str | None, now: datetime) -> Registration:
    data = dict(data)
    follows = {name: data.pop(name) for name in FOLLOWS if name in data}
    device = Device.objects.select_for_update().filter(token=data["token"]).first()
    created = device is None
    edition_was = None if device is None else device.edition_id
    if device is None:
        if ip and _registered_today(ip, now) >= settings.DEVICE_REGISTRATIONS_PER_IP_PER_DAY:
            raise RegistrationLimitReached
        device = Device(registered_ip=ip)
    _apply(device, data)
    secret, device.secret_hash = secret_new()
    device.refreshed_at = now
    device.is_active, device.is_stale, device.deactivated_reason = True, False, ""
    try:
        with transaction.atomic():
            device.save()
    except IntegrityError:
        # A concurrent registration of the same token won the insert: refresh that row instead.
        if not created:
            raise
        return _register(data={**data, **follows}, ip=ip, now=now)
    _follow(device, follows, edition_was=edition_was)
    return Registration(device=device, secret=secret, created=created)


def _registered_today(ip: str, now: datetime) -> int:
    """New devices from ``ip`` in the 24 hours before ``now``, counted up to the limit only.

    One index range (``device_registrations``), stopped at the limit: with a limit in the thousands,
    the busiest address costs the same as one that is at the limit, never more.
    """
    limit = settings.DEVICE_REGISTRATIONS_PER_IP_PER_DAY
    recent = Device.objects.filter(registered_ip=ip, created_at__gte=now - timedelta(days=1)).order_by()
    return recent.values("pk")[:limit].count()


@transaction.atomic
def device_update(*, device: Device, data: dict[str, Any]) -> Device:
    data = dict(data)
    follows = {name: data.pop(name) for name in FOLLOWS if name in data}
    edition_was = device.edition_id
    token = data.get("token")
    if token and token != device.token and Device.objects.filter(token=token).exclude(pk=device.pk).exists():
        raise TokenTaken
    _apply(device, data)
    device.refreshed_at = timezone.now()
    device.is_active, device.is_stale, device.deactivated_reason = True, False, ""
    device.save()
    _follow(device, follows, edition_was=edition_was)
    return device


def device_delete(*, device: Device) -> None:
    device.delete()


def devices_hygiene(*, now: datetime | None = None) -> dict[str, int]:
    """Stop targeting tokens not refreshed for 60 days; delete those older than 270 (FCM's own expiry)."""
    now = now or timezone.now()
    stale = Device.objects.filter(
        is_stale=False, refreshed_at__lt=now - timedelta(days=settings.DEVICE_STALE_AFTER_DAYS)
    ).update(is_stale=True, updated_at=now)
    expired = Device.objects.filter(refreshed_at__lt=now - timedelta(days=settings.DEVICE_DELETE_AFTER_DAYS))
    deleted = 0
    while ids := list(expired.values_list("pk", flat=True)[:1000]):
        _, per_model = Device.objects.filter(pk__in=ids).delete()
        deleted += per_model.get(Device._meta.label, 0)
    return {"stale": stale, "deleted": deleted}
