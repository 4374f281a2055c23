"""POST /api/v1/events/: batches of engagement beacons; alert opens are counted once per device.

Views count from devices and install ids, once per reader per article per hour
(tests/notifications/test_view_counting.py proves the dedupe, the per-address cap and the limits).
"""

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone

from newsapi.models import ArticleViewCount, ContentVersion
from newsapi.services import article_unpublish
from notifications.models import Alert, AlertState, Delivery, DeliveryState, Device
from tests.factories import ArticleFactory, published_article
from tests.notifications.factories import AlertFactory, DeviceFactory, device_secret
from tests.notifications.problems import assert_problem
from tests.notifications.throttling import set_rates

pytestmark = pytest.mark.django_db

URL = "/api/v1/events/"
AT = "2025-05-09T15:38:00+00:00"


def post(api, events: Any, device: Device | None = None, **extra: Any):
    if device is not None:
        extra.setdefault("HTTP_AUTHORIZATION", f"Device {device_secret(device)}")
    return api.post(URL, events, format="json", **extra)


def install() -> dict[str, str]:
    """The header of a fresh install id (an app without a device secret)."""
    return {"HTTP_X_INSTALL_ID": str(uuid.uuid4())}


def sent_alert() -> Alert:
    made = AlertFactory()
    Alert.objects.filter(pk=made.pk).update(state=AlertState.SENT)
    return made


def received(alert: Alert, device: Device, state: str = DeliveryState.ACCEPTED) -> Delivery:
    return Delivery.objects.create(alert=alert, device=device, state=state, message_id="projects/x/messages/1")


def opens(alert: Alert) -> int:
    return Alert.objects.get(pk=alert.pk).opened


def snapshot() -> tuple[list[Any], list[Any]]:
    return (
        list(Alert.objects.order_by("pk").values_list("pk", "opened")),
        list(Delivery.objects.order_by("pk").values_list("pk", "opened_at")),
    )


@pytest.fixture
def device() -> Device:
    return DeviceFactory()


@pytest.fixture
def article():
    return published_article(send_alert=False)


# --- Accepted batches -----------------------------------------------------------------------


def test_a_batch_of_views_and_shares_is_accepted(api, article):
    events = [
        {"type": "view", "article": article.pk, "at": AT},
        {"type": "share", "article": article.pk},
        {"type": "view", "article": article.pk, "at": "2025-05-09T18:38:00+03:00"},
    ]

    response = post(api, events)

    assert response.status_code == 202, response.content
    assert not response.content


def test_views_with_a_device_secret_are_accepted(api, article, device):
    assert post(api, [{"type": "view", "article": article.pk}], device=device).status_code == 202


def test_events_about_unknown_articles_are_dropped_not_refused(api):
    assert post(api, [{"type": "view", "article": 999_999}]).status_code == 202


def test_a_full_batch_of_100_is_accepted(api, article):
    assert post(api, [{"type": "view", "article": article.pk}] * 100).status_code == 202


# --- Bad batches ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "field"),
    [
        ([], None),
        ([{"type": "view", "article": 1}] * 101, None),
        ({"type": "view", "article": 1}, None),
        ("view", None),
        ([{"type": "click", "article": 1}], "type"),
        ([{"article": 1}], "type"),
        ([{"type": "view"}], "article"),
        ([{"type": "share", "article": None}], "article"),
        ([{"type": "view", "article": "one"}], "article"),
        ([{"type": "view", "article": 0}], "article"),
        ([{"type": "view", "article": 1, "at": "yesterday"}], "at"),
        ([{"type": "view", "article": 1, "at": "2025-13-40T99:00:00Z"}], "at"),
        ([{"type": "alert_open"}], "alert"),
        ([{"type": "alert_open", "alert": None}], "alert"),
        ([{"type": "alert_open", "alert": 2**63}], "alert"),
        ([{"type": "view", "article": 2**63}], "article"),
        (["view"], None),
    ],
)
def test_a_bad_batch_is_a_400_and_counts_nothing(api, device, events, field):
    received(sent_alert(), device)
    before = snapshot()

    response = post(api, events, device=device)

    body = assert_problem(response, 400)
    if field is not None:
        assert any(key == field or key.endswith(f".{field}") for key in body["errors"]), body
    assert "ErrorDetail" not in response.content.decode()
    assert snapshot() == before


