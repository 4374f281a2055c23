"""POST /api/v1/devices/ and GET/PATCH/DELETE /api/v1/devices/{id}/ (API.md "Devices, alerts, events")."""

import hashlib
import json
import secrets
import threading
import time as clock
from datetime import time, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from notifications.models import Alert, Delivery, DeliveryState, Device
from tests.factories import SectionFactory, edition
from tests.notifications.factories import AlertFactory, DeviceFactory, device_secret
from tests.notifications.problems import assert_problem
from tests.notifications.throttling import set_rates

pytestmark = pytest.mark.django_db

URL = "/api/v1/devices/"
TOKEN = "fcm-token-0001-" + "a" * 40


def payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "token": TOKEN,
        "platform": "android",
        "app_version": "2.4.1",
        "language": "en",
        "timezone": "Asia/Baghdad",
        "sections": ["world"],
        "breaking": True,
        "quiet_hours": {"start": "23:00", "end": "07:00"},
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not ...}


def register(api, ip: str = "198.51.100.1", **overrides: Any):
    return api.post(URL, payload(**overrides), format="json", REMOTE_ADDR=ip)


def detail_url(device: Device | int) -> str:
    return f"{URL}{device if isinstance(device, int) else device.pk}/"


def auth(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Device {secret}"}


def db_snapshot() -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """Every device row and every section follow, to prove a refused request changed nothing."""
    devices = list(Device.objects.order_by("pk").values())
    follows = list(Device.sections.through.objects.order_by("pk").values_list("device_id", "section_id"))
    return devices, follows


def assert_no_secret_material(response, device: Device) -> None:
    text = response.content.decode()
    assert device.secret_hash not in text
    assert device.token not in text
    assert "secret_hash" not in text
    assert "token" not in response.json()


@pytest.fixture
def sport():
    return SectionFactory(slug="sport", names={"en": "Sport"})


# --- Register ----------------------------------------------------------------------------------


def test_register_creates_a_device_and_returns_its_secret_once(api, sport):
    response = register(api, sections=["world", "sport"])

    assert response.status_code == 201, response.content
    body = response.json()
    device = Device.objects.get()
    assert body["id"] == device.pk
    assert body["language"] == "en"
    assert sorted(body["sections"]) == ["sport", "world"]
    assert body["quiet_hours"] == {"start": "23:00", "end": "07:00"}
    assert (body["platform"], body["app_version"], body["timezone"], body["breaking"]) == (
        "android",
        "2.4.1",
        "Asia/Baghdad",
        True,
    )
    secret = body["device_secret"]
    assert len(secret) >= 32
    assert device.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps(list(Device.objects.values()), default=str)
    assert device.token == TOKEN
    assert device.edition == edition("en")
    assert (device.quiet_start, device.quiet_end) == (time(23, 0), time(7, 0))
    assert set(device.sections.values_list("slug", flat=True)) == {"world", "sport"}
    assert device.registered_ip == "198.51.100.1"
    assert response["Cache-Control"] == "no-store"
    assert_no_secret_material(response, device)


def test_register_fills_defaults_for_optional_fields(api):
    response = register(api, app_version=..., timezone=..., sections=..., breaking=..., quiet_hours=...)

    assert response.status_code == 201, response.content
    device = Device.objects.get()
    assert (device.timezone, device.breaking, device.quiet_start, device.app_version) == ("UTC", True, None, "")
    assert response.json()["sections"] == []
    assert response.json()["quiet_hours"] is None


def test_same_token_again_refreshes_the_same_row_with_a_new_secret(api, sport):
    first = register(api).json()
    Device.objects.update(refreshed_at=timezone.now() - timedelta(days=5))

    response = register(api, language="ckb", sections=["sport"], app_version="2.5", quiet_hours=None, breaking=False)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == first["id"]
    assert body["device_secret"] != first["device_secret"]
    device = Device.objects.get()
    assert device.edition == edition("ckb")
    assert list(device.sections.values_list("slug", flat=True)) == ["sport"]
    assert (device.app_version, device.breaking, device.quiet_start, device.quiet_end) == ("2.5", False, None, None)
    assert device.refreshed_at > timezone.now() - timedelta(minutes=1)
    assert device.secret_hash == hashlib.sha256(body["device_secret"].encode()).hexdigest()
    # The old secret no longer opens the device; the new one does.
    assert api.get(detail_url(device), **auth(first["device_secret"])).status_code == 404
    assert api.get(detail_url(device), **auth(body["device_secret"])).status_code == 200


@pytest.mark.parametrize(
    "fields",
    [
        {"is_stale": True},
        {"is_active": False, "deactivated_reason": "fcm-token-invalid"},
    ],
)
def test_reregistering_reactivates_a_stale_or_deactivated_device(api, fields):
    device = DeviceFactory(token=TOKEN, **fields)

    response = register(api)

    assert response.status_code == 200, response.content
    device.refresh_from_db()
    assert (device.is_active, device.is_stale, device.deactivated_reason) == (True, False, "")
    assert Device.objects.count() == 1


def test_the_longest_accepted_token_can_be_stored_and_found_again(api):
    token = secrets.token_urlsafe(1536)
    assert len(token) == 2048

    assert register(api, token=token).status_code == 201
    assert register(api, token=token).status_code == 200
    assert Device.objects.get().token == token


def test_registering_a_second_token_creates_a_second_device(api):
    first = register(api).json()
    second = register(api, token="fcm-token-0002-" + "b" * 40).json()

    assert first["id"] != second["id"]
    assert Device.objects.count() == 2


# Random, so PostgreSQL cannot compress it below its index entry limit.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_registration_racing_another_for_the_same_token_refreshes_that_device(api):
    """Two requests with one token at once (an app retrying): one row, and the later request's fields win.

    The other registration inserts the token and holds its transaction open until this
    request is blocked on that row; then it commits, and this request must refresh the row.
    """
    if connection.vendor != "postgresql":
        pytest.skip("needs a second connection waiting on a row lock (PostgreSQL)")
    inserted, release = threading.Event(), threading.Event()

    def other_registration() -> None:
        try:
            with transaction.atomic():
                DeviceFactory(token=TOKEN, platform="ios", edition=edition("ar"), app_version="1.0")
                inserted.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    def commit_once_blocked() -> None:
        try:
            for _ in range(3000):
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock'"
                    )
                    if cursor.fetchone()[0]:
                        break
                clock.sleep(0.01)
        finally:
            release.set()
            connection.close()

    other = threading.Thread(target=other_registration)
    other.start()
    assert inserted.wait(timeout=60)
    releaser = threading.Thread(target=commit_once_blocked)
    releaser.start()

    response = register(api, language="en", quiet_hours={"start": "22:00", "end": "06:00"}, app_version="2.0")

    other.join()
    releaser.join()
    assert response.status_code == 200, response.content
    device = Device.objects.get()
    assert response.json()["id"] == device.pk
    assert (device.platform, device.app_version, device.edition.code) == ("android", "2.0", "en")
    assert (device.quiet_start, device.quiet_end) == (time(22, 0), time(6, 0))
    assert list(device.sections.values_list("slug", flat=True)) == ["world"]
    assert api.get(detail_url(device), **auth(response.json()["device_secret"])).status_code == 200


