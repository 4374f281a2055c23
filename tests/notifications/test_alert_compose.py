"""The alert compose page and the alert list: prefilled from an article, counters at the lock
screen's limits, the audience before sending, and a list that fits 1,280 px."""

import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backend.roles import EDITOR, REPORTER
from newsapi.models import Section
from newsapi.services import article_unpublish
from notifications.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Alert, AlertState, AlertTarget, AlertUrgency
from notifications.selectors import alert_audience, cut_at_word
from tests.factories import ArticleFactory, SectionFactory, edition, published_article, user_with_role
from tests.notifications.factories import AlertFactory, DeviceFactory
from tests.notifications.test_alert_admin import ADD, CHANGELIST, compose, send_url

pytestmark = pytest.mark.django_db

ARTICLE_URL = CHANGELIST + "compose/article/"
AUDIENCE_URL = CHANGELIST + "compose/audience/"
LONG_SUMMARY = (
    "Rescue teams reached the last of the villages cut off by the earthquake on Tuesday night, "
    "the interior ministry said, adding that roads to the north remain closed while engineers "
    "check the bridges for damage."
)


@pytest.fixture
def editor_client(client):
    client.force_login(user_with_role(EDITOR))
    return client


@pytest.fixture
def reporter_client(client):
    client.force_login(user_with_role(REPORTER))
    return client


@pytest.fixture
def outsider_client(client):
    """Someone who may send alerts but is not on the newsroom's staff (no admin access)."""
    outsider = user_with_role(EDITOR)
    outsider.is_staff = False
    outsider.save()
    client.force_login(outsider)
    return client


def form_of(response):
    return response.context["adminform"].form


def withdrawn_article():
    article = published_article(title="Withdrawn: unverified rumour")
    article_unpublish(article=article, by=None, reason="Wrong facts")
    return article


# --- Prefill from the article -----------------------------------------------------------------------------


def test_the_add_page_is_prefilled_from_a_published_article(editor_client):
    article = published_article(title="Quake hits the north", summary=LONG_SUMMARY)

    response = editor_client.get(reverse("admin:notifications_alert_add") + f"?article={article.pk}")

    form = form_of(response)
    assert response.status_code == 200
    assert form["edition"].value() == article.edition_id
    assert form["article"].value() == article.pk
    assert form["title"].value() == "Quake hits the north"
    body = form["body"].value()
    assert body.endswith("…") and len(body) <= BODY_MAX_LENGTH
    assert LONG_SUMMARY.startswith(body.removesuffix("…"))
    assert LONG_SUMMARY[len(body) - 1] == " "  # cut between two words
    html = response.content.decode()
    assert f'<option value="{article.pk}" selected>Quake hits the north</option>' in html


def test_the_prefilled_alert_is_saved_as_composed(editor_client):
    article = published_article(title="Quake hits the north", summary=LONG_SUMMARY)
    form = form_of(editor_client.get(f"{ADD}?article={article.pk}"))

    response = editor_client.post(
        ADD,
        compose(edition=article.edition_id, article=article.pk, title=form["title"].value(), body=form["body"].value()),
    )

    alert = Alert.objects.get()
    assert response.status_code == 302
    assert (alert.article, alert.title, alert.body) == (article, "Quake hits the north", form["body"].value())


@pytest.mark.parametrize("code", ["ckb", "ar"])
def test_an_article_of_a_right_to_left_edition_prefills_right_to_left_inputs(editor_client, code):
    article = published_article(edition=edition(code), title="بوومەلەرزە لە باکوور", slug=f"quake-{code}")

    html = editor_client.get(f"{ADD}?article={article.pk}").content.decode()

    assert re.search(r'<input type="text" name="title" value="بوومەلەرزە لە باکوور"[^>]* dir="rtl"', html)
    assert re.search(r'<textarea name="body"[^>]* dir="rtl"', html)


@pytest.mark.parametrize("which", ["draft", "withdrawn", "unknown", "not-a-number", "too-big"])
def test_an_article_readers_cannot_see_is_not_prefilled_and_the_page_says_so(editor_client, which):
    asked = {
        "draft": lambda: ArticleFactory(title="Reporter draft: unverified rumour").pk,
        "withdrawn": lambda: withdrawn_article().pk,
        "unknown": lambda: 987654,
        "not-a-number": lambda: "abc",
        "too-big": lambda: "9" * 19,
    }[which]()

    response = editor_client.get(f"{ADD}?article={asked}")

    html = response.content.decode()
    form = form_of(response)
    assert response.status_code == 200
    assert f"No published article has the id “{asked}”" in html
    assert (form["article"].value(), form["title"].value(), form["body"].value()) == (None, None, None)
    assert "unverified rumour" not in html
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Short and sweet.", 20, "Short and sweet."),
        ("Three words here", 12, "Three words…"),
        ("Three words here", 13, "Three words…"),
        ("One, two, three", 10, "One, two…"),
        ("Supercalifragilistic", 10, "Supercali…"),
        ("  spaced\n\nout   words ", 20, "spaced out words"),
    ],
)
def test_a_summary_is_cut_after_the_last_whole_word_that_fits(text, limit, expected):
    cut = cut_at_word(text, limit)

    assert cut == expected
    assert len(cut) <= limit


