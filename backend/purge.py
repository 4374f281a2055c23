"""Purging the HTTP cache in front of Newsline by surrogate key: Varnish (vmod xkey), Fastly or Cloudflare.

Public responses name what they show in ``Surrogate-Key`` (``backend.api.http_cache.public_cache``).
A change names the keys it affects (``newsapi.purges``, ``notifications.services``) and hands them
to ``purge_on_commit``, the one entry point: once the transaction commits, the keys are purged
by the back end ``CACHE_PURGER`` names ("" for none, the default: nothing caches in front).

Purges are hard: the cached objects are dropped, not marked stale, so a withdrawn story is never
served again from grace (stale-while-revalidate). They run in the committing process, right after
the commit, so the next request already misses. A purge that fails is logged (``backend.purge``,
ERROR, with its keys) and never raised into the edit that caused it: the edit has committed, and
the copies left behind expire on their max-age.

``purge_now`` is for work that must wait for the purge rather than follow the commit: it purges at
once and tries again, within a bounded wait, until the cache has answered (a breaking alert's
fan-out purges its article this way before any phone is told, ``notifications.delivery``).
"""

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from email.message import Message
from functools import partial
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from backend.api.http_cache import surrogate_key
from backend.jobs import enqueue

logger = logging.getLogger("backend.purge")

PURGERS = ("", "varnish", "fastly", "cloudflare")
# The task that purges again later (``purge_on_commit(..., again_after=...)``), in ``backend.tasks``.
PURGE_TASK = "backend.purge"


@dataclass(frozen=True)
class PurgeResult:
    """What one purge did: the keys asked for, the requests made, what failed."""

    purger: str
    keys: tuple[str, ...]
    requests: int = 0
    # Objects dropped, where the cache says (Varnish answers with a count); None where it does not.
    purged: int | None = None
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


class Purger(Protocol):
    name: str

    def purge(self, keys: Sequence[str]) -> PurgeResult:
        """Purge every cached response carrying any of ``keys``; never raises for a network or HTTP error."""


class NoPurger:
    """Nothing caches in front (the embedded mode, tests): nothing to purge."""

    name = ""

    def purge(self, keys: Sequence[str]) -> PurgeResult:
        return PurgeResult(purger=self.name, keys=tuple(keys))


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: Message
    body: bytes


class PurgeRequestError(Exception):
    """The request did not get an answer (refused, timed out, unreachable)."""


def _request(
    opener: urllib.request.OpenerDirector,
    url: str,
    *,
    method: str,
    headers: dict[str, str],
    body: bytes | None = None,
    timeout: float,
) -> _Answer:
    if urlsplit(url).scheme not in ("http", "https"):
        raise ImproperlyConfigured(f"A purge URL must be http or https: {url!r}")
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310 - checked above
    try:
        with opener.open(request, timeout=timeout) as response:
            return _Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return _Answer(exc.code, exc.headers, exc.read())
    except (OSError, ValueError) as exc:  # URLError, refused, reset, timed out; a malformed answer
        raise PurgeRequestError(f"{method} {url}: {exc}") from exc


def _batches(keys: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(keys), size):
        yield list(keys[start : start + size])


def _joined_batches(keys: Sequence[str], max_length: int) -> Iterator[str]:
    """Space-separated runs of ``keys``, each at most ``max_length`` characters (one header line)."""
    batch: list[str] = []
    length = 0
    for key in keys:
        if batch and length + 1 + len(key) > max_length:
            yield " ".join(batch)
            batch, length = [], 0
        length += len(key) + (1 if batch else 0)
        batch.append(key)
    if batch:
        yield " ".join(batch)


def _short(body: bytes) -> str:
    return body[:200].decode("utf-8", "replace").strip()


class VarnishPurger:
    """``PURGE`` with ``xkey-purge: key1 key2 ...`` to every Varnish in ``urls`` (deploy/varnish/default.vcl).

    Each cache keeps its own objects, so each is asked; keys go in runs that fit one request
    header line (Varnish refuses a line past ``http_req_hdr_len``, 8 KB by default).
    """

    name = "varnish"
    MAX_HEADER = 7000

    def __init__(self, *, urls: Sequence[str], timeout: float) -> None:
        if not urls:
            raise ImproperlyConfigured("CACHE_PURGER=varnish needs VARNISH_PURGE_URLS")
        self.urls = list(urls)
        self.timeout = timeout
        # Caches are on the internal network: never through an HTTP proxy of the environment.
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def purge(self, keys: Sequence[str]) -> PurgeResult:
        requests, purged, errors = 0, 0, []
        for header in _joined_batches(keys, self.MAX_HEADER):
            for url in self.urls:
                requests += 1
                try:
                    answer = _request(
                        self.opener, url, method="PURGE", headers={"xkey-purge": header}, timeout=self.timeout
                    )
                except PurgeRequestError as exc:
                    errors.append(str(exc))
                    continue
                if answer.status != 200:
                    errors.append(f"PURGE {url}: {answer.status} {_short(answer.body)}")
                    continue
                purged += int(answer.headers.get("X-Purged") or 0)
        return PurgeResult(purger=self.name, keys=tuple(keys), requests=requests, purged=purged, errors=tuple(errors))


