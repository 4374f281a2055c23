"""Who may send push alerts: the policy the alert services enforce and the admin consults.

Composing, queueing and cancelling an alert all need ``notifications.send_alert`` (Editors and
Chief editors have it); ``None`` is the system (the automatic alert of a publication by the
scheduler). An alert reaches every subscriber's phone: no other permission implies this one.
"""

from backend.roles import Actor

SEND = "notifications.send_alert"


class AlertPolicy:
    def can_send(self, user: Actor) -> bool:
        return user is None or user.has_perm(SEND)


alert_policy = AlertPolicy()