LONG_TOKEN = secrets.token_urlsafe(3072)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"token": ...}, "token"),
        ({"token": "short"}, "token"),
        ({"token": "fcm token with spaces " + "a" * 30}, "token"),
        ({"token": LONG_TOKEN}, "token"),
        ({"token": "fcm-token-\x00-" + "a" * 30}, "token"),
        ({"platform": "windows"}, "platform"),
        ({"platform": ...}, "platform"),
        ({"language": "xx"}, "language"),
        ({"language": ...}, "language"),
        ({"language": "e\x00n"}, "language"),
        ({"language": {"code": "en"}}, "language"),
        ({"language": ["en"]}, "language"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"sections": "world"}, "sections"),
        ({"sections": [{"slug": "world"}]}, "sections"),
        ({"sections": ["world", "s\x00"]}, "sections"),
        ({"sections": [f"s{n}" for n in range(51)]}, "sections"),
        ({"quiet_hours": "23:00-07:00"}, "quiet_hours"),
        ({"quiet_hours": {"start": "25:00", "end": "07:00"}}, "quiet_hours.start"),
        ({"quiet_hours": {"start": "23:00", "end": "23:00"}}, "quiet_hours"),
        ({"quiet_hours": {"start": "23:00"}}, "quiet_hours.end"),
        ({"quiet_hours": {"start": "11pm", "end": "07:00"}}, "quiet_hours.start"),
        ({"breaking": "maybe"}, "breaking"),
        ({"app_version": "abc"}, "app_version"),
        ({"app_version": "1." + "1" * 40}, "app_version"),
    ],
)
def test_bad_field_is_a_400_naming_it_and_changes_nothing(api, overrides, field):
    DeviceFactory()
    before = db_snapshot()

    response = register(api, **overrides)

    body = assert_problem(response, 400)
    assert any(key == field or key.startswith(f"{field}.") for key in body["errors"]), body
    assert db_snapshot() == before


