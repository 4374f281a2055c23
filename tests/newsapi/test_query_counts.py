"""Query budgets: every read endpoint runs a fixed number of queries, whatever the page size and
however many tags and authors its articles have (issue #2). The budgets were measured once and
pinned; a change that adds a query per item or per relation breaks them."""

import uuid
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from newsapi.models import ImageRendition
from newsapi.services import article_views_record
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

ARTICLES = 60


@pytest.fixture
def build(settings):
    """``build(tags=k, count=n)``: n published English articles, each with k tags, k authors and an image
    with renditions, spread over two sections, all breaking and recent, with a Sorani translation of the
    newest, so every part of every response (related, translations, home's parts) has something in it."""
    settings.SYNC_SETTLE_SECONDS = 0

    def _build(*, tags: int, count: int = ARTICLES) -> list:
        world = SectionFactory(slug="world", position=1, names={"en": "World"})
        sport = SectionFactory(slug="sport", position=2, names={"en": "Sport"})
        tag_rows = [TagFactory(slug=f"tag-{n}") for n in range(tags)]
        authors = [AuthorFactory() for _ in range(tags)]
        image = ImageFactory(file=ContentFile(png_bytes(64, 48), name="hero.png"))
        for width in (16, 32):
            ImageRendition.objects.create(
                image=image, width=width, height=width, file=ContentFile(png_bytes(width, width), name="r.webp")
            )
        now = timezone.now()
        group = uuid.uuid4()
        articles = [
            published_article(
                section=world if n % 2 else sport,
                tags=tag_rows,
                authors=authors,
                image=image,
                is_breaking=True,
                published_at=now - timedelta(minutes=n + 1),
                translation_group=group if n == 0 else uuid.uuid4(),
            )
            for n in range(count)
        ]
        published_article(edition=edition("ckb"), section=world, translation_group=group)
        article_views_record(views=[(article.pk, now) for n, article in enumerate(articles) for _ in range(n % 3 + 1)])
        return articles

    return _build


def urls(newest, page_size: int) -> dict[str, str]:
    recent = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "editions": "/api/v1/editions/",
        "sections": "/api/v1/sections/?lang=en",
        "articles": f"/api/v1/articles/?page_size={page_size}",
        "articles-filtered": (
            f"/api/v1/articles/?lang=en&section=world&tag=tag-0&breaking=true&published_after={recent}"
            f"&page_size={page_size}"
        ),
        "detail": f"/api/v1/articles/{newest.pk}/",
        "home": "/api/v1/home/?lang=en",
        "most-read": f"/api/v1/most-read/?lang=en&window=7d&page_size={page_size}",
        "search": f"/api/v1/search/?q=paragraph&lang=en&page_size={page_size}",
        "tag": f"/api/v1/tags/tag-0/?lang=en&page_size={page_size}",
        "sync": f"/api/v1/sync/?lang=en&page_size={page_size}",
    }


# Measured with CaptureQueriesContext on PostgreSQL and SQLite (the same on both), then pinned.
# Rendered with no card in the fragment cache (backend.fragments): which articles the page shows
# (one narrow query), then their cards (page, tags, image renditions; + authors for a detail and for
# sync), plus one per looked-up parameter (edition, section, tag) and the Last-Modified aggregate. The
# content version that keys the response cache is read from the cache, not the database. Home asks for
# breaking, top, the sections, their rails and the most read (the view-count aggregate, then which of
# the ranked are published), then renders all their cards at once; a detail adds its related strip
# (asked, then its cards) and translations.
BUDGETS = {
    "editions": 1,
    "sections": 2,
    "articles": 6,
    "articles-filtered": 8,
    "detail": 11,
    "home": 10,
    "most-read": 6,
    "search": 6,
    "tag": 7,
    "sync": 5,
}
# Rendered again (the response cache off) once its cards are in the fragment cache: no card query, and
# neither the editions and sections (kept by the process), the Last-Modified aggregate (kept under the
# content version) nor the most-read ranking (kept for MOST_READ_RANKING_SECONDS; which of the ranked are
# still published is asked every time).
WARM = {
    "articles": 1,
    "articles-filtered": 3,
    "detail": 3,
    "home": 4,
    "most-read": 1,
    "search": 1,
    "tag": 2,
}
# What rendering the cards costs when they are not kept: page, tags, renditions (+ a detail's own body:
# the article, tags, renditions, authors).
RENDERING = {name: 7 if name == "detail" else 3 for name in WARM}
# Served from the response cache, before the view: no query at all.
CACHED = {"articles", "articles-filtered", "detail", "home", "most-read", "search", "tag"}
# How many articles each list holds in the fixture (the filtered list only has the "world" half).
LIST_SIZES = {"articles-filtered": ARTICLES // 2}


def result_count(body) -> int:
    if isinstance(body, list):
        return len(body)
    if "results" in body:
        return len(body["results"])
    if "top" in body:
        return len(body["top"])
    return len(body["related"])


@pytest.mark.parametrize("page_size", [1, 50])
@pytest.mark.parametrize("name", list(BUDGETS))
def test_query_budget_does_not_grow_with_the_page_size(api, build, django_assert_num_queries, name, page_size):
    articles = build(tags=2)
    url = urls(articles[0], page_size)[name]

    with django_assert_num_queries(BUDGETS[name]):
        response = api.get(url)

    assert response.status_code == 200, response.content
    if "page_size" in url:
        assert result_count(response.json()) == min(page_size, LIST_SIZES.get(name, ARTICLES))


@pytest.mark.parametrize("tags", [1, 8])
@pytest.mark.parametrize("name", list(BUDGETS))
def test_query_budget_does_not_grow_with_tags_and_authors(api, build, django_assert_num_queries, name, tags):
    articles = build(tags=tags, count=21)
    url = urls(articles[0], 20)[name]

    with django_assert_num_queries(BUDGETS[name]):
        response = api.get(url)

    assert response.status_code == 200, response.content
    body = response.json()
    if name == "detail":
        assert len(body["tags"]) == len(body["authors"]) == tags
        assert len(body["related"]) == 6
        assert body["translations"] == [{"language": "ckb", "id": body["translations"][0]["id"]}]
    elif name in {"articles", "articles-filtered", "search", "tag", "sync"}:
        assert {len(item["tags"]) for item in body["results"]} == {tags}


@pytest.mark.parametrize("name", sorted(CACHED))
def test_a_repeated_request_is_served_from_the_response_cache_without_a_query(
    api, build, name, django_assert_num_queries
):
    url = urls(build(tags=2)[0], 20)[name]
    first = api.get(url)

    with django_assert_num_queries(0):
        second = api.get(url)

    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


@pytest.mark.parametrize("name", sorted(WARM))
def test_a_page_whose_cards_were_rendered_before_asks_only_which_articles_it_shows(
    api, build, settings, name, django_assert_num_queries
):
    settings.API_RESPONSE_CACHE = False
    url = urls(build(tags=2)[0], 20)[name]
    first = api.get(url)

    with django_assert_num_queries(WARM[name]):
        second = api.get(url)

    assert second.status_code == 200
    assert second.json() == first.json()


@pytest.mark.parametrize("name", sorted(WARM))
def test_without_the_fragment_cache_every_card_is_rendered_again(api, build, settings, name, django_assert_num_queries):
    settings.API_RESPONSE_CACHE = False
    url = urls(build(tags=2)[0], 20)[name]
    first = api.get(url)
    settings.API_FRAGMENT_CACHE = False

    with django_assert_num_queries(WARM[name] + RENDERING[name]):  # every card rendered again
        second = api.get(url)

    assert second.json() == first.json()