def test_a_refused_batch_counts_none_of_its_valid_opens(api, device):
    alert = sent_alert()
    received(alert, device)

    response = post(api, [{"type": "alert_open", "alert": alert.pk}, {"type": "click"}], device=device)

    assert_problem(response, 400)
    assert opens(alert) == 0
    assert Delivery.objects.get(alert=alert, device=device).opened_at is None


def test_the_error_names_the_position_of_the_bad_event(api, article):
    events = [{"type": "view", "article": article.pk}, {"type": "click", "article": article.pk}]

    body = assert_problem(post(api, events), 400)

    assert list(body["errors"]) == ["1.type"]


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [("[{", "application/json", 400), ("type=view", "text/plain", 415)],
)
def test_a_body_that_is_not_json_is_refused(api, data, content_type, status):
    assert_problem(api.post(URL, data, content_type=content_type), status)


def test_a_huge_body_is_a_413(api, settings):
    events = [{"type": "view", "article": 1, "at": AT, "pad": "x" * 4000}] * 100
    body = json.dumps(events)
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    assert_problem(api.post(URL, body, content_type="application/json"), 413)


# --- Alert opens ------------------------------------------------------------------------------


def test_an_alert_open_is_recorded_on_the_delivery_and_counted(api, device):
    alert = sent_alert()
    delivery = received(alert, device)

    response = post(api, [{"type": "alert_open", "alert": alert.pk, "at": AT}], device=device)

    assert response.status_code == 202, response.content
    delivery.refresh_from_db()
    assert delivery.opened_at is not None
    assert opens(alert) == 1


def test_an_alert_open_is_counted_once_however_often_it_is_reported(api, device):
    alert = sent_alert()
    received(alert, device)
    other = DeviceFactory()
    received(alert, other)

    assert post(api, [{"type": "alert_open", "alert": alert.pk}] * 3, device=device).status_code == 202
    first_open = Delivery.objects.get(alert=alert, device=device).opened_at
    assert post(api, [{"type": "alert_open", "alert": alert.pk}], device=device).status_code == 202

    assert opens(alert) == 1
    assert Delivery.objects.get(alert=alert, device=device).opened_at == first_open
    assert post(api, [{"type": "alert_open", "alert": alert.pk}], device=other).status_code == 202
    assert opens(alert) == 2


@pytest.mark.parametrize("state", [DeliveryState.FAILED, DeliveryState.INVALID, DeliveryState.DEFERRED])
def test_an_open_of_an_alert_that_never_reached_the_device_is_not_counted(api, device, state):
    alert = sent_alert()
    received(alert, device, state=state)

    assert post(api, [{"type": "alert_open", "alert": alert.pk}], device=device).status_code == 202

    assert opens(alert) == 0
    assert Delivery.objects.get(alert=alert, device=device).opened_at is None


def test_an_open_reported_by_a_device_that_did_not_receive_the_alert_is_not_counted(api, device):
    alert = sent_alert()
    receiver = DeviceFactory()
    received(alert, receiver)

    assert post(api, [{"type": "alert_open", "alert": alert.pk}], device=device).status_code == 202

    assert opens(alert) == 0
    assert Delivery.objects.get(alert=alert, device=receiver).opened_at is None
    assert not Delivery.objects.filter(device=device).exists()


