"""Server-side cache of the discovery responses (sitemaps, feeds), keyed by the content version.

The same rule as the API's response cache (``backend.api.response_cache``): every article
save moves ``ContentVersion``, so a withdrawn story changes every key the moment it commits
and no sitemap or feed holding it is served again. Django's sitemap and syndication views
return plain Django responses (a feed is not a ``TemplateResponse``), hence this small
counterpart that renders before storing.
"""

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import SimpleTemplateResponse

from backend.api.http_cache import public_cache
from newsapi.selectors import content_version

KEPT_HEADERS = ("Content-Type", "Cache-Control", "Surrogate-Key", "Last-Modified", "Vary", "X-Robots-Tag")


def _key(request: HttpRequest, version: str) -> str:
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"discovery-response:{version}:{hashlib.sha256(raw.encode()).hexdigest()}"


def versioned_public(
    request: HttpRequest, *, keys: Iterable[str], render: Callable[[], HttpResponseBase]
) -> HttpResponseBase:
    """``render()``'s response marked public (``keys`` for purging), from the cache when this version has it.

    Only 200s are stored; a 404 for an unknown edition or page is rendered each time.
    """
    key = _key(request, content_version()) if settings.API_RESPONSE_CACHE else None
    if key is not None:
        hit: dict[str, Any] | None = cache.get(key)
        if hit is not None:
            cached = HttpResponse(hit["content"], status=200)
            for name, value in hit["headers"].items():
                cached[name] = value
            return cached
    response = render()
    if isinstance(response, SimpleTemplateResponse):
        response.render()
    if response.status_code != 200:
        return response
    public_cache(response, keys=keys)
    if key is not None and isinstance(response, HttpResponse):
        headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
        cache.set(key, {"content": response.content, "headers": headers}, settings.API_CACHE_MAX_AGE)
    return response
