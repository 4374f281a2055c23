"""Request plumbing: an unknown value is a 400 naming the parameter, never an empty list; a value the
schema calls invalid is refused, so that the OpenAPI schema says exactly what the server accepts."""

import re
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from typing import TYPE_CHECKING, Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers
from rest_framework.request import Request

if TYPE_CHECKING:
    from drf_spectacular.openapi import AutoSchema

# The characters Python's str.strip() removes (str.isspace()), which is what DRF's CharField trims.
# Spelled out because a JSON Schema pattern is an ECMA-262 regex, whose \s is a different set.
PYTHON_WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# What a CharField (trim_whitespace, allow_blank=False) takes: no NUL, and something left after trimming.
NOT_BLANK_PATTERN = rf"^[^\x00]*[^\x00{PYTHON_WHITESPACE}][^\x00]*$"


class LookupField(serializers.CharField):
    """A slug-like parameter resolved to a row; subclasses say how."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.validators = []  # the lookup is the validation; max_length is checked before it

    def clean_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if "\x00" in value:  # PostgreSQL text cannot hold NUL: the lookup would fail with a DataError
            raise serializers.ValidationError("Null characters are not allowed.")
        if self.max_length is not None and len(value) > self.max_length:
            raise serializers.ValidationError(f"At most {self.max_length} characters.")
        return value


class TextField(serializers.CharField):
    """Free text from a request (a search query): DRF's CharField, with a schema that says what it takes.

    The schema's ``minLength: 1`` alone would admit "   ", which the field trims to nothing
    and refuses as blank; ``NOT_BLANK_PATTERN`` says "not only whitespace, and no NUL". A
    ``min_length`` counts after trimming too: ``not_blank_pattern`` says so.
    """


def not_blank_pattern(min_length: int = 1) -> str:
    """Text with no NUL that is at least ``min_length`` long once trimmed: its first and last non-whitespace
    characters are at least ``min_length`` apart (counting both)."""
    if min_length <= 1:
        return NOT_BLANK_PATTERN
    edge = rf"[^\x00{PYTHON_WHITESPACE}]"
    return rf"^[^\x00]*{edge}[^\x00]{{{min_length - 2},}}{edge}[^\x00]*$"


class RequestPatternSchema(OpenApiSerializerFieldExtension):
    """drf-spectacular's schema for the field, plus ``request_pattern()`` on requests (never on responses).

    Subclasses set ``target_class`` and ``pattern``, or override ``request_pattern``.
    """

    pattern: str | None = None

    def request_pattern(self) -> str | None:
        return self.pattern

    def map_serializer_field(self, auto_schema: "AutoSchema", direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        pattern = self.request_pattern() if direction == "request" else None
        if pattern is not None:
            schema["pattern"] = pattern
        return schema


class TextFieldSchema(RequestPatternSchema):
    target_class = TextField
    match_subclasses = True

    def request_pattern(self) -> str | None:
        return None if self.target.allow_blank else not_blank_pattern(self.target.min_length or 1)


class PatternField(serializers.CharField):
    """Text that must match ``pattern`` as a whole; the schema carries the same pattern.

    Write the pattern anchored (``^…$``) so that JSON Schema, whose regexes are unanchored
    ECMA-262 ones, reads it the same way. It is matched with ``fullmatch`` because Python's
    ``$`` also matches before a trailing newline, which the schema's does not.
    """

    default_error_messages = {"invalid": "This value does not have the expected format."}

    def __init__(self, pattern: str, **kwargs: Any) -> None:
        self.pattern = pattern
        self.regex = re.compile(pattern)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):  # CharField would take a JSON number as its digits
            self.fail("invalid")
        value = super().to_internal_value(data)
        if not self.regex.fullmatch(value):
            self.fail("invalid")
        return value


class PatternFieldSchema(OpenApiSerializerFieldExtension):
    """The pattern; with ``allow_blank``, a blank value (one the field trims to "") as the alternative.

    drf-spectacular adds ``maxLength``/``minLength`` to a plain string schema itself, and would
    give a blank-allowing one the alternative ``maxLength: 0``, which says "   " is invalid.
    """

    target_class = PatternField

    def map_serializer_field(self, auto_schema: "AutoSchema", direction: Any) -> dict[str, Any]:
        field: PatternField = self.target
        schema: dict[str, Any] = {"type": "string", "pattern": field.pattern}
        if not field.allow_blank:
            return schema
        if field.max_length is not None:
            schema["maxLength"] = field.max_length
        if field.min_length is not None:
            schema["minLength"] = field.min_length
        blank = f"^[{PYTHON_WHITESPACE}]*$" if field.trim_whitespace else "^$"
        return {"oneOf": [schema, {"type": "string", "pattern": blank}]}


# JSON request bodies: a value must have the JSON type the schema gives it. DRF's fields also take
# other types (0, "yes" or "on" for a boolean; "5" for an integer), which no schema-built client
# sends and which the schema would have to call invalid.


class StrictBooleanField(serializers.BooleanField):
    """JSON ``true`` or ``false``, nothing else."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON number with no fractional part (5 or 5.0), not a string or a boolean."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            self.fail("invalid")
        return super().to_internal_value(data)