class _JSONPurger:
    """A purge API taking a JSON list of keys, ``BATCH`` at most per call; 200 is success."""

    name = ""
    BATCH = 1
    url: str
    headers: dict[str, str]
    timeout: float

    def body(self, keys: list[str]) -> dict[str, list[str]]:
        raise NotImplementedError

    def succeeded(self, answer: _Answer) -> bool:
        return answer.status == 200

    def purge(self, keys: Sequence[str]) -> PurgeResult:
        opener = urllib.request.build_opener()
        headers = {**self.headers, "Content-Type": "application/json", "Accept": "application/json"}
        requests, errors = 0, []
        for batch in _batches(keys, self.BATCH):
            requests += 1
            body = json.dumps(self.body(batch)).encode()
            try:
                answer = _request(opener, self.url, method="POST", headers=headers, body=body, timeout=self.timeout)
            except PurgeRequestError as exc:
                errors.append(str(exc))
                continue
            if not self.succeeded(answer):
                errors.append(f"POST {self.url}: {answer.status} {_short(answer.body)}")
        return PurgeResult(purger=self.name, keys=tuple(keys), requests=requests, errors=tuple(errors))


class FastlyPurger(_JSONPurger):
    """Fastly's batch purge by surrogate key: ``POST /service/{id}/purge``, 256 keys a call.

    Fastly reads the same ``Surrogate-Key`` header Varnish does (and strips it before readers
    see it). A hard purge: no ``Fastly-Soft-Purge`` header.
    """

    name = "fastly"
    BATCH = 256

    def __init__(self, *, api_url: str, service_id: str, token: str, timeout: float) -> None:
        if not (service_id and token):
            raise ImproperlyConfigured("CACHE_PURGER=fastly needs FASTLY_SERVICE_ID and FASTLY_API_TOKEN")
        self.url = f"{api_url.rstrip('/')}/service/{quote(service_id, safe='')}/purge"
        self.headers = {"Fastly-Key": token}
        self.timeout = timeout

    def body(self, keys: list[str]) -> dict[str, list[str]]:
        return {"surrogate_keys": keys}


class CloudflarePurger(_JSONPurger):
    """Cloudflare's purge by cache tag: ``POST /zones/{id}/purge_cache`` with ``{"tags": [...]}``.

    Cloudflare reads ``Cache-Tag`` (comma-separated), not ``Surrogate-Key``: the origin sends both
    when this purger is chosen (``backend.api.http_cache``). At most 100 tags a call (Cloudflare's
    "max operations per request", on every plan).
    """

    name = "cloudflare"
    BATCH = 100

    def __init__(self, *, api_url: str, zone_id: str, token: str, timeout: float) -> None:
        if not (zone_id and token):
            raise ImproperlyConfigured("CACHE_PURGER=cloudflare needs CLOUDFLARE_ZONE_ID and CLOUDFLARE_API_TOKEN")
        self.url = f"{api_url.rstrip('/')}/zones/{quote(zone_id, safe='')}/purge_cache"
        self.headers = {"Authorization": f"Bearer {token}"}
        self.timeout = timeout

    def body(self, keys: list[str]) -> dict[str, list[str]]:
        return {"tags": keys}

    def succeeded(self, answer: _Answer) -> bool:
        try:
            parsed: Any = json.loads(answer.body)
        except ValueError:
            return False
        return answer.status == 200 and isinstance(parsed, dict) and parsed.get("success") is True


def purger(*, timeout: float | None = None) -> Purger:
    """The back end the settings name; each of its requests times out after ``timeout`` seconds
    (``CACHE_PURGE_TIMEOUT_SECONDS`` by default)."""
    name = settings.CACHE_PURGER
    timeout = float(settings.CACHE_PURGE_TIMEOUT_SECONDS) if timeout is None else timeout
    if name == "":
        return NoPurger()
    if name == "varnish":
        return VarnishPurger(urls=settings.VARNISH_PURGE_URLS, timeout=timeout)
    if name == "fastly":
        return FastlyPurger(
            api_url=settings.FASTLY_API_URL,
            service_id=settings.FASTLY_SERVICE_ID,
            token=settings.FASTLY_API_TOKEN,
            timeout=timeout,
        )
    if name == "cloudflare":
        return CloudflarePurger(
            api_url=settings.CLOUDFLARE_API_URL,
            zone_id=settings.CLOUDFLARE_ZONE_ID,
            token=settings.CLOUDFLARE_API_TOKEN,
            timeout=timeout,
        )
    raise ImproperlyConfigured(f"CACHE_PURGER must be one of {', '.join(map(repr, PURGERS))}, got {name!r}")


