"""GET /metrics: only for allowed scrapers, a parseable exposition, request latencies by route, Celery queues."""

import os
import signal
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from backend.metrics import celery_queue_names
from config.celery import app as celery_app
from tests.backend.production import free_port, production_gunicorn
from tests.backend.test_settings import production_env, run_manage
from tests.factories import published_article

TOKEN = "metrics-test-token-" + "x" * 24
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
needs_redis = pytest.mark.skipif(
    not django_settings.REDIS_URL, reason="the queue lengths are read from the broker's Redis (make test provides it)"
)


def samples(content: bytes) -> list[Sample]:
    """Every sample of a text exposition, parsed by prometheus_client's own parser (fails if it does not parse)."""
    return [sample for family in text_string_to_metric_families(content.decode()) for sample in family.samples]


def scrape(client: Client, **headers: str) -> list[Sample]:
    response = client.get("/metrics", **(headers or AUTH))
    assert response.status_code == 200, response.content[:500]
    return samples(response.content)


def value(found: list[Sample], name: str, **labels: str) -> float:
    """The value of the one sample ``name`` with exactly these labels (0 when absent, as Prometheus counts)."""
    matches = [sample.value for sample in found if sample.name == name and sample.labels == labels]
    assert len(matches) <= 1, matches
    return matches[0] if matches else 0.0


def request_count(found: list[Sample], route: str, method: str = "GET", status_class: str = "2xx") -> float:
    labels = {"route": route, "method": method, "status_class": status_class}
    return value(found, "newsline_http_request_duration_seconds_count", **labels)


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []


# --- Who may scrape -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_is_off_by_default_even_with_a_bearer_token(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []

    response = client.get("/metrics", **AUTH)

    assert response.status_code == 404
    assert b"newsline_" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_AUTHORIZATION": "Bearer wrong-token"}, {"HTTP_AUTHORIZATION": f"Token {TOKEN}"},
     {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}x"}, {"HTTP_AUTHORIZATION": TOKEN}],
    ids=["none", "wrong", "other-scheme", "longer", "no-scheme"],
)  # fmt: skip
def test_metrics_is_the_sites_404_without_the_right_token(client, token, headers):
    unknown = client.get("/no-such-page-at-all", **headers)

    response = client.get("/metrics", **headers)

    assert response.status_code == 404
    assert response["Content-Type"] == unknown["Content-Type"]
    assert b"newsline_" not in response.content


@pytest.mark.django_db
def test_a_post_gets_the_same_404_not_a_csrf_refusal(token):
    client = Client(enforce_csrf_checks=True)

    assert client.post("/metrics").status_code == 404
    assert client.post("/metrics", **AUTH).status_code == 405


@pytest.mark.django_db
def test_the_right_token_gets_a_parseable_exposition_with_the_process_defaults(client, token):
    response = client.get("/metrics", **AUTH)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert response["Cache-Control"] == "no-store"
    names = {sample.name for sample in samples(response.content)}
    assert {"process_resident_memory_bytes", "process_cpu_seconds_total", "python_info"} <= names
    assert {"newsline_alerts", "newsline_push_messages_total", "newsline_metrics_collector_up"} <= names


@pytest.mark.django_db
def test_an_address_in_the_allowed_networks_may_scrape_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8", "fd00::/8"]

    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::ffff:10.1.1.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="fd12::1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7", **AUTH).status_code == 404


