"""GET /api/v1/alerts/?lang=: the app's notification inbox, recent alerts that were sent."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from newsapi.models import Article, Section, article_web_url
from newsapi.services import article_unpublish
from notifications.models import Alert, AlertState, AlertUrgency
from tests.factories import ArticleFactory, SectionFactory, edition, published_article
from tests.notifications.factories import AlertFactory, DeviceFactory
from tests.notifications.test_delivery_flow import run_alert

pytestmark = pytest.mark.django_db

URL = "/api/v1/alerts/"
FIELDS = {"id", "title", "body", "language", "article_id", "section", "url", "is_breaking", "sent_at"}
NOW = timezone.now().replace(microsecond=0)
VISIBLE = [AlertState.SENDING, AlertState.SENT, AlertState.PARTIALLY_FAILED]
HIDDEN = [AlertState.DRAFT, AlertState.QUEUED, AlertState.CANCELLED, AlertState.FAILED]


def alert(*, state: str = AlertState.SENT, minutes_ago: int | None = 5, lang: str = "en", **fields: Any) -> Alert:
    """An alert record as the sending services leave it: a state and the time sending started."""
    made = AlertFactory(edition=edition(lang), **fields)
    started = NOW - timedelta(minutes=minutes_ago) if minutes_ago is not None else None
    Alert.objects.filter(pk=made.pk).update(state=state, started_at=started)
    made.refresh_from_db()
    return made


def story(**fields: Any) -> Article:
    """A published article that does not raise an automatic alert of its own."""
    return published_article(send_alert=False, **fields)


def inbox(api, **query: Any) -> dict[str, Any]:
    response = api.get(URL, query)
    assert response.status_code == 200, response.content
    return response.json()


def ids(body: dict[str, Any]) -> list[int]:
    return [item["id"] for item in body["results"]]


def assert_problem(response, field: str) -> None:
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert set(response.json()["errors"]) == {field}


def test_lists_sent_alerts_of_the_edition_newest_first(api):
    older = alert(state=AlertState.SENT, minutes_ago=30)
    newest = alert(state=AlertState.SENDING, minutes_ago=1)
    middle = alert(state=AlertState.PARTIALLY_FAILED, minutes_ago=10)

    body = inbox(api, lang="en")

    assert ids(body) == [newest.pk, middle.pk, older.pk]
    assert (body["next"], body["previous"]) == (None, None)


@pytest.mark.parametrize("state", HIDDEN)
def test_never_lists_an_alert_that_was_not_sent(api, state):
    shown = alert()
    alert(state=state, minutes_ago=1)

    assert ids(inbox(api, lang="en")) == [shown.pk]


def test_never_lists_an_alert_that_has_not_started(api):
    alert(state=AlertState.SENDING, minutes_ago=None)

    assert ids(inbox(api, lang="en")) == []


def test_never_lists_another_editions_alerts(api):
    english = alert(lang="en")
    arabic = alert(lang="ar")

    assert ids(inbox(api, lang="en")) == [english.pk]
    assert ids(inbox(api, lang="ar")) == [arabic.pk]
    assert ids(inbox(api, lang="ckb")) == []


def test_without_lang_lists_the_default_edition(api):
    english = alert(lang="en")
    alert(lang="ar")

    assert ids(inbox(api)) == [english.pk]


def test_an_alert_leaves_the_inbox_when_its_article_is_withdrawn(api):
    kept = alert(article=story())
    withdrawn_story = story()
    withdrawn = alert(article=withdrawn_story)
    assert set(ids(inbox(api, lang="en"))) == {kept.pk, withdrawn.pk}

    article_unpublish(article=withdrawn_story, by=None, reason="legal")

    body = inbox(api, lang="en")
    assert ids(body) == [kept.pk]
    assert withdrawn.title not in str(body)


def test_never_lists_an_alert_about_an_unpublished_or_future_article(api):
    alert(article=ArticleFactory())
    alert(article=story(published_at=NOW + timedelta(hours=1)))

    assert ids(inbox(api, lang="en")) == []


def test_item_fields(api):
    sport = SectionFactory(slug="sport", names={"en": "Sport"})
    article = story(section=sport)
    normal = alert(article=article, urgency=AlertUrgency.NORMAL, title="Cup final tonight", body="Kick-off at 8.")
    standalone = alert(article=None, urgency=AlertUrgency.BREAKING, minutes_ago=1)

    first, second = inbox(api, lang="en")["results"]

    assert set(first) == FIELDS
    assert first == {
        "id": standalone.pk,
        "title": standalone.title,
        "body": standalone.body,
        "language": "en",
        "article_id": None,
        "section": None,
        "url": None,
        "is_breaking": True,
        "sent_at": first["sent_at"],
    }
    assert second == {
        "id": normal.pk,
        "title": "Cup final tonight",
        "body": "Kick-off at 8.",
        "language": "en",
        "article_id": article.pk,
        "section": "sport",
        "url": article_web_url(article),
        "is_breaking": False,
        "sent_at": second["sent_at"],
    }
    assert datetime.fromisoformat(second["sent_at"]) == normal.started_at


def test_an_alert_sent_through_the_real_services_appears_once_sending_starts(api, fcm_emulator, gateway):
    DeviceFactory.create_batch(2)
    article = published_article(section=Section.objects.get(slug="world"), is_breaking=True)
    queued = Alert.objects.get(article=article)
    assert ids(inbox(api, lang="en")) == []

    sent = run_alert(queued, gateway)

    assert sent.state == AlertState.SENT
    [item] = inbox(api, lang="en")["results"]
    assert (item["id"], item["article_id"], item["is_breaking"]) == (sent.pk, article.pk, True)


def test_pages_follow_the_cursor_without_repeats_or_gaps(api):
    made = [alert(minutes_ago=minutes) for minutes in (1, 2, 3, 4, 5)]
    # Two alerts started in the same second are still ordered and never repeated.
    same_time = alert(minutes_ago=3)

    seen: list[int] = []
    body = inbox(api, lang="en", page_size=2)
    while True:
        assert len(body["results"]) <= 2
        seen += ids(body)
        if body["next"] is None:
            break
        response = api.get(body["next"])
        assert response.status_code == 200
        body = response.json()

    expected = [made[0].pk, made[1].pk, max(made[2].pk, same_time.pk), min(made[2].pk, same_time.pk)]
    assert seen == [*expected, made[3].pk, made[4].pk]
    back = api.get(body["previous"]).json()
    assert ids(back) == seen[2:4]


def test_a_new_alert_while_scrolling_does_not_shift_the_next_page(api):
    made = [alert(minutes_ago=minutes) for minutes in (1, 2, 3, 4)]
    first = inbox(api, lang="en", page_size=2)

    alert(minutes_ago=0)

    second = api.get(first["next"]).json()
    assert ids(second) == [made[2].pk, made[3].pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"lang": "xx"}, "lang"),
        ({"lang": "e\x00n"}, "lang"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"cursor": "bad"}, "cursor"),
        ({"cursor": "eyJrIjoiYXJ0aWNsZXMiLCJ2IjpbXSwiZCI6Im4ifQ"}, "cursor"),
    ],
)
def test_bad_parameter_is_a_400(api, query, field):
    alert()

    assert_problem(api.get(URL, query), field)


def test_a_cursor_from_another_list_is_a_400(api):
    for minutes in (1, 2):
        story(published_at=NOW - timedelta(minutes=minutes))
    articles_next = api.get("/api/v1/articles/", {"page_size": 1}).json()["next"]
    cursor = articles_next.split("cursor=")[1].split("&")[0]

    assert_problem(api.get(URL, {"cursor": cursor}), "cursor")


def test_http_caching_headers_and_304(api):
    alert()

    response = api.get(URL, {"lang": "en"})

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public, max-age=")
    assert "stale-while-revalidate=" in response["Cache-Control"]
    assert "alerts-en" in response["Surrogate-Key"].split()
    etag = response["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = api.get(URL, {"lang": "en"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert not again.content


def test_a_new_alert_changes_the_etag(api):
    alert(minutes_ago=2)
    etag = api.get(URL, {"lang": "en"})["ETag"]

    alert(minutes_ago=1)

    assert api.get(URL, {"lang": "en"}, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_query_count_does_not_grow_with_alerts_listed(api, django_assert_num_queries):
    alert(article=story())
    with django_assert_num_queries(2):
        assert len(inbox(api, lang="en")["results"]) == 1

    sport = SectionFactory(slug="sport")
    for minutes in range(6):
        alert(article=story(section=sport), minutes_ago=minutes)
        alert(article=None, minutes_ago=minutes)
    with django_assert_num_queries(2):
        assert len(inbox(api, lang="en")["results"]) == 13
