"""Token hygiene (Celery beat): stale after 60 days without a refresh, deleted after 270."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from notifications import selectors, tasks
from notifications.devices import devices_hygiene
from notifications.models import Alert, AlertTarget, Delivery, DeliveryState, Device
from tests.factories import SectionFactory
from tests.notifications.factories import AlertFactory, DeviceFactory, device_secret

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def refreshed(days: float, **fields) -> Device:
    device = DeviceFactory(**fields)
    Device.objects.filter(pk=device.pk).update(refreshed_at=NOW - timedelta(days=days))
    return device


def state(device: Device) -> tuple[bool, bool] | None:
    """(is_stale, is_active), or None when the device is gone."""
    return Device.objects.filter(pk=device.pk).values_list("is_stale", "is_active").first()


def test_devices_not_refreshed_for_60_days_become_stale(settings):
    assert settings.DEVICE_STALE_AFTER_DAYS == 60
    fresh = refreshed(0)
    almost = refreshed(60 - 1 / 24)
    stale = refreshed(60 + 1 / 24)
    old = refreshed(200)

    result = devices_hygiene(now=NOW)

    assert result == {"stale": 2, "deleted": 0}
    assert [state(fresh), state(almost), state(stale), state(old)] == [
        (False, True),
        (False, True),
        (True, True),
        (True, True),
    ]


def test_devices_not_refreshed_for_270_days_are_deleted_with_their_deliveries(settings):
    assert settings.DEVICE_DELETE_AFTER_DAYS == 270
    alert = AlertFactory()
    kept = refreshed(269)
    gone = refreshed(271)
    gone_stale = refreshed(400, is_stale=True)
    for device in (kept, gone, gone_stale):
        Delivery.objects.create(alert=alert, device=device, state=DeliveryState.ACCEPTED)

    result = devices_hygiene(now=NOW)

    assert result == {"stale": 2, "deleted": 2}
    assert list(Device.objects.values_list("pk", flat=True)) == [kept.pk]
    assert list(Delivery.objects.values_list("device_id", flat=True)) == [kept.pk]
    assert Alert.objects.filter(pk=alert.pk).exists()


def test_hygiene_leaves_fresh_devices_untouched():
    device = refreshed(1)
    before = Device.objects.filter(pk=device.pk).values().get()

    assert devices_hygiene(now=NOW) == {"stale": 0, "deleted": 0}

    assert Device.objects.filter(pk=device.pk).values().get() == before


def test_hygiene_is_idempotent():
    refreshed(61)
    refreshed(300)
    refreshed(2)
    assert devices_hygiene(now=NOW) == {"stale": 2, "deleted": 1}
    after_first = list(Device.objects.order_by("pk").values())

    assert devices_hygiene(now=NOW) == {"stale": 0, "deleted": 0}

    assert list(Device.objects.order_by("pk").values()) == after_first


def test_hygiene_deletes_more_than_one_chunk_of_expired_devices():
    edition_id = DeviceFactory().edition_id
    long_ago = NOW - timedelta(days=300)
    Device.objects.bulk_create(
        Device(
            token=f"expired-{n:05d}-aaaaaaaaaaaaaaaa",
            platform="ios",
            edition_id=edition_id,
            secret_hash=f"{n:064d}",
            refreshed_at=long_ago,
        )
        for n in range(1203)
    )

    assert devices_hygiene(now=NOW)["deleted"] == 1203

    assert Device.objects.count() == 1


@pytest.mark.parametrize("target", [AlertTarget.BREAKING, AlertTarget.SECTIONS])
def test_stale_devices_are_not_in_an_alerts_audience(target):
    sport = SectionFactory(slug="sport")
    fresh = refreshed(1, sections=[sport])
    stale = refreshed(61, sections=[sport])
    alert = AlertFactory(target=target)
    alert.sections.set([sport])
    assert set(selectors.alert_audience(alert=alert)) == {fresh, stale}

    devices_hygiene(now=NOW)

    assert list(selectors.alert_audience(alert=alert)) == [fresh]


def test_re_registering_a_stale_device_makes_it_targeted_again(api):
    device = refreshed(61)
    devices_hygiene(now=NOW)
    assert state(device) == (True, True)

    response = api.post(
        "/api/v1/devices/",
        {"token": device.token, "platform": "android", "language": "en"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["id"] == device.pk
    assert state(device) == (False, True)
    assert Device.objects.get(pk=device.pk).refreshed_at > NOW
    assert list(selectors.alert_audience(alert=AlertFactory())) == [device]
    assert devices_hygiene() == {"stale": 0, "deleted": 0}


def test_updating_a_stale_device_makes_it_targeted_again(api):
    device = refreshed(61)
    devices_hygiene(now=NOW)

    response = api.patch(
        f"/api/v1/devices/{device.pk}/",
        {"breaking": True},
        format="json",
        HTTP_AUTHORIZATION=f"Device {device_secret(device)}",
    )

    assert response.status_code == 200, response.content
    assert state(device) == (False, True)


def test_the_beat_schedule_runs_the_hygiene_task():
    from config.celery import app

    name = tasks.devices_hygiene.name
    assert name == "notifications.devices_hygiene"
    scheduled = [entry for entry in django_settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == name]
    assert len(scheduled) == 1
    # Often enough that a token is never targeted for long past its 60 days.
    assert 0 < float(scheduled[0]["schedule"]) <= 24 * 3600
    assert name in app.tasks


def test_the_hygiene_task_runs_the_service():
    gone = refreshed(300)
    stale = refreshed(61)

    result = tasks.devices_hygiene.apply().get()

    # The expired device is marked stale on its way out, so it counts in both.
    assert result == {"stale": 2, "deleted": 1}
    assert state(gone) is None
    assert state(stale) == (True, True)
