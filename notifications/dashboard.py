"""The editor dashboard's figures: how stories and alerts did, read from pre-aggregated rows only.

- Views per hour by edition over the last 48 hours: ``ArticleViewCount`` already holds one row per
  article and hour; they are summed by (edition, hour) through the ``view_count_edition_hour`` index.
- Top articles today: the same rows from the newsroom's midnight (``NEWSROOM_TIME_ZONE``), summed by
  article; only articles published now are ranked (no draft, scheduled or withdrawn story).
- Alerts of the last 7 days: each alert's own counters (targeted → sent → opened) and its
  ``AlertOpenCount`` rows, one per span after the send, which ``alerts_record_opens`` keeps. The
  delivery ledger (a row per device and alert) is never read.
- Device registrations per newsroom day, platform and edition over the last 14 days, and the devices
  that alerts reach now: one ``GROUP BY`` over ``Device``.

``dashboard_figures`` serves them from the cache for ``CACHE_SECONDS``: a page view costs one cache
read, and at most one computation a minute reaches the database however many editors look.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import cast

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.utils import timezone

from backend.newsroom_time import newsroom_time_zone
from backend.roles import Actor
from newsapi.models import AppPlatform, Article, ArticleStatus, ArticleViewCount, Edition
from notifications.models import Alert, AlertOpenCount, Device

CACHE_KEY = "notifications:dashboard:v1"
CACHE_SECONDS = 60
VIEW_HOURS = 48
TOP_ARTICLES = 10
ALERT_DAYS = 7
REGISTRATION_DAYS = 14
# Where the open-rate curve is read: cumulative opens within this many minutes of the send.
OPEN_CHECKPOINTS = (5, 15, 60, 180, 1440)
PLATFORMS = tuple(AppPlatform.values)


@dataclass(frozen=True)
class EditionFigure:
    id: int
    code: str
    name: str
    dir: str


@dataclass(frozen=True)
class HourlyViews:
    """``hours``: the start (UTC) of each of the last ``VIEW_HOURS`` hours, oldest first, this hour last.
    ``by_edition``: edition id → views in each of those hours."""

    hours: list[datetime]
    by_edition: dict[int, list[int]]

    def total(self, edition_id: int) -> int:
        return sum(self.by_edition.get(edition_id, ()))


@dataclass(frozen=True)
class TopArticle:
    id: int
    title: str
    edition_id: int
    views: int


@dataclass(frozen=True)
class AlertFunnel:
    """One alert's reach: ``opens_by_span`` maps a span's start (``AlertOpenCount.SPANS``) to its opens."""

    id: int
    title: str
    edition_id: int
    started_at: datetime
    targeted: int
    sent: int
    opened: int
    opens_by_span: dict[int, int] = field(default_factory=dict)

    @property
    def open_rate(self) -> float | None:
        """Opened of sent (accepted by FCM); None before anything was sent."""
        return self.opened / self.sent if self.sent else None

    def opens_within(self, minutes: int) -> int:
        return sum(count for span, count in self.opens_by_span.items() if span < minutes)

    def open_rates(self) -> list[float | None]:
        """The cumulative open rate at each of ``OPEN_CHECKPOINTS``."""
        return [self.opens_within(minutes) / self.sent if self.sent else None for minutes in OPEN_CHECKPOINTS]


@dataclass(frozen=True)
class Registrations:
    """``days``: the newsroom's last ``REGISTRATION_DAYS`` days, oldest first, today last.
    ``by_day``: (edition id, platform) → new devices on each of those days.
    ``active``: (edition id, platform) → devices that alerts reach now (active, not stale)."""

    days: list[date]
    by_day: dict[tuple[int, str], list[int]]
    active: dict[tuple[int, str], int]

    def per_day(self, *, platform: str | None = None, edition_id: int | None = None) -> list[int]:
        totals = [0] * len(self.days)
        for (edition, kind), counts in self.by_day.items():
            if (platform is None or kind == platform) and (edition_id is None or edition == edition_id):
                totals = [total + added for total, added in zip(totals, counts, strict=True)]
        return totals

    def active_total(self, *, platform: str | None = None, edition_id: int | None = None) -> int:
        return sum(
            count
            for (edition, kind), count in self.active.items()
            if (platform is None or kind == platform) and (edition_id is None or edition == edition_id)
        )


@dataclass(frozen=True)
class DashboardFigures:
    computed_at: datetime
    editions: list[EditionFigure]
    views: HourlyViews
    top_articles: list[TopArticle]
    alerts: list[AlertFunnel]
    registrations: Registrations

    def pooled_open_rates(self, edition_id: int | None = None) -> list[float | None]:
        """The open-rate curve of all the alerts (of one edition): opens within each checkpoint of all sent."""
        alerts = [alert for alert in self.alerts if edition_id is None or alert.edition_id == edition_id]
        sent = sum(alert.sent for alert in alerts)
        if not sent:
            return [None] * len(OPEN_CHECKPOINTS)
        return [sum(alert.opens_within(minutes) for alert in alerts) / sent for minutes in OPEN_CHECKPOINTS]


def can_view_dashboard(user: Actor) -> bool:
    """Editors and chief editors (``backend.roles``): those who publish stories and send alerts.

    Reporters keep the admin's usual first page. Asked of the permissions Django already loaded for
    the admin's app list, so it costs no query of its own.
    """
    return bool(
        user is not None
        and user.is_active
        and user.has_perm("newsapi.publish_article")
        and user.has_perm("notifications.send_alert")
    )


def dashboard_figures() -> DashboardFigures:
    """The figures as of at most ``CACHE_SECONDS`` ago (computed now when the cache has none)."""
    figures = cache.get(CACHE_KEY)
    if not isinstance(figures, DashboardFigures):
        figures = dashboard_figures_compute()
        cache.set(CACHE_KEY, figures, CACHE_SECONDS)
    return figures


def dashboard_figures_compute(*, now: datetime | None = None) -> DashboardFigures:
    """Every figure of the dashboard as of ``now``: a fixed number of queries, whatever the data's size."""
    now = now or timezone.now()
    editions = [
        EditionFigure(id=edition.pk, code=edition.code, name=edition.name, dir=edition.dir)
        for edition in Edition.objects.order_by("position", "code")
    ]
    edition_ids = [edition.id for edition in editions]
    return DashboardFigures(
        computed_at=now,
        editions=editions,
        views=views_per_hour(edition_ids=edition_ids, now=now),
        top_articles=top_articles_today(edition_ids=edition_ids, now=now),
        alerts=alert_funnels(now=now),
        registrations=device_registrations(now=now),
    )


