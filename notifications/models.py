"""Devices that receive push alerts, the alerts, and the delivery ledger that makes each send happen once."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from backend.history import Revisions
from newsapi.models import AppPlatform, Article, Author, Edition, Section, Tag


class Device(models.Model):
    """An app installation with an FCM registration token."""

    token = models.CharField(max_length=2048, unique=True)  # a btree entry must stay under 2704 bytes
    platform = models.CharField(max_length=8, choices=AppPlatform.choices)
    app_version = models.CharField(max_length=32, blank=True)
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="devices")
    timezone = models.CharField(max_length=64, default="UTC")
    sections = models.ManyToManyField(Section, blank=True, related_name="followers")
    # Tags of the device's edition (a story, a person, a place) and authors, followed like sections.
    tags = models.ManyToManyField(Tag, blank=True, related_name="followers")
    authors = models.ManyToManyField(Author, blank=True, related_name="followers")
    breaking = models.BooleanField(default=True, help_text="Wants breaking-news alerts for the whole edition.")
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    secret_hash = models.CharField(max_length=64, editable=False, db_index=True)
    registered_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(default=True)
    deactivated_reason = models.CharField(max_length=64, blank=True)
    is_stale = models.BooleanField(default=False, help_text="Not refreshed for a long time: no longer targeted.")
    created_at = models.DateTimeField(auto_now_add=True)
    refreshed_at = models.DateTimeField(help_text="Last registration or refresh by the app.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # The audience query walks devices of one edition in id order.
            models.Index(
                fields=["edition", "id"],
                name="device_audience",
                condition=Q(is_active=True, is_stale=False),
            ),
            models.Index(fields=["refreshed_at"], name="device_refreshed"),
            models.Index(fields=["registered_ip", "created_at"], name="device_registrations"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_start__isnull=True, quiet_end__isnull=True)
                | Q(quiet_start__isnull=False, quiet_end__isnull=False),
                name="quiet_hours_both_or_none",
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform} device {self.pk}"


class AlertState(models.TextChoices):
    DRAFT = "draft", "Draft"
    # Confirmed to go out at ``send_at``: the due sweep (``alerts_queue_due``) queues it then.
    SCHEDULED = "scheduled", "Scheduled"
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    PARTIALLY_FAILED = "partially_failed", "Partially failed"
    FAILED = "failed", "Failed"
    # Nobody was subscribed: nothing was sent, and the alert does not count toward the hourly warning.
    NO_AUDIENCE = "no_audience", "Reached no device"
    CANCELLED = "cancelled", "Cancelled"


class AlertTarget(models.TextChoices):
    BREAKING = "breaking", "Everyone who wants breaking news in the edition"
    SECTIONS = "sections", "Followers of the chosen sections"
    TAGS = "tags", "Followers of the chosen tags"
    AUTHORS = "authors", "Followers of the chosen authors"


# The targets that reach followers; each is also the name of the Alert field holding what it chooses.
FOLLOWER_TARGETS = (AlertTarget.SECTIONS, AlertTarget.TAGS, AlertTarget.AUTHORS)


class AlertUrgency(models.TextChoices):
    BREAKING = "breaking", "Breaking (ignores quiet hours)"
    NORMAL = "normal", "Normal (waits for quiet hours to end)"


# What fits on a lock screen without being cut on common Android and iOS devices.
TITLE_MAX_LENGTH = 65
BODY_MAX_LENGTH = 178

# How far ahead an alert may be scheduled: news a week away is a plan, not an alert.
SCHEDULE_HORIZON_DAYS = 7


class Alert(models.Model):
    """One edition's alert: the delivery engine sends it to that edition's devices, in its language.

    Alerts composed together, one per edition (each about that edition's translation of the
    story), share a ``compose_group``: the services queue, schedule and cancel them together.
    """

    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts")
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="alerts")
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    body = models.CharField(max_length=BODY_MAX_LENGTH)
    target = models.CharField(max_length=12, choices=AlertTarget.choices, default=AlertTarget.BREAKING)
    sections = models.ManyToManyField(Section, blank=True, related_name="alerts")
    tags = models.ManyToManyField(Tag, blank=True, related_name="alerts")
    authors = models.ManyToManyField(Author, blank=True, related_name="alerts")
    urgency = models.CharField(max_length=12, choices=AlertUrgency.choices, default=AlertUrgency.BREAKING)
    state = models.CharField(max_length=20, choices=AlertState.choices, default=AlertState.DRAFT, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The alerts of one compose in several editions; None for an alert composed alone (the automatic ones).
    compose_group = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    send_at = models.DateTimeField(
        "send at", null=True, blank=True, help_text="Empty: sent when you confirm it. A time: sent then."
    )
    queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The fan-out walks the audience in device-id order; this is how far it got (resumable).
    fanout_cursor = models.BigIntegerField(default=0, editable=False)
    fanout_done = models.BooleanField(default=False, editable=False)
    # Purge before push: the fan-out purges the article's cached copies before its first batch, once.
    # When that ended (null: not yet, or nothing to purge), and whether it failed (the alert went out anyway).
    cache_purged_at = models.DateTimeField(null=True, blank=True, editable=False)
    cache_purge_failed = models.BooleanField(default=False, editable=False)
    targeted = models.PositiveIntegerField(default=0, editable=False)
    sent = models.PositiveIntegerField(default=0, editable=False)
    failed = models.PositiveIntegerField(default=0, editable=False)
    invalid_tokens = models.PositiveIntegerField(default=0, editable=False)
    deferred = models.PositiveIntegerField(default=0, editable=False)
    opened = models.PositiveIntegerField(default=0, editable=False)

    # A version is what was composed and its state as people changed it (recorded by the services);
    # the delivery engine's progress and counters move by UPDATE and are not versions.
    history = Revisions(
        excluded_fields=[
            "fanout_cursor", "fanout_done", "targeted", "sent", "failed", "invalid_tokens", "deferred", "opened",
            "cache_purged_at", "cache_purge_failed",
        ],
        m2m_fields=["sections", "tags", "authors"],
    )  # fmt: skip

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("send_alert", "Can compose, queue and cancel push alerts")]
        indexes = [
            models.Index(fields=["edition", "state", "-finished_at"], name="alert_inbox"),
            # The due sweep reads only what is scheduled, soonest first.
            models.Index(fields=["send_at"], name="alert_scheduled", condition=Q(state="scheduled")),
        ]

    def __str__(self) -> str:
        return self.title


class BatchState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    RETRY = "retry", "Waiting to retry"
    DONE = "done", "Done"


class AlertBatch(models.Model):
    """Up to 500 devices of one alert's audience (a device-id range): one Celery task, one FCM send_each."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="batches")
    index = models.PositiveIntegerField()
    first_device_id = models.BigIntegerField()
    last_device_id = models.BigIntegerField()
    size = models.PositiveIntegerField()
    state = models.CharField(max_length=8, choices=BatchState.choices, default=BatchState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)
    sent = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    invalid_tokens = models.PositiveIntegerField(default=0)
    deferred = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["alert", "index"]
        constraints = [models.UniqueConstraint(fields=["alert", "index"], name="one_batch_per_index")]
        indexes = [models.Index(fields=["state", "lease_expires_at"], name="batch_recovery")]

    def __str__(self) -> str:
        return f"alert {self.alert_id} batch {self.index}"


