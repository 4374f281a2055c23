"""/api/v1/most-read/ and home's most_read: published cards ranked by the views the apps report."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsapi import selectors
from newsapi.models import ArticleViewCount
from newsapi.services import article_unpublish, article_views_record
from tests.factories import ArticleFactory, ImageFactory, SectionFactory, TagFactory, edition, published_article

pytestmark = pytest.mark.django_db

URL = "/api/v1/most-read/"
PROBLEM = "application/problem+json"


def view(article, times: int = 1, *, hours_ago: float = 0) -> None:
    at = timezone.now() - timedelta(hours=hours_ago)
    assert article_views_record(views=[(article.pk, at)] * times) == times


def most_read(api, **query) -> dict:
    response = api.get(URL, query)
    assert response.status_code == 200, response.content
    return response.json()


def ranking(api, **query) -> list[tuple[int, int]]:
    return [(card["id"], card["view_count"]) for card in most_read(api, **query)["results"]]


def test_most_viewed_first_then_newest(api):
    now = timezone.now()
    older = published_article(published_at=now - timedelta(hours=5))
    newer = published_article(published_at=now - timedelta(hours=1))
    top = published_article(published_at=now - timedelta(hours=9))
    unread = published_article()
    view(older, 3)
    view(newer, 3)
    view(top, 2)
    view(top, 4, hours_ago=2)

    body = most_read(api)

    assert body["window"] == "24h"
    assert [(card["id"], card["view_count"]) for card in body["results"]] == [(top.pk, 6), (newer.pk, 3), (older.pk, 3)]
    assert unread.pk not in {card["id"] for card in body["results"]}
    assert {"id", "title", "section", "tags", "image", "url", "published_at"} <= set(body["results"][0])


def test_views_of_all_batches_and_hours_add_up(api):
    article = published_article()
    view(article, 2)
    view(article, 5)
    view(article, 1, hours_ago=3)

    assert ranking(api) == [(article.pk, 8)]
    assert ArticleViewCount.objects.count() == 2


@pytest.mark.parametrize(
    ("window", "expected"),
    [("1h", {"now": 1}), ("24h", {"now": 1, "hours": 2}), ("7d", {"now": 1, "hours": 2, "days": 4})],
)
def test_the_window_limits_which_views_count(api, window, expected):
    now, hours, days = published_article(), published_article(), published_article()
    view(now, 1)
    view(hours, 2, hours_ago=5)
    view(days, 4, hours_ago=24 * 3)
    names = {now.pk: "now", hours.pk: "hours", days.pk: "days"}

    body = most_read(api, window=window)

    assert body["window"] == window
    assert {names[card["id"]]: card["view_count"] for card in body["results"]} == expected


def test_the_1h_window_covers_the_last_full_hour():
    article = published_article()
    now = timezone.now().replace(minute=5)
    article_views_record(views=[(article.pk, now - timedelta(minutes=3))], now=now)  # this hour
    article_views_record(views=[(article.pk, now - timedelta(minutes=50))], now=now)  # the last full hour
    article_views_record(views=[(article.pk, now - timedelta(minutes=70))], now=now)  # the hour before

    [card] = selectors.articles_most_read(edition=article.edition, window=timedelta(hours=1), now=now)

    assert card.view_count == 2


def test_the_section_filter(api):
    sport = SectionFactory(slug="sport", names={"en": "Sport"})
    world = published_article()
    match = published_article(section=sport)
    view(world, 5)
    view(match, 1)

    assert ranking(api, section="sport") == [(match.pk, 1)]
    assert ranking(api, section="world") == [(world.pk, 5)]


def test_page_size_limits_the_list(api):
    articles = [published_article() for _ in range(12)]
    for n, article in enumerate(articles):
        view(article, n + 1)

    assert [pk for pk, _ in ranking(api)] == [article.pk for article in reversed(articles)][:10]
    assert ranking(api, page_size=3) == [(articles[11].pk, 12), (articles[10].pk, 11), (articles[9].pk, 10)]
    assert len(ranking(api, page_size=100)) == 12


def test_articles_withdrawn_after_being_counted_never_appear(api):
    visible = published_article()
    withdrawn = published_article()
    view(visible, 1)
    view(withdrawn, 50)
    article_unpublish(article=withdrawn, by=None, reason="legal")

    assert ranking(api) == [(visible.pk, 1)]


def test_unpublished_articles_are_never_counted_nor_listed(api):
    draft = ArticleFactory()
    future = published_article(published_at=timezone.now() + timedelta(hours=1))

    assert article_views_record(views=[(draft.pk, timezone.now()), (future.pk, timezone.now())]) == 0
    assert not ArticleViewCount.objects.exists()
    assert most_read(api) == {"window": "24h", "results": []}


def test_other_editions_are_excluded(api):
    english = published_article()
    sorani = published_article(edition=edition("ckb"), slug="sorani")
    view(english, 1)
    view(sorani, 9)

    assert ranking(api, lang="en") == [(english.pk, 1)]
    assert ranking(api, lang="ckb") == [(sorani.pk, 9)]
    assert ranking(api, lang="ar") == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"lang": "xx"}, "lang"),
        ({"window": "2h"}, "window"),
        ({"window": ""}, "window"),
        ({"section": "nothing"}, "section"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
    ],
)
def test_bad_parameters_are_a_400(api, query, field):
    published_article()

    response = api.get(URL, query)

    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    assert set(response.json()["errors"]) == {field}


def test_cache_headers_and_surrogate_keys(api):
    article = published_article()
    view(article, 1)

    response = api.get(URL, {"lang": "en", "section": "world"})

    assert response["Cache-Control"].startswith("public, max-age=")
    keys = response["Surrogate-Key"].split()
    assert {"most-read-en", "edition-en", f"article-{article.pk}", "section-world"} <= set(keys)
    assert response.has_header("ETag")
    assert api.get(URL, {"lang": "en", "section": "world"}, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_a_withdrawal_leaves_the_cached_list_at_once(api):
    article = published_article()
    view(article, 3)
    assert ranking(api) == [(article.pk, 3)]

    article_unpublish(article=article, by=None, reason="legal")

    assert ranking(api) == []


def test_a_story_withdrawn_while_its_ranking_is_kept_leaves_at_once_and_the_next_fills_its_place(
    api, settings, django_assert_num_queries
):
    settings.MOST_READ_RANKING_SECONDS = 300
    articles = [published_article() for _ in range(4)]
    for n, article in enumerate(articles):
        view(article, 10 - n)
    assert [pk for pk, _ in ranking(api, page_size=3)] == [article.pk for article in articles[:3]]

    article_unpublish(article=articles[0], by=None, reason="legal")
    english = edition()
    with django_assert_num_queries(1):  # the kept ranking: only which of it are still published
        listed = selectors.articles_most_read_refs(edition=english, window=timedelta(hours=24), limit=3)

    assert [ref.pk for ref in listed] == [article.pk for article in articles[1:]]
    assert [pk for pk, _ in ranking(api, page_size=3)] == [article.pk for article in articles[1:]]


def test_views_counted_while_a_ranking_is_kept_show_when_it_expires(api, settings):
    """The ranking is kept MOST_READ_RANKING_SECONDS; with 0 it is summed on every request."""
    settings.API_RESPONSE_CACHE = False  # which keeps whole answers (as long as API_CACHE_MAX_AGE allows)
    settings.MOST_READ_RANKING_SECONDS = 300
    first, second = published_article(), published_article()
    view(first, 2)
    view(second, 1)
    assert ranking(api) == [(first.pk, 2), (second.pk, 1)]

    view(second, 5)
    assert ranking(api) == [(first.pk, 2), (second.pk, 1)]  # kept

    settings.MOST_READ_RANKING_SECONDS = 0
    assert ranking(api) == [(second.pk, 6), (first.pk, 2)]


# Edition, the aggregate, which of them are published, then their cards (page, tags, renditions); +1 for a
# section (the content version is cached).
@pytest.mark.parametrize("size", [1, 40])
@pytest.mark.parametrize(("query", "budget"), [({}, 6), ({"lang": "en", "section": "world", "window": "7d"}, 7)])
def test_query_count_does_not_grow_with_the_result_size(api, django_assert_num_queries, size, query, budget):
    tag_rows = [TagFactory(slug=f"t{n}") for n in range(3)]
    image = ImageFactory()
    for n in range(size):
        view(published_article(tags=tag_rows, image=image), n + 1, hours_ago=n % 20)

    with django_assert_num_queries(budget):
        body = most_read(api, page_size=100, **query)

    assert len(body["results"]) == size
    assert {len(card["tags"]) for card in body["results"]} == {3}


def test_home_most_read_is_the_top_five_of_the_last_24_hours(api):
    articles = [published_article() for _ in range(7)]
    for n, article in enumerate(articles):
        view(article, n + 1)
    stale = published_article()
    view(stale, 100, hours_ago=30)

    body = api.get("/api/v1/home/").json()

    assert [(card["id"], card["view_count"]) for card in body["most_read"]] == [
        (article.pk, n + 1) for n, article in reversed(list(enumerate(articles)))
    ][:5]
