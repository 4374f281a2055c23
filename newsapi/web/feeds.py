"""RSS and Atom feeds per edition and per section, with Django's syndication framework.

Each feed holds the newest published articles (never drafts, scheduled or withdrawn ones),
in the edition's language, linking to the canonical ``article_web_url``. The hero image,
when there is one, travels as an enclosure (``<enclosure>`` in RSS, ``rel="enclosure"`` in
Atom), which feed readers and aggregators show as the story's picture; the section and tags
are its categories, and the byline its author.
"""

import mimetypes
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, SyndicationFeed

from newsapi import selectors
from newsapi.models import Article, Edition, Section, absolute_media_url, article_web_url
from newsapi.web.discovery_cache import versioned_public

FEED_LIMIT = 50


@dataclass(frozen=True)
class FeedSubject:
    """What one feed is about: an edition, or one section of it (``section_name`` in that edition's language)."""

    edition: Edition
    section: Section | None = None
    section_name: str = ""


class RssArticleFeed(Feed[Article, FeedSubject]):
    """The RSS 2.0 feed; the Atom one differs only in its generator and path."""

    feed_type: type[SyndicationFeed] = Rss201rev2Feed
    kind = "rss"

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> FeedSubject:
        edition = Edition.objects.filter(code=str(kwargs["edition"])).first()
        if edition is None:
            raise Http404("No edition has this code.")
        # The framework reads ``language`` off the feed object; a feed is built per request, so this is safe.
        self.language = edition.code
        slug = kwargs.get("section")
        if slug is None:
            return FeedSubject(edition=edition)
        section = selectors.section_for_edition(edition=edition, slug=str(slug))
        if section is None:
            raise Http404("No section has this slug.")
        return FeedSubject(edition=edition, section=section, section_name=section.name)  # type: ignore[attr-defined]

    def title(self, obj: FeedSubject) -> str:
        parts = [settings.SITE_NAME, obj.edition.name]
        if obj.section is not None:
            parts.append(obj.section_name)
        return " · ".join(parts)

    def link(self, obj: FeedSubject) -> str:
        path = f"/{obj.edition.code}/" + (f"{obj.section.slug}/" if obj.section is not None else "")
        return f"{settings.SITE_URL}{path}"

    def feed_url(self, obj: FeedSubject) -> str:
        return f"{self.link(obj)}feed/{self.kind}/"

    def description(self, obj: FeedSubject) -> str:
        return self.title(obj)

    def items(self, obj: FeedSubject) -> list[Article]:
        return selectors.feed_articles(edition=obj.edition, section=obj.section, limit=FEED_LIMIT)

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary

    def item_link(self, item: Article) -> str:
        return article_web_url(item)

    def item_pubdate(self, item: Article) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> datetime:
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        """The byline, or the publication for agency copy without one (Atom requires an author)."""
        return ", ".join(author.name for author in item.authors.all()) or settings.SITE_NAME

    def item_categories(self, item: Article) -> list[str]:
        """The section in the edition's language, then the tags: ``<category>`` in RSS, ``<category term>`` in Atom."""
        return [item.section_name, *(tag.name for tag in item.tags.all())]  # type: ignore[attr-defined]

    def item_enclosures(self, item: Article) -> list[Enclosure]:
        """The hero image by its URL; its size is given as 0 (unknown) rather than asking the storage per item."""
        if item.image is None or not item.image.file:
            return []
        mime_type = mimetypes.guess_type(item.image.file.name)[0] or "image/jpeg"
        return [Enclosure(absolute_media_url(item.image.file.url), "0", mime_type)]


class AtomArticleFeed(RssArticleFeed):
    feed_type = Atom1Feed
    kind = "atom"

    def subtitle(self, obj: FeedSubject) -> str:
        return self.description(obj)


def _feed_response(
    request: HttpRequest, feed: type[RssArticleFeed], edition: str, section: str | None
) -> HttpResponseBase:
    keys = ["feeds", f"articles-{edition}", f"edition-{edition}"] + ([f"section-{section}"] if section else [])
    return versioned_public(request, keys=keys, render=lambda: feed()(request, edition=edition, section=section))


def feed_rss(request: HttpRequest, edition: str, section: str | None = None) -> HttpResponseBase:
    return _feed_response(request, RssArticleFeed, edition, section)


def feed_atom(request: HttpRequest, edition: str, section: str | None = None) -> HttpResponseBase:
    return _feed_response(request, AtomArticleFeed, edition, section)
