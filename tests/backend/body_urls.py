"""A test-only URLconf: the real routes plus a DRF view that parses a JSON body.

The read API has no endpoint that takes a body yet; this one lets the tests reach DRF's
own 400 (malformed JSON), 413 and 415 through the real middleware and exception handler.
A view that raises lets them reach Django's own 500.
"""

from typing import Any

from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler404, handler500
from config.urls import urlpatterns as real_urlpatterns

ECHO_PATH = "/api/test/echo/"
BOOM_PATH = "/api/test/boom/"


class EchoView(APIView):
    def post(self, request: Request) -> Response:
        data: Any = request.data
        return Response({"received": data})


class BoomView(APIView):
    """A bug: an exception no handler knows."""

    def get(self, request: Request) -> Response:
        raise RuntimeError("a bug in a view")


urlpatterns = [
    path(ECHO_PATH.lstrip("/"), EchoView.as_view()),
    path(BOOM_PATH.lstrip("/"), BoomView.as_view()),
    *real_urlpatterns,
]

__all__ = ["BOOM_PATH", "ECHO_PATH", "handler404", "handler500", "urlpatterns"]
