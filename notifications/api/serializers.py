"""Input and output shapes of the device, alert inbox and events endpoints (API.md)."""

from typing import TYPE_CHECKING, Any
from zoneinfo import available_timezones

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from backend.api.params import (
    DATE_TIME_HELP,
    PatternField,
    RequestPatternSchema,
    RFC3339DateTimeField,
    StrictBooleanField,
    StrictIntegerField,
    TextField,
)
from newsapi.api.serializers import ArticleCardSerializer
from newsapi.fields import EditionField, SectionSlugField
from newsapi.models import AppPlatform, Author, Edition, Section, Tag
from notifications.models import Alert, AlertUrgency, Delivery, Device

if TYPE_CHECKING:
    pass

TOKEN_PATTERN = r"^[A-Za-z0-9_:.-]+$"  # noqa: S105 - the shape of a token, not a token
# FCM tokens are about 160 characters. The unique index on Device.token cannot hold entries over
# 2704 bytes on PostgreSQL, so a longer (random, incompressible) token would be a 500, not a 400.
TOKEN_MAX_LENGTH = 2048
MAX_SECTIONS = 50
MAX_TAGS = 100
MAX_AUTHORS = 50
TAG_SLUG_MAX_LENGTH = Tag._meta.get_field("slug").max_length or 80
AUTHOR_SLUG_MAX_LENGTH = Author._meta.get_field("slug").max_length or 120
MAX_EVENTS = 100
MAX_ID = 2**63 - 1


