"""The OpenAPI schema describes what the device, alert inbox and events endpoints really take and return."""

import json
import re
from datetime import timedelta
from typing import Any
from zoneinfo import available_timezones

import pytest
from django.test import RequestFactory
from django.utils import timezone
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest

from newsapi.models import Edition, Section
from notifications.api.serializers import TIME_ZONE_PATTERN
from notifications.models import Alert, AlertState, Delivery, DeliveryState
from tests.conftest import validate_against_schema
from tests.factories import SectionFactory, published_article
from tests.notifications.factories import AlertFactory, DeviceFactory, device_secret
from tests.notifications.throttling import set_rates

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "token": "fcm-token-openapi-" + "a" * 40,
    "platform": "ios",
    "app_version": "3.1",
    "language": "en",
    "timezone": "Asia/Baghdad",
    "sections": ["world", "sport"],
    "breaking": False,
    "quiet_hours": {"start": "23:00", "end": "07:00"},
}


@pytest.fixture
def sport():
    return SectionFactory(slug="sport", names={"en": "Sport"})


@pytest.fixture
def content():
    """A sport section, a device following it, and alerts in the inbox with and without an article."""
    SectionFactory(slug="sport", names={"en": "Sport"})
    article = published_article(send_alert=False)
    with_article = AlertFactory(article=article)
    standalone = AlertFactory()
    Alert.objects.filter(pk__in=[with_article.pk, standalone.pk]).update(
        state=AlertState.SENT, started_at=timezone.now() - timedelta(minutes=5)
    )
    return {"article": article, "alert": with_article}


def check(openapi: OpenAPI, response, status: int, request=None) -> dict[str, Any] | None:
    """``request`` stands in for a request whose body cannot be read again (one refused as too large)."""
    assert response.status_code == status, response.content
    validate_against_schema(openapi, response, request)
    return response.json() if response.content else None


def test_the_notification_paths_are_in_the_schema(spec):
    paths = spec["paths"]

    assert set(paths["/api/v1/devices/"]) == {"post"}
    assert set(paths["/api/v1/devices/{id}/"]) == {"get", "patch", "delete"}
    assert set(paths["/api/v1/alerts/"]) == {"get"}
    assert set(paths["/api/v1/events/"]) == {"post"}


def test_device_detail_and_events_declare_the_device_secret(spec):
    assert spec["components"]["securitySchemes"]["deviceSecret"]["name"] == "Authorization"
    for method in ("get", "patch", "delete"):
        assert {"deviceSecret": []} in spec["paths"]["/api/v1/devices/{id}/"][method]["security"], method
    assert {"deviceSecret": []} in spec["paths"]["/api/v1/events/"]["post"]["security"]


def test_every_device_response_matches_the_schema(api, openapi, content):
    registered = check(openapi, api.post("/api/v1/devices/", REGISTRATION, format="json"), 201)
    assert registered is not None
    refreshed = check(openapi, api.post("/api/v1/devices/", {**REGISTRATION, "quiet_hours": None}, format="json"), 200)
    assert refreshed is not None
    url = f"/api/v1/devices/{refreshed['id']}/"
    secret = {"HTTP_AUTHORIZATION": f"Device {refreshed['device_secret']}"}
    other = DeviceFactory()

    check(openapi, api.post("/api/v1/devices/", {**REGISTRATION, "platform": "windows"}, format="json"), 400)
    check(openapi, api.post("/api/v1/devices/", "{", content_type="application/json"), 400)
    check(openapi, api.post("/api/v1/devices/", "x", content_type="text/plain"), 415)
    check(openapi, api.get(url, **secret), 200)
    check(openapi, api.get(url), 401)
    check(openapi, api.get(url, HTTP_AUTHORIZATION="Bearer x"), 401)
    check(openapi, api.get(url, HTTP_AUTHORIZATION=f"Device {device_secret(other)}"), 404)
    patched = check(
        openapi, api.patch(url, {"quiet_hours": {"start": "22:00", "end": "06:00"}}, format="json", **secret), 200
    )
    assert patched is not None
    assert patched["quiet_hours"] == {"start": "22:00", "end": "06:00"}
    check(openapi, api.patch(url, {"sections": ["atlantis"]}, format="json", **secret), 400)
    check(openapi, api.patch(url, {"token": other.token}, format="json", **secret), 400)
    check(openapi, api.patch(url, "x", content_type="text/plain", **secret), 415)
    check(openapi, api.delete(url, **secret), 204)
    check(openapi, api.delete(url, **secret), 404)


