"""Counts that mean something: who a view comes from decides whether it moves "Most read".

Through POST /api/v1/events/ and the most-read ranking, with the real cache (Redis, or the in-process
one on SQLite) holding the dedupe keys and the per-address counters. The limits a carrier's NAT must
not trip are at the end.
"""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone

from newsapi import selectors
from newsapi.models import ArticleViewCount
from newsapi.services import article_views_record
from notifications.models import Device
from tests.factories import edition, published_article
from tests.notifications.factories import DeviceFactory, device_secret
from tests.notifications.problems import assert_problem
from tests.notifications.throttling import set_rates

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"
DEVICES = "/api/v1/devices/"
NAT = "203.0.113.50"  # one carrier address, thousands of readers behind it


def send(api, events: list[dict[str, Any]], *, ip: str = NAT, device: Device | None = None, install: str = ""):
    headers: dict[str, str] = {"REMOTE_ADDR": ip}
    if device is not None:
        headers["HTTP_AUTHORIZATION"] = f"Device {device_secret(device)}"
    if install:
        headers["HTTP_X_INSTALL_ID"] = install
    return api.post(EVENTS, events, format="json", **headers)


def views(article, times: int = 1) -> list[dict[str, Any]]:
    return [{"type": "view", "article": article.pk}] * times


def counted(article) -> int:
    return ArticleViewCount.objects.filter(article=article).aggregate(total=Sum("count"))["total"] or 0


def top_list(window: timedelta = timedelta(hours=24)) -> dict[int, int]:
    """The English most-read ranking (views by article id, in order), read from the database."""
    return selectors.most_read_ranking(edition=edition("en"), window=window)


def api_top_list(api) -> list[tuple[int, int]]:
    response = api.get("/api/v1/most-read/", {"lang": "en", "window": "1h"})
    assert response.status_code == 200, response.content
    return [(card["id"], card["view_count"]) for card in response.json()["results"]]


def an_hour_later(monkeypatch) -> None:
    later = timezone.now() + timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: later)


@pytest.fixture
def ranked():
    """Three stories already read (trusted counts), and one nobody read yet: the target of the bursts."""
    top, second, third = (published_article(send_alert=False) for _ in range(3))
    now = timezone.now()
    for article, times in ((top, 50), (second, 30), (third, 20)):
        article_views_record(views=[(article.pk, now)] * times)
    return {"top": top, "second": second, "third": third, "target": published_article(send_alert=False)}


# --- Anonymous views ------------------------------------------------------------------------------


def test_300_anonymous_views_from_one_address_leave_most_read_unchanged(api, ranked):
    before = top_list()
    assert before == {ranked["top"].pk: 50, ranked["second"].pk: 30, ranked["third"].pk: 20}

    for _ in range(3):
        assert send(api, views(ranked["target"], 100)).status_code == 202

    assert top_list() == before
    assert top_list(timedelta(hours=1)) == before
    assert api_top_list(api) == list(before.items())
    assert counted(ranked["target"]) == 0


def test_anonymous_views_are_accepted_and_never_counted_from_any_address(api, ranked):
    for n in range(5):
        assert send(api, views(ranked["target"], 20), ip=f"198.51.100.{n + 1}").status_code == 202

    assert counted(ranked["target"]) == 0


# --- Install ids ----------------------------------------------------------------------------------


def test_300_fresh_install_ids_from_one_address_move_an_article_by_at_most_the_cap(api, ranked, settings):
    cap = settings.VIEWS_INSTALLS_PER_ADDRESS
    before = top_list()

    for _ in range(300):
        assert send(api, views(ranked["target"]), install=str(uuid.uuid4())).status_code == 202

    # The cap holds: the first `cap` ids behind the address count, the other 290 do not.
    assert counted(ranked["target"]) == cap == 10
    after = top_list()
    assert list(after.items())[:3] == list(before.items())
    assert after[ranked["target"].pk] == cap
    assert api_top_list(api)[:3] == list(before.items())


