"""The read side of the mobile API (API.md, "Content"). Validate → select → serialize → cache headers."""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.http_cache import public_cache
from backend.api.pagination import Keyset, paginate
from backend.api.params import validated
from backend.api.response_cache import cached_or_render
from backend.api.schema import PAGE_PARAMETERS, PROBLEM_RESPONSES, paginated
from newsapi import search, selectors
from newsapi.api import cards, params
from newsapi.api.serializers import (
    ArticleCardSerializer,
    ArticleFullSerializer,
    ArticleSyncSerializer,
    EditionSerializer,
    MostReadCardSerializer,
    SearchCardSerializer,
    SectionSerializer,
    SuggestionSerializer,
    TagRefSerializer,
    TombstoneSerializer,
)
from newsapi.fields import EditionParams
from newsapi.models import AppPlatform, AppRelease, ArticleStatus, Edition, Section, TextDirection

FEED = Keyset("feed", [("published_at", "datetime"), ("id", "int")], descending=True)
SEARCH = Keyset("search", [("rank", "float"), ("id", "int")], descending=True)
SYNC = Keyset("sync", [("updated_at", "datetime"), ("id", "int")], descending=False)


def _edition_keys(edition: Edition) -> list[str]:
    return [f"edition-{edition.code}"]


def _article_keys(articles: Sequence[cards.Named]) -> list[str]:
    return [f"article-{article.pk}" for article in articles]


class EditionListView(APIView):
    @extend_schema(responses={200: EditionSerializer(many=True), **PROBLEM_RESPONSES}, operation_id="editions_list")
    def get(self, request: Request) -> Response:
        editions = list(selectors.edition_list())
        response = Response(EditionSerializer(editions, many=True).data)
        return public_cache(response, keys=["editions"])  # type: ignore[return-value]


class SectionListView(APIView):
    @extend_schema(parameters=[EditionParams], responses={200: SectionSerializer(many=True), **PROBLEM_RESPONSES})
    def get(self, request: Request) -> Response:
        edition = validated(EditionParams, request)["lang"]
        sections = list(selectors.section_list(edition=edition))
        response = Response(SectionSerializer(sections, many=True).data)
        return public_cache(response, keys=["sections", *_edition_keys(edition)])  # type: ignore[return-value]


class ArticleListView(APIView):
    @extend_schema(
        parameters=[params.ArticleListParams, *PAGE_PARAMETERS],
        responses={200: paginated(ArticleCardSerializer), **PROBLEM_RESPONSES},
        operation_id="articles_list",
    )
    def get(self, request: Request) -> HttpResponse | Response:
        return cached_or_render(request, lambda: self.render(request))

    def render(self, request: Request) -> Response:
        filters = validated(params.ArticleListParams, request)
        edition = filters.pop("lang")
        page = paginate(selectors.article_card_refs(edition=edition, **filters), request, FEED)
        response = Response(page.as_dict(cards.cards(page.items, request)))
        keys = [f"articles-{edition.code}", *_edition_keys(edition), *_article_keys(page.items)]
        if filters.get("section"):
            keys.append(f"section-{filters['section'].slug}")
        return public_cache(  # type: ignore[return-value]
            response, keys=keys, last_modified=selectors.edition_last_modified(edition=edition)
        )


class ArticleDetailView(APIView):
    @extend_schema(responses={200: ArticleFullSerializer, **PROBLEM_RESPONSES})
    def get(self, request: Request, pk: int) -> HttpResponse | Response:
        return cached_or_render(request, lambda: self.render(request, pk))

    def render(self, request: Request, pk: int) -> Response:
        article = selectors.article_detail_ref(article_id=pk)
        body = cards.bodies([article], request) if article is not None else []
        if article is None or not body:
            raise NotFound("No published article has this id.")
        related = selectors.article_related_refs(article=article)
        data = {
            **body[0],
            "related": cards.cards(related, request),
            "translations": selectors.article_translations(article=article),
        }
        keys = [
            f"article-{article.pk}",
            f"section-{data['section']['slug']}",
            f"edition-{data['language']}",
            *_article_keys(related),
        ]
        return public_cache(  # type: ignore[return-value]
            Response(data), keys=keys, last_modified=selectors.edition_last_modified(edition=article.edition_id)
        )


