"""Server-side cache of rendered public GET responses, keyed by the content version.

A key names the exact request (scheme, host, path and query) and the content
version: a counter that every publish, edit and withdrawal moves in its own
transaction (they all go through ``Article.save``). A withdrawn article
therefore changes every key at once and can never be served from here; what the
version does not see (a renamed tag, the breaking strip ageing) is bounded by the
entry's lifetime, the same ``max-age`` the apps and the CDN are given.
"""

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import SimpleTemplateResponse
from rest_framework.request import Request

# A DRF Response (the API) or a TemplateResponse (the web pages); any other response (a redirect) is passed on.
Rendered = TypeVar("Rendered", bound=HttpResponseBase)

KEPT_HEADERS = ("Content-Type", "Content-Language", "Cache-Control", "Surrogate-Key", "Last-Modified", "Vary")


def response_key(request: Request | HttpRequest, version: str) -> str:
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"api-response:{version}:{hashlib.sha256(raw.encode()).hexdigest()}"


def cached_or_render(
    request: Request | HttpRequest, version: str, render: Callable[[], Rendered]
) -> HttpResponse | Rendered:
    """The cached response for ``request`` at ``version``, or ``render()``'s, stored once rendered if it is a 200."""
    if not settings.API_RESPONSE_CACHE:
        return render()
    key = response_key(request, version)
    hit: dict[str, Any] | None = cache.get(key)
    if hit is not None:
        cached = HttpResponse(hit["content"], status=200)
        for name, value in hit["headers"].items():
            cached[name] = value
        return cached
    response = render()

    def store(rendered: SimpleTemplateResponse) -> None:
        if rendered.status_code == 200:
            headers = {name: rendered[name] for name in KEPT_HEADERS if rendered.has_header(name)}
            cache.set(key, {"content": rendered.content, "headers": headers}, settings.API_CACHE_MAX_AGE)

    if isinstance(response, SimpleTemplateResponse):
        response.add_post_render_callback(store)
    return response
