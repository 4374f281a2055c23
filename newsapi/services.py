"""Every state change of the content domain. Views, admin actions and tasks call these."""

import logging
from collections.abc import Callable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from newsapi.models import Article, ArticleStatus

logger = logging.getLogger(__name__)

# Who made a change: an editor, or None for the system (the scheduler, the demo loader).
Actor = AbstractBaseUser | AnonymousUser | None

PUBLISHABLE = {ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.SCHEDULED, ArticleStatus.UNPUBLISHED}

# Later features (push alerts, CDN purges) register here; each is called inside the
# publishing transaction and must only enqueue work with ``transaction.on_commit``.
PublishHook = Callable[..., None]
publish_hooks: list[PublishHook] = []
unpublish_hooks: list[PublishHook] = []


@transaction.atomic
def article_publish(*, article: Article, by: Actor) -> Article:
    """Make ``article`` visible to readers now. Publishing a published article changes nothing.

    ``published_at`` keeps its first value when an article is republished after a
    withdrawal, so its place in the feed does not jump. Hooks (push alerts) run inside
    the same transaction, so an alert is queued exactly when the publication commits.
    """
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status == ArticleStatus.PUBLISHED:
        return locked
    if locked.status not in PUBLISHABLE:
        raise ValidationError(f"An article in state {locked.status!r} cannot be published.")
    if not locked.title.strip():
        raise ValidationError("An article needs a title before it is published.")
    locked.status = ArticleStatus.PUBLISHED
    locked.published_at = locked.published_at or timezone.now()
    locked.unpublished_reason = ""
    locked.save()
    logger.info("article %s published by %s", locked.pk, getattr(by, "pk", None))
    for hook in publish_hooks:
        hook(article=locked, by=by)
    article.refresh_from_db()
    return locked


@transaction.atomic
def article_schedule(*, article: Article, by: Actor, publish_at: datetime) -> Article:
    """Publish ``article`` automatically at ``publish_at`` (the beat task calls ``articles_publish_due``)."""
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status == ArticleStatus.PUBLISHED:
        raise ValidationError("The article is already published.")
    if publish_at <= timezone.now():
        raise ValidationError("The publication time must be in the future.")
    locked.status = ArticleStatus.SCHEDULED
    locked.publish_at = publish_at
    locked.save()
    article.refresh_from_db()
    return locked


@transaction.atomic
def article_submit_for_review(*, article: Article, by: Actor) -> Article:
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status != ArticleStatus.DRAFT:
        raise ValidationError("Only a draft can be sent for review.")
    locked.status = ArticleStatus.IN_REVIEW
    locked.save()
    article.refresh_from_db()
    return locked


@transaction.atomic
def article_unpublish(*, article: Article, by: Actor, reason: str) -> Article:
    """Withdraw ``article`` from readers. The sync feed turns it into a tombstone."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the article is withdrawn.")
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status != ArticleStatus.PUBLISHED:
        raise ValidationError("Only a published article can be unpublished.")
    locked.status = ArticleStatus.UNPUBLISHED
    locked.unpublished_reason = reason[:200]
    locked.save()
    logger.info("article %s unpublished by %s: %s", locked.pk, getattr(by, "pk", None), reason)
    for hook in unpublish_hooks:
        hook(article=locked, by=by)
    article.refresh_from_db()
    return locked


def articles_publish_due(*, now: datetime | None = None) -> list[int]:
    """Publish every scheduled article whose time has come. Safe to run concurrently and repeatedly."""
    now = now or timezone.now()
    published: list[int] = []
    due = Article.objects.filter(status=ArticleStatus.SCHEDULED, publish_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            article = (
                Article.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=ArticleStatus.SCHEDULED)
                .first()
            )
            if article is None:
                continue
            article_publish(article=article, by=None)
            published.append(pk)
    return published
