"""backend.purge: the keys each change purges, the requests each back end sends; a failure never breaks an edit.

Fastly and Cloudflare are not reachable here: their API URLs point at a loopback server that records
what it is sent and answers as they do. Varnish itself is tested for real in tests/e2e/test_varnish.py.
"""

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
from django.utils import timezone

from backend.api.http_cache import surrogate_key
from backend.purge import CloudflarePurger, FastlyPurger, VarnishPurger, _purge_after_commit, purge
from backend.tasks import purge_keys
from newsapi import images, purges
from newsapi.models import AppRelease, Author, Edition
from newsapi.services import article_create, article_publish, article_unpublish, article_update
from notifications import delivery
from notifications.models import AlertState
from tests.backend.test_settings import run_manage
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, TagFactory, edition, published_article
from tests.notifications.factories import AlertFactory

pytestmark = pytest.mark.django_db


@dataclass
class Recorded:
    method: str
    path: str
    headers: Message  # names are case-insensitive here, as in HTTP
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class RecordingServer:
    """A loopback HTTP server that records each request and answers with ``status``, ``body`` and ``headers``."""

    status: int = 200
    body: bytes = b'{"success": true}'
    headers: dict[str, str] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def recorder() -> Iterator[RecordingServer]:
    record = RecordingServer()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            record.requests.append(Recorded(self.command, self.path, self.headers, self.rfile.read(length)))
            self.send_response(record.status)
            for name, value in record.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(record.body)))
            self.end_headers()
            self.wfile.write(record.body)

        do_POST = do_PURGE = _answer

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    record.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield record
    server.shutdown()
    server.server_close()


@pytest.fixture
def varnish_recorder(recorder, settings) -> RecordingServer:
    """The services purging a "Varnish" that records the keys it is asked to purge."""
    settings.CACHE_PURGER = "varnish"
    settings.VARNISH_PURGE_URLS = [recorder.url + "/"]
    recorder.headers = {"X-Purged": "1"}
    return recorder


def purged_keys(recorder: RecordingServer) -> set[str]:
    return {key for request in recorder.requests for key in request.headers["xkey-purge"].split()}


# --- The back ends ------------------------------------------------------------------------------------


def test_fastly_gets_the_keys_in_batches_of_256_with_the_api_token(recorder):
    keys = [f"article-{n}" for n in range(300)]

    result = FastlyPurger(api_url=recorder.url, service_id="SVC123", token="fastly-token", timeout=3).purge(keys)

    assert result.ok and result.requests == 2
    first, second = recorder.requests
    assert (first.method, first.path) == ("POST", "/service/SVC123/purge")
    assert first.headers["Fastly-Key"] == "fastly-token"
    assert first.headers["Content-Type"] == "application/json"
    assert "Fastly-Soft-Purge" not in first.headers  # a hard purge
    assert first.json()["surrogate_keys"] + second.json()["surrogate_keys"] == keys
    assert len(first.json()["surrogate_keys"]) == 256


def test_cloudflare_gets_the_tags_in_batches_of_100_with_a_bearer_token(recorder):
    keys = [f"article-{n}" for n in range(150)]

    result = CloudflarePurger(api_url=recorder.url, zone_id="ZONE9", token="cf-token", timeout=3).purge(keys)

    assert result.ok and result.requests == 2
    first, second = recorder.requests
    assert (first.method, first.path) == ("POST", "/zones/ZONE9/purge_cache")
    assert first.headers["Authorization"] == "Bearer cf-token"
    assert first.json() == {"tags": keys[:100]} and second.json() == {"tags": keys[100:]}


def test_cloudflare_saying_no_is_a_failure(recorder):
    recorder.status, recorder.body = 400, b'{"success": false, "errors": [{"code": 1134, "message": "not entitled"}]}'

    result = CloudflarePurger(api_url=recorder.url, zone_id="ZONE9", token="cf-token", timeout=3).purge(["home-en"])

    assert not result.ok and "400" in result.errors[0] and "not entitled" in result.errors[0]


def test_varnish_gets_header_sized_batches_at_every_cache(recorder):
    recorder.headers = {"X-Purged": "3"}
    keys = [f"article-{n:07d}" for n in range(1500)]  # about 21 KB of keys: more than one header line holds
    urls = [recorder.url + "/", recorder.url + "/second-cache/"]

    result = VarnishPurger(urls=urls, timeout=3).purge(keys)

    headers = [request.headers["xkey-purge"] for request in recorder.requests]
    assert all(request.method == "PURGE" for request in recorder.requests)
    assert {request.path for request in recorder.requests} == {"/", "/second-cache/"}
    assert all(len(header) <= VarnishPurger.MAX_HEADER for header in headers)
    assert [key for header in headers[::2] for key in header.split()] == keys  # every key, at each cache
    assert result.ok and result.requests == len(headers) == 8 and result.purged == 3 * 8


def test_a_cache_that_refuses_is_a_failure_with_its_answer(recorder):
    recorder.status, recorder.body = 403, b"Forbidden"

    result = VarnishPurger(urls=[recorder.url + "/"], timeout=3).purge(["home-en"])

    assert not result.ok and result.errors == (f"PURGE {recorder.url}/: 403 Forbidden",)


