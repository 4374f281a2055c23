"""Hourly view counts of old days roll up into daily rows (newsapi/retention.py): totals never change."""

import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsapi import retention
from newsapi.models import Article, ArticleDailyViewCount, ArticleViewCount, Edition
from newsapi.retention import article_views_by_day, article_views_roll_up, roll_up_cutoff
from tests.factories import edition, published_article

pytestmark = pytest.mark.django_db

NOW = timezone.now().astimezone(UTC)
MIDNIGHT = datetime.combine(NOW.date(), time.min, tzinfo=UTC)
CUTOFF = MIDNIGHT - timedelta(days=30)  # the settings' default keeps 30 days hourly
OLD_DAYS = range(31, 60)  # days before today with hourly rows to roll up


def story(code: str = "en") -> Article:
    return published_article(edition=edition(code), send_alert=False, published_at=NOW - timedelta(days=90))


def counted(article: Article, hour: datetime, count: int) -> None:
    """An hourly row as ``article_views_record`` leaves it for views counted in ``hour``."""
    ArticleViewCount.objects.create(article=article, edition_id=article.edition_id, hour=hour, count=count)


def every_day(articles: list[Article]) -> dict[tuple[int, date], int]:
    return article_views_by_day(
        article_ids=[article.pk for article in articles], since=NOW.date() - timedelta(days=100), until=NOW.date()
    )


def raw_totals() -> dict[tuple[int, date], int]:
    """Views per (article, UTC day) straight from both tables' rows, independent of ``article_views_by_day``."""
    totals: dict[tuple[int, date], int] = {}
    for row in ArticleViewCount.objects.all():
        key = (row.article_id, row.hour.astimezone(UTC).date())
        totals[key] = totals.get(key, 0) + row.count
    for daily in ArticleDailyViewCount.objects.all():
        totals[daily.article_id, daily.day] = totals.get((daily.article_id, daily.day), 0) + daily.count
    return totals


@pytest.fixture
def history() -> list[Article]:
    """Two English stories and a Sorani one, read over three months: old days, the cutoff's edges, recent hours."""
    first, second, sorani = story(), story(), story("ckb")
    for day in OLD_DAYS:
        for hour in (0, 9, 22):
            at = MIDNIGHT + timedelta(hours=hour) - timedelta(days=day)
            counted(first, at, day + hour)
            counted(second, at, 2)
            counted(sorani, at, 1 + hour)
    counted(first, CUTOFF - timedelta(hours=1), 7)  # the last hour of the last day rolled up
    counted(first, CUTOFF, 11)  # the first hour kept
    counted(first, NOW - timedelta(days=3), 40)
    counted(second, NOW - timedelta(hours=2), 25)
    counted(sorani, NOW - timedelta(hours=1), 5)
    return [first, second, sorani]


def test_the_cutoff_is_midnight_starting_the_day_the_setting_goes_back_to(settings):
    now = datetime(2026, 11, 20, 0, 30, tzinfo=UTC)
    assert roll_up_cutoff(now=now) == datetime(2026, 10, 21, tzinfo=UTC)
    settings.VIEW_COUNTS_HOURLY_DAYS = 10
    assert roll_up_cutoff(now=now) == datetime(2026, 11, 10, tzinfo=UTC)
    # A time given in another zone is the same instant: UTC days all the same.
    assert roll_up_cutoff(now=now.astimezone(ZoneInfo("Asia/Baghdad"))) == datetime(2026, 11, 10, tzinfo=UTC)


def test_rolling_up_keeps_every_articles_total_for_every_day(history):
    before = every_day(history)
    assert before == raw_totals()
    hourly_before = ArticleViewCount.objects.count()

    rolled = article_views_roll_up(now=NOW)

    assert every_day(history) == before
    assert raw_totals() == before
    assert rolled.done
    assert rolled.hourly_rows == hourly_before - ArticleViewCount.objects.count() == 3 * len(OLD_DAYS) * 3 + 1
    assert rolled.views == sum(views for (_, day), views in before.items() if day < CUTOFF.date())
    # One row per article and old day; nothing hourly left before the cutoff, every hour after it kept.
    assert ArticleDailyViewCount.objects.count() == 3 * len(OLD_DAYS)
    assert not ArticleViewCount.objects.filter(hour__lt=CUTOFF).exists()
    assert ArticleViewCount.objects.filter(hour__gte=CUTOFF).count() == 4
    first = history[0]
    last_day = ArticleDailyViewCount.objects.get(article=first, day=CUTOFF.date() - timedelta(days=1))
    assert (last_day.count, last_day.edition_id) == (31 + (31 + 9) + (31 + 22) + 7, first.edition_id)


def test_most_read_is_the_same_after_the_roll_up(api, history, settings):
    settings.API_RESPONSE_CACHE = False  # every request computes its figures

    def ranking(code: str, window: str) -> list[tuple[int, int]]:
        response = api.get("/api/v1/most-read/", {"lang": code, "window": window})
        assert response.status_code == 200, response.content
        return [(card["id"], card["view_count"]) for card in response.json()["results"]]

    windows = [(code, window) for code in ("en", "ckb") for window in ("1h", "24h", "7d")]
    before = {key: ranking(*key) for key in windows}

    article_views_roll_up(now=NOW)

    assert {key: ranking(*key) for key in windows} == before
    assert before["en", "7d"] == [(history[0].pk, 40), (history[1].pk, 25)]


