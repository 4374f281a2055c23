"""Deleting articles: only drafts readers never saw, by someone with ``delete_article``, through ``article_delete``."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError

from backend.roles import EDITOR, REPORTER
from newsapi.models import Article
from newsapi.services import article_delete, article_unpublish
from notifications.models import Alert
from tests.factories import ArticleFactory, published_article, user_with_role

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/newsapi/article/"


def test_an_editor_deletes_a_draft():
    draft = ArticleFactory()

    article_delete(article=draft, by=user_with_role(EDITOR))

    assert not Article.objects.filter(pk=draft.pk).exists()


def test_deleting_an_article_already_gone_does_nothing():
    draft = ArticleFactory()
    article_delete(article=draft, by=None)

    article_delete(article=draft, by=None)

    assert not Article.objects.filter(pk=draft.pk).exists()


def test_a_reporter_may_not_delete_even_their_own_draft_and_nothing_changes():
    reporter = user_with_role(REPORTER)
    draft = ArticleFactory(created_by=reporter)

    with pytest.raises(PermissionDenied):
        article_delete(article=draft, by=reporter)

    assert Article.objects.filter(pk=draft.pk).exists()


def test_an_article_readers_saw_is_withdrawn_never_deleted():
    article = published_article()
    article_unpublish(article=article, by=None, reason="Wrong figures")

    with pytest.raises(ValidationError, match="withdrawn, never deleted"):
        article_delete(article=article, by=user_with_role(EDITOR))

    assert Article.objects.filter(pk=article.pk).exists()


def test_a_draft_an_alert_refers_to_is_refused_and_nothing_changes():
    from tests.notifications.factories import AlertFactory

    draft = ArticleFactory()
    alert = AlertFactory(article=draft)

    with pytest.raises(ValidationError, match="Alerts refer"):
        article_delete(article=draft, by=None)

    assert Article.objects.filter(pk=draft.pk).exists()
    assert Alert.objects.filter(pk=alert.pk).exists()


def test_the_admins_bulk_delete_removes_drafts_through_the_service(client):
    client.force_login(user_with_role(EDITOR))
    drafts = [ArticleFactory(), ArticleFactory()]

    response = client.post(
        CHANGELIST, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [a.pk for a in drafts], "post": "yes"}
    )

    assert response.status_code == 302
    assert not Article.objects.filter(pk__in=[a.pk for a in drafts]).exists()


def test_a_bulk_delete_that_includes_a_published_article_deletes_nothing(client):
    client.force_login(user_with_role(EDITOR))
    draft, published = ArticleFactory(), published_article()

    response = client.post(
        CHANGELIST, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [draft.pk, published.pk], "post": "yes"}
    )

    assert response.status_code == 403
    assert Article.objects.filter(pk__in=[draft.pk, published.pk]).count() == 2


def test_the_admin_deletes_a_single_draft_through_the_service(client):
    client.force_login(user_with_role(EDITOR))
    draft = ArticleFactory()

    response = client.post(f"{CHANGELIST}{draft.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Article.objects.filter(pk=draft.pk).exists()
