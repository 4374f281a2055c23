"""The article admin shows each role only what it may do, and a forged request is refused by the services."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from backend.roles import EDITOR, REPORTER
from newsapi import services
from newsapi.models import Article, ArticleStatus
from tests.factories import SectionFactory, edition, published_article, user_with_role

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/newsapi/article/"


def logged_in(client, role):
    user = user_with_role(role)
    client.force_login(user)
    return client, user


def form_data(**fields) -> dict:
    data = {
        "edition": edition("en").pk,
        "section": SectionFactory(slug="world").pk,
        "title": "Dam levels rise",
        "slug": "dam-levels-rise",
        "summary": "",
        "body_html": "<p>Water.</p>",
        "credit": "",
        "translation_group": "6f1c9a4e-8a55-4c55-9d5b-0f5f4a3e2b11",
        "send_alert": "on",
    }
    data.update(fields)
    return data


def test_a_reporter_sees_no_publish_schedule_or_withdraw_action(client):
    published_article()  # the action bar shows only over a list with rows
    client, _ = logged_in(client, REPORTER)

    html = client.get(CHANGELIST).content.decode()

    assert 'value="submit_for_review"' in html
    for action in ("publish_selected", "schedule_selected", "unpublish_selected"):
        assert f'value="{action}"' not in html


def test_an_editor_sees_every_action(client):
    published_article()
    client, _ = logged_in(client, EDITOR)

    html = client.get(CHANGELIST).content.decode()

    for action in ("submit_for_review", "publish_selected", "schedule_selected", "unpublish_selected"):
        assert f'value="{action}"' in html


def test_a_forged_publish_post_by_a_reporter_changes_nothing(client):
    client, reporter = logged_in(client, REPORTER)
    draft = services.article_create(by=reporter, edition=edition("en"), section=SectionFactory(), title="Mine")

    client.post(CHANGELIST, {"action": "publish_selected", ACTION_CHECKBOX_NAME: [draft.pk]})

    draft.refresh_from_db()
    assert draft.status == ArticleStatus.DRAFT and draft.published_at is None


def test_a_reporters_draft_written_in_the_admin_is_theirs(client):
    client, reporter = logged_in(client, REPORTER)

    response = client.post(f"{CHANGELIST}add/", form_data())

    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="dam-levels-rise")
    assert (article.created_by, article.status) == (reporter, ArticleStatus.DRAFT)


def test_a_reporter_cannot_save_someone_elses_draft(client):
    other = services.article_create(
        by=user_with_role(REPORTER), edition=edition("en"), section=SectionFactory(slug="world"), title="Theirs"
    )
    client, _ = logged_in(client, REPORTER)

    response = client.post(f"{CHANGELIST}{other.pk}/change/", form_data(title="Mine now", slug=other.slug))

    assert response.status_code == 403
    other.refresh_from_db()
    assert other.title == "Theirs"


def test_a_reporter_cannot_edit_a_published_article_in_the_admin(client):
    article = published_article()
    client, _ = logged_in(client, REPORTER)

    response = client.post(f"{CHANGELIST}{article.pk}/change/", form_data(title="Changed", slug=article.slug))

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title != "Changed"


def test_an_editor_corrects_a_published_article_in_the_admin(client):
    article = published_article(section=SectionFactory(slug="world"))
    client, _ = logged_in(client, EDITOR)

    response = client.post(
        f"{CHANGELIST}{article.pk}/change/",
        form_data(title="Corrected headline", slug=article.slug, translation_group=str(article.translation_group)),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert (article.title, article.status) == ("Corrected headline", ArticleStatus.PUBLISHED)
