"""The newsroom's clock: the admin shows and takes times in the newsroom's time zone.

Django stores every time in UTC (``USE_TZ``) and converts at the edges to the *current*
time zone. The API must stay UTC for the apps (RFC 3339 with ``Z``), so the project's
``TIME_ZONE`` is UTC and this middleware makes ``settings.NEWSROOM_TIME_ZONE`` (default
Asia/Baghdad) current only for the pages people read times on: the admin. An editor who
types 16:00 in the schedule field means 16:00 in Erbil, and sees it back as such.
"""

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone


def newsroom_time_zone() -> ZoneInfo:
    return ZoneInfo(settings.NEWSROOM_TIME_ZONE)


class NewsroomTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.zone = newsroom_time_zone()  # an unknown zone name fails at start-up, not on a page
        self.admin_prefix = ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.admin_prefix:
            self.admin_prefix = reverse("admin:index")
        if not request.path.startswith(self.admin_prefix):
            return self.get_response(request)
        with timezone.override(self.zone):
            return self.get_response(request)
