"""HTTP caching on every public GET: strong ETag, 304s, Last-Modified, Cache-Control, Surrogate-Key, gzip."""

import gzip
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import http_date

from newsapi.models import Article
from newsapi.services import article_unpublish
from tests.factories import TagFactory, published_article

pytestmark = pytest.mark.django_db

CACHE_CONTROL = re.compile(r"^public, max-age=\d+, stale-while-revalidate=\d+$")
STRONG_ETAG = re.compile(r'^"[^"]+"$')


@pytest.fixture
def content(settings):
    """A few published English articles in one section and tag, with every change settled for /sync/."""
    settings.SYNC_SETTLE_SECONDS = 0
    china = TagFactory(slug="china", name="China")
    articles = [
        published_article(tags=[china], published_at=timezone.now() - timedelta(minutes=minutes))
        for minutes in (1, 2, 3)
    ]
    return articles


def endpoints(article: Article) -> dict[str, str]:
    return {
        "editions": "/api/v1/editions/",
        "sections": "/api/v1/sections/?lang=en",
        "articles": "/api/v1/articles/?lang=en",
        "detail": f"/api/v1/articles/{article.pk}/",
        "home": "/api/v1/home/?lang=en",
        "search": "/api/v1/search/?q=paragraph&lang=en",
        "tag": "/api/v1/tags/china/?lang=en",
        "sync": "/api/v1/sync/?lang=en",
        "app-config": "/api/v1/app-config/?platform=android&version=1.0.0",
    }


ENDPOINTS = ["editions", "sections", "articles", "detail", "home", "search", "tag", "sync", "app-config"]


def backdate_everything(minutes: int = 60) -> None:
    """Move every change into the past, so a change made now is later than any Last-Modified already sent."""
    Article.objects.update(updated_at=timezone.now() - timedelta(minutes=minutes))


@pytest.mark.parametrize("name", ENDPOINTS)
def test_public_get_has_a_strong_etag_cache_control_and_surrogate_keys(api, content, name):
    response = api.get(endpoints(content[0])[name])

    assert response.status_code == 200, response.content
    assert STRONG_ETAG.match(response["ETag"]), response["ETag"]
    assert CACHE_CONTROL.match(response["Cache-Control"]), response["Cache-Control"]
    assert response["Surrogate-Key"].strip()
    assert "Accept-Encoding" in response["Vary"]


@pytest.mark.parametrize("name", ENDPOINTS)
def test_matching_if_none_match_is_a_304_with_no_body(api, content, name):
    url = endpoints(content[0])[name]
    etag = api.get(url)["ETag"]

    response = api.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert CACHE_CONTROL.match(response["Cache-Control"])


@pytest.mark.parametrize("name", ENDPOINTS)
def test_the_same_content_gives_the_same_etag(api, content, name):
    url = endpoints(content[0])[name]

    assert api.get(url)["ETag"] == api.get(url)["ETag"]


@pytest.mark.parametrize("name", ENDPOINTS)
def test_an_etag_among_several_in_if_none_match_is_a_304(api, content, name):
    url = endpoints(content[0])[name]
    etag = api.get(url)["ETag"]

    assert api.get(url, HTTP_IF_NONE_MATCH=f'"stale", {etag}').status_code == 304


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_stale_etag_gets_the_full_answer(api, content, name):
    response = api.get(endpoints(content[0])[name], HTTP_IF_NONE_MATCH='"0123456789abcdef"')

    assert response.status_code == 200
    assert response.content


def test_surrogate_keys_name_what_each_response_depends_on(api, content):
    newest = content[0]
    urls = endpoints(newest)

    def keys(name: str) -> set[str]:
        return set(api.get(urls[name])["Surrogate-Key"].split())

    assert {"editions"} <= keys("editions")
    assert {"sections", "edition-en"} <= keys("sections")
    assert {"edition-en", *(f"article-{a.pk}" for a in content)} <= keys("articles")
    assert {f"article-{newest.pk}", "section-world", "edition-en"} <= keys("detail")
    assert {"home-en", "edition-en"} <= keys("home")
    assert {"edition-en"} <= keys("search")
    assert {"edition-en", *(f"article-{a.pk}" for a in content)} <= keys("tag")
    assert {"edition-en"} <= keys("sync")
    assert {"app-config"} <= keys("app-config")


def test_a_section_filtered_list_names_the_section(api, content):
    keys = api.get("/api/v1/articles/?section=world")["Surrogate-Key"].split()

    assert "section-world" in keys


def test_publishing_an_article_changes_the_list_etag(api, content):
    url = "/api/v1/articles/?lang=en"
    old = api.get(url)["ETag"]

    published_article()
    response = api.get(url, HTTP_IF_NONE_MATCH=old)

    assert response.status_code == 200
    assert response["ETag"] != old
    assert len(response.json()["results"]) == 4