def test_unknown_section_is_named_in_the_message(api, sport):
    response = register(api, sections=["world", "atlantis", "sport", "lemuria"])

    body = assert_problem(response, 400)
    message = " ".join(body["errors"]["sections"])
    assert "atlantis" in message
    assert "lemuria" in message
    assert "sport" not in message
    assert not Device.objects.exists()


def test_refresh_with_a_bad_field_leaves_the_device_as_it_was(api):
    register(api)
    before = db_snapshot()

    response = register(api, language="xx", sections=[])

    assert_problem(response, 400)
    assert db_snapshot() == before


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("[]", "application/json", 400),
        ('"token"', "application/json", 400),
        ("token=abc", "text/plain", 415),
        ("token=abc", "application/x-www-form-urlencoded", 415),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(api, data, content_type, status):
    response = api.post(URL, data=data, content_type=content_type)

    assert_problem(response, status)
    assert not Device.objects.exists()


def test_huge_body_is_a_413(api, settings):
    body = json.dumps(payload(app_version="1" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)))

    response = api.post(URL, data=body, content_type="application/json")

    assert_problem(response, 413)
    assert not Device.objects.exists()


def test_register_query_count_does_not_grow_with_sections_followed(api, django_assert_num_queries):
    slugs = [SectionFactory(slug=f"topic-{n}").slug for n in range(6)]

    # The response lists the tags and authors followed too: a query each. The editions are read once, then
    # kept by the process (newsapi.selectors.editions_known).
    with django_assert_num_queries(14):
        assert register(api, sections=slugs[:1]).status_code == 201
    with django_assert_num_queries(13):
        assert register(api, token="fcm-token-0002-" + "b" * 40, sections=slugs).status_code == 201
    # A refresh finds the token and skips the per-address count.
    with django_assert_num_queries(12):
        assert register(api, sections=slugs).status_code == 200


# --- Flood protection --------------------------------------------------------------------------


def test_registration_throttle_answers_429_with_retry_after(api, settings, monkeypatch):
    set_rates(settings, monkeypatch, registration="2/min")
    assert register(api, token="fcm-token-0001-" + "a" * 40).status_code == 201
    assert register(api, token="fcm-token-0002-" + "a" * 40).status_code == 201

    response = register(api, token="fcm-token-0003-" + "a" * 40)

    assert_problem(response, 429)
    assert int(response["Retry-After"]) >= 1
    assert Device.objects.count() == 2
    # The limit is per client address.
    assert register(api, ip="198.51.100.2", token="fcm-token-0003-" + "a" * 40).status_code == 201


def test_write_throttle_covers_patch_and_delete(api, settings, monkeypatch):
    set_rates(settings, monkeypatch, write="1/min")
    device = DeviceFactory()

    assert (
        api.patch(detail_url(device), {"breaking": False}, format="json", **auth(device_secret(device))).status_code
        == 200
    )
    response = api.delete(detail_url(device), **auth(device_secret(device)))

    assert_problem(response, 429)
    assert Device.objects.filter(pk=device.pk).exists()


