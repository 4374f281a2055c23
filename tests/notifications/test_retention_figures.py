"""Retention changes no figure anyone is shown: the beat tasks prune the ledger and roll up the view counts,
and the API's and the dashboard's figures are what they were (only alerts past retention leave device inboxes)."""

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from newsapi import tasks as newsapi_tasks
from newsapi.models import Article, ArticleDailyViewCount, ArticleViewCount
from newsapi.retention import article_views_by_day
from notifications import dashboard
from notifications import tasks as notifications_tasks
from notifications.models import Alert, AlertUrgency, Delivery, DeliveryState, Device
from tests.factories import edition, published_article
from tests.notifications.factories import DeviceFactory, device_secret
from tests.notifications.test_retention import COUNTERS, asleep, sent_through_the_engine

pytestmark = pytest.mark.django_db


def get(api, path: str, device: Device | None = None, **query: Any) -> Any:
    extra = {"HTTP_AUTHORIZATION": f"Device {device_secret(device)}"} if device is not None else {}
    response = api.get(path, query, **extra)
    assert response.status_code == 200, response.content
    return response.json()


def post_events(api, device: Device, events: list[dict[str, Any]]) -> None:
    response = api.post("/api/v1/events/", events, format="json", HTTP_AUTHORIZATION=f"Device {device_secret(device)}")
    assert response.status_code == 202, response.content


def aged(alert: Alert, *, days: int) -> None:
    """As if ``alert`` went out and finished ``days`` ago."""
    then = timezone.now() - timedelta(days=days)
    Alert.objects.filter(pk=alert.pk).update(queued_at=then, started_at=then, finished_at=then + timedelta(minutes=2))


def figures(api, readers: list[Device], stories: list[Article], now: datetime) -> dict[str, Any]:
    """Every figure shown about these alerts and stories: the API's, the admin's counters, the dashboard's
    (as of ``now``, so that it covers the same hours each time)."""
    today = now.date()
    return {
        "alert counters": list(Alert.objects.order_by("pk").values_list("pk", *COUNTERS)),
        "edition inbox": get(api, "/api/v1/alerts/", lang="en"),
        "device inboxes": {
            device.pk: get(api, f"/api/v1/devices/{device.pk}/alerts/", device=device) for device in readers
        },
        "most read": {
            window: get(api, "/api/v1/most-read/", lang="en", window=window) for window in ("1h", "24h", "7d")
        },
        "home": get(api, "/api/v1/home/", lang="en")["most_read"],
        "dashboard": dashboard.dashboard_figures_compute(now=now),
        "views per day": article_views_by_day(
            article_ids=[story.pk for story in stories], since=today - timedelta(days=120), until=today
        ),
    }


def test_pruning_and_the_roll_up_change_no_figure_shown(api, settings, fcm_emulator, gateway):
    settings.API_RESPONSE_CACHE = False  # every request computes its figures
    readers = DeviceFactory.create_batch(3)
    asleep()  # gets each normal alert later: a deferred row, never pruned while it waits
    stories = [published_article(send_alert=False, published_at=timezone.now() - timedelta(days=90)) for _ in range(3)]
    stories.append(published_article(send_alert=False, edition=edition("ckb")))
    old = sent_through_the_engine(gateway, article=stories[0], urgency=AlertUrgency.NORMAL)
    week_old = sent_through_the_engine(gateway, article=stories[1], urgency=AlertUrgency.NORMAL)
    today = sent_through_the_engine(gateway, article=stories[2])
    post_events(api, readers[0], [{"type": "alert_open", "alert": alert.pk} for alert in (old, week_old, today)])
    post_events(api, readers[1], [{"type": "alert_open", "alert": week_old.pk}])
    aged(old, days=settings.DELIVERY_RETENTION_DAYS + 6)
    aged(week_old, days=6)
    # Views: months of hourly rows (as the service wrote them back then), and today's from the devices.
    midnight = datetime.combine(timezone.now().astimezone(UTC).date(), time.min, tzinfo=UTC)
    ArticleViewCount.objects.bulk_create(
        ArticleViewCount(
            article=story,
            edition_id=story.edition_id,
            hour=midnight - timedelta(days=day) + timedelta(hours=hour),
            count=number + day,
        )
        for day in range(1, 90)
        for number, story in enumerate(stories)
        for hour in (3, 15, 21)
    )
    for reader in readers:
        post_events(api, reader, [{"type": "view", "article": story.pk} for story in stories[1:]])

    now = timezone.now()
    before = figures(api, readers, stories, now)
    assert len(before["device inboxes"][readers[0].pk]["results"]) == 3
    assert before["most read"]["7d"]["results"] and before["dashboard"].alerts  # figures to compare
    hourly, ledger = ArticleViewCount.objects.count(), Delivery.objects.count()

    pruned = notifications_tasks.deliveries_prune()
    rolled = newsapi_tasks.view_counts_roll_up()

    # Something happened: the old alert's rows but the deferred one, and every hourly row of days past 30.
    assert pruned == {"deliveries": 3, "alerts": 1, "batches": 1, "done": True}
    assert list(Delivery.objects.filter(alert=old).values_list("state", flat=True)) == [DeliveryState.DEFERRED]
    assert rolled["done"] and rolled["hourly_rows"] == 4 * 3 * (89 - 30) > 0
    assert ArticleViewCount.objects.count() == hourly - rolled["hourly_rows"]
    assert ArticleDailyViewCount.objects.count() == 4 * (89 - 30)
    assert Delivery.objects.count() == ledger - 3

    after = figures(api, readers, stories, now)
    # A device's inbox lists the alerts within retention exactly as before; the one past it has left.
    for device in readers:
        kept = [item for item in before["device inboxes"][device.pk]["results"] if item["id"] != old.pk]
        assert after["device inboxes"][device.pk]["results"] == kept
    assert [item["id"] for item in after["device inboxes"][readers[0].pk]["results"]] == [today.pk, week_old.pk]
    del before["device inboxes"], after["device inboxes"]
    assert after == before

    # An open of the pruned alert reported now is accepted and counts nothing: its counts stay as they were.
    post_events(api, readers[2], [{"type": "alert_open", "alert": old.pk}])
    assert list(Alert.objects.order_by("pk").values_list("pk", *COUNTERS)) == before["alert counters"]

    # Run again, as beat does an hour later: nothing more to do, nothing changes.
    assert notifications_tasks.deliveries_prune()["deliveries"] == 0
    assert newsapi_tasks.view_counts_roll_up()["hourly_rows"] == 0
    again = figures(api, readers, stories, now)
    del again["device inboxes"]
    assert again == before