def test_the_cap_is_per_address_and_an_ipv6_clients_whole_64(api, ranked, settings):
    settings.VIEWS_INSTALLS_PER_ADDRESS = 2
    target = ranked["target"]
    same_64 = ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::9", "2001:db8:1:2::3"]
    for ip in same_64:
        assert send(api, views(target), ip=ip, install=str(uuid.uuid4())).status_code == 202
    assert counted(target) == 2

    # Another /64, and an IPv4 address: their own caps.
    for ip in ["2001:db8:1:3::1", "2001:db8:1:3::2", "2001:db8:1:3::3", "198.51.100.7"]:
        assert send(api, views(target), ip=ip, install=str(uuid.uuid4())).status_code == 202
    assert counted(target) == 5


def test_the_cap_is_per_article(api, ranked, settings):
    settings.VIEWS_INSTALLS_PER_ADDRESS = 1
    for article in (ranked["target"], ranked["third"]):
        for _ in range(3):
            assert send(api, views(article), install=str(uuid.uuid4())).status_code == 202

    assert counted(ranked["target"]) == 1
    assert counted(ranked["third"]) == 20 + 1


def test_one_install_id_counts_once_per_article_per_hour(api, ranked, monkeypatch):
    install = str(uuid.uuid4())
    for _ in range(5):
        assert send(api, views(ranked["target"], 3), install=install).status_code == 202
    assert counted(ranked["target"]) == 1

    an_hour_later(monkeypatch)
    assert send(api, views(ranked["target"]), install=install).status_code == 202

    assert counted(ranked["target"]) == 2


def test_an_install_id_is_the_same_reader_in_any_letter_case(api, ranked):
    install = str(uuid.uuid4())
    assert send(api, views(ranked["target"]), install=install).status_code == 202
    assert send(api, views(ranked["target"]), install=install.upper()).status_code == 202

    assert counted(ranked["target"]) == 1


@pytest.mark.parametrize(
    "value",
    ["", "not-a-uuid", "123", "{" + "a" * 32 + "}", "a" * 32, "g" * 36, "urn:uuid:" + "a" * 32],
)
def test_a_malformed_install_id_is_a_400_and_counts_nothing(api, ranked, value):
    response = send(api, views(ranked["target"]), install=value or " ")

    body = assert_problem(response, 400)
    assert "X-Install-Id" in body["errors"]
    assert counted(ranked["target"]) == 0


def test_a_device_secret_wins_over_an_install_id(api, ranked):
    device = DeviceFactory()
    for _ in range(3):
        assert send(api, views(ranked["target"]), device=device, install=str(uuid.uuid4())).status_code == 202

    assert counted(ranked["target"]) == 1


# --- Registered devices ----------------------------------------------------------------------------


def test_one_device_viewing_an_article_5_times_in_an_hour_counts_1_and_again_the_next_hour_2(api, ranked, monkeypatch):
    device = DeviceFactory()
    for _ in range(5):
        assert send(api, views(ranked["target"]), device=device).status_code == 202
    assert counted(ranked["target"]) == 1

    an_hour_later(monkeypatch)
    assert send(api, views(ranked["target"]), device=device).status_code == 202

    assert counted(ranked["target"]) == 2
    hours = sorted(ArticleViewCount.objects.filter(article=ranked["target"]).values_list("hour", "count"))
    assert [count for _, count in hours] == [1, 1]
    assert hours[1][0] - hours[0][0] == timedelta(hours=1)


def test_registered_devices_behind_one_address_all_count(api, ranked, settings):
    readers = [DeviceFactory(registered_ip=NAT) for _ in range(3 * settings.VIEWS_INSTALLS_PER_ADDRESS)]

    for device in readers:
        assert send(api, views(ranked["target"]), device=device).status_code == 202

    assert counted(ranked["target"]) == len(readers) == 30


