"""The web edition's pages: server-rendered from the same selectors, pagination and caching as the read API.

Each page is rendered at once inside its edition's language and the newsroom's time zone
(a ``TemplateResponse`` left to render later would render after both are reset), then goes
through the API's response cache and caching headers: a withdrawal moves the content
version, so no page holding a withdrawn story is served again from here. Browsers are told to
revalidate every time (``s-maxage`` for shared caches only): no purge reaches a browser. Error pages (400,
404, 410) are rendered in the edition's language and never marked public.
"""

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_safe
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from backend.api.errors import api_handler404, is_api_request
from backend.api.http_cache import public_cache
from backend.api.pagination import Keyset, Narrowing, Page, paginate
from backend.api.response_cache import cached_or_render
from backend.newsroom_time import newsroom_time_zone
from newsapi import search, selectors
from newsapi.api.params import SearchParams
from newsapi.api.views import FEED, SEARCH
from newsapi.images import RENDITION_FORMAT
from newsapi.models import AppPlatform, Article, Edition, Image, Tag, absolute_media_url, article_web_url

# The seed page's "03:38 PM - 2025-05-09"; each language's catalog gives its own order (Django date format).
TIME_FORMAT = pgettext_lazy("date format of article times", "h:i A - Y-m-d")
LOGO = "newsapi/web/logo.svg"
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _edition(code: str) -> Edition:
    """The edition named in the path; an unknown code goes to the project's 404 handler (problem+json for /api/)."""
    edition = selectors.edition_list().filter(code=code).first()
    if edition is None:
        raise Http404("No edition has this code.")
    return edition


def reader_edition(request: HttpRequest) -> Edition | None:
    """The edition in the language the reader's browser asks for first, else the default edition.

    ``Accept-Language`` ranges are tried by their weight, each by its full tag and then its
    base language (``ckb-IQ`` finds ``ckb``); ``*`` and unknown languages fall through.
    """
    editions = list(selectors.edition_list())
    if not editions:
        return None
    by_code = {edition.code.lower(): edition for edition in editions}
    for tag in _accepted_languages(request.headers.get("Accept-Language", "")):
        found = by_code.get(tag) or by_code.get(tag.split("-")[0])
        if found is not None:
            return found
    return next((edition for edition in editions if edition.is_default), editions[0])


def _accepted_languages(header: str) -> list[str]:
    """The language tags of an ``Accept-Language`` header, most wanted first (RFC 9110 section 12.5.4)."""
    weighted = []
    for position, item in enumerate(header[:500].split(",")):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and weight > 0:
            weighted.append((-weight, position, tag.lower()))
    return [tag for _, _, tag in sorted(weighted)]


@require_safe
def site_root(request: HttpRequest) -> HttpResponseBase:
    """``/``: the front page of the reader's edition (a temporary redirect, as it depends on the browser)."""
    edition = reader_edition(request)
    if edition is None:
        raise Http404("No edition exists yet.")
    response = HttpResponseRedirect(f"/{edition.code}/")
    response["Vary"] = "Accept-Language"
    response["Cache-Control"] = "private, max-age=0"
    return response


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponseBase:
    """The project's 404: problem+json under ``/api/``, else a page in the reader's edition's language.

    Reached for addresses no route takes and for an edition code that names no edition
    (``/xx/``); the language is the browser's when an edition has it, else the default's.
    """
    edition = None if is_api_request(request) else reader_edition(request)
    if edition is None:
        return api_handler404(request, exception)
    response = _error(request, edition, 404)
    response["Vary"] = "Accept-Language"
    return response


def _site_frame(edition: Edition) -> dict[str, Any]:
    """What every page around the story shows: the section menu in the edition's language and the store links
    (the admin's app releases, else the settings the API falls back on).

    Both change a few times a year, so they are kept in the shared cache for ``API_CACHE_MAX_AGE``
    (the time a reader's page may already be that old) instead of two queries on every page.
    """
    key = f"web-frame:{edition.code}"
    frame: dict[str, Any] | None = cache.get(key)
    if frame is None:
        releases = selectors.app_releases()
        apps = {}
        for platform in (AppPlatform.ANDROID, AppPlatform.IOS):
            release = releases.get(platform)
            apps[str(platform)] = {
                "url": release.store_url if release else settings.APP_STORE_URLS[platform],
                "version": release.latest_version if release else settings.APP_LATEST_VERSION[platform],
            }
        code = edition.code
        frame = {
            "apps": apps,
            # Addresses reversed once here, not by {% url %} on every page.
            "links": {
                "home": reverse("web-home", args=[code]),
                "search": reverse("web-search", args=[code]),
                "rss": reverse("feed-edition-rss", args=[code]),
                "atom": reverse("feed-edition-atom", args=[code]),
            },
            "nav_sections": [
                {"slug": item.slug, "name": item.name, "path": reverse("web-section", args=[code, item.slug])}  # type: ignore[attr-defined]
                for item in selectors.section_list(edition=edition)
            ],
        }
        cache.set(key, frame, settings.API_CACHE_MAX_AGE)
    return frame