# --- Filling from the chosen article (JSON) ---------------------------------------------------------------


def test_the_chosen_articles_title_summary_and_edition_are_served_to_the_form(
    editor_client, django_assert_max_num_queries
):
    article = published_article(edition=edition("ckb"), title="بوومەلەرزە", summary=LONG_SUMMARY, slug="quake")

    with django_assert_max_num_queries(6):  # one more than the article alone: its translations
        response = editor_client.get(ARTICLE_URL, {"article": article.pk})

    assert response.status_code == 200
    assert response.json() == {
        "article": article.pk,
        "edition": edition("ckb").pk,
        "dir": "rtl",
        "title": "بوومەلەرزە",
        "body": cut_at_word(LONG_SUMMARY, BODY_MAX_LENGTH),
        "translations": [],
    }
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("which", ["draft", "withdrawn", "unknown", "missing"])
def test_an_article_readers_cannot_see_is_a_404_to_the_form(editor_client, which):
    params = {
        "draft": lambda: {"article": ArticleFactory(title="Reporter draft: unverified rumour").pk},
        "withdrawn": lambda: {"article": withdrawn_article().pk},
        "unknown": lambda: {"article": 987654},
        "missing": lambda: {},
    }[which]()

    response = editor_client.get(ARTICLE_URL, params)

    assert response.status_code == 404
    assert "unverified rumour" not in response.content.decode()


def test_someone_who_may_not_send_alerts_gets_no_article_from_the_form_endpoint(reporter_client):
    article = published_article(title="Quake hits the north")

    response = reporter_client.get(ARTICLE_URL, {"article": article.pk})

    assert response.status_code == 403
    assert "Quake hits the north" not in response.content.decode()
    assert not Alert.objects.exists()


def test_someone_off_the_staff_is_sent_to_the_login_page_by_the_form_endpoints(outsider_client):
    article = published_article(title="Quake hits the north")

    for url, params in [(ARTICLE_URL, {"article": article.pk}), (AUDIENCE_URL, {"edition": edition("en").pk})]:
        response = outsider_client.get(url, params)

        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    assert not Alert.objects.exists()


# --- The audience before sending --------------------------------------------------------------------------


def audience(client, **params):
    query = {"edition": edition("en").pk, "target": AlertTarget.BREAKING, "urgency": AlertUrgency.BREAKING, **params}
    return client.get(AUDIENCE_URL, query)


def test_the_audience_counts_the_editions_live_devices_that_want_breaking_news(editor_client):
    DeviceFactory.create_batch(3)
    DeviceFactory(breaking=False)
    DeviceFactory(is_active=False)
    DeviceFactory(is_stale=True)
    DeviceFactory(edition=edition("ar"))

    answer = audience(editor_client).json()

    assert answer == {
        "devices": 3,
        "message": "This alert will reach 3 devices.",
        "none": False,
        "editions": [{"code": "en", "name": "English", "devices": 3}],
    }


def test_a_normal_alert_says_devices_in_quiet_hours_get_it_later(editor_client):
    DeviceFactory()

    answer = audience(editor_client, urgency=AlertUrgency.NORMAL).json()

    assert answer["message"] == "This alert will reach 1 device. Those in their quiet hours get it when these end."