def test_unknown_alert_ids_are_ignored(api, device):
    alert = sent_alert()
    received(alert, device)

    events = [
        {"type": "alert_open", "alert": 999_999},
        {"type": "alert_open", "alert": 2**63 - 1},
        {"type": "view", "article": 2**63 - 1},
        {"type": "alert_open", "alert": alert.pk},
    ]
    assert post(api, events, device=device).status_code == 202

    assert opens(alert) == 1


def test_opens_of_several_alerts_in_one_batch_are_each_counted(api, device):
    alerts = [sent_alert() for _ in range(3)]
    for each in alerts:
        received(each, device)

    events = [{"type": "alert_open", "alert": each.pk} for each in alerts + alerts]
    assert post(api, events, device=device).status_code == 202

    assert [opens(each) for each in alerts] == [1, 1, 1]


def test_an_alert_open_without_a_device_secret_is_a_401_and_counts_nothing(api, device):
    alert = sent_alert()
    received(alert, device)

    response = post(api, [{"type": "alert_open", "alert": alert.pk}])

    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Device")
    assert opens(alert) == 0


@pytest.mark.parametrize("header", ["Device wrong-secret", "Device ", "Bearer abc", "Basic dXNlcjpwYXNz"])
def test_a_bad_credential_is_a_401_even_for_views(api, device, article, header):
    alert = sent_alert()
    received(alert, device)
    events = [{"type": "view", "article": article.pk}, {"type": "alert_open", "alert": alert.pk}]

    response = post(api, events, HTTP_AUTHORIZATION=header)

    body = assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Device")
    assert opens(alert) == 0
    assert device.token not in json.dumps(body)


def test_a_deactivated_devices_secret_is_a_401(api, device):
    alert = sent_alert()
    received(alert, device)
    Device.objects.filter(pk=device.pk).update(is_active=False)

    assert_problem(post(api, [{"type": "alert_open", "alert": alert.pk}], device=device), 401)
    assert opens(alert) == 0


def test_the_events_throttle_counts_per_sender(api, article, device, settings, monkeypatch):
    set_rates(settings, monkeypatch, events="2/min")
    events = [{"type": "view", "article": article.pk}]
    assert post(api, events, device=device).status_code == 202
    assert post(api, events, device=device).status_code == 202

    response = post(api, events, device=device)

    assert_problem(response, 429)
    assert int(response["Retry-After"]) >= 1
    # Per sender, not per address: another device, an install id, anonymous beacons from the same address.
    assert post(api, events, device=DeviceFactory()).status_code == 202
    same_install = install()
    assert post(api, events, **same_install).status_code == 202
    assert post(api, events, **same_install).status_code == 202
    assert_problem(post(api, events, **same_install), 429)
    assert all(post(api, events).status_code == 202 for _ in range(3))


def test_query_count_does_not_grow_with_the_number_of_events(api, device, article, django_assert_num_queries):
    alerts = [sent_alert() for _ in range(6)]
    for each in alerts:
        received(each, device)
    views = [{"type": "view", "article": article.pk}] * 50
    others = [published_article(send_alert=False) for _ in range(2)]

    # Anonymous views are not counted: no query at all.
    with django_assert_num_queries(0):
        assert post(api, views).status_code == 202
    # An install id's views: the published filter and one upsert for the whole batch.
    with django_assert_num_queries(2):
        assert post(api, views, **install()).status_code == 202
    with django_assert_num_queries(4):
        assert post(api, [{"type": "alert_open", "alert": 999_999}], device=device).status_code == 202
    # The device, the opens (locked, marked, counted on the alert and on its open-rate curve: 7 with
    # SQLite's savepoint pair), the published filter and the one upsert.
    with django_assert_num_queries(10):
        assert post(api, [*views, {"type": "alert_open", "alert": alerts[0].pk}], device=device).status_code == 202
    with django_assert_num_queries(10):
        events = [{"type": "alert_open", "alert": each.pk} for each in alerts[1:]]
        more = [{"type": "view", "article": each.pk} for each in others] * 25
        assert post(api, [*more, *events], device=device).status_code == 202
    assert [opens(each) for each in alerts] == [1] * 6
    # Once per reader per article per hour: the install id, then the device.
    assert view_counts() == {article.pk: 2, others[0].pk: 1, others[1].pk: 1}


