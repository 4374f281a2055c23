"""The alert lifecycle: creating, queueing and cancelling alerts, and counting their opens.

Sending is the delivery engine's business (``notifications.delivery``); a queued alert
reaches it through the ``notifications.alert_fanout`` task, enqueued when the queueing
transaction commits. An alert is one edition's: a compose in several editions is one alert per
edition, tied by ``Alert.compose_group`` and queued, scheduled and cancelled together. A
scheduled alert waits for its ``send_at``; the beat's ``alerts_queue_due`` queues it then.
Composing, queueing and cancelling ask
``notifications.permissions.alert_policy`` first: a refusal is a ``PermissionDenied`` and
changes nothing.
"""

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
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
    SCHEDULE_HORIZON_DAYS,
    TITLE_MAX_LENGTH,
    Alert,
    AlertOpenCount,
    AlertState,
    AlertTarget,
    AlertUrgency,
    Delivery,
    DeliveryState,
    Device,
)
from notifications.permissions import alert_policy
from notifications.selectors import (
    alert_audience,
    alert_inbox_key,
    compose_siblings,
    device_inbox,
    published_translations,
)

logger = logging.getLogger(__name__)

# What alert_create and alert_update take: the compose form's fields.
COMPOSED_FIELDS = frozenset(
    {"edition", "article", "title", "body", "target", "sections", "tags", "authors", "urgency", "send_at"}
)
# The many-to-many fields among them: what each follower target chooses.
CHOSEN_FIELDS: tuple[str, ...] = FOLLOWER_TARGETS
# What an alert composed with other editions changes on its own: the rest is the compose's.
OWN_TEXT_FIELDS = frozenset({"title", "body"})
# Not yet sending: what an editor can still call off.
CANCELLABLE = (AlertState.DRAFT, AlertState.SCHEDULED, AlertState.QUEUED)
# Scheduled alerts the due sweep claims per transaction.
DUE_SWEEP_CHUNK = 100


@dataclass(frozen=True, kw_only=True)
class EditionText:
    """One edition's words in a compose: the alert that edition's devices get, in its language."""

    edition: Edition
    title: str
    body: str


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


def check_send_at(send_at: datetime, *, now: datetime | None = None) -> None:
    """A scheduled alert goes out in the future, at most ``SCHEDULE_HORIZON_DAYS`` ahead: further
    off, the story it tells will have moved on before it is sent."""
    now = now or timezone.now()
    if send_at <= now:
        raise ValidationError("The time to send this alert has passed: choose a time in the future.")
    if send_at > now + timedelta(days=SCHEDULE_HORIZON_DAYS):
        raise ValidationError(f"An alert can be scheduled at most {SCHEDULE_HORIZON_DAYS} days ahead.")


def _check_sendable(alert: Alert) -> None:
    """What must still hold when ``alert`` is queued or scheduled (time has passed since it was composed)."""
    if alert.article_id is not None and not Article.objects.published().filter(pk=alert.article_id).exists():
        raise ValidationError("The alert's article is not published.")
    if alert.target == AlertTarget.SECTIONS and not alert.sections.exists():
        raise ValidationError("Choose at least one section to target.")
    if alert.target == AlertTarget.TAGS and not alert.tags.filter(edition_id=alert.edition_id).exists():
        raise ValidationError("Choose at least one tag of the alert's edition to target.")
    if alert.target == AlertTarget.AUTHORS and not alert.authors.exists():
        raise ValidationError("Choose at least one author to target.")


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
    send_at: datetime | None = None,
    compose_group: uuid.UUID | None = None,
) -> Alert:
    """A draft alert, composed by ``by``; nothing is sent until ``alert_queue`` (at ``send_at``, when
    given). ``compose_group``: the alerts of other editions composed with it (``alert_compose``)."""
    _require_send(by)
    alert = Alert(
        edition=edition,
        article=article,
        title=title,
        body=body,
        target=target,
        urgency=urgency,
        send_at=send_at,
        compose_group=compose_group,
        created_by=recorded_user(by),
    )
    chosen: dict[str, list[Any]] = {"sections": list(sections), "tags": list(tags), "authors": list(authors)}
    _check_composed(alert, chosen)
    if send_at is not None:
        check_send_at(send_at)
    with revision(alert, by=by, reason="Alert drafted"):
        alert.save()
        for name in CHOSEN_FIELDS:
            getattr(alert, name).set(chosen[name])
    return alert


