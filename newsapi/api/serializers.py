"""Output shapes of the read API (API.md). Every serializer names its fields."""

from typing import Any

from rest_framework import serializers

from newsapi import search
from newsapi.images import RENDITION_FORMAT
from newsapi.models import Article, Author, Edition, Image, Section, Tag, TextDirection, article_web_url


def _absolute(context: dict[str, Any], url: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


class EditionSerializer(serializers.ModelSerializer[Edition]):
    class Meta:
        model = Edition
        fields = ["code", "name", "dir", "is_default"]
        read_only_fields = fields


class SectionSerializer(serializers.ModelSerializer[Section]):
    name = serializers.CharField(read_only=True, help_text="The section's name in the requested edition.")

    class Meta:
        model = Section
        fields = ["slug", "name", "position"]
        read_only_fields = fields


class SectionRefSerializer(serializers.Serializer[Article]):
    slug = serializers.CharField(source="section.slug")
    name = serializers.CharField(source="section_name")


class TagRefSerializer(serializers.ModelSerializer[Tag]):
    class Meta:
        model = Tag
        fields = ["slug", "name"]
        read_only_fields = fields


class AuthorSerializer(serializers.ModelSerializer[Author]):
    class Meta:
        model = Author
        fields = ["slug", "name"]
        read_only_fields = fields


class RenditionSerializer(serializers.Serializer[Any]):
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    format = serializers.CharField()
    url = serializers.URLField(read_only=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return {
            "width": instance.width,
            "height": instance.height,
            "format": instance.format,
            "url": _absolute(self.context, instance.file.url),
        }


class ImageSerializer(serializers.ModelSerializer[Image]):
    """API.md's image shape. Built directly, like the card that holds it (see ArticleCardSerializer)."""

    url = serializers.URLField(read_only=True)
    renditions = RenditionSerializer(many=True, read_only=True)

    class Meta:
        model = Image
        fields = ["url", "width", "height", "caption", "credit", "alt", "renditions"]
        read_only_fields = fields

    def to_representation(self, instance: Image) -> dict[str, Any]:
        rendition = self.fields["renditions"].child  # type: ignore[attr-defined]
        return {
            "url": _absolute(self.context, instance.file.url),
            "width": instance.width,
            "height": instance.height,
            "caption": instance.caption,
            "credit": instance.credit,
            "alt": instance.alt,
            # The WebP widths the apps choose from; the notification JPEG is the push messages' own.
            "renditions": [
                rendition.to_representation(item)
                for item in instance.renditions.all()
                if item.format == RENDITION_FORMAT
            ],
        }


class ArticleCardSerializer(serializers.ModelSerializer[Article]):
    language = serializers.CharField(source="edition.code", read_only=True)
    dir = serializers.ChoiceField(source="edition.dir", choices=TextDirection.choices, read_only=True)
    section = SectionRefSerializer(source="*", read_only=True)
    tags = TagRefSerializer(many=True, read_only=True)
    image = ImageSerializer(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField(help_text="Canonical web address of the article.")

    class Meta:
        model = Article
        fields = [
            "id", "slug", "language", "dir", "title", "summary", "section", "tags", "image", "credit",
            "is_breaking", "published_at", "updated_at", "url", "reading_time_minutes",
        ]  # fmt: skip
        read_only_fields = fields

    def get_url(self, article: Article) -> str:
        return article_web_url(article)

    def to_representation(self, instance: Article) -> dict[str, Any]:
        """The declared fields, built directly: lists of cards are the API's hot path.

        Generic field-by-field serialisation cost about 0.8 ms a card; this is the same
        output (the declared fields above still drive the OpenAPI schema, and
        tests/backend/test_openapi.py checks real responses against it).
        """
        edition = instance.edition
        return {
            "id": instance.pk,
            "slug": instance.slug,
            "language": edition.code,
            "dir": edition.dir,
            "title": instance.title,
            "summary": instance.summary,
            "section": {"slug": instance.section.slug, "name": instance.section_name},  # type: ignore[attr-defined]
            "tags": [{"slug": tag.slug, "name": tag.name} for tag in instance.tags.all()],
            "image": self.fields["image"].to_representation(instance.image) if instance.image else None,
            "credit": instance.credit,
            "is_breaking": instance.is_breaking,
            "published_at": _DATETIME.to_representation(instance.published_at) if instance.published_at else None,
            "updated_at": _DATETIME.to_representation(instance.updated_at),
            "url": article_web_url(instance),
            "reading_time_minutes": instance.reading_time_minutes,
        }


_DATETIME = serializers.DateTimeField()


class MostReadCardSerializer(ArticleCardSerializer):
    """A most-read card's shape: the card (from ``newsapi.api.cards``) with its count, which the views add."""

    view_count = serializers.IntegerField(read_only=True, help_text="Views counted in the requested window.")

    class Meta(ArticleCardSerializer.Meta):
        fields = [*ArticleCardSerializer.Meta.fields, "view_count"]
        read_only_fields = fields


HIGHLIGHT_HELP = (
    "A short snippet with the words that matched the query in <mark>…</mark>; everything else is HTML-escaped "
    "text, and <mark> is the only tag."
)


class SearchCardSerializer(ArticleCardSerializer):
    """A search result's shape: the card (from ``newsapi.api.cards``) and its ``highlight``
    (``newsapi.search.highlight``), which the search view adds."""

    highlight = serializers.CharField(
        read_only=True,
        help_text=(
            f"{HIGHLIGHT_HELP} Taken from the title, the summary or the body, whichever holds most of the query's "
            "words; the title, unmarked, when only a tag or an author name matched."
        ),
    )

    class Meta(ArticleCardSerializer.Meta):
        fields = [*ArticleCardSerializer.Meta.fields, "highlight"]
        read_only_fields = fields


TITLE_MAX_LENGTH = Article._meta.get_field("title").max_length or 200


class SuggestionSerializer(serializers.Serializer[Any]):
    """A headline offered while the reader types: enough to show it and open it."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    url = serializers.URLField(read_only=True, help_text="Canonical web address of the article.")
    highlight = serializers.CharField(
        read_only=True,
        help_text=(
            "The whole title with the words that matched the query in <mark>…</mark> (none when only the "
            "body, a tag or an author matched); everything else is HTML-escaped text, and <mark> is the only tag."
        ),
    )

    def to_representation(self, instance: Article) -> dict[str, Any]:
        return {
            "id": instance.pk,
            "title": instance.title,
            "url": article_web_url(instance),
            "highlight": search.highlight(
                self.context["lang"], self.context["terms"], [instance.title], length=TITLE_MAX_LENGTH
            ),
        }


class TranslationSerializer(serializers.Serializer[dict[str, Any]]):
    language = serializers.CharField()
    id = serializers.IntegerField()


# ``body`` renders what only the article decides (a fragment, ``newsapi.api.cards``); the detail view adds
# ``related`` and ``translations``, which depend on other articles. (The docstring is the schema's description.)
class ArticleFullSerializer(ArticleCardSerializer):
    """The detail profile: card fields, the sanitised body, authors, related cards, translations."""

    authors = AuthorSerializer(many=True, read_only=True)
    related = ArticleCardSerializer(many=True, read_only=True)
    translations = TranslationSerializer(many=True, read_only=True)

    class Meta(ArticleCardSerializer.Meta):
        fields = [
            *ArticleCardSerializer.Meta.fields, "body_html", "correction_note", "authors", "related", "translations",
        ]  # fmt: skip
        read_only_fields = fields

    def body(self, instance: Article) -> dict[str, Any]:
        """Everything but ``related`` and ``translations``: what only the article itself decides (a fragment)."""
        data = super().to_representation(instance)
        data["body_html"] = instance.body_html
        data["correction_note"] = instance.correction_note
        data["authors"] = [{"slug": author.slug, "name": author.name} for author in instance.authors.all()]
        return data


class ArticleSyncSerializer(ArticleCardSerializer):
    """A live article in the sync feed: everything an offline reader needs to show it."""

    deleted = serializers.BooleanField(default=False, read_only=True)
    authors = AuthorSerializer(many=True, read_only=True)

    class Meta(ArticleCardSerializer.Meta):
        fields = ["deleted", *ArticleCardSerializer.Meta.fields, "body_html", "authors"]
        read_only_fields = fields

    def to_representation(self, instance: Article) -> dict[str, Any]:
        card = super().to_representation(instance)
        authors = [{"slug": author.slug, "name": author.name} for author in instance.authors.all()]
        return {"deleted": False, **card, "body_html": instance.body_html, "authors": authors}


class TombstoneSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField(read_only=True)
    deleted = serializers.BooleanField(read_only=True, default=True)
    reason = serializers.CharField(read_only=True, help_text="Why the article is gone, e.g. unpublished.")
