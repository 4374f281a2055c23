"""GET /api/v1/app-config/: store link, version rules, editions and feature flags for the apps."""

import pytest

from newsapi.models import AppRelease

pytestmark = pytest.mark.django_db

PLAY_URL = "https://play.google.com/store/apps/details?id=news.example.app"


@pytest.fixture(autouse=True)
def _release_settings(settings):
    settings.APP_STORE_URLS = {"android": PLAY_URL, "ios": "https://apps.apple.com/app/example/id123"}
    settings.APP_LATEST_VERSION = {"android": "2.4.0", "ios": "2.3.1"}
    settings.APP_MIN_SUPPORTED_VERSION = {"android": "2.0.0", "ios": "2.1.0"}


def app_config(api, **query):
    response = api.get("/api/v1/app-config/", query)
    assert response.status_code == 200, response.content
    return response.json()


def test_defaults_come_from_settings(api):
    body = app_config(api, platform="android")

    assert body["platform"] == "android"
    assert body["store_url"] == PLAY_URL
    assert body["latest_version"] == "2.4.0"
    assert body["min_supported_version"] == "2.0.0"
    assert body["feature_flags"] == {}


def test_each_platform_gets_its_own_settings(api):
    body = app_config(api, platform="ios")

    assert body["store_url"] == "https://apps.apple.com/app/example/id123"
    assert (body["latest_version"], body["min_supported_version"]) == ("2.3.1", "2.1.0")


def test_app_release_row_overrides_settings(api):
    AppRelease.objects.create(
        platform="android",
        store_url="https://play.google.com/store/apps/details?id=news.other",
        latest_version="3.1.0",
        min_supported_version="3.0.0",
        feature_flags={"live_blogs": True},
    )

    android = app_config(api, platform="android", version="2.9.9")
    ios = app_config(api, platform="ios", version="2.9.9")

    assert android["store_url"] == "https://play.google.com/store/apps/details?id=news.other"
    assert (android["latest_version"], android["min_supported_version"]) == ("3.1.0", "3.0.0")
    assert android["feature_flags"] == {"live_blogs": True}
    assert android["update_required"] is True
    assert ios["latest_version"] == "2.3.1"
    assert ios["update_required"] is False


@pytest.mark.parametrize(
    ("version", "update_required", "update_available"),
    [
        ("1.9.0", True, True),
        ("1.10.0", False, True),
        ("1.10", False, True),
        ("1.10.0.0", False, True),
        ("1.11.3", False, True),
        ("1.20.0", False, False),
        ("1.20", False, False),
        ("2.0.0", False, False),
        ("1", True, True),
    ],
)
def test_versions_compare_numerically(api, settings, version, update_required, update_available):
    settings.APP_MIN_SUPPORTED_VERSION = {"android": "1.10.0", "ios": "1.10.0"}
    settings.APP_LATEST_VERSION = {"android": "1.20.0", "ios": "1.20.0"}

    body = app_config(api, platform="android", version=version)

    assert (body["update_required"], body["update_available"]) == (update_required, update_available)


def test_without_version_nothing_is_required(api):
    body = app_config(api, platform="ios")

    assert (body["update_required"], body["update_available"]) == (False, False)


@pytest.mark.parametrize("query", [{}, {"platform": ""}, {"platform": "windows"}, {"platform": "ANDROID"}])
def test_missing_or_unknown_platform_is_400(api, query):
    response = api.get("/api/v1/app-config/", query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["platform"]


@pytest.mark.parametrize(
    "version", ["", "v1.2.3", "1.x", "1..2", "1.2.3.4.5", ".1", "1.", "1.2-beta", "123456.0", "1,2", "-1.0"]
)
def test_malformed_version_is_400(api, version):
    response = api.get("/api/v1/app-config/", {"platform": "android", "version": version})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["version"]


def test_editions_are_listed_in_display_order(api):
    body = app_config(api, platform="android")

    assert [item["code"] for item in body["editions"]] == ["en", "ckb", "ar", "kmr", "fa", "tr"]
    assert body["editions"][1] == {"code": "ckb", "name": "کوردی", "dir": "rtl", "is_default": False}
    assert [item["code"] for item in body["editions"] if item["is_default"]] == ["en"]
