"""Retention of view counts: hourly rows of old days rolled into one row per article and day.

``ArticleViewCount`` grows by articles x hours. Only recent hours are read by the hour (most read takes
at most 7 days; ``article_views_record`` drops views older than that), so whole UTC days older than
``VIEW_COUNTS_HOURLY_DAYS`` move into ``ArticleDailyViewCount``: totals per article and day stay
exactly what they were (``article_views_by_day`` reads both tables), with a 24th of the rows.

Run from beat (``newsapi.tasks.view_counts_roll_up``) in small batches, each its own short transaction
that adds a set of hourly rows to their daily rows and deletes exactly those hourly rows: a batch
interrupted anywhere leaves either both or neither, so a view is never counted twice or lost, and a
run stopped half-way is finished by the next. Concurrent runs take different rows (``SKIP LOCKED``).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from newsapi.models import ArticleDailyViewCount, ArticleViewCount, Edition


@dataclass
class RollUp:
    """What one run did: hourly rows folded into daily rows, and in how many batches."""

    hourly_rows: int = 0
    views: int = 0
    batches: int = 0
    done: bool = True  # False: it stopped at ``max_batches`` with old hourly rows left for the next run


def roll_up_cutoff(*, now: datetime | None = None) -> datetime:
    """The first hour kept hourly: midnight (UTC) starting the day ``VIEW_COUNTS_HOURLY_DAYS`` ago.

    Everything before it is whole days, each entirely older than the setting, so a day is rolled up
    once all its hours are old (never a day still being counted into).
    """
    now = now or timezone.now()
    day = (now.astimezone(UTC) - timedelta(days=settings.VIEW_COUNTS_HOURLY_DAYS)).date()
    return datetime.combine(day, time.min, tzinfo=UTC)


def article_views_roll_up(
    *, now: datetime | None = None, batch_size: int | None = None, max_batches: int | None = None
) -> RollUp:
    """Fold the hourly view counts of whole days past ``roll_up_cutoff`` into daily rows.

    Edition by edition, oldest hours first (the ``(edition, hour)`` index), ``batch_size`` rows
    (``RETENTION_BATCH_SIZE``) a batch and at most ``max_batches`` (``RETENTION_MAX_BATCHES``) a run.
    Each batch is three statements in one transaction whatever its size: lock the rows, upsert their
    sums per (article, day), delete them. Idempotent: run again, it finds nothing left to move.
    """
    batch_size = batch_size or settings.RETENTION_BATCH_SIZE
    max_batches = max_batches or settings.RETENTION_MAX_BATCHES
    if batch_size < 1 or max_batches < 1:
        raise ValueError("batch_size and max_batches must be positive")
    cutoff = roll_up_cutoff(now=now)
    result = RollUp()
    editions = list(Edition.objects.order_by("pk").values_list("pk", flat=True))
    for position, edition_id in enumerate(editions):
        while True:
            if result.batches >= max_batches:
                # Edition by edition, so each look is one range of the (edition, hour) index.
                left = ArticleViewCount.objects.filter(hour__lt=cutoff)
                result.done = not any(left.filter(edition_id=pk).exists() for pk in editions[position:])
                return result
            moved, views = _roll_up_batch(edition_id=edition_id, cutoff=cutoff, batch_size=batch_size)
            if not moved:
                break
            result.batches += 1
            result.hourly_rows += moved
            result.views += views
    return result


def _roll_up_batch(*, edition_id: int, cutoff: datetime, batch_size: int) -> tuple[int, int]:
    """Move up to ``batch_size`` hourly rows of one edition older than ``cutoff``; (rows moved, views)."""
    with transaction.atomic():
        rows = list(
            ArticleViewCount.objects.select_for_update(skip_locked=True)
            .filter(edition_id=edition_id, hour__lt=cutoff)
            .order_by("hour", "pk")
            .values_list("pk", "article_id", "hour", "count")[:batch_size]
        )
        if not rows:
            return 0, 0
        days: Counter[tuple[int, date]] = Counter()
        for _, article_id, hour, count in rows:
            days[article_id, hour.astimezone(UTC).date()] += count
        _add_to_daily(edition_id=edition_id, days=days)
        ArticleViewCount.objects.filter(pk__in=[row[0] for row in rows]).delete()
    return len(rows), sum(days.values())


def _add_to_daily(*, edition_id: int, days: Counter[tuple[int, date]]) -> None:
    """Add ``days``' counts to their daily rows, creating missing ones: one upsert statement
    (``INSERT ... ON CONFLICT (article_id, day) DO UPDATE``), rows in key order.

    PostgreSQL takes the whole set as four arrays (``unnest``): one statement whatever the batch size,
    ten times faster than a statement per row. SQLite, in process, takes a statement per row.
    """
    quote = connection.ops.quote_name
    table = quote(ArticleDailyViewCount._meta.db_table)
    count = quote("count")
    columns = f"({quote('article_id')}, {quote('edition_id')}, {quote('day')}, {count})"
    conflict = f"ON CONFLICT ({quote('article_id')}, {quote('day')}) DO UPDATE SET {count} = {table}.{count} + "
    conflict += f"excluded.{count}"
    keys = sorted(days)
    # Only quoted model names go into the statements; every value is a parameter.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} {columns} "  # noqa: S608
                f"SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::date[], %s::integer[]) {conflict}",
                [
                    [article_id for article_id, _ in keys],
                    [edition_id] * len(keys),
                    [day for _, day in keys],
                    [days[key] for key in keys],
                ],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {table} {columns} VALUES (%s, %s, %s, %s) {conflict}",  # noqa: S608
                [(article_id, edition_id, connection.ops.adapt_datefield_value(day), days[article_id, day])
                 for article_id, day in keys],
            )  # fmt: skip


def article_views_by_day(*, article_ids: list[int], since: date, until: date) -> dict[tuple[int, date], int]:
    """Views of each of ``article_ids`` per UTC day from ``since`` to ``until`` (inclusive), zero days left out.

    The one reader of view counts that knows both tables: a day's total is its daily row plus any of its
    hourly rows not rolled up yet, so the figures are the same before, during and after a roll-up.
    Two queries. (Most read and the dashboard read recent hours only and need neither this nor the daily rows.)
    """
    totals: Counter[tuple[int, date]] = Counter()
    daily = ArticleDailyViewCount.objects.filter(article_id__in=article_ids, day__gte=since, day__lte=until)
    for article_id, day, count in daily.values_list("article_id", "day", "count"):
        totals[article_id, day] += count
    start = datetime.combine(since, time.min, tzinfo=UTC)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC)
    hourly = (
        ArticleViewCount.objects.filter(article_id__in=article_ids, hour__gte=start, hour__lt=end)
        .annotate(day=TruncDate("hour", tzinfo=UTC))
        .values("article_id", "day")
        .annotate(views=Sum("count"))
        .order_by()
    )
    for row in hourly:
        totals[row["article_id"], row["day"]] += row["views"]
    return {key: views for key, views in totals.items() if views}
