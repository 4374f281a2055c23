"""/api/v1/home/ (the app's first screen) and /api/v1/tags/{slug}/ (a tag and its articles)."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from newsapi import selectors
from newsapi.models import Section
from newsapi.services import article_schedule, article_submit_for_review, article_unpublish
from tests.factories import ArticleFactory, SectionFactory, TagFactory, edition, published_article

pytestmark = pytest.mark.django_db

HOME = "/api/v1/home/"
PROBLEM = "application/problem+json"
CARD_FIELDS = {
    "id", "slug", "language", "dir", "title", "summary", "section", "tags", "image", "credit",
    "is_breaking", "published_at", "updated_at", "url", "reading_time_minutes",
}  # fmt: skip
NOW = timezone.now().replace(microsecond=0)


def ago(minutes: int = 0, *, hours: int = 0):
    return NOW - timedelta(minutes=minutes, hours=hours)


def card_ids(cards) -> list[int]:
    return [card["id"] for card in cards]


def home(api, **query) -> dict:
    response = api.get(HOME, query)
    assert response.status_code == 200, response.content
    return response.json()


def assert_problem(response, status: int, field: str | None = None) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    if field is not None:
        assert set(body["errors"]) == {field}


def hide_in_every_way(**fields) -> None:
    """Make one article in each state readers must never see, with ``fields``."""
    ArticleFactory(**fields)
    in_review = ArticleFactory(**fields)
    article_submit_for_review(article=in_review, by=None)
    scheduled = ArticleFactory(**fields)
    article_schedule(article=scheduled, by=None, publish_at=timezone.now() + timedelta(minutes=30))
    withdrawn = published_article(**fields)
    article_unpublish(article=withdrawn, by=None, reason="withdrawn")
    published_article(published_at=timezone.now() + timedelta(minutes=30), **fields)


# --- home ----------------------------------------------------------------------------------------


def test_home_has_breaking_top_sections_and_most_read(api):
    article = published_article(is_breaking=True, published_at=ago(5))

    body = home(api)

    assert set(body) == {"breaking", "top", "sections", "most_read"}
    assert card_ids(body["breaking"]) == [article.pk]
    assert card_ids(body["top"]) == [article.pk]
    assert set(body["breaking"][0]) == CARD_FIELDS
    [section] = body["sections"]
    assert set(section) == {"section", "articles"}
    assert section["section"]["slug"] == "world"
    assert section["section"]["name"] == "World"
    assert card_ids(section["articles"]) == [article.pk]
    assert isinstance(body["most_read"], list)


def test_home_of_an_empty_edition_is_empty_not_an_error(api):
    assert home(api, lang="fa") == {"breaking": [], "top": [], "sections": [], "most_read": []}


def test_breaking_lists_only_breaking_news_of_the_last_24_hours_newest_first(api):
    older = published_article(is_breaking=True, published_at=ago(hours=20))
    newer = published_article(is_breaking=True, published_at=ago(10))
    published_article(is_breaking=True, published_at=ago(hours=25))
    published_article(is_breaking=False, published_at=ago(1))

    assert card_ids(home(api)["breaking"]) == [newer.pk, older.pk]


def test_breaking_is_capped(api):
    articles = [published_article(is_breaking=True, published_at=ago(minutes)) for minutes in range(5)]

    assert card_ids(home(api)["breaking"]) == [a.pk for a in articles[: selectors.HOME_BREAKING]]


def test_top_is_the_newest_stories_capped(api):
    articles = [published_article(published_at=ago(minutes)) for minutes in range(selectors.HOME_TOP + 3)]

    assert card_ids(home(api)["top"]) == [a.pk for a in articles[: selectors.HOME_TOP]]


def test_sections_hold_at_most_four_newest_each_in_display_order_and_skip_empty_ones(api):
    sport = SectionFactory(slug="sport", position=1, names={"en": "Sport"})
    world = SectionFactory(slug="europe", position=2, names={"en": "Europe"})
    SectionFactory(slug="economy", position=0, names={"en": "Economy"})
    Section.objects.filter(slug="world").delete()  # seeded by a migration; this test sets its own order
    in_world = [published_article(section=world, published_at=ago(minutes)) for minutes in range(0, 12, 2)]
    in_sport = [published_article(section=sport, published_at=ago(minutes)) for minutes in (1, 3)]

    sections = home(api)["sections"]

    assert [s["section"] for s in sections] == [
        {"slug": "sport", "name": "Sport", "position": 1},
        {"slug": "europe", "name": "Europe", "position": 2},
    ]
    assert card_ids(sections[0]["articles"]) == [a.pk for a in in_sport]
    assert card_ids(sections[1]["articles"]) == [a.pk for a in in_world[:4]]
    assert selectors.HOME_PER_SECTION == 4


def test_home_names_sections_in_the_requested_edition(api):
    world = SectionFactory(slug="world", names={"en": "World", "ckb": "جیهان"})
    article = published_article(edition=edition("ckb"), section=world)

    body = home(api, lang="ckb")

    assert body["sections"][0]["section"]["name"] == "جیهان"
    assert card_ids(body["top"]) == [article.pk]
    assert body["top"][0]["dir"] == "rtl"


def test_home_never_shows_unpublished_articles_or_other_editions(api):
    hide_in_every_way(is_breaking=True)
    published_article(edition=edition("ckb"), is_breaking=True)
    visible = published_article(is_breaking=True, published_at=ago(1))

    body = home(api)

    assert card_ids(body["breaking"]) == [visible.pk]
    assert card_ids(body["top"]) == [visible.pk]
    assert [card_ids(s["articles"]) for s in body["sections"]] == [[visible.pk]]
    assert all(card["id"] == visible.pk for card in body["most_read"])


@pytest.mark.parametrize("lang", ["xx", "", "english"])
def test_home_unknown_lang_is_a_400_problem(api, lang):
    assert_problem(api.get(HOME, {"lang": lang}), 400, "lang")


# --- tag page ------------------------------------------------------------------------------------


def tag_url(slug: str) -> str:
    return f"/api/v1/tags/{quote(slug)}/"


def test_tag_page_has_the_tag_its_edition_and_its_articles_newest_first(api):
    china = TagFactory(slug="china", name="China")
    older = published_article(tags=[china], published_at=ago(20))
    newer = published_article(tags=[china, TagFactory(slug="russia")], published_at=ago(10))
    published_article(tags=[TagFactory(slug="russia")], published_at=ago(5))

    response = api.get(tag_url("china"), {"lang": "en"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"tag", "language", "dir", "next", "previous", "results"}
    assert body["tag"] == {"slug": "china", "name": "China"}
    assert (body["language"], body["dir"]) == ("en", "ltr")
    assert card_ids(body["results"]) == [newer.pk, older.pk]
    assert set(body["results"][0]) == CARD_FIELDS
    assert (body["next"], body["previous"]) == (None, None)


def test_tag_page_of_an_rtl_edition_with_a_unicode_slug(api):
    tag = TagFactory(edition=edition("ckb"), slug="کورد", name="کورد")
    article = published_article(edition=edition("ckb"), tags=[tag])

    body = api.get(tag_url("کورد"), {"lang": "ckb"}).json()

    assert body["tag"] == {"slug": "کورد", "name": "کورد"}
    assert (body["language"], body["dir"]) == ("ckb", "rtl")
    assert card_ids(body["results"]) == [article.pk]


def test_tag_page_paginates_without_repeats_or_gaps(api):
    china = TagFactory(slug="china")
    articles = [published_article(tags=[china], published_at=ago(minutes)) for minutes in range(5)]

    seen, url, pages = [], f"{tag_url('china')}?lang=en&page_size=2", 0
    while url:
        body = api.get(url).json()
        seen += card_ids(body["results"])
        url, pages = body["next"], pages + 1
        assert body["tag"]["slug"] == "china"
    assert pages == 3
    assert seen == [a.pk for a in articles]


def test_tag_page_previous_link_leads_back(api):
    china = TagFactory(slug="china")
    articles = [published_article(tags=[china], published_at=ago(minutes)) for minutes in range(4)]

    second = api.get(api.get(tag_url("china"), {"page_size": 2}).json()["next"]).json()
    first = api.get(second["previous"]).json()

    assert card_ids(second["results"]) == [a.pk for a in articles[2:]]
    assert card_ids(first["results"]) == [a.pk for a in articles[:2]]
    assert first["previous"] is None


def test_tag_page_lists_only_published_articles_of_the_edition(api):
    china = TagFactory(slug="china")
    hide_in_every_way(tags=[china])
    visible = published_article(tags=[china], published_at=ago(1))

    assert card_ids(api.get(tag_url("china")).json()["results"]) == [visible.pk]


def test_unknown_tag_is_a_404_problem(api):
    published_article(tags=[TagFactory(slug="china")])

    assert_problem(api.get(tag_url("no-such-tag")), 404)


def test_tag_of_another_edition_is_a_404_problem(api):
    tag = TagFactory(edition=edition("ckb"), slug="kurdistan")
    published_article(edition=edition("ckb"), tags=[tag])

    assert_problem(api.get(tag_url("kurdistan"), {"lang": "en"}), 404)
    assert_problem(api.get(tag_url("kurdistan")), 404)
    assert api.get(tag_url("kurdistan"), {"lang": "ckb"}).status_code == 200


def test_tag_page_unknown_lang_is_a_400_problem(api):
    TagFactory(slug="china")

    assert_problem(api.get(tag_url("china"), {"lang": "xx"}), 400, "lang")


@pytest.mark.parametrize(
    ("query", "field"),
    [({"page_size": "0"}, "page_size"), ({"page_size": "101"}, "page_size"), ({"cursor": "junk"}, "cursor")],
)
def test_tag_page_bad_paging_is_a_400_problem(api, query, field):
    published_article(tags=[TagFactory(slug="china")])

    assert_problem(api.get(tag_url("china"), query), 400, field)