def test_query_count_does_not_grow_with_the_number_of_articles_viewed(api, django_assert_num_queries):
    articles = [published_article(send_alert=False) for _ in range(20)]
    hours_ago = [(timezone.now() - timedelta(hours=n)).isoformat() for n in range(5)]
    events = [{"type": "view", "article": each.pk, "at": at} for each in articles for at in hours_ago]

    with django_assert_num_queries(2):
        assert post(api, events, **install()).status_code == 202

    # Each article once, in the hour of its first view in the batch.
    first_hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    assert set(ArticleViewCount.objects.values_list("hour", "count")) == {(first_hour, 1)}
    assert view_counts() == {each.pk: 1 for each in articles}


# --- Views ------------------------------------------------------------------------------------


def view_counts() -> dict[int, int]:
    rows = ArticleViewCount.objects.values_list("article_id").annotate(total=Sum("count"))
    return dict(rows.values_list("article_id", "total"))


def test_views_are_counted_per_article_in_the_hour_they_happened(api, article, device):
    other = published_article(send_alert=False)
    now = timezone.now()
    earlier = now - timedelta(hours=3)
    events = [
        {"type": "view", "article": article.pk, "at": now.isoformat()},
        {"type": "view", "article": article.pk},
        {"type": "view", "article": article.pk, "at": earlier.isoformat()},
        {"type": "view", "article": other.pk, "at": earlier.isoformat()},
        {"type": "share", "article": other.pk},
    ]

    assert post(api, events, device=device).status_code == 202

    hour = now.replace(minute=0, second=0, microsecond=0)
    rows = set(ArticleViewCount.objects.values_list("article_id", "edition_id", "hour", "count"))
    # One reader: each article once, in the hour of its first view in the batch.
    assert rows == {
        (article.pk, article.edition_id, hour, 1),
        (other.pk, other.edition_id, earlier.replace(minute=0, second=0, microsecond=0), 1),
    }


def test_a_repeated_batch_from_one_reader_counts_once_an_hour(api, article, device):
    events = [{"type": "view", "article": article.pk}] * 3

    assert post(api, events, device=device).status_code == 202
    assert post(api, events, device=device).status_code == 202
    assert post(api, events, device=DeviceFactory()).status_code == 202

    assert view_counts() == {article.pk: 2}
    assert ArticleViewCount.objects.count() == 1


def test_views_of_unpublished_or_unknown_articles_are_ignored(api, article, device):
    draft = ArticleFactory()
    withdrawn = published_article(send_alert=False)
    article_unpublish(article=withdrawn, by=None, reason="legal")
    events = [
        {"type": "view", "article": draft.pk},
        {"type": "view", "article": withdrawn.pk},
        {"type": "view", "article": 999_999},
        {"type": "view", "article": article.pk},
    ]

    assert post(api, events, device=device).status_code == 202

    assert view_counts() == {article.pk: 1}


def test_views_older_than_a_week_are_dropped(api, article, device):
    old = timezone.now() - timedelta(days=7, minutes=5)
    recent = timezone.now() - timedelta(days=6, hours=23)

    assert post(api, [{"type": "view", "article": article.pk, "at": old.isoformat()}], device=device).status_code == 202
    assert not ArticleViewCount.objects.exists()
    # The dropped view claimed nothing: the same reader's next view of the article counts.
    assert (
        post(api, [{"type": "view", "article": article.pk, "at": recent.isoformat()}], device=device).status_code == 202
    )
    assert list(ArticleViewCount.objects.values_list("hour", flat=True)) == [
        recent.replace(minute=0, second=0, microsecond=0)
    ]


