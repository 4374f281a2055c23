"""Prometheus metrics for operators: the ``/metrics`` endpoint, request latencies and the Celery queues.

What is exported and the alerts to set on it: docs/operations.md. Three kinds of figures, each
gathered where it can be right:

- **Per process, observed as requests happen**: ``newsline_http_request_duration_seconds``, by the
  URL pattern's route name (``article-detail``, never the raw path: the label set stays bounded),
  method and status class. gunicorn runs several worker processes, each with its own memory; with
  ``PROMETHEUS_MULTIPROC_DIR`` set (before the processes start) prometheus_client keeps each
  process's values in a file there and the scrape adds up every worker's files, those of workers
  already recycled included. Without it the scrape sees the answering process alone (right for
  ``runserver`` or one worker), plus prometheus_client's process collectors (CPU, memory, file
  descriptors, GC), which in multiprocess mode would describe only the worker that answered and so
  are left out there (the platform's ``python_info`` stays).
- **Computed at scrape time from the shared state** (the same answer whichever web process is
  asked): the Celery queue lengths here, and what apps register with ``register_collector`` from
  their ``AppConfig.ready`` (the alert states and the push counters of ``notifications.metrics``: this
  core app must not import the push app). A collector that fails is logged and reported as
  ``newsline_metrics_collector_up{collector=…} 0``; the rest of the scrape is still served.
- Nothing per request touches the database or Redis: the middleware only times and labels.

The endpoint is not public. With neither ``METRICS_TOKEN`` nor ``METRICS_ALLOWED_NETWORKS`` set it
is off; with one or both, every one that is set must hold (a bearer token, a client address in one
of the networks). Any other request gets the site's ordinary 404, so its existence is not advertised.
"""

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any, Protocol

import redis
from celery import current_app
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLResolver, get_resolver
from django.views.decorators.csrf import csrf_exempt
from prometheus_client import CONTENT_TYPE_LATEST, PLATFORM_COLLECTOR, REGISTRY, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from rest_framework.request import Request

from backend.api.throttles import client_ip
from backend.queues import queue_names

logger = logging.getLogger(__name__)

MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

