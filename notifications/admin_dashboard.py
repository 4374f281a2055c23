"""The editor dashboard: the admin's first page for editors and chief editors.

``install`` makes the admin site's index show it to those ``can_view_dashboard`` lets in; everyone
else (reporters) gets the stock index. The figures come from ``notifications.dashboard`` (cached for
a minute); the charts are server-side SVG (``backend.charts``), so the page needs no script.

The page speaks English, Sorani or Arabic (``LANGUAGES``): ``?lang=`` chooses (and is remembered in
Django's language cookie), else the browser's preferred language when it is one of them. In Sorani and
Arabic the whole page is right to left, Django's own admin strings included, and the charts are
mirrored: time runs from right to left. Times are the newsroom's (``NEWSROOM_TIME_ZONE``).
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.admin import AdminSite
from django.core.cache import cache
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import numberformat, timezone, translation
from django.utils.formats import date_format, get_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.charts import Axis, Series, bar_chart, data_table, legend, line_chart, meter
from backend.newsroom_time import newsroom_time_zone
from newsapi.models import AppPlatform
from notifications.dashboard import (
    CACHE_KEY,
    CACHE_SECONDS,
    OPEN_CHECKPOINTS,
    PLATFORMS,
    DashboardFigures,
    can_view_dashboard,
    dashboard_figures,
)

TEMPLATE = "admin/notifications/dashboard.html"
# The languages the dashboard is written in, by their own names (locale/ holds ckb and ar).
LANGUAGES = {"en": "English", "ckb": "کوردی", "ar": "العربية"}
# The palette colour of each platform (backend.charts.PALETTE): green and blue.
PLATFORM_COLORS = {AppPlatform.ANDROID: 2, AppPlatform.IOS: 0}
ALL_EDITIONS_COLOR = 6  # grey
CHECKPOINT_NAMES = {
    5: gettext_lazy("+5 min"),
    15: gettext_lazy("+15 min"),
    60: gettext_lazy("+1 h"),
    180: gettext_lazy("+3 h"),
    1440: gettext_lazy("+24 h"),
}


def dashboard_language(request: HttpRequest) -> str:
    """``?lang=``, else the language cookie or the browser's first choice among ``LANGUAGES``, else English."""
    asked = request.GET.get("lang", "")
    if asked in LANGUAGES:
        return asked
    preferred = translation.get_language_from_request(request)
    return preferred if preferred in LANGUAGES else "en"