@transaction.atomic
def alert_compose(
    *,
    by: Actor,
    texts: Sequence[EditionText],
    article: Article | None = None,
    target: str = AlertTarget.BREAKING,
    sections: Iterable[Section] = (),
    tags: Iterable[Tag] = (),
    authors: Iterable[Author] = (),
    urgency: str = AlertUrgency.BREAKING,
    send_at: datetime | None = None,
) -> list[Alert]:
    """Draft one alert per edition of ``texts``, in that order, tied by one ``compose_group`` when
    there are several: each says its edition's text to that edition's devices and, with an
    ``article``, points at the story's published translation in its edition (``article`` itself in
    its own). The target, urgency and time are the compose's; each alert gets the chosen tags of its
    own edition. All or nothing: any refusal creates no alert. Nothing is sent until ``alert_queue``.
    """
    _require_send(by)
    if not texts:
        raise ValidationError("Write the alert for at least one edition.")
    editions: dict[int, Edition] = {}
    for text in texts:
        if text.edition.pk in editions:
            raise ValidationError(f"The {text.edition.name} edition is in this alert twice.")
        editions[text.edition.pk] = text.edition
    chosen_tags = list(tags)
    if any(tag.edition_id not in editions for tag in chosen_tags):
        raise ValidationError("Choose tags of the alert's editions.")
    if target == AlertTarget.TAGS:
        for edition in editions.values():
            if not any(tag.edition_id == edition.pk for tag in chosen_tags):
                raise ValidationError(f"Choose tags of the {edition.name} edition: its followers get the alert.")
    translations = published_translations(article=article) if article is not None else {}
    group = uuid.uuid4() if len(texts) > 1 else None
    sections, authors = list(sections), list(authors)
    alerts = []
    for text in texts:
        about = None
        if article is not None:
            about = article if text.edition.pk == article.edition_id else translations.get(text.edition.pk)
            if about is None:
                raise ValidationError(
                    f"The story has no published {text.edition.name} translation: leave that edition out."
                )
        own_tags = [tag for tag in chosen_tags if tag.edition_id == text.edition.pk]
        alert = alert_create(
            by=by, edition=text.edition, title=text.title, body=text.body, article=about, target=target,
            sections=sections, tags=own_tags, authors=authors, urgency=urgency, send_at=send_at, compose_group=group,
        )  # fmt: skip
        alerts.append(alert)
    return alerts


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
    if locked.compose_group is not None and changes.keys() - OWN_TEXT_FIELDS:
        raise ValidationError(
            "This alert was composed with other editions: only its title and body change here. "
            "Delete the drafts and compose again to change the rest."
        )
    if changes.get("send_at") is not None:
        check_send_at(cast(datetime, changes["send_at"]))
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
    """Send a draft alert together with the alerts composed with it for other editions: queued now,
    each fan-out starting when the transaction commits; or, when it has a ``send_at``, scheduled for
    then (``alerts_queue_due`` queues them). All or nothing: a refusal of any one sends none.
    """
    _require_send(by)
    # Locked in one order, so two editors confirming one compose at once queue it once.
    siblings = list(compose_siblings(alert=alert).select_for_update(of=("self",)))
    if not siblings or any(sibling.state != AlertState.DRAFT for sibling in siblings):
        raise ValidationError("Only a draft alert can be queued.")
    for sibling in siblings:
        _check_sendable(sibling)
    now = timezone.now()
    for sibling in siblings:
        if sibling.send_at is None:
            _queue_now(sibling, by=by, now=now, reason="Alert queued")
            continue
        check_send_at(sibling.send_at, now=now)
        Alert.objects.filter(pk=sibling.pk, state=AlertState.DRAFT).update(state=AlertState.SCHEDULED)
        sibling.refresh_from_db()
        when = sibling.send_at.astimezone(UTC)
        revision_record(sibling, by=by, reason=f"Alert scheduled for {when:%Y-%m-%d %H:%M} UTC")
        logger.info("alert %s scheduled for %s by %s", sibling.pk, sibling.send_at.isoformat(), actor_id(by))
    alert.refresh_from_db()
    return alert


def _queue_now(alert: Alert, *, by: Actor, now: datetime, reason: str) -> bool:
    """Move ``alert`` from draft or scheduled to queued and enqueue its fan-out for the commit.

    A conditional UPDATE is the claim: False (and nothing enqueued) when another process moved it first.
    """
    queued = Alert.objects.filter(pk=alert.pk, state__in=[AlertState.DRAFT, AlertState.SCHEDULED]).update(
        state=AlertState.QUEUED, queued_at=now
    )
    if not queued:
        return False
    enqueue("notifications.alert_fanout", alert.pk)
    alert.refresh_from_db()
    audience = alert_audience(alert=alert).count()
    revision_record(alert, by=by, reason=f"{reason} to {audience:,} device{'' if audience == 1 else 's'}")
    logger.info("alert %s queued by %s", alert.pk, actor_id(by))
    return True


