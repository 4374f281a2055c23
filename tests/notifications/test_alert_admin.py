"""The editors' alert admin: compose, preview as the phones show it, confirm (twice when warned), cancel."""

import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.utils import timezone

from newsapi.images import NOTIFICATION_FORMAT, image_generate_renditions
from newsapi.models import Article, Section
from newsapi.services import article_unpublish
from notifications.models import Alert, AlertState, AlertTarget, AlertUrgency
from tests.factories import ArticleFactory, ImageFactory, SectionFactory, edition, published_article
from tests.notifications.factories import AlertFactory, DeviceFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/notifications/alert/"
ADD = CHANGELIST + "add/"


def send_url(alert: Alert) -> str:
    return f"{CHANGELIST}{alert.pk}/send/"


@pytest.fixture
def editor():
    return get_user_model().objects.create_superuser("desk", "desk@example.com", password=None)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def world() -> Section:
    return Section.objects.get(slug="world")


def compose(**fields) -> dict:
    data = {
        "edition": edition("en").pk,
        "article": "",
        "title": "Quake hits the north",
        "body": "At least 12 villages are cut off.",
        "target": AlertTarget.BREAKING,
        "urgency": AlertUrgency.BREAKING,
        # The batches inline's management form, as the browser posts it.
        "batches-TOTAL_FORMS": "0",
        "batches-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def sent_alert(**kwargs) -> Alert:
    """An alert that went out a few minutes ago."""
    alert = AlertFactory(**kwargs)
    Alert.objects.filter(pk=alert.pk).update(state=AlertState.SENT, queued_at=timezone.now() - timedelta(minutes=5))
    return alert


def state_of(alert: Alert) -> str:
    alert.refresh_from_db()
    return alert.state


# --- Compose --------------------------------------------------------------------------------------------------


def test_composing_saves_a_draft_and_opens_its_preview(editor_client, editor):
    article = published_article()

    response = editor_client.post(ADD, compose(article=article.pk))

    alert = Alert.objects.get()
    assert response.status_code == 302
    assert response["Location"] == send_url(alert)
    assert (alert.state, alert.article, alert.title, alert.created_by) == (
        AlertState.DRAFT,
        article,
        "Quake hits the north",
        editor,
    )
    assert alert.queued_at is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "T" * 66, "at most 65 characters"),
        ("body", "B" * 179, "at most 178 characters"),
    ],
)
def test_what_does_not_fit_a_lock_screen_is_refused(editor_client, field, value, message):
    response = editor_client.post(ADD, compose(**{field: value}))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Alert.objects.exists()


def test_the_longest_title_and_body_that_fit_are_accepted(editor_client):
    response = editor_client.post(ADD, compose(title="T" * 65, body="B" * 178))

    assert response.status_code == 302
    assert Alert.objects.filter(state=AlertState.DRAFT).count() == 1


def test_a_sections_alert_without_sections_is_refused(editor_client):
    response = editor_client.post(ADD, compose(target=AlertTarget.SECTIONS))

    assert response.status_code == 200
    assert "Choose the sections" in response.content.decode()
    assert not Alert.objects.exists()


def test_a_sections_alert_with_sections_is_saved(editor_client):
    sport = SectionFactory(slug="sport")

    editor_client.post(ADD, compose(target=AlertTarget.SECTIONS, sections=[sport.pk]))

    assert list(Alert.objects.get().sections.all()) == [sport]


def test_an_article_of_another_edition_is_refused(editor_client):
    arabic = published_article(edition=edition("ar"))

    response = editor_client.post(ADD, compose(article=arabic.pk))

    assert response.status_code == 200
    assert "belongs to another edition" in response.content.decode()
    assert not Alert.objects.exists()


@pytest.mark.parametrize("withdrawn", [False, True], ids=["draft", "unpublished"])
def test_an_article_readers_cannot_see_cannot_be_chosen(editor_client, withdrawn):
    article = published_article() if withdrawn else ArticleFactory()
    if withdrawn:
        article_unpublish(article=article, by=None, reason="Wrong facts")

    response = editor_client.post(ADD, compose(article=article.pk))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Alert.objects.exists()


def test_the_article_picker_offers_only_published_articles(editor_client):
    live = published_article(title="Flood live story")
    ArticleFactory(title="Flood draft story")
    article_unpublish(article=published_article(title="Flood withdrawn story"), by=None, reason="Wrong")

    response = editor_client.get(
        "/admin/autocomplete/",
        {"app_label": "notifications", "model_name": "alert", "field_name": "article", "term": "Flood"},
    )

    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == [str(live.pk)]


# --- Preview and confirm ----------------------------------------------------------------------------------


