"""The editor dashboard: its figures equal what a person counts by hand on a small newsroom, the
open-rate curve is kept by the open counter (never read from the ledger), editors see the page and
reporters keep the stock index, and the page's queries do not grow with the data."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.roles import CHIEF_EDITOR, EDITOR, REPORTER
from newsapi.models import Article, ArticleStatus, ArticleViewCount
from notifications.dashboard import (
    AlertFunnel,
    dashboard_figures_compute,
    device_registrations,
    top_articles_today,
    views_per_hour,
)
from notifications.models import Alert, AlertOpenCount, AlertState, Delivery, DeliveryState, Device
from notifications.services import alerts_record_opens
from tests.conftest import clear_cache
from tests.factories import ArticleFactory, edition, published_article, user_with_role
from tests.notifications.factories import AlertFactory, DeviceFactory

pytestmark = pytest.mark.django_db

BAGHDAD = ZoneInfo("Asia/Baghdad")  # UTC+3 all year
# 00:30 in Erbil on 10 March, 21:30 UTC on the 9th: the newsroom's day began half an hour ago.
JUST_AFTER_MIDNIGHT = datetime(2026, 3, 10, 0, 30, tzinfo=BAGHDAD)


@pytest.fixture(autouse=True)
def _newsroom_in_baghdad(settings):
    settings.NEWSROOM_TIME_ZONE = "Asia/Baghdad"


def views(article: Article, hour: datetime, count: int) -> None:
    ArticleViewCount.objects.create(article=article, edition=article.edition, hour=hour.astimezone(UTC), count=count)


def utc(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


# --- Views per hour -------------------------------------------------------------------------------


def test_views_per_hour_sum_each_editions_articles_hour_by_hour_over_48_hours():
    en_a, en_b = published_article(), published_article()
    ckb = published_article(edition=edition("ckb"))
    now = utc(2026, 3, 9, 21) + timedelta(minutes=30)
    views(en_a, utc(2026, 3, 9, 21), 10)  # this hour
    views(en_b, utc(2026, 3, 9, 21), 5)
    views(en_a, utc(2026, 3, 9, 20), 7)
    views(ckb, utc(2026, 3, 9, 21), 3)
    views(en_a, utc(2026, 3, 7, 22), 100)  # 47 hours before this hour: the first of the 48
    views(en_a, utc(2026, 3, 7, 21), 1000)  # 48 hours before: outside

    figures = views_per_hour(edition_ids=[edition("en").pk, edition("ckb").pk, edition("ar").pk], now=now)

    assert figures.hours[0] == utc(2026, 3, 7, 22) and figures.hours[-1] == utc(2026, 3, 9, 21)
    assert len(figures.hours) == 48
    english = figures.by_edition[edition("en").pk]
    assert english[-1] == 15 and english[-2] == 7 and english[0] == 100
    assert sum(english) == 122
    assert figures.by_edition[edition("ckb").pk] == [0] * 47 + [3]
    assert figures.by_edition[edition("ar").pk] == [0] * 48


# --- Top articles today ---------------------------------------------------------------------------


def test_top_articles_today_start_at_the_newsrooms_midnight_not_at_utcs():
    before = utc(2026, 3, 1, 12)
    late_story = published_article(title="Read last night", published_at=before)
    early_story = published_article(title="Read this morning", published_at=before)
    # 23:00 in Erbil on the 9th (20:00 UTC): yesterday in the newsroom, although today in UTC.
    views(late_story, utc(2026, 3, 9, 20), 500)
    # 00:00 in Erbil on the 10th (21:00 UTC on the 9th): today.
    views(early_story, utc(2026, 3, 9, 21), 40)
    views(late_story, utc(2026, 3, 9, 21), 30)

    top = top_articles_today(edition_ids=[edition("en").pk], now=JUST_AFTER_MIDNIGHT)

    assert [(article.title, article.views) for article in top] == [("Read this morning", 40), ("Read last night", 30)]


def test_top_articles_today_rank_every_edition_and_leave_out_drafts_scheduled_and_withdrawn_stories():
    before = utc(2026, 3, 1, 12)
    english = published_article(title="English story", published_at=before)
    sorani = published_article(edition=edition("ckb"), title="هەواڵ", published_at=before)
    later = published_article(title="Published after midnight", published_at=JUST_AFTER_MIDNIGHT + timedelta(minutes=5))
    withdrawn = published_article(title="Withdrawn story", published_at=before)
    Article.objects.filter(pk=withdrawn.pk).update(status=ArticleStatus.UNPUBLISHED)
    draft = ArticleFactory(title="Draft story")
    scheduled = ArticleFactory(title="Scheduled story")
    Article.objects.filter(pk=scheduled.pk).update(status=ArticleStatus.SCHEDULED)
    hour = utc(2026, 3, 9, 21)
    for article, count in ((english, 20), (sorani, 25), (withdrawn, 900), (draft, 800), (scheduled, 700), (later, 600)):
        views(article, hour, count)
    views(english, hour + timedelta(hours=1), 10)  # an hour that has not begun: a clock ahead, not counted

    top = top_articles_today(edition_ids=[edition("en").pk, edition("ckb").pk], now=JUST_AFTER_MIDNIGHT)

    assert [(article.title, article.edition_id, article.views) for article in top] == [
        ("هەواڵ", edition("ckb").pk, 25),
        ("English story", edition("en").pk, 20),
    ]


# --- Alerts: the funnel and the open-rate curve ------------------------------------------------


def sent_alert(*, started: datetime, targeted: int, sent: int) -> Alert:
    alert = AlertFactory()
    Alert.objects.filter(pk=alert.pk).update(
        state=AlertState.SENT, started_at=started, finished_at=started, targeted=targeted, sent=sent
    )
    alert.refresh_from_db()
    return alert


def delivered(alert: Alert, devices: list[Device]) -> None:
    Delivery.objects.bulk_create(
        Delivery(alert=alert, device=device, state=DeliveryState.ACCEPTED) for device in devices
    )


def opened_after(alert: Alert, devices: list[Device], minutes: float) -> None:
    """Each device opens ``alert`` now, the alert having started sending ``minutes`` ago (through the service)."""
    Alert.objects.filter(pk=alert.pk).update(started_at=timezone.now() - timedelta(minutes=minutes))
    for device in devices:
        assert alerts_record_opens(device=device, alert_ids=[alert.pk]) == 1


def test_opens_are_counted_in_the_span_after_the_send_they_fall_in_and_sum_to_the_alerts_opens():
    devices = DeviceFactory.create_batch(10)
    alert = sent_alert(started=timezone.now(), targeted=12, sent=10)
    delivered(alert, devices)

    opened_after(alert, devices[0:2], minutes=1)  # within 5 minutes
    opened_after(alert, devices[2:3], minutes=10)  # 5 to 15
    opened_after(alert, devices[3:6], minutes=40)  # 15 to 60
    opened_after(alert, devices[6:7], minutes=60 * 30)  # after a day
    # Reported again: opened once, counted once.
    assert alerts_record_opens(device=devices[0], alert_ids=[alert.pk]) == 0

    counts = dict(AlertOpenCount.objects.filter(alert=alert).values_list("minutes_after_send", "count"))
    assert counts == {0: 2, 5: 1, 15: 3, 1440: 1}
    assert Alert.objects.get(pk=alert.pk).opened == 7 == sum(counts.values())

    funnel = next(each for each in dashboard_figures_compute().alerts if each.id == alert.pk)
    assert (funnel.targeted, funnel.sent, funnel.opened) == (12, 10, 7)
    assert funnel.open_rate == pytest.approx(0.7)
    # Cumulative at +5 min, +15 min, +1 h, +3 h and +24 h.
    assert funnel.open_rates() == pytest.approx([0.2, 0.3, 0.6, 0.6, 0.6])


def test_one_batch_opening_several_alerts_counts_each_in_its_own_span():
    device = DeviceFactory()
    now = timezone.now()
    fresh = sent_alert(started=now - timedelta(minutes=2), targeted=1, sent=1)
    older = sent_alert(started=now - timedelta(hours=4), targeted=1, sent=1)
    delivered(fresh, [device])
    delivered(older, [device])

    assert alerts_record_opens(device=device, alert_ids=[fresh.pk, older.pk, fresh.pk]) == 2

    assert list(AlertOpenCount.objects.order_by("alert_id").values_list("alert_id", "minutes_after_send", "count")) == [
        (fresh.pk, 0, 1),
        (older.pk, 180, 1),
    ]


def test_the_span_of_an_open_is_the_last_span_start_it_passed():
    sent = datetime(2026, 3, 9, 12, tzinfo=UTC)
    spans = [AlertOpenCount.span_of(sent_at=sent, opened_at=sent + timedelta(minutes=m)) for m in (0, 4.99, 5, 59, 60)]
    assert spans == [0, 0, 5, 15, 60]
    assert AlertOpenCount.span_of(sent_at=sent, opened_at=sent - timedelta(minutes=3)) == 0  # a skewed clock
    assert AlertOpenCount.span_of(sent_at=None, opened_at=sent) == 0
    assert AlertOpenCount.span_of(sent_at=sent, opened_at=sent + timedelta(days=9)) == 1440


def test_the_alerts_of_the_last_seven_days_newest_first_and_their_pooled_curve():
    now = timezone.now()
    recent = sent_alert(started=now - timedelta(hours=1), targeted=100, sent=80)
    week_old = sent_alert(started=now - timedelta(days=6, hours=23), targeted=50, sent=20)
    sent_alert(started=now - timedelta(days=7, hours=1), targeted=999, sent=999)  # too old
    AlertFactory()  # a draft, never sent
    for alert, counts in ((recent, {0: 8, 15: 4}), (week_old, {0: 2, 60: 2, 1440: 4})):
        AlertOpenCount.objects.bulk_create(
            AlertOpenCount(alert=alert, minutes_after_send=start, count=count) for start, count in counts.items()
        )
        Alert.objects.filter(pk=alert.pk).update(opened=sum(counts.values()))

    figures = dashboard_figures_compute(now=now)

    assert [alert.id for alert in figures.alerts] == [recent.pk, week_old.pk]
    assert [alert.open_rate for alert in figures.alerts] == [pytest.approx(12 / 80), pytest.approx(8 / 20)]
    # All of them, of 100 sent: 8 + 2 within 5 minutes and 15; + 4 within an hour; + 2 within 3 hours and a day.
    assert figures.pooled_open_rates() == pytest.approx([0.10, 0.10, 0.14, 0.16, 0.16])
    assert figures.pooled_open_rates(edition("ar").pk) == [None] * 5


def test_an_alert_not_sent_to_anyone_has_no_open_rate():
    funnel = AlertFunnel(id=1, title="t", edition_id=1, started_at=timezone.now(), targeted=0, sent=0, opened=0)
    assert funnel.open_rate is None
    assert funnel.open_rates() == [None] * 5


# --- Device registrations -------------------------------------------------------------------------


def registered(at: datetime, **fields) -> Device:
    device = DeviceFactory(**fields)
    Device.objects.filter(pk=device.pk).update(created_at=at)
    return device


def test_registrations_per_newsroom_day_by_platform_and_edition_and_the_devices_alerts_reach_now():
    en, ckb = edition("en"), edition("ckb")
    registered(utc(2026, 3, 9, 21) + timedelta(minutes=10), platform="android", edition=en)  # 00:10 on the 10th
    registered(utc(2026, 3, 9, 20) + timedelta(minutes=50), platform="ios", edition=en)  # 23:50 on the 9th
    registered(utc(2026, 3, 9, 8), platform="android", edition=ckb, is_active=False)  # the 9th, token died since
    registered(utc(2026, 3, 9, 9), platform="android", edition=ckb, is_stale=True)  # the 9th, not refreshed since
    registered(utc(2026, 2, 25, 12), platform="ios", edition=ckb)  # the 25th of February: the 14 days began the 25th
    registered(utc(2026, 2, 24, 12), platform="ios", edition=ckb)  # the 24th: before them

    figures = device_registrations(now=JUST_AFTER_MIDNIGHT)

    assert figures.days[0].isoformat() == "2026-02-25" and figures.days[-1].isoformat() == "2026-03-10"
    assert figures.per_day(platform="android", edition_id=en.pk)[-1] == 1
    assert figures.per_day(platform="ios", edition_id=en.pk)[-2] == 1
    assert figures.per_day(platform="android", edition_id=ckb.pk)[-2] == 2
    assert figures.per_day(platform="ios", edition_id=ckb.pk)[0] == 1
    assert sum(figures.per_day()) == 5
    assert figures.active == {(en.pk, "android"): 1, (en.pk, "ios"): 1, (ckb.pk, "ios"): 2}
    assert figures.active_total(platform="ios") == 3 and figures.active_total() == 4


# --- The page -------------------------------------------------------------------------------------


def logged_in(client, role: str | None, *, superuser: bool = False):
    user = user_with_role(role)
    if superuser:
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", [EDITOR, CHIEF_EDITOR])
def test_editors_see_the_dashboard_as_the_admins_first_page(client, role):
    published_article(title="A story read today")
    sent_alert(started=timezone.now() - timedelta(hours=1), targeted=10, sent=9)
    logged_in(client, role)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert response.templates[0].name == "admin/notifications/dashboard.html"
    html = response.content.decode()
    assert "Newsroom dashboard" in html
    assert html.count('role="img"') == 3  # views, open rates, registrations
    assert 'id="nav-sidebar"' in html  # the apps are one click away


def test_a_reporter_keeps_the_stock_admin_index(client):
    logged_in(client, REPORTER)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert response.templates[0].name == "admin/index.html"
    html = response.content.decode()
    assert "Newsroom dashboard" not in html and 'class="chart' not in html
    assert 'id="recent-actions-module"' in html


def test_the_dashboard_in_sorani_is_right_to_left_and_remembered(client):
    logged_in(client, EDITOR)

    response = client.get("/admin/?lang=ckb")

    html = response.content.decode()
    assert '<html lang="ckb" dir="rtl">' in html
    assert "داشبۆردی ژووری هەواڵ" in html
    assert response.cookies["django_language"].value == "ckb"
    assert '<html lang="ckb" dir="rtl">' in client.get("/admin/").content.decode()
    # Any other admin page stays as it was (English).
    assert '<html lang="en" dir="ltr">' in client.get("/admin/notifications/alert/").content.decode()


@pytest.mark.parametrize("asked", ["xx", "fa", "<script>", ""])
def test_a_language_the_dashboard_is_not_written_in_gives_the_english_page(client, asked):
    logged_in(client, EDITOR)

    response = client.get("/admin/", {"lang": asked})

    assert response.status_code == 200
    assert '<html lang="en" dir="ltr">' in response.content.decode()
    assert "django_language" not in response.cookies


def test_the_browsers_language_chooses_the_dashboards_when_it_is_one_of_its_own(client):
    logged_in(client, EDITOR)

    assert '<html lang="ar" dir="rtl">' in client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5").content.decode()
    assert '<html lang="en" dir="ltr">' in client.get("/admin/", HTTP_ACCEPT_LANGUAGE="tr").content.decode()


def test_titles_are_escaped_on_the_page(client):
    story = published_article(title="<script>alert(1)</script> & more")
    views(story, timezone.now(), 5)
    logged_in(client, EDITOR)

    html = client.get("/admin/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html


def newsroom(*, stories: int, alerts: int, devices: int) -> None:
    """Published stories read in the last hours, sent alerts with opens, and devices."""
    now = timezone.now()
    for index in range(stories):
        story = published_article(title=f"Story {index}")
        for hours_ago in range(3):
            views(story, now - timedelta(hours=hours_ago), 10 + index)
    for index in range(alerts):
        alert = sent_alert(started=now - timedelta(hours=index + 1), targeted=100, sent=90)
        AlertOpenCount.objects.create(alert=alert, minutes_after_send=0, count=5 + index)
    DeviceFactory.create_batch(devices, platform="ios")


def test_the_pages_queries_do_not_grow_with_the_alerts_articles_and_devices(client, django_assert_max_num_queries):
    logged_in(client, EDITOR)
    newsroom(stories=1, alerts=1, devices=1)
    clear_cache()
    with CaptureQueriesContext(connection) as small:
        assert client.get("/admin/").status_code == 200

    newsroom(stories=12, alerts=15, devices=30)
    clear_cache()
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as large:
        response = client.get("/admin/")

    assert response.status_code == 200
    assert response.content.decode().count('class="dashboard-number dashboard-strong"') >= 16  # 16 alerts' rates
    assert len(large) == len(small)


def test_the_figures_are_served_from_the_cache_for_a_minute(client, django_assert_max_num_queries):
    logged_in(client, EDITOR)
    story = published_article(title="Before the cache")
    views(story, timezone.now(), 5)
    client.get("/admin/")  # computes and caches the figures
    views(published_article(title="After the cache"), timezone.now(), 50)

    with CaptureQueriesContext(connection) as cached:
        html = client.get("/admin/").content.decode()

    assert "After the cache" not in html and "Before the cache" in html
    dashboard_tables = (Alert._meta.db_table, ArticleViewCount._meta.db_table, Device._meta.db_table)
    assert not [query for query in cached if any(table in query["sql"] for table in dashboard_tables)]
    clear_cache()
    assert "After the cache" in client.get("/admin/").content.decode()
