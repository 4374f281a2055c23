"""Reads for push alerts: who an alert reaches, and the warnings an editor must see before sending."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from notifications.models import Alert, AlertState, AlertTarget, Device

RECENT_ARTICLE_ALERT = timedelta(minutes=30)
SENT_OR_SENDING = [AlertState.QUEUED, AlertState.SENDING, AlertState.SENT, AlertState.PARTIALLY_FAILED]


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
    devices = Device.objects.filter(edition_id=alert.edition_id, is_active=True, is_stale=False)
    if alert.target == AlertTarget.SECTIONS:
        followers = Device.sections.through.objects.filter(
            device_id=OuterRef("pk"), section_id__in=alert.sections.values("pk")
        )
        return devices.filter(Exists(followers))
    return devices.filter(breaking=True)
