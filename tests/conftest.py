import json
import os

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test.utils import override_settings
from openapi_core import Config, OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from rest_framework.test import APIClient

from backend import fragments
from config.celery import app as celery_app
from devtools.fcm_emulator import EmulatorServer
from notifications.gateway import FCMGateway

# pytest-xdist runs the suite in several processes against one Redis: each keeps its cache
# entries under its own key prefix and its Celery tasks on its own queue, so no worker sees,
# or clears, another's. (PostgreSQL is split by pytest-django: a test database per worker.)
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def pytest_configure(config):
    if XDIST_WORKER:
        celery_app.conf.task_default_queue = f"celery-test-{XDIST_WORKER}"
        # The parallel passes inspect what a test enqueued in this process's one queue (``broker_queue``);
        # the routing itself is tested on its own (tests/backend/test_queues.py) and by the e2e pass, whose
        # workers consume every routed queue.
        celery_app.conf.task_routes = ()


@pytest.fixture(scope="session", autouse=True)
def _cache_per_worker():
    caches = {name: dict(options) for name, options in django_settings.CACHES.items()}
    for options in caches.values():
        options["KEY_PREFIX"] = f"{options.get('KEY_PREFIX', '')}-test-{XDIST_WORKER or 'main'}"
    with override_settings(CACHES=caches):
        yield


def clear_cache() -> None:
    """Empty this test process's cache: its own keys only, never the whole Redis database; and forget what
    the process remembers of it (backend.fragments)."""
    fragments.forget()
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(None, write=True)
        keys = list(client.scan_iter(match=f"{backend.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        backend.clear()


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Each test starts with an empty cache (throttle counters, cached reads)."""
    clear_cache()
    yield
    clear_cache()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def spec(api) -> dict:
    """The served OpenAPI document."""
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def openapi(spec) -> OpenAPI:
    # problem+json is JSON; openapi-core only knows a few +json types by name.
    config = Config(extra_media_type_deserializers={"application/problem+json": json.loads})
    return OpenAPI.from_dict(spec, config=config)


def validate_against_schema(openapi: OpenAPI, response, request=None) -> None:
    """Fail unless ``response`` is what the schema says ``request`` (default: the response's own) gets."""
    request = request if request is not None else response.wsgi_request
    openapi.validate_response(DjangoOpenAPIRequest(request), DjangoOpenAPIResponse(response))


@pytest.fixture(scope="session")
def fcm_emulator_server():
    """One loopback FCM emulator per test session (per xdist worker), on a background thread and a free port."""
    with EmulatorServer() as server:
        yield server


@pytest.fixture
def fcm_emulator(fcm_emulator_server):
    """The session's emulator, back to its start-up configuration with nothing recorded."""
    fcm_emulator_server.client.reset()
    return fcm_emulator_server


@pytest.fixture
def fcm_settings(settings, fcm_emulator):
    """Settings that send to the emulator (no Google credentials involved)."""
    settings.FCM_ENDPOINT = fcm_emulator.url
    settings.FCM_PROJECT_ID = "newsline-test"
    settings.FCM_CREDENTIALS = ""
    return settings


@pytest.fixture
def gateway(fcm_settings) -> FCMGateway:
    return FCMGateway.default()


@pytest.fixture
def broker_queue():
    """This process's Celery queue (Redis, or the in-memory broker in the embedded mode), emptied.

    Eager execution is turned off so that tasks are only published, in both modes; the test
    reads what was published.
    """
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with celery_app.connection_for_write() as connection:
            queue = connection.SimpleQueue(celery_app.conf.task_default_queue, no_ack=True)
            queue.clear()
            yield queue
            queue.clear()
            queue.close()
    finally:
        celery_app.conf.task_always_eager = eager
