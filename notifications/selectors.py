"""Reads for push alerts: who an alert reaches, and the warnings an editor must see before sending."""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from newsapi.models import Article
from newsapi.selectors import article_cards
from notifications.models import BODY_MAX_LENGTH, Alert, AlertState, AlertTarget, Delivery, DeliveryState, Device

RECENT_ARTICLE_ALERT = timedelta(minutes=30)
SENT_OR_SENDING = [AlertState.QUEUED, AlertState.SENDING, AlertState.SENT, AlertState.PARTIALLY_FAILED]


def alert_inbox_key(edition_code: str) -> str:
    """The surrogate key of an edition's alert inbox (GET /api/v1/alerts/): purged when an alert enters or leaves."""
    return f"alerts-{edition_code}"


def device_inbox(*, device: Device) -> QuerySet[Delivery]:
    """The ledger rows of what ``device`` was sent (FCM accepted them), for the alerts of its current edition.

    From the ledger, so only what this device got: nothing sent before it registered, nothing held
    back by its quiet hours or dropped. An alert about a story no longer published (withdrawn)
    leaves the inbox, as it leaves the edition's (GET /api/v1/alerts/); it comes back if the story
    is published again. After a change of language the inbox shows the new edition's alerts.
    """
    # EXISTS by primary key for each of the device's rows, not IN (every published article).
    live = Article.objects.published().filter(pk=OuterRef("alert__article_id"))
    return Delivery.objects.filter(
        Q(alert__article__isnull=True) | Q(Exists(live)),
        device=device,
        state=DeliveryState.ACCEPTED,
        alert__edition_id=device.edition_id,
        alert__started_at__isnull=False,
    )


def device_inbox_items(*, device: Device) -> QuerySet[Delivery]:
    """``device_inbox`` as the API lists it: each row with ``sent_at`` (its alert's), the alert, and the
    alert's article as a card (``newsapi.selectors.article_cards``, in the card's fixed queries).
    Reads ``device.edition``.
    """
    return (
        device_inbox(device=device)
        .select_related("alert")
        .annotate(sent_at=F("alert__started_at"))
        .prefetch_related(Prefetch("alert__article", queryset=article_cards(edition=device.edition)))
    )


