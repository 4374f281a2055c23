"""GET /api/v1/devices/{id}/alerts/ and POST /api/v1/devices/{id}/alerts/{alert_id}/read/: one device's
own inbox, from the delivery ledger, with read state (docs/api.md, "A device's inbox")."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from newsapi.images import RENDITION_FORMAT, image_generate_renditions
from newsapi.models import Article
from newsapi.services import article_publish, article_unpublish
from notifications.models import Alert, AlertState, AlertUrgency, Delivery, DeliveryState, Device
from tests.conftest import validate_against_schema
from tests.factories import ImageFactory, edition, png_bytes, published_article
from tests.notifications.factories import AlertFactory, DeviceFactory, device_secret
from tests.notifications.problems import assert_problem

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
FIELDS = {"id", "title", "body", "urgency", "sent_at", "read", "read_at", "article"}


def inbox_url(device: Device | int) -> str:
    return f"/api/v1/devices/{device if isinstance(device, int) else device.pk}/alerts/"


def read_url(device: Device | int, alert: Alert | int) -> str:
    return f"{inbox_url(device)}{alert if isinstance(alert, int) else alert.pk}/read/"


def auth(device: Device) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Device {device_secret(device)}"}


def story(**fields: Any) -> Article:
    """A published article that raises no automatic alert of its own."""
    return published_article(send_alert=False, **fields)


def sent(*, minutes_ago: int = 5, to: tuple[Device, ...] = (), state: str = DeliveryState.ACCEPTED, **fields) -> Alert:
    """An alert as the delivery engine leaves it: sent ``minutes_ago``, with a ledger row per device in ``to``."""
    alert = AlertFactory(**fields)
    Alert.objects.filter(pk=alert.pk).update(state=AlertState.SENT, started_at=NOW - timedelta(minutes=minutes_ago))
    for device in to:
        Delivery.objects.create(alert=alert, device=device, state=state)
    alert.refresh_from_db()
    return alert


def inbox(api, device: Device, **query: Any) -> dict[str, Any]:
    response = api.get(inbox_url(device), query, **auth(device))
    assert response.status_code == 200, response.content
    return response.json()


def ids(body: dict[str, Any]) -> list[int]:
    return [item["id"] for item in body["results"]]


@pytest.fixture
def device() -> Device:
    return DeviceFactory()


@pytest.fixture
def other() -> Device:
    return DeviceFactory()


# --- What is listed ---------------------------------------------------------------------------------


def test_lists_only_what_this_device_was_sent_newest_first(api, device, other):
    older = sent(minutes_ago=30, to=(device, other))
    newest = sent(minutes_ago=1, to=(device,))
    sent(minutes_ago=2, to=(other,))  # another device's
    sent(minutes_ago=3)  # sent, but to nobody here
    for state in (DeliveryState.FAILED, DeliveryState.INVALID, DeliveryState.DEFERRED, DeliveryState.DROPPED):
        sent(minutes_ago=4, to=(device,), state=state)  # never reached the phone (yet)

    assert ids(inbox(api, device)) == [newest.pk, older.pk]
    assert set(ids(inbox(api, other))) == {older.pk, Delivery.objects.filter(device=other).latest("pk").alert_id}


def test_a_device_registered_after_an_alert_was_sent_does_not_list_it(api, other):
    sent(to=(other,))
    response = api.post(
        "/api/v1/devices/",
        {"token": "fcm-token-newcomer-" + "a" * 40, "platform": "ios", "language": "en"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()

    listed = api.get(inbox_url(body["id"]), HTTP_AUTHORIZATION=f"Device {body['device_secret']}")

    assert listed.status_code == 200, listed.content
    assert listed.json() == {"next": None, "previous": None, "results": []}


def test_item_fields_with_the_read_apis_card_and_its_picture(api, device):
    picture = ImageFactory(file=ContentFile(png_bytes(2000, 1333), name="quake.png"))
    image_generate_renditions(image=picture)
    article = story(title="Quake hits the north", image=picture)
    alert = sent(to=(device,), article=article, title="Quake", body="12 villages cut off.")

    [item] = inbox(api, device)["results"]

    assert set(item) == FIELDS
    assert (item["id"], item["title"], item["body"], item["urgency"]) == (
        alert.pk,
        "Quake",
        "12 villages cut off.",
        AlertUrgency.BREAKING,
    )
    assert item["sent_at"] == (NOW - timedelta(minutes=5)).isoformat().replace("+00:00", "Z")
    assert (item["read"], item["read_at"]) == (False, None)
    # The very card the article list shows (one serializer), picture and renditions included.
    [card] = [each for each in api.get("/api/v1/articles/").json()["results"] if each["id"] == article.pk]
    assert item["article"] == card
    renditions = item["article"]["image"]["renditions"]
    assert renditions and {each["format"] for each in renditions} == {RENDITION_FORMAT}
    assert all(each["url"].startswith("http") for each in renditions)


def test_an_alert_without_an_article_has_no_card(api, device):
    sent(to=(device,), urgency=AlertUrgency.NORMAL)

    [item] = inbox(api, device)["results"]

    assert item["article"] is None
    assert item["urgency"] == AlertUrgency.NORMAL


def test_an_alert_about_a_withdrawn_story_leaves_the_inbox_and_comes_back_with_it(api, device):
    article = story()
    alert = sent(to=(device,), article=article)
    kept = sent(to=(device,), minutes_ago=9)

    article_unpublish(article=article, by=None, reason="Legal check")

    assert ids(inbox(api, device)) == [kept.pk]
    assert_problem(api.post(read_url(device, alert), **auth(device)), 404)

    article_publish(article=Article.objects.get(pk=article.pk), by=None)
    assert ids(inbox(api, device)) == [alert.pk, kept.pk]


def test_after_a_change_of_language_the_inbox_lists_the_new_editions_alerts(api, device):
    english = sent(to=(device,), minutes_ago=9)
    Device.objects.filter(pk=device.pk).update(edition=edition("ckb"))
    kurdish = sent(to=(device,), edition=edition("ckb"))

    assert ids(inbox(api, device)) == [kurdish.pk]
    Device.objects.filter(pk=device.pk).update(edition=edition("en"))
    assert ids(inbox(api, device)) == [english.pk]


# --- Read state ---------------------------------------------------------------------------------------


def test_read_state_round_trip(api, device):
    alert = sent(to=(device,))
    assert inbox(api, device)["results"][0]["read"] is False

    response = api.post(read_url(device, alert), **auth(device))

    assert response.status_code == 204, response.content
    assert response.content == b""
    [item] = inbox(api, device)["results"]
    assert item["read"] is True
    first = Delivery.objects.get(alert=alert, device=device).read_at
    assert first is not None
    assert item["read_at"] == first.isoformat().replace("+00:00", "Z")


def test_marking_read_again_is_a_204_that_keeps_the_first_time(api, device):
    alert = sent(to=(device,))
    api.post(read_url(device, alert), **auth(device))
    first = Delivery.objects.get(alert=alert, device=device).read_at

    again = api.post(read_url(device, alert), **auth(device))

    assert again.status_code == 204
    assert Delivery.objects.get(alert=alert, device=device).read_at == first


def test_marking_read_touches_only_that_alert_on_that_device(api, device, other):
    alert = sent(to=(device, other))
    unread = sent(to=(device,), minutes_ago=9)

    api.post(read_url(device, alert), **auth(device))

    assert [item["read"] for item in inbox(api, device)["results"]] == [True, False]
    assert Delivery.objects.get(alert=alert, device=other).read_at is None
    assert Delivery.objects.get(alert=unread, device=device).read_at is None


def test_opening_an_alert_from_the_notification_marks_it_read(api, device):
    alert = sent(to=(device,))

    response = api.post("/api/v1/events/", [{"type": "alert_open", "alert": alert.pk}], format="json", **auth(device))

    assert response.status_code == 202, response.content
    assert inbox(api, device)["results"][0]["read"] is True


def test_marking_an_alert_sent_only_to_another_device_is_a_404(api, device, other):
    theirs = sent(to=(other,))

    assert_problem(api.post(read_url(device, theirs), **auth(device)), 404)

    assert Delivery.objects.get(alert=theirs, device=other).read_at is None


@pytest.mark.parametrize("state", [DeliveryState.FAILED, DeliveryState.DEFERRED, DeliveryState.DROPPED])
def test_marking_an_alert_that_never_reached_the_device_is_a_404(api, device, state):
    alert = sent(to=(device,), state=state)

    assert_problem(api.post(read_url(device, alert), **auth(device)), 404)
    assert Delivery.objects.get(alert=alert, device=device).read_at is None


def test_marking_an_unknown_alert_is_a_404(api, device):
    assert_problem(api.post(read_url(device, 999_999), **auth(device)), 404)
    assert_problem(api.post(read_url(device, 2**70), **auth(device)), 404)


# --- Who may ask -------------------------------------------------------------------------------------


def test_without_credentials_both_are_a_401_that_names_the_scheme(api, device):
    alert = sent(to=(device,))

    for response in (api.get(inbox_url(device)), api.post(read_url(device, alert))):
        assert_problem(response, 401)
        assert response["WWW-Authenticate"] == "Device"
    bearer = api.get(inbox_url(device), HTTP_AUTHORIZATION="Bearer abc")
    assert_problem(bearer, 401)
    assert Delivery.objects.get(alert=alert).read_at is None


def test_a_wrong_secret_is_a_404_as_on_the_device_endpoints(api, device):
    alert = sent(to=(device,))
    wrong = {"HTTP_AUTHORIZATION": "Device not-the-secret"}

    assert_problem(api.get(inbox_url(device), **wrong), 404)
    assert_problem(api.post(read_url(device, alert), **wrong), 404)
    assert_problem(api.get(f"/api/v1/devices/{device.pk}/", **wrong), 404)  # the same answer
    assert Delivery.objects.get(alert=alert).read_at is None


def test_another_devices_id_with_this_devices_secret_is_a_404(api, device, other):
    alert = sent(to=(device, other))

    listed = api.get(inbox_url(other), **auth(device))
    marked = api.post(read_url(other, alert), **auth(device))

    assert_problem(listed, 404)
    assert_problem(marked, 404)
    assert listed.json()["detail"] == api.get(inbox_url(999_999), **auth(device)).json()["detail"]
    assert Delivery.objects.get(alert=alert, device=other).read_at is None


def test_an_unknown_device_id_is_a_404(api, device):
    assert_problem(api.get(inbox_url(999_999), **auth(device)), 404)
    assert_problem(api.post(read_url(999_999, 1), **auth(device)), 404)


# --- Pages, caching, cost ----------------------------------------------------------------------------


def test_pages_follow_the_cursor_without_repeats_or_gaps(api, device):
    alerts = [sent(to=(device,), minutes_ago=minutes) for minutes in (1, 2, 2, 3, 4)]

    seen: list[int] = []
    body = inbox(api, device, page_size=2)
    seen += ids(body)
    while body["next"]:
        sent(to=(device,), minutes_ago=0)  # a new alert while scrolling sorts before the first page
        body = api.get(body["next"], **auth(device)).json()
        seen += ids(body)

    expected = sorted(alerts, key=lambda alert: (alert.started_at, alert.pk), reverse=True)
    assert seen == [alert.pk for alert in expected]


@pytest.mark.parametrize(("query", "field"), [({"cursor": "bogus"}, "cursor"), ({"page_size": 0}, "page_size")])
def test_a_bad_page_parameter_is_a_400_naming_it(api, device, query, field):
    response = api.get(inbox_url(device), query, **auth(device))

    assert set(assert_problem(response, 400)["errors"]) == {field}


def test_a_cursor_from_the_editions_inbox_is_a_400(api, device):
    for minutes in (1, 2):
        sent(minutes_ago=minutes)
    cursor = api.get("/api/v1/alerts/", {"page_size": 1}).json()["next"].split("cursor=")[1]

    assert_problem(api.get(inbox_url(device), {"cursor": cursor}, **auth(device)), 400)


def test_private_never_in_a_shared_cache_and_never_stale_after_a_read(api, device, settings):
    settings.API_RESPONSE_CACHE = True
    alert = sent(to=(device,))

    first = api.get(inbox_url(device), **auth(device))
    api.post(read_url(device, alert), **auth(device))
    second = api.get(inbox_url(device), **auth(device))

    for response in (first, second):
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
        assert not response.has_header("Surrogate-Key")
        assert "Authorization" in response["Vary"]
    assert first.json()["results"][0]["read"] is False
    assert second.json()["results"][0]["read"] is True


def test_a_strong_etag_answers_304_until_the_inbox_changes(api, device):
    alert = sent(to=(device,))
    first = api.get(inbox_url(device), **auth(device))
    etag = first["ETag"]
    assert etag.startswith('"')

    assert api.get(inbox_url(device), HTTP_IF_NONE_MATCH=etag, **auth(device)).status_code == 304
    api.post(read_url(device, alert), **auth(device))
    changed = api.get(inbox_url(device), HTTP_IF_NONE_MATCH=etag, **auth(device))
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_a_gzipped_inbox_still_answers_304(api, device):
    """Gzip pads a non-public response at random: the ETag is the content's, which gzip marks weak."""
    for minutes in range(1, 6):
        sent(to=(device,), minutes_ago=minutes)
    gzip = {"HTTP_ACCEPT_ENCODING": "gzip", **auth(device)}

    first, second = api.get(inbox_url(device), **gzip), api.get(inbox_url(device), **gzip)

    assert first["Content-Encoding"] == "gzip"
    assert first["ETag"] == second["ETag"] and first["ETag"].startswith('W/"')
    assert api.get(inbox_url(device), HTTP_IF_NONE_MATCH=first["ETag"], **gzip).status_code == 304
    assert api.get(inbox_url(device), HTTP_IF_NONE_MATCH=first["ETag"], **auth(device)).status_code == 304


