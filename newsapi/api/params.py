"""The content endpoints' query parameters (the shared ones are in ``newsapi.fields``)."""

from datetime import timedelta
from typing import Any

from rest_framework import serializers
from rest_framework.fields import empty

from backend.api.params import DATE_TIME_HELP, RFC3339DateTimeField, TextField
from newsapi.fields import EditionParams, SectionField
from newsapi.models import AppPlatform

TAG_HELP = (
    "A tag slug of the requested edition, as cards carry it in tags[].slug. Tags are open-ended and "
    "differ per edition, so they are not enumerated here: a slug the edition has no tag for is a 400 "
    "naming `tag` (never an empty list)."
)


class ArticleListParams(EditionParams):
    section = SectionField()
    tag = serializers.CharField(required=False, max_length=80, help_text=TAG_HELP)
    breaking = serializers.BooleanField(required=False, help_text="true for breaking news only, false for the rest.")
    published_after = RFC3339DateTimeField(required=False, help_text=f"Inclusive. {DATE_TIME_HELP}")
    published_before = RFC3339DateTimeField(
        required=False,
        help_text=f"Exclusive; later than published_after when both are given (else a 400). {DATE_TIME_HELP}",
    )

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


class SearchTextField(TextField):
    """A search query: trimmed and validated as any text, but a trailing space is kept (as one).

    It says the last word is complete: the analysis then matches it as a whole word, not as the
    start of one (``newsapi.search_analysis.query_terms``), so "kurd " does not find "kurdistan".
    """

    def run_validation(self, data: Any = empty) -> Any:
        value = super().run_validation(data)
        if value and isinstance(data, str) and data != data.rstrip():
            return f"{value} "
        return value


SEARCH_HELP = (
    "Words to look for, up to 200 characters, in the edition's language: spellings, keyboards (Arabic kaf "
    "and yeh for Kurdish and Persian), inflections and digits of every script meet (docs/api.md, Search). "
    "Every word must be found; the last one may be the start of a word, unless a space or punctuation follows it. "
    "Punctuation is ignored: a text without words finds nothing (an empty list, not an error)."
)
SUGGEST_MIN_LENGTH = 2


class SearchParams(EditionParams):
    q = SearchTextField(max_length=200, help_text=SEARCH_HELP)
    section = SectionField()


class SuggestParams(EditionParams):
    q = SearchTextField(
        min_length=SUGGEST_MIN_LENGTH,
        max_length=200,
        help_text=f"What the reader has typed so far: at least {SUGGEST_MIN_LENGTH} characters. {SEARCH_HELP}",
    )


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