# --- Never breaking an edit ---------------------------------------------------------------------------


def test_an_unreachable_cache_is_logged_and_the_publication_stands(
    settings, caplog, django_capture_on_commit_callbacks
):
    settings.CACHE_PURGER = "varnish"
    settings.VARNISH_PURGE_URLS = ["http://127.0.0.1:9/"]  # discard: nothing listens
    article = ArticleFactory()

    with caplog.at_level(logging.ERROR, logger="backend.purge"), django_capture_on_commit_callbacks(execute=True):
        article_publish(article=article, by=None)

    article.refresh_from_db()
    assert article.status == "published"
    [record] = [r for r in caplog.records if r.name == "backend.purge"]
    assert record.levelno == logging.ERROR
    assert "purge from varnish failed" in record.getMessage() and f"article-{article.pk}" in record.getMessage()


def test_a_misconfigured_purger_is_logged_and_the_withdrawal_stands(
    settings, caplog, django_capture_on_commit_callbacks
):
    article = published_article()
    settings.CACHE_PURGER = "fastly"
    settings.FASTLY_SERVICE_ID = ""  # the settings refuse this at start-up; here it is changed under them
    settings.CACHE_PURGE_REPEAT_SECONDS = 10

    with caplog.at_level(logging.ERROR, logger="backend.purge"), django_capture_on_commit_callbacks(execute=True):
        article_unpublish(article=article, by=None, reason="Wrong")

    article.refresh_from_db()
    assert article.status == "unpublished"
    failures = [r for r in caplog.records if r.name == "backend.purge" and r.getMessage().startswith("purge failed")]
    assert failures and "needs FASTLY_SERVICE_ID" in str(failures[0].exc_info[1])


def test_nothing_is_purged_or_computed_without_a_purger(django_capture_on_commit_callbacks, settings):
    assert settings.CACHE_PURGER == ""
    article = ArticleFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        article_publish(article=article, by=None)

    assert not [callback for callback in callbacks if getattr(callback, "func", None) is _purge_after_commit]
    assert purges.article_seen(article) is None


# --- Which keys each change purges ---------------------------------------------------------------------


def test_a_publication_purges_the_story_the_lists_of_its_edition_and_its_tags(
    varnish_recorder, django_capture_on_commit_callbacks
):
    tag = TagFactory(edition=edition("en"), slug="china", name="China")
    article = ArticleFactory(tags=[tag])

    with django_capture_on_commit_callbacks(execute=True):
        article_publish(article=article, by=None)

    assert purged_keys(varnish_recorder) == {
        f"article-{article.pk}",
        "articles-en", "home-en", "search-en", "most-read-en", "sync-en",
        "tag-en-china",
        "sitemaps",
    }  # fmt: skip


def test_a_drafts_edits_purge_nothing(varnish_recorder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = article_create(by=None, edition=edition("en"), section=ArticleFactory().section, title="Draft")
        article_update(article=draft, by=None, changes={"title": "Still a draft"})

    assert varnish_recorder.requests == []


def test_a_correction_that_moves_tags_purges_the_old_and_the_new_tag(
    varnish_recorder, django_capture_on_commit_callbacks
):
    old, new = TagFactory(edition=edition("en"), slug="iraq"), TagFactory(edition=edition("en"), slug="syria")
    article = published_article(tags=[old])
    varnish_recorder.requests.clear()

    with django_capture_on_commit_callbacks(execute=True):
        article_update(article=article, by=None, changes={"tags": [new], "title": "Corrected"})

    assert {"tag-en-iraq", "tag-en-syria", f"article-{article.pk}", "home-en"} <= purged_keys(varnish_recorder)
    assert not any(key.startswith(("section-", "edition-")) for key in purged_keys(varnish_recorder))


def test_publishing_a_translation_purges_the_other_editions_version(
    varnish_recorder, django_capture_on_commit_callbacks
):
    english = published_article()
    sorani = ArticleFactory(edition=edition("ckb"), translation_group=english.translation_group, slug="ckb-story")
    varnish_recorder.requests.clear()

    with django_capture_on_commit_callbacks(execute=True):
        article_publish(article=sorani, by=None)

    keys = purged_keys(varnish_recorder)
    assert {f"article-{sorani.pk}", f"article-{english.pk}", "home-ckb"} <= keys and "home-en" not in keys


def test_a_withdrawal_purges_at_once_and_again_later(
    varnish_recorder, settings, broker_queue, django_capture_on_commit_callbacks
):
    settings.CACHE_PURGE_REPEAT_SECONDS = 10
    article = published_article()
    varnish_recorder.requests.clear()

    with django_capture_on_commit_callbacks(execute=True):
        article_unpublish(article=article, by=None, reason="Wrong")

    keys = purged_keys(varnish_recorder)
    assert {f"article-{article.pk}", "home-en", "articles-en", "sync-en", "sitemaps"} <= keys
    message = broker_queue.get(timeout=5)
    assert message.headers["task"] == "backend.purge" and message.headers["eta"] is not None
    assert set(message.payload[0][0]) == keys


def test_the_repeated_purge_task_purges_and_never_raises(varnish_recorder, settings):
    assert purge_keys(["article-7"]) is True
    assert purged_keys(varnish_recorder) == {"article-7"}

    settings.VARNISH_PURGE_URLS = ["http://127.0.0.1:9/"]
    assert purge_keys(["article-7"]) is False


def test_a_picture_change_purges_the_published_stories_showing_it(varnish_recorder, django_capture_on_commit_callbacks):
    picture = ImageFactory()
    shown, draft = published_article(image=picture), ArticleFactory(image=picture)
    varnish_recorder.requests.clear()

    with django_capture_on_commit_callbacks(execute=True):
        images.image_update(image=picture, by=None, changes={"caption": "Smoke over the old town"})

    keys = purged_keys(varnish_recorder)
    assert f"article-{shown.pk}" in keys and f"article-{draft.pk}" not in keys


def test_renaming_an_author_in_the_admin_purges_their_published_stories(
    varnish_recorder, admin_client, django_capture_on_commit_callbacks
):
    author = AuthorFactory(name="Rudaw Staff", slug="rudaw-staff")
    article = published_article(authors=[author])
    varnish_recorder.requests.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/newsapi/author/{author.pk}/change/", {"name": "Newsline Staff", "slug": "rudaw-staff", "bio": ""}
        )

    assert response.status_code == 302 and Author.objects.get(pk=author.pk).name == "Newsline Staff"
    assert purged_keys(varnish_recorder) == {f"article-{article.pk}", "sync-en"}