def alerts_queue_due(*, now: datetime | None = None) -> list[int]:
    """Queue each scheduled alert whose ``send_at`` has come (beat runs this every minute or so);
    cancel instead one whose article is no longer published. Returns the ids it queued.

    Safe to run concurrently and repeatedly: each chunk is claimed with SELECT ... FOR UPDATE SKIP
    LOCKED, so a second sweep at the same time passes over the alerts the first holds instead of
    waiting for them, and ``_queue_now``'s conditional UPDATE (still scheduled?) is what decides
    (on SQLite, which has no row locks, it alone does).
    """
    now = now or timezone.now()
    queued: list[int] = []
    while True:
        with transaction.atomic():
            due = list(
                Alert.objects.select_for_update(skip_locked=True)
                .filter(state=AlertState.SCHEDULED, send_at__lte=now)
                .order_by("send_at", "pk")[:DUE_SWEEP_CHUNK]
            )
            queued.extend(alert.pk for alert in due if _queue_scheduled(alert, now=now))
        if len(due) < DUE_SWEEP_CHUNK:
            return queued


def _queue_scheduled(alert: Alert, *, now: datetime) -> bool:
    """Queue one due alert the sweep holds; one about a story no longer published is cancelled."""
    if alert.article_id is not None and not Article.objects.published().filter(pk=alert.article_id).exists():
        if Alert.objects.filter(pk=alert.pk, state=AlertState.SCHEDULED).update(
            state=AlertState.CANCELLED, finished_at=now
        ):
            alert.refresh_from_db()
            revision_record(alert, by=None, reason="Alert cancelled: its article is no longer published")
        return False
    return _queue_now(alert, by=None, now=now, reason="Alert queued at its scheduled time")


@transaction.atomic
def alert_cancel(*, alert: Alert, by: Actor) -> Alert:
    """Cancel an alert not yet sending (a draft, scheduled or queued), and with it the alerts composed
    with it for other editions that are not sending either: a compose is called off together. Once
    sending has started it can no longer be cancelled.
    """
    _require_send(by)
    siblings = list(compose_siblings(alert=alert).select_for_update(of=("self",)))
    own = next((sibling for sibling in siblings if sibling.pk == alert.pk), None)
    if own is None or own.state not in CANCELLABLE:
        alert.refresh_from_db()
        raise ValidationError(f"An alert that is {alert.get_state_display().lower()} cannot be cancelled.")
    now = timezone.now()
    for sibling in siblings:
        if Alert.objects.filter(pk=sibling.pk, state__in=CANCELLABLE).update(
            state=AlertState.CANCELLED, finished_at=now
        ):
            sibling.refresh_from_db()
            revision_record(sibling, by=by, reason="Alert cancelled")
    alert.refresh_from_db()
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
    """A withdrawn story reaches no more phones: cancel its alerts on their way (scheduled, queued, or
    part-way through sending) and drop the sends held back by quiet hours, in every one of its alerts.
    The alerts composed with them about the story's translations in other editions go on: those
    stories are still published (withdrawing one cancels its own).
    Drafts stay drafts: ``alert_queue`` refuses them while the article is not published.

    Runs inside ``article_unpublish``'s transaction (a publish hook), so the withdrawal and the
    stop commit together; a batch already in a worker's hands checks again before it sends
    (``delivery.alert_still_wanted``). Returns how many alerts it cancelled.
    """
    now = timezone.now()
    # Locked first, so exactly these are cancelled and each gets its version.
    stopping = list(
        Alert.objects.select_for_update()
        .filter(article=article, state__in=[AlertState.SCHEDULED, AlertState.QUEUED, AlertState.SENDING])
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
    # Each alert's start comes along (its row is not locked) to place the open on the open-rate curve.
    locked = unopened.select_for_update(of=("self",)).order_by("alert_id")
    opened = dict(locked.values_list("alert_id", "alert__started_at"))
    if opened:
        now = timezone.now()
        # Opened from the notification: read in the device's inbox too (a read mark made before stays).
        unopened.filter(alert_id__in=opened).update(opened_at=now, read_at=Coalesce(F("read_at"), Now()))
        Alert.objects.filter(pk__in=opened).update(opened=F("opened") + 1)
        # The dashboard's curve: the span of each alert this open falls in gains one (its row made first).
        spans = {alert: AlertOpenCount.span_of(sent_at=sent_at, opened_at=now) for alert, sent_at in opened.items()}
        AlertOpenCount.objects.bulk_create(
            [AlertOpenCount(alert_id=alert_id, minutes_after_send=span) for alert_id, span in spans.items()],
            ignore_conflicts=True,
        )
        counted = Q()
        for alert_id, span in spans.items():
            counted |= Q(alert_id=alert_id, minutes_after_send=span)
        AlertOpenCount.objects.filter(counted).update(count=F("count") + 1)
    return len(opened)


def alert_mark_read(*, device: Device, alert_id: int) -> bool:
    """Mark the alert ``alert_id`` read in ``device``'s inbox; False when it is not in that inbox
    (never sent to this device, another edition's, or about a story since withdrawn).

    Idempotent: a second mark keeps the first time. One UPDATE through the (alert, device) index.
    """
    return bool(device_inbox(device=device).filter(alert_id=alert_id).update(read_at=Coalesce(F("read_at"), Now())))
