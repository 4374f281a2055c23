"""Query-parameter validation: an unknown value is a 400 naming the parameter, never an empty list."""

from datetime import timedelta
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from newsapi.models import AppPlatform, Edition, Section
from newsapi.selectors import edition_default


class _LookupField(serializers.CharField):
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


class EditionField(_LookupField):
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


class SectionField(_LookupField):
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


class ArticleListParams(EditionParams):
    section = SectionField()
    tag = serializers.CharField(required=False, max_length=80, help_text="Tag slug in the requested edition.")
    breaking = serializers.BooleanField(required=False, help_text="true for breaking news only, false for the rest.")
    published_after = serializers.DateTimeField(required=False, help_text="ISO 8601, inclusive.")
    published_before = serializers.DateTimeField(required=False, help_text="ISO 8601, exclusive.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        after, before = attrs.get("published_after"), attrs.get("published_before")
        if after and before and after >= before:
            raise serializers.ValidationError({"published_before": ["Must be later than published_after."]})
        slug = attrs.pop("tag", None)
        if slug is not None:
            tag = attrs["lang"].tags.filter(slug=slug).first()
            if tag is None:
                raise serializers.ValidationError({"tag": [f"Unknown tag {slug!r} in this edition."]})
            attrs["tag"] = tag
        return attrs


class SearchParams(EditionParams):
    q = serializers.CharField(max_length=200, help_text="Words to look for (web search syntax on PostgreSQL).")
    section = SectionField()


MOST_READ_WINDOWS = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7)}


class MostReadParams(EditionParams):
    window = serializers.ChoiceField(
        choices=list(MOST_READ_WINDOWS), default="24h", help_text="How far back views count: 1h, 24h or 7d."
    )
    section = SectionField()
    page_size = serializers.IntegerField(
        min_value=1, max_value=100, default=10, help_text="How many articles, 1 to 100 (default 10)."
    )


class AppConfigParams(serializers.Serializer[Any]):
    platform = serializers.ChoiceField(choices=AppPlatform.choices)
    version = serializers.RegexField(
        r"^[0-9]{1,5}(\.[0-9]{1,5}){0,3}$",
        required=False,
        max_length=32,
        help_text="The app's version, e.g. 2.4.1.",
        error_messages={"invalid": "Use a dotted version number such as 2.4.1."},
    )


def validated(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    """Validate the query string, or raise a 400 naming each bad parameter."""
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