def _render(
    request: HttpRequest,
    edition: Edition,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    frame: dict[str, Any] | None = None,
) -> TemplateResponse:
    """Render ``template`` now, in ``edition``'s language and direction and the newsroom's clock."""
    frame = frame or _site_frame(edition)
    base = {
        "edition": edition,
        "site_name": settings.SITE_NAME,
        "nav_sections": frame["nav_sections"],
        "links": frame["links"],
        "apps": frame["apps"],
        "time_format": TIME_FORMAT,
    }
    with translation.override(edition.code), timezone.override(newsroom_time_zone()):
        response = TemplateResponse(request, template, {**base, **context}, status=status)
        response.render()
    response["Content-Language"] = edition.code
    return response


def _error(request: HttpRequest, edition: Edition, status: int) -> TemplateResponse:
    return _render(request, edition, "web/error.html", {"status": status}, status=status)


def _picture(image: Image | None) -> dict[str, Any] | None:
    """An ``<img>``'s attributes: the WebP renditions as ``srcset``, and the size of ``src`` so nothing jumps."""
    if image is None:
        return None
    renditions = [item for item in image.renditions.all() if item.format == RENDITION_FORMAT]
    if renditions:
        default = max((item for item in renditions if item.width <= 1024), key=lambda item: item.width, default=None)
        default = default or renditions[0]
        largest = max(renditions, key=lambda item: item.width)
        src, width, height = default.file.url, default.width, default.height
        srcset = ", ".join(f"{item.file.url} {item.width}w" for item in renditions)
        share = largest.file.url
    else:
        src, width, height, srcset, share = image.file.url, image.width, image.height, "", image.file.url
    return {
        "src": src,
        "srcset": srcset,
        "width": width,
        "height": height,
        "alt": image.alt,
        "caption": image.caption,
        "credit": image.credit,
        "share_url": absolute_media_url(share),
    }


def _cards(articles: list[Article]) -> list[Article]:
    """Give each card its picture's attributes (``card.picture``) for the card template."""
    for article in articles:
        article.picture = _picture(article.image)  # type: ignore[attr-defined]
        article.path = urlsplit(article_web_url(article)).path  # type: ignore[attr-defined]
    return articles


def _keys(edition: Edition, *keys: str, articles: Sequence[Article] = ()) -> list[str]:
    """The API's surrogate keys (a purge of an article or edition reaches its pages too), plus ``web``."""
    return ["web", *keys, f"edition-{edition.code}", *(f"article-{article.pk}" for article in articles)]