def test_views_from_the_future_count_as_now(api, article, device):
    before = timezone.now().replace(minute=0, second=0, microsecond=0)
    future = timezone.now() + timedelta(days=30)

    assert (
        post(api, [{"type": "view", "article": article.pk, "at": future.isoformat()}], device=device).status_code == 202
    )

    after = timezone.now().replace(minute=0, second=0, microsecond=0)
    [row] = ArticleViewCount.objects.all()
    assert row.hour in {before, after}
    assert row.count == 1


def test_views_do_not_move_the_content_version(api, article, device):
    version = ContentVersion.current()

    assert post(api, [{"type": "view", "article": article.pk}], device=device).status_code == 202

    assert ContentVersion.current() == version
    assert view_counts() == {article.pk: 1}


def test_a_batch_refused_for_its_alert_opens_counts_no_views(api, article):
    events = [{"type": "view", "article": article.pk}, {"type": "alert_open", "alert": 1}]

    assert_problem(post(api, events, **install()), 401)

    assert not ArticleViewCount.objects.exists()


# --- Retries: Idempotency-Key ------------------------------------------------------------------


def total_views() -> int:
    return ArticleViewCount.objects.aggregate(total=Sum("count"))["total"] or 0


def an_hour_later(monkeypatch) -> None:
    """Move the server's clock an hour on: the dedupe of views lets each reader count again."""
    later = timezone.now() + timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: later)


def test_a_retried_batch_with_the_same_idempotency_key_is_counted_once(api, article, monkeypatch):
    batch = [{"type": "view", "article": article.pk}] * 3
    key = "9b2f4c1e-0d7a-4f8e-a3c2-5e6f7a8b9c0d"
    reader = install()

    first = post(api, batch, HTTP_IDEMPOTENCY_KEY=key, **reader)
    an_hour_later(monkeypatch)  # a retry that arrives after the hour, when the reader could count again
    retry = post(api, batch, HTTP_IDEMPOTENCY_KEY=key, **reader)

    assert (first.status_code, retry.status_code) == (202, 202)
    assert total_views() == 1


def test_batches_with_different_keys_or_no_key_are_each_counted(api, monkeypatch):
    articles = [published_article(send_alert=False) for _ in range(4)]
    reader = install()

    post(api, [{"type": "view", "article": articles[0].pk}], HTTP_IDEMPOTENCY_KEY="batch-0001", **reader)
    post(api, [{"type": "view", "article": articles[1].pk}], HTTP_IDEMPOTENCY_KEY="batch-0002", **reader)
    post(api, [{"type": "view", "article": articles[2].pk}], **reader)
    post(api, [{"type": "view", "article": articles[3].pk}], **reader)
    an_hour_later(monkeypatch)
    post(api, [{"type": "view", "article": articles[0].pk}], HTTP_IDEMPOTENCY_KEY="batch-0003", **reader)

    assert total_views() == 5


def test_the_same_key_from_another_device_is_another_batch(api, article):
    batch = [{"type": "view", "article": article.pk}]
    one, other = DeviceFactory(), DeviceFactory()

    post(api, batch, device=one, HTTP_IDEMPOTENCY_KEY="batch-0001")
    post(api, batch, device=other, HTTP_IDEMPOTENCY_KEY="batch-0001")
    post(api, batch, HTTP_IDEMPOTENCY_KEY="batch-0001", **install())

    assert total_views() == 3


@pytest.mark.parametrize("key", ["short", "has spaces in it", "x" * 129, "semi;colon-key"])
def test_a_malformed_idempotency_key_is_a_400_and_counts_nothing(api, article, key):
    response = post(api, [{"type": "view", "article": article.pk}], HTTP_IDEMPOTENCY_KEY=key, **install())

    body = assert_problem(response, 400)
    assert "Idempotency-Key" in body["errors"]
    assert total_views() == 0