def test_inbox_responses_match_the_schema(api, openapi, content):
    page = check(openapi, api.get("/api/v1/alerts/", {"lang": "en", "page_size": 1}), 200)
    assert page is not None
    assert page["next"]
    second = check(openapi, api.get(page["next"]), 200)
    assert second is not None
    assert {page["results"][0]["article_id"], second["results"][0]["article_id"]} == {content["article"].pk, None}
    check(openapi, api.get("/api/v1/alerts/", {"lang": "ckb"}), 200)
    check(openapi, api.get("/api/v1/alerts/", {"lang": "xx"}), 400)
    check(openapi, api.get("/api/v1/alerts/", {"cursor": "bad"}), 400)


def test_events_responses_match_the_schema(api, openapi, content):
    device = DeviceFactory()
    Delivery.objects.create(alert=content["alert"], device=device, state=DeliveryState.ACCEPTED)
    secret = {"HTTP_AUTHORIZATION": f"Device {device_secret(device)}"}
    events = [
        {"type": "view", "article": content["article"].pk, "at": "2025-05-09T15:38:00Z"},
        {"type": "alert_open", "alert": content["alert"].pk},
    ]

    check(openapi, api.post("/api/v1/events/", events, format="json", **secret), 202)
    check(openapi, api.post("/api/v1/events/", events, format="json"), 401)
    check(openapi, api.post("/api/v1/events/", events, format="json", HTTP_AUTHORIZATION="Device nope"), 401)
    check(openapi, api.post("/api/v1/events/", [], format="json"), 400)
    check(openapi, api.post("/api/v1/events/", [{"type": "click"}], format="json"), 400)
    check(openapi, api.post("/api/v1/events/", "x", content_type="text/plain"), 415)
    big = json.dumps([{"type": "view", "article": 1, "pad": "x" * 4000}] * 100)
    stand_in = RequestFactory().post("/api/v1/events/", "[]", content_type="application/json")
    check(openapi, api.post("/api/v1/events/", big, content_type="application/json"), 413, stand_in)


def test_throttled_writes_match_the_schema(api, openapi, settings, monkeypatch, content):
    set_rates(settings, monkeypatch, events_address="1/min", registration="1/min")
    api.post("/api/v1/events/", [{"type": "view", "article": 1}], format="json")
    api.post("/api/v1/devices/", REGISTRATION, format="json")

    check(openapi, api.post("/api/v1/events/", [{"type": "view", "article": 1}], format="json"), 429)
    check(openapi, api.post("/api/v1/devices/", REGISTRATION, format="json"), 429)


def test_registrations_capped_per_address_match_the_schema(api, openapi, settings, content):
    settings.DEVICE_REGISTRATIONS_PER_IP_PER_DAY = 0

    check(openapi, api.post("/api/v1/devices/", REGISTRATION, format="json"), 429)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/devices/", REGISTRATION),
        ("post", "/api/v1/devices/", {"token": REGISTRATION["token"], "platform": "android", "language": "ar"}),
        ("patch", "/api/v1/devices/1/", {"quiet_hours": {"start": "22:00", "end": "06:30"}, "sections": []}),
        ("patch", "/api/v1/devices/1/", {"quiet_hours": None, "app_version": ""}),
        (
            "post",
            "/api/v1/events/",
            [
                {"type": "view", "article": 1, "at": "2025-05-09T15:38:00Z"},
                {"type": "share", "article": 2},
                {"type": "alert_open", "alert": 3, "at": "2025-05-09T18:38:00+03:00"},
            ],
        ),
    ],
)
def test_the_request_bodies_the_api_accepts_are_valid_by_the_schema(sport, openapi, method, path, body):
    """An app generated from the schema can send what the endpoints accept.

    ``sport`` comes first: the schema's section enum is the sections in the database when it is served.
    """
    request = getattr(RequestFactory(), method)(
        path, data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION="Device s"
    )

    openapi.validate_request(DjangoOpenAPIRequest(request))


