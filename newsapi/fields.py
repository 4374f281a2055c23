"""Serializer fields that name content by its public key: an edition by language code, a section by slug.

The public part of the content app's API plumbing: other apps' endpoints (the devices
API, the alert inbox) take ``?lang=`` and section slugs exactly as the content
endpoints do, with the same errors.

Their OpenAPI schema is an ``enum`` of the codes and slugs in the database, read each time
the schema is generated (drf-spectacular builds it per request), so the schema accepts
exactly what the server does even after an editor adds an edition or a section. The enum
is only ever put on *request* parameters and fields: a response field that names a section
stays a plain string, so an app built from an older schema still decodes a new section.
"""

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from backend.api.params import LookupField
from newsapi.models import Edition, Section
from newsapi.selectors import edition_default, edition_for_code, editions_known

if TYPE_CHECKING:
    from drf_spectacular.openapi import AutoSchema

logger = logging.getLogger(__name__)


class EditionField(LookupField):
    """``?lang=<code>``: a known edition, or the default edition when absent."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("help_text", "Edition language code (see /editions/); the default edition when absent.")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Edition:  # type: ignore[override]  # a lookup returns the row
        code = self.clean_value(data)
        edition = edition_for_code(code)
        if edition is None:
            known = ", ".join(item.code for item in editions_known())
            raise serializers.ValidationError(f"Unknown language {code!r}. Known: {known}.")
        return edition


class SectionField(LookupField):
    """``?section=<slug>``: a known section (sections are shared by every edition)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("help_text", "Section slug (see /sections/).")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Section:  # type: ignore[override]  # a lookup returns the row
        slug = self.clean_value(data)
        section = Section.objects.filter(slug=slug).first()
        if section is None:
            raise serializers.ValidationError(f"Unknown section {slug!r}.")
        return section


class SectionSlugField(serializers.CharField):
    """A section slug as an item of a list (the sections a device follows).

    Validated by the serializer that owns the list, which looks every slug up in one query
    and names all the unknown ones in one message; this class exists so that the schema
    can give the items the same enum as ``SectionField``.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)


class EditionParams(serializers.Serializer[Any]):
    lang = EditionField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("lang") is None:
            edition = edition_default()
            if edition is None:
                raise serializers.ValidationError({"lang": ["No edition is configured."]})
            attrs["lang"] = edition
        return attrs


def edition_codes() -> list[str]:
    """Every edition's code, in the editions' display order."""
    return list(Edition.objects.values_list("code", flat=True))


def section_slugs() -> list[str]:
    """Every section's slug, in display order."""
    return list(Section.objects.values_list("slug", flat=True))


def _lookup_schema(
    field: serializers.CharField, direction: str, read_values: Callable[[], list[str]]
) -> dict[str, Any]:
    """A string schema with the values ``read_values`` returns as its enum on requests; a plain string on responses.

    ``description``, ``minLength`` and the like come from the field through drf-spectacular,
    which adds them to what this returns. Without a readable database (``manage.py check
    --deploy`` generates the schema, possibly before ``migrate``) the enum is left out and a
    warning logged: a schema generated that way is looser than the API.
    """
    schema: dict[str, Any] = {"type": "string"}
    if field.max_length is not None:
        schema["maxLength"] = field.max_length
    if direction != "request":
        return schema
    try:
        schema["enum"] = read_values()
    except DatabaseError as error:
        logger.warning("OpenAPI schema without the %s enum: the database cannot be read (%s)", field.field_name, error)
    return schema


class EditionFieldSchema(OpenApiSerializerFieldExtension):
    """``lang`` / ``language`` in requests: one of the edition codes in the database now."""

    target_class = EditionField

    def map_serializer_field(self, auto_schema: "AutoSchema", direction: Any) -> dict[str, Any]:
        return _lookup_schema(self.target, direction, edition_codes)


class SectionFieldSchema(OpenApiSerializerFieldExtension):
    """``section`` in requests: one of the section slugs in the database now."""

    target_class = SectionField

    def map_serializer_field(self, auto_schema: "AutoSchema", direction: Any) -> dict[str, Any]:
        return _lookup_schema(self.target, direction, section_slugs)


class SectionSlugFieldSchema(OpenApiSerializerFieldExtension):
    """A followed section in a request body: one of the section slugs in the database now."""

    target_class = SectionSlugField

    def map_serializer_field(self, auto_schema: "AutoSchema", direction: Any) -> dict[str, Any]:
        return _lookup_schema(self.target, direction, section_slugs)
