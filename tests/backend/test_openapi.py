"""The OpenAPI schema at /api/schema/ is valid and describes what every endpoint really returns."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from openapi_spec_validator import validate as validate_spec

from newsapi.models import AppRelease, Article, Edition, ImageRendition, Section
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
        "/api/v1/search/suggest/",
        "/api/v1/most-read/",
        "/api/v1/tags/{slug}/",
        "/api/v1/sync/",
        "/api/v1/app-config/",
        "/api/v1/devices/",
        "/api/v1/devices/{id}/",
        "/api/v1/devices/{id}/alerts/",
        "/api/v1/devices/{id}/alerts/{alert_id}/read/",
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
        ("/api/v1/search/suggest/", {"q": "flo"}, 200),
        ("/api/v1/search/suggest/", {"q": "!!"}, 200),
        ("/api/v1/search/suggest/", {"q": "f"}, 400),
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


# --- The schema says exactly what the server accepts -------------------------------------------------

LANG_OPERATIONS = [
    "/api/v1/sections/",
    "/api/v1/articles/",
    "/api/v1/home/",
    "/api/v1/search/",
    "/api/v1/search/suggest/",
    "/api/v1/most-read/",
    "/api/v1/tags/{slug}/",
    "/api/v1/sync/",
    "/api/v1/alerts/",
]
PAGINATED_OPERATIONS = [
    "/api/v1/articles/",
    "/api/v1/search/",
    "/api/v1/tags/{slug}/",
    "/api/v1/sync/",
    "/api/v1/alerts/",
]


def parameter(spec: dict, path: str, name: str, method: str = "get") -> dict:
    found = [each for each in spec["paths"][path][method].get("parameters", []) if each["name"] == name]
    assert len(found) == 1, (path, name)
    return found[0]


def schema_component(spec: dict, name: str) -> dict:
    return spec["components"]["schemas"][name]


def test_lang_is_the_enum_of_the_editions_in_the_database(api, spec):
    codes = list(Edition.objects.values_list("code", flat=True))
    assert codes  # the migrations seed the editions

    for path in LANG_OPERATIONS:
        assert parameter(spec, path, "lang")["schema"]["enum"] == codes, path

    Edition.objects.create(code="ku-latn", name="Kurdî", position=99)
    regenerated = api.get("/api/schema/", {"format": "json"}).json()
    for path in LANG_OPERATIONS:
        assert parameter(regenerated, path, "lang")["schema"]["enum"] == [*codes, "ku-latn"], path


def test_an_empty_or_unknown_lang_is_refused_as_the_enum_says(api, spec):
    assert "" not in parameter(spec, "/api/v1/articles/", "lang")["schema"]["enum"]
    for value in ("", "0", "xx"):
        response = api.get("/api/v1/articles/", {"lang": value})
        assert response.status_code == 400, value
        assert list(response.json()["errors"]) == ["lang"]


def test_section_is_the_enum_of_the_sections_in_the_database(api, spec):
    slugs = list(Section.objects.values_list("slug", flat=True))
    for path in ("/api/v1/articles/", "/api/v1/search/", "/api/v1/most-read/"):
        assert parameter(spec, path, "section")["schema"]["enum"] == slugs, path

    SectionFactory(slug="culture", position=50)
    regenerated = api.get("/api/schema/", {"format": "json"}).json()
    assert parameter(regenerated, "/api/v1/articles/", "section")["schema"]["enum"] == [*slugs, "culture"]


def test_responses_name_editions_and_sections_without_an_enum(spec):
    """An app built from today's schema must still decode an edition or section added tomorrow."""
    assert "enum" not in schema_component(spec, "Edition")["properties"]["code"]
    assert "enum" not in schema_component(spec, "Section")["properties"]["slug"]
    assert "enum" not in schema_component(spec, "SectionRef")["properties"]["slug"]
    assert "enum" not in schema_component(spec, "ArticleCard")["properties"]["language"]


def test_tag_is_described_not_enumerated(spec):
    tag = parameter(spec, "/api/v1/articles/", "tag")

    assert "enum" not in tag["schema"]
    assert tag["schema"]["maxLength"] == 80
    assert "400" in tag["description"]
    assert "400" in spec["paths"]["/api/v1/articles/"]["get"]["responses"]


def test_window_and_platform_are_enums(spec):
    window = parameter(spec, "/api/v1/most-read/", "window")["schema"]
    assert (window["enum"], window["default"]) == (["1h", "24h", "7d"], "24h")
    assert parameter(spec, "/api/v1/app-config/", "platform")["schema"]["enum"] == ["android", "ios"]