def install(site: AdminSite) -> None:
    """Make ``site``'s first page the dashboard for editors; the stock index for everyone else."""
    stock_index = site.index

    def index(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        if not can_view_dashboard(request.user):
            return stock_index(request, extra_context)
        language = dashboard_language(request)
        with translation.override(language):
            context = page_context(language)
            response = stock_index(request, {**context, **(extra_context or {})})
            response.template_name = TEMPLATE
            response.render()  # now, in the page's language
        if request.GET.get("lang") == language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    site.index = index  # type: ignore[method-assign]


def page_context(language: str) -> dict[str, Any]:
    """The page's charts and tables in ``language``: made once per language from each set of cached
    figures, and kept as long as they are (drawing the charts costs more than serving the page)."""
    figures = dashboard_figures()
    key = f"{CACHE_KEY}:page:{language}:{figures.computed_at.timestamp()}"
    context = cache.get(key)
    if not isinstance(context, dict):
        context = dashboard_context(figures=figures, language=language)
        cache.set(key, context, CACHE_SECONDS)
    return context


# --- What the page shows -------------------------------------------------------------------------


def whole(value: float) -> str:
    """A count with the language's thousands separator, grouped by three (Django's Sorani and Arabic formats
    name a separator but no grouping, which would print 212212)."""
    return numberformat.format(
        round(value),
        get_format("DECIMAL_SEPARATOR"),
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def share(value: float) -> str:
    """A share as a percentage: one decimal under 10% (open rates are often a few per cent), none when it is 0."""
    percent = value * 100
    digits = 1 if 0 < percent < 10 and round(percent, 1) != round(percent) else 0
    return _("%(number)s%%") % {"number": number_format(round(percent, digits), decimal_pos=digits)}


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment, newsroom_time_zone())


def _day(day: date) -> str:
    return date_format(day, "j M")


def dashboard_context(*, figures: DashboardFigures, language: str) -> dict[str, Any]:
    """The template's context, in the active language: the charts' markup and the tables' rows."""
    rtl = translation.get_language_bidi()
    return {
        "title": _("Newsroom dashboard"),
        "dashboard_dir": "rtl" if rtl else "ltr",
        "dashboard_language": language,
        "languages": [
            {"code": code, "name": name, "current": code == language, "dir": "rtl" if code in ("ckb", "ar") else "ltr"}
            for code, name in LANGUAGES.items()
        ],
        "as_of": date_format(_local(figures.computed_at), "H:i"),
        "zone": settings.NEWSROOM_TIME_ZONE,
        "time_direction": _("older → newer"),
        "views": _views(figures, rtl=rtl),
        "top": _top_articles(figures),
        "alerts": _alerts(figures, rtl=rtl),
        "devices": _devices(figures, rtl=rtl),
    }


def _chart(
    *,
    render: Callable[..., Any],
    caption: str,
    axis: Axis,
    series: list[Series],
    value_format: Callable[[float], str],
    bars: bool = False,
) -> dict[str, Any]:
    return {
        "svg": render(axis=axis, series=series, value_format=value_format),
        "legend": legend(series, bars=bars),
        "table": data_table(caption=caption, axis=axis, series=series, value_format=value_format),
    }


def _views(figures: DashboardFigures, *, rtl: bool) -> dict[str, Any]:
    hours = [_local(hour) for hour in figures.views.hours]
    axis = Axis(
        names=[f"{_day(hour.date())} {date_format(hour, 'H:i')}" for hour in hours],
        ticks={index: date_format(hour, "H:i") for index, hour in enumerate(hours) if hour.hour % 6 == 0},
        subticks={index: _day(hour.date()) for index, hour in enumerate(hours) if hour.hour == 0},
        title=_("Hour"),
    )
    series = [
        Series(
            name=edition.name,
            note=whole(figures.views.total(edition.id)),
            values=figures.views.by_edition.get(edition.id, []),
            color=index,
        )
        for index, edition in enumerate(figures.editions)
        if figures.views.total(edition.id)  # an edition nobody read would only draw over the zero line
    ]
    total = sum(figures.views.total(edition.id) for edition in figures.editions)
    peak = max(((sum(line.values[i] or 0 for line in series), i) for i in range(len(hours))), default=(0, 0))
    title = _("Views per hour by edition, the last 48 hours")
    description = _("%(total)s views in all; the busiest hour was %(hour)s with %(views)s.") % {
        "total": whole(total),
        "hour": axis.names[peak[1]] if hours else "",
        "views": whole(peak[0]),
    }

    def render(**kwargs: Any) -> Any:
        return line_chart(title=title, description=description, rtl=rtl, **kwargs)

    return {
        "title": title,
        "description": description,
        **_chart(render=render, caption=title, axis=axis, series=series, value_format=whole),
    }


def _top_articles(figures: DashboardFigures) -> dict[str, Any]:
    editions = {edition.id: edition for edition in figures.editions}
    most = max((article.views for article in figures.top_articles), default=0)
    return {
        "title": _("Top articles today"),
        "since": _("Since midnight, newsroom time (%(zone)s).") % {"zone": settings.NEWSROOM_TIME_ZONE},
        "rows": [
            {
                "rank": whole(rank),
                "title": article.title,
                "url": reverse("admin:newsapi_article_change", args=[article.id]),
                "edition": editions[article.edition_id].code if article.edition_id in editions else "",
                "views": whole(article.views),
                "meter": meter(value=article.views, maximum=most, color=0),
            }
            for rank, article in enumerate(figures.top_articles, start=1)
        ],
    }


def _alerts(figures: DashboardFigures, *, rtl: bool) -> dict[str, Any]:
    editions = {edition.id: edition for edition in figures.editions}
    names = [str(CHECKPOINT_NAMES[minutes]) for minutes in OPEN_CHECKPOINTS]
    axis = Axis(names=names, ticks=dict(enumerate(names)), title=_("After the send"))
    alerted = {alert.edition_id for alert in figures.alerts if alert.sent}
    series = [
        Series(name=edition.name, values=figures.pooled_open_rates(edition.id), color=index)
        for index, edition in enumerate(figures.editions)
        if edition.id in alerted
    ]
    if len(series) != 1:
        series.append(Series(name=_("All editions"), values=figures.pooled_open_rates(), color=ALL_EDITIONS_COLOR))
    title = _("Open rate after the send, alerts of the last 7 days")
    rate = figures.pooled_open_rates()[-1]
    description = (
        _("Within 24 hours, %(rate)s of the devices sent an alert opened it.") % {"rate": share(rate)}
        if rate is not None
        else _("No alert was sent in the last 7 days.")
    )

    def render(**kwargs: Any) -> Any:
        return line_chart(title=title, description=description, rtl=rtl, maximum=0.05, **kwargs)

    rows = []
    for alert in figures.alerts:
        widest = max(alert.targeted, alert.sent, alert.opened, 1)
        edition = editions.get(alert.edition_id)
        rows.append(
            {
                "title": alert.title,
                "url": reverse("admin:notifications_alert_change", args=[alert.id]),
                "edition": edition.code if edition else "",
                "edition_dir": edition.dir if edition else "auto",
                "started": date_format(_local(alert.started_at), "j M H:i"),
                "started_iso": alert.started_at.isoformat(),
                "targeted": whole(alert.targeted),
                "sent": whole(alert.sent),
                "opened": whole(alert.opened),
                "open_rate": share(alert.open_rate) if alert.open_rate is not None else "—",
                "curve": [share(value) if value is not None else "—" for value in alert.open_rates()],
                "funnel": [
                    meter(value=alert.targeted, maximum=widest, color=6, width=90, height=6),
                    meter(value=alert.sent, maximum=widest, color=0, width=90, height=6),
                    meter(value=alert.opened, maximum=widest, color=2, width=90, height=6),
                ],
            }
        )
    return {
        "title": title,
        "description": description,
        "checkpoints": names,
        "rows": rows,
        **_chart(render=render, caption=title, axis=axis, series=series, value_format=share),
    }


def _devices(figures: DashboardFigures, *, rtl: bool) -> dict[str, Any]:
    registrations = figures.registrations
    platform_names = dict(AppPlatform.choices)
    axis = Axis(
        names=[date_format(day, "j M Y") for day in registrations.days],
        ticks={index: _day(day) for index, day in enumerate(registrations.days)},
        title=_("Day"),
    )
    series = [
        Series(
            name=str(platform_names[platform]),
            values=registrations.per_day(platform=platform),
            color=PLATFORM_COLORS[AppPlatform(platform)],
        )
        for platform in PLATFORMS
    ]
    new_total = sum(registrations.per_day())
    title = _("New devices per day, the last 14 days")
    description = _("%(new)s devices registered in 14 days; %(active)s devices receive alerts now.") % {
        "new": whole(new_total),
        "active": whole(registrations.active_total()),
    }

    def render(**kwargs: Any) -> Any:
        return bar_chart(title=title, description=description, rtl=rtl, **kwargs)

    rows = [
        {
            "edition": edition.name,
            "dir": edition.dir,
            "new": [whole(sum(registrations.per_day(platform=p, edition_id=edition.id))) for p in PLATFORMS],
            "active": [whole(registrations.active_total(platform=p, edition_id=edition.id)) for p in PLATFORMS],
            "active_total": whole(registrations.active_total(edition_id=edition.id)),
        }
        for edition in figures.editions
    ]
    return {
        "title": title,
        "description": description,
        "platforms": [str(platform_names[platform]) for platform in PLATFORMS],
        "rows": rows,
        "totals": {
            "new": [whole(sum(registrations.per_day(platform=p))) for p in PLATFORMS],
            "active": [whole(registrations.active_total(platform=p)) for p in PLATFORMS],
            "active_total": whole(registrations.active_total()),
        },
        **_chart(render=render, caption=title, axis=axis, series=series, value_format=whole, bars=True),
    }