def test_running_again_changes_nothing(history):
    article_views_roll_up(now=NOW)
    hourly = sorted(ArticleViewCount.objects.values_list("article_id", "hour", "count"))
    daily = sorted(ArticleDailyViewCount.objects.values_list("article_id", "day", "count"))

    again = article_views_roll_up(now=NOW)

    assert (again.hourly_rows, again.views, again.batches, again.done) == (0, 0, 0, True)
    assert sorted(ArticleViewCount.objects.values_list("article_id", "hour", "count")) == hourly
    assert sorted(ArticleDailyViewCount.objects.values_list("article_id", "day", "count")) == daily


def test_a_day_rolled_up_in_pieces_adds_up_to_the_same_daily_row(history):
    before = every_day(history)

    runs: list[retention.RollUp] = []
    while not runs or not runs[-1].done:
        runs.append(article_views_roll_up(now=NOW, batch_size=4, max_batches=5))
        assert every_day(history) == before  # between any two runs too

    assert len(runs) > 2
    assert all(run.batches <= 5 and run.hourly_rows <= 20 for run in runs)
    assert ArticleDailyViewCount.objects.count() == 3 * len(OLD_DAYS)  # pieces of one day went into one row
    assert raw_totals() == before


def test_a_batch_interrupted_between_the_upsert_and_the_delete_counts_nothing_twice(history, monkeypatch):
    before = every_day(history)
    hourly = ArticleViewCount.objects.count()
    add_to_daily = retention._add_to_daily

    def add_then_fail(**kwargs):
        add_to_daily(**kwargs)
        raise OperationalError("server closed the connection unexpectedly")  # before the hourly rows are deleted

    monkeypatch.setattr(retention, "_add_to_daily", add_then_fail)
    with pytest.raises(OperationalError):
        article_views_roll_up(now=NOW, batch_size=10)

    # The batch's upsert went with its transaction: nothing moved, nothing doubled.
    assert not ArticleDailyViewCount.objects.exists()
    assert ArticleViewCount.objects.count() == hourly
    assert every_day(history) == before

    monkeypatch.setattr(retention, "_add_to_daily", add_to_daily)
    assert article_views_roll_up(now=NOW, batch_size=10).done
    assert every_day(history) == before == raw_totals()


def test_an_existing_daily_row_is_added_to_not_replaced(history):
    first = history[0]
    day = NOW.date() - timedelta(days=50)
    ArticleDailyViewCount.objects.create(article=first, edition_id=first.edition_id, day=day, count=1000)
    before = every_day(history)

    article_views_roll_up(now=NOW)

    assert every_day(history) == before
    assert ArticleDailyViewCount.objects.get(article=first, day=day).count == 1000 + 50 + (50 + 9) + (50 + 22)


def test_each_batch_costs_three_statements_whatever_its_size(history):
    """Lock the rows, upsert their days, delete them: the same statements for 2 rows a batch or 50."""
    editions = Edition.objects.count()

    def statements(batch_size: int, max_batches: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            rolled = article_views_roll_up(now=NOW, batch_size=batch_size, max_batches=max_batches)
        sql = [query["sql"] for query in queries.captured_queries]
        return len([s for s in sql if not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]), rolled.batches

    small, small_batches = statements(batch_size=2, max_batches=3)
    assert small_batches == 3
    # The editions, three statements a batch, and (stopped at max_batches) one look per edition still to go.
    assert small <= 1 + 3 * 3 + editions
    large, large_batches = statements(batch_size=50, max_batches=3)
    assert large_batches == 3
    assert large == small
    rest, rest_batches = statements(batch_size=1000, max_batches=100)
    # Whole: a batch a non-empty edition (en, ckb), then one empty look per edition.
    assert (rest, rest_batches) == (1 + 3 * 2 + editions, 2)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_run_skips_rows_another_run_holds_instead_of_waiting_and_counts_each_view_once():
    """Two sweeps at once (a slow run overlapping the next): each takes rows the other does not hold."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a second connection holding row locks (PostgreSQL)")
    article = story()
    for day in OLD_DAYS:
        counted(article, MIDNIGHT - timedelta(days=day), day)
    before = every_day([article])
    held = list(ArticleViewCount.objects.order_by("hour").values_list("pk", flat=True)[:5])
    locked, release = threading.Event(), threading.Event()

    def other_run() -> None:
        try:
            with transaction.atomic():
                list(ArticleViewCount.objects.select_for_update().filter(pk__in=held))
                locked.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    other = threading.Thread(target=other_run)
    other.start()
    try:
        assert locked.wait(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")  # waiting on the held rows would be an error, not a hang
        rolled = article_views_roll_up(now=NOW, batch_size=3)

        assert rolled.hourly_rows == len(OLD_DAYS) - len(held)
        assert sorted(ArticleViewCount.objects.values_list("pk", flat=True)) == sorted(held)
        assert every_day([article]) == before
    finally:
        release.set()
        other.join(timeout=60)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")

    assert article_views_roll_up(now=NOW).hourly_rows == len(held)
    assert not ArticleViewCount.objects.exists()
    assert every_day([article]) == before
