"""Every state change of the content domain. Views, admin actions and tasks call these.

Each editorial service takes ``by`` (a user, or None for the system) and asks
``newsapi.permissions.article_policy`` before it changes anything: a refusal is a
``PermissionDenied`` and leaves the article as it was, whoever called.
"""

import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import slugify

from backend.history import revision, revision_deleted_by
from backend.purge import purge_on_commit
from backend.roles import Actor, actor_id, recorded_user
from newsapi.models import Article, ArticleStatus, ArticleViewCount, Author, Edition, Image, Section, Tag
from newsapi.permissions import article_policy
from newsapi.purges import article_change_keys, article_seen
from newsapi.view_counting import Viewer, views_claim

logger = logging.getLogger(__name__)


PUBLISHABLE = {ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.SCHEDULED, ArticleStatus.UNPUBLISHED}

# Later features (push alerts) register here; each is called inside the
# publishing transaction and must only enqueue work with ``transaction.on_commit``.
PublishHook = Callable[..., None]
publish_hooks: list[PublishHook] = []
unpublish_hooks: list[PublishHook] = []


SLUG_MAX_LENGTH = 80
# What article_update may change; status and dates move only through the services below.
EDITABLE_FIELDS = frozenset(
    {
        "edition", "section", "title", "slug", "summary", "body_html", "credit", "image", "is_breaking",
        "send_alert", "publish_at", "translation_group", "tags", "authors", "correction_note",
    }
)  # fmt: skip


def _check_slug_and_tags(*, article: Article, tags: list[Tag] | None) -> None:
    if not article.slug:
        raise ValidationError("The title gives no slug: write one.")
    if Article.objects.filter(edition_id=article.edition_id, slug=article.slug).exclude(pk=article.pk).exists():
        raise ValidationError(f"Another article in this edition has the slug {article.slug!r}.")
    foreign = [tag.name for tag in tags or [] if tag.edition_id != article.edition_id]
    if foreign:
        raise ValidationError(f"These tags belong to another edition: {', '.join(foreign)}.")


@transaction.atomic
def article_create(
    *,
    by: Actor,
    edition: Edition,
    section: Section,
    title: str,
    slug: str = "",
    summary: str = "",
    body_html: str = "",
    credit: str = "",
    image: Image | None = None,
    is_breaking: bool = False,
    send_alert: bool = True,
    publish_at: datetime | None = None,
    tags: Iterable[Tag] = (),
    authors: Iterable[Author] = (),
    translation_group: uuid.UUID | None = None,
    correction_note: str = "",
) -> Article:
    """A new draft in ``edition``, written by ``by``. The body is sanitised when it is saved; nothing is visible yet.

    ``slug`` defaults to one made from the title; it must be free in the edition. Tags must
    belong to the edition. ``translation_group`` links the draft to the other editions' versions
    of the story (a new story gets its own).
    """
    if not article_policy.can_create(by):
        raise PermissionDenied("You may not write articles.")
    title = title.strip()
    if not title:
        raise ValidationError("An article needs a title.")
    article = Article(
        edition=edition,
        section=section,
        title=title,
        slug=(slug or slugify(title, allow_unicode=True)[:SLUG_MAX_LENGTH]).strip("-"),
        summary=summary,
        body_html=body_html,
        credit=credit,
        image=image,
        is_breaking=is_breaking,
        send_alert=send_alert,
        publish_at=publish_at,
        translation_group=translation_group or uuid.uuid4(),
        correction_note=correction_note.strip(),
        created_by=recorded_user(by),
    )
    tags = list(tags)
    _check_slug_and_tags(article=article, tags=tags)
    with revision(article, by=by, reason="Created"):
        article.save()
        article.tags.set(tags)
        authors = list(authors)
        article.authors.set(authors)
        if tags or authors:
            article.refresh_search_index()
    logger.info("article %s created by %s", article.pk, actor_id(by))
    return article


def _edit_reason(article: Article, changes: dict[str, Any]) -> str:
    """What the version records: "Corrected: title, summary" on a published article, "Edited: ..." before."""
    verb = "Corrected" if article.status == ArticleStatus.PUBLISHED else "Edited"
    if not changes:
        return f"{verb}: saved unchanged"
    names = sorted(str(getattr(Article._meta.get_field(name), "verbose_name", name)) for name in changes)
    return f"{verb}: {', '.join(names)}"


