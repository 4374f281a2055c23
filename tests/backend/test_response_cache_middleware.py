"""The response cache answers hits before the framework, with no query; misses are computed once (issue #9).

Runs against whatever cache the settings give: Redis with REDIS_URL, the in-process cache without.
"""

import threading
import time
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connections, transaction
from django.db.models import F
from django.test import Client, RequestFactory

from backend import content_version as versions
from backend.api import cache_middleware, response_cache, throttles
from backend.api.throttles import FixedWindowThrottle, ReadThrottle, WriteThrottle
from backend.redis_cache import RedisCache
from newsapi.api import views as api_views
from newsapi.models import ContentVersion
from newsapi.services import article_publish, article_unpublish
from tests.factories import ArticleFactory, published_article

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def urls(article) -> dict[str, str]:
    return {
        "list": "/api/v1/articles/?lang=en",
        "detail": f"/api/v1/articles/{article.pk}/",
        "home": "/api/v1/home/?lang=en",
        "web-article": f"/en/{article.section.slug}/{article.pk}/{article.slug}/",
        "web-home": "/en/",
    }


@pytest.fixture
def renders(monkeypatch):
    """How often the list, detail and home views ran (the test reads the count; the cache is real)."""
    counts = {"list": 0, "detail": 0, "home": 0}
    lock = threading.Lock()

    def counting(name, view):
        original = view.render

        def render(self, request, *args):
            with lock:
                counts[name] += 1
            return original(self, request, *args)

        monkeypatch.setattr(view, "render", render)

    counting("list", api_views.ArticleListView)
    counting("detail", api_views.ArticleDetailView)
    counting("home", api_views.HomeView)
    return counts


def stored(path: str, **headers) -> Any:
    """What the cache holds for ``path`` (as the test client asks for it), or None."""
    return cache.get(response_cache.entry_key(RequestFactory().get(path, **headers)))


# --- Hits -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "detail", "home", "web-article", "web-home"])
@pytest.mark.parametrize("encoding", [{}, GZIP], ids=["identity", "gzip"])
def test_a_hit_makes_no_query_and_replays_the_miss_byte_for_byte(client, django_assert_num_queries, name, encoding):
    url = urls(published_article())[name]
    miss = client.get(url, **encoding)
    assert miss.status_code == 200

    with django_assert_num_queries(0):
        hit = client.get(url, **encoding)

    assert hit.status_code == 200
    assert hit.content == miss.content
    assert dict(hit.items()) == dict(miss.items())
    assert {"ETag", "Cache-Control", "Surrogate-Key", "Content-Type", "Vary"} <= set(hit.headers)
    assert (hit.get("Content-Encoding") == "gzip") == bool(encoding)


@pytest.mark.parametrize("name", ["list", "detail", "home"])
def test_a_hit_never_reaches_the_view(api, renders, name):
    url = urls(published_article())[name]

    for _ in range(5):
        assert api.get(url).status_code == 200

    assert renders[name] == 1


def test_the_two_encodings_are_two_entries_with_their_own_etags(api):
    url = urls(published_article())["list"]

    plain, gzipped = api.get(url), api.get(url, **GZIP)

    assert stored(url)["b"] == plain.content
    assert stored(url, **GZIP)["b"] == gzipped.content
    assert plain["ETag"] != gzipped["ETag"]


@pytest.mark.parametrize("name", ["list", "detail", "home", "web-article"])
def test_the_middleware_answers_if_none_match_with_a_304(api, django_assert_num_queries, name):
    url = urls(published_article())[name]
    etag = api.get(url)["ETag"]

    with django_assert_num_queries(0):
        response = api.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"].startswith("public")


def test_a_miss_with_if_none_match_is_stored_and_still_answered_304(api, renders):
    url = urls(published_article())["detail"]
    etag = api.get(url)["ETag"]
    cache.delete(response_cache.entry_key(RequestFactory().get(url)))

    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert api.get(url).status_code == 200

    assert renders["detail"] == 2  # the 304 was rendered once, stored, then replayed
    assert stored(url)["b"]


def test_a_head_is_answered_from_the_entry_and_stores_nothing_itself(api, renders):
    url = urls(published_article())["detail"]

    assert api.head(url).status_code == 200
    assert stored(url) is None
    get = api.get(url)
    head = api.head(url)

    assert head.status_code == 200
    assert head["ETag"] == get["ETag"]
    assert renders["detail"] == 2