@extend_schema_field({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"})
class HourMinuteField(serializers.TimeField):
    """A wall-clock time written "HH:MM" (the schema's ``format: time`` would demand seconds and an offset)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", input_formats=["%H:%M"], **kwargs)


class QuietHoursSerializer(serializers.Serializer[Any]):
    """A daily window without normal alerts, in the device's time zone; it may span midnight.

    start and end must differ (else a 400; send null for no quiet hours). JSON Schema cannot
    compare two properties, so the schema says it here rather than in a keyword.
    """

    start = HourMinuteField(help_text='"HH:MM", e.g. "23:00".')
    end = HourMinuteField(help_text='"HH:MM", e.g. "07:00"; not the same as start.')

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A PATCH makes nested fields optional too; quiet hours are still all or nothing.
        missing = {name: ["This field is required."] for name in ("start", "end") if name not in attrs}
        if missing:
            raise serializers.ValidationError(missing)
        if attrs["start"] == attrs["end"]:
            raise serializers.ValidationError("start and end must differ (use null for no quiet hours).")
        return attrs


# The shape of every tz database name ("UTC", "Asia/Baghdad", "America/Argentina/Buenos_Aires", "Etc/GMT+3").
TIME_ZONE_PATTERN = r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$"


class TimeZoneField(serializers.CharField):
    """An IANA time zone name; ``DeviceInputSerializer.validate_timezone`` checks that this server knows it.

    The schema gives the names' shape, not their list: the tz database has about 600 names and
    changes with its releases (the phone's may be newer than the server's), so an enum would be
    both heavy and brittle in the apps' generated clients. A well-formed unknown name is a 400.
    """


class TimeZoneFieldSchema(RequestPatternSchema):
    target_class = TimeZoneField
    pattern = TIME_ZONE_PATTERN


class DeviceInputSerializer(serializers.Serializer[Any]):
    """What an app sends to register or update itself. PATCH takes any subset."""

    token = PatternField(
        TOKEN_PATTERN,
        min_length=20,
        max_length=TOKEN_MAX_LENGTH,
        trim_whitespace=False,
        error_messages={"invalid": "Not an FCM registration token."},
        help_text=(
            "The app's FCM registration token. On PATCH, a token another device holds is a 400 "
            "(register it with POST instead)."
        ),
    )
    platform = serializers.ChoiceField(choices=AppPlatform.choices)
    app_version = PatternField(
        r"^[0-9]{1,5}(\.[0-9]{1,5}){0,3}$", max_length=32, required=False, allow_blank=True,
        error_messages={"invalid": "Use a dotted version number such as 2.4.1."},
    )  # fmt: skip
    language = EditionField(required=True, help_text="Edition language code (see /editions/).")
    timezone = TimeZoneField(
        max_length=64,
        required=False,
        default="UTC",
        help_text=(
            "IANA time zone name, e.g. Asia/Baghdad. A name this server's tz database does not have is a 400 "
            "naming `timezone`."
        ),
    )
    sections = serializers.ListField(
        child=SectionSlugField(), max_length=MAX_SECTIONS, required=False, default=list, help_text="Sections followed."
    )
    tags = serializers.ListField(
        child=TextField(max_length=TAG_SLUG_MAX_LENGTH),
        max_length=MAX_TAGS,
        required=False,
        help_text=(
            "Slugs of the tags followed (a story, a person, a place), tags of the device's edition (`language`, or "
            "on PATCH the one it has): any other is a 400 naming `tags`. When a registration leaves it out, a new "
            "device follows none and a known one keeps its own; a device that changes language stops following "
            "the other edition's tags."
        ),
    )
    authors = serializers.ListField(
        child=TextField(max_length=AUTHOR_SLUG_MAX_LENGTH),
        max_length=MAX_AUTHORS,
        required=False,
        help_text=(
            "Slugs of the authors followed; an unknown one is a 400 naming `authors`. When a registration leaves "
            "it out, a new device follows none and a known one keeps its own."
        ),
    )
    breaking = StrictBooleanField(required=False, default=True)
    quiet_hours = QuietHoursSerializer(
        required=False,
        allow_null=True,
        default=None,
        help_text="Hours without normal alerts; start and end must differ. null for none.",
    )

    def validate_timezone(self, value: str) -> str:
        if value not in _timezones():
            raise serializers.ValidationError(f"Unknown IANA time zone {value!r} (e.g. Asia/Baghdad).")
        return value

    def validate_sections(self, value: list[str]) -> list[Section]:
        slugs = list(dict.fromkeys(value))
        found = {section.slug: section for section in Section.objects.filter(slug__in=slugs)}
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            raise serializers.ValidationError(f"Unknown sections: {', '.join(unknown)}.")
        return [found[slug] for slug in slugs]

    def validate_authors(self, value: list[str]) -> list[Author]:
        slugs = list(dict.fromkeys(value))
        found = {author.slug: author for author in Author.objects.filter(slug__in=slugs)}
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            raise serializers.ValidationError(f"Unknown authors: {', '.join(unknown)}.")
        return [found[slug] for slug in slugs]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Tags belong to an edition: the one this request names, else (PATCH) the device's (``context["device"]``)."""
        if attrs.get("tags") is not None:
            device: Device | None = self.context.get("device")
            edition: Edition | None = attrs.get("language") or (device.edition if device is not None else None)
            slugs = list(dict.fromkeys(attrs["tags"]))
            found = {tag.slug: tag for tag in Tag.objects.filter(edition=edition, slug__in=slugs)}
            unknown = [slug for slug in slugs if slug not in found]
            if unknown or edition is None:
                where = f" in the {edition.code} edition" if edition is not None else ""
                raise serializers.ValidationError({"tags": [f"Unknown tags{where}: {', '.join(unknown)}."]})
            attrs["tags"] = [found[slug] for slug in slugs]
        return attrs


_TIMEZONES: set[str] = set()


def _timezones() -> set[str]:
    if not _TIMEZONES:
        _TIMEZONES.update(available_timezones())
    return _TIMEZONES


class DeviceSerializer(serializers.ModelSerializer[Device]):
    language = serializers.CharField(source="edition.code", read_only=True)
    sections = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField(help_text="Slugs of the tags followed.")
    authors = serializers.SerializerMethodField(help_text="Slugs of the authors followed.")
    quiet_hours = serializers.SerializerMethodField()

    class Meta:
        model = Device
        fields = [
            "id", "platform", "app_version", "language", "timezone", "sections", "tags", "authors", "breaking",
            "quiet_hours", "created_at", "refreshed_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_sections(self, device: Device) -> list[str]:
        return [section.slug for section in device.sections.all()]

    def get_tags(self, device: Device) -> list[str]:
        return [tag.slug for tag in device.tags.all()]

    def get_authors(self, device: Device) -> list[str]:
        return [author.slug for author in device.authors.all()]

    @staticmethod
    def _hhmm(value: Any) -> str:
        return str(value.strftime("%H:%M"))

    @extend_schema_field(QuietHoursSerializer(allow_null=True))
    def get_quiet_hours(self, device: Device) -> dict[str, str] | None:
        if device.quiet_start is None or device.quiet_end is None:
            return None
        return {"start": self._hhmm(device.quiet_start), "end": self._hhmm(device.quiet_end)}


class DeviceRegisteredSerializer(DeviceSerializer):
    device_secret = serializers.CharField(
        read_only=True, help_text="Shown once: send it as 'Authorization: Device <secret>'."
    )

    class Meta(DeviceSerializer.Meta):
        fields = [*DeviceSerializer.Meta.fields, "device_secret"]
        read_only_fields = fields


class AlertInboxSerializer(serializers.ModelSerializer[Alert]):
    language = serializers.CharField(source="edition.code", read_only=True)
    article_id = serializers.IntegerField(allow_null=True, read_only=True)
    section = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    is_breaking = serializers.SerializerMethodField()
    sent_at = serializers.DateTimeField(source="started_at", read_only=True)

    class Meta:
        model = Alert
        fields = ["id", "title", "body", "language", "article_id", "section", "url", "is_breaking", "sent_at"]
        read_only_fields = fields

    def get_section(self, alert: Alert) -> str | None:
        return alert.article.section.slug if alert.article is not None else None

    def get_url(self, alert: Alert) -> str | None:
        from newsapi.models import article_web_url

        return article_web_url(alert.article) if alert.article is not None else None

    def get_is_breaking(self, alert: Alert) -> bool:
        return alert.urgency == "breaking"


class DeviceInboxItemSerializer(serializers.Serializer[Delivery]):
    """One alert in a device's own inbox: a ``Delivery`` this device was sent, its alert and article loaded."""

    id = serializers.IntegerField(source="alert_id", read_only=True, help_text="The alert's id.")
    title = serializers.CharField(source="alert.title", read_only=True)
    body = serializers.CharField(source="alert.body", read_only=True)
    urgency = serializers.ChoiceField(source="alert.urgency", choices=AlertUrgency.choices, read_only=True)
    sent_at = serializers.DateTimeField(
        read_only=True, help_text="When the newsroom sent the alert (the inbox's order, newest first)."
    )
    read = serializers.SerializerMethodField(help_text="Marked read by the app, or opened from the notification.")
    read_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="When it was first read; null.")
    article = ArticleCardSerializer(
        source="alert.article",
        read_only=True,
        allow_null=True,
        help_text="The story, as a card (its `image` is the alert's picture, with renditions); null for none.",
    )

    def get_read(self, delivery: Delivery) -> bool:
        return delivery.read_at is not None


class EventSerializer(serializers.Serializer[Any]):
    """One engagement beacon. What it names depends on its type: see ``EventSchema`` for the schema."""

    type = serializers.ChoiceField(choices=["view", "alert_open", "share"])
    # Past the largest id a column holds, a lookup is an OverflowError (a 500) on SQLite.
    article = StrictIntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    alert = StrictIntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    at = RFC3339DateTimeField(required=False, help_text=f"When it happened (default: when received). {DATE_TIME_HELP}")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["type"] == "alert_open" and not attrs.get("alert"):
            raise serializers.ValidationError({"alert": ["An alert_open event names the alert."]})
        if attrs["type"] in ("view", "share") and not attrs.get("article"):
            raise serializers.ValidationError({"article": [f"A {attrs['type']} event names the article."]})
        return attrs


class _ArticleEventSerializer(EventSerializer):
    """An event about an article: it names the article."""

    article = StrictIntegerField(min_value=1, max_value=MAX_ID, help_text="The article viewed or shared.")


class ViewEventSerializer(_ArticleEventSerializer):
    """The user read an article."""

    type = serializers.ChoiceField(choices=["view"])


class ShareEventSerializer(_ArticleEventSerializer):
    """The user shared an article."""

    type = serializers.ChoiceField(choices=["share"])


class AlertOpenEventSerializer(EventSerializer):
    """The user opened an alert. Needs the sending device's credentials (a 401 without them)."""

    type = serializers.ChoiceField(choices=["alert_open"])
    alert = StrictIntegerField(min_value=1, max_value=MAX_ID, help_text="The alert the user opened.")


EventSchema = PolymorphicProxySerializer(
    component_name="Event",
    serializers={
        "view": ViewEventSerializer,
        "share": ShareEventSerializer,
        "alert_open": AlertOpenEventSerializer,
    },
    resource_type_field_name="type",
)
"""The schema of an event, one variant per type. ``EventSerializer`` validates; these only describe
what its ``validate`` demands (the id a type names is required), which one flat object cannot say."""