REQUEST_DURATION = Histogram(
    "newsline_http_request_duration_seconds",
    "Time from the request reaching Django (past WhiteNoise) to its response, by URL route name, method and "
    "status class; response-cache hits included.",
    ["route", "method", "status_class"],
    # From a response-cache hit (under a millisecond) to the slowest admin page; p99 per route stays readable.
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
# Any other method a client invents is counted as "other": a label value must never come from the client.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "unmatched"
"""The route label of requests no URL pattern matches (404s for made-up paths, slash redirects)."""


class Collector(Protocol):
    """What prometheus_client asks of a collector: the metric families, computed when called."""

    def collect(self) -> Iterable[Metric]: ...


# --- Request latencies -------------------------------------------------------------------------


def route_name(request: HttpRequest) -> str:
    """The request's URL pattern name (``namespace:name``), resolved here when no view ran.

    A response-cache hit is answered before URL resolution (``backend.api.cache_middleware``), so it
    has no ``resolver_match``, and its path is resolved here. Unnamed patterns get their view's dotted
    path, which is bounded all the same.
    """
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name
    return _route_of_path(get_resolver(getattr(request, "urlconf", None)), request.path_info)


@lru_cache(maxsize=4096)
def _route_of_path(resolver: URLResolver, path: str) -> str:
    """Resolving costs 30 to 100 µs, a third of a cache hit's own time: the hot paths' names are kept.

    Keyed by the resolver object, which Django replaces when the URLconf is reloaded.
    """
    try:
        return resolver.resolve(path).view_name
    except Http404:
        return UNMATCHED_ROUTE


class RequestMetricsMiddleware:
    """Times every request that gets past WhiteNoise, response-cache hits included.

    It sits right outside ``ResponseCacheMiddleware``, which answers hits without calling anything
    inside it: placed further in, hits (most of the read API's traffic) would never be measured.
    Static files (WhiteNoise, before it) are not Django's work to measure. The time is until the
    response object is returned; a streamed body's transfer is not in it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        method = request.method if request.method in KNOWN_METHODS else "other"
        REQUEST_DURATION.labels(route_name(request), method, f"{response.status_code // 100}xx").observe(elapsed)
        return response


# --- Collectors computed at scrape time ----------------------------------------------------------

_collectors: dict[str, Collector] = {}


def register_collector(name: str, collector: Collector) -> None:
    """Add ``collector`` to every scrape under ``name`` (its ``newsline_metrics_collector_up`` label).

    Called from an ``AppConfig.ready``; registering the same name again replaces the collector, so
    a reloaded app never exports its families twice.
    """
    _collectors[name] = collector


def celery_queue_names() -> list[str]:
    """The queues tasks are sent to: the default one and ``backend.queues``' kinds, those declared, and those
    a ``CELERY_TASK_ROUTES`` table names (a router function's other queues must be declared in ``CELERY_TASK_QUEUES``).
    """
    conf = current_app.conf
    names = set(queue_names(conf.task_default_queue))  # the default and the routed ones (backend/queues.py)
    names.update(queue.name for queue in conf.task_queues or ())
    routes = conf.task_routes
    for table in routes if isinstance(routes, list | tuple) else [routes]:
        if not isinstance(table, dict):
            continue
        for target in table.values():
            queue = target.get("queue") if isinstance(target, dict) else target
            if isinstance(queue, str) and queue:
                names.add(queue)
    return sorted(names)


@lru_cache(maxsize=4)
def _redis_client(url: str) -> redis.Redis:
    """One client per broker URL for the process (its pool reconnects after a fork); short timeouts."""
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


class CeleryQueueCollector:
    """``LLEN`` of each Celery queue in the broker's Redis, with kombu's priority sub-queues, in one round trip.

    kombu's Redis transport keeps a queue as one list per priority step (``celery``, then
    ``celery\\x06\\x163``, … for the non-zero steps), all under ``global_keyprefix``; a queue's length is
    their sum, as kombu itself counts it. ``unacked`` holds what workers took and have not acknowledged
    (the tasks running, and those waiting for their countdown: retries). Other brokers: nothing exported.
    """

    def collect(self) -> Iterator[Metric]:
        url = settings.CELERY_BROKER_URL
        if not url.startswith(("redis://", "rediss://")):
            return
        options: dict[str, Any] = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
        prefix = str(options.get("global_keyprefix", ""))
        separator = str(options.get("sep", "\x06\x16"))
        steps = list(options.get("priority_steps", [0, 3, 6, 9]))
        names = celery_queue_names()
        pipeline = _redis_client(url).pipeline(transaction=False)
        for name in names:
            for step in steps:
                pipeline.llen(prefix + (f"{name}{separator}{step}" if step else name))
        pipeline.hlen(prefix + str(options.get("unacked_key", "unacked")))
        answers = pipeline.execute()
        lengths = GaugeMetricFamily(
            "newsline_celery_queue_length", "Tasks waiting in each Celery queue of the broker (LLEN).", labels=["queue"]
        )
        for position, name in enumerate(names):
            lengths.add_metric([name], sum(answers[position * len(steps) : (position + 1) * len(steps)]))
        yield lengths
        yield GaugeMetricFamily(
            "newsline_celery_unacked_tasks",
            "Tasks workers have taken and not acknowledged yet: running, or waiting for a countdown (retries).",
            value=answers[-1],
        )


register_collector("celery", CeleryQueueCollector())


class _Scrape:
    """What one scrape exports: this host's per-process metrics, then every registered collector."""

    def collect(self) -> Iterator[Metric]:
        path = os.environ.get(MULTIPROC_DIR_VARIABLE)
        if path:
            yield from MultiProcessCollector(None, path=path).collect()
            yield from PLATFORM_COLLECTOR.collect()
        else:
            yield from REGISTRY.collect()
        up = GaugeMetricFamily(
            "newsline_metrics_collector_up",
            "1 when the collector's figures are in this scrape, 0 when it failed (logged at ERROR).",
            labels=["collector"],
        )
        for name, collector in list(_collectors.items()):
            try:
                families = list(collector.collect())
            except Exception:  # a broken database or Redis must not take the other metrics down
                logger.exception("metrics collector %s failed", name)
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from families
        yield up


def scrape() -> bytes:
    """The Prometheus text exposition of everything above."""
    return generate_latest(_Scrape())


# --- The endpoint ----------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(network, strict=False) for network in spec)


def _bearer_token_matches(request: HttpRequest, token: str) -> bool:
    scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def _address_allowed(request: HttpRequest, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> bool:
    """The client address (``NUM_PROXIES`` honoured, as for the throttles) is in one of ``networks``."""
    try:
        address = ipaddress.ip_address(client_ip(Request(request)) or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


def scrape_allowed(request: HttpRequest) -> bool:
    """Off unless configured; then every condition that is configured must hold (see the module)."""
    token: str = settings.METRICS_TOKEN
    networks = _networks(tuple(settings.METRICS_ALLOWED_NETWORKS))
    if not token and not networks:
        return False
    if token and not _bearer_token_matches(request, token):
        return False
    return not networks or _address_allowed(request, networks)


@csrf_exempt  # a POST from anyone must get the same 404 as elsewhere, not a CSRF 403 that gives the URL away
def metrics_view(request: HttpRequest) -> HttpResponse:
    """``GET /metrics``: the exposition for an allowed scraper, the site's 404 for anyone else."""
    if not scrape_allowed(request):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse(status=405)
        response["Allow"] = "GET, HEAD"
        return response
    response = HttpResponse(scrape(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
