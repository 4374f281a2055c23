"""Answer public reads from the response cache before URL resolution, DRF and the database.

Where it sits (``MIDDLEWARE``): after ``SecurityMiddleware`` (HTTPS redirect, HSTS and the other
security headers are added to every answer, hits included) and WhiteNoise (static files never get
here), and before everything else:

- ``ConditionalGetMiddleware`` and ``PublicGZipMiddleware`` are inside it, so what is stored is the
  final body with its strong ETag, one entry per encoding (gzip or identity); a hit is neither hashed
  nor compressed again, and this middleware answers ``If-None-Match``/``If-Modified-Since`` itself.
- ``CSPMiddleware`` is inside it too: its header is stored with the page. That is only right for a
  response that used no nonce, which ``response_cache.storable`` checks; the web pages use none (their
  one ``<script>`` is a JSON-LD data block, which the policy does not govern), the docs page with its
  nonced inline code is never stored.
- Sessions, CSRF, authentication, history, messages, the newsroom clock, X-Frame-Options (stored
  with the response) and axes are inside: a hit needs none of them. Requests with a session or CSRF
  cookie, an ``Authorization`` header, or for the admin are never looked up (the Varnish VCL's rule).
- DRF's throttles run in the view, so a hit is never throttled (docs/api.md, "Caching and limits").

A lookup is one cache round trip: the content version and the entry together (``get_many``); an
entry holds the version it was rendered under and is served only while that is still the current one.

A miss is computed once (single flight): the first request takes a short lock (``cache.add``, atomic
in Redis and in the in-process cache) and renders; concurrent requests for the same entry poll for it
for at most ``WAIT_SECONDS`` and render themselves if it never comes (or as soon as the lock is gone
without it).
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from backend import content_version
from backend.api import response_cache

LOCK_SECONDS = 10
WAIT_SECONDS = 2.0
POLL_SECONDS = 0.025
# How long a "pass" mark lasts (what a view did not opt in with: an error, a draft's 404, the sync feed).
PASS_SECONDS = 60


class ResponseCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if (
            request.method not in ("GET", "HEAD")
            or not settings.API_RESPONSE_CACHE
            or not response_cache.may_look_up(request)
        ):
            return self.get_response(request)
        key = response_cache.entry_key(request)
        found = cache.get_many([content_version.KEY, key])
        version: str = found.get(content_version.KEY) or content_version.recover()
        stored: dict[str, Any] | None = found.get(key)
        if stored is not None and stored["v"] == version:
            return self._answer(request, stored)
        if request.method == "HEAD":
            return self.get_response(request)
        return self._miss(request, key, version)

    def _miss(self, request: HttpRequest, key: str, version: str) -> HttpResponseBase:
        lock = response_cache.lock_key(key, version)
        if cache.add(lock, 1, LOCK_SECONDS):
            try:
                return self._render(request, key, version)
            finally:
                cache.delete(lock)
        stored = self._wait(key, lock, version)
        if stored is None:
            return self._render(request, key, version)
        return self._answer(request, stored)

    def _answer(self, request: HttpRequest, stored: dict[str, Any]) -> HttpResponseBase:
        """A hit: the stored response; a pass mark: the view, nothing stored."""
        return self.get_response(request) if response_cache.is_pass(stored) else response_cache.replay(request, stored)

    def _wait(self, key: str, lock: str, version: str) -> dict[str, Any] | None:
        """The entry (or pass mark) another request is rendering, once stored; None if it never comes."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            found = cache.get_many([key, lock])
            stored: dict[str, Any] | None = found.get(key)
            if stored is not None and stored["v"] == version:
                return stored
            if lock not in found:
                return None  # it finished without storing this version: render here
        return None

    def _render(self, request: HttpRequest, key: str, version: str) -> HttpResponseBase:
        """Render with the conditional headers set aside (a 304 is no entry), store, then answer them here."""
        meta = request.META
        conditional = {name: meta.pop(name) for name in response_cache.CONDITIONAL_HEADERS if name in meta}
        try:
            response = self.get_response(request)
        finally:
            meta.update(conditional)
        if response_cache.storable(request, response):
            assert isinstance(response, HttpResponse)
            cache.set(key, response_cache.entry(version, response), settings.API_CACHE_MAX_AGE)
        elif response.status_code < 500:
            # Not a failure: what this URL answers at this version. (A 500 may not happen again.)
            cache.set(key, response_cache.pass_mark(version), PASS_SECONDS)
        if isinstance(response, HttpResponse) and not response.streaming:
            return response_cache.finish(request, response)
        return response
