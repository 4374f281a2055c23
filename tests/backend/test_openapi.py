"""The OpenAPI schema at /api/schema/ is valid and describes what every endpoint really returns."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from openapi_spec_validator import validate as validate_spec

from newsapi.models import AppRelease, Article, ImageRendition
from newsapi.services import article_unpublish, article_views_record
from tests.conftest import validate_against_schema
from tests.factories import (
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    TagFactory,
    edition,
    png_bytes,
    published_article,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(settings):
    """Articles exercising every optional part of the payloads: images, tags, authors, translations, tombstones."""
    settings.SYNC_SETTLE_SECONDS = 0
    image = ImageFactory()
    ImageRendition.objects.create(
        image=image, width=320, height=213, format="webp", file=ContentFile(png_bytes(320, 213), name="hero-320.webp")
    )
    tag = TagFactory(slug="flood", name="Flood")
    author = AuthorFactory()
    sport = SectionFactory(slug="sport", names={"en": "Sport", "ckb": "وەرزش"})
    lead = published_article(title="Flood warning", image=image, tags=[tag], authors=[author], is_breaking=True)
    published_article(title="Flood again", tags=[tag])
    published_article(title="Cup final", section=sport)
    published_article(
        edition=edition("ckb"),
        title="ئاگاداری لافاو",
        slug="lafaw",
        section=sport,
        translation_group=lead.translation_group,
    )
    article_views_record(views=[(lead.pk, timezone.now())] * 3)
    withdrawn = published_article(title="Withdrawn")
    article_unpublish(article=withdrawn, by=None, reason="legal")
    Article.objects.update(updated_at=timezone.now() - timedelta(minutes=1))
    return lead


def test_schema_is_valid_openapi_3(spec):
    validate_spec(spec)

    assert spec["openapi"].startswith("3.")


def test_schema_describes_every_endpoint(spec):
    assert set(spec["paths"]) == {
        "/api/v1/editions/",
        "/api/v1/sections/",
        "/api/v1/articles/",
        "/api/v1/articles/{id}/",
        "/api/v1/home/",
        "/api/v1/search/",
        "/api/v1/most-read/",
        "/api/v1/tags/{slug}/",
        "/api/v1/sync/",
        "/api/v1/app-config/",
        "/api/v1/devices/",
        "/api/v1/devices/{id}/",
        "/api/v1/alerts/",
        "/api/v1/events/",
    }


def test_problem_responses_are_declared_as_problem_json(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert "429" in operation["responses"], (path, method)
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    assert list(response["content"]) == ["application/problem+json"], (path, method, status)


def test_docs_ui_is_served(api):
    response = api.get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"/api/schema/" in response.content


def _paths(content):
    return [
        ("/api/v1/editions/", {}, 200),
        ("/api/v1/sections/", {"lang": "ckb"}, 200),
        ("/api/v1/sections/", {"lang": "xx"}, 400),
        ("/api/v1/articles/", {"lang": "en", "page_size": 2}, 200),
        ("/api/v1/articles/", {"page_size": 0}, 400),
        (f"/api/v1/articles/{content.pk}/", {}, 200),
        ("/api/v1/articles/999999/", {}, 404),
        ("/api/v1/home/", {"lang": "en"}, 200),
        ("/api/v1/home/", {"lang": "ckb"}, 200),
        ("/api/v1/home/", {"lang": "xx"}, 400),
        ("/api/v1/most-read/", {"lang": "en", "window": "7d"}, 200),
        ("/api/v1/most-read/", {"lang": "ckb", "section": "sport", "page_size": 1}, 200),
        ("/api/v1/most-read/", {"window": "2h"}, 400),
        ("/api/v1/search/", {"q": "flood", "page_size": 1}, 200),
        ("/api/v1/search/", {"q": "zeppelin"}, 200),
        ("/api/v1/search/", {}, 400),
        ("/api/v1/tags/flood/", {"page_size": 1}, 200),
        ("/api/v1/tags/nothing/", {}, 404),
        ("/api/v1/tags/flood/", {"cursor": "bad"}, 400),
        ("/api/v1/sync/", {}, 200),
        ("/api/v1/sync/", {"page_size": 1}, 200),
        ("/api/v1/sync/", {"lang": "ar"}, 200),
        ("/api/v1/sync/", {"cursor": "bad"}, 400),
        ("/api/v1/app-config/", {"platform": "ios", "version": "1.0"}, 200),
        ("/api/v1/app-config/", {"platform": "windows"}, 400),
    ]


def test_every_response_matches_the_schema(api, openapi, content):
    AppRelease.objects.create(
        platform="android",
        store_url="https://play.google.com/store/apps/details?id=news.example",
        latest_version="2.0.0",
        min_supported_version="1.5",
        feature_flags={"live_blogs": True, "poll_seconds": 30, "beta": {"nested": [1, "a"]}},
    )
    cases = [*_paths(content), ("/api/v1/app-config/", {"platform": "android", "version": "1.2"}, 200)]
    for path, query, status in cases:
        response = api.get(path, query)
        assert response.status_code == status, (path, query, response.content)
        validate_against_schema(openapi, response)
    assert api.get("/api/v1/most-read/").json()["results"][0]["view_count"] == 3


def test_sync_items_match_exactly_one_variant(api, openapi, content):
    response = api.get("/api/v1/sync/")
    kinds = {item["deleted"] for item in response.json()["results"]}

    assert kinds == {True, False}
    validate_against_schema(openapi, response)


def test_throttled_response_matches_the_schema(api, openapi, monkeypatch):
    from backend.api.throttles import ReadThrottle

    monkeypatch.setattr(ReadThrottle, "THROTTLE_RATES", {**ReadThrottle.THROTTLE_RATES, "read": "1/min"})
    api.get("/api/v1/editions/")

    response = api.get("/api/v1/editions/")

    assert response.status_code == 429
    validate_against_schema(openapi, response)


def test_schema_validation_catches_a_wrong_response(api, openapi, content):
    """The check above is not vacuous: a response that breaks the schema is refused."""
    from openapi_core.validation.response.exceptions import InvalidData

    response = api.get("/api/v1/editions/")
    response.content = b'[{"code": 1}]'

    with pytest.raises(InvalidData):
        validate_against_schema(openapi, response)