def test_a_device_cannot_backfill_an_article_into_past_hours(api, ranked):
    device = DeviceFactory()
    now = timezone.now()
    events = [
        {"type": "view", "article": ranked["target"].pk, "at": (now - timedelta(hours=n)).isoformat()}
        for n in range(100)
    ]

    assert send(api, events, device=device).status_code == 202

    # One view, in the hour of the batch's first: not one in each of the last 100 hours.
    assert list(ArticleViewCount.objects.filter(article=ranked["target"]).values_list("count", flat=True)) == [1]
    assert top_list(timedelta(days=7))[ranked["target"].pk] == 1


# --- Limits a carrier's NAT does not trip ---------------------------------------------------------


def registration(n: int) -> dict[str, Any]:
    return {"token": f"fcm-token-nat-{n:05d}-" + "c" * 40, "platform": "android", "language": "en"}


def test_more_than_20_devices_register_from_one_address_in_a_day_at_the_defaults(api, settings):
    assert settings.DEVICE_REGISTRATIONS_PER_IP_PER_DAY >= 1000

    for n in range(30):
        response = api.post(DEVICES, registration(n), format="json", REMOTE_ADDR=NAT)
        assert response.status_code == 201, (n, response.content)

    assert Device.objects.filter(registered_ip=NAT).count() == 30


def test_the_configured_daily_limit_refuses_with_429_and_changes_nothing(api, settings):
    settings.DEVICE_REGISTRATIONS_PER_IP_PER_DAY = 21
    for n in range(21):
        assert api.post(DEVICES, registration(n), format="json", REMOTE_ADDR=NAT).status_code == 201
    before = list(Device.objects.order_by("pk").values())

    response = api.post(DEVICES, {**registration(21), "sections": ["world"]}, format="json", REMOTE_ADDR=NAT)

    assert_problem(response, 429)
    assert int(response["Retry-After"]) >= 1
    assert list(Device.objects.order_by("pk").values()) == before
    assert not Device.sections.through.objects.exists()
    assert api.post(DEVICES, registration(21), format="json", REMOTE_ADDR="203.0.113.51").status_code == 201


def test_events_do_not_spend_the_registration_or_write_budgets(api, ranked, settings, monkeypatch):
    set_rates(settings, monkeypatch, write="1/min", registration="1/min")
    device = DeviceFactory()
    for _ in range(5):
        assert send(api, views(ranked["target"]), device=device).status_code == 202
        assert send(api, views(ranked["target"]), install=str(uuid.uuid4())).status_code == 202
        assert send(api, views(ranked["target"])).status_code == 202

    assert api.post(DEVICES, registration(0), format="json", REMOTE_ADDR=NAT).status_code == 201
    patched = api.patch(
        f"{DEVICES}{device.pk}/",
        {"breaking": False},
        format="json",
        REMOTE_ADDR=NAT,
        HTTP_AUTHORIZATION=f"Device {device_secret(device)}",
    )
    assert patched.status_code == 200, patched.content


def test_registrations_and_device_changes_do_not_spend_the_events_budgets(api, ranked, settings, monkeypatch):
    set_rates(settings, monkeypatch, events="2/min", events_address="3/min")
    device = DeviceFactory()
    for n in range(5):
        assert api.post(DEVICES, registration(n), format="json", REMOTE_ADDR=NAT).status_code == 201
        changed = api.patch(
            f"{DEVICES}{device.pk}/",
            {"breaking": n % 2 == 0},
            format="json",
            REMOTE_ADDR=NAT,
            HTTP_AUTHORIZATION=f"Device {device_secret(device)}",
        )
        assert changed.status_code == 200, changed.content

    assert send(api, views(ranked["target"]), device=device).status_code == 202
    assert send(api, views(ranked["target"]), device=device).status_code == 202
    assert send(api, views(ranked["target"]), install=str(uuid.uuid4())).status_code == 202
    # The address backstop is the last to give: its fourth batch this minute is refused.
    assert_problem(send(api, views(ranked["target"]), install=str(uuid.uuid4())), 429)
    assert send(api, views(ranked["target"]), ip="198.51.100.20").status_code == 202