def test_pagination_parameters_have_their_bounds_and_format(spec):
    for path in PAGINATED_OPERATIONS:
        page_size = parameter(spec, path, "page_size")
        bounds = (page_size["schema"]["type"], page_size["schema"]["minimum"], page_size["schema"]["maximum"])
        assert bounds == ("integer", 1, 100), path
        cursor = parameter(spec, path, "cursor")
        assert cursor["schema"]["pattern"] == "^[A-Za-z0-9_-]+$", path
        # paginate() reads its parameters like a form: `?page_size=` is the default, `?cursor=` the first page.
        assert page_size["allowEmptyValue"] is True and cursor["allowEmptyValue"] is True, path
    most_read = parameter(spec, "/api/v1/most-read/", "page_size")["schema"]
    assert (most_read["minimum"], most_read["maximum"], most_read["default"]) == (1, 100, 10)


def test_empty_page_parameters_mean_absent(api, content):
    response = api.get("/api/v1/articles/?page_size=&cursor=")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_the_cursor_pattern_is_the_shape_of_real_cursors(api, spec, content):
    pattern = re.compile(parameter(spec, "/api/v1/articles/", "cursor")["schema"]["pattern"])
    next_link = api.get("/api/v1/articles/", {"page_size": 1}).json()["next"]

    assert pattern.fullmatch(parse_qs(urlsplit(next_link).query)["cursor"][0])


def test_the_search_text_pattern_is_what_the_field_accepts(api, spec, content):
    """Whitespace is what Python's str.strip() removes (not ECMA's \\s), and NUL is refused."""
    q = parameter(spec, "/api/v1/search/", "q")
    assert q["required"] is True
    pattern = re.compile(q["schema"]["pattern"])
    blank = [chr(code) for code in range(0x110000) if chr(code).isspace()]

    for value in [" ", *blank, "\x00", "flood\x00", "  \t"]:
        assert not pattern.search(value), repr(value)
        assert api.get("/api/v1/search/", {"q": value}).status_code == 400, repr(value)
    for value in ["flood", " flood ", "\u200bflood", "\ufeff"]:
        assert pattern.search(value), repr(value)
        assert api.get("/api/v1/search/", {"q": value}).status_code == 200, repr(value)


def test_the_suggest_text_pattern_asks_for_two_characters_once_trimmed(api, spec, content):
    q = parameter(spec, "/api/v1/search/suggest/", "q")
    assert q["required"] is True
    assert q["schema"]["minLength"] == 2
    pattern = re.compile(q["schema"]["pattern"])

    for value in ["f", " f ", "\tf\n", "  ", "f\x00", "\x00fl"]:
        assert not pattern.search(value), repr(value)
        assert api.get("/api/v1/search/suggest/", {"q": value}).status_code == 400, repr(value)
    for value in ["fl", " fl ", "f l", "\u200bf", "!!"]:
        assert pattern.search(value), repr(value)
        assert api.get("/api/v1/search/suggest/", {"q": value}).status_code == 200, repr(value)


@pytest.mark.parametrize(
    ("value", "status", "in_pattern"),
    [
        ("2025-05-09T15:38:00Z", 200, True),
        ("2025-05-09T15:38:00.123456789Z", 200, True),  # digits past microseconds are cut
        ("2025-05-09T18:38:00+03:00", 200, True),
        ("2025-05-09t15:38:00z", 400, False),  # RFC 3339 allows lower case; the schema's pattern does not
        ("2025-05-09", 400, False),  # ISO 8601, not RFC 3339: the offset is required
        ("2025-05-09T15:38:00", 400, False),
        ("2025-W19-5T15:38:00Z", 400, False),
        ("2025-05-09T15:38:00+24:00", 400, False),
        # The shape is right; the rest is said in words: no leap seconds, nothing before year 1 in UTC.
        ("2025-05-09T23:59:60Z", 400, True),
        ("0001-01-01T00:30:00+01:00", 400, True),
    ],
)
def test_dates_are_rfc_3339_date_times(api, spec, value, status, in_pattern):
    schema = parameter(spec, "/api/v1/articles/", "published_after")["schema"]
    assert schema["format"] == "date-time"
    assert bool(re.fullmatch(schema["pattern"], value)) == in_pattern

    response = api.get("/api/v1/articles/", {"published_after": value})

    assert response.status_code == status, response.content


def test_published_before_describes_its_order_rule(api, spec):
    assert "later than published_after" in parameter(spec, "/api/v1/articles/", "published_before")["description"]
    same = "2025-05-09T15:38:00Z"

    response = api.get("/api/v1/articles/", {"published_after": same, "published_before": same})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["published_before"]
