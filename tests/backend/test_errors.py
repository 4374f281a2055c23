"""Every failure is an RFC 9457 problem+json answer, DRF's and Django's own included; bad input is never a 500."""

import base64
import json

import pytest
from django.test import override_settings

from backend.api.throttles import ReadThrottle
from tests.backend.body_urls import BOOM_PATH, ECHO_PATH
from tests.factories import TagFactory, published_article

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"

GET_ENDPOINTS = [
    "/api/v1/editions/",
    "/api/v1/sections/",
    "/api/v1/articles/",
    "/api/v1/home/",
    "/api/v1/search/?q=flood",
    "/api/v1/sync/",
    "/api/v1/app-config/?platform=android",
]

use_body_urls = override_settings(ROOT_URLCONF="tests.backend.body_urls")


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.mark.parametrize(
    "path",
    ["/api/nothing", "/api/v1/nothing/", "/api/v2/articles/", "/api/v1/articles/abc/", "/api/v1/articles/1/x/"],
)
def test_unknown_api_path_is_a_404_problem(api, path):
    body = assert_problem(api.get(path), 404)

    assert body["title"] == "Not Found"


@pytest.mark.parametrize("path", ["/api/nothing", "/api/v1/nothing/", "/api/v1/articles/abc/"])
def test_unknown_api_path_is_a_404_problem_in_debug_mode_too(api, settings, path):
    settings.DEBUG = True  # make run: Django would answer its HTML debug page

    body = assert_problem(api.get(path), 404)

    assert body["title"] == "Not Found"


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_a_bug_in_an_api_view_is_a_500_problem_in_every_mode(settings, debug):
    from rest_framework.test import APIClient

    settings.DEBUG = debug
    client = APIClient(raise_request_exception=False)

    with use_body_urls:
        body = assert_problem(client.get(BOOM_PATH), 500)

    assert "a bug in a view" not in json.dumps(body)  # details go to the log, not to the client


def test_a_missing_trailing_slash_still_redirects(api):
    response = api.get("/api/v1/editions")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/editions/"


def test_drf_not_found_is_a_404_problem(api):
    assert_problem(api.get("/api/v1/tags/no-such-tag/"), 404)


def test_unknown_page_outside_the_api_is_not_a_problem(api):
    response = api.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", GET_ENDPOINTS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_to_a_read_endpoint_is_a_405_problem(api, path, method):
    response = getattr(api, method)(path, {"x": 1}, format="json")

    assert_problem(response, 405)
    assert "GET" in response["Allow"]


@use_body_urls
def test_json_body_is_accepted_by_the_test_view(api):
    response = api.post(ECHO_PATH, {"hello": "world"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"received": {"hello": "world"}}


@use_body_urls
@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "multipart/form-data; boundary=x"])
def test_unsupported_body_type_is_a_415_problem(api, content_type):
    response = api.post(ECHO_PATH, data=b"hello", content_type=content_type)

    body = assert_problem(response, 415)
    assert body["code"] == "unsupported_media_type"


@use_body_urls
def test_malformed_json_is_a_400_problem(api):
    response = api.post(ECHO_PATH, data=b'{"hello": ', content_type="application/json")

    assert_problem(response, 400)


