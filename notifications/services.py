"""The alert lifecycle: creating, queueing and cancelling alerts, and counting their opens.

Sending is the delivery engine's business (``notifications.delivery``); a queued alert
reaches it through the ``notifications.alert_fanout`` task, enqueued when the queueing
transaction commits. Composing, queueing and cancelling ask
``notifications.permissions.alert_policy`` first: a refusal is a ``PermissionDenied`` and
changes nothing.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import Coalesce, Now
from django.utils import timezone

from backend.history import revision, revision_deleted_by, revision_record
from backend.jobs import enqueue
from backend.purge import purge_on_commit, purging
from backend.roles import Actor, actor_id, recorded_user
from newsapi.models import Article, Author, Edition, Section, Tag
from notifications.models import (
    BODY_MAX_LENGTH,
    FOLLOWER_TARGETS,
    TITLE_MAX_LENGTH,
    Alert,
    AlertState,
    AlertTarget,
    AlertUrgency,
    Delivery,
    DeliveryState,
    Device,
)
from notifications.permissions import alert_policy
from notifications.selectors import alert_audience, alert_inbox_key, device_inbox

logger = logging.getLogger(__name__)

# What alert_create and alert_update take: the compose form's fields.
COMPOSED_FIELDS = frozenset({"edition", "article", "title", "body", "target", "sections", "tags", "authors", "urgency"})
# The many-to-many fields among them: what each follower target chooses.
CHOSEN_FIELDS: tuple[str, ...] = FOLLOWER_TARGETS


def _require_send(by: Actor) -> None:
    if not alert_policy.can_send(by):
        raise PermissionDenied("You may not send push alerts.")


def _check_composed(alert: Alert, chosen: dict[str, list[Any]]) -> None:
    """``chosen``: the alert's sections, tags and authors (``CHOSEN_FIELDS``), as they will be saved."""
    if alert.article is not None and alert.article.edition_id != alert.edition_id:
        raise ValidationError("The article belongs to another edition.")
    if len(alert.title) > TITLE_MAX_LENGTH or len(alert.body) > BODY_MAX_LENGTH:
        raise ValidationError(f"Title and body fit a lock screen: {TITLE_MAX_LENGTH} and {BODY_MAX_LENGTH} characters.")
    if not alert.title.strip() or not alert.body.strip():
        raise ValidationError("An alert needs a title and a body.")
    if alert.target == AlertTarget.SECTIONS and not chosen["sections"]:
        raise ValidationError("Choose the sections whose followers get this alert.")
    if alert.target == AlertTarget.TAGS and not chosen["tags"]:
        raise ValidationError("Choose the tags whose followers get this alert.")
    if alert.target == AlertTarget.AUTHORS and not chosen["authors"]:
        raise ValidationError("Choose the authors whose followers get this alert.")
    if any(tag.edition_id != alert.edition_id for tag in chosen["tags"]):
        raise ValidationError("Choose tags of the alert's edition.")


