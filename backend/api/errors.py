"""RFC 9457 problem details for every failure the API can answer with.

DRF exceptions go through ``problem_exception_handler``; Django's own 404 and 500
for ``/api/`` paths through ``api_handler404``/``api_handler500`` and, where Django
renders its debug pages instead (``DEBUG=1``, as under ``make run``), through
``APIProblemMiddleware``; bodies over the upload limit through ``RequestSizeLimitMiddleware``.
"""

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_body(status: int, *, detail: str = "", code: str = "", errors: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or HTTPStatus(status).description,
    }
    if code:
        body["code"] = code
    if errors is not None:
        body["errors"] = errors
    return body


def problem_response(status: int, **kwargs: Any) -> HttpResponse:
    """A plain Django response, for failures outside DRF views."""
    return HttpResponse(
        json.dumps(problem_body(status, **kwargs), ensure_ascii=False),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def _as_field_errors(detail: Any) -> dict[str, list[str]]:
    """Flatten DRF's error detail into ``{"field": ["message", ...]}``."""
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for field, messages in detail.items():
            if isinstance(messages, dict):
                for sub, sub_messages in _as_field_errors(messages).items():
                    out[f"{field}.{sub}"] = sub_messages
            elif isinstance(messages, list):
                flat: list[str] = []
                for index, item in enumerate(messages):
                    if isinstance(item, dict):
                        for sub, sub_messages in _as_field_errors(item).items():
                            out[f"{field}[{index}].{sub}"] = sub_messages
                    else:
                        flat.append(str(item))
                if flat:
                    out[field] = flat
            else:
                out[field] = [str(messages)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    return {"non_field_errors": [str(detail)]}


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: let Django log it and answer 500

    headers: dict[str, str] = {}
    wait = getattr(exc, "wait", None) if isinstance(exc, exceptions.Throttled) else None
    if wait is not None:
        headers["Retry-After"] = str(max(1, int(wait)))
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]

    status = exc.status_code
    if isinstance(exc, exceptions.ValidationError):
        body = problem_body(
            status,
            detail="The request has invalid parameters.",
            code="invalid",
            errors=_as_field_errors(exc.detail),
        )
    else:
        codes = exc.get_codes()
        body = problem_body(status, detail=str(exc.detail), code=codes if isinstance(codes, str) else "")
    set_rollback()
    return Response(body, status=status, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def api_handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return problem_response(404, detail="Nothing is published at this address.", code="not_found")
    from django.views.defaults import page_not_found

    return page_not_found(request, exception or Http404())


def api_handler500(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return problem_response(500, detail="The server failed; the failure was logged.", code="error")
    from django.views.defaults import server_error

    return server_error(request)


class RequestSizeLimitMiddleware:
    """Answer 413 before reading a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``.

    DRF's parsers read the WSGI stream directly, so Django's own check on
    ``request.body`` never runs for API requests.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and is_api_request(request):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return problem_response(400, detail="Content-Length is not a number.", code="bad_request")
            if length > limit:
                return problem_response(
                    413, detail=f"The body is {length} bytes; the limit is {limit}.", code="too_large"
                )
        return self.get_response(request)


class APIProblemMiddleware:
    """Turn any HTML error page answered for an ``/api/`` path into problem+json, in every mode.

    With ``DEBUG=1`` Django answers an unmatched URL or an uncaught exception with its HTML
    debug page, never calling ``handler404``/``handler500``; the apps' developers work
    against that mode and their clients parse problem+json only. Django has logged the
    failure by the time this sees the response.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and is_api_request(request)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            if response.status_code == 404:
                return problem_response(404, detail="Nothing is published at this address.", code="not_found")
            return problem_response(
                response.status_code, detail="The server failed; the failure was logged.", code="error"
            )
        return response
