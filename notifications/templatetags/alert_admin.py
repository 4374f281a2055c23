"""Template tags of the alert admin pages."""

from django import template

from notifications.admin_alerts import audience_message as compose_audience_message
from notifications.models import Alert, AlertTarget

register = template.Library()


@register.simple_tag
def audience_message(alert: Alert, devices: int) -> str:
    """The compose page's sentence about ``alert``'s audience, on the send page: one wording for both.

    Whether sections are chosen only changes what is said about an empty audience: asked only then.
    """
    return compose_audience_message(
        devices=devices,
        edition=alert.edition,
        target=alert.target,
        urgency=alert.urgency,
        sections_chosen=devices == 0 and alert.target == AlertTarget.SECTIONS and alert.sections.exists(),
    )