def _json_ld(data: dict[str, Any]) -> SafeString:
    """JSON for a ``<script type="application/ld+json">`` block: no ``</script>`` can end it early."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES))  # noqa: S308


def _most_read(edition: Edition, version: str) -> list[dict[str, Any]]:
    """The edition's "Most read" titles and paths, shared by every article page for ``API_CACHE_MAX_AGE``.

    Kept under the content version, which every publish and withdrawal moves: a withdrawn story
    leaves the list at once, while new views reorder it within the minute, as the API's does.
    """
    key = f"web-most-read:{edition.code}:{version}"
    entries: list[dict[str, Any]] | None = cache.get(key)
    if entries is None:
        ranking = selectors.most_read_ranking(
            edition=edition, window=selectors.HOME_MOST_READ_WINDOW, limit=selectors.HOME_MOST_READ
        )
        entries = [
            {"id": article.pk, "title": article.title, "path": urlsplit(article_web_url(article)).path}
            for article in selectors.article_titles_ranked(ranking=ranking)
        ]
        cache.set(key, entries, settings.API_CACHE_MAX_AGE)
    return entries


@require_safe
def home_page(request: HttpRequest, edition: str) -> HttpResponseBase:
    current = _edition(edition)
    return cached_or_render(request, lambda: _home(request, current))


def _home(request: HttpRequest, edition: Edition) -> TemplateResponse:
    feed = selectors.home_feed(edition=edition)
    rails = [{"section": rail["section"], "articles": _cards(rail["articles"])} for rail in feed["sections"]]
    context = {
        "breaking": _cards(feed["breaking"]),
        "top": _cards(feed["top"]),
        "rails": rails,
        "most_read": _cards(feed["most_read"]),
        "canonical": f"{settings.SITE_URL}/{edition.code}/",
    }
    response = _render(request, edition, "web/home.html", context)
    # No Last-Modified, as the API's home: the breaking strip and most read change with the clock.
    public_cache(response, keys=_keys(edition, f"home-{edition.code}", articles=feed["top"]), browsers_revalidate=True)
    return response


@require_safe
def article_page(request: HttpRequest, edition: str, section: str, pk: int, slug: str = "") -> HttpResponseBase:
    version = selectors.content_version()
    return cached_or_render(request, lambda: _article(request, edition, section, pk, slug, version))


def _article(request: HttpRequest, code: str, section: str, pk: int, slug: str, version: str) -> HttpResponseBase:
    article = selectors.article_detail(article_id=pk)
    if article is None:
        withdrawn = selectors.article_withdrawn(article_id=pk)
        if withdrawn is not None:
            return _render(request, withdrawn.edition, "web/gone.html", {}, status=410)
        return _error(request, _edition(code), 404)
    canonical = article_web_url(article)
    if (code, section, slug) != (article.edition.code, article.section.slug, article.slug):
        return HttpResponsePermanentRedirect(urlsplit(canonical).path)
    edition = article.edition
    related = _cards(selectors.article_related(article=article, with_tags=False))
    translations = selectors.article_translation_links(article=article)
    for other in translations:
        other.url = article_web_url(other)  # type: ignore[attr-defined]
    picture = _picture(article.image)
    tags = list(article.tags.all())
    authors = list(article.authors.all())
    frame = _site_frame(edition)
    apps = frame["apps"]
    context = {
        "apps": apps,
        "open_app_url": _android_intent(canonical, fallback=apps["android"]["url"]),
        "article": article,
        "canonical": canonical,
        "picture": picture,
        "tags": tags,
        "authors": authors,
        "related": related,
        "most_read": _most_read(edition, version),
        "translations": translations,
        "ios_app_id": settings.IOS_APP_STORE_ID,
        "open_graph": _open_graph(article, canonical, picture, tags),
        "json_ld": _json_ld(_news_article(article, canonical, picture, authors, tags)),
    }
    response = _render(request, edition, "web/article.html", context, frame=frame)
    # A withdrawal purges the story's own key; the "Most read" titles shown here carry theirs too. Not
    # most-read-<edition>: every publish purges that, and would empty the cache of every story's page.
    most_read_keys = [f"article-{entry['id']}" for entry in context["most_read"]]
    keys = _keys(edition, f"article-{article.pk}", f"section-{article.section.slug}", *most_read_keys, articles=related)
    # No Last-Modified: "Most read" changes with every view, not with edits (the ETag still gives 304s).
    return public_cache(response, keys=keys, browsers_revalidate=True)


def _android_intent(canonical: str, *, fallback: str) -> str:
    """An ``intent:`` link that opens the article in the Android app, or the Play Store where it is missing.

    A link to the page's own URL would only reload it: Chrome hands a URL to an App Link
    app on navigation from elsewhere, not from the page itself. Empty without a package name.
    """
    package = settings.ANDROID_APP_PACKAGE
    if not package:
        return ""
    parts = urlsplit(canonical)
    return (
        f"intent://{parts.netloc}{parts.path}#Intent;scheme={parts.scheme};package={package};"
        f"S.browser_fallback_url={quote(fallback, safe='')};end"
    )


def _open_graph(
    article: Article, canonical: str, picture: dict[str, Any] | None, tags: list[Tag]
) -> list[tuple[str, str]]:
    """Open Graph properties (Facebook, WhatsApp, Telegram previews), in order; Twitter's are in the template."""
    assert article.published_at is not None  # a published article has its date (a database constraint)
    pairs = [
        ("og:type", "article"),
        ("og:site_name", settings.SITE_NAME),
        ("og:title", article.title),
        ("og:description", article.summary),
        ("og:url", canonical),
        ("og:locale", article.edition.code),
    ]
    if picture is not None:
        pairs += [("og:image", picture["share_url"]), ("og:image:alt", picture["alt"] or article.title)]
    pairs += [
        ("article:published_time", article.published_at.isoformat()),
        ("article:modified_time", article.updated_at.isoformat()),
        ("article:section", article.section_name),  # type: ignore[attr-defined]
    ]
    pairs += [("article:tag", tag.name) for tag in tags]
    return pairs


