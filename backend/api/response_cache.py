"""Server-side cache of rendered public GET responses, keyed by the content version.

``ResponseCacheMiddleware`` (``backend.api.cache_middleware``) answers a hit before URL resolution,
DRF, throttling or any database query; this module holds what it stores and how.

An entry names the exact request (scheme, host, path and query, and the encoding the client takes:
the stored body is the final one, gzipped or not) and holds the content version (``backend.
content_version``) it was rendered under; it is served only while that is still the current
version. Every publish, edit and withdrawal moves the version, so a withdrawn article can never
be served from here; what the version does not see (a renamed tag, the breaking strip ageing) is
bounded by the entry's lifetime, the same ``max-age`` the apps and the CDN are given.

Views opt in with ``cached_or_render``: only what it returned is ever stored, and only when it
is a 200 marked public by ``public_cache`` (a ``Surrogate-Key``), without ``Set-Cookie``,
``private``/``no-store``, a ``Vary`` on anything but ``Accept-Encoding``, or a CSP nonce (a page
whose inline code carries this response's nonce must not be replayed with it). Anything else a
public read answers leaves a short "pass" mark (Varnish's hit-for-pass), so later requests for it
go straight through without waiting on one another.
"""

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe
from rest_framework.request import Request

from backend.api.http_cache import cache_tag

Rendered = TypeVar("Rendered", bound=HttpResponseBase)

# Set by cached_or_render on the response a view opted in with.
STORABLE = "_newsline_response_cache"
# Added on the way out rather than stored: whether they are sent depends on settings, not content.
UNSTORED_HEADERS = frozenset({"set-cookie", "cache-tag", "date"})
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")
NEVER_STORED_CACHE_CONTROL = ("private", "no-store", "no-cache")
# Paths never looked up: the editors' site, health checks, files, the schema and its docs page.
SKIPPED_PREFIXES = ("/admin/", "/healthz", "/readyz", "/api/schema/", "/api/docs/")


def cached_or_render(request: Request | HttpRequest, render: Callable[[], Rendered]) -> HttpResponse | Rendered:
    """``render()``'s response, marked as one the response cache may store.

    The lookup and the storing happen in ``ResponseCacheMiddleware``, around the whole request,
    under the content version it read before the view ran, so what is stored is never older than
    its key; the view needs no version of its own.
    """
    response = render()
    if settings.API_RESPONSE_CACHE:
        setattr(response, STORABLE, True)
    return response


def may_look_up(request: HttpRequest) -> bool:
    """Whether a GET or HEAD may be answered from, and stored in, the cache (the Varnish VCL's rules)."""
    meta = request.META
    if "HTTP_AUTHORIZATION" in meta:
        return False  # the device endpoints
    path = request.path
    if path.startswith(SKIPPED_PREFIXES) or path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
        return False
    if "HTTP_COOKIE" in meta:
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or settings.CSRF_COOKIE_NAME in cookies:
            return False  # an editor, or a form of the admin: always rendered
    return True


def entry_key(request: HttpRequest) -> str:
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    encoding = "gzip" if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else "identity"
    return f"response:{hashlib.sha256(raw.encode()).hexdigest()}:{encoding}"


def lock_key(key: str, version: str) -> str:
    return f"{key}:lock:{version}"


def storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether ``response`` may be replayed to anyone who asks for the same URL (see the module docstring)."""
    if not getattr(response, STORABLE, False) or response.status_code != 200:
        return False
    if not isinstance(response, HttpResponse) or response.streaming:
        return False
    if not response.has_header("Surrogate-Key") or response.cookies or response.has_header("Set-Cookie"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if "public" not in cache_control or any(word in cache_control for word in NEVER_STORED_CACHE_CONTROL):
        return False
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
    if not vary <= {"accept-encoding"}:
        return False
    # django-csp sets _csp_nonce when something used request.csp_nonce: the body carries it.
    return not isinstance(getattr(request, "_csp_nonce", None), str)


def entry(version: str, response: HttpResponse) -> dict[str, Any]:
    headers = [(name, value) for name, value in response.items() if name.lower() not in UNSTORED_HEADERS]
    return {"v": version, "h": headers, "b": response.content}


def pass_mark(version: str) -> dict[str, Any]:
    """Stored instead of an entry for what a view did not opt in with (or that is not storable)."""
    return {"v": version}


def is_pass(found: dict[str, Any]) -> bool:
    return "b" not in found


def replay(request: HttpRequest, found: dict[str, Any]) -> HttpResponseBase:
    """The stored response, or the 304 (or 412) its validators give the request's conditional headers."""
    response = HttpResponse(found["b"], headers=found["h"])
    return finish(request, response)


def finish(request: HttpRequest, response: HttpResponse) -> HttpResponseBase:
    """What ``ConditionalGetMiddleware`` adds on the way out, for a response replayed or stored here."""
    if settings.CACHE_PURGER == "cloudflare" and response.has_header("Surrogate-Key"):
        response["Cache-Tag"] = cache_tag(response["Surrogate-Key"])
    meta = request.META
    if response.status_code != 200 or not any(header in meta for header in CONDITIONAL_HEADERS):
        return response
    last_modified = response.get("Last-Modified")
    conditional = get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(last_modified) if last_modified else None,
        response=response,
    )
    return conditional if conditional is not None else response