def test_a_new_app_release_purges_the_app_config_and_the_web_pages(
    varnish_recorder, admin_client, django_capture_on_commit_callbacks
):
    form = {
        "platform": "android",
        "store_url": "https://play.google.com/store/apps/details?id=news.newsline.app",
        "latest_version": "2.0.0",
        "min_supported_version": "1.5.0",
        "feature_flags": "{}",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/newsapi/apprelease/add/", form)

    assert response.status_code == 302 and AppRelease.objects.filter(platform="android").exists()
    assert purged_keys(varnish_recorder) == {"app-config", "web"}


def test_structural_changes_purge_whole_editions(varnish_recorder):
    editions = {f"edition-{code}" for code in Edition.objects.values_list("code", flat=True)}
    tag = TagFactory(edition=edition("ar"), slug="news")

    assert purges.section_change_keys() == {"sections", *editions}
    everything = {"editions", "app-config", *editions}
    assert purges.edition_change_keys(before=edition("en"), after=edition("en")) == everything
    assert purges.tag_change_keys(before=tag, after=tag) == {"edition-ar"}


def test_an_alert_that_starts_sending_purges_its_editions_inbox(varnish_recorder, django_capture_on_commit_callbacks):
    alert = AlertFactory(state=AlertState.QUEUED, queued_at=timezone.now() - timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        delivery.alert_fanout(alert_id=alert.pk)

    assert "alerts-en" in purged_keys(varnish_recorder)


# --- Keys in headers ------------------------------------------------------------------------------------


def test_cloudflare_is_given_the_keys_as_cache_tags(api, settings):
    article = published_article()
    plain = api.get(f"/api/v1/articles/{article.pk}/")
    settings.CACHE_PURGER = "cloudflare"

    first, replayed = api.get(f"/api/v1/articles/{article.pk}/"), api.get(f"/api/v1/articles/{article.pk}/")

    assert "Cache-Tag" not in plain
    for response in (first, replayed):  # rendered, then from the response cache
        assert response["Cache-Tag"] == ",".join(response["Surrogate-Key"].split())
        assert f"article-{article.pk}" in response["Cache-Tag"].split(",")


def test_keys_in_other_scripts_travel_percent_encoded_and_purge_the_same(api, varnish_recorder):
    slug = "کوردستان"
    tag = TagFactory(edition=edition("ckb"), slug=slug, name=slug)
    published_article(edition=edition("ckb"), tags=[tag], slug="ckb-story")

    response = api.get(f"/api/v1/tags/{quote(slug)}/", {"lang": "ckb"})
    purge(["tag-ckb-کوردستان"])

    header = response["Surrogate-Key"]
    assert header.isascii() and surrogate_key("tag-ckb-کوردستان") in header.split()
    assert purged_keys(varnish_recorder) == {surrogate_key("tag-ckb-کوردستان")}


# --- Settings ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CACHE_PURGER": "akamai"}, "CACHE_PURGER must be empty, varnish, fastly or cloudflare"),
        ({"CACHE_PURGER": "fastly", "FASTLY_SERVICE_ID": "SVC"}, "CACHE_PURGER=fastly needs FASTLY_API_TOKEN"),
        ({"CACHE_PURGER": "varnish"}, "CACHE_PURGER=varnish needs VARNISH_PURGE_URLS"),
    ],
    ids=["unknown", "fastly-without-token", "varnish-without-urls"],
)
def test_the_settings_refuse_a_purger_they_cannot_run(tmp_path, env, message):
    result = run_manage(tmp_path, "check", DEBUG="1", **env)

    assert result.returncode != 0 and message in result.stderr
