"""The HTTP cache in front, for real: varnishd running deploy/varnish/default.vcl before the live server, purged
by the services through backend.purge after each change commits.

What it must show: public reads are served from the cache (and revalidated there with 304s); a change
purges exactly the responses that show it, so an unrelated story stays cached; a withdrawn story is
gone at the very next request, even while stale copies are within their grace; only the purgers'
addresses may purge; nothing private, logged-in or device-authenticated is stored.
"""

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from backend.purge import purge
from newsapi.models import Article, article_web_url
from newsapi.services import article_publish, article_unpublish, article_update
from notifications.models import AlertState
from tests.e2e.varnish import VARNISHD, Answer, Varnish
from tests.factories import ArticleFactory, SectionFactory, published_article
from tests.notifications.factories import AlertFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not Path(VARNISHD).exists(), reason="varnishd is missing: `make varnish` installs varnish and varnish-modules"
    ),
]


@pytest.fixture(scope="module")
def varnish_server(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Varnish]:
    parts = urlsplit(live_server.url)
    assert parts.hostname is not None and parts.port is not None
    # An address, not a name: Varnish refuses a backend name that resolves to two addresses (IPv4 and IPv6).
    server = Varnish(
        backend_host=socket.gethostbyname(parts.hostname),
        backend_port=parts.port,
        workdir=tmp_path_factory.mktemp("varnish"),
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def varnish(varnish_server: Varnish, settings) -> Varnish:
    """The cache, emptied, and the services purging it."""
    settings.CACHE_PURGER = "varnish"
    settings.VARNISH_PURGE_URLS = [varnish_server.url]
    varnish_server.ban_all()
    return varnish_server


def cached(varnish: Varnish, path: str) -> Answer:
    """``path`` fetched until the cache holds it: a miss, then a hit."""
    first = varnish.get(path)
    assert (first.status, first.cache) == (200, "MISS"), (path, first.status, first.cache)
    second = varnish.get(path)
    assert second.cache == "HIT", (path, second.cache)
    return second


def page_path(article: Article) -> str:
    return urlsplit(article_web_url(article)).path


def world_story(title: str, **fields) -> Article:
    return published_article(title=title, section=SectionFactory(slug="world", names={"en": "World"}), **fields)


def sport_story(title: str) -> Article:
    return published_article(title=title, section=SectionFactory(slug="sport", names={"en": "Sport"}))


def test_a_public_article_is_served_from_the_cache_and_revalidated_there_with_a_304(varnish):
    story = world_story("Dam talks resume")
    path = f"/api/v1/articles/{story.pk}/"

    first, second = varnish.get(path), varnish.get(path)

    assert (first.status, first.cache) == (200, "MISS")
    assert (second.status, second.cache) == (200, "HIT")
    assert second.body == first.body and second.json()["title"] == "Dam talks resume"
    assert second.headers["Cache-Control"].startswith("public, max-age=")
    assert "Age" in second.headers
    # The keys are the cache's business; readers never see them.
    assert "Surrogate-Key" not in second.headers and "xkey" not in second.headers
    not_modified = varnish.get(path, If_None_Match=second.headers["ETag"])
    assert (not_modified.status, not_modified.cache, not_modified.body) == (304, "HIT", b"")
    # The same for an app asking for gzip, which is how the object is stored.
    zipped = varnish.get(path, Accept_Encoding="gzip")
    assert (zipped.cache, zipped.headers["Content-Encoding"]) == ("HIT", "gzip")
    assert varnish.get(path, Accept_Encoding="gzip", If_None_Match=zipped.headers["ETag"]).status == 304


def test_a_purger_may_see_the_keys_it_would_purge(varnish):
    story = world_story("Dam talks resume")
    path = f"/api/v1/articles/{story.pk}/"
    cached(varnish, path)

    keys = varnish.get(path, X_Cache_Debug="1").headers["Surrogate-Key"].split()
    stranger = varnish.request_from("203.0.113.9", "GET", path, headers={"X-Cache-Debug": "1"})

    assert {f"article-{story.pk}", "section-world", "edition-en"} <= set(keys)
    assert stranger.cache == "HIT" and "Surrogate-Key" not in stranger.headers


def test_publishing_purges_the_lists_that_must_show_the_story_and_leaves_other_stories_cached(varnish):
    other = world_story("Harvest comes early")  # the same section: its page is cached before the story exists
    story = ArticleFactory(title="Border crossing reopens", section=other.section)
    lists = ["/api/v1/articles/?lang=en", "/api/v1/articles/?lang=en&section=world", "/api/v1/home/?lang=en", "/en/"]
    for path in [f"/api/v1/articles/{other.pk}/", page_path(other), *lists]:
        cached(varnish, path)
    assert varnish.get(f"/api/v1/articles/{story.pk}/").status == 404

    article_publish(article=story, by=None)

    for path in lists:
        answer = varnish.get(path)
        assert (answer.status, answer.cache) == (200, "MISS"), path
        assert b"Border crossing reopens" in answer.body, path
    assert varnish.get(f"/api/v1/articles/{story.pk}/").json()["title"] == "Border crossing reopens"
    assert varnish.get(f"/api/v1/articles/{other.pk}/").cache == "HIT"
    assert varnish.get(page_path(other)).cache == "HIT"


def test_a_correction_purges_every_response_showing_the_story_and_no_other(varnish):
    story = world_story("Minstry confirms talks")
    neighbour = world_story("Talks venue chosen")  # its "see more" strip shows the story
    unrelated = sport_story("Cup final tonight")
    story_paths = [f"/api/v1/articles/{story.pk}/", page_path(story), "/api/v1/articles/?lang=en"]
    story_paths.append("/api/v1/home/?lang=en")
    for path in [*story_paths, f"/api/v1/articles/{neighbour.pk}/", f"/api/v1/articles/{unrelated.pk}/"]:
        cached(varnish, path)

    article_update(article=story, by=None, changes={"title": "Ministry confirms talks"})

    for path in [*story_paths, f"/api/v1/articles/{neighbour.pk}/"]:
        answer = varnish.get(path)
        assert answer.cache == "MISS", path
        assert b"Ministry confirms talks" in answer.body and b"Minstry" not in answer.body, path
    assert varnish.get(f"/api/v1/articles/{unrelated.pk}/").cache == "HIT"


def withdrawn_while_stale(varnish: Varnish, settings, story: Article, paths: list[str]) -> None:
    """Cache ``paths`` with a 1-second max-age, let it pass (stale copies, within the 300 s grace), withdraw."""
    settings.API_CACHE_MAX_AGE = 1
    for path in paths:
        cached(varnish, path)
    time.sleep(2.2)
    article_unpublish(article=story, by=None, reason="The report was wrong")


def test_a_withdrawn_story_is_gone_at_the_next_request_even_while_its_copies_are_in_grace(varnish, settings):
    story = world_story("Ceasefire agreed")
    detail, page, feed = f"/api/v1/articles/{story.pk}/", page_path(story), "/api/v1/articles/?lang=en"

    withdrawn_while_stale(varnish, settings, story, [detail, page, feed])

    assert varnish.get(detail).status == 404
    assert varnish.get(page).status == 410
    listed = varnish.get(feed)
    assert listed.status == 200 and story.pk not in [card["id"] for card in listed.json()["results"]]
    assert b"Ceasefire agreed" not in listed.body


def test_without_the_purge_grace_would_serve_the_withdrawn_story(varnish, settings):
    """The control for the test above: the stale copy is really there to be served, and only the purge removes it."""
    story = world_story("Ceasefire agreed")
    detail = f"/api/v1/articles/{story.pk}/"
    settings.CACHE_PURGER = ""

    withdrawn_while_stale(varnish, settings, story, [detail])

    stale = varnish.get(detail)
    assert (stale.status, stale.cache) == (200, "HIT") and stale.json()["title"] == "Ceasefire agreed"
    assert int(stale.headers["Age"]) >= 2


def test_a_withdrawal_takes_the_storys_alert_out_of_the_cached_inbox(varnish):
    story = world_story("Ceasefire agreed")
    AlertFactory(article=story, title="Ceasefire agreed", state=AlertState.SENT, started_at=timezone.now())
    inbox = cached(varnish, "/api/v1/alerts/?lang=en")
    assert [alert["article_id"] for alert in inbox.json()["results"]] == [story.pk]

    article_unpublish(article=story, by=None, reason="The report was wrong")

    answer = varnish.get("/api/v1/alerts/?lang=en")
    assert answer.cache == "MISS" and answer.json()["results"] == []


def test_the_purger_drops_exactly_the_responses_carrying_a_key(varnish):
    story, unrelated = world_story("Dam talks resume"), sport_story("Cup final tonight")
    for path in (f"/api/v1/articles/{story.pk}/", page_path(story), f"/api/v1/articles/{unrelated.pk}/"):
        cached(varnish, path)

    result = purge([f"article-{story.pk}"])

    assert result.ok and result.purged == 2  # the story's API detail and its page
    assert varnish.get(f"/api/v1/articles/{story.pk}/").cache == "MISS"
    assert varnish.get(f"/api/v1/articles/{unrelated.pk}/").cache == "HIT"


def test_purge_needs_keys_and_an_address_among_the_purgers(varnish):
    story = world_story("Dam talks resume")
    path = f"/api/v1/articles/{story.pk}/"
    cached(varnish, path)
    keys = {"xkey-purge": f"article-{story.pk}"}

    assert varnish.request("PURGE", "/").status == 400
    assert varnish.request_from("203.0.113.9", "PURGE", "/", headers=keys).status == 403
    assert varnish.get(path).cache == "HIT"  # neither purged anything

    from_the_app_network = varnish.request_from("10.20.30.40", "PURGE", "/", headers=keys)

    assert (from_the_app_network.status, from_the_app_network.headers["X-Purged"]) == (200, "1")
    assert varnish.get(path).cache == "MISS"


def test_private_logged_in_and_device_requests_are_never_stored(varnish):
    story = world_story("Dam talks resume")
    path = f"/api/v1/articles/{story.pk}/"

    def twice(path: str, **headers: str) -> list[str]:
        return [varnish.get(path, **headers).cache for _ in range(2)]

    assert twice("/api/v1/devices/1/", Authorization="Device not-a-real-secret") == ["PASS", "PASS"]
    assert twice("/admin/login/") == ["PASS", "PASS"]
    assert twice(path, Cookie="sessionid=abc") == ["PASS", "PASS"]
    assert twice("/api/v1/articles/999999999/") == ["PASS", "PASS"]  # a 404 is not public: never stored
    # Any other cookie (analytics) is dropped, so the read is still cached.
    assert twice(path, Cookie="_ga=GA1.1.1") == ["MISS", "HIT"]
