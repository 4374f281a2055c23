"""/api/v1/articles/: card profile, filters, bad parameters, keyset pagination, visibility."""

import base64
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from newsapi.models import Article, ImageRendition
from newsapi.services import article_schedule, article_submit_for_review, article_unpublish
from tests.factories import (
    ArticleFactory,
    ImageFactory,
    SectionFactory,
    TagFactory,
    edition,
    png_bytes,
    published_article,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/articles/"
PROBLEM = "application/problem+json"
CARD_FIELDS = {
    "id", "slug", "language", "dir", "title", "summary", "section", "tags", "image", "credit",
    "is_breaking", "published_at", "updated_at", "url", "reading_time_minutes",
}  # fmt: skip
IMAGE_FIELDS = {"url", "width", "height", "caption", "credit", "alt", "renditions"}
NOW = timezone.now().replace(microsecond=0)


def ago(minutes: int) -> datetime:
    return NOW - timedelta(minutes=minutes)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def cursor_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["cursor"][0]


def encoded(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def assert_problem(response, *, status: int = 400, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["type"] and body["title"] and body["detail"]
    if field is not None:
        assert field in body["errors"], body
    return body


# --- the card ------------------------------------------------------------------------------------


def test_card_has_exactly_the_api_fields(api):
    image = ImageFactory()
    rendition = ImageRendition.objects.create(
        image=image, width=320, height=213, format="webp", file=ContentFile(png_bytes(320, 213), name="r.webp")
    )
    china, russia = TagFactory(slug="china", name="China"), TagFactory(slug="russia", name="Russia")
    article = published_article(
        title="Leaders meet in Moscow",
        slug="leaders-meet",
        summary="Talks over two days.",
        credit="Reuters",
        image=image,
        is_breaking=True,
        tags=[china, russia],
        published_at=ago(5),
    )

    response = api.get(URL, {"lang": "en"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    [card] = body["results"]
    assert set(card) == CARD_FIELDS
    assert card["id"] == article.pk
    assert card["slug"] == "leaders-meet"
    assert card["language"] == "en"
    assert card["dir"] == "ltr"
    assert card["title"] == "Leaders meet in Moscow"
    assert card["summary"] == "Talks over two days."
    assert card["section"] == {"slug": "world", "name": "World"}
    assert card["tags"] == [{"slug": "china", "name": "China"}, {"slug": "russia", "name": "Russia"}]
    assert card["credit"] == "Reuters"
    assert card["is_breaking"] is True
    assert datetime.fromisoformat(card["published_at"]) == ago(5)
    assert datetime.fromisoformat(card["updated_at"]).utcoffset() == timedelta(0)
    assert card["url"] == f"{settings.SITE_URL}/en/world/{article.pk}/leaders-meet/"
    assert card["reading_time_minutes"] == 1
    assert set(card["image"]) == IMAGE_FIELDS
    assert card["image"]["width"] == 1200
    assert card["image"]["height"] == 800
    assert card["image"]["caption"] == "Smoke rises over the city"
    assert card["image"]["credit"] == "Reuters"
    assert card["image"]["alt"] == "A column of smoke above low rooftops"
    assert card["image"]["url"].startswith("http")
    assert card["image"]["url"].endswith(image.file.url)
    rendition_file_url = rendition.file.url
    [rendition] = card["image"]["renditions"]
    assert set(rendition) == {"width", "height", "format", "url"}
    assert (rendition["width"], rendition["height"], rendition["format"]) == (320, 213, "webp")
    assert rendition["url"].startswith("http")
    assert rendition["url"].endswith(rendition_file_url)


def test_card_image_is_null_without_an_image(api):
    published_article()

    [card] = api.get(URL).json()["results"]

    assert card["image"] is None
    assert card["tags"] == []


def test_card_of_an_rtl_edition_says_rtl_and_names_the_section_in_that_language(api):
    section = SectionFactory(slug="world", names={"en": "World", "ckb": "جیهان"})
    published_article(edition=edition("ckb"), section=section, slug="ckb-story")

    [card] = api.get(URL, {"lang": "ckb"}).json()["results"]

    assert (card["language"], card["dir"]) == ("ckb", "rtl")
    assert card["section"] == {"slug": "world", "name": "جیهان"}


def test_reading_time_follows_the_body_length(api):
    published_article(body_html="<p>" + "word " * 1000 + "</p>")

    [card] = api.get(URL).json()["results"]

    assert card["reading_time_minutes"] == 5


def test_articles_are_newest_first_with_id_breaking_ties(api):
    old = published_article(published_at=ago(30))
    newest = published_article(published_at=ago(1))
    tie_a = published_article(published_at=ago(10))
    tie_b = published_article(published_at=ago(10))

    assert ids(api.get(URL)) == [newest.pk, tie_b.pk, tie_a.pk, old.pk]


# --- filters -------------------------------------------------------------------------------------


def test_lang_filter_lists_only_that_edition(api):
    english = published_article()
    sorani = published_article(edition=edition("ckb"))
    arabic = published_article(edition=edition("ar"))

    assert ids(api.get(URL, {"lang": "en"})) == [english.pk]
    assert ids(api.get(URL, {"lang": "ckb"})) == [sorani.pk]
    assert ids(api.get(URL, {"lang": "ar"})) == [arabic.pk]
    assert ids(api.get(URL, {"lang": "fa"})) == []


def test_no_lang_means_the_default_edition(api):
    english = published_article()
    published_article(edition=edition("ckb"))

    assert ids(api.get(URL)) == [english.pk]


def test_section_filter(api):
    sport = SectionFactory(slug="sport", names={"en": "Sport"})
    in_sport = published_article(section=sport)
    published_article()

    assert ids(api.get(URL, {"section": "sport"})) == [in_sport.pk]


def test_tag_filter(api):
    china = TagFactory(slug="china")
    tagged = published_article(tags=[china, TagFactory(slug="russia")])
    published_article(tags=[TagFactory(slug="iraq")])
    published_article()

    assert ids(api.get(URL, {"tag": "china"})) == [tagged.pk]


def test_tag_filter_uses_the_tag_of_the_requested_edition(api):
    english_tag = TagFactory(slug="iraq")
    sorani_tag = TagFactory(slug="iraq", edition=edition("ckb"))
    english = published_article(tags=[english_tag])
    sorani = published_article(edition=edition("ckb"), tags=[sorani_tag])

    assert ids(api.get(URL, {"tag": "iraq", "lang": "en"})) == [english.pk]
    assert ids(api.get(URL, {"tag": "iraq", "lang": "ckb"})) == [sorani.pk]


@pytest.mark.parametrize(("value", "expect_breaking"), [("true", True), ("false", False), ("1", True), ("0", False)])
def test_breaking_filter(api, value, expect_breaking):
    breaking = published_article(is_breaking=True)
    regular = published_article(is_breaking=False)

    assert ids(api.get(URL, {"breaking": value})) == [breaking.pk if expect_breaking else regular.pk]


def test_published_after_is_inclusive_and_published_before_exclusive(api):
    old = published_article(published_at=ago(60))
    middle = published_article(published_at=ago(30))
    new = published_article(published_at=ago(10))

    assert ids(api.get(URL, {"published_after": ago(30).isoformat()})) == [new.pk, middle.pk]
    assert ids(api.get(URL, {"published_before": ago(30).isoformat()})) == [old.pk]
    window = {"published_after": ago(45).isoformat(), "published_before": ago(15).isoformat()}
    assert ids(api.get(URL, window)) == [middle.pk]


def test_published_after_accepts_z_and_other_offsets(api):
    published_article(published_at=ago(60))
    recent = published_article(published_at=ago(10))
    cut = ago(30)

    as_z = cut.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    as_erbil = cut.astimezone(timezone.get_fixed_timezone(180)).isoformat()
    assert ids(api.get(URL, {"published_after": as_z})) == [recent.pk]
    assert ids(api.get(URL, {"published_after": as_erbil})) == [recent.pk]


def test_filters_combine(api):
    sport = SectionFactory(slug="sport", names={"en": "Sport"})
    goal = TagFactory(slug="goal")
    match = published_article(section=sport, tags=[goal], is_breaking=True, published_at=ago(5))
    published_article(section=sport, tags=[goal], is_breaking=False, published_at=ago(5))
    published_article(section=sport, tags=[goal], is_breaking=True, published_at=ago(120))
    published_article(tags=[goal], is_breaking=True, published_at=ago(5))

    query = {"section": "sport", "tag": "goal", "breaking": "true", "published_after": ago(60).isoformat()}
    assert ids(api.get(URL, query)) == [match.pk]


# --- bad parameters ------------------------------------------------------------------------------

BAD_CURSORS = {
    "garbage": "!!!not-a-cursor!!!",
    "not_utf8": encoded(b"\xff\xfe\xfd"),
    "json_list": encoded(b"[1, 2, 3]"),
    "json_number": encoded(b"42"),
    "wrong_list_name": encoded(b'{"k":"search","v":[0.5,1],"d":"n"}'),
    "bad_direction": encoded(b'{"k":"feed","v":["2025-01-01T00:00:00+00:00",1],"d":"x"}'),
    "too_few_values": encoded(b'{"k":"feed","v":["2025-01-01T00:00:00+00:00"],"d":"n"}'),
    "not_a_date": encoded(b'{"k":"feed","v":["yesterday",1],"d":"n"}'),
    "naive_date": encoded(b'{"k":"feed","v":["2025-01-01T00:00:00",1],"d":"n"}'),
    "number_as_date": encoded(b'{"k":"feed","v":[1735689600,1],"d":"n"}'),
    "id_is_text": encoded(b'{"k":"feed","v":["2025-01-01T00:00:00+00:00","7"],"d":"n"}'),
    "id_is_bool": encoded(b'{"k":"feed","v":["2025-01-01T00:00:00+00:00",true],"d":"n"}'),
    "date_before_year_one_in_utc": encoded(b'{"k":"feed","v":["0001-01-01T00:00:00+05:00",1],"d":"n"}'),
    "date_after_year_9999_in_utc": encoded(b'{"k":"feed","v":["9999-12-31T23:00:00-05:00",1],"d":"p"}'),
    "id_beyond_bigint": encoded(b'{"k":"feed","v":["2025-01-01T00:00:00+00:00",100000000000000000000000],"d":"n"}'),
    "too_long": "A" * 600,
}

BAD_PARAMETERS = [
    ({"lang": "xx"}, "lang"),
    ({"lang": ""}, "lang"),
    ({"section": "no-such-section"}, "section"),
    ({"tag": "no-such-tag"}, "tag"),
    ({"tag": "sorani-only"}, "tag"),
    ({"breaking": "maybe"}, "breaking"),
    ({"published_after": "yesterday"}, "published_after"),
    ({"published_after": "2025-13-01T00:00:00Z"}, "published_after"),
    ({"published_before": "2025-02-30T10:00:00Z"}, "published_before"),
    ({"published_before": ""}, "published_before"),
    ({"published_after": "9999-12-31T23:00:00-05:00"}, "published_after"),
    ({"published_after": "2025-05-09T12:00:00Z", "published_before": "2025-05-09T12:00:00Z"}, "published_before"),
    ({"published_after": "2025-05-10T00:00:00Z", "published_before": "2025-05-09T00:00:00Z"}, "published_before"),
    ({"page_size": "0"}, "page_size"),
    ({"page_size": "101"}, "page_size"),
    ({"page_size": "-1"}, "page_size"),
    ({"page_size": "abc"}, "page_size"),
    ({"page_size": "2.5"}, "page_size"),
    *[({"cursor": cursor}, "cursor") for cursor in BAD_CURSORS.values()],
]
BAD_PARAMETER_IDS = [
    *[f"{next(iter(query))}={next(iter(query.values()))}" for query, _ in BAD_PARAMETERS[: -len(BAD_CURSORS)]],
    *[f"cursor={name}" for name in BAD_CURSORS],
]


@pytest.fixture
def catalogue():
    """Some published content and a tag that exists only in the Sorani edition."""
    TagFactory(slug="sorani-only", edition=edition("ckb"))
    return [published_article(published_at=ago(minutes)) for minutes in (3, 2, 1)]


@pytest.mark.parametrize(
    ("query", "field"),
    BAD_PARAMETERS,
    ids=BAD_PARAMETER_IDS,
)
def test_bad_parameter_is_a_400_problem_naming_it_and_changes_nothing(api, catalogue, query, field):
    before = list(Article.objects.order_by("pk").values())
    good = api.get(URL)

    response = api.get(URL, query)

    body = assert_problem(response, field=field)
    assert body["errors"][field] and all(isinstance(message, str) for message in body["errors"][field])
    assert "ETag" not in response
    assert list(Article.objects.order_by("pk").values()) == before
    again = api.get(URL)
    assert again.content == good.content
    assert again["ETag"] == good["ETag"]


def test_a_cursor_from_the_search_list_is_a_400(api, catalogue):
    search = api.get("/api/v1/search/", {"q": "paragraph", "page_size": 1})
    assert search.status_code == 200, search.content
    search_cursor = cursor_of(search.json()["next"])

    response = api.get(URL, {"cursor": search_cursor})

    assert_problem(response, field="cursor")


def test_a_cursor_from_the_sync_feed_is_a_400(api, catalogue, settings):
    settings.SYNC_SETTLE_SECONDS = 0
    sync = api.get("/api/v1/sync/", {"page_size": 1})
    assert sync.status_code == 200, sync.content

    assert_problem(api.get(URL, {"cursor": sync.json()["cursor"]}), field="cursor")


def test_several_bad_parameters_are_all_named(api):
    response = api.get(URL, {"breaking": "maybe", "published_after": "soon", "section": "nowhere"})

    body = assert_problem(response)
    assert {"breaking", "published_after", "section"} <= set(body["errors"])


# --- pagination ----------------------------------------------------------------------------------


def walk(api, url: str, direction: str) -> list[list[int]]:
    """Follow ``next`` or ``previous`` links from ``url`` to the end; return each page's ids."""
    pages = []
    while url:
        response = api.get(url)
        pages.append(ids(response))
        url = response.json()[direction]
        assert len(pages) < 50, "pagination does not end"
    return pages


def test_page_size_defaults_to_20(api):
    for minutes in range(25):
        published_article(published_at=ago(minutes))

    body = api.get(URL).json()

    assert len(body["results"]) == 20
    assert body["next"] is not None
    assert body["previous"] is None


@pytest.mark.parametrize("page_size", [1, 100])
def test_page_size_bounds_are_accepted(api, page_size):
    articles = [published_article(published_at=ago(minutes)) for minutes in range(3)]

    body = api.get(URL, {"page_size": page_size}).json()

    assert [item["id"] for item in body["results"]] == [article.pk for article in articles][:page_size]


def test_walking_forward_then_back_visits_every_article_once(api):
    # Pairs of articles share a timestamp, so some page boundaries fall inside a tie.
    articles = [published_article(published_at=ago(minutes // 2 * 2)) for minutes in range(11)]
    expected = [article.pk for article in sorted(articles, key=lambda a: (a.published_at, a.pk), reverse=True)]

    forward = walk(api, f"{URL}?page_size=3", "next")

    assert [len(page) for page in forward] == [3, 3, 3, 2]
    assert [pk for page in forward for pk in page] == expected
    last_page_url = api.get(f"{URL}?page_size=3").json()["next"]
    for _ in range(2):
        last_page_url = api.get(last_page_url).json()["next"]
    backward = walk(api, last_page_url, "previous")
    assert backward == list(reversed(forward))
    first_again = api.get(f"{URL}?page_size=3")
    assert first_again.json()["previous"] is None


def test_last_page_has_no_next_and_first_page_no_previous(api):
    for minutes in range(4):
        published_article(published_at=ago(minutes))

    first = api.get(URL, {"page_size": 2}).json()
    second = api.get(first["next"]).json()

    assert first["previous"] is None
    assert second["next"] is None
    assert second["previous"] is not None
    assert ids(api.get(second["previous"])) == [item["id"] for item in first["results"]]


def test_links_keep_the_filters(api):
    sport = SectionFactory(slug="sport", names={"en": "Sport"})
    in_sport = [published_article(section=sport, published_at=ago(minutes)) for minutes in range(3)]
    for minutes in range(3):
        published_article(published_at=ago(minutes))

    pages = walk(api, f"{URL}?section=sport&lang=en&page_size=2", "next")

    assert [pk for page in pages for pk in page] == [article.pk for article in in_sport]


def test_an_article_published_while_paging_never_repeats_or_hides_an_item(api):
    articles = [published_article(published_at=ago(minutes)) for minutes in range(1, 6)]
    first = api.get(URL, {"page_size": 2}).json()

    late = published_article()  # newer than everything: it sorts before page 1
    rest = walk(api, first["next"], "next")

    seen = [item["id"] for item in first["results"]] + [pk for page in rest for pk in page]
    assert seen == [article.pk for article in articles]
    assert late.pk not in seen
    assert ids(api.get(URL, {"page_size": 2}))[0] == late.pk


def test_an_article_unpublished_while_paging_does_not_shift_the_next_page(api):
    articles = [published_article(published_at=ago(minutes)) for minutes in range(1, 6)]
    first = api.get(URL, {"page_size": 2}).json()

    article_unpublish(article=articles[1], by=None, reason="legal")
    second = api.get(first["next"]).json()

    assert [item["id"] for item in second["results"]] == [articles[2].pk, articles[3].pk]


def test_an_empty_list_has_no_links(api):
    assert api.get(URL).json() == {"next": None, "previous": None, "results": []}


# --- visibility ----------------------------------------------------------------------------------


@pytest.fixture
def hidden_articles():
    """One article in each state a reader must never see, all in the section and tag the visible one uses."""
    tag = TagFactory(slug="china")
    common = {"tags": [tag], "is_breaking": True}
    draft = ArticleFactory(**common)
    in_review = ArticleFactory(**common)
    article_submit_for_review(article=in_review, by=None)
    scheduled = ArticleFactory(**common)
    article_schedule(article=scheduled, by=None, publish_at=timezone.now() + timedelta(hours=1))
    unpublished = published_article(**common)
    article_unpublish(article=unpublished, by=None, reason="withdrawn")
    future_dated = published_article(published_at=timezone.now() + timedelta(hours=1), **common)
    return [draft, in_review, scheduled, unpublished, future_dated]


@pytest.mark.parametrize(
    "query",
    [{}, {"lang": "en"}, {"section": "world"}, {"tag": "china"}, {"breaking": "true"}, {"page_size": 100}],
)
def test_only_published_articles_of_the_edition_are_listed(api, hidden_articles, query):
    visible = published_article(tags=[TagFactory(slug="china")], is_breaking=True, published_at=ago(1))
    published_article(edition=edition("ckb"), is_breaking=True, published_at=ago(1))

    assert ids(api.get(URL, query)) == [visible.pk]


def test_a_cursor_naming_a_hidden_article_does_not_reveal_it(api, hidden_articles):
    visible = published_article(published_at=ago(1))
    scheduled = hidden_articles[2]
    token = encoded(
        json.dumps(
            {"k": "feed", "v": [(timezone.now() + timedelta(days=1)).isoformat(), scheduled.pk + 1], "d": "n"}
        ).encode()
    )

    assert ids(api.get(URL, {"cursor": token})) == [visible.pk]
