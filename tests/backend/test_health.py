"""/healthz (the process is up) and /readyz (its database, Redis broker and Redis cache answer)."""

import socket

import pytest

pytestmark = pytest.mark.django_db

BROKER_URL = "redis://127.0.0.1:6379/14"
CACHE_URL = "redis://127.0.0.1:6379/15"


def closed_port() -> int:
    """A local port nothing listens on: bound once, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_answers_ok(api):
    response = api.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_touches_no_database(api, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert api.get("/healthz").status_code == 200


def test_readyz_reports_database_broker_and_cache_ok(api, settings):
    settings.CELERY_BROKER_URL, settings.CACHE_URL = BROKER_URL, CACHE_URL

    response = api.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok", "cache": "ok"}}
    assert response["Cache-Control"] == "no-store"


def test_readyz_without_redis_configured_checks_only_the_database(api, settings):
    settings.CELERY_BROKER_URL, settings.CACHE_URL = "memory://", ""

    response = api.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok"}


@pytest.mark.parametrize("failing", ["broker", "cache"])
def test_readyz_is_503_naming_the_redis_that_is_unreachable(api, settings, failing):
    dead = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CELERY_BROKER_URL = dead if failing == "broker" else BROKER_URL
    settings.CACHE_URL = dead if failing == "cache" else CACHE_URL

    response = api.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"][failing].startswith("error")
    other = {"broker": "cache", "cache": "broker"}[failing]
    assert body["checks"][other] == "ok"
    assert response["Cache-Control"] == "no-store"


def test_health_endpoints_are_not_redirected_to_https(api, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert api.get("/healthz").status_code == 200
    assert api.get("/readyz").status_code in (200, 503)
    assert api.get("/api/v1/editions/").status_code == 301
