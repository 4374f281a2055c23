"""Push alerts as a consequence of publishing: what the editor sees before and after (``newsapi.publishing``)."""

from urllib.parse import unquote

from django.urls import reverse

from backend.roles import Actor
from newsapi.models import Article, ArticleStatus
from newsapi.publishing import Link, PhonePreview, PublishPreview
from notifications import selectors
from notifications.messages import push_message_for
from notifications.models import Alert, Device
from notifications.permissions import alert_policy
from notifications.services import automatic_alert_for

PREVIEW_TOKEN = "preview-device"  # noqa: S105 - not a credential: the preview is never sent


def phone_preview(*, alert: Alert) -> PhonePreview:
    """``alert`` as phones will show it (the same message every device gets, but the token)."""
    message = push_message_for(alert=alert, device=Device(token=PREVIEW_TOKEN))
    return PhonePreview(
        title=message.title,
        body=message.body,
        image_url=message.image,
        link=unquote(message.data["url"]) or "the app",  # shown as readers see it, not percent-encoded
        dir=alert.edition.dir,
        android_channel=message.platform.channel_id,
        collapse_id=message.collapse_id,
    )


class AlertEffects:
    def preview(self, *, article: Article, by: Actor) -> PublishPreview | None:
        alert = automatic_alert_for(article=article, by=by)
        if alert is None:
            return None
        # The automatic alert targets breaking-news subscribers, never sections.
        audience = selectors.audience_for(edition_id=alert.edition_id, target=alert.target, sections=()).count()
        warnings = selectors.alert_warnings(alert=alert)
        if audience == 0:
            warnings.insert(0, "No device will receive this alert: nobody in this edition has breaking news on.")
        notes = []
        if not alert_policy.can_send(by):
            notes.append(
                "You may not send push alerts: the article is published and its alert waits, "
                "as a draft, for an editor who may."
            )
        return PublishPreview(
            heading="Push alert to every reader of this edition who wants breaking news",
            phone=phone_preview(alert=alert),
            audience=audience,
            warnings=warnings,
            notes=notes,
        )

    def outcome(self, *, article: Article) -> Link | None:
        alert = Alert.objects.filter(article=article).order_by("-created_at").first()
        if alert is None:
            return None
        label = (
            f"Alert “{alert.title}”: {alert.get_state_display().lower()}, "
            f"{alert.targeted} targeted, {alert.sent} sent, {alert.opened} opened"
        )
        return Link(label=label, url=reverse("admin:notifications_alert_send", args=[alert.pk]))

    def links(self, *, article: Article, by: Actor) -> list[Link]:
        if article.status != ArticleStatus.PUBLISHED or not alert_policy.can_send(by):
            return []
        return [Link(label="Compose alert", url=f"{reverse('admin:notifications_alert_add')}?article={article.pk}")]