@transaction.atomic
def article_update(*, article: Article, by: Actor, changes: dict[str, Any]) -> Article:
    """Change the fields in ``changes`` (see ``EDITABLE_FIELDS``). On a published article this is a
    correction: it stays published and its ``updated_at`` moves, so apps and caches refetch it.

    A reporter may change only their own drafts; a correction needs ``publish_article``.
    """
    unknown = changes.keys() - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if not article_policy.can_edit(by, locked):
        raise PermissionDenied("You may not edit this article.")
    before = article_seen(locked)
    fields = {name: value for name, value in changes.items() if name not in ("tags", "authors")}
    for name, value in fields.items():
        setattr(locked, name, value)
    if "title" in fields:
        locked.title = locked.title.strip()
        if not locked.title:
            raise ValidationError("An article needs a title.")
    tags = list(changes["tags"]) if "tags" in changes else None
    _check_slug_and_tags(article=locked, tags=tags if tags is not None else list(locked.tags.all()))
    with revision(locked, by=by, reason=_edit_reason(locked, changes)):
        locked.save()
        if tags is not None:
            locked.tags.set(tags)
        if "authors" in changes:
            locked.authors.set(list(changes["authors"]))
        if "tags" in changes or "authors" in changes:
            locked.refresh_search_index()
    purge_on_commit(article_change_keys(before=before, after=article_seen(locked)))
    logger.info("article %s updated by %s: %s", locked.pk, actor_id(by), ", ".join(sorted(changes)))
    article.refresh_from_db()
    return locked


@transaction.atomic
def article_publish(*, article: Article, by: Actor, published_at: datetime | None = None) -> Article:
    """Make ``article`` visible to readers now. Publishing a published article changes nothing.

    ``published_at`` keeps its first value when an article is republished after a
    withdrawal, so its place in the feed does not jump. Hooks (push alerts) run inside
    the same transaction, so an alert is queued exactly when the publication commits.

    ``published_at`` may name an earlier time for a story that first appeared elsewhere
    (an archive moved from another system, the demo's week of news); it is never in the
    future (that is ``article_schedule``). A story that old is not news to push: the
    automatic alert only goes out for publications younger than an alert's lifetime.
    """
    if not article_policy.can_publish(by):
        raise PermissionDenied("You may not publish articles.")
    if published_at is not None and published_at > timezone.now():
        raise ValidationError("The publication time cannot be in the future: schedule the article instead.")
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status == ArticleStatus.PUBLISHED:
        return locked
    if locked.status not in PUBLISHABLE:
        raise ValidationError(f"An article in state {locked.status!r} cannot be published.")
    if not locked.title.strip():
        raise ValidationError("An article needs a title before it is published.")
    reason = {
        ArticleStatus.SCHEDULED: "Published on schedule" if by is None else "Published",
        ArticleStatus.UNPUBLISHED: "Republished",
    }.get(ArticleStatus(locked.status), "Published")
    locked.status = ArticleStatus.PUBLISHED
    locked.published_at = locked.published_at or published_at or timezone.now()
    locked.unpublished_reason = ""
    with revision(locked, by=by, reason=reason):
        locked.save()
    purge_on_commit(article_change_keys(before=None, after=article_seen(locked)))
    logger.info("article %s published by %s", locked.pk, actor_id(by))
    for hook in publish_hooks:
        hook(article=locked, by=by)
    article.refresh_from_db()
    return locked


@transaction.atomic
def article_schedule(*, article: Article, by: Actor, publish_at: datetime) -> Article:
    """Publish ``article`` automatically at ``publish_at`` (the beat task calls ``articles_publish_due``)."""
    if not article_policy.can_publish(by):
        raise PermissionDenied("You may not schedule articles.")
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status == ArticleStatus.PUBLISHED:
        raise ValidationError("The article is already published.")
    if publish_at <= timezone.now():
        raise ValidationError("The publication time must be in the future.")
    locked.status = ArticleStatus.SCHEDULED
    locked.publish_at = publish_at
    with revision(locked, by=by, reason=f"Scheduled for {publish_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"):
        locked.save()
    article.refresh_from_db()
    return locked


@transaction.atomic
def article_submit_for_review(*, article: Article, by: Actor) -> Article:
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if not article_policy.can_submit_for_review(by, locked):
        raise PermissionDenied("You may not send this article for review.")
    if locked.status != ArticleStatus.DRAFT:
        raise ValidationError("Only a draft can be sent for review.")
    locked.status = ArticleStatus.IN_REVIEW
    with revision(locked, by=by, reason="Submitted for review"):
        locked.save()
    article.refresh_from_db()
    return locked


@transaction.atomic
def article_unpublish(*, article: Article, by: Actor, reason: str) -> Article:
    """Withdraw ``article`` from readers. The sync feed turns it into a tombstone."""
    if not article_policy.can_publish(by):
        raise PermissionDenied("You may not withdraw articles.")
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the article is withdrawn.")
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status != ArticleStatus.PUBLISHED:
        raise ValidationError("Only a published article can be unpublished.")
    before = article_seen(locked)
    locked.status = ArticleStatus.UNPUBLISHED
    locked.unpublished_reason = reason[:200]
    with revision(locked, by=by, reason=f"Withdrawn: {locked.unpublished_reason}"):
        locked.save()
    # Purged again a little later: a page rendered just before the withdrawal committed, and stored by
    # the cache after the first purge, must not outlive it.
    purge_on_commit(article_change_keys(before=before, after=None), again_after=settings.CACHE_PURGE_REPEAT_SECONDS)
    logger.info("article %s unpublished by %s: %s", locked.pk, actor_id(by), reason)
    for hook in unpublish_hooks:
        hook(article=locked, by=by)
    article.refresh_from_db()
    return locked


