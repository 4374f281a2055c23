"""GET /api/v1/sync/: every change offline readers must apply, oldest first, with tombstones."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsapi.models import Article
from newsapi.services import article_publish, article_schedule, article_submit_for_review, article_unpublish
from tests.factories import ArticleFactory, AuthorFactory, edition, published_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_settle_window(settings):
    settings.SYNC_SETTLE_SECONDS = 0


def sync(api, **query):
    response = api.get("/api/v1/sync/", query)
    assert response.status_code == 200, response.content
    return response.json()


def changed_ids(body) -> list[int]:
    return [item["id"] for item in body["results"]]


def set_updated_at(article: Article, ago: timedelta) -> None:
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - ago)


def test_changes_come_oldest_first(api):
    first, second, third = published_article(), published_article(), published_article()
    set_updated_at(first, timedelta(hours=3))
    set_updated_at(second, timedelta(hours=1))
    set_updated_at(third, timedelta(hours=2))

    assert changed_ids(sync(api, lang="en")) == [first.pk, third.pk, second.pk]


def test_live_article_carries_everything_to_show_it_offline(api):
    author = AuthorFactory(name="Rêbwar Ahmed")
    article = published_article(title="Bridge opens", body_html="<p>Traffic flows.</p>", authors=[author])

    (item,) = sync(api)["results"]

    assert item["id"] == article.pk
    assert item["deleted"] is False
    assert item["title"] == "Bridge opens"
    assert item["body_html"] == "<p>Traffic flows.</p>"
    assert item["authors"] == [{"slug": author.slug, "name": "Rêbwar Ahmed"}]
    assert item["language"] == "en"
    assert item["section"] == {"slug": "world", "name": "World"}


def test_unpublished_article_becomes_a_tombstone(api):
    article = published_article(title="Wrong figures")
    article_unpublish(article=article, by=None, reason="The figures were wrong.")

    assert sync(api)["results"] == [{"id": article.pk, "deleted": True, "reason": "unpublished"}]


def test_withdrawal_after_the_cursor_arrives_as_a_tombstone(api):
    article = published_article()
    cursor = sync(api)["cursor"]

    article_unpublish(article=article, by=None, reason="legal")

    assert sync(api, cursor=cursor)["results"] == [{"id": article.pk, "deleted": True, "reason": "unpublished"}]


def test_withdrawn_then_rescheduled_article_stays_a_tombstone(api):
    article = published_article()
    cursor = sync(api)["cursor"]
    article_unpublish(article=article, by=None, reason="needs a correction")

    article_schedule(article=article, by=None, publish_at=timezone.now() + timedelta(hours=1))

    # The reader's copy must go: a rescheduled story is not public until it is published again.
    assert sync(api, cursor=cursor)["results"] == [{"id": article.pk, "deleted": True, "reason": "unpublished"}]


def test_republished_article_comes_back_live(api):
    article = published_article()
    article_unpublish(article=article, by=None, reason="check")
    cursor = sync(api)["cursor"]

    article_publish(article=article, by=None)

    (item,) = sync(api, cursor=cursor)["results"]
    assert (item["id"], item["deleted"]) == (article.pk, False)


def test_edited_published_article_reappears_after_the_cursor(api):
    edited, untouched = published_article(), published_article()
    set_updated_at(edited, timedelta(minutes=2))
    set_updated_at(untouched, timedelta(minutes=1))
    cursor = sync(api)["cursor"]

    edited.title = "Corrected headline"
    edited.save()

    body = sync(api, cursor=cursor)
    assert changed_ids(body) == [edited.pk]
    assert body["results"][0]["title"] == "Corrected headline"


def test_drafts_and_scheduled_articles_never_appear(api):
    ArticleFactory(title="A draft")
    in_review = ArticleFactory(title="In review")
    article_submit_for_review(article=in_review, by=None)
    scheduled = ArticleFactory(title="Scheduled")
    article_schedule(article=scheduled, by=None, publish_at=timezone.now() + timedelta(hours=1))

    body = sync(api)

    assert body == {"results": [], "cursor": None, "has_more": False, "next": None}


def test_scheduled_article_appears_once_published(api):
    scheduled = ArticleFactory(title="Scheduled")
    article_schedule(article=scheduled, by=None, publish_at=timezone.now() + timedelta(hours=1))
    assert sync(api)["results"] == []

    article_publish(article=scheduled, by=None)

    assert changed_ids(sync(api)) == [scheduled.pk]


def test_returned_cursor_gives_only_later_changes(api):
    old = published_article()
    set_updated_at(old, timedelta(minutes=5))
    first = sync(api)
    assert changed_ids(first) == [old.pk]

    nothing_new = sync(api, cursor=first["cursor"])
    assert nothing_new == {"results": [], "cursor": first["cursor"], "has_more": False, "next": None}

    new = published_article()
    later = sync(api, cursor=first["cursor"])
    assert changed_ids(later) == [new.pk]
    assert later["cursor"] != first["cursor"]
    assert sync(api, cursor=later["cursor"])["results"] == []


def test_has_more_and_next_walk_through_a_backlog(api):
    articles = [published_article() for _ in range(5)]
    for index, article in enumerate(articles):
        set_updated_at(article, timedelta(minutes=10 - index))

    first = sync(api, page_size=2)
    assert changed_ids(first) == [articles[0].pk, articles[1].pk]
    assert first["has_more"] is True
    assert first["next"] is not None

    second = api.get(first["next"]).json()
    assert changed_ids(second) == [articles[2].pk, articles[3].pk]
    # The cursor alone (without next) continues the same way.
    assert sync(api, page_size=2, cursor=first["cursor"]) == second

    last = api.get(second["next"]).json()
    assert changed_ids(last) == [articles[4].pk]
    assert (last["has_more"], last["next"]) == (False, None)


def test_only_the_requested_edition_syncs(api):
    published_article()
    arabic = published_article(edition=edition("ar"), title="خبر", slug="khabar")

    assert changed_ids(sync(api, lang="ar")) == [arabic.pk]


@pytest.mark.parametrize("cursor", ["garbage", "eyJrIjoic3luYyJ9", "", "%%%"])
def test_bad_cursor_is_400(api, cursor):
    response = api.get("/api/v1/sync/", {"cursor": cursor} if cursor else {"cursor": "=" * 3})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["cursor"]


def test_cursor_of_another_list_is_400(api):
    published_article()
    published_article()
    feed_next = api.get("/api/v1/articles/", {"page_size": 1}).json()["next"]
    feed_cursor = feed_next.split("cursor=")[1].split("&")[0]

    response = api.get("/api/v1/sync/", {"cursor": feed_cursor})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cursor"]


def test_unknown_lang_is_400(api):
    response = api.get("/api/v1/sync/", {"lang": "xx"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["lang"]


def test_changes_younger_than_the_settle_window_are_held_back(api, settings):
    settings.SYNC_SETTLE_SECONDS = 60
    settled = published_article()
    set_updated_at(settled, timedelta(minutes=2))
    fresh = published_article()

    body = sync(api)
    assert changed_ids(body) == [settled.pk]

    # Once the window has passed, the held-back change comes after the cursor: nothing is skipped.
    set_updated_at(fresh, timedelta(seconds=61))
    assert changed_ids(sync(api, cursor=body["cursor"])) == [fresh.pk]


def test_query_count_does_not_grow_with_changes(api, django_assert_max_num_queries):
    for _ in range(5):
        published_article(authors=[AuthorFactory()])
    withdrawn = published_article()
    article_unpublish(article=withdrawn, by=None, reason="legal")

    with django_assert_max_num_queries(6):
        body = sync(api, lang="en", page_size=100)
    assert len(body["results"]) == 6