@pytest.mark.parametrize("name", ["articles", "home", "tag", "search"])
def test_withdrawing_an_article_changes_the_etag_of_every_list_showing_it(api, content, name):
    url = endpoints(content[0])[name]
    old = api.get(url)["ETag"]

    article_unpublish(article=content[0], by=None, reason="legal")
    response = api.get(url, HTTP_IF_NONE_MATCH=old)

    assert response.status_code == 200
    assert str(content[0].pk) not in {str(card["id"]) for card in _cards(response.json())}


def _cards(body) -> list[dict]:
    if "top" in body:
        return body["top"] + body["breaking"] + [c for s in body["sections"] for c in s["articles"]]
    return body["results"]


def test_an_edit_changes_the_detail_etag(api, content):
    article = content[0]
    url = f"/api/v1/articles/{article.pk}/"
    old = api.get(url)["ETag"]

    article.title = "Corrected headline"
    article.save()
    response = api.get(url, HTTP_IF_NONE_MATCH=old)

    assert response.status_code == 200
    assert response.json()["title"] == "Corrected headline"


def test_a_cached_etag_never_revalidates_a_withdrawn_article(api, content):
    article = content[0]
    url = f"/api/v1/articles/{article.pk}/"
    etag = api.get(url)["ETag"]

    article_unpublish(article=article, by=None, reason="legal")
    response = api.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


# --- Last-Modified and If-Modified-Since ---------------------------------------------------------


@pytest.mark.parametrize("name", ["articles", "detail", "tag", "search"])
def test_if_modified_since_is_a_304_while_nothing_changed(api, content, name):
    backdate_everything()
    url = endpoints(content[0])[name]
    last_modified = api.get(url)["Last-Modified"]

    response = api.get(url, HTTP_IF_MODIFIED_SINCE=last_modified)

    assert response.status_code == 304
    assert response.content == b""


@pytest.mark.parametrize("name", ["articles", "detail", "tag", "search"])
def test_if_modified_since_is_a_200_after_a_change(api, content, name):
    backdate_everything()
    url = endpoints(content[0])[name]
    last_modified = api.get(url)["Last-Modified"]

    published_article(tags=[TagFactory(slug="china")])
    response = api.get(url, HTTP_IF_MODIFIED_SINCE=last_modified)

    assert response.status_code == 200
    assert response["Last-Modified"] != last_modified


def test_last_modified_is_the_latest_change(api, content):
    backdate_everything(minutes=90)
    latest = (timezone.now() - timedelta(minutes=30)).replace(microsecond=0)
    Article.objects.filter(pk=content[1].pk).update(updated_at=latest)

    assert api.get("/api/v1/articles/")["Last-Modified"] == http_date(latest.timestamp())


# --- compression ---------------------------------------------------------------------------------


def test_gzip_variant_has_its_own_strong_etag_stable_across_requests(api, content):
    url = "/api/v1/articles/?lang=en"
    plain = api.get(url)
    zipped = api.get(url, HTTP_ACCEPT_ENCODING="gzip")
    zipped_again = api.get(url, HTTP_ACCEPT_ENCODING="gzip")

    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert STRONG_ETAG.match(zipped["ETag"]), zipped["ETag"]
    assert zipped["ETag"] != plain["ETag"]
    assert zipped_again["ETag"] == zipped["ETag"]


def test_gzip_etag_revalidates_to_a_304(api, content):
    url = "/api/v1/articles/?lang=en"
    etag = api.get(url, HTTP_ACCEPT_ENCODING="gzip")["ETag"]

    response = api.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""


def test_the_plain_etag_does_not_revalidate_the_gzip_variant(api, content):
    url = "/api/v1/articles/?lang=en"
    plain_etag = api.get(url)["ETag"]

    response = api.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=plain_etag)

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"


def test_home_has_no_last_modified_because_its_breaking_strip_ages_with_the_clock(api, content):
    response = api.get("/api/v1/home/")

    assert response.status_code == 200
    assert "Last-Modified" not in response
    assert response["ETag"]


def test_a_withdrawn_article_leaves_the_cached_list_and_detail_at_once(api):
    from newsapi.services import article_unpublish

    kept, withdrawn = published_article(), published_article()
    assert {item["id"] for item in api.get("/api/v1/articles/").json()["results"]} == {kept.pk, withdrawn.pk}
    assert api.get(f"/api/v1/articles/{withdrawn.pk}/").status_code == 200

    article_unpublish(article=withdrawn, by=None, reason="Legal")

    assert [item["id"] for item in api.get("/api/v1/articles/").json()["results"]] == [kept.pk]
    assert api.get(f"/api/v1/articles/{withdrawn.pk}/").status_code == 404