def test_request_validation_catches_a_body_the_api_refuses(openapi):
    """The check above is not vacuous: quiet hours with seconds and an offset are refused by both."""
    from openapi_core.validation.request.exceptions import InvalidRequestBody

    body = {**REGISTRATION, "quiet_hours": {"start": "23:00:00Z", "end": "07:00"}}
    request = RequestFactory().post("/api/v1/devices/", json.dumps(body), content_type="application/json")

    with pytest.raises(InvalidRequestBody):
        openapi.validate_request(DjangoOpenAPIRequest(request))


# --- The schema says exactly what the device and events endpoints accept -----------------------------


def request_schema(spec: dict, name: str) -> dict:
    return spec["components"]["schemas"][name]


def resolve(spec: dict, schema: dict) -> dict:
    """``schema`` itself, or the component it refers to (directly or through an allOf of one)."""
    if "allOf" in schema and len(schema["allOf"]) == 1:
        schema = schema["allOf"][0]
    if "$ref" in schema:
        return request_schema(spec, schema["$ref"].rsplit("/", 1)[-1])
    return schema


def test_device_language_and_sections_are_the_enums_in_the_database(api, spec):
    codes = list(Edition.objects.values_list("code", flat=True))
    slugs = list(Section.objects.values_list("slug", flat=True))
    for name in ("DeviceInputRequest", "PatchedDeviceInputRequest"):
        properties = request_schema(spec, name)["properties"]
        assert resolve(spec, properties["language"])["enum"] == codes, name
        assert resolve(spec, properties["sections"]["items"])["enum"] == slugs, name
        assert properties["sections"]["maxItems"] == 50, name

    SectionFactory(slug="culture", position=50)
    regenerated = api.get("/api/schema/", {"format": "json"}).json()
    items = request_schema(regenerated, "DeviceInputRequest")["properties"]["sections"]["items"]
    assert resolve(regenerated, items)["enum"] == [*slugs, "culture"]


def test_device_responses_name_language_and_sections_without_an_enum(spec):
    properties = request_schema(spec, "Device")["properties"]

    assert "enum" not in properties["language"]
    assert "enum" not in properties["sections"]["items"]


def test_device_input_patterns_and_described_rules(spec):
    properties = request_schema(spec, "DeviceInputRequest")["properties"]

    assert properties["token"]["pattern"] == "^[A-Za-z0-9_:.-]+$"
    assert (properties["token"]["minLength"], properties["token"]["maxLength"]) == (20, 2048)
    assert "another device" in properties["token"]["description"]
    assert properties["timezone"]["pattern"] == TIME_ZONE_PATTERN
    assert "400" in properties["timezone"]["description"]
    assert resolve(spec, properties["platform"])["enum"] == ["android", "ios"]
    assert "start and end must differ" in request_schema(spec, "QuietHoursRequest")["description"]


def test_every_known_time_zone_has_the_schemas_shape():
    pattern = re.compile(TIME_ZONE_PATTERN)

    assert all(pattern.fullmatch(name) for name in available_timezones())