def purging() -> bool:
    """Whether a cache in front is purged at all (``CACHE_PURGER`` set): when not, changes need not name keys."""
    return bool(settings.CACHE_PURGER)


def purge(keys: Iterable[str]) -> PurgeResult:
    """Purge ``keys`` now, through the configured back end.

    A request that fails is logged and in the result, not raised; a misconfigured back end
    raises ``ImproperlyConfigured``.
    """
    wanted = tuple(dict.fromkeys(surrogate_key(key) for key in keys if key.strip()))
    backend = purger()
    result = backend.purge(wanted)
    if not (wanted and backend.name):
        return result
    if result.ok:
        logger.info("purged %d key(s) from %s: %s", len(wanted), backend.name, " ".join(wanted))
    else:
        logger.error(
            "purge from %s failed (%d of %d request(s)); keys: %s; %s",
            backend.name, len(result.errors), result.requests, " ".join(wanted), "; ".join(result.errors),
        )  # fmt: skip
    return result


# How purge_now waits between tries of a failed purge: from the first pause, doubling, to the longest.
PURGE_NOW_FIRST_PAUSE = 0.1
PURGE_NOW_LONGEST_PAUSE = 1.0


def purge_now(keys: Iterable[str], *, wait: float) -> PurgeResult:
    """Purge ``keys`` now, in this process, trying again until it succeeds or ``wait`` seconds have passed.

    For work that must not start before the cache has dropped its copies (a breaking alert's
    fan-out, ``notifications.delivery``). Each request times out after ``CACHE_PURGE_TIMEOUT_SECONDS``,
    cut to the time left; a failed try is repeated after a short pause (0.1 s, doubling, at most 1 s)
    while time is left, so the call returns within about ``wait`` seconds. Returns the last try's
    result: ``ok`` is false when every try failed (each is logged by ``backend.purge`` at WARNING;
    what then is the caller's business). With no purger, or no keys, it returns at once.
    A misconfigured back end raises ``ImproperlyConfigured``.
    """
    wanted = tuple(dict.fromkeys(surrogate_key(key) for key in keys if key.strip()))
    deadline = time.monotonic() + max(wait, 0.0)
    longest = float(settings.CACHE_PURGE_TIMEOUT_SECONDS)
    pause, tries = PURGE_NOW_FIRST_PAUSE, 0
    while True:
        tries += 1
        backend = purger(timeout=max(min(longest, deadline - time.monotonic()), PURGE_NOW_FIRST_PAUSE))
        result = backend.purge(wanted)
        if not (wanted and backend.name):
            return result
        if result.ok:
            logger.info("purged %d key(s) from %s (try %d): %s", len(wanted), backend.name, tries, " ".join(wanted))
            return result
        logger.warning(
            "purge from %s failed (try %d; %d of %d request(s)); keys: %s; %s",
            backend.name, tries, len(result.errors), result.requests, " ".join(wanted), "; ".join(result.errors),
        )  # fmt: skip
        if time.monotonic() + pause >= deadline:
            return result
        time.sleep(pause)
        pause = min(pause * 2, PURGE_NOW_LONGEST_PAUSE)


def purge_on_commit(keys: Iterable[str], *, again_after: float | None = None) -> None:
    """Purge ``keys`` once the current transaction commits (at once outside one); nothing if it rolls back.

    ``again_after`` (seconds) purges the same keys once more later, through a Celery task: a
    response rendered from the state before the commit, and stored by the cache after the first
    purge, goes too; so do the copies a first purge that failed left behind. Withdrawals use it.
    Never raises: a failure is logged.
    """
    if not purging():
        return
    wanted = sorted({key for key in keys if key.strip()})
    if not wanted:
        return
    transaction.on_commit(partial(_purge_after_commit, wanted, again_after))


def purge_logged(keys: Iterable[str]) -> PurgeResult | None:
    """``purge``, for callers that must not fail: anything unexpected (a misconfiguration) is logged, not raised."""
    keys = list(keys)
    try:
        return purge(keys)
    except Exception:  # a misconfigured purger must not break the edit that just committed
        logger.exception("purge failed; keys: %s", " ".join(keys))
        return None


def _purge_after_commit(keys: list[str], again_after: float | None) -> None:
    purge_logged(keys)
    if again_after is None:
        return
    try:
        enqueue(PURGE_TASK, keys, countdown=again_after)  # committed already: sent at once
    except Exception:  # nor must a broker that is down
        logger.exception("could not schedule the repeated purge; keys: %s", " ".join(keys))