def test_each_device_behind_one_carrier_address_has_its_own_write_budget(api, settings, monkeypatch):
    set_rates(settings, monkeypatch, device_write="2/min")
    mine, neighbours = DeviceFactory(), DeviceFactory()
    nat = {"REMOTE_ADDR": "100.64.0.1"}

    for breaking in (False, True):
        response = api.patch(
            detail_url(mine), {"breaking": breaking}, format="json", **nat, **auth(device_secret(mine))
        )
        assert response.status_code == 200
    refused = api.patch(detail_url(mine), {"breaking": False}, format="json", **nat, **auth(device_secret(mine)))

    assert_problem(refused, 429)
    mine.refresh_from_db()
    assert mine.breaking is True  # the refused change changed nothing
    # A neighbour behind the same address is not held back by it.
    response = api.patch(
        detail_url(neighbours), {"breaking": False}, format="json", **nat, **auth(device_secret(neighbours))
    )
    assert response.status_code == 200


def test_requests_for_someone_elses_device_from_elsewhere_do_not_spend_its_budget(api, settings, monkeypatch):
    set_rates(settings, monkeypatch, device_write="2/min")
    device = DeviceFactory()
    for _ in range(3):
        api.patch(detail_url(device), {"breaking": False}, format="json", REMOTE_ADDR="203.0.113.66", **auth("x" * 43))

    response = api.patch(
        detail_url(device),
        {"breaking": False},
        format="json",
        REMOTE_ADDR="198.51.100.1",
        **auth(device_secret(device)),
    )

    assert response.status_code == 200


def test_new_devices_per_ip_per_day_are_capped_but_refreshes_and_other_ips_still_work(api, settings):
    settings.DEVICE_REGISTRATIONS_PER_IP_PER_DAY = 3
    tokens = [f"fcm-token-{n:04d}-" + "f" * 40 for n in range(5)]
    for token in tokens[:3]:
        assert register(api, ip="203.0.113.7", token=token).status_code == 201

    flooded = register(api, ip="203.0.113.7", token=tokens[3])

    assert_problem(flooded, 429)
    assert flooded["Retry-After"]
    assert not Device.objects.filter(token=tokens[3]).exists()
    assert Device.objects.count() == 3
    refresh = register(api, ip="203.0.113.7", token=tokens[0], language="ar")
    assert refresh.status_code == 200, refresh.content
    assert Device.objects.get(token=tokens[0]).edition == edition("ar")
    assert register(api, ip="203.0.113.8", token=tokens[4]).status_code == 201
    assert Device.objects.count() == 4


def test_registrations_older_than_a_day_do_not_count_towards_the_cap(api, settings):
    settings.DEVICE_REGISTRATIONS_PER_IP_PER_DAY = 1
    assert register(api, ip="203.0.113.7").status_code == 201
    Device.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))

    assert register(api, ip="203.0.113.7", token="fcm-token-0002-" + "b" * 40).status_code == 201


# --- Read, update, delete with the device secret ------------------------------------------------


def test_get_with_the_secret_returns_the_device(api, sport):
    device = DeviceFactory(sections=[sport], quiet_start=time(22, 30), quiet_end=time(6, 0))

    response = api.get(detail_url(device), **auth(device_secret(device)))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == device.pk
    assert body["sections"] == ["sport"]
    assert body["quiet_hours"] == {"start": "22:30", "end": "06:00"}
    assert body["language"] == "en"
    assert "device_secret" not in body
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert_no_secret_material(response, device)


def test_get_query_count_does_not_grow_with_sections_followed(api, django_assert_num_queries):
    few = DeviceFactory(sections=[SectionFactory(slug="one")])
    many = DeviceFactory(sections=[SectionFactory(slug=f"topic-{n}") for n in range(8)])

    for device in (few, many):
        with django_assert_num_queries(4):  # the device, its sections, tags and authors
            assert api.get(detail_url(device), **auth(device_secret(device))).status_code == 200