def _section(section: Section) -> dict[str, Any]:
    """``SectionSerializer``'s output, built directly: home shows every section (as the cards are built)."""
    return {"slug": section.slug, "name": section.name, "position": section.position}  # type: ignore[attr-defined]


class HomeSectionSerializer(serializers.Serializer[Any]):
    section = SectionSerializer()
    articles = ArticleCardSerializer(many=True)


class HomeSerializer(serializers.Serializer[Any]):
    breaking = ArticleCardSerializer(many=True, help_text="Breaking news of the last 24 hours, newest first.")
    top = ArticleCardSerializer(many=True, help_text="The latest stories.")
    sections = HomeSectionSerializer(many=True)
    most_read = MostReadCardSerializer(many=True, help_text="The 5 most read of the last 24 hours.")


class HomeView(APIView):
    @extend_schema(parameters=[EditionParams], responses={200: HomeSerializer, **PROBLEM_RESPONSES})
    def get(self, request: Request) -> HttpResponse | Response:
        return cached_or_render(request, lambda: self.render(request))

    def render(self, request: Request) -> Response:
        edition = validated(EditionParams, request)["lang"]
        feed = selectors.home_feed_refs(edition=edition)
        rails = feed["sections"]
        shown = [*feed["breaking"], *feed["top"], *(ref for rail in rails for ref in rail["articles"])]
        unique = {ref.pk: ref for ref in [*shown, *feed["most_read"]]}  # one card may be in several parts
        by_id = {card["id"]: card for card in cards.cards(list(unique.values()), request)}

        def cards_of(refs: list[selectors.Ref]) -> list[dict[str, Any]]:
            return [by_id[ref.pk] for ref in refs if ref.pk in by_id]

        body = {
            "breaking": cards_of(feed["breaking"]),
            "top": cards_of(feed["top"]),
            "sections": [
                {"section": _section(rail["section"]), "articles": cards_of(rail["articles"])} for rail in rails
            ],
            "most_read": [
                {**by_id[ref.pk], "view_count": ref.view_count} for ref in feed["most_read"] if ref.pk in by_id
            ],
        }
        response = Response(body)
        return public_cache(  # type: ignore[return-value]
            response,
            # No Last-Modified: the breaking strip changes with the clock, not only with edits.
            keys=[f"home-{edition.code}", *_edition_keys(edition)],
        )


class MostReadSerializer(serializers.Serializer[Any]):
    window = serializers.ChoiceField(choices=list(params.MOST_READ_WINDOWS))
    results = MostReadCardSerializer(many=True, help_text="Most views first, then the newest.")


class MostReadView(APIView):
    @extend_schema(
        parameters=[params.MostReadParams],
        responses={200: MostReadSerializer, **PROBLEM_RESPONSES},
        description=(
            "The most read published articles of an edition over a window, with their view counts. "
            "A bounded top list (page_size articles, default 10): no cursor and no next page."
        ),
    )
    def get(self, request: Request) -> HttpResponse | Response:
        # Through the content-version cache: a withdrawal changes the key at once, and the view
        # counts (which do not move the version) are at most API_CACHE_MAX_AGE old, the same
        # staleness the max-age below already grants the apps and the CDN.
        return cached_or_render(request, lambda: self.render(request))

    def render(self, request: Request) -> Response:
        query = validated(params.MostReadParams, request)
        edition = query["lang"]
        articles = selectors.articles_most_read_refs(
            edition=edition,
            window=params.MOST_READ_WINDOWS[query["window"]],
            section=query.get("section"),
            limit=query["page_size"],
        )
        views = {article.pk: article.view_count for article in articles}
        results = [{**card, "view_count": views[card["id"]]} for card in cards.cards(articles, request)]
        keys = [f"most-read-{edition.code}", *_edition_keys(edition), *_article_keys(articles)]
        if query.get("section"):
            keys.append(f"section-{query['section'].slug}")
        # No Last-Modified: the ranking changes with every view, not with edits.
        return public_cache(Response({"window": query["window"], "results": results}), keys=keys)  # type: ignore[return-value]


