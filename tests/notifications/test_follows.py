"""Following tags and authors beside sections (PATCH and POST /api/v1/devices/), and the alerts that
target their followers: who they reach, what the services refuse, and one sent end to end."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.roles import EDITOR
from newsapi.models import Author, Section, Tag
from notifications import delivery, selectors, services
from notifications.models import Alert, AlertState, AlertTarget, Delivery, DeliveryState, Device
from tests.factories import AuthorFactory, TagFactory, edition, published_article, user_with_role
from tests.notifications.factories import AlertFactory, DeviceFactory, device_secret
from tests.notifications.test_alert_admin import ADD, compose
from tests.notifications.test_alert_compose import AUDIENCE_URL
from tests.notifications.test_device_inbox import inbox
from tests.notifications.test_devices_api import assert_problem, detail_url, payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/devices/"


def auth(device: Device) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Device {device_secret(device)}"}


def patch(api, device: Device, data: dict[str, Any]):
    return api.patch(detail_url(device), data, format="json", **auth(device))


def follows(device: Device) -> tuple[list[str], list[str], list[str]]:
    device = Device.objects.get(pk=device.pk)
    return (
        sorted(device.sections.values_list("slug", flat=True)),
        sorted(device.tags.values_list("slug", flat=True)),
        sorted(device.authors.values_list("slug", flat=True)),
    )


def snapshot() -> tuple[list[dict[str, Any]], list[tuple[int, int]], list[tuple[int, int]], list[tuple[int, int]]]:
    """Every device row and every follow, to prove a refused request changed nothing."""
    return (
        list(Device.objects.order_by("pk").values()),
        list(Device.sections.through.objects.order_by("pk").values_list("device_id", "section_id")),
        list(Device.tags.through.objects.order_by("pk").values_list("device_id", "tag_id")),
        list(Device.authors.through.objects.order_by("pk").values_list("device_id", "author_id")),
    )


def world() -> Section:
    return Section.objects.get(slug="world")


@pytest.fixture
def editor_client(client):
    client.force_login(user_with_role(EDITOR))
    return client


@pytest.fixture
def flood() -> Tag:
    return TagFactory(slug="flood", name="Flood")


@pytest.fixture
def erbil() -> Tag:
    return TagFactory(slug="erbil", name="Erbil")


@pytest.fixture
def jane() -> Author:
    return AuthorFactory(slug="jane-doe", name="Jane Doe")


# --- Following, through the device endpoints -------------------------------------------------------------


def test_patch_follows_tags_and_authors_and_returns_them(api, flood, erbil, jane):
    device = DeviceFactory(sections=[world()])

    response = patch(api, device, {"tags": ["flood", "erbil", "flood"], "authors": ["jane-doe"]})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (sorted(body["tags"]), body["authors"], body["sections"]) == (["erbil", "flood"], ["jane-doe"], ["world"])
    assert follows(device) == (["world"], ["erbil", "flood"], ["jane-doe"])
    got = api.get(detail_url(device), **auth(device)).json()
    assert (sorted(got["tags"]), got["authors"]) == (["erbil", "flood"], ["jane-doe"])


def test_patch_without_tags_or_authors_keeps_them_and_an_empty_list_clears_them(api, flood, jane):
    device = DeviceFactory()
    device.tags.set([flood])
    device.authors.set([jane])

    assert patch(api, device, {"breaking": False}).status_code == 200
    assert follows(device) == ([], ["flood"], ["jane-doe"])

    assert patch(api, device, {"tags": [], "authors": []}).status_code == 200
    assert follows(device) == ([], [], [])


@pytest.mark.parametrize(
    ("data", "field", "named"),
    [
        ({"tags": ["flood", "atlantis", "lemuria"]}, "tags", "atlantis, lemuria"),
        ({"authors": ["jane-doe", "nobody"]}, "authors", "nobody"),
        ({"tags": ["flood"], "authors": ["nobody"]}, "authors", "nobody"),
        ({"tags": "flood"}, "tags", None),
        ({"tags": [""]}, "tags", None),
        ({"tags": ["f\x00"]}, "tags", None),
        ({"tags": [{"slug": "flood"}]}, "tags", None),
        ({"tags": ["x" * 81]}, "tags", None),
        ({"tags": [f"t{n}" for n in range(101)]}, "tags", None),
        ({"authors": [f"a{n}" for n in range(51)]}, "authors", None),
    ],
    ids=[
        "unknown-tags", "unknown-author", "good-tag-unknown-author", "not-a-list", "blank", "nul", "object",
        "too-long", "too-many-tags", "too-many-authors",
    ],
)  # fmt: skip
def test_a_bad_follow_is_a_400_naming_the_field_and_changes_nothing(api, flood, jane, data, field, named):
    device = DeviceFactory()
    device.tags.set([flood])
    before = snapshot()

    body = assert_problem(patch(api, device, data), 400)

    assert {key.split(".")[0] for key in body["errors"]} == {field}  # an item's error is named "tags.0"
    if named:
        assert named in " ".join(body["errors"][field])
    assert snapshot() == before


def test_a_tag_of_another_edition_is_a_400_and_changes_nothing(api, flood):
    TagFactory(edition=edition("ckb"), slug="kurdistan")
    device = DeviceFactory()
    before = snapshot()

    body = assert_problem(patch(api, device, {"tags": ["flood", "kurdistan"]}), 400)

    assert set(body["errors"]) == {"tags"}
    assert "kurdistan" in body["errors"]["tags"][0] and "en edition" in body["errors"]["tags"][0]
    assert snapshot() == before


def test_tags_sent_with_a_new_language_are_tags_of_that_language(api, flood):
    kurdistan = TagFactory(edition=edition("ckb"), slug="kurdistan")
    device = DeviceFactory()

    assert_problem(patch(api, device, {"tags": ["kurdistan"]}), 400)
    response = patch(api, device, {"language": "ckb", "tags": ["kurdistan"]})

    assert response.status_code == 200, response.content
    assert list(Device.objects.get(pk=device.pk).tags.all()) == [kurdistan]


def test_a_change_of_language_stops_following_the_other_editions_tags(api, flood, jane):
    kurdistan = TagFactory(edition=edition("ckb"), slug="kurdistan")
    device = DeviceFactory(sections=[world()])
    device.tags.set([flood])
    device.authors.set([jane])

    response = patch(api, device, {"language": "ckb"})

    assert response.status_code == 200, response.content
    assert response.json()["tags"] == []
    assert follows(device) == (["world"], [], ["jane-doe"])  # sections and authors are every edition's
    Device.objects.get(pk=device.pk).tags.set([kurdistan])
    assert patch(api, device, {"language": "ckb", "breaking": True}).json()["tags"] == ["kurdistan"]


def test_register_with_tags_and_authors_and_a_refresh_without_them_keeps_them(api, flood, jane):
    created = api.post(URL, payload(tags=["flood"], authors=["jane-doe"]), format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["tags"], created.json()["authors"]) == (["flood"], ["jane-doe"])

    refreshed = api.post(URL, payload(), format="json")

    assert refreshed.status_code == 200, refreshed.content
    assert (refreshed.json()["tags"], refreshed.json()["authors"]) == (["flood"], ["jane-doe"])
    assert follows(Device.objects.get()) == (["world"], ["flood"], ["jane-doe"])


def test_register_with_a_tag_of_another_edition_is_a_400_and_registers_nothing(api, flood):
    body = assert_problem(api.post(URL, payload(language="ar", tags=["flood"]), format="json"), 400)

    assert set(body["errors"]) == {"tags"}
    assert not Device.objects.exists()


def test_patch_query_count_does_not_grow_with_tags_followed(api, django_assert_num_queries):
    slugs = [TagFactory(slug=f"topic-{n}").slug for n in range(8)]
    device = DeviceFactory()

    with django_assert_num_queries(14):  # as for sections (test_devices_api)
        assert patch(api, device, {"tags": slugs[:1]}).status_code == 200
    with django_assert_num_queries(14):
        assert patch(api, device, {"tags": slugs}).status_code == 200


# --- Who a tag or author alert reaches -------------------------------------------------------------------


def audience(alert: Alert) -> list[int]:
    return list(selectors.alert_audience(alert=alert).order_by("pk").values_list("pk", flat=True))


def tags_alert(*tags: Tag, **fields: Any) -> Alert:
    alert = AlertFactory(target=AlertTarget.TAGS, **fields)
    alert.tags.set(tags)
    return alert


def test_a_tags_alert_reaches_each_follower_once(flood, erbil):
    both = DeviceFactory(sections=[world()])
    both.tags.set([flood, erbil])  # follows two of the chosen tags, and the story's section
    one = DeviceFactory(breaking=False)  # followed tags reach it whatever its breaking-news choice
    one.tags.set([erbil])
    DeviceFactory(sections=[world()])  # the section only: not a follower of the tags
    DeviceFactory()  # breaking news only
    for gone in (DeviceFactory(is_active=False), DeviceFactory(is_stale=True)):
        gone.tags.set([flood])
    other_edition = DeviceFactory(edition=edition("ckb"))
    other_edition.tags.set([flood])

    alert = tags_alert(flood, erbil)

    assert audience(alert) == sorted([both.pk, one.pk])
    # The fan-out walks it in id order by ranges: still once each, past any cursor.
    walked = selectors.alert_audience(alert=alert).order_by("pk").values_list("pk", flat=True)
    assert list(walked.filter(pk__gt=min(both.pk, one.pk))) == [max(both.pk, one.pk)]


def test_a_breaking_alert_still_reaches_only_who_wants_breaking_news(flood):
    follower = DeviceFactory(breaking=False)
    follower.tags.set([flood])
    wants = DeviceFactory()

    assert audience(AlertFactory()) == [wants.pk]


def test_an_authors_alert_reaches_the_authors_followers(jane):
    follower = DeviceFactory(breaking=False)
    follower.authors.set([jane, AuthorFactory()])
    DeviceFactory().authors.set([AuthorFactory()])
    DeviceFactory()

    alert = AlertFactory(target=AlertTarget.AUTHORS)
    alert.authors.set([jane])

    assert audience(alert) == [follower.pk]


def test_a_followers_audience_is_one_query_of_exists_never_a_join(flood, erbil):
    alert = tags_alert(flood, erbil)

    with CaptureQueriesContext(connection) as queries:
        list(selectors.alert_audience(alert=alert).order_by("pk").values_list("pk", flat=True)[:500])

    [sql] = [query["sql"] for query in queries.captured_queries]
    assert "EXISTS" in sql.upper()
    assert "JOIN" not in sql.upper()


# --- What the services refuse ---------------------------------------------------------------------------


def test_a_tags_alert_needs_a_tag_of_its_edition(flood):
    kurdistan = TagFactory(edition=edition("ckb"), slug="kurdistan")

    with pytest.raises(ValidationError, match="tags"):
        services.alert_create(by=None, edition=edition("en"), title="T", body="B", target=AlertTarget.TAGS)
    with pytest.raises(ValidationError, match="edition"):
        services.alert_create(
            by=None, edition=edition("en"), title="T", body="B", target=AlertTarget.TAGS, tags=[kurdistan]
        )
    assert not Alert.objects.exists()

    draft = tags_alert(kurdistan)  # composed around the services, as an old row might be
    with pytest.raises(ValidationError, match="tag of the alert's edition"):
        services.alert_queue(alert=draft, by=None)
    assert Alert.objects.get(pk=draft.pk).state == AlertState.DRAFT

    alert = services.alert_create(
        by=None, edition=edition("en"), title="T", body="B", target=AlertTarget.TAGS, tags=[flood]
    )
    assert list(alert.tags.all()) == [flood]
    assert services.alert_queue(alert=alert, by=None).state == AlertState.QUEUED


def test_an_authors_alert_needs_an_author(jane):
    with pytest.raises(ValidationError, match="authors"):
        services.alert_create(by=None, edition=edition("en"), title="T", body="B", target=AlertTarget.AUTHORS)
    draft = AlertFactory(target=AlertTarget.AUTHORS)
    with pytest.raises(ValidationError, match="author"):
        services.alert_queue(alert=draft, by=None)

    services.alert_update(alert=draft, by=None, changes={"authors": [jane]})
    assert services.alert_queue(alert=draft, by=None).state == AlertState.QUEUED


def test_a_drafts_tags_are_recorded_in_its_history(flood, erbil):
    alert = services.alert_create(
        by=None, edition=edition("en"), title="T", body="B", target=AlertTarget.TAGS, tags=[flood]
    )

    services.alert_update(alert=alert, by=None, changes={"tags": [erbil]})

    latest = alert.history.latest()
    assert [row.tag_id for row in latest.tags.all()] == [erbil.pk]
    assert latest.history_change_reason == "Alert edited: tags"


# --- The compose page ------------------------------------------------------------------------------------


def test_the_compose_form_saves_a_tags_alert(editor_client, flood):
    response = editor_client.post(ADD, compose(target=AlertTarget.TAGS, tags=[flood.pk]))

    assert response.status_code == 302, response.content
    alert = Alert.objects.get()
    assert (alert.target, list(alert.tags.all())) == (AlertTarget.TAGS, [flood])


@pytest.mark.parametrize("field", ["tags", "authors"])
def test_the_compose_form_refuses_a_followers_alert_without_its_choice(editor_client, field):
    response = editor_client.post(ADD, compose(target=field))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Alert.objects.exists()


def test_the_compose_form_refuses_a_tag_of_another_edition(editor_client):
    kurdistan = TagFactory(edition=edition("ckb"), slug="kurdistan")

    response = editor_client.post(ADD, compose(target=AlertTarget.TAGS, tags=[kurdistan.pk]))

    assert "tags" in response.context["adminform"].form.errors
    assert not Alert.objects.exists()


def test_the_compose_page_counts_a_tags_audience(editor_client, flood, erbil):
    DeviceFactory().tags.set([flood, erbil])
    DeviceFactory().tags.set([erbil])
    DeviceFactory()
    params = {"edition": edition("en").pk, "target": AlertTarget.TAGS}

    answer = editor_client.get(AUDIENCE_URL, {**params, "tags": [flood.pk, erbil.pk]}).json()
    nobody = editor_client.get(AUDIENCE_URL, params).json()

    assert answer["devices"] == 2
    assert nobody["devices"] == 0 and "choose the tags" in nobody["message"]


# --- End to end: through the real services, the real SDK and the emulator ---------------------------------


def test_a_tags_alert_sent_for_real_reaches_each_follower_exactly_once(api, fcm_emulator, gateway, settings, flood):
    settings.PUSH_BATCH_SIZE = 2
    followers = []
    for n in range(5):
        device = DeviceFactory(sections=[world()] if n % 2 else [])
        device.tags.set([flood])
        followers.append(device)
    DeviceFactory(sections=[world()])  # follows the story's section, not the tag
    DeviceFactory(breaking=True)  # wants breaking news, follows nothing
    article = published_article(send_alert=False, section=world(), tags=[flood])
    alert = services.alert_create(
        by=None,
        edition=edition("en"),
        article=article,
        title="Flood warning",
        body="Rivers rising in the north.",
        target=AlertTarget.TAGS,
        tags=[flood],
    )
    services.alert_queue(alert=alert, by=None)

    delivery.alert_fanout(alert_id=alert.pk)
    for batch in alert.batches.order_by("index"):
        while delivery.alert_send_batch(batch_id=batch.pk, gateway=gateway).retry_in is not None:
            pass

    tokens = [message["token"] for message in fcm_emulator.client.all_messages()]
    assert sorted(tokens) == sorted(device.token for device in followers)  # each follower once, nobody else
    alert.refresh_from_db()
    assert (alert.state, alert.targeted, alert.sent) == (AlertState.SENT, 5, 5)
    assert Delivery.objects.filter(alert=alert, state=DeliveryState.ACCEPTED).count() == 5
    # And it is in each follower's own inbox, with its story's card.
    [item] = inbox(api, followers[0])["results"]
    assert (item["id"], item["article"]["id"], item["read"]) == (alert.pk, article.pk, False)