# --- Versions: publish and withdrawal ----------------------------------------------------------


def test_a_withdrawal_moves_the_version_and_the_story_is_never_served_again(api, client, renders):
    article = published_article()
    other = published_article()
    paths = urls(article)
    for _ in range(2):
        assert api.get(paths["detail"]).status_code == 200
        assert client.get(paths["web-article"]).status_code == 200
        assert article.pk in {card["id"] for card in api.get(paths["list"]).json()["results"]}

    article_unpublish(article=article, by=None, reason="legal")

    assert api.get(paths["detail"]).status_code == 404
    assert client.get(paths["web-article"]).status_code == 410
    assert {card["id"] for card in api.get(paths["list"]).json()["results"]} == {other.pk}
    assert renders["detail"] == 2 and renders["list"] == 2


def test_a_publication_moves_the_version_and_the_drafts_404_was_never_stored(api, renders):
    draft = ArticleFactory()
    detail = urls(draft)["detail"]
    assert api.get(detail).status_code == 404
    assert api.get(detail).status_code == 404
    assert response_cache.is_pass(stored(detail))  # a mark that says "render it", never a body

    article_publish(article=draft, by=None)

    assert api.get(detail).status_code == 200
    assert renders["detail"] == 3


def test_the_version_moves_when_the_counter_moves_and_again_when_it_commits(django_capture_on_commit_callbacks):
    before = versions.current()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ContentVersion.bump()
        interim = versions.current()
    after = versions.current()

    # Whatever another connection rendered under the interim label (without the uncommitted change)
    # is never served once the commit has published a label of its own.
    assert len({before, interim, after}) == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_committed_withdrawal_is_published_after_its_commit(api):
    article = published_article()
    detail = urls(article)["detail"]
    assert api.get(detail).status_code == 200
    before = versions.current()

    article_unpublish(article=article, by=None, reason="legal")  # its own transaction, committed

    assert versions.current() != before
    assert api.get(detail).status_code == 404


def _task_names(queue) -> list[tuple[str, bool]]:
    names: list[tuple[str, bool]] = []
    while True:
        try:
            message = queue.get_nowait()
        except queue.Empty:
            return names
        names.append((message.headers["task"], message.headers.get("eta") is not None))


@pytest.mark.parametrize("replica", [True, False], ids=["with-a-replica", "one-database"])
def test_with_a_replica_the_version_is_published_again_once_it_has_replayed(
    broker_queue, django_capture_on_commit_callbacks, monkeypatch, replica
):
    """Entries rendered from a replica that had not replayed the commit yet are dropped a little later."""
    monkeypatch.setattr(versions, "reads_may_lag", lambda: replica)
    with django_capture_on_commit_callbacks(execute=True):
        ContentVersion.bump()
    committed = versions.current()

    assert _task_names(broker_queue) == ([(versions.REPUBLISH_TASK, True)] if replica else [])
    versions.republish.apply()
    assert versions.current() != committed


def test_without_the_label_the_counter_is_read_once_and_offered_to_the_cache(django_assert_num_queries):
    cache.delete(versions.KEY)

    with django_assert_num_queries(1):
        label = versions.current()
    with django_assert_num_queries(0):
        assert versions.current() == label

    assert label == f"db{ContentVersion.current()}"


def test_a_change_committed_elsewhere_is_seen_within_the_recheck_time(settings):
    """The in-process cache is not shared: a process re-reads the counter after CONTENT_VERSION_RECHECK_SECONDS."""
    settings.CONTENT_VERSION_RECHECK_SECONDS = 1
    versions.publish()
    label = versions.current()
    ContentVersion.objects.filter(pk=1).update(value=F("value") + 1)  # another process's save

    assert versions.current() == label
    time.sleep(1.2)
    assert versions.current() == f"db{ContentVersion.current()}" != label


# --- Never stored ----------------------------------------------------------------------------------