@pytest.mark.django_db
def test_behind_proxies_the_address_is_the_clients_not_the_proxys(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    # The proxy (10.0.0.2) forwards an outsider: refused; a forged X-Forwarded-For entry before it changes nothing.
    outsider = client.get("/metrics", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.4")
    insider = client.get("/metrics", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="10.3.3.3")

    assert outsider.status_code == 404
    assert insider.status_code == 200


@pytest.mark.django_db
def test_with_a_token_and_networks_both_must_hold(client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]

    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.1", **AUTH).status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3", **AUTH).status_code == 200


def test_a_malformed_network_or_a_short_production_token_stops_the_start(tmp_path):
    bad_network = run_manage(
        tmp_path, "check", **production_env(tmp_path, METRICS_ALLOWED_NETWORKS="10.0.0.0/8,intranet")
    )
    short_token = run_manage(tmp_path, "check", **production_env(tmp_path, METRICS_TOKEN="secret"))
    good = run_manage(
        tmp_path, "check", **production_env(tmp_path, METRICS_TOKEN=TOKEN, METRICS_ALLOWED_NETWORKS="10.0.0.0/8,::1")
    )

    assert bad_network.returncode != 0
    assert "METRICS_ALLOWED_NETWORKS: 'intranet' is not an address or network" in bad_network.stderr
    assert short_token.returncode != 0
    assert "METRICS_TOKEN must be a random string of at least 32 characters" in short_token.stderr
    assert good.returncode == 0, good.stderr


# --- Request latencies ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_request_latencies_are_labelled_by_route_not_by_path(client, token, django_assert_num_queries):
    first, second = published_article(), published_article()
    before = scrape(client)

    for article in (first, second):
        assert client.get(f"/api/v1/articles/{article.pk}/").status_code == 200
    with django_assert_num_queries(0):
        hit = client.get(f"/api/v1/articles/{first.pk}/")  # answered by the response cache, before URL resolution
    assert hit.status_code == 200 and hit.wsgi_request.resolver_match is None
    page = client.get(f"/en/{first.section.slug}/{first.pk}/{first.slug}/")
    assert page.status_code == 200
    after = scrape(client)

    assert request_count(after, "article-detail") - request_count(before, "article-detail") == 3
    assert request_count(after, "web-article") - request_count(before, "web-article") == 1
    routes = {sample.labels.get("route") for sample in after if sample.name.startswith("newsline_http_request")}
    assert not any("/" in route for route in routes if route), routes


@pytest.mark.django_db
def test_unknown_paths_share_one_label_and_an_invented_method_is_other(client, token):
    before = scrape(client)

    client.get("/no-such-page-1")
    client.get("/no-such-page-2")
    client.generic("BREW", "/healthz")
    after = scrape(client)

    assert (
        request_count(after, "unmatched", status_class="4xx") - request_count(before, "unmatched", status_class="4xx")
        == 2
    )
    assert request_count(after, "healthz", method="other") - request_count(before, "healthz", method="other") == 1
    assert not any(sample.labels.get("method") == "BREW" for sample in after)


@pytest.mark.django_db
def test_timing_a_request_adds_no_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz").status_code == 200


# --- Celery queues ----------------------------------------------------------------------------------


@needs_redis
@pytest.mark.django_db
def test_queue_lengths_count_the_tasks_waiting_in_the_broker_priorities_included(client, token, broker_queue):
    queue = celery_app.conf.task_default_queue
    other = f"{queue}-push"  # a routed queue (backend/queues.py); the parallel passes turn routing off
    with celery_app.connection_for_write() as connection:
        connection.SimpleQueue(other, no_ack=True).clear()  # nothing left by an earlier, interrupted run
    try:
        assert queue in celery_queue_names() and other in celery_queue_names()
        empty = scrape(client)
        for _ in range(3):
            celery_app.send_task("backend.tasks.purge_keys", args=[[]])
        celery_app.send_task("backend.tasks.purge_keys", args=[[]], priority=9)
        # Named on the call, never by changing task_routes: Celery builds its router once per process, and
        # routes set here would send every later test's alert_send_batch in this process to that queue.
        celery_app.send_task("notifications.alert_send_batch", args=[0], queue=other)
        found = scrape(client)
    finally:
        with celery_app.connection_for_write() as connection:
            connection.SimpleQueue(other, no_ack=True).clear()

    assert value(empty, "newsline_celery_queue_length", queue=queue) == 0
    assert value(found, "newsline_celery_queue_length", queue=queue) == 4
    assert value(found, "newsline_celery_queue_length", queue=other) == 1
    assert value(found, "newsline_metrics_collector_up", collector="celery") == 1


@pytest.mark.django_db
def test_an_unreachable_broker_is_reported_and_the_rest_is_still_served(client, token, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there

    found = scrape(client)

    assert value(found, "newsline_metrics_collector_up", collector="celery") == 0
    assert value(found, "newsline_metrics_collector_up", collector="alerts") == 1
    assert not any(sample.name == "newsline_celery_queue_length" for sample in found)
    assert any(sample.name == "newsline_alerts" for sample in found)


# --- gunicorn's workers, in multiprocess mode ---------------------------------------------------------


def fetch(url: str, **headers: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=20) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def gunicorn_multiprocess(tmp_path) -> Iterator[tuple[str, Path]]:
    """gunicorn with two workers and PROMETHEUS_MULTIPROC_DIR, as docs/operations.md tells operators to run it."""
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    with production_gunicorn(
        tmp_path, workers=2, METRICS_TOKEN=TOKEN, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)
    ) as url:
        yield url, metrics_dir


def worker_pids(metrics_dir: Path) -> set[int]:
    """The gunicorn workers that have written a latency (prometheus_client names each file by its pid)."""
    return {int(path.stem.rsplit("_", 1)[1]) for path in metrics_dir.glob("histogram_*.db")}


@pytest.mark.once
def test_the_scrape_adds_up_every_gunicorn_worker_even_those_recycled_since(gunicorn_multiprocess):
    url, metrics_dir = gunicorn_multiprocess
    for _ in range(5):
        assert fetch(url + "/healthz")[0] == 200
    served = worker_pids(metrics_dir)
    assert served
    for pid in served:  # the workers that served those requests are gone; gunicorn starts new ones
        os.kill(pid, signal.SIGKILL)
    for _ in range(3):
        assert fetch(url + "/healthz")[0] == 200

    status, body = fetch(url + "/metrics", Authorization=f"Bearer {TOKEN}")

    assert status == 200
    found = samples(body)
    assert request_count(found, "healthz") == 8
    assert worker_pids(metrics_dir) - served, "the requests after the kill were served by new workers"
    names = {sample.name for sample in found}
    assert "python_info" in names
    assert "process_resident_memory_bytes" not in names  # one worker's figures would pass for the host's
    assert fetch(url + "/metrics")[0] == 404