def _truncate(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- Creating and queueing ------------------------------------------------------------------


def automatic_alert_for(*, article: Article, by: Actor) -> Alert | None:
    """The alert publishing ``article`` now would push, unsaved; None when it pushes nothing.

    Only a breaking article in an auto-alert section, with its alert not switched off, gets
    one, once per article ever. The admin's confirmation page shows this very alert before
    an editor publishes; ``alert_create_for_article`` saves it.
    """
    if not (article.is_breaking and article.send_alert and article.section.auto_alert):
        return None
    # A story first published longer ago than an alert lives (an archive import, a back-dated
    # story) is no longer news to push.
    stale_before = timezone.now() - timedelta(seconds=settings.FCM_ALERT_TTL_SECONDS)
    if article.published_at is not None and article.published_at < stale_before:
        return None
    if Alert.objects.filter(article=article).exists():
        return None  # once per article, ever: a republished story (or one whose alert was stopped) is not re-pushed
    return Alert(
        article=article,
        edition=article.edition,
        title=_truncate(article.title, TITLE_MAX_LENGTH),
        body=_truncate(article.summary or article.title, BODY_MAX_LENGTH),
        target=AlertTarget.BREAKING,
        urgency=AlertUrgency.BREAKING,
        created_by=recorded_user(by),
    )


def alert_create_for_article(*, article: Article, by: Actor) -> Alert | None:
    """Queue the automatic alert for a breaking article in an auto-alert section, once per article.

    Called inside ``article_publish``'s transaction: the alert and the publication commit together.
    """
    alert = automatic_alert_for(article=article, by=by)
    if alert is None:
        return None
    with revision(alert, by=by, reason="Alert drafted for the breaking article"):
        alert.save()
    if not alert_policy.can_send(by):
        # Published by someone who may not push to every phone: the alert waits, a draft, for an editor who may.
        logger.info("alert %s for article %s left as a draft: %s may not send alerts", alert.pk, article.pk, by)
        return alert
    return alert_queue(alert=alert, by=by)


@transaction.atomic
def alert_create(
    *,
    by: Actor,
    edition: Edition,
    title: str,
    body: str,
    article: Article | None = None,
    target: str = AlertTarget.BREAKING,
    sections: Iterable[Section] = (),
    tags: Iterable[Tag] = (),
    authors: Iterable[Author] = (),
    urgency: str = AlertUrgency.BREAKING,
) -> Alert:
    """A draft alert, composed by ``by``; nothing is sent until ``alert_queue``."""
    _require_send(by)
    alert = Alert(
        edition=edition,
        article=article,
        title=title,
        body=body,
        target=target,
        urgency=urgency,
        created_by=recorded_user(by),
    )
    chosen: dict[str, list[Any]] = {"sections": list(sections), "tags": list(tags), "authors": list(authors)}
    _check_composed(alert, chosen)
    with revision(alert, by=by, reason="Alert drafted"):
        alert.save()
        for name in CHOSEN_FIELDS:
            getattr(alert, name).set(chosen[name])
    return alert


@transaction.atomic
def alert_update(*, alert: Alert, by: Actor, changes: dict[str, object]) -> Alert:
    """Change a draft's composed fields (``COMPOSED_FIELDS``). What was queued or sent is a record."""
    _require_send(by)
    unknown = changes.keys() - COMPOSED_FIELDS
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.state != AlertState.DRAFT:
        raise ValidationError("Only a draft alert can be changed.")
    for name, value in changes.items():
        if name not in CHOSEN_FIELDS:
            setattr(locked, name, value)
    chosen: dict[str, list[Any]] = {
        name: list(cast(Iterable[Any], changes[name]) if name in changes else getattr(locked, name).all())
        for name in CHOSEN_FIELDS
    }
    _check_composed(locked, chosen)
    names = sorted(str(getattr(Alert._meta.get_field(name), "verbose_name", name)) for name in changes)
    with revision(locked, by=by, reason=f"Alert edited: {', '.join(names) or 'saved unchanged'}"):
        locked.save()
        for name in CHOSEN_FIELDS:
            getattr(locked, name).set(chosen[name])
    alert.refresh_from_db()
    return locked


@transaction.atomic
def alert_queue(*, alert: Alert, by: Actor) -> Alert:
    """Move a draft alert to ``queued``; the fan-out starts when the transaction commits."""
    _require_send(by)
    if alert.article_id is not None and not Article.objects.published().filter(pk=alert.article_id).exists():
        raise ValidationError("The alert's article is not published.")
    if alert.target == AlertTarget.SECTIONS and not alert.sections.exists():
        raise ValidationError("Choose at least one section to target.")
    if alert.target == AlertTarget.TAGS and not alert.tags.filter(edition_id=alert.edition_id).exists():
        raise ValidationError("Choose at least one tag of the alert's edition to target.")
    if alert.target == AlertTarget.AUTHORS and not alert.authors.exists():
        raise ValidationError("Choose at least one author to target.")
    queued = Alert.objects.filter(pk=alert.pk, state=AlertState.DRAFT).update(
        state=AlertState.QUEUED, queued_at=timezone.now()
    )
    if not queued:
        raise ValidationError("Only a draft alert can be queued.")
    enqueue("notifications.alert_fanout", alert.pk)
    alert.refresh_from_db()
    audience = alert_audience(alert=alert).count()
    revision_record(alert, by=by, reason=f"Alert queued to {audience:,} device{'' if audience == 1 else 's'}")
    logger.info("alert %s queued by %s", alert.pk, actor_id(by))
    return alert


@transaction.atomic
def alert_cancel(*, alert: Alert, by: Actor) -> Alert:
    """Cancel a queued alert. Once sending has started it can no longer be cancelled."""
    _require_send(by)
    cancelled = Alert.objects.filter(pk=alert.pk, state__in=[AlertState.DRAFT, AlertState.QUEUED]).update(
        state=AlertState.CANCELLED, finished_at=timezone.now()
    )
    alert.refresh_from_db()
    if not cancelled:
        raise ValidationError(f"An alert that is {alert.get_state_display().lower()} cannot be cancelled.")
    revision_record(alert, by=by, reason="Alert cancelled")
    return alert


@transaction.atomic
def alert_delete(*, alert: Alert, by: Actor) -> None:
    """Delete a draft alert. Deleting one already gone does nothing.

    What was queued or sent is a record of what phones were told: cancel it instead.
    """
    _require_send(by)
    locked = Alert.objects.select_for_update().filter(pk=alert.pk).first()
    if locked is None:
        return
    if locked.state != AlertState.DRAFT:
        raise ValidationError(
            f"An alert that is {locked.get_state_display().lower()} is a record: only a draft can be deleted."
        )
    revision_deleted_by(locked, by=by, reason="Alert deleted")
    locked.delete()
    logger.info("alert %s deleted by %s", alert.pk, actor_id(by))


@transaction.atomic
def alerts_stop_for_article(*, article: Article, by: Actor) -> int:
    """A withdrawn story reaches no more phones: cancel its alerts on their way (queued, or part-way
    through sending) and drop the sends held back by quiet hours, in every one of its alerts.
    Drafts stay drafts: ``alert_queue`` refuses them while the article is not published.

    Runs inside ``article_unpublish``'s transaction (a publish hook), so the withdrawal and the
    stop commit together; a batch already in a worker's hands checks again before it sends
    (``delivery.alert_still_wanted``). Returns how many alerts it cancelled.
    """
    now = timezone.now()
    # Locked first, so exactly these are cancelled and each gets its version.
    stopping = list(
        Alert.objects.select_for_update()
        .filter(article=article, state__in=[AlertState.QUEUED, AlertState.SENDING])
        .order_by("pk")
    )
    cancelled = Alert.objects.filter(pk__in=[alert.pk for alert in stopping]).update(
        state=AlertState.CANCELLED, finished_at=now
    )
    for alert in stopping:
        alert.state, alert.finished_at = AlertState.CANCELLED, now
        revision_record(alert, by=by, reason="Alert cancelled: its article was withdrawn")
    held = Delivery.objects.filter(alert__article=article, state=DeliveryState.DEFERRED)
    per_alert = dict(held.values_list("alert_id").annotate(n=Count("id")).order_by())
    held.update(state=DeliveryState.DROPPED, error_code="ARTICLE_WITHDRAWN")
    for alert_id, dropped in per_alert.items():
        Alert.objects.filter(pk=alert_id).update(deferred=F("deferred") - dropped)
    if cancelled or per_alert:
        logger.info(
            "article %s withdrawn by %s: %d alert(s) cancelled, %d held-back send(s) dropped",
            article.pk, actor_id(by), cancelled, sum(per_alert.values()),
        )  # fmt: skip
    return cancelled


def alert_inboxes_purge_for_article(*, article: Article) -> None:
    """The inboxes list an alert about a story only while the story is published: once its publication
    or withdrawal commits, purge the inboxes of the editions its sent alerts went to."""
    if not purging():
        return
    codes = (
        Alert.objects.filter(article=article, started_at__isnull=False)
        .values_list("edition__code", flat=True)
        .distinct()
    )
    purge_on_commit([alert_inbox_key(code) for code in codes])


# --- Engagement -------------------------------------------------------------------------------


@transaction.atomic
def alerts_record_opens(*, device: Device, alert_ids: list[int]) -> int:
    """Count each alert opened on ``device`` once, however often the app reports it.

    A fixed number of queries for a whole batch. The unopened delivery rows are locked
    first, so of two concurrent reports of one open only the first still finds it unopened.
    """
    unopened = Delivery.objects.filter(
        alert_id__in=set(alert_ids), device=device, state=DeliveryState.ACCEPTED, opened_at__isnull=True
    )
    opened = list(unopened.select_for_update().order_by("alert_id").values_list("alert_id", flat=True))
    if opened:
        # Opened from the notification: read in the device's inbox too (a read mark made before stays).
        unopened.filter(alert_id__in=opened).update(opened_at=timezone.now(), read_at=Coalesce(F("read_at"), Now()))
        Alert.objects.filter(pk__in=opened).update(opened=F("opened") + 1)
    return len(opened)


def alert_mark_read(*, device: Device, alert_id: int) -> bool:
    """Mark the alert ``alert_id`` read in ``device``'s inbox; False when it is not in that inbox
    (never sent to this device, another edition's, or about a story since withdrawn).

    Idempotent: a second mark keeps the first time. One UPDATE through the (alert, device) index.
    """
    return bool(device_inbox(device=device).filter(alert_id=alert_id).update(read_at=Coalesce(F("read_at"), Now())))
