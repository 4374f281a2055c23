"""Connect push alerts to the content services without the content app importing this one."""

from typing import Any

from newsapi import publishing
from newsapi import services as content_services
from notifications.publishing import AlertEffects
from notifications.services import alert_create_for_article, alert_inboxes_purge_for_article, alerts_stop_for_article


def _on_publish(*, article: Any, by: Any, **_: Any) -> None:
    alert_create_for_article(article=article, by=by)
    alert_inboxes_purge_for_article(article=article)  # a republished story's alerts are listed again


def _on_unpublish(*, article: Any, by: Any, **_: Any) -> None:
    alerts_stop_for_article(article=article, by=by)
    alert_inboxes_purge_for_article(article=article)


def connect() -> None:
    if _on_publish not in content_services.publish_hooks:
        content_services.publish_hooks.append(_on_publish)
    if _on_unpublish not in content_services.unpublish_hooks:
        content_services.unpublish_hooks.append(_on_unpublish)
    if not any(isinstance(effect, AlertEffects) for effect in publishing.effects):
        publishing.effects.append(AlertEffects())