SEARCH_DESCRIPTION = (
    "Published articles of the edition whose title, summary, body, tag names or author names hold every word "
    "of `q`, analysed for the edition's language (docs/api.md, Search). Best first: relevance (title over tags, "
    "authors and summary over body) weighted by recency. Each card carries a `highlight`."
)


class SearchView(APIView):
    @extend_schema(
        parameters=[params.SearchParams, *PAGE_PARAMETERS],
        responses={200: paginated(SearchCardSerializer), **PROBLEM_RESPONSES},
        description=SEARCH_DESCRIPTION,
    )
    def get(self, request: Request) -> HttpResponse | Response:
        return cached_or_render(request, lambda: self.render(request))

    def render(self, request: Request) -> Response:
        query = validated(params.SearchParams, request)
        edition = query["lang"]
        results = selectors.article_search(edition=edition, query=query["q"], section=query.get("section"), refs=True)
        terms = search.parse(edition.code, query["q"])
        page = paginate(results, request, SEARCH, selectors.search_narrowing(terms))
        texts = {ref.pk: (ref.title, ref.summary, ref.body_text) for ref in page.items}
        seen: dict[str, set[int]] = {}  # the page's words, each analysed once
        found = [
            {**card, "highlight": search.highlight(edition.code, terms, texts[card["id"]], seen=seen)}
            for card in cards.cards(page.items, request)
        ]
        response = Response(page.as_dict(found))
        return public_cache(  # type: ignore[return-value]
            response,
            keys=[f"search-{edition.code}", *_edition_keys(edition), *_article_keys(page.items)],
            last_modified=selectors.edition_last_modified(edition=edition),
        )


class SuggestionsSerializer(serializers.Serializer[Any]):
    results = SuggestionSerializer(many=True, help_text=f"At most {selectors.SUGGESTIONS}, best first.")


class SuggestView(APIView):
    @extend_schema(
        parameters=[params.SuggestParams],
        responses={200: SuggestionsSerializer, **PROBLEM_RESPONSES},
        operation_id="search_suggest",
        description=(
            f"Headlines for a search box while the reader types: the {selectors.SUGGESTIONS} best matches of `q` by "
            "the search's rule and rank, no cursor and no next page. `q` shorter than "
            f"{params.SUGGEST_MIN_LENGTH} characters (once trimmed) is a 400; one without words, an empty list."
        ),
    )
    def get(self, request: Request) -> HttpResponse | Response:
        return cached_or_render(request, lambda: self.render(request))

    def render(self, request: Request) -> Response:
        query = validated(params.SuggestParams, request)
        edition = query["lang"]
        articles = selectors.article_suggestions(edition=edition, query=query["q"])
        context = {"lang": edition.code, "terms": search.parse(edition.code, query["q"])}
        body = {"results": SuggestionSerializer(articles, many=True, context=context).data}
        # No Last-Modified: one query fewer on a request made at every keystroke; the ETag revalidates.
        return public_cache(  # type: ignore[return-value]
            Response(body), keys=[f"search-{edition.code}", *_edition_keys(edition), *_article_keys(articles)]
        )


class TagPageSerializer(serializers.Serializer[Any]):
    tag = TagRefSerializer()
    language = serializers.CharField()
    dir = serializers.ChoiceField(choices=TextDirection.choices)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ArticleCardSerializer(many=True)


class TagDetailView(APIView):
    @extend_schema(
        parameters=[EditionParams, *PAGE_PARAMETERS], responses={200: TagPageSerializer, **PROBLEM_RESPONSES}
    )
    def get(self, request: Request, slug: str) -> HttpResponse | Response:
        return cached_or_render(request, lambda: self.render(request, slug))

    def render(self, request: Request, slug: str) -> Response:
        edition = validated(EditionParams, request)["lang"]
        tag = selectors.tag_for_edition(edition=edition, slug=slug)
        if tag is None:
            raise NotFound("No tag has this slug in this edition.")
        page = paginate(selectors.article_card_refs(edition=edition, tag=tag), request, FEED)
        results = cards.cards(page.items, request)
        body = {
            "tag": TagRefSerializer(tag).data,
            "language": edition.code,
            "dir": edition.dir,
            **page.as_dict(results),
        }
        return public_cache(  # type: ignore[return-value]
            Response(body),
            keys=[f"tag-{edition.code}-{tag.slug}", *_edition_keys(edition), *_article_keys(page.items)],
            last_modified=selectors.edition_last_modified(edition=edition),
        )


