"""The page a locked-out login gets (django-axes' ``AXES_LOCKOUT_CALLABLE``).

Axes' own lockout response is a bare line of text, or a template given only the length of the
cool-off. An editor locked out on deadline needs to know *when* the form will take them again,
in the newsroom's clock, and what to do meanwhile; so the page is rendered here, in the editor
site's look, with the time the last counted failure stops counting.
"""

import math
from datetime import datetime, timedelta
from typing import Any

from axes.conf import settings as axes_settings  # Django's settings, with axes' defaults filled in
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.contrib import admin
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

TEMPLATE = "admin/login_locked.html"


def lockout_retry_at(request: HttpRequest, credentials: dict[str, Any] | None) -> datetime | None:
    """When this username from this address may log in again, or None for a lockout without end.

    A lockout ends a cool-off after the latest failure it counts (settings: failures during the
    lockout are not counted, so trying again does not push this time back).
    """
    cool_off: timedelta | None = get_cool_off(request)
    if cool_off is None:
        return None
    attempts = AxesProxyHandler.get_implementation().get_user_attempts(request, credentials)
    latest = [last for queryset in attempts if (last := queryset.aggregate(last=Max("attempt_time"))["last"])]
    return max(latest, default=timezone.now()) + cool_off


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """The lockout page, status 429, in place of the login form's response."""
    retry_at = lockout_retry_at(request, credentials)
    minutes_left = None
    if retry_at is not None:
        minutes_left = max(1, math.ceil((retry_at - timezone.now()).total_seconds() / 60))
    context = {
        **admin.site.each_context(request),
        "title": "Log-in locked",
        "username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        "retry_at": retry_at,
        "minutes_left": minutes_left,
    }
    return render(request, TEMPLATE, context, status=axes_settings.AXES_HTTP_RESPONSE_CODE)
