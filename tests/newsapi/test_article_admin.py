"""The article page: one-step publishing, the breaking-news confirmation, rtl editions, translations, the list."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

from backend.roles import EDITOR, REPORTER
from newsapi import services
from newsapi.admin_forms import BODY_EDITOR
from newsapi.models import Article, ArticleStatus, Image, Section, SectionName, article_web_url
from newsapi.sanitize import ALLOWED_TAGS, sanitize_html
from notifications.models import Alert, AlertState
from tests.factories import (
    ArticleFactory,
    ImageFactory,
    SectionFactory,
    edition,
    png_bytes,
    published_article,
    user_with_role,
)
from tests.notifications.factories import DeviceFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/newsapi/article/add/"


def change_url(article: Article) -> str:
    return f"/admin/newsapi/article/{article.pk}/change/"


def logged_in(client, role):
    user = user_with_role(role)
    client.force_login(user)
    return user


def form_data(article: Article | None = None, **fields) -> dict:
    data = {
        "edition": edition("en").pk,
        "section": SectionFactory(slug="world").pk,
        "title": "Dam levels rise",
        "slug": "dam-levels-rise",
        "summary": "Rain in the mountains fills the reservoirs.",
        "body_html": "<p>Water.</p>",
        "credit": "",
        "send_alert": "on",
    }
    if article is not None:
        data.update(
            edition=article.edition_id, section=article.section_id, title=article.title, slug=article.slug,
            summary=article.summary, body_html=article.body_html,
        )  # fmt: skip
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def breaking_section() -> Section:
    section = SectionFactory(slug="world")
    Section.objects.filter(pk=section.pk).update(auto_alert=True)
    return section


def test_every_tag_the_body_editor_makes_survives_the_sanitiser():
    made = allowlist_from_extensions(expand_extensions(BODY_EDITOR["extensions"]))["tags"]

    assert set(made) <= ALLOWED_TAGS
    html = '<h2>Head</h2><p><strong>b</strong> <em>i</em> <u>u</u> <s>s</s> <a href="https://x.example/">x</a></p>'
    assert "<h2>Head</h2>" in sanitize_html(html) and "<u>u</u>" in sanitize_html(html)


def test_the_add_page_starts_in_the_default_edition_with_the_rich_editor(client):
    logged_in(client, EDITOR)

    html = client.get(ADD).content.decode()

    assert "data-django-prose-editor-configurable" in html
    assert 'id="article-editions"' in html and "newsapi/admin/article_form.js" in html
    assert 'id="publish-button"' in html and 'id="schedule-button"' in html


def test_a_sorani_article_is_written_right_to_left_with_sections_named_in_sorani(client):
    logged_in(client, EDITOR)
    SectionFactory(slug="world", names={"en": "World", "ckb": "جیهان"})
    article = ArticleFactory(edition=edition("ckb"), title="بوومەلەرزە", slug="earthquake")

    html = client.get(change_url(article)).content.decode()

    assert 'name="title"' in html
    title_input = html[html.index('name="title"') - 200 : html.index('name="title"') + 200]
    assert 'dir="rtl"' in title_input
    assert ">جیهان</option>" in html


def test_publish_button_publishes_a_quiet_article_in_one_step(client):
    logged_in(client, EDITOR)
    article = ArticleFactory()

    response = client.post(change_url(article), form_data(article, _publish="1"), follow=True)

    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert response.redirect_chain[-1][0] == change_url(article)
    assert "published" in response.content.decode()


def test_publishing_a_breaking_story_goes_through_the_confirmation_page_first(client):
    logged_in(client, EDITOR)
    breaking_section()
    DeviceFactory.create_batch(3, edition=edition("en"), breaking=True)
    DeviceFactory(edition=edition("en"), breaking=False)
    article = ArticleFactory(is_breaking=True, summary="Strong quake hits the north.")

    response = client.post(change_url(article), form_data(article, is_breaking="on", _publish="1"))

    assert response.status_code == 302
    assert response["Location"] == f"/admin/newsapi/article/{article.pk}/publish/"
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT and not Alert.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert 'id="publish-audience"' in page and "<strong>3</strong> devices" in page
    assert "Strong quake hits the north." in page  # the phone preview shows the alert body


def test_the_confirmation_names_the_section_in_the_editions_language(client):
    logged_in(client, EDITOR)
    section = breaking_section()
    SectionName.objects.update_or_create(section=section, edition=edition("ckb"), defaults={"name": "جیهان"})
    article = ArticleFactory(edition=edition("ckb"), section=section, is_breaking=True)

    page = client.get(f"/admin/newsapi/article/{article.pk}/publish/").content.decode()

    assert f"({edition('ckb').name} · جیهان)" in page


def test_confirming_publishes_queues_the_alert_and_links_to_its_counts(client):
    logged_in(client, EDITOR)
    breaking_section()
    DeviceFactory(edition=edition("en"), breaking=True)
    article = ArticleFactory(is_breaking=True)

    response = client.post(f"/admin/newsapi/article/{article.pk}/publish/", {"confirm": "1"}, follow=True)

    article.refresh_from_db()
    alert = Alert.objects.get(article=article)
    assert article.status == ArticleStatus.PUBLISHED
    assert alert.state == AlertState.QUEUED
    assert f"/admin/notifications/alert/{alert.pk}/send/" in response.content.decode()


def test_publishing_quietly_publishes_without_an_alert(client):
    logged_in(client, EDITOR)
    breaking_section()
    article = ArticleFactory(is_breaking=True)

    client.post(f"/admin/newsapi/article/{article.pk}/publish/", {"quietly": "1"})

    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.send_alert is False
    assert not Alert.objects.exists()


def test_the_confirmation_warns_when_no_device_would_get_the_alert(client):
    logged_in(client, EDITOR)
    breaking_section()
    article = ArticleFactory(is_breaking=True)

    page = client.get(f"/admin/newsapi/article/{article.pk}/publish/").content.decode()

    assert "audience-zero" in page and "No device will receive this alert" in page


def test_a_reporter_sees_send_for_review_and_no_publish_button(client):
    reporter = logged_in(client, REPORTER)
    article = ArticleFactory(created_by=reporter)

    html = client.get(change_url(article)).content.decode()

    assert 'id="submit-review-button"' in html
    assert 'id="publish-button"' not in html and 'id="schedule-button"' not in html
    client.post(change_url(article), form_data(article, _submit_review="1"))
    article.refresh_from_db()
    assert article.status == ArticleStatus.IN_REVIEW


def test_a_reporters_forged_publish_is_refused_and_the_article_stays_a_draft(client):
    reporter = logged_in(client, REPORTER)
    article = ArticleFactory(created_by=reporter)

    response = client.post(change_url(article), form_data(article, _publish="1"), follow=True)
    confirm = client.post(f"/admin/newsapi/article/{article.pk}/publish/", {"confirm": "1"}, follow=True)

    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT and article.published_at is None
    assert "not published" in response.content.decode() and "not published" in confirm.content.decode()


def test_schedule_takes_the_time_in_the_newsrooms_zone(client, settings):
    logged_in(client, EDITOR)
    article = ArticleFactory()
    tomorrow = (timezone.now() + timedelta(days=1)).astimezone(UTC).date()

    client.post(
        change_url(article),
        form_data(article, publish_at_0=tomorrow.isoformat(), publish_at_1="16:00:00", _schedule="1"),
    )

    article.refresh_from_db()
    assert settings.NEWSROOM_TIME_ZONE == "Asia/Baghdad"
    assert article.status == ArticleStatus.SCHEDULED
    # 16:00 in Baghdad (UTC+3) is 13:00 UTC; the API stays UTC.
    assert article.publish_at == datetime(tomorrow.year, tomorrow.month, tomorrow.day, 13, 0, tzinfo=UTC)


def test_schedule_without_a_time_is_an_error_and_changes_nothing(client):
    logged_in(client, EDITOR)
    article = ArticleFactory()

    response = client.post(change_url(article), form_data(article, _schedule="1"), follow=True)

    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    assert "Set a publish time first" in response.content.decode()


def test_a_translation_is_linked_by_choosing_the_article(client):
    logged_in(client, EDITOR)
    original = published_article(title="Earthquake in the north")
    sorani = ArticleFactory(edition=edition("ckb"), title="بوومەلەرزە", slug="earthquake")

    client.post(change_url(sorani), form_data(sorani, translation_of=original.pk))

    sorani.refresh_from_db()
    assert sorani.translation_group == original.translation_group
    html = client.get(change_url(sorani)).content.decode()
    assert "[en] Earthquake in the north" in html


def test_a_translation_in_the_same_edition_is_a_form_error(client):
    logged_in(client, EDITOR)
    other = published_article(title="Another English story")
    article = ArticleFactory()
    group = article.translation_group

    response = client.post(change_url(article), form_data(article, translation_of=other.pk))

    assert response.status_code == 200
    assert "Choose the story in another edition" in response.content.decode()
    article.refresh_from_db()
    assert article.translation_group == group


def test_the_translation_search_finds_articles_by_headline(client):
    logged_in(client, EDITOR)
    published_article(title="Earthquake in the north")
    published_article(title="Football final")

    found = client.get("/admin/newsapi/article/translations/", {"term": "quake"}).json()

    assert [r["text"] for r in found["results"]] == ["[en] Earthquake in the north"]
    assert found["pagination"] == {"more": False}


def test_the_translation_search_needs_a_logged_in_newsroom_user(client):
    response = client.get("/admin/newsapi/article/translations/", {"term": "quake"})

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_withdraw_from_the_article_page_needs_a_reason(client):
    logged_in(client, EDITOR)
    article = published_article()
    url = f"/admin/newsapi/article/{article.pk}/withdraw/"

    empty = client.post(url, {"reason": ""})
    article.refresh_from_db()
    assert empty.status_code == 200 and article.status == ArticleStatus.PUBLISHED

    client.post(url, {"reason": "Wrong casualty figure"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.UNPUBLISHED and article.unpublished_reason == "Wrong casualty figure"


def test_a_reporter_cannot_withdraw_through_the_page(client):
    logged_in(client, REPORTER)
    article = published_article()

    client.post(f"/admin/newsapi/article/{article.pk}/withdraw/", {"reason": "I dislike it"})

    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


def test_a_published_article_offers_withdraw_and_compose_alert_to_an_editor(client):
    logged_in(client, EDITOR)
    article = published_article()

    html = client.get(change_url(article)).content.decode()

    assert f"/admin/newsapi/article/{article.pk}/withdraw/" in html
    assert f"/admin/notifications/alert/add/?article={article.pk}" in html
    assert 'id="publish-button"' not in html


def test_the_list_shows_status_badges_and_stays_within_its_query_budget(client, django_assert_max_num_queries):
    logged_in(client, EDITOR)
    for _ in range(5):
        published_article()
    services.article_create(by=None, edition=edition("en"), section=SectionFactory(slug="world"), title="Draft one")

    with django_assert_max_num_queries(14):
        html = client.get("/admin/newsapi/article/").content.decode()

    assert html.count("badge status-published") == 5 and html.count("badge status-draft") == 1


def test_a_picture_uploaded_on_the_article_page_becomes_its_image(client):
    logged_in(client, EDITOR)
    article = ArticleFactory()
    upload = SimpleUploadedFile("quake.png", png_bytes(800, 600), content_type="image/png")

    client.post(
        change_url(article),
        form_data(article, picture_file=upload, picture_caption="Rubble in Van", picture_credit="Reuters",
                  picture_alt="A collapsed house"),
    )  # fmt: skip

    article.refresh_from_db()
    assert article.image is not None
    assert (article.image.caption, article.image.credit, article.image.alt) == (
        "Rubble in Van", "Reuters", "A collapsed house",
    )  # fmt: skip


def test_a_file_that_is_not_a_picture_is_a_form_error_and_saves_nothing(client):
    logged_in(client, EDITOR)
    article = ArticleFactory(title="Unchanged")
    upload = SimpleUploadedFile("quake.jpg", b"not a picture at all", content_type="image/jpeg")

    response = client.post(change_url(article), form_data(article, title="Changed", picture_file=upload))

    assert response.status_code == 200 and "errorlist" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Unchanged" and article.image is None
    assert not Image.objects.exists()


def test_editing_the_caption_on_the_article_page_updates_its_picture(client):
    logged_in(client, EDITOR)
    article = ArticleFactory(image=ImageFactory(caption="Old caption"))

    client.post(
        change_url(article),
        form_data(article, image=article.image_id, picture_caption="New caption",
                  picture_credit=article.image.credit, picture_alt=article.image.alt),
    )  # fmt: skip

    article.image.refresh_from_db()
    assert article.image.caption == "New caption"


def test_a_correction_keeps_the_article_published_and_shows_its_note_to_readers(client):
    logged_in(client, EDITOR)
    article = published_article(title="Quake toll rises to 12")
    before = article.updated_at

    client.post(
        change_url(article),
        form_data(article, title="Quake toll rises to 14", correction_note="An earlier version gave the toll as 12."),
    )

    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.updated_at > before
    detail = client.get(f"/api/v1/articles/{article.pk}/").json()
    assert detail["correction_note"] == "An earlier version gave the toll as 12."
    page = client.get(article_web_url(article)).content.decode()
    assert 'id="correction"' in page and "An earlier version gave the toll as 12." in page
