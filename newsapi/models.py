"""The content domain: editions (languages), sections, tags, authors, images, articles."""

import math
import uuid
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.encoding import iri_to_uri

from backend import content_version
from backend.history import Revisions
from newsapi import search
from newsapi.sanitize import html_to_text, sanitize_html

WORDS_PER_MINUTE = 200


class TextDirection(models.TextChoices):
    LTR = "ltr", "left to right"
    RTL = "rtl", "right to left"


class Edition(models.Model):
    """A language edition of the publication (English, Sorani, Arabic, ...)."""

    code = models.CharField(
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$", "Use a BCP 47 code such as en or ckb.")],
        help_text="BCP 47 language code, e.g. en, ckb, ar.",
    )
    name = models.CharField(max_length=64, help_text="The language's name in that language.")
    dir = models.CharField(max_length=3, choices=TextDirection.choices, default=TextDirection.LTR)
    is_default = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_edition")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Section(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    auto_alert = models.BooleanField(default=False, help_text="Publishing a breaking article here queues a push alert.")

    history = Revisions()

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.slug


class SectionName(models.Model):
    """A section's name in one edition's language."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="names")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=64)

    history = Revisions()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["section", "edition"], name="one_name_per_section_edition")]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="tags")
    slug = models.SlugField(max_length=80, allow_unicode=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["edition", "slug"], name="unique_tag_slug_per_edition")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A renamed tag re-indexes its articles for search (their index holds the names)."""
        renamed = self.pk is not None and Tag.objects.filter(pk=self.pk).exclude(name=self.name).exists()
        super().save(*args, **kwargs)
        if renamed:
            search.reindex(Article.objects.filter(tags=self))


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)
    bio = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A renamed author re-indexes their articles for search (their index holds the names)."""
        renamed = self.pk is not None and Author.objects.filter(pk=self.pk).exclude(name=self.name).exists()
        super().save(*args, **kwargs)
        if renamed:
            search.reindex(Article.objects.filter(authors=self))


class Image(models.Model):
    file = models.ImageField(upload_to="images/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    caption = models.CharField(max_length=300, blank=True)
    credit = models.CharField(max_length=120, blank=True, help_text="Who owns the picture, e.g. Reuters.")
    alt = models.CharField(max_length=300, blank=True, help_text="What the picture shows, for screen readers.")
    created_at = models.DateTimeField(auto_now_add=True)

    history = Revisions()

    def __str__(self) -> str:
        return self.caption or self.file.name


class ImageRendition(models.Model):
    """A resized copy of an image for one screen width."""

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=8, default="webp")
    file = models.ImageField(upload_to="renditions/%Y/%m/")

    class Meta:
        ordering = ["width"]
        constraints = [models.UniqueConstraint(fields=["image", "width", "format"], name="one_rendition_per_size")]

    def __str__(self) -> str:
        return f"image {self.image_id} at {self.width}px ({self.format})"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self, at: Any = None) -> "ArticleQuerySet":
        """The only articles a reader may ever see (as of ``at``, now when None; a ``backend.compiled.Param`` too)."""
        return self.filter(status=ArticleStatus.PUBLISHED, published_at__lte=timezone.now() if at is None else at)


class Article(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="articles")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, allow_unicode=True)
    summary = models.CharField(max_length=400, blank=True)
    body_html = models.TextField(blank=True, help_text="Sanitised on every save.")
    body_text = models.TextField(blank=True, editable=False)
    reading_time_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    authors = models.ManyToManyField(Author, blank=True, related_name="articles")
    credit = models.CharField(max_length=120, blank=True, help_text="Source line, e.g. Reuters.")
    image = models.ForeignKey(Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_breaking = models.BooleanField(default=False)
    send_alert = models.BooleanField(
        default=True,
        help_text=(
            "When a breaking article in an auto-alert section is published, push an alert. Untick to publish quietly."
        ),
    )
    status = models.CharField(max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT, editable=False)
    publish_at = models.DateTimeField(null=True, blank=True, help_text="When a scheduled article goes live.")
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    unpublished_reason = models.CharField(max_length=200, blank=True, editable=False)
    correction_note = models.CharField(
        max_length=500,
        blank=True,
        help_text="Shown to readers under a corrected story, e.g. “An earlier version gave the wrong death toll.”",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="Who wrote the first draft: a reporter may edit only their own drafts.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    translation_group = models.UUIDField(
        default=uuid.uuid4, db_index=True, help_text="Articles sharing this id are translations of one story."
    )
    # The search index (newsapi.search): derived in Python from the text, the tags' and the authors' names.
    search_names = models.TextField(blank=True, editable=False)
    search_terms = models.TextField(blank=True, editable=False)
    search_prefixes = models.TextField(blank=True, editable=False)
    search_title = models.TextField(blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()
    # Versions are recorded by the services (who, why); derived columns are not part of a version.
    history = Revisions(excluded_fields=["body_text", *search.SEARCH_INDEX_FIELDS], m2m_fields=["tags", "authors"])

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [("publish_article", "Can publish, schedule, withdraw and correct published articles")]
        indexes = [
            models.Index(fields=["edition", "status", "-published_at", "-id"], name="article_feed"),
            models.Index(fields=["edition", "updated_at", "id"], name="article_sync"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["edition", "slug"], name="unique_article_slug_per_edition"),
            models.CheckConstraint(
                condition=~Q(status=ArticleStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="published_article_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        self.body_html = sanitize_html(self.body_html)
        self.body_text = html_to_text(self.body_html)
        self.reading_time_minutes = max(1, math.ceil(len(self.body_text.split()) / WORDS_PER_MINUTE))
        self.updated_at = timezone.now()
        # The stored names are the tags' and authors' as last indexed (refresh_search_index): no read here.
        index = search.index_article(self, self.search_names.splitlines())
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {  # type: ignore[misc]
                *update_fields, "body_html", "body_text", "reading_time_minutes", "updated_at",
                *search.SEARCH_TEXT_FIELDS,
            }  # fmt: skip
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        ContentVersion.bump()
        self._write_search_index(index, columns=False)

    def refresh_search_index(self) -> None:
        """Index the article again after its tags or authors changed (``tags.set``, ``authors.set``).

        One read of their names and one UPDATE; ``save`` re-indexes the article's own text by itself.
        """
        names = (
            Tag.objects.filter(articles=self).order_by().annotate(kind=models.Value(0)).values_list("kind", "name")
        ).union(
            Author.objects.filter(articles=self).order_by().annotate(kind=models.Value(1)).values_list("kind", "name"),
            all=True,
        )
        index = search.index_article(self, [name for _, name in names.order_by("kind", "name")])
        self._write_search_index(index, columns=True)

    def _write_search_index(self, index: search.ArticleIndex, *, columns: bool) -> None:
        """Store ``index`` (the text columns too with ``columns``; ``save`` wrote them with the row) and,
        on PostgreSQL, the vector built from it: one UPDATE, the index's only write besides the row's own."""
        changes: dict[str, Any] = index.columns() if columns else {}
        if connection.vendor == "postgresql":
            changes["search_vector"] = search.vector(index)
        if changes:
            Article.objects.filter(pk=self.pk).update(**changes)


class ContentVersion(models.Model):
    """One counter that every article save moves, in the saving transaction.

    Server-side response caches are keyed by it, so a withdrawal changes every key
    the moment it commits; a counter (not the newest ``updated_at``) cannot be
    fooled by two servers' clocks disagreeing. Reads take it from the cache, where
    ``backend.content_version`` publishes a new label when it moves (and after commit).
    """

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def bump(cls) -> None:
        if not cls.objects.filter(pk=1).update(value=models.F("value") + 1):
            cls.objects.get_or_create(pk=1)
        content_version.changed()

    @classmethod
    def current(cls) -> int:
        value = cls.objects.filter(pk=1).values_list("value", flat=True).first()
        return value or 0


class ArticleViewCount(models.Model):
    """How often an article was read in one hour (UTC), from the apps' view beacons.

    Written only by ``services.article_views_record`` (one upsert per batch); the
    edition is copied from the article so "most read in this edition" is one index range.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="view_counts")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField(help_text="Start of the hour (UTC) the views fell in.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "hour"], name="one_view_count_per_article_hour")]
        # Covering (PostgreSQL): "most read" and the dashboard sum an edition's hours from the index alone,
        # never visiting the table (72 ms to 14 ms for a day of 1M views over 15,000 articles).
        indexes = [
            models.Index(fields=["edition", "hour"], include=["article", "count"], name="view_count_edition_hour")
        ]

    def __str__(self) -> str:
        return f"article {self.article_id} at {self.hour:%Y-%m-%d %H}:00: {self.count}"


def article_web_url(article: Article) -> str:
    """The article's canonical address on the publisher's web site."""
    return iri_to_uri(f"{settings.SITE_URL}/{article.edition.code}/{article.section.slug}/{article.pk}/{article.slug}/")


def absolute_media_url(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else f"{settings.SITE_URL}{url}"


class AppPlatform(models.TextChoices):
    ANDROID = "android", "Android"
    IOS = "ios", "iOS"


class AppRelease(models.Model):
    """Store link and version rules for one app platform, editable in the admin."""

    platform = models.CharField(max_length=8, choices=AppPlatform.choices, unique=True)
    store_url = models.URLField()
    latest_version = models.CharField(max_length=32, validators=[RegexValidator(r"^\d+(\.\d+){0,3}$")])
    min_supported_version = models.CharField(max_length=32, validators=[RegexValidator(r"^\d+(\.\d+){0,3}$")])
    feature_flags = models.JSONField(default=dict, blank=True, help_text='e.g. {"live_blogs": true}')
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.get_platform_display()


class ArticleDailyViewCount(models.Model):
    """How often an article was read in one UTC day: hourly ``ArticleViewCount`` rows once they are old.

    Written only by ``newsapi.retention.article_views_roll_up``, which moves whole days older than
    ``VIEW_COUNTS_HOURLY_DAYS`` here and deletes their hourly rows in the same transaction, so a
    view is counted in exactly one of the two tables. Total views of a day = its daily row plus any
    hourly rows of that day still left (``newsapi.retention.article_views_by_day`` reads both).
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_view_counts")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(help_text="The UTC day the views fell in.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "day"], name="one_view_count_per_article_day")]
        indexes = [models.Index(fields=["edition", "day"], name="daily_view_count_edition_day")]

    def __str__(self) -> str:
        return f"article {self.article_id} on {self.day:%Y-%m-%d}: {self.count}"