def test_a_device_endpoint_is_never_looked_up_or_stored(api):
    response = api.post(
        "/api/v1/devices/",
        {"token": "fcm-token-" + "a" * 40, "platform": "android", "language": "en", "timezone": "UTC"},
        format="json",
    )
    assert response.status_code == 201, response.content
    device = f"/api/v1/devices/{response.json()['id']}/"
    secret = {"HTTP_AUTHORIZATION": f"Device {response.json()['device_secret']}"}

    assert api.get(device, **secret).status_code == 200
    assert api.get(device, **secret).status_code == 200

    assert cache.get(response_cache.entry_key(RequestFactory().get(device, **secret))) is None


@pytest.mark.parametrize(
    "spoil",
    [
        lambda request, response: response.set_cookie("seen", "1"),
        lambda request, response: response.__setitem__("Cache-Control", "private, max-age=60"),
        lambda request, response: response.__setitem__("Vary", "Accept-Encoding, Cookie"),
        lambda request, response: str(request.csp_nonce),  # a nonce in the body must not be replayed
    ],
    ids=["set-cookie", "private", "vary-cookie", "csp-nonce"],
)
def test_a_response_that_is_not_for_everyone_is_never_stored(api, renders, monkeypatch, spoil):
    url = urls(published_article())["list"]
    original = api_views.ArticleListView.render

    def render(self, request):
        response = original(self, request)
        spoil(request, response)
        return response

    monkeypatch.setattr(api_views.ArticleListView, "render", render)

    assert api.get(url).status_code == 200
    assert api.get(url).status_code == 200

    assert response_cache.is_pass(stored(url))


def test_a_view_that_did_not_opt_in_is_rendered_every_time(api, django_assert_num_queries):
    assert api.get("/api/v1/editions/").status_code == 200

    with django_assert_num_queries(1):
        assert api.get("/api/v1/editions/").status_code == 200


def test_an_editor_with_a_session_is_always_rendered(api, renders):
    url = urls(published_article())["list"]
    api.cookies[settings.SESSION_COOKIE_NAME] = "an-editors-session"

    api.get(url)
    api.get(url)

    assert renders["list"] == 2
    assert stored(url) is None


def test_the_switch_turns_it_off(api, renders, settings):
    settings.API_RESPONSE_CACHE = False
    url = urls(published_article())["list"]

    api.get(url)
    api.get(url)

    assert renders["list"] == 2


def test_web_pages_use_no_csp_nonce_so_their_stored_policy_is_the_fixed_one(client):
    page = urls(published_article())["web-article"]

    miss, hit = client.get(page), client.get(page)

    for response in (miss, hit):
        assert "'nonce-" not in response["Content-Security-Policy"]
        assert b"nonce=" not in response.content
    assert hit["Content-Security-Policy"] == miss["Content-Security-Policy"]


def test_it_sits_before_the_framework_and_after_the_security_headers():
    order = settings.MIDDLEWARE
    here = order.index("backend.api.cache_middleware.ResponseCacheMiddleware")

    assert order.index("django.middleware.security.SecurityMiddleware") < here
    assert order.index("whitenoise.middleware.WhiteNoiseMiddleware") < here
    for inside in (
        "csp.middleware.CSPMiddleware",
        "backend.api.http_cache.ConditionalGetMiddleware",
        "backend.api.http_cache.PublicGZipMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "axes.middleware.AxesMiddleware",
    ):
        assert here < order.index(inside), inside


# --- Single flight -----------------------------------------------------------------------------------