class DeliveryState(models.TextChoices):
    ACCEPTED = "accepted", "Accepted by FCM"
    FAILED = "failed", "Failed"
    INVALID = "invalid", "Token invalid"
    DEFERRED = "deferred", "Deferred (quiet hours)"
    # Never sent: the alert was cancelled or its article withdrawn while it waited.
    DROPPED = "dropped", "Dropped (cancelled or withdrawn)"


class Delivery(models.Model):
    """The ledger: what happened to one alert on one device. ``accepted`` is never sent again."""

    # No index of its own: the unique (alert, device) index serves every lookup by alert, and one
    # index fewer makes each batch's ledger write cheaper.
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries", db_index=False)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=8, choices=DeliveryState.choices)
    message_id = models.CharField(max_length=200, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    deliver_after = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    # The device's inbox (GET /api/v1/devices/{id}/alerts/): when the app marked it read, or opened it.
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "device"], name="one_delivery_per_device")]
        indexes = [
            models.Index(fields=["deliver_after"], name="delivery_deferred", condition=Q(state="deferred")),
        ]

    def __str__(self) -> str:
        return f"alert {self.alert_id} → device {self.device_id}: {self.state}"


class AlertOpenCount(models.Model):
    """How many of an alert's opens came in one span of time after it started sending.

    The editor dashboard's open-rate curve (opens within 5 minutes, 15, an hour...) is read from
    these few rows per alert, never from the delivery ledger (a row per device and alert). ``alerts_record_opens``
    adds to them in the transaction that marks the deliveries opened, so they sum to ``Alert.opened``
    for every open recorded since they exist.
    """

    # The spans' starts, in minutes after the alert started sending: [0, 5), [5, 15) ... [1440, ∞).
    SPANS = (0, 5, 15, 60, 180, 1440)

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="open_counts")
    minutes_after_send = models.PositiveIntegerField(help_text="Start of the span (one of SPANS), in minutes.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "minutes_after_send"], name="one_open_count_per_alert_span")
        ]

    def __str__(self) -> str:
        return f"alert {self.alert_id}, {self.minutes_after_send}+ min: {self.count}"

    @classmethod
    def span_of(cls, *, sent_at: datetime | None, opened_at: datetime) -> int:
        """The span an open at ``opened_at`` falls in, for an alert that started sending at ``sent_at``
        (an open reported before that, by a skewed clock, or of an alert without a start: the first)."""
        if sent_at is None:
            return cls.SPANS[0]
        minutes = (opened_at - sent_at).total_seconds() / 60
        return max((start for start in cls.SPANS if start <= minutes), default=cls.SPANS[0])
