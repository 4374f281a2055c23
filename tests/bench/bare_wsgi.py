"""The product's WSGI application plus one URL only ``make bench-api`` serves: ``/bench/bare``.

``gunicorn tests.bench.bare_wsgi:application`` serves everything ``config.wsgi`` serves, with the same
settings and middleware, and at ``/bench/bare`` a Django view that returns a pre-encoded 6 KB JSON body:
no database, no serialisation, no cache. It is the benchmark's "bare Django" baseline, so the ratios show
what the API's own work costs on the same gunicorn. The product's URLconf (``config.urls``) never has it.
"""

import json
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402 - after django.setup(), which get_wsgi_application ran
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

from config import urls as product  # noqa: E402

BODY_BYTES = 6 * 1024


def _body() -> bytes:
    """A JSON list of article-like cards, padded to exactly ``BODY_BYTES``."""
    cards = [
        {"id": index, "title": f"Story {index} of the bare baseline", "summary": "x" * 120, "is_breaking": False}
        for index in range(20)
    ]
    text = json.dumps({"next": None, "previous": None, "results": cards, "pad": ""}, separators=(",", ":"))
    text = text.replace('"pad":""', '"pad":"' + "p" * (BODY_BYTES - len(text)) + '"')
    assert len(text) == BODY_BYTES
    return text.encode()


BODY = _body()


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BODY, content_type="application/json")


urlpatterns = [path("bench/bare", bare), *product.urlpatterns]
handler404 = product.handler404
handler500 = product.handler500
settings.ROOT_URLCONF = __name__