SyncItem = PolymorphicProxySerializer(
    component_name="SyncItem",
    serializers=[ArticleSyncSerializer, TombstoneSerializer],
    resource_type_field_name=None,
)


class SyncPageSerializer(serializers.Serializer[Any]):
    results = serializers.ListField(child=SyncItem, help_text="Changes, oldest first.")
    cursor = serializers.CharField(
        allow_null=True, help_text="Pass as ?cursor= next time to get only later changes (null: nothing yet)."
    )
    has_more = serializers.BooleanField(help_text="More changes are waiting: ask again at once with the cursor.")
    next = serializers.URLField(allow_null=True)


class SyncView(APIView):
    @extend_schema(
        parameters=[EditionParams, *PAGE_PARAMETERS], responses={200: SyncPageSerializer, **PROBLEM_RESPONSES}
    )
    def get(self, request: Request) -> Response:
        edition = validated(EditionParams, request)["lang"]
        page = paginate(selectors.sync_changes(edition=edition), request, SYNC)
        context = {"request": request}
        results = [
            ArticleSyncSerializer(article, context=context).data
            if article.status == ArticleStatus.PUBLISHED
            else TombstoneSerializer({"id": article.pk, "deleted": True, "reason": ArticleStatus.UNPUBLISHED}).data
            for article in page.items
        ]
        cursor = SYNC.encode(page.items[-1], forward=True) if page.items else request.query_params.get("cursor")
        body = {"results": results, "cursor": cursor, "has_more": page.next is not None, "next": page.next}
        # A sync answer changes with every edit: short freshness, revalidated by ETag.
        return public_cache(Response(body), keys=[f"sync-{edition.code}", *_edition_keys(edition)], max_age=0)  # type: ignore[return-value]


class AppConfigSerializer(serializers.Serializer[Any]):
    platform = serializers.ChoiceField(choices=AppPlatform.choices)
    store_url = serializers.URLField()
    latest_version = serializers.CharField()
    min_supported_version = serializers.CharField()
    update_required = serializers.BooleanField(help_text="The given version is below the minimum supported.")
    update_available = serializers.BooleanField(help_text="A newer version than the given one is in the store.")
    editions = EditionSerializer(many=True)
    feature_flags = serializers.DictField(child=serializers.JSONField())


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = [int(part) for part in version.split(".")]
    return tuple(parts + [0] * (4 - len(parts)))


class AppConfigView(APIView):
    @extend_schema(parameters=[params.AppConfigParams], responses={200: AppConfigSerializer, **PROBLEM_RESPONSES})
    def get(self, request: Request) -> Response:
        query = validated(params.AppConfigParams, request)
        platform = query["platform"]
        release = AppRelease.objects.filter(platform=platform).first()
        if release is not None:
            store_url, latest, minimum = release.store_url, release.latest_version, release.min_supported_version
            flags = release.feature_flags
        else:
            store_url = settings.APP_STORE_URLS[platform]
            latest = settings.APP_LATEST_VERSION[platform]
            minimum = settings.APP_MIN_SUPPORTED_VERSION[platform]
            flags = {}
        version: str = query.get("version") or ""
        body = {
            "platform": platform,
            "store_url": store_url,
            "latest_version": latest,
            "min_supported_version": minimum,
            "update_required": bool(version) and _version_tuple(version) < _version_tuple(minimum),
            "update_available": bool(version) and _version_tuple(version) < _version_tuple(latest),
            "editions": EditionSerializer(selectors.edition_list(), many=True).data,
            "feature_flags": flags,
        }
        return public_cache(Response(AppConfigSerializer(body).data), keys=["app-config", "editions"])  # type: ignore[return-value]