def _hour_start(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def views_per_hour(*, edition_ids: list[int], now: datetime) -> HourlyViews:
    """Views of each edition in each of the last ``VIEW_HOURS`` hours (this one included), zeros filled in.

    The editions are named (``edition_id IN …``) so that PostgreSQL reads the (edition, hour) index
    range of each rather than every row of the table.
    """
    this_hour = _hour_start(now)
    hours = [this_hour - timedelta(hours=offset) for offset in range(VIEW_HOURS - 1, -1, -1)]
    position = {hour: index for index, hour in enumerate(hours)}
    by_edition = {edition_id: [0] * VIEW_HOURS for edition_id in edition_ids}
    rows = (
        ArticleViewCount.objects.filter(edition_id__in=edition_ids, hour__gte=hours[0], hour__lte=this_hour)
        .values("edition_id", "hour")
        .annotate(views=Sum("count"))
        .order_by()
    )
    for row in rows:
        index = position.get(_hour_start(row["hour"]))
        if index is not None:
            by_edition[row["edition_id"]][index] += int(row["views"])
    return HourlyViews(hours=hours, by_edition=by_edition)


def newsroom_midnight(now: datetime) -> datetime:
    """The start of the newsroom's day holding ``now``, as an aware time."""
    zone = newsroom_time_zone()
    return datetime.combine(now.astimezone(zone).date(), time.min, tzinfo=zone)


def top_articles_today(*, edition_ids: list[int], now: datetime, limit: int = TOP_ARTICLES) -> list[TopArticle]:
    """The most viewed published articles since the newsroom's midnight, all editions, most views first.

    Counts are per UTC hour: the hours counted are those starting at or after midnight (in a zone
    with a half-hour offset, the hour that straddles midnight belongs to the day before). The day's
    rows are summed per article through the editions' (edition, hour) index ranges, most viewed
    first, and only the leading candidates are checked for being published now, with their titles,
    by primary key: a draft or a withdrawn story never ranks. Checking every article counted (some
    ten thousand a day) cost more than the sum itself. Should fewer than ``limit`` of the candidates
    be published, more are taken; two queries in any ordinary day.
    """
    if not edition_ids:
        return []
    day = ArticleViewCount.objects.filter(
        edition_id__in=edition_ids, hour__gte=newsroom_midnight(now).astimezone(UTC), hour__lte=now
    )
    ranked = day.values("article_id").annotate(views=Sum("count")).order_by("-views", "-article_id")
    wanted = limit * 4
    while True:
        candidates = {row["article_id"]: int(row["views"]) for row in ranked[:wanted]}
        published = {
            pk: (title, edition_id)
            for pk, title, edition_id in Article.objects.filter(pk__in=candidates)
            .filter(status=ArticleStatus.PUBLISHED, published_at__lte=now)
            .values_list("pk", "title", "edition_id")
        }
        if len(published) >= limit or len(candidates) < wanted:
            break
        wanted *= 4
    ranking = [(pk, views) for pk, views in candidates.items() if pk in published][:limit]
    return [
        TopArticle(id=pk, title=published[pk][0], edition_id=published[pk][1], views=views) for pk, views in ranking
    ]


def alert_funnels(*, now: datetime) -> list[AlertFunnel]:
    """Every alert that started sending in the last ``ALERT_DAYS`` days, newest first, with its opens per span."""
    alerts = list(
        Alert.objects.filter(started_at__gte=now - timedelta(days=ALERT_DAYS), started_at__lte=now)
        .order_by("-started_at", "-id")
        .values_list("pk", "title", "edition_id", "started_at", "targeted", "sent", "opened")
    )
    spans: dict[int, dict[int, int]] = defaultdict(dict)
    if alerts:
        counted = AlertOpenCount.objects.filter(alert_id__in=[row[0] for row in alerts]).values_list(
            "alert_id", "minutes_after_send", "count"
        )
        for alert_id, minutes, count in counted:
            spans[alert_id][minutes] = count
    return [
        AlertFunnel(
            id=pk,
            title=title,
            edition_id=edition_id,
            started_at=cast(datetime, started_at),  # not null: the filter above
            targeted=targeted,
            sent=sent,
            opened=opened,
            opens_by_span=dict(spans.get(pk, {})),
        )
        for pk, title, edition_id, started_at, targeted, sent, opened in alerts
    ]


def device_registrations(*, now: datetime) -> Registrations:
    """New devices per newsroom day, edition and platform over the last ``REGISTRATION_DAYS`` days (today
    included), and the devices alerts reach now by edition and platform.

    Both come from one ``GROUP BY`` edition and platform over ``Device``, a filtered count per day:
    one sequential scan (every device counts in the total; no index serves it), in parallel on
    PostgreSQL, which the cache makes at most one a minute (its cost: ``make bench-dashboard``).
    """
    zone = newsroom_time_zone()
    today = now.astimezone(zone).date()
    days = [today - timedelta(days=offset) for offset in range(REGISTRATION_DAYS - 1, -1, -1)]
    # Each day's start in the newsroom (DST-safe: made here, not by the database), then now.
    starts = [datetime.combine(day, time.min, tzinfo=zone) for day in days]
    each_day = {
        f"day_{index}": Count(
            "id",
            filter=Q(created_at__gte=start)
            & (Q(created_at__lt=starts[index + 1]) if index + 1 < len(starts) else Q(created_at__lte=now)),
        )
        for index, start in enumerate(starts)
    }
    rows = (
        Device.objects.values("edition_id", "platform")
        .annotate(reachable=Count("id", filter=Q(is_active=True, is_stale=False)), **each_day)
        .order_by()
    )
    by_day: dict[tuple[int, str], list[int]] = {}
    active: dict[tuple[int, str], int] = {}
    for row in rows:
        key = (row["edition_id"], row["platform"])
        counts = [row[f"day_{index}"] for index in range(len(days))]
        if any(counts):
            by_day[key] = counts
        if row["reachable"]:
            active[key] = row["reachable"]
    return Registrations(days=days, by_day=by_day, active=active)