@transaction.atomic
def article_delete(*, article: Article, by: Actor) -> None:
    """Delete a draft readers never saw. Deleting one already gone does nothing.

    Readers may have seen a once-published article (apps keep copies, links were shared): it is
    withdrawn, a tombstone in the sync feed, never deleted. Needs ``delete_article``.
    """
    locked = Article.objects.select_for_update().filter(pk=article.pk).first()
    if locked is None:
        return
    if not article_policy.can_delete(by, locked):
        if locked.published_at is not None:
            raise ValidationError("A published article is withdrawn, never deleted: readers may have seen it.")
        raise PermissionDenied("You may not delete articles.")
    revision_deleted_by(locked, by=by)
    purge_on_commit(article_change_keys(before=article_seen(locked), after=None))
    try:
        locked.delete()
    except ProtectedError as exc:
        raise ValidationError("Alerts refer to this article: it cannot be deleted.") from exc
    logger.info("article %s deleted by %s", article.pk, actor_id(by))


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


VIEW_MAX_AGE = timedelta(days=7)


def _view_hour(at: datetime, now: datetime) -> datetime | None:
    """The UTC hour a view counts in: a future time counts as now, one older than VIEW_MAX_AGE is dropped."""
    if at > now:
        at = now
    elif at < now - VIEW_MAX_AGE:
        return None
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def article_views_record(
    *, views: list[tuple[int, datetime]], viewer: Viewer | None = None, now: datetime | None = None
) -> int:
    """Count one beacon batch of ``(article_id, at)`` views; return how many were counted.

    Only published articles count (one query); unknown and unpublished ids are ignored.
    ``at`` is clamped: a time in the future (a device clock running fast) counts as now,
    and a view older than 7 days is dropped (it could only distort windows already over).

    ``viewer`` is who reported the batch (the events API always names one, and never calls
    this for anonymous batches): each article then counts at most once per viewer per hour,
    in the hour of its first view in the batch, and install ids are capped per address
    (``newsapi.view_counting``). Without a viewer (data loaded by trusted code: imports,
    the demo, tests) every view counts, and the same batch sent twice counts twice.

    The views are summed per (article, hour) here and written with one portable upsert
    (``INSERT ... ON CONFLICT (article_id, hour) DO UPDATE``, understood by PostgreSQL and
    SQLite), rows in key order so concurrent batches cannot deadlock. It runs in its own
    short transaction: callers must not hold one open around it, because the upsert locks
    the hot (article, hour) rows until commit. Views are not content: ContentVersion
    does not move. If the write fails, the viewer's claims are given back.
    """
    now = now or timezone.now()
    hours = [(article_id, _view_hour(at, now)) for article_id, at in views]
    wanted = {article_id for article_id, hour in hours if hour is not None}
    if not wanted:
        return 0
    editions = dict(Article.objects.published().filter(pk__in=wanted).values_list("pk", "edition_id"))
    claim = None
    if viewer is None:
        totals = Counter(
            (article_id, hour) for article_id, hour in hours if hour is not None and article_id in editions
        )
    else:
        first: dict[int, datetime] = {}
        for article_id, hour in hours:
            if hour is not None and article_id in editions:
                first.setdefault(article_id, hour)
        claim = views_claim(viewer=viewer, article_ids=first, now=now)
        totals = Counter({(article_id, first[article_id]): 1 for article_id in claim.articles})
    if not totals:
        return 0
    # Only quoted model names go into the statement; every value is a parameter.
    quote = connection.ops.quote_name
    table = quote(ArticleViewCount._meta.db_table)
    count = quote("count")
    sql = (
        f"INSERT INTO {table} ({quote('article_id')}, {quote('edition_id')}, {quote('hour')}, {count}) "  # noqa: S608
        f"VALUES (%s, %s, %s, %s) ON CONFLICT ({quote('article_id')}, {quote('hour')}) "
        f"DO UPDATE SET {count} = {table}.{count} + excluded.{count}"
    )
    rows = [
        (article_id, editions[article_id], connection.ops.adapt_datetimefield_value(hour), total)
        for (article_id, hour), total in sorted(totals.items())
    ]
    try:
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    except BaseException:
        if claim is not None:
            claim.release()
        raise
    return sum(totals.values())