def alert_warnings(*, alert: Alert) -> list[str]:
    """Reasons to think twice before queueing ``alert``; each needs an explicit confirmation."""
    now = timezone.now()
    warnings: list[str] = []
    others = Alert.objects.exclude(pk=alert.pk).filter(state__in=SENT_OR_SENDING)
    if alert.article_id is not None:
        recent = others.filter(article_id=alert.article_id, queued_at__gte=now - RECENT_ARTICLE_ALERT).first()
        if recent is not None:
            minutes = max(1, int((now - recent.queued_at).total_seconds() // 60)) if recent.queued_at else 0
            warnings.append(f"This article was already alerted {minutes} minute(s) ago (alert #{recent.pk}).")
    limit = settings.ALERTS_PER_EDITION_HOURLY_WARNING
    last_hour = others.filter(edition_id=alert.edition_id, queued_at__gte=now - timedelta(hours=1)).count()
    if last_hour >= limit:
        warnings.append(
            f"{last_hour} alerts already went to the {alert.edition.name} edition in the last hour "
            f"(the warning threshold is {limit}). Readers switch alerts off when there are too many."
        )
    return warnings


def alert_audience(*, alert: Alert) -> QuerySet[Device]:
    """Every device that should get ``alert``: active, fresh, in its edition, wanting it."""
    return audience_for(
        edition_id=alert.edition_id,
        target=alert.target,
        # The alert's choices from its link tables, ids only (no join to the chosen rows).
        sections=Alert.sections.through.objects.filter(alert_id=alert.pk).values("section_id"),
        tags=Alert.tags.through.objects.filter(alert_id=alert.pk).values("tag_id"),
        authors=Alert.authors.through.objects.filter(alert_id=alert.pk).values("author_id"),
    )


def audience_for(
    *, edition_id: int, target: str, sections: Iterable[Any], tags: Iterable[Any] = (), authors: Iterable[Any] = ()
) -> QuerySet[Device]:
    """The devices an alert with these settings would reach, before it exists: the compose page
    counts them as the editor changes the form. ``alert_audience`` asks this too, so the number
    shown while composing is the number the fan-out walks. ``sections``, ``tags``, ``authors``:
    rows, their ids, or a query of their ids; only the target's own kind counts.

    One query, one row per device however many of the chosen things it follows: a follow is an
    EXISTS on the follow table, never a join, so the fan-out can walk it in id order by ranges.
    Following is independent of the breaking-news opt-out, which only the breaking target reads.
    """
    devices = Device.objects.filter(edition_id=edition_id, is_active=True, is_stale=False)
    follows: QuerySet[Any] | None = None
    if target == AlertTarget.SECTIONS:
        follows = Device.sections.through.objects.filter(section_id__in=sections)
    elif target == AlertTarget.TAGS:
        follows = Device.tags.through.objects.filter(tag_id__in=tags)
    elif target == AlertTarget.AUTHORS:
        follows = Device.authors.through.objects.filter(author_id__in=authors)
    if follows is not None:
        return devices.filter(Exists(follows.filter(device_id=OuterRef("pk"))))
    return devices.filter(breaking=True)


def published_article_for_alert(*, pk: object) -> Article | None:
    """The published article ``pk`` names (with its edition), or None for a draft, a withdrawn or
    an unknown article, or a ``pk`` that is not a number: an alert only ever links to a live story.
    """
    try:
        article_id = int(str(pk))
    except ValueError:
        return None
    return Article.objects.published().select_related("edition").filter(pk=article_id).first()


def alert_draft_for(*, article: Article) -> dict[str, Any]:
    """What an alert about ``article`` says until the editor rewrites it: the headline as it is
    (the compose page's counter shows when it is longer than a lock screen shows) and the summary
    cut on a word boundary to the body a lock screen shows. Reads ``article.edition``.
    """
    return {
        "edition": article.edition,
        "article": article,
        "title": article.title,
        "body": cut_at_word(article.summary, BODY_MAX_LENGTH),
    }


def published_translations(*, article: Article) -> dict[int, Article]:
    """The published versions of ``article``'s story (``translation_group``) by edition id, the
    article itself included when it is published: what an alert composed about it may point at in
    each edition. One query; with two in one edition (a re-translation), the newest.
    """
    found: dict[int, Article] = {}
    rows = (
        Article.objects.published()
        .filter(translation_group=article.translation_group)
        .select_related("edition")
        .order_by("edition__position", "-published_at", "-id")
    )
    for row in rows:
        found.setdefault(row.edition_id, row)
    return found


def alert_translation_drafts(*, article: Article) -> list[dict[str, Any]]:
    """What the alert about each of ``article``'s published translations in the other editions says
    until the editor rewrites it (``alert_draft_for`` of each), in the editions' order."""
    return [
        alert_draft_for(article=translation)
        for edition_id, translation in published_translations(article=article).items()
        if edition_id != article.edition_id
    ]


def compose_siblings(*, alert: Alert) -> QuerySet[Alert]:
    """``alert`` and the alerts composed with it for other editions (its ``compose_group``), in the
    editions' order; ``alert`` alone when it was composed for one edition."""
    if alert.compose_group is None:
        siblings = Alert.objects.filter(pk=alert.pk)
    else:
        siblings = Alert.objects.filter(compose_group=alert.compose_group)
    return siblings.order_by("edition__position", "pk")


def with_compose_totals(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """``alerts``, each with its compose's editions and summed counts (``compose_editions``,
    ``compose_targeted``, ``compose_sent``, ``compose_opened``; None for an alert composed alone),
    as subqueries of the one list query: the list costs the same queries however many it shows.
    """
    group = Alert.objects.filter(compose_group=OuterRef("compose_group")).order_by().values("compose_group")

    def total(expression: Any) -> Subquery:
        return Subquery(group.annotate(total=expression).values("total")[:1])

    return alerts.annotate(
        compose_editions=total(Count("pk")),
        compose_targeted=total(Sum("targeted")),
        compose_sent=total(Sum("sent")),
        compose_opened=total(Sum("opened")),
    )


def cut_at_word(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters: cut after the last whole word that fits,
    ending in an ellipsis. A single word longer than the limit is cut where the limit falls.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    kept = text[: limit - 1]  # room for the ellipsis
    if text[limit - 1] != " " and " " in kept:
        kept = kept.rsplit(" ", 1)[0]
    return kept.rstrip(" ,;:\u060c\u061b-\u2013\u2014") + "…"  # no comma or dash (Latin, Arabic) before it