@use_body_urls
def test_body_above_the_upload_limit_is_a_413_problem(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    payload = json.dumps({"text": "x" * 990})
    assert len(payload) > 1000

    body = assert_problem(api.post(ECHO_PATH, data=payload, content_type="application/json"), 413)

    assert "1000" in body["detail"]


@use_body_urls
def test_body_at_the_upload_limit_is_read(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    payload = json.dumps({"text": "x" * (1000 - len('{"text": ""}'))})
    assert len(payload) == 1000

    response = api.post(ECHO_PATH, data=payload, content_type="application/json")

    assert response.status_code == 200


def test_large_body_to_a_real_endpoint_is_a_413_problem(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    assert_problem(api.post("/api/v1/editions/", data="x" * 101, content_type="application/json"), 413)


@use_body_urls
def test_garbage_content_length_is_a_400_problem(api):
    response = api.post(ECHO_PATH, data=b"{}", content_type="application/json", CONTENT_LENGTH="lots")

    assert_problem(response, 400)


@pytest.fixture
def low_read_rate(monkeypatch):
    """DRF reads the rates into the throttle class at import; patch them there."""
    monkeypatch.setattr(ReadThrottle, "THROTTLE_RATES", {**ReadThrottle.THROTTLE_RATES, "read": "3/min"})


def test_exceeding_the_read_throttle_is_a_429_problem_with_retry_after(api, low_read_rate):
    for _ in range(3):
        assert api.get("/api/v1/editions/", REMOTE_ADDR="192.0.2.9").status_code == 200

    response = api.get("/api/v1/editions/", REMOTE_ADDR="192.0.2.9")

    body = assert_problem(response, 429)
    assert body["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_throttle_counts_each_client_address_apart(api, low_read_rate):
    for _ in range(4):
        api.get("/api/v1/editions/", REMOTE_ADDR="192.0.2.1")

    assert api.get("/api/v1/editions/", REMOTE_ADDR="192.0.2.2").status_code == 200
    assert api.get("/api/v1/editions/", REMOTE_ADDR="192.0.2.1").status_code == 429


# --- never a 500 for bad input ---------------------------------------------------------------


def _cursor(name: str, values: list[object], direction: str = "n") -> str:
    raw = json.dumps({"k": name, "v": values, "d": direction}, allow_nan=True)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


WEIRD_VALUES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "'",
    '"',
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "x" * 3000,
    "🙂",
    "ك",
    "-1",
    "0",
    "1e309",
    "NaN",
    "-inf",
    "9" * 40,
    "true",
    "[]",
    "{}",
    "null",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "2024-02-30T00:00:00Z",
    "2024-01-01",
    "%",
    "&&&",
]

CURSOR_VALUES: list[list[object]] = [
    ["9999-12-31T23:59:59-14:00", 1],
    ["0001-01-01T00:00:00+14:00", 1],
    ["2024-01-01T00:00:00+00:00", 10**30],
    ["2024-01-01T00:00:00+00:00", -(10**30)],
    [1e308, 1],
    [float("nan"), 1],
    [float("inf"), 2**63],
    ["\u0000", 1],
    [None, None],
    [[], {}],
    [1],
    [],
]
CRAFTED_CURSORS = [
    _cursor(name, values, direction)
    for name in ("feed", "search", "sync")
    for values in CURSOR_VALUES
    for direction in ("n", "p")
] + [
    base64.urlsafe_b64encode(b"\xff\xfe\x00").decode(),
    base64.urlsafe_b64encode(b"[1, 2]").decode(),
    base64.urlsafe_b64encode(b'"just a string"').decode(),
    "A" * 600,
    "====",
]

PARAMS_BY_ENDPOINT = {
    "/api/v1/editions/": ["lang"],
    "/api/v1/sections/": ["lang"],
    "/api/v1/articles/": [
        "lang", "section", "tag", "breaking", "published_after", "published_before", "page_size", "cursor",
    ],
    "/api/v1/home/": ["lang"],
    "/api/v1/search/?q=flood": ["q", "lang", "section", "page_size", "cursor"],
    "/api/v1/tags/flood/": ["lang", "page_size", "cursor"],
    "/api/v1/sync/": ["lang", "page_size", "cursor"],
    "/api/v1/app-config/?platform=android": ["platform", "version"],
}  # fmt: skip


@pytest.fixture
def content(monkeypatch):
    monkeypatch.setattr(ReadThrottle, "THROTTLE_RATES", {**ReadThrottle.THROTTLE_RATES, "read": "100000/min"})
    tag = TagFactory(slug="flood", name="Flood")
    article = published_article(title="Flood warning", tags=[tag])
    published_article(title="Flood again", tags=[tag])
    return article


def _check_no_server_error(api, path: str, query: dict | str) -> list[str]:
    api.raise_request_exception = False  # collect every 500 instead of stopping at the first
    response = api.get(path, query) if isinstance(query, dict) else api.get(f"{path}?{query}")
    if response.status_code >= 500:
        return [f"{path} {query!r} -> {response.status_code}"]
    if response.status_code >= 400 and response["Content-Type"] != PROBLEM:
        return [f"{path} {query!r} -> {response.status_code} as {response['Content-Type']}"]
    return []


@pytest.mark.parametrize("endpoint", list(PARAMS_BY_ENDPOINT))
def test_weird_query_values_never_cause_a_server_error(api, content, endpoint):
    path, _, fixed = endpoint.partition("?")
    base = dict(item.split("=") for item in fixed.split("&")) if fixed else {}
    failures: list[str] = []
    for param in PARAMS_BY_ENDPOINT[endpoint]:
        values = WEIRD_VALUES + (CRAFTED_CURSORS if param == "cursor" else [])
        for value in values:
            failures += _check_no_server_error(api, path, {**base, param: value})
    assert failures == []


@pytest.mark.parametrize("endpoint", list(PARAMS_BY_ENDPOINT))
def test_malformed_query_strings_never_cause_a_server_error(api, content, endpoint):
    path, _, fixed = endpoint.partition("?")
    prefix = f"{fixed}&" if fixed else ""
    raw_queries = [
        "%ff%fe%00=%ff",
        "lang=%ff%fe",
        "lang=en&lang=ar&lang=xx",
        "q=%00&lang=%00&section=%00&cursor=%00&page_size=%00",
        "=&=&=",
        "&&&&",
        "lang",
        "cursor=%",
        "page_size=1&page_size=1000",
        "%E2%80%AE=1",
        "a" * 4000 + "=1",
    ]
    failures: list[str] = []
    for raw in raw_queries:
        failures += _check_no_server_error(api, path, prefix + raw)
    assert failures == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/articles/99999999999999999999999999/",
        "/api/v1/articles/9223372036854775808/",
        "/api/v1/articles/0/",
        "/api/v1/articles/-1/",
        "/api/v1/tags/%00/",
        "/api/v1/tags/a%00b/",
        "/api/v1/tags/" + "x" * 500 + "/",
        "/api/v1/tags/%F0%9F%99%82/",
        "/api/v1/tags/%ff/",
        "/api/v1/tags/..%2F..%2Fetc/",
        "/api/%00/",
    ],
)
def test_weird_paths_never_cause_a_server_error(api, content, path):
    response = api.get(path)

    assert response.status_code < 500
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize("endpoint", [*GET_ENDPOINTS, "/api/v1/tags/flood/"])
@pytest.mark.parametrize("method", ["head", "options"])
def test_head_and_options_never_cause_a_server_error(api, content, endpoint, method):
    response = getattr(api, method)(endpoint)

    assert response.status_code < 500
