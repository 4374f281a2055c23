"""Template tags of the alert admin pages."""

from django import template

from notifications.admin_alerts import audience_message as compose_audience_message
from notifications.models import FOLLOWER_TARGETS, Alert

register = template.Library()


@register.simple_tag
def audience_message(alert: Alert, devices: int) -> str:
    """The compose page's sentence about ``alert``'s audience, on the send page: one wording for both.

    Whether the target's sections, tags or authors are chosen only changes what is said about an empty
    audience: asked only then.
    """
    return compose_audience_message(
        devices=devices,
        edition=alert.edition,
        target=alert.target,
        urgency=alert.urgency,
        chosen=devices == 0 and alert.target in FOLLOWER_TARGETS and getattr(alert, alert.target).exists(),
    )