def test_events_body_is_one_to_a_hundred_events_of_three_kinds(spec):
    body = spec["paths"]["/api/v1/events/"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert body["required"] is True
    assert (schema["type"], schema["minItems"], schema["maxItems"]) == ("array", 1, 100)

    event = resolve(spec, schema["items"])
    assert event["discriminator"]["propertyName"] == "type"
    required = {
        kind: set(request_schema(spec, ref.rsplit("/", 1)[-1])["required"])
        for kind, ref in event["discriminator"]["mapping"].items()
    }
    assert required == {"view": {"type", "article"}, "share": {"type", "article"}, "alert_open": {"type", "alert"}}


def test_idempotency_key_header_has_its_pattern(spec):
    (header,) = [
        each for each in spec["paths"]["/api/v1/events/"]["post"]["parameters"] if each["name"] == "Idempotency-Key"
    ]

    assert header["in"] == "header"
    assert header["schema"]["pattern"] == "^[A-Za-z0-9_-]{8,128}$"


INVALID_BODIES = [
    ("post", "/api/v1/devices/", {**REGISTRATION, "platform": "windows"}),
    ("post", "/api/v1/devices/", {**REGISTRATION, "language": "xx"}),
    ("post", "/api/v1/devices/", {**REGISTRATION, "language": ""}),
    ("post", "/api/v1/devices/", {**REGISTRATION, "sections": ["atlantis"]}),
    ("post", "/api/v1/devices/", {**REGISTRATION, "breaking": 0}),  # a JSON boolean, not 0/1 or "yes"
    ("post", "/api/v1/devices/", {**REGISTRATION, "breaking": "true"}),
    ("post", "/api/v1/devices/", {**REGISTRATION, "app_version": 2}),  # a string, not a number
    ("post", "/api/v1/devices/", {**REGISTRATION, "timezone": "Asia Baghdad"}),
    ("post", "/api/v1/events/", []),
    ("post", "/api/v1/events/", [{"type": "view"}]),
    ("post", "/api/v1/events/", [{"type": "view", "article": "5"}]),  # a JSON number, not a numeric string
    ("post", "/api/v1/events/", [{"type": "alert_open", "article": 5}]),
    ("post", "/api/v1/events/", [{"type": "view", "article": 5, "at": "2025-05-09"}]),
]


@pytest.mark.parametrize(("method", "path", "body"), INVALID_BODIES)
def test_the_schema_and_the_api_refuse_the_same_bodies(content, api, openapi, method, path, body):
    """Both refuse: the schema (what app code generators read) and the server (a 400).

    ``content`` (the sport section REGISTRATION follows) comes before the schema is fetched.
    """
    from openapi_core.validation.request.exceptions import InvalidRequestBody

    device = DeviceFactory()
    url = path if method == "post" else f"{path}{device.pk}/"
    request = getattr(RequestFactory(), method)(
        url, data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION="Device s"
    )
    with pytest.raises(InvalidRequestBody):
        openapi.validate_request(DjangoOpenAPIRequest(request))

    response = getattr(api, method)(url, body, format="json", HTTP_AUTHORIZATION=f"Device {device_secret(device)}")

    assert response.status_code == 400, response.content


def test_patterns_match_whole_values(api, content):
    """JSON Schema's ``$`` is ECMA-262's, the end of the value; Python's also matches before a final newline."""
    response = api.post("/api/v1/devices/", {**REGISTRATION, "token": f"{REGISTRATION['token']}\n"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["token"]


@pytest.mark.parametrize(
    "body",
    [
        {**REGISTRATION, "timezone": "Mars/Olympus"},  # the shape of a zone name, not one the tz database has
        {**REGISTRATION, "quiet_hours": {"start": "23:00", "end": "23:00"}},
    ],
)
def test_the_rules_the_schema_states_in_words(content, api, openapi, body):
    """Valid by the schema's keywords, refused by the server as the descriptions say."""
    request = RequestFactory().post("/api/v1/devices/", data=json.dumps(body), content_type="application/json")
    openapi.validate_request(DjangoOpenAPIRequest(request))

    assert api.post("/api/v1/devices/", body, format="json").status_code == 400
