"""Serializer fields that name content by its public key: an edition by language code, a section by slug.

The public part of the content app's API plumbing: other apps' endpoints (the devices
API, the alert inbox) take ``?lang=`` and section slugs exactly as the content
endpoints do, with the same errors.
"""

from typing import Any

from rest_framework import serializers

from backend.api.params import LookupField
from newsapi.models import Edition, Section
from newsapi.selectors import edition_default


class EditionField(LookupField):
    """``?lang=<code>``: a known edition, or the default edition when absent."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("help_text", "Edition language code (see /editions/); the default edition when absent.")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Edition:  # type: ignore[override]  # a lookup returns the row
        code = self.clean_value(data)
        edition = Edition.objects.filter(code=code).first()
        if edition is None:
            known = ", ".join(Edition.objects.values_list("code", flat=True))
            raise serializers.ValidationError(f"Unknown language {code!r}. Known: {known}.")
        return edition


class SectionField(LookupField):
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


class EditionParams(serializers.Serializer[Any]):
    lang = EditionField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("lang") is None:
            edition = edition_default()
            if edition is None:
                raise serializers.ValidationError({"lang": ["No edition is configured."]})
            attrs["lang"] = edition
        return attrs
