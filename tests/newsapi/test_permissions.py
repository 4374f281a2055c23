"""Roles enforced where the state changes: each editorial service asks the article policy, and a refusal
changes nothing, whoever calls (the admin, a forged request, a script)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from backend.roles import CHIEF_EDITOR, EDITOR, REPORTER
from newsapi import services
from newsapi.models import Article, ArticleStatus
from newsapi.permissions import article_policy
from tests.factories import ArticleFactory, SectionFactory, edition, published_article, user_with_role

pytestmark = pytest.mark.django_db

ROLES = [REPORTER, EDITOR, CHIEF_EDITOR]


def snapshot(article: Article) -> dict:
    return Article.objects.filter(pk=article.pk).values().get()


def draft_by(user, title: str = "A draft") -> Article:
    return services.article_create(by=user, edition=edition("en"), section=SectionFactory(), title=title)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_writes_drafts_recorded_as_theirs(role):
    user = user_with_role(role)

    article = draft_by(user)

    assert article.status == ArticleStatus.DRAFT
    assert article.created_by == user


def test_a_user_without_a_role_cannot_write():
    with pytest.raises(PermissionDenied):
        draft_by(user_with_role(None))

    assert not Article.objects.exists()


def test_a_reporter_edits_and_submits_their_own_draft():
    reporter = user_with_role(REPORTER)
    article = draft_by(reporter)

    services.article_update(article=article, by=reporter, changes={"summary": "Now with a summary."})
    services.article_submit_for_review(article=article, by=reporter)

    article.refresh_from_db()
    assert (article.summary, article.status) == ("Now with a summary.", ArticleStatus.IN_REVIEW)


@pytest.mark.parametrize(
    "whose", ["another-reporters-draft", "own-draft-in-review", "published", "an-import-with-no-author"]
)
def test_a_reporter_cannot_touch_what_is_not_their_own_draft(whose):
    reporter = user_with_role(REPORTER)
    if whose == "another-reporters-draft":
        article = draft_by(user_with_role(REPORTER))
    elif whose == "own-draft-in-review":
        article = draft_by(reporter)
        services.article_submit_for_review(article=article, by=reporter)
    elif whose == "published":
        article = published_article()
    else:
        article = ArticleFactory()
    before = snapshot(article)

    with pytest.raises(PermissionDenied):
        services.article_update(article=article, by=reporter, changes={"title": "Rewritten"})
    with pytest.raises(PermissionDenied):
        services.article_submit_for_review(article=article, by=reporter)

    assert snapshot(article) == before


@pytest.mark.parametrize(
    "action",
    [
        lambda article, by: services.article_publish(article=article, by=by),
        lambda article, by: services.article_schedule(
            article=article, by=by, publish_at=timezone.now() + timedelta(hours=1)
        ),
    ],
    ids=["publish", "schedule"],
)
def test_a_reporter_cannot_publish_or_schedule_even_their_own_draft(action, monkeypatch):
    calls = []
    monkeypatch.setattr(services, "publish_hooks", [lambda **kwargs: calls.append(kwargs)])
    reporter = user_with_role(REPORTER)
    article = draft_by(reporter)
    before = snapshot(article)

    with pytest.raises(PermissionDenied):
        action(article, reporter)

    assert snapshot(article) == before
    assert calls == []


def test_a_reporter_cannot_withdraw_an_article():
    article = published_article()
    before = snapshot(article)

    with pytest.raises(PermissionDenied):
        services.article_unpublish(article=article, by=user_with_role(REPORTER), reason="I disagree")

    assert snapshot(article) == before


@pytest.mark.parametrize("role", [EDITOR, CHIEF_EDITOR])
def test_editors_publish_schedule_withdraw_and_correct_anyones_articles(role):
    editor, reporter = user_with_role(role), user_with_role(REPORTER)
    article, later = draft_by(reporter), draft_by(reporter, title="For tomorrow")

    services.article_publish(article=article, by=editor)
    services.article_update(article=article, by=editor, changes={"title": "Corrected headline"})
    services.article_schedule(article=later, by=editor, publish_at=timezone.now() + timedelta(hours=1))
    services.article_unpublish(article=article, by=editor, reason="Legal check")

    article.refresh_from_db()
    later.refresh_from_db()
    assert (article.title, article.status) == ("Corrected headline", ArticleStatus.UNPUBLISHED)
    assert later.status == ArticleStatus.SCHEDULED


def test_a_correction_keeps_the_article_published_and_moves_its_update_time():
    article = published_article()
    before = article.updated_at

    services.article_update(article=article, by=user_with_role(EDITOR), changes={"summary": "Corrected."})

    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.summary == "Corrected." and article.updated_at > before


def test_update_refuses_fields_that_only_services_move():
    article = ArticleFactory()

    with pytest.raises(ValidationError, match="status"):
        services.article_update(article=article, by=None, changes={"status": ArticleStatus.PUBLISHED})

    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT


def test_the_system_may_do_everything():
    article = ArticleFactory()

    assert article_policy.can_edit(None, article) and article_policy.can_publish(None)
    services.article_publish(article=article, by=None)


def test_an_inactive_editor_may_do_nothing():
    editor = user_with_role(EDITOR)
    editor.is_active = False
    editor.save()

    with pytest.raises(PermissionDenied):
        services.article_publish(article=ArticleFactory(), by=editor)