def _concurrently(url: str, n: int) -> list:
    barrier = threading.Barrier(n)
    responses: list = [None] * n

    def fetch(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            responses[i] = Client().get(url)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return responses


@pytest.fixture
def slow_home(monkeypatch, renders):
    """The home view, slow enough that every request of a burst arrives while the first renders."""
    counted = api_views.HomeView.render

    def render(self, request):
        time.sleep(0.3)
        return counted(self, request)

    monkeypatch.setattr(api_views.HomeView, "render", render)
    return renders


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_misses_on_one_entry_render_once(slow_home, monkeypatch):
    # Waiting as long as the lock lives: on a loaded machine the first render may outlast the default wait.
    monkeypatch.setattr(cache_middleware, "WAIT_SECONDS", cache_middleware.LOCK_SECONDS)
    published_article()

    responses = _concurrently("/api/v1/home/?lang=en", 8)

    assert [response.status_code for response in responses] == [200] * 8
    assert len({response.content for response in responses}) == 1
    assert slow_home["home"] == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_waiting_is_bounded_so_a_stuck_render_holds_up_nobody_else(renders, monkeypatch):
    # The first render of the entry does not finish until the other requests have answered: they can only
    # answer by giving up waiting for it and rendering themselves. However slow the machine, this holds
    # or fails the same way: the first render gives up when half its lock's life has gone by (after
    # that, the lock expiring would free the others whether their waiting is bounded or not).
    monkeypatch.setattr(cache_middleware, "WAIT_SECONDS", 0.05)
    published_article()
    count = 4
    others_answered = threading.Event()
    first = threading.Lock()
    released: list[bool] = []
    counted = api_views.HomeView.render

    def render(self, request):
        if first.acquire(blocking=False):
            released.append(others_answered.wait(timeout=cache_middleware.LOCK_SECONDS / 2))
        return counted(self, request)

    monkeypatch.setattr(api_views.HomeView, "render", render)
    answered: list = []
    lock = threading.Lock()
    barrier = threading.Barrier(count)

    def fetch() -> None:
        try:
            barrier.wait(timeout=10)
            response = Client().get("/api/v1/home/?lang=en")
            with lock:
                answered.append(response)
                if len(answered) == count - 1:
                    others_answered.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fetch) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert released == [True]
    assert [response.status_code for response in answered] == [200] * count
    assert renders["home"] >= 2  # the first of the others to answer found no entry: it rendered


# --- Limits -------------------------------------------------------------------------------------------


def test_a_carriers_readers_behind_one_address_never_get_a_429(api):
    url = urls(published_article())["detail"]
    assert api.get(url, REMOTE_ADDR="203.0.113.77").status_code == 200

    statuses = {api.get(url, REMOTE_ADDR="203.0.113.77").status_code for _ in range(5000)}

    assert statuses == {200}


def test_a_hit_is_never_throttled_but_a_miss_is(api, monkeypatch):
    monkeypatch.setattr(ReadThrottle, "THROTTLE_RATES", {**ReadThrottle.THROTTLE_RATES, "read": "2/min"})
    url = urls(published_article())["detail"]

    assert {api.get(url, REMOTE_ADDR="203.0.113.9").status_code for _ in range(20)} == {200}
    assert api.get("/api/v1/articles/?lang=en", REMOTE_ADDR="203.0.113.9").status_code == 200
    assert api.get("/api/v1/home/?lang=en", REMOTE_ADDR="203.0.113.9").status_code == 429


def test_the_default_read_rate_lets_a_carrier_nat_through():
    throttle = ReadThrottle()

    assert throttle.num_requests is not None and throttle.duration is not None
    assert throttle.num_requests / throttle.duration * 60 >= 6000


@pytest.mark.parametrize("throttle", [ReadThrottle, WriteThrottle])
def test_reads_and_writes_are_counted_in_fixed_windows(throttle):
    assert issubclass(throttle, FixedWindowThrottle)


def test_the_read_throttle_keeps_one_small_integer_per_address_and_window(api, monkeypatch):
    keys: list[str] = []
    original = throttles.count

    def spy(key: str, seconds: int) -> int:
        keys.append(key)
        return original(key, seconds)

    monkeypatch.setattr(throttles, "count", spy)

    for _ in range(30):
        assert api.get("/api/v1/editions/", REMOTE_ADDR="198.51.100.30").status_code == 200

    assert len(keys) == 30
    values = [cache.get(key) for key in set(keys)]
    assert all(type(value) is int for value in values)
    assert sum(values) == 30  # one window, or two if a minute turned meanwhile


def test_counting_costs_one_round_trip_to_redis(monkeypatch):
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        pytest.skip("Redis only (the in-process cache has no round trips)")
    from redis.connection import AbstractConnection

    sends = []
    original = AbstractConnection.send_packed_command

    def counting(self, command, check_health=True):
        sends.append(command)
        return original(self, command, check_health)

    backend._cache.get_client(write=True).ping()  # a connection in the pool already
    monkeypatch.setattr(AbstractConnection, "send_packed_command", counting)

    assert [throttles.count("throttle:test:198.51.100.1:1", 60) for _ in range(3)] == [1, 2, 3]

    assert len(sends) == 3
    assert backend.get("throttle:test:198.51.100.1:1") == 3


def test_one_redis_client_serves_every_call():
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        pytest.skip("Redis only")

    assert backend._cache.get_client() is backend._cache.get_client(write=True)