def test_the_audience_of_a_sections_alert_is_the_count_the_fan_out_will_walk(
    editor_client, django_assert_max_num_queries
):
    sections = [SectionFactory(slug=f"beat-{n}") for n in range(8)]
    sport, politics = sections[0], sections[1]
    DeviceFactory(sections=[sport])
    DeviceFactory(sections=[sport, politics], breaking=False)
    DeviceFactory(sections=[sections[5]])
    alert = AlertFactory(target=AlertTarget.SECTIONS)
    alert.sections.set([sport, politics])

    english = edition("en").pk
    two = {"edition": english, "target": AlertTarget.SECTIONS, "sections": [sport.pk, politics.pk]}
    eight = {**two, "sections": [section.pk for section in sections]}

    with django_assert_max_num_queries(7):
        answer = editor_client.get(AUDIENCE_URL, two).json()
    with django_assert_max_num_queries(7):
        editor_client.get(AUDIENCE_URL, eight)

    assert answer["devices"] == 2 == alert_audience(alert=alert).count()


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({}, "no active device in the English edition takes breaking news."),
        ({"target": AlertTarget.SECTIONS}, "choose the sections whose followers get it."),
        ({"target": AlertTarget.SECTIONS, "sections": "world"}, "no active device in the English edition follows"),
    ],
    ids=["breaking", "no-sections", "sections-nobody-follows"],
)
def test_an_audience_of_no_device_is_a_warning_with_its_reason(editor_client, params, reason):
    DeviceFactory(edition=edition("ar"))
    if params.get("sections") == "world":
        params["sections"] = [Section.objects.get(slug="world").pk]

    answer = audience(editor_client, **params).json()

    assert answer["devices"] == 0
    assert answer["none"] is True
    assert answer["message"].startswith("No device will receive this alert: ")
    assert reason in answer["message"]


def test_settings_that_name_no_edition_get_a_400_not_a_count(editor_client):
    response = editor_client.get(AUDIENCE_URL, {"edition": 987654, "target": "everyone"})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"edition", "target"}


def test_someone_who_may_not_send_alerts_gets_no_audience(reporter_client):
    DeviceFactory.create_batch(2)

    response = audience(reporter_client)

    assert response.status_code == 403
    assert "devices" not in response.content.decode()
    assert not Alert.objects.exists()


def test_the_compose_page_has_the_audience_line_and_the_scripts_addresses(editor_client):
    html = editor_client.get(ADD).content.decode()

    assert '<p id="alert-audience" class="alert-audience" role="status">' in html
    assert f'data-audience-url="{AUDIENCE_URL}"' in html
    assert f'data-article-url="{ARTICLE_URL}"' in html
    assert 'src="/static/notifications/admin/alert_compose.js"' in html
    assert 'href="/static/notifications/admin/alerts.css"' in html


def test_the_compose_page_runs_no_inline_script(editor_client):
    html = editor_client.get(ADD).content.decode()

    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts
    assert [tag for tag in scripts if "src=" not in tag and 'type="application/json"' not in tag] == []


def test_each_edition_option_carries_its_writing_direction(editor_client):
    html = editor_client.get(ADD).content.decode()

    assert f'<option value="{edition("ckb").pk}" data-dir="rtl">' in html
    assert f'<option value="{edition("en").pk}" data-dir="ltr">' in html


def test_a_draft_with_no_audience_is_sent_only_past_a_clear_warning(editor_client):
    DeviceFactory(edition=edition("ar"))
    alert = AlertFactory()

    html = editor_client.get(send_url(alert)).content.decode()

    assert 'id="alert-audience" class="warnings alert-audience alert-audience--none" role="alert"' in html
    assert "No device will receive this alert: no active device in the English edition takes breaking news." in html
    assert "audience now: <strong>0</strong>" in html


def test_a_draft_with_an_audience_has_no_audience_warning(editor_client):
    DeviceFactory()
    alert = AlertFactory()

    html = editor_client.get(send_url(alert)).content.decode()

    assert "No device will receive this alert" not in html
    assert "audience now: <strong>1</strong>" in html


# --- Counters at the lock screen's limits -----------------------------------------------------------------


def test_the_title_and_body_have_counters_at_the_lock_screens_limits(editor_client):
    html = editor_client.get(ADD).content.decode()

    assert (
        f'<output class="char-counter" id="id_title_counter" for="id_title" data-limit="{TITLE_MAX_LENGTH}">'
        f"0 / {TITLE_MAX_LENGTH}</output>"
    ) in html
    assert (
        f'<output class="char-counter" id="id_body_counter" for="id_body" data-limit="{BODY_MAX_LENGTH}">'
        f"0 / {BODY_MAX_LENGTH}</output>"
    ) in html
    assert re.search(r'<input type="text" name="title"[^>]*aria-describedby="id_title_helptext id_title_counter"', html)
    assert "maxlength" not in re.search(r'<input type="text" name="title"[^>]*>', html).group()


def test_a_headline_longer_than_a_lock_screen_shows_is_prefilled_with_its_counter_over(editor_client):
    headline = "Parliament approves the budget after a night of talks between the parties"
    article = published_article(title=headline)

    html = editor_client.get(f"{ADD}?article={article.pk}").content.decode()

    assert (
        f'<output class="char-counter char-counter--over" id="id_title_counter" for="id_title" '
        f'data-limit="{TITLE_MAX_LENGTH}">{len(headline)} / {TITLE_MAX_LENGTH}</output>'
    ) in html