def _news_article(
    article: Article, canonical: str, picture: dict[str, Any] | None, authors: list[Any], tags: list[Tag]
) -> dict[str, Any]:
    """schema.org ``NewsArticle`` as search engines read it for article rich results."""
    assert article.published_at is not None
    publisher = {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": settings.SITE_URL + "/",
        "logo": {"@type": "ImageObject", "url": absolute_media_url(static(LOGO))},
    }
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "url": canonical,
        "headline": article.title,
        "description": article.summary,
        "inLanguage": article.edition.code,
        "articleSection": article.section_name,  # type: ignore[attr-defined]
        "keywords": [tag.name for tag in tags],
        "image": [picture["share_url"]] if picture is not None else [],
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        # No byline: the publication is the author, as on agency copy.
        "author": [{"@type": "Person", "name": author.name} for author in authors] or [publisher],
        "publisher": publisher,
    }


def _listing(
    request: HttpRequest,
    edition: Edition,
    articles: Any,
    keyset: Keyset,
    context: dict[str, Any],
    keys: list[str],
    *,
    terms: Sequence[search.QueryTerm] = (),
    narrowing: Narrowing | None = None,
) -> TemplateResponse:
    """One page of cards with the API's cursors; a bad cursor or page size is a 400 page.

    With a search's ``terms`` each card gets its ``highlight``: the title or summary with the matched
    words in ``<mark>``, everything else escaped (``newsapi.search.highlight``), as the API's cards.
    """
    try:
        page: Page = paginate(articles, Request(request), keyset, narrowing)
    except ValidationError:
        return _error(request, edition, 400)
    cards = _cards(page.items)
    for card in cards if terms else ():
        snippet = search.highlight(edition.code, terms, (card.title, card.summary))
        card.highlight = mark_safe(snippet)  # type: ignore[attr-defined]  # noqa: S308 - escaped but for <mark>
    response = _render(request, edition, "web/list.html", {**context, "page": page, "cards": cards})
    public_cache(
        response,
        keys=_keys(edition, *keys, articles=page.items),
        last_modified=selectors.edition_last_modified(edition=edition),
        browsers_revalidate=True,
    )
    return response


@require_safe
def section_page(request: HttpRequest, edition: str, section: str) -> HttpResponseBase:
    current = _edition(edition)
    return cached_or_render(request, lambda: _section(request, current, section))


def _section(request: HttpRequest, edition: Edition, slug: str) -> TemplateResponse:
    section = selectors.section_list(edition=edition).filter(slug=slug).first()
    if section is None:
        return _error(request, edition, 404)
    context = {
        "heading": section.name,  # type: ignore[attr-defined]
        "canonical": f"{settings.SITE_URL}/{edition.code}/{section.slug}/",
        "feed_section": section.slug,
    }
    articles = selectors.article_cards(edition=edition, section=section)
    # articles-<edition>: every publish in the edition purges it, as it does the API's lists.
    return _listing(request, edition, articles, FEED, context, [f"section-{section.slug}", f"articles-{edition.code}"])


@require_safe
def tag_page(request: HttpRequest, edition: str, slug: str) -> HttpResponseBase:
    current = _edition(edition)
    return cached_or_render(request, lambda: _tag(request, current, slug))


def _tag(request: HttpRequest, edition: Edition, slug: str) -> TemplateResponse:
    tag = selectors.tag_for_edition(edition=edition, slug=slug)
    if tag is None:
        return _error(request, edition, 404)
    context = {"heading": tag.name, "kind": "tag"}
    articles = selectors.article_cards(edition=edition, tag=tag)
    return _listing(request, edition, articles, FEED, context, [f"tag-{edition.code}-{tag.slug}"])


@require_safe
def search_page(request: HttpRequest, edition: str) -> HttpResponseBase:
    current = _edition(edition)
    return cached_or_render(request, lambda: _search(request, current))


def _search(request: HttpRequest, edition: Edition) -> TemplateResponse:
    raw = request.GET.get("q", "")
    if not raw.strip():
        response = _render(request, edition, "web/list.html", {"kind": "search", "query": "", "cards": []})
        public_cache(response, keys=_keys(edition, f"search-{edition.code}"), browsers_revalidate=True)
        return response
    params = SearchParams(data={"lang": edition.code, "q": raw})
    if not params.is_valid():
        return _error(request, edition, 400)
    query = params.validated_data["q"]
    articles = selectors.article_search(edition=edition, query=query)
    context = {"kind": "search", "query": query}
    terms = search.parse(edition.code, query)
    narrowing = selectors.search_narrowing(terms)
    return _listing(
        request, edition, articles, SEARCH, context, [f"search-{edition.code}"], terms=terms, narrowing=narrowing
    )


@require_safe
def not_found_page(request: HttpRequest, edition: str) -> HttpResponseBase:
    """Any other address under an edition: a 404 page in its language."""
    return _error(request, _edition(edition), 404)
