"""article_views_record with a viewer: once per reader per article per hour, install ids capped per address.

The dedupe keys and counters live in the real cache: Redis on PostgreSQL runs, the in-process cache on
SQLite ones.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db.models import Sum

from newsapi.models import ArticleViewCount
from newsapi.services import article_views_record
from newsapi.view_counting import GRACE_SECONDS, Viewer, key_timeout, views_claim
from tests.factories import ArticleFactory, published_article

pytestmark = pytest.mark.django_db

# Mid-hour, so that "an hour later" is another hour and every view is recent enough to count.
NOW = datetime.now(UTC).replace(minute=30, second=0, microsecond=0) - timedelta(hours=2)


def total(article) -> int:
    return ArticleViewCount.objects.filter(article=article).aggregate(total=Sum("count"))["total"] or 0


@pytest.fixture
def article():
    return published_article(send_alert=False)


def test_a_device_counts_once_per_article_per_hour(article):
    device = Viewer.device(7)

    counts = [article_views_record(views=[(article.pk, NOW)], viewer=device, now=NOW) for _ in range(5)]
    assert counts == [1, 0, 0, 0, 0]
    assert total(article) == 1

    later = NOW + timedelta(hours=1)
    assert article_views_record(views=[(article.pk, later)], viewer=device, now=later) == 1
    assert article_views_record(views=[(article.pk, later)], viewer=device, now=later + timedelta(minutes=20)) == 0
    assert total(article) == 2


def test_readers_are_told_apart(article):
    for viewer in (
        Viewer.device(1),
        Viewer.device(2),
        Viewer.install("0b7c1e3a-1111-4222-8333-444455556666", address="a"),
    ):
        assert article_views_record(views=[(article.pk, NOW)], viewer=viewer, now=NOW) == 1
    # Device 1 and install ids are separate key spaces: an id "1" cannot collide with device 1.
    assert total(article) == 3


def test_a_batch_counts_each_article_once_in_the_hour_of_its_first_view(article):
    other = published_article(send_alert=False)
    earlier = NOW - timedelta(hours=5)
    views = [(article.pk, earlier), (article.pk, NOW), (other.pk, NOW), (article.pk, NOW - timedelta(hours=9))]

    assert article_views_record(views=views, viewer=Viewer.device(3), now=NOW) == 2

    rows = set(ArticleViewCount.objects.values_list("article_id", "hour", "count"))
    assert rows == {
        (article.pk, earlier.replace(minute=0), 1),
        (other.pk, NOW.replace(minute=0), 1),
    }


def test_the_hour_is_when_the_view_arrives_so_old_hours_cannot_be_backfilled(article):
    device = Viewer.device(4)
    for hours_ago in range(1, 48):
        article_views_record(views=[(article.pk, NOW - timedelta(hours=hours_ago))], viewer=device, now=NOW)

    assert total(article) == 1


def test_install_ids_from_one_address_are_capped_per_article_per_hour(article, settings):
    settings.VIEWS_INSTALLS_PER_ADDRESS = 3
    installs = [f"0b7c1e3a-1111-4222-8333-{n:012d}" for n in range(10)]

    counted = [
        article_views_record(views=[(article.pk, NOW)], viewer=Viewer.install(each, address="203.0.113.9"), now=NOW)
        for each in installs
    ]

    assert counted == [1, 1, 1] + [0] * 7
    # An install that moved to another address is still the same reader: counted already.
    moved = Viewer.install(installs[0], address="203.0.113.10")
    assert article_views_record(views=[(article.pk, NOW)], viewer=moved, now=NOW) == 0
    # Another address has its own cap; the next hour the first address's cap starts again.
    other = Viewer.install("0b7c1e3a-1111-4222-8333-888888888888", address="203.0.113.10")
    assert article_views_record(views=[(article.pk, NOW)], viewer=other, now=NOW) == 1
    later = NOW + timedelta(hours=1)
    fresh = Viewer.install("0b7c1e3a-1111-4222-8333-999999999999", address="203.0.113.9")
    assert article_views_record(views=[(article.pk, later)], viewer=fresh, now=later) == 1
    assert total(article) == 5


def test_a_cap_of_zero_counts_no_install_id(article, settings):
    settings.VIEWS_INSTALLS_PER_ADDRESS = 0
    viewer = Viewer.install("0b7c1e3a-1111-4222-8333-444455556666", address="203.0.113.9")

    assert article_views_record(views=[(article.pk, NOW)], viewer=viewer, now=NOW) == 0
    assert not ArticleViewCount.objects.exists()


def test_devices_are_not_capped_per_address(article, settings):
    settings.VIEWS_INSTALLS_PER_ADDRESS = 1

    for device_id in range(20):
        assert article_views_record(views=[(article.pk, NOW)], viewer=Viewer.device(device_id), now=NOW) == 1

    assert total(article) == 20


def test_unpublished_unknown_and_too_old_views_claim_nothing(article):
    draft = ArticleFactory()
    device = Viewer.device(5)

    views = [(draft.pk, NOW), (999_999, NOW), (article.pk, NOW - timedelta(days=8))]
    assert article_views_record(views=views, viewer=device, now=NOW) == 0

    # Nothing was claimed: a real view of the article still counts this hour.
    assert article_views_record(views=[(article.pk, NOW)], viewer=device, now=NOW) == 1


def test_a_released_claim_lets_the_retry_count(article, settings):
    settings.VIEWS_INSTALLS_PER_ADDRESS = 1
    viewer = Viewer.install("0b7c1e3a-1111-4222-8333-444455556666", address="203.0.113.9")

    claim = views_claim(viewer=viewer, article_ids=[article.pk], now=NOW)
    assert claim.articles == {article.pk}
    assert views_claim(viewer=viewer, article_ids=[article.pk], now=NOW).articles == set()

    claim.release()

    # The seen key and the address's count were both given back: the same install counts again.
    assert views_claim(viewer=viewer, article_ids=[article.pk], now=NOW).articles == {article.pk}


def test_the_dedupe_keys_live_until_their_hour_is_over_plus_a_grace():
    hour = datetime(2025, 5, 9, 15, 0, tzinfo=UTC)

    assert key_timeout(hour) == 3600 + GRACE_SECONDS
    assert key_timeout(hour + timedelta(minutes=59, seconds=30)) == 30 + GRACE_SECONDS
    assert key_timeout(hour + timedelta(hours=1)) == 3600 + GRACE_SECONDS


def test_the_claim_is_in_the_cache(article):
    claim = views_claim(viewer=Viewer.device(6), article_ids=[article.pk], now=NOW)

    assert claim.seen == [f"views:seen:d6:{article.pk}:{int(NOW.timestamp()) // 3600}"]
    assert cache.get(claim.seen[0]) == 1


def test_without_a_viewer_every_view_counts(article):
    assert article_views_record(views=[(article.pk, NOW)] * 4, now=NOW) == 4
    assert article_views_record(views=[(article.pk, NOW)] * 4, now=NOW) == 4
    assert total(article) == 8
