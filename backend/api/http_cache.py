"""HTTP caching for public GETs: strong ETags, 304s, Cache-Control and CDN surrogate keys.

Views describe what a response depends on with ``public_cache``; the middleware
hashes the final bytes (after compression, so each encoding has its own strong
validator) and answers a matching ``If-None-Match``/``If-Modified-Since`` with 304.
"""

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime

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
) -> HttpResponseBase:
    """Mark ``response`` cacheable by apps and CDNs, purgeable by any of ``keys``."""
    max_age = settings.API_CACHE_MAX_AGE if max_age is None else max_age
    swr = settings.API_CACHE_STALE_WHILE_REVALIDATE
    response["Cache-Control"] = f"public, max-age={max_age}, stale-while-revalidate={swr}"
    response["Surrogate-Key"] = " ".join(dict.fromkeys(keys))
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def strong_etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


class ConditionalGetMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
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
