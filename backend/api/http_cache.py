"""HTTP caching for public GETs: strong ETags, 304s, Cache-Control and CDN surrogate keys.

Views describe what a response depends on with ``public_cache``; the middleware
hashes the final bytes (after compression, so each encoding has its own strong
validator) and answers a matching ``If-None-Match``/``If-Modified-Since`` with 304.
The keys are what ``backend.purge`` purges when the content they name changes.
"""

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date


def public_cache(
    response: HttpResponseBase,
    *,
    keys: Iterable[str],
    last_modified: datetime | None = None,
    max_age: int | None = None,
    browsers_revalidate: bool = False,
) -> HttpResponseBase:
    """Mark ``response`` cacheable by apps and CDNs, purgeable by any of ``keys``.

    With ``browsers_revalidate`` (the web pages) only shared caches keep it for ``max_age``
    (``s-maxage``; a purge reaches them); a browser, which no purge reaches, asks again every
    time and gets a 304 while nothing changed, so a withdrawn story is never shown from it.
    """
    max_age = settings.API_CACHE_MAX_AGE if max_age is None else max_age
    if browsers_revalidate:
        response["Cache-Control"] = f"public, max-age=0, s-maxage={max_age}"
    else:
        swr = settings.API_CACHE_STALE_WHILE_REVALIDATE
        response["Cache-Control"] = f"public, max-age={max_age}, stale-while-revalidate={swr}"
    response["Surrogate-Key"] = " ".join(dict.fromkeys(surrogate_key(key) for key in keys))
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def surrogate_key(key: str) -> str:
    """``key`` as it travels in headers: ASCII without spaces or commas (tag slugs may be Sorani or Arabic).

    Django would MIME-encode a whole header holding one non-Latin-1 character, and every key in it
    would be lost to the cache; percent-encoding each key keeps them all. Responses and purges
    (``backend.purge``) both pass their keys through here, so they always agree.
    """
    return quote(key.strip(), safe="")


def cache_tag(surrogate_keys: str) -> str:
    """The ``Cache-Tag`` header Cloudflare reads: the same keys, comma-separated."""
    return ",".join(surrogate_keys.split())


def strong_etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


class ConditionalGetMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if settings.CACHE_PURGER == "cloudflare" and response.has_header("Surrogate-Key"):
            # Here rather than in public_cache, for every response rendered; a response-cache hit
            # replays the stored headers, Cache-Tag among them (backend.api.response_cache.finish).
            response["Cache-Tag"] = cache_tag(response["Surrogate-Key"])
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if not isinstance(response, HttpResponse) or response.streaming:
            return response
        if not response.has_header("ETag"):
            response["ETag"] = strong_etag(response.content)
        conditional = get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=_parse_last_modified(response),
            response=response,
        )
        return conditional if conditional is not None else response


class _UnpaddedGZipMiddleware(GZipMiddleware):
    max_random_bytes = 0


class PublicGZipMiddleware(GZipMiddleware):
    """Django's gzip, except that responses marked by ``public_cache`` are compressed without padding.

    Django pads each gzip body with random bytes against BREACH, so the same content would
    get a new ETag on every request and never a 304. Public API responses hold no secret to
    guess; everything else (admin pages with CSRF tokens) keeps the padding.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        super().__init__(get_response)
        self.unpadded = _UnpaddedGZipMiddleware(get_response)

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.has_header("Surrogate-Key"):
            return self.unpadded.process_response(request, response)
        return super().process_response(request, response)


def _parse_last_modified(response: HttpResponse) -> int | None:
    from django.utils.http import parse_http_date_safe

    value = response.get("Last-Modified")
    return parse_http_date_safe(value) if value else None
