"""Sitemaps for search engines: an index, one sitemap per edition, and a Google News sitemap.

Built on Django's sitemap framework, with two changes it needs here:

* every location is on ``SITE_URL`` (the canonical address, ``article_web_url``), never the
  host a request came in on: a crawler reaching the origin through a CDN or an internal name
  must still be told the public URLs, and without ``django.contrib.sites`` the framework
  would prepend the request's host to an address that is already absolute;
* the index is computed from one grouped query instead of asking every sitemap for its
  newest item (Django's default walks all items), so it stays cheap at 100,000 articles.

Only published articles appear: drafts, scheduled and withdrawn stories never do, and a
withdrawal takes effect at once (responses are cached under the content version).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase
from django.template.response import TemplateResponse
from django.utils import timezone

from newsapi import selectors
from newsapi.models import Article, Edition, article_web_url
from newsapi.web.discovery_cache import versioned_public

# Google and Bing accept 50,000 URLs per sitemap; smaller pages keep each request one quick query.
SITEMAP_PAGE_SIZE = 5000
# Google News reads articles of the last two days, at most 1,000 per sitemap.
NEWS_WINDOW = timedelta(hours=48)
NEWS_PAGE_SIZE = 1000
SITEMAP_KEYS = ("sitemaps",)


@dataclass(frozen=True)
class SitemapIndexItem:
    """One ``<sitemap>`` of the index, as Django's ``sitemap_index.xml`` template reads it."""

    location: str
    last_mod: datetime | None = None


def _site_url_parts() -> tuple[str, str]:
    """``SITE_URL`` as the framework's (protocol, domain); a path prefix rides along with the domain."""
    protocol, _, domain = settings.SITE_URL.partition("://")
    return protocol, domain


class SiteUrlSitemap(Sitemap[Article]):
    """Articles located on ``SITE_URL``, last modified when their row last changed."""

    limit = SITEMAP_PAGE_SIZE

    def get_protocol(self, protocol: str | None = None) -> str:
        return _site_url_parts()[0]

    def get_domain(self, site: object = None) -> str:
        return _site_url_parts()[1]

    def location(self, item: Article) -> str:
        """The path of ``article_web_url``: the framework puts ``SITE_URL``'s protocol and domain before it."""
        return article_web_url(item).removeprefix(settings.SITE_URL)

    def lastmod(self, item: Article) -> datetime:
        return item.updated_at


class EditionSitemap(SiteUrlSitemap):
    """Every published article of one edition, newest first (so page 1 is the one crawlers revisit)."""

    def __init__(self, edition: Edition) -> None:
        self.edition = edition

    def items(self) -> QuerySet[Article]:
        return selectors.sitemap_articles(edition=self.edition)


class NewsSitemap(SiteUrlSitemap):
    """Articles of every edition published in the last 48 hours, for Google News."""

    limit = NEWS_PAGE_SIZE

    def __init__(self, now: datetime | None = None) -> None:
        self.since = (now or timezone.now()) - NEWS_WINDOW

    def items(self) -> QuerySet[Article]:
        return selectors.news_sitemap_articles(since=self.since)


def _sitemap_url(name: str) -> str:
    return f"{settings.SITE_URL}/sitemap-{name}.xml"


def sitemap_index(request: HttpRequest) -> HttpResponseBase:
    """``/sitemap.xml``: one entry per page of each edition's sitemap, then per page of the Google News sitemap."""

    def render() -> HttpResponseBase:
        entries = []
        for stats in selectors.sitemap_edition_stats():
            url = _sitemap_url(stats["code"])
            entries.append(SitemapIndexItem(url, stats["latest"]))
            for page in range(2, ceil(stats["count"] / SITEMAP_PAGE_SIZE) + 1):
                entries.append(SitemapIndexItem(f"{url}?p={page}", stats["latest"]))
        news = _sitemap_url("news")
        entries.append(SitemapIndexItem(news, None))
        news_count = NewsSitemap().items().count()
        for page in range(2, ceil(news_count / NEWS_PAGE_SIZE) + 1):
            entries.append(SitemapIndexItem(f"{news}?p={page}", None))
        return TemplateResponse(
            request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml; charset=utf-8"
        )

    return versioned_public(request, keys=SITEMAP_KEYS, render=render)


def sitemap_edition(request: HttpRequest, edition: str) -> HttpResponseBase:
    """``/sitemap-<edition>.xml?p=N``: Django's sitemap view over one edition's published articles."""

    def render() -> HttpResponseBase:
        found = Edition.objects.filter(code=edition).first()
        if found is None:
            raise Http404("No edition has this code.")
        # Django's own template gives the day only; a correction the same day must be seen as a change.
        return sitemap_view(
            request, sitemaps={edition: EditionSitemap(found)}, section=edition, template_name="discovery/sitemap.xml"
        )

    return versioned_public(request, keys=[*SITEMAP_KEYS, f"edition-{edition}"], render=render)


def sitemap_news(request: HttpRequest) -> HttpResponseBase:
    """``/sitemap-news.xml``: the Google News sitemap (``news:`` namespace), under the publication's name."""

    def render() -> HttpResponseBase:
        try:
            urls = NewsSitemap().get_urls(page=request.GET.get("p", 1))
        except (EmptyPage, PageNotAnInteger) as exc:
            raise Http404("No such sitemap page.") from exc
        context = {"urlset": urls, "publication_name": settings.SITE_NAME}
        return TemplateResponse(
            request, "discovery/sitemap_news.xml", context, content_type="application/xml; charset=utf-8"
        )

    return versioned_public(request, keys=SITEMAP_KEYS, render=render)