@pytest.mark.parametrize(
    ("field", "length", "message"),
    [("title", TITLE_MAX_LENGTH + 1, "at most 65 characters"), ("body", BODY_MAX_LENGTH + 1, "at most 178 characters")],
)
def test_text_past_a_counters_limit_is_a_form_error_and_saves_nothing(editor_client, field, length, message):
    text = "ب" * length  # Sorani letters: the limit counts characters, not bytes

    response = editor_client.post(ADD, compose(edition=edition("ckb").pk, **{field: text}))

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "char-counter--over" in html
    assert not Alert.objects.exists()


def test_a_right_to_left_title_at_the_limit_is_accepted(editor_client):
    response = editor_client.post(
        ADD, compose(edition=edition("ckb").pk, title="ب" * TITLE_MAX_LENGTH, body="ب" * BODY_MAX_LENGTH)
    )

    assert response.status_code == 302
    assert Alert.objects.get().title == "ب" * TITLE_MAX_LENGTH


# --- The list ---------------------------------------------------------------------------------------------


def finished(alert: Alert, **counts) -> Alert:
    Alert.objects.filter(pk=alert.pk).update(queued_at=timezone.now() - timedelta(minutes=5), **counts)
    return alert


def test_the_list_shows_title_badges_state_reach_and_time_in_four_columns(editor_client):
    long_title = "A very long alert title that goes on and on about the budget vote " * 2
    sent = finished(
        AlertFactory(title=long_title[:TITLE_MAX_LENGTH]),
        state=AlertState.SENT, targeted=1200, sent=1150, failed=0, opened=312,
    )  # fmt: skip
    finished(
        AlertFactory(edition=edition("ckb"), urgency=AlertUrgency.NORMAL, title="بوومەلەرزە"),
        state=AlertState.PARTIALLY_FAILED, targeted=40, sent=30, failed=10, opened=2,
    )  # fmt: skip
    AlertFactory(title="Still a draft")

    html = editor_client.get(CHANGELIST).content.decode()

    headers = re.findall(r'<th scope="col" class="[^"]*?(action-checkbox-column|column-\w+)', html)
    assert headers == [
        "action-checkbox-column", "column-title_column", "column-state_column", "column-reach_column",
        "column-created_column",
    ]  # fmt: skip
    title = sent.title
    assert f'<span class="alert-title" dir="auto" title="{title}">{title}</span>' in html
    assert '<span class="alert-badge alert-badge--breaking">Breaking</span>' in html
    assert f'<span class="alert-badge" title="{edition("ckb").name}">ckb</span>' in html
    assert '<span class="alert-badge alert-badge--normal">Normal</span>' in html
    assert '<span class="alert-state alert-state--sent">Sent</span>' in html
    assert '<span class="alert-state alert-state--partially-failed">Partially failed</span>' in html
    assert "1,200 → 1,150 → 312</span>" in html
    assert '40 → 30 → 2</span> <span class="alert-failed">10 failed</span>' in html
    assert html.count('class="alert-failed"') == 1  # failures only where there are some
    shown = {datetime.fromisoformat(value) for value in re.findall(r'<time datetime="([^"]+)"', html)}
    assert shown == set(Alert.objects.values_list("created_at", flat=True))
    assert "<th>Targeted</th>" not in html


def test_the_list_filters_and_search_still_work(editor_client):
    AlertFactory(title="Quake hits the north")
    AlertFactory(title="Budget passes", edition=edition("ar"))

    by_search = editor_client.get(CHANGELIST, {"q": "quake"}).content.decode()
    by_edition = editor_client.get(CHANGELIST, {"edition__id__exact": edition("ar").pk}).content.decode()

    assert "Quake hits the north" in by_search and "Budget passes" not in by_search
    assert "Budget passes" in by_edition and "Quake hits the north" not in by_edition


def test_the_list_costs_the_same_queries_for_three_alerts_as_for_thirty(editor_client, django_assert_max_num_queries):
    for n in range(3):
        finished(AlertFactory(edition=edition(["en", "ar", "ckb"][n])), state=AlertState.SENT, targeted=5, sent=5)
    with CaptureQueriesContext(connection) as few:
        editor_client.get(CHANGELIST)
    for n in range(27):
        finished(AlertFactory(edition=edition(["en", "ar", "ckb"][n % 3])), state=AlertState.SENT, targeted=5, sent=5)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = editor_client.get(CHANGELIST)

    assert response.status_code == 200
    assert response.content.decode().count('class="alert-title"') == 30