def test_patch_changes_only_the_fields_sent(api, sport):
    device = DeviceFactory(sections=[sport], quiet_start=time(23, 0), quiet_end=time(7, 0), app_version="1.0")
    Device.objects.filter(pk=device.pk).update(refreshed_at=timezone.now() - timedelta(days=3))

    response = api.patch(
        detail_url(device),
        {"sections": ["world"], "quiet_hours": None, "language": "ckb"},
        format="json",
        **auth(device_secret(device)),
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["sections"], body["quiet_hours"], body["language"]) == (["world"], None, "ckb")
    fresh = Device.objects.get(pk=device.pk)
    assert (fresh.quiet_start, fresh.quiet_end, fresh.edition) == (None, None, edition("ckb"))
    assert list(fresh.sections.values_list("slug", flat=True)) == ["world"]
    assert (fresh.token, fresh.platform, fresh.app_version, fresh.timezone, fresh.breaking) == (
        device.token,
        "android",
        "1.0",
        "Asia/Baghdad",
        True,
    )
    assert fresh.secret_hash == device.secret_hash
    assert fresh.refreshed_at > timezone.now() - timedelta(minutes=1)
    assert_no_secret_material(response, fresh)


def test_patch_sets_quiet_hours_and_keeps_sections_when_not_sent(api, sport):
    device = DeviceFactory(sections=[sport])

    response = api.patch(
        detail_url(device),
        {"quiet_hours": {"start": "22:00", "end": "06:30"}},
        format="json",
        **auth(device_secret(device)),
    )

    assert response.status_code == 200, response.content
    assert response.json()["sections"] == ["sport"]
    fresh = Device.objects.get(pk=device.pk)
    assert (fresh.quiet_start, fresh.quiet_end) == (time(22, 0), time(6, 30))


def test_patch_can_change_the_token(api):
    device = DeviceFactory()
    new_token = "fcm-token-rotated-" + "c" * 40

    response = api.patch(detail_url(device), {"token": new_token}, format="json", **auth(device_secret(device)))

    assert response.status_code == 200, response.content
    assert Device.objects.get(pk=device.pk).token == new_token
    assert new_token not in response.content.decode()


def test_patch_to_a_token_another_device_has_is_a_400_and_changes_nothing(api):
    device, other = DeviceFactory(), DeviceFactory()
    before = db_snapshot()

    response = api.patch(detail_url(device), {"token": other.token}, format="json", **auth(device_secret(device)))

    body = assert_problem(response, 400)
    assert "token" in body["errors"]
    assert other.token not in response.content.decode()
    assert db_snapshot() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"platform": "windows"}, "platform"),
        ({"language": "xx"}, "language"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"sections": ["world", "atlantis"]}, "sections"),
        ({"quiet_hours": {"start": "25:00", "end": "07:00"}}, "quiet_hours.start"),
        ({"quiet_hours": {"start": "07:00", "end": "07:00"}}, "quiet_hours"),
        ({"quiet_hours": {"end": "07:00"}}, "quiet_hours.start"),
        ({"breaking": "maybe"}, "breaking"),
        ({"token": "short"}, "token"),
        ({"token": None}, "token"),
        ({"app_version": "abc"}, "app_version"),
    ],
)
def test_patch_with_a_bad_field_is_a_400_and_changes_nothing(api, data, field):
    device = DeviceFactory(sections=[SectionFactory(slug="sport")])
    before = db_snapshot()

    response = api.patch(detail_url(device), data, format="json", **auth(device_secret(device)))

    body = assert_problem(response, 400)
    assert any(key == field or key.startswith(f"{field}.") for key in body["errors"]), body
    assert db_snapshot() == before


def test_patch_that_is_not_json_is_refused_and_changes_nothing(api):
    device = DeviceFactory()
    before = db_snapshot()

    assert_problem(
        api.patch(detail_url(device), "{", content_type="application/json", **auth(device_secret(device))), 400
    )
    assert_problem(api.patch(detail_url(device), "a=b", content_type="text/plain", **auth(device_secret(device))), 415)
    assert db_snapshot() == before