# RFC 3339's date-time, which is what the schema's `format: date-time` means: an offset is required.
# Upper-case T and Z only (RFC 3339 also allows t and z, which DRF never took): the schema's pattern says so.
RFC3339_DATE_TIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
RFC3339_DATE_TIME = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})T(?P<time>[0-9]{2}:[0-9]{2}:[0-9]{2})(?:\.(?P<fraction>[0-9]+))?"
    r"(?:(?P<utc>Z)|(?P<sign>[+-])(?P<offset_hours>[01][0-9]|2[0-3]):(?P<offset_minutes>[0-5][0-9]))"
)
DATE_TIME_HELP = (
    "RFC 3339 date-time with offset, e.g. 2025-05-09T15:38:00Z or 2025-05-09T18:38:00+03:00 "
    "(no leap second). An instant outside 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z is a 400."
)


class RFC3339DateTimeField(serializers.DateTimeField):
    """An RFC 3339 date-time with upper-case T and Z: exactly what the schema's ``format: date-time``
    and ``pattern`` admit.

    DRF's DateTimeField parses with ``datetime.fromisoformat``, which also takes ISO 8601 forms
    the schema calls invalid (a bare date, no offset, week dates) and reads a missing offset
    as the server's time zone; the contract wants an offset. Digits past microseconds are cut.
    """

    default_error_messages = {
        "invalid": "Use an RFC 3339 date-time with offset, e.g. 2025-05-09T15:38:00Z.",
    }

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, datetime):  # a default, or a caller passing Python values
            return super().to_internal_value(value)
        match = RFC3339_DATE_TIME.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            self.fail("invalid")
        offset = timedelta(0)
        if not match["utc"]:
            offset = timedelta(hours=int(match["offset_hours"]), minutes=int(match["offset_minutes"]))
            offset = -offset if match["sign"] == "-" else offset
        microseconds = (match["fraction"] or "")[:6].ljust(6, "0")
        try:
            parsed = datetime.fromisoformat(f"{match['date']}T{match['time']}.{microseconds}")
        except ValueError:  # February 30th, 24:00, a leap second
            self.fail("invalid")
        return super().to_internal_value(parsed.replace(tzinfo=dt_timezone(offset)))  # may be "out of range"


class RFC3339DateTimeFieldSchema(RequestPatternSchema):
    target_class = RFC3339DateTimeField
    pattern = RFC3339_DATE_TIME_PATTERN


def validated(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    """Validate the query string, or raise a 400 naming each bad parameter.

    The values are read with ``QueryDict.dict()`` (the last of repeated values), so an empty
    value (``?lang=``) is validated like any other and refused where the field does not allow
    blank; compare ``backend.api.pagination``, where an empty ``page_size`` or ``cursor`` means absent.
    """
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