def test_the_preview_shows_what_android_and_ios_will_show(editor_client, settings):
    DeviceFactory.create_batch(3)
    DeviceFactory(breaking=False)
    picture = ImageFactory()
    image_generate_renditions(image=picture)
    article = published_article(image=picture)
    alert = AlertFactory(article=article, title="Quake hits the north", body="At least 12 villages cut off.")

    response = editor_client.get(send_url(alert))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<div class="t">Quake hits the north</div>') == 2  # Android and iOS
    assert html.count('<div class="b">At least 12 villages cut off.</div>') == 2
    assert html.count('<div class="note" dir="ltr">') == 2
    # The picture phones get: the notification JPEG, never the upload.
    [notification_picture] = picture.renditions.filter(format=NOTIFICATION_FORMAT)
    assert f"{settings.SITE_URL}{notification_picture.file.url}" in html
    assert article.image.file.url not in html
    assert "audience now: <strong>3</strong>" in html
    assert f"<code>{settings.SITE_URL}/en/world/{article.pk}/{article.slug}/</code>" in html
    assert f"<code>article-{article.pk}</code>" in html
    assert 'name="confirm"' in html
    assert 'name="confirm_warnings"' not in html


@pytest.mark.parametrize("code", ["ckb", "ar"])
def test_a_right_to_left_alert_is_previewed_right_to_left(editor_client, code):
    article = published_article(edition=edition(code), section=world(), slug=f"quake-{code}")
    alert = AlertFactory(edition=edition(code), article=article, title="بوومەلەرزە لە باکوور", body="دوانزە گوند")

    html = editor_client.get(send_url(alert)).content.decode()

    assert html.count('<div class="note" dir="rtl">') == 2
    assert html.count('<div class="t">بوومەلەرزە لە باکوور</div>') == 2