def test_query_count_is_the_same_for_one_and_twenty_items(api, device, django_assert_num_queries):
    picture = ImageFactory()
    image_generate_renditions(image=picture)
    sent(to=(device,), article=story(image=picture))

    # The device, the page of deliveries with their alerts, then the cards: articles, renditions, tags.
    with django_assert_num_queries(5):
        assert len(inbox(api, device)["results"]) == 1

    for n in range(19):
        sent(to=(device,), minutes_ago=6 + n, article=story(image=picture) if n % 2 else None)
    with django_assert_num_queries(5):
        assert len(inbox(api, device)["results"]) == 20


def test_marking_read_is_two_queries(api, device, django_assert_num_queries):
    alert = sent(to=(device,))

    with django_assert_num_queries(2):  # the device, then one UPDATE
        assert api.post(read_url(device, alert), **auth(device)).status_code == 204


def test_responses_match_the_schema(api, openapi, device, other):
    sent(to=(device,), article=story())
    alert = sent(to=(device,), minutes_ago=9)
    theirs = sent(to=(other,))

    cases = [
        (api.get(inbox_url(device), **auth(device)), 200),
        (api.get(inbox_url(device), {"page_size": 1}, **auth(device)), 200),
        (api.get(inbox_url(device), {"cursor": "bogus"}, **auth(device)), 400),
        (api.get(inbox_url(device)), 401),
        (api.get(inbox_url(other), **auth(device)), 404),
        (api.post(read_url(device, alert), **auth(device)), 204),
        (api.post(read_url(device, theirs), **auth(device)), 404),
        (api.post(read_url(device, alert)), 401),
    ]
    for response, status in cases:
        assert response.status_code == status, response.content
        validate_against_schema(openapi, response)


def test_the_schema_declares_both_operations_with_the_device_secret(spec):
    listing = spec["paths"]["/api/v1/devices/{id}/alerts/"]
    marking = spec["paths"]["/api/v1/devices/{id}/alerts/{alert_id}/read/"]

    assert set(listing) == {"get"}
    assert set(marking) == {"post"}
    assert {"deviceSecret": []} in listing["get"]["security"]
    assert {"deviceSecret": []} in marking["post"]["security"]
    assert "204" in marking["post"]["responses"]
    assert {"cursor", "page_size"} <= {each["name"] for each in listing["get"]["parameters"]}