def test_patch_query_count_does_not_grow_with_sections_followed(api, django_assert_num_queries):
    slugs = [SectionFactory(slug=f"topic-{n}").slug for n in range(6)]
    device = DeviceFactory(sections=[])
    secret = device_secret(device)

    with django_assert_num_queries(14):
        response = api.patch(detail_url(device), {"sections": slugs[:1]}, format="json", **auth(secret))
        assert response.status_code == 200
    with django_assert_num_queries(14):
        response = api.patch(detail_url(device), {"sections": slugs}, format="json", **auth(secret))
        assert response.status_code == 200
    assert len(response.json()["sections"]) == 6


def test_delete_removes_the_device_and_its_deliveries(api):
    device, other = DeviceFactory(), DeviceFactory()
    alert = AlertFactory()
    Delivery.objects.create(alert=alert, device=device, state=DeliveryState.ACCEPTED)
    Delivery.objects.create(alert=alert, device=other, state=DeliveryState.ACCEPTED)

    response = api.delete(detail_url(device), **auth(device_secret(device)))

    assert response.status_code == 204
    assert not response.content
    assert not Device.objects.filter(pk=device.pk).exists()
    assert list(Delivery.objects.values_list("device_id", flat=True)) == [other.pk]
    assert Alert.objects.filter(pk=alert.pk).exists()
    assert api.get(detail_url(device), **auth(device_secret(device))).status_code == 404


# --- Who may see a device -----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_no_authorization_header_is_a_401_with_www_authenticate(api, method):
    device = DeviceFactory()
    before = db_snapshot()

    response = getattr(api, method)(detail_url(device), {"breaking": False}, format="json")

    body = assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Device")
    assert set(body) <= {"type", "title", "status", "detail", "code"}
    assert db_snapshot() == before


@pytest.mark.parametrize("header", ["Bearer abc", "Basic dXNlcjpwYXNz", "Device", "Device   ", "device-secret"])
def test_wrong_scheme_is_a_401(api, header):
    device = DeviceFactory()

    response = api.get(detail_url(device), HTTP_AUTHORIZATION=header)

    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Device")


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_another_devices_secret_is_a_404_and_reveals_nothing(api, method, sport):
    victim = DeviceFactory(sections=[sport], app_version="9.9.9", timezone="Europe/Istanbul")
    attacker = DeviceFactory()
    before = db_snapshot()

    response = getattr(api, method)(
        detail_url(victim), {"breaking": False}, format="json", **auth(device_secret(attacker))
    )

    body = assert_problem(response, 404)
    text = json.dumps(body)
    for leak in ("9.9.9", "Europe/Istanbul", "sport", str(victim.token), str(victim.secret_hash)):
        assert leak not in text
    assert db_snapshot() == before


@pytest.mark.parametrize("secret", ["wrong", "x" * 43, "secret-" + "a" * 60])
def test_a_wrong_secret_is_a_404(api, secret):
    device = DeviceFactory()

    assert_problem(api.get(detail_url(device), **auth(secret)), 404)


def test_a_wrong_secret_and_an_unknown_id_are_indistinguishable(api):
    device = DeviceFactory()
    wrong = api.get(detail_url(device), **auth("wrong"))
    unknown = api.get(detail_url(device.pk + 1000), **auth(device_secret(device)))

    assert_problem(unknown, 404)
    assert wrong.json() == unknown.json()


@pytest.mark.parametrize("pk", [999_999, 2**63, 10**30])
def test_an_unknown_id_is_a_404(api, pk):
    device = DeviceFactory()

    assert_problem(api.get(detail_url(pk), **auth(device_secret(device))), 404)
    assert_problem(api.delete(detail_url(pk), **auth(device_secret(device))), 404)
    assert Device.objects.filter(pk=device.pk).exists()


def test_the_hash_of_the_secret_is_not_a_secret(api):
    """Knowing the stored hash (a database leak) does not open the device."""
    device = DeviceFactory()

    assert_problem(api.get(detail_url(device), **auth(device.secret_hash)), 404)