def test_confirming_queues_the_alert(editor_client, editor, django_capture_on_commit_callbacks):
    editor_client.post(ADD, compose())
    alert = Alert.objects.get()

    with django_capture_on_commit_callbacks() as callbacks:
        response = editor_client.post(send_url(alert), {"confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    alert.refresh_from_db()
    assert alert.state == AlertState.QUEUED
    assert alert.queued_at is not None
    assert alert.created_by == editor
    assert len(callbacks) == 1  # the fan-out, enqueued when the queueing commits


def test_nothing_is_queued_without_the_confirm_box(editor_client):
    alert = AlertFactory()

    response = editor_client.post(send_url(alert), {})

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert state_of(alert) == AlertState.DRAFT


def test_an_alert_the_service_refuses_stays_a_draft_with_the_reason(editor_client):
    article = published_article()
    alert = AlertFactory(article=article)
    article_unpublish(article=article, by=None, reason="Wrong facts")

    response = editor_client.post(send_url(alert), {"confirm": "on"})

    assert response.status_code == 200
    assert "not published" in response.content.decode()
    assert state_of(alert) == AlertState.DRAFT


def test_confirming_an_alert_that_is_no_longer_a_draft_changes_nothing(editor_client):
    alert = sent_alert()

    response = editor_client.post(send_url(alert), {"confirm": "on"})

    assert response.status_code == 200
    assert 'name="confirm"' not in response.content.decode()
    assert state_of(alert) == AlertState.SENT


# --- Warnings ----------------------------------------------------------------------------------------------


def test_an_article_alerted_in_the_last_half_hour_needs_an_extra_confirmation(editor_client):
    article = published_article(section=world(), is_breaking=True)  # its automatic alert is queued
    alert = AlertFactory(article=article)

    html = editor_client.get(send_url(alert)).content.decode()
    assert "already alerted" in html
    assert 'name="confirm_warnings"' in html

    response = editor_client.post(send_url(alert), {"confirm": "on"})
    assert "confirm them to send it" in response.content.decode()
    assert state_of(alert) == AlertState.DRAFT

    response = editor_client.post(send_url(alert), {"confirm": "on", "confirm_warnings": "on"})
    assert response.status_code == 302
    assert state_of(alert) == AlertState.QUEUED


@pytest.mark.parametrize(
    ("state", "minutes_ago"),
    [(AlertState.SENT, 31), (AlertState.CANCELLED, 5), (AlertState.DRAFT, 5)],
    ids=["sent-long-ago", "cancelled", "draft"],
)
def test_no_warning_for_an_article_not_recently_alerted(editor_client, state, minutes_ago):
    article = published_article()
    earlier = AlertFactory(article=article)
    Alert.objects.filter(pk=earlier.pk).update(state=state, queued_at=timezone.now() - timedelta(minutes=minutes_ago))
    alert = AlertFactory(article=article)

    html = editor_client.get(send_url(alert)).content.decode()
    assert "already alerted" not in html

    editor_client.post(send_url(alert), {"confirm": "on"})
    assert state_of(alert) == AlertState.QUEUED


def test_too_many_alerts_to_an_edition_in_an_hour_need_an_extra_confirmation(editor_client, settings):
    settings.ALERTS_PER_EDITION_HOURLY_WARNING = 2
    sent_alert()
    sent_alert()
    alert = AlertFactory()

    html = editor_client.get(send_url(alert)).content.decode()
    assert "2 alerts already went to the English edition in the last hour" in html

    editor_client.post(send_url(alert), {"confirm": "on"})
    assert state_of(alert) == AlertState.DRAFT
    editor_client.post(send_url(alert), {"confirm": "on", "confirm_warnings": "on"})
    assert state_of(alert) == AlertState.QUEUED


def test_alerts_to_other_editions_or_over_an_hour_ago_do_not_count(editor_client, settings):
    settings.ALERTS_PER_EDITION_HOURLY_WARNING = 2
    sent_alert()
    sent_alert(edition=edition("ar"))
    old = sent_alert()
    Alert.objects.filter(pk=old.pk).update(queued_at=timezone.now() - timedelta(minutes=61))
    alert = AlertFactory()

    html = editor_client.get(send_url(alert)).content.decode()
    assert "alerts already went" not in html
    assert 'name="confirm_warnings"' not in html


def test_alerts_that_reached_no_device_do_not_count(editor_client, settings):
    settings.ALERTS_PER_EDITION_HOURLY_WARNING = 1
    nobody = sent_alert()
    Alert.objects.filter(pk=nobody.pk).update(state=AlertState.NO_AUDIENCE)
    alert = AlertFactory()

    html = editor_client.get(send_url(alert)).content.decode()
    assert "alerts already went" not in html
    assert 'name="confirm_warnings"' not in html


# --- Cancel ------------------------------------------------------------------------------------------------


def cancel(client, *alerts: Alert):
    data = {"action": "cancel_selected", ACTION_CHECKBOX_NAME: [alert.pk for alert in alerts]}
    return client.post(CHANGELIST, data, follow=True)


def test_a_queued_alert_can_be_cancelled(editor_client):
    alert = AlertFactory()
    Alert.objects.filter(pk=alert.pk).update(state=AlertState.QUEUED, queued_at=timezone.now())

    response = cancel(editor_client, alert)

    assert "Cancelled “" in response.content.decode()
    assert state_of(alert) == AlertState.CANCELLED


@pytest.mark.parametrize("state", [AlertState.SENDING, AlertState.SENT])
def test_an_alert_already_sending_is_not_cancelled(editor_client, state):
    alert = AlertFactory(title="Too late")
    Alert.objects.filter(pk=alert.pk).update(state=state)

    response = cancel(editor_client, alert)

    assert f"Too late: An alert that is {state} cannot be cancelled." in response.content.decode()
    assert state_of(alert) == state


# --- What was sent is a record ---------------------------------------------------------------------------------


def test_a_sent_alert_can_be_viewed_but_not_edited(editor_client):
    alert = sent_alert(title="As it went out")

    assert editor_client.get(f"{CHANGELIST}{alert.pk}/change/").status_code == 200
    response = editor_client.post(f"{CHANGELIST}{alert.pk}/change/", compose(title="Rewritten history"))

    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.title == "As it went out"


@pytest.mark.parametrize("state", [AlertState.QUEUED, AlertState.SENT])
def test_an_alert_past_draft_cannot_be_deleted(editor_client, state):
    alert = AlertFactory()
    Alert.objects.filter(pk=alert.pk).update(state=state)

    response = editor_client.post(f"{CHANGELIST}{alert.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    editor_client.post(CHANGELIST, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [alert.pk], "post": "yes"})

    assert Alert.objects.filter(pk=alert.pk).exists()


def test_a_draft_can_be_edited_and_deleted(editor_client):
    alert = AlertFactory()

    response = editor_client.post(f"{CHANGELIST}{alert.pk}/change/", compose(title="Better words"))
    assert response.status_code == 302
    assert Alert.objects.get(pk=alert.pk).title == "Better words"

    editor_client.post(f"{CHANGELIST}{alert.pk}/delete/", {"post": "yes"})
    assert not Alert.objects.filter(pk=alert.pk).exists()


# --- The article's "send alert" box ----------------------------------------------------------------------------


def add_breaking_article(client, slug: str, **fields) -> Article:
    data = {
        "edition": edition("en").pk,
        "section": world().pk,
        "title": "Quake hits the north",
        "slug": slug,
        "is_breaking": "on",
        "translation_group": str(uuid.uuid4()),
        **fields,
    }
    response = client.post("/admin/newsapi/article/add/", data)
    assert response.status_code == 302
    return Article.objects.get(slug=slug)


def publish(client, article: Article) -> None:
    client.post(
        "/admin/newsapi/article/", {"action": "publish_selected", ACTION_CHECKBOX_NAME: [article.pk]}, follow=True
    )


def test_the_article_form_has_a_send_alert_box_ticked_by_default(editor_client):
    html = editor_client.get("/admin/newsapi/article/add/").content.decode()

    assert 'type="checkbox" name="send_alert"' in html
    assert re.search(r'<input type="checkbox" name="send_alert"[^>]* checked>', html)


def test_unticking_send_alert_before_publishing_publishes_without_an_alert(editor_client):
    article = add_breaking_article(editor_client, "quiet-quake")
    assert article.send_alert is False

    publish(editor_client, article)

    article.refresh_from_db()
    assert article.published_at is not None
    assert not Alert.objects.exists()


def test_publishing_with_send_alert_ticked_queues_the_alert(editor_client, editor):
    article = add_breaking_article(editor_client, "loud-quake", send_alert="on")

    publish(editor_client, article)

    alert = Alert.objects.get(article=article)
    assert (alert.state, alert.created_by) == (AlertState.QUEUED, editor)
