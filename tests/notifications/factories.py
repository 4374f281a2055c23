"""Factories for devices and alerts. Devices get a real-looking FCM token and a stored secret hash."""

import factory
from django.utils import timezone as dj_timezone

from notifications.device_secrets import secret_hash
from notifications.models import Alert, Device
from tests.factories import edition


class DeviceFactory(factory.django.DjangoModelFactory[Device]):
    class Meta:
        model = Device
        skip_postgeneration_save = True

    token = factory.Sequence(lambda n: f"fcm-token-{n:08d}-aaaaaaaaaaaaaaaaaaaaaaaa")
    platform = "android"
    app_version = "1.0.0"
    edition = factory.LazyFunction(edition)
    timezone = "Asia/Baghdad"
    breaking = True
    secret_hash = factory.LazyAttribute(lambda o: secret_hash(f"secret-{o.token}"))
    refreshed_at = factory.LazyFunction(dj_timezone.now)

    @factory.post_generation
    def sections(self, create, extracted, **kwargs):
        if create and extracted:
            self.sections.set(extracted)


def device_secret(device: Device) -> str:
    """The secret DeviceFactory stored the hash of."""
    return f"secret-{device.token}"


class AlertFactory(factory.django.DjangoModelFactory[Alert]):
    class Meta:
        model = Alert
        skip_postgeneration_save = True

    edition = factory.LazyFunction(edition)
    title = factory.Sequence(lambda n: f"Alert {n}")
    body = "Something happened; open the app to read more."
