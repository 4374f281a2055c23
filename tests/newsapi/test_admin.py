import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model

from newsapi.models import Article, ArticleStatus
from tests.factories import ArticleFactory, SectionFactory, TagFactory, edition, published_article

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/newsapi/article/"


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_superuser("chief", "chief@example.com", "a-long-test-password")
    client.force_login(user)
    return client


def _action(client, action, articles, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [a.pk for a in articles], **extra}
    return client.post(CHANGELIST, data, follow=True)


def test_publish_action_publishes_through_the_service(editor_client):
    draft = ArticleFactory()
    _action(editor_client, "publish_selected", [draft])
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.PUBLISHED
    assert draft.published_at is not None


def test_publish_action_reports_an_untitled_draft_and_leaves_it(editor_client):
    draft = ArticleFactory(title=" ")
    response = _action(editor_client, "publish_selected", [draft])
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.DRAFT
    assert "needs a title" in response.content.decode()


def test_unpublish_asks_for_a_reason_and_changes_nothing_without_one(editor_client):
    article = published_article()
    response = _action(editor_client, "unpublish_selected", [article], confirm="yes", reason="")
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


def test_unpublish_with_a_reason_withdraws_the_article(editor_client):
    article = published_article()
    _action(editor_client, "unpublish_selected", [article], confirm="yes", reason="Legal request")
    article.refresh_from_db()
    assert article.status == ArticleStatus.UNPUBLISHED
    assert article.unpublished_reason == "Legal request"


def test_tags_of_another_edition_are_a_form_error(editor_client):
    section = SectionFactory(slug="world")
    arabic_tag = TagFactory(edition=edition("ar"), slug="iraq-ar")
    response = editor_client.post(
        "/admin/newsapi/article/add/",
        {
            "edition": edition("en").pk,
            "section": section.pk,
            "title": "A title",
            "slug": "a-title",
            "tags": [arabic_tag.pk],
            "translation_group": "6f1c9a4e-8a55-4c55-9d5b-0f5f4a3e2b11",
        },
    )
    assert response.status_code == 200
    assert "belong to another edition" in response.content.decode()
    assert not Article.objects.filter(slug="a-title").exists()


def test_status_cannot_be_set_from_the_form(editor_client):
    section = SectionFactory(slug="world")
    editor_client.post(
        "/admin/newsapi/article/add/",
        {
            "edition": edition("en").pk,
            "section": section.pk,
            "title": "Sneaky",
            "slug": "sneaky",
            "status": "published",
            "translation_group": "6f1c9a4e-8a55-4c55-9d5b-0f5f4a3e2b12",
        },
    )
    assert Article.objects.get(slug="sneaky").status == ArticleStatus.DRAFT


def test_a_published_article_cannot_be_deleted(editor_client):
    article = published_article()
    response = editor_client.post(f"/admin/newsapi/article/{article.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()
