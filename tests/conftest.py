import json

import pytest
from django.core.cache import cache
from openapi_core import Config, OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Each test starts with an empty cache (throttle counters, cached reads)."""
    cache.clear()
    yield
    cache.clear()


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
