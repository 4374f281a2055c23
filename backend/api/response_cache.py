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
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

KEPT_HEADERS = ("Content-Type", "Cache-Control", "Surrogate-Key", "Last-Modified", "Vary")


def response_key(request: Request, version: str) -> str:
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"api-response:{version}:{hashlib.sha256(raw.encode()).hexdigest()}"


def cached_or_render(request: Request, version: str, render: Callable[[], Response]) -> HttpResponse | Response:
    """The cached response for ``request`` at ``version``, or ``render()``'s, stored once rendered if it is a 200."""
    if not settings.API_RESPONSE_CACHE:
        return render()
    key = response_key(request, version)
    hit: dict[str, Any] | None = cache.get(key)
    if hit is not None:
        response = HttpResponse(hit["content"], status=200)
        for name, value in hit["headers"].items():
            response[name] = value
        return response
    response = render()

    def store(rendered: Response) -> None:
        if rendered.status_code == 200:
            headers = {name: rendered[name] for name in KEPT_HEADERS if rendered.has_header(name)}
            cache.set(key, {"content": rendered.content, "headers": headers}, settings.API_CACHE_MAX_AGE)

    response.add_post_render_callback(store)
    return response
