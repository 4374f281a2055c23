"""A newsroom's last two weeks for the editor dashboard's page and browser tests: views in three
editions over 48 hours with a day's rhythm, a dozen published stories (and a withdrawn one that was
read most), alerts with their opens over time, and devices registered day by day."""

import math
from datetime import datetime, timedelta

from django.utils import timezone

from newsapi.models import Article, ArticleStatus, ArticleViewCount
from notifications.models import AlertOpenCount, AlertState, Device
from tests.factories import edition, published_article
from tests.notifications.factories import AlertFactory, DeviceFactory

STORIES = {
    "en": [
        "Strong earthquake shakes Erbil; no casualties reported",
        "Parliament passes the budget after a night-long session",
        "Erbil FC wins the league in the last minute",
        "Oil prices climb as exports through Ceyhan resume",
        "Heatwave: schools close early across the region",
    ],
    "ckb": [
        "بوومەلەرزەیەکی بەهێز هەولێری هەژاند",
        "پەرلەمان بودجەی پەسەند کرد",
        "یانەی هەولێر پاڵەوانی خولەکە بوو",
        "نرخی نەوت بەرز بووەوە",
    ],
    "ar": [
        "زلزال قوي يهز أربيل دون إصابات",
        "البرلمان يقر الموازنة بعد جلسة طويلة",
        "ارتفاع أسعار النفط مع استئناف الصادرات",
    ],
}
EDITION_SCALE = {"en": 1.0, "ckb": 1.6, "ar": 0.7}


def _daily_rhythm(moment: datetime) -> float:
    """Readers sleep: few views at night (Erbil time), most in the evening."""
    local_hour = (moment.hour + 3) % 24
    return 0.25 + math.sin(math.pi * ((local_hour - 5) % 24) / 24) ** 2


def fill_dashboard(*, now: datetime | None = None, alerts: int = 6) -> dict[str, list]:
    """Make the data; returns the stories made (by edition) and the alerts."""
    now = now or timezone.now()
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    stories: dict[str, list[Article]] = {}
    views = []
    for code, titles in STORIES.items():
        stories[code] = [
            published_article(
                edition=edition(code), title=title, slug=f"{code}-story-{rank}", published_at=now - timedelta(hours=50)
            )
            for rank, title in enumerate(titles)
        ]
        for rank, article in enumerate(stories[code]):
            for offset in range(48):
                hour = this_hour - timedelta(hours=offset)
                count = round(900 * EDITION_SCALE[code] * _daily_rhythm(hour) / (rank + 1))
                views.append(ArticleViewCount(article=article, edition=article.edition, hour=hour, count=count))
    withdrawn = published_article(edition=edition("en"), title="Withdrawn: wrong casualty figures", slug="withdrawn")
    Article.objects.filter(pk=withdrawn.pk).update(status=ArticleStatus.UNPUBLISHED)
    # Read more than any other story, hour by hour, until it was withdrawn: it is in no top list.
    views += [
        ArticleViewCount(article=withdrawn, edition=withdrawn.edition, hour=hour, count=2 * 1440)
        for hour in (this_hour - timedelta(hours=offset) for offset in range(48))
    ]
    ArticleViewCount.objects.bulk_create(views)

    made = []
    shares = (0.05, 0.04, 0.03, 0.02, 0.015, 0.04)  # each span's share of the sent, from +0 min on
    for index in range(alerts):
        code = ("en", "ckb", "ar")[index % 3]
        story = stories[code][index % len(stories[code])]
        targeted = 40_000 + 9_000 * index if code != "ar" else 12_000 + 1_000 * index
        sent = round(targeted * 0.96)
        alert = AlertFactory(
            edition=edition(code), article=story, title=story.title[:65], state=AlertState.SENT,
            started_at=now - timedelta(hours=5 + 26 * index), finished_at=now - timedelta(hours=5 + 26 * index),
            targeted=targeted, sent=sent, opened=0,
        )  # fmt: skip
        counts = [round(sent * share * (1 + 0.3 * ((index + span) % 3)) / 2) for span, share in enumerate(shares)]
        AlertOpenCount.objects.bulk_create(
            AlertOpenCount(alert=alert, minutes_after_send=start, count=count)
            for start, count in zip(AlertOpenCount.SPANS, counts, strict=True)
        )
        alert.opened = sum(counts)
        alert.save(update_fields=["opened"])
        made.append(alert)

    for day in range(14):
        for code, android, ios in (("en", 30 + 3 * day, 12 + day), ("ckb", 55 + (day % 4) * 9, 20), ("ar", 18, 9)):
            batch = DeviceFactory.build_batch(android, edition=edition(code), platform="android")
            batch = Device.objects.bulk_create(
                batch + DeviceFactory.build_batch(ios, edition=edition(code), platform="ios")
            )
            created = now - timedelta(days=13 - day, hours=2)
            Device.objects.filter(pk__in=[device.pk for device in batch]).update(created_at=created)
    return {"stories": [story for each in stories.values() for story in each], "alerts": made}
