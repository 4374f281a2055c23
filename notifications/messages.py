"""What a push alert says on a phone: the message for one device, and its FCM HTTP v1 form.

``push_message_for`` turns an alert into the ``PushMessage`` one device gets (the delivery
engine sends it; the admin previews it); ``build_message`` turns that into the firebase-admin
``Message`` the gateway sends. Both are pure: no query beyond the alert's loaded relations,
no network.
"""

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from firebase_admin import messaging

from newsapi.images import NOTIFICATION_FORMAT
from newsapi.models import Image, absolute_media_url, article_web_url
from notifications.models import Alert, AlertUrgency, Device

# What ``push_message_for`` reads of an alert: select_related, then prefetch_related.
ALERT_MESSAGE_RELATED = ("edition", "article__section", "article__image")
ALERT_MESSAGE_PREFETCH = ("article__image__renditions",)


@dataclass(frozen=True, kw_only=True)
class PushMessage:
    """One push to one device, as the apps' contract (docs/api.md, "Push message") describes it.

    ``data`` must hold strings only (``type``, ``alert_id``, ``article_id``, ``language``,
    ``section``, ``url``). ``collapse_id`` (``article-<id>``) is the Android collapse key and
    notification tag and the APNs collapse id, so a repeat replaces and never stacks.
    ``thread_id`` (the section) groups iOS notifications. The message lives ``ttl_seconds``
    (default ``FCM_ALERT_TTL_SECONDS``) from ``sent_at`` (default: when it is built); pass the
    alert's first send time as ``sent_at`` so a retry does not extend the message's life.
    """

    token: str
    title: str
    body: str
    data: Mapping[str, str]
    collapse_id: str
    thread_id: str
    image: str | None = None
    ttl_seconds: int | None = None
    sent_at: datetime | None = None
    urgency: str = AlertUrgency.BREAKING

    @property
    def platform(self) -> "Delivery":
        return DELIVERY[AlertUrgency(self.urgency)]


@dataclass(frozen=True)
class Delivery:
    """How hard each platform pushes a message of one urgency (docs/api.md, "Push message").

    Both platforms ration high priority: Android demotes apps whose high-priority messages
    show nothing the user wanted, and APNs priority 10 wakes the phone at once. Breaking news
    earns it; a normal alert goes at normal priority to the news channel, which readers can
    silence without losing breaking news. The apps create both channels.
    """

    android_priority: str
    apns_priority: str
    channel_id: str


DELIVERY = {
    AlertUrgency.BREAKING: Delivery(android_priority="high", apns_priority="10", channel_id="breaking"),
    AlertUrgency.NORMAL: Delivery(android_priority="normal", apns_priority="5", channel_id="news"),
}


def push_message_for(*, alert: Alert, device: Device) -> PushMessage:
    """The message ``device`` gets for ``alert``: the same for every device but the token.

    Reads ``alert.edition``, ``alert.article.section``, ``alert.article.image`` and its renditions:
    load them with the alert (``ALERT_MESSAGE_RELATED``, ``ALERT_MESSAGE_PREFETCH``) or each call
    queries them.
    """
    article = alert.article
    section = article.section.slug if article is not None else ""
    data = {
        "type": "breaking" if alert.urgency == AlertUrgency.BREAKING else "alert",
        "alert_id": str(alert.pk),
        "article_id": str(article.pk) if article is not None else "",
        "language": alert.edition.code,
        "section": section,
        # The canonical web address: the apps open it as a universal / app link.
        "url": article_web_url(article) if article is not None else "",
    }
    image = notification_picture_url(article.image) if article is not None else None
    return PushMessage(
        token=device.token,
        title=alert.title,
        body=alert.body,
        image=image,
        data=data,
        collapse_id=f"article-{article.pk}" if article is not None else f"alert-{alert.pk}",
        ttl_seconds=settings.FCM_ALERT_TTL_SECONDS,
        # Retries and deferred sends keep the expiry of the first send: breaking news goes stale.
        sent_at=alert.started_at if alert.urgency == AlertUrgency.BREAKING else None,
        thread_id=section or alert.edition.code,
        urgency=alert.urgency,
    )


def notification_picture_url(image: Image | None) -> str | None:
    """The picture's JPEG made for notifications (about 1,000 px, at most 1 MB), never the original upload.

    Android drops a notification image over 1 MB and phones have no use for a camera original.
    Until the worker has made the rendition (a picture uploaded seconds ago) the message goes
    without a picture. Reads ``image.renditions`` (prefetch it with the alert).
    """
    if image is None:
        return None
    for rendition in image.renditions.all():
        if rendition.format == NOTIFICATION_FORMAT:
            return absolute_media_url(rendition.file.url)
    return None


def build_message(push: PushMessage, *, now: float | None = None) -> messaging.Message:
    """The firebase-admin ``Message`` for ``push`` (``now``: Unix time, for tests)."""
    if not push.token:
        raise ValueError("PushMessage.token must not be empty")
    now = time.time() if now is None else now
    ttl = push.ttl_seconds if push.ttl_seconds is not None else int(settings.FCM_ALERT_TTL_SECONDS)
    start = push.sent_at.timestamp() if push.sent_at is not None else now
    expires_at = int(start) + ttl
    remaining = max(0, min(ttl, expires_at - math.floor(now)))
    message = messaging.Message(
        notification=messaging.Notification(title=push.title, body=push.body, image=push.image),
        data={str(key): str(value) for key, value in push.data.items()},
        android=messaging.AndroidConfig(
            priority=push.platform.android_priority,
            ttl=remaining,
            collapse_key=push.collapse_id,
            notification=messaging.AndroidNotification(channel_id=push.platform.channel_id, tag=push.collapse_id),
        ),
        apns=messaging.APNSConfig(
            headers={
                "apns-priority": push.platform.apns_priority,
                "apns-collapse-id": push.collapse_id,
                "apns-expiration": str(expires_at),
            },
            # mutable-content lets the app's notification service extension fetch the image.
            payload=messaging.APNSPayload(
                aps=messaging.Aps(sound="default", thread_id=push.thread_id, mutable_content=bool(push.image) or None)
            ),
        ),
    )
    # firebase-admin 7.7 warns on Message(token=...) since FCM now also accepts Firebase
    # installation IDs (``fid``); registration tokens remain valid and are what the apps
    # register, so the target is set after construction, without a warning per message.
    message.token = push.token
    return message
