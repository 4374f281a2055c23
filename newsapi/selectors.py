"""Reads of the content domain. Every reader-facing queryset starts from ``Article.objects.published()``."""

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, router
from django.db.models import (
    BigIntegerField,
    CharField,
    DateTimeField,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from backend import compiled, fragments
from backend import content_version as versions
from backend.compiled import Param
from newsapi import search
from newsapi.models import (
    AppRelease,
    Article,
    ArticleStatus,
    ArticleViewCount,
    Author,
    Edition,
    ImageRendition,
    Section,
    SectionName,
    Tag,
)

logger = logging.getLogger(__name__)

RELATED_LIMIT = 6
HOME_TOP = 10
HOME_BREAKING = 3
HOME_PER_SECTION = 4
HOME_MOST_READ = 5
HOME_MOST_READ_WINDOW = timedelta(hours=24)
BREAKING_WINDOW = timedelta(hours=24)

CARD_DEFERRED = ("body_html", "body_text", *search.SEARCH_INDEX_FIELDS)
# What names an article's fragments (``newsapi.api.cards``) and orders its lists: all the ``refs`` querysets load.
REF_FIELDS = ("id", "published_at", "updated_at", "section")


class Ref(NamedTuple):
    """An article as the read API's lists name it (``REF_FIELDS``): its card is found or rendered by ``id`` and
    ``updated_at`` (``newsapi.api.cards``), its place in a list is ``published_at`` and ``id``."""

    id: int
    published_at: datetime
    updated_at: datetime
    section_id: int

    @property
    def pk(self) -> int:
        return self.id


class DetailRef(NamedTuple):
    """A ``Ref`` with what picks a detail's related strip and translations."""

    id: int
    published_at: datetime
    updated_at: datetime
    section_id: int
    edition_id: int
    translation_group: Any  # a UUID

    @property
    def pk(self) -> int:
        return self.id


REF_COLUMNS = ("id", "published_at", "updated_at", "section_id")


def _id(name: str) -> Param:
    return Param(name, BigIntegerField())


def _now() -> Param:
    return Param("now", DateTimeField())


def editions_known() -> list[Edition]:
    """Every edition in display order, kept in the process under the shared fragment label.

    Every request names its edition, and there are a handful: they are read from the database once, and
    again only when the label moved (``backend.fragments.kept``), which every edition's save and deletion
    does (``newsapi.apps``).
    """
    return fragments.kept("editions", lambda: list(Edition.objects.all()))


def edition_for_code(code: str) -> Edition | None:
    return next((edition for edition in editions_known() if edition.code == code), None)


def edition_default() -> Edition | None:
    editions = editions_known()
    return next((edition for edition in editions if edition.is_default), editions[0] if editions else None)


def edition_list() -> QuerySet[Edition]:
    return Edition.objects.all()


def section_list(*, edition: Edition) -> QuerySet[Section]:
    return Section.objects.annotate(name=_section_name(edition_ref=edition.pk)).order_by("position", "slug")


def sections_known(*, edition: Edition) -> list[Section]:
    """``section_list``, kept in the process under the shared fragment label (``editions_known``): every
    section's and section name's save and deletion renews it."""
    return fragments.kept(f"sections-{edition.pk}", lambda: list(section_list(edition=edition)))


def _section_name(*, edition_ref: Any, section_ref: Any = None) -> Coalesce:
    section: Any = section_ref or OuterRef("pk")
    names = SectionName.objects.filter(section_id=section, edition_id=edition_ref)
    fallback = F("section__slug") if section_ref is not None else F("slug")
    return Coalesce(Subquery(names.values("name")[:1]), fallback, output_field=CharField())


def _with_card_relations(queryset: QuerySet[Article], *, tags: bool = True) -> QuerySet[Article]:
    """Everything a card needs, in a fixed number of queries whatever the page size.

    The web pages' cards show no tags and pass ``tags=False``, saving their query.
    """
    queryset = (
        queryset.select_related("edition", "section", "image")
        .defer(*CARD_DEFERRED)
        .annotate(section_name=_section_name(edition_ref=OuterRef("edition"), section_ref=OuterRef("section")))
        .prefetch_related(Prefetch("image__renditions", queryset=ImageRendition.objects.all()))
    )
    if tags:
        queryset = queryset.prefetch_related(Prefetch("tags", queryset=Tag.objects.only("id", "slug", "name")))
    return queryset


def article_cards(
    *,
    edition: Edition,
    section: Section | None = None,
    tag: Tag | None = None,
    breaking: bool | None = None,
    published_after: datetime | None = None,
    published_before: datetime | None = None,
    refs: bool = False,
) -> QuerySet[Article]:
    """The published cards of ``edition`` (and of ``section``, ``tag``...), not yet ordered.

    With ``refs`` only what names a card's fragment is loaded (``REF_FIELDS``: ``newsapi.api.cards``
    renders or finds the card itself), in one narrow query and no prefetch.
    """
    queryset = _narrowed(
        Article.objects.published().filter(edition=edition),
        section=section,
        tag=tag,
        breaking=breaking,
        published_after=published_after,
        published_before=published_before,
    )
    return queryset.only(*REF_FIELDS) if refs else _with_card_relations(queryset)


def _narrowed(
    queryset: QuerySet[Article],
    *,
    section: Any,
    tag: Any,
    breaking: bool | None,
    published_after: Any,
    published_before: Any,
) -> QuerySet[Article]:
    """``queryset`` filtered on each of these that is not None: a value, or a ``Param`` in a compiled query."""
    if section is not None:
        queryset = queryset.filter(section=section)
    if tag is not None:
        queryset = queryset.filter(tags=tag)
    if breaking is not None:
        queryset = queryset.filter(is_breaking=breaking)
    if published_after is not None:
        queryset = queryset.filter(published_at__gte=published_after)
    if published_before is not None:
        queryset = queryset.filter(published_at__lt=published_before)
    return queryset


def article_card_refs(
    *,
    edition: Edition,
    section: Section | None = None,
    tag: Tag | None = None,
    breaking: bool | None = None,
    published_after: datetime | None = None,
    published_before: datetime | None = None,
) -> compiled.Query:
    """``article_cards(..., refs=True)`` as a compiled query (``backend.compiled``) of ``REF_COLUMNS`` rows.

    The read API's lists ask it on every request: paginate it (``backend.api.pagination``) or extend it
    (``compiled.Query.extended``); its rows are ``Ref``s.
    """
    shape = (section is not None, tag is not None, breaking, published_after is not None, published_before is not None)

    def build() -> QuerySet[Any]:
        queryset = _narrowed(
            Article.objects.published(at=_now()).filter(edition_id=_id("edition")),
            section=_id("section") if section is not None else None,
            tag=_id("tag") if tag is not None else None,
            breaking=breaking,
            published_after=Param("after", DateTimeField()) if published_after is not None else None,
            published_before=Param("before", DateTimeField()) if published_before is not None else None,
        )
        return queryset.values_list(*REF_COLUMNS)

    values = {
        "now": timezone.now(),
        "edition": edition.pk,
        "section": section.pk if section is not None else None,
        "tag": tag.pk if tag is not None else None,
        "after": published_after,
        "before": published_before,
    }
    return compiled.Query(("card-refs", *shape), Article, build, values, make=Ref._make)


def cards_by_id(ids: list[int]) -> list[Article]:
    """The published articles among ``ids``, with everything their cards show (the fragments' renderer)."""
    return list(_with_card_relations(Article.objects.published().filter(pk__in=ids)))


def articles_by_id(ids: list[int]) -> list[Article]:
    """The published articles among ``ids``, with everything their detail shows (the fragments' renderer)."""
    return list(_with_detail_relations(Article.objects.published().filter(pk__in=ids)))


def _with_detail_relations(queryset: QuerySet[Article]) -> QuerySet[Article]:
    return _with_card_relations(queryset).defer(None).defer(*search.SEARCH_INDEX_FIELDS).prefetch_related("authors")


def article_detail(*, article_id: int) -> Article | None:
    return _with_detail_relations(Article.objects.published().filter(pk=article_id)).first()


def _detail_ref_query() -> QuerySet[Any]:
    return (
        Article.objects.published(at=_now())
        .filter(pk=_id("article"))
        .values_list(*REF_COLUMNS, "edition_id", "translation_group")
    )


def article_detail_ref(*, article_id: int) -> DetailRef | None:
    """The published article ``article_id``, with only what picks its detail's parts (fragments, related strip)."""
    if not -(2**63) <= article_id < 2**63:
        return None  # no id column holds it
    values = {"now": timezone.now(), "article": article_id}
    rows = compiled.Query("detail-ref", Article, _detail_ref_query, values).rows()
    return DetailRef._make(rows[0]) if rows else None


def _related_refs_query() -> QuerySet[Any]:
    """``article_related``'s query on ``REF_COLUMNS``, the article's tags a subquery of it rather than a query."""
    tag_ids = Article.tags.through.objects.filter(article_id=_id("article")).values("tag_id")
    tagged = Article.tags.through.objects.filter(article_id=OuterRef("pk"), tag_id__in=tag_ids)
    return (
        Article.objects.published(at=_now())
        .filter(edition_id=_id("edition"))
        .exclude(pk=_id("article"))
        .alias(shared_tag=Subquery(tagged.values("tag_id")[:1]))
        .filter(Q(section_id=_id("section")) | Q(shared_tag__isnull=False))
        .order_by("-published_at", "-id")
        .values_list(*REF_COLUMNS)[:RELATED_LIMIT]
    )


def article_related_refs(*, article: DetailRef) -> list[Ref]:
    """``article_related`` as ``Ref``s, in one compiled query."""
    values = {
        "now": timezone.now(),
        "article": article.pk,
        "edition": article.edition_id,
        "section": article.section_id,
    }
    return compiled.Query("related-refs", Article, _related_refs_query, values, make=Ref._make).rows()


def article_related(*, article: Article, with_tags: bool = True) -> list[Article]:
    """The "see more" strip: same edition, sharing a tag or the section, newest first, never itself.

    Asked so that its cost is bounded by the strip, not by the archive: the edition's feed index is
    walked newest first and each row is kept if it is in the section or has one of the tags, the tag
    checked by a scalar subquery on the (article, tag) index. A join on the tags with DISTINCT (the
    obvious form) made PostgreSQL gather every article of the section and of the tags and sort them all:
    273 ms at 100,000 articles against 4 ms for this one (docs/performance-plans.md).
    ``article_related_refs`` is the read API's form of the same query.
    """
    tag_ids = [tag.pk for tag in article.tags.all()]
    shares = Q(section_id=article.section_id)
    queryset = Article.objects.published().filter(edition_id=article.edition_id).exclude(pk=article.pk)
    if tag_ids:
        tagged = Article.tags.through.objects.filter(article_id=OuterRef("pk"), tag_id__in=tag_ids)
        queryset = queryset.alias(shared_tag=Subquery(tagged.values("tag_id")[:1]))
        shares |= Q(shared_tag__isnull=False)
    queryset = queryset.filter(shares).order_by("-published_at", "-id")
    return list(_with_card_relations(queryset, tags=with_tags)[:RELATED_LIMIT])


def _translations_query() -> QuerySet[Any]:
    return (
        Article.objects.published(at=_now())
        .filter(translation_group=Param("group", Article._meta.get_field("translation_group")))
        .exclude(edition_id=_id("edition"))  # other editions only; this also leaves out the article itself
        .order_by("edition__position", "edition__code")
        .values_list("edition__code", "id")
    )


def article_translations(*, article: Article | DetailRef) -> list[dict[str, Any]]:
    values = {"now": timezone.now(), "group": article.translation_group, "edition": article.edition_id}
    rows = compiled.Query("translations", Article, _translations_query, values).rows()
    return [{"language": code, "id": pk} for code, pk in rows]


def home_feed_refs(*, edition: Edition, now: datetime | None = None) -> dict[str, Any]:
    """``home_feed`` as ``Ref``s (the most read as ``RankedRef``s), in four compiled queries."""
    now = now or timezone.now()
    recent_breaking = article_card_refs(edition=edition, breaking=True, published_after=now - BREAKING_WINDOW)
    breaking = recent_breaking.extended(HOME_BREAKING, partial(_newest, limit=HOME_BREAKING))
    top = article_card_refs(edition=edition).extended(HOME_TOP, partial(_newest, limit=HOME_TOP))
    sections = sections_known(edition=edition)
    grouped: dict[int, list[Ref]] = {section.pk: [] for section in sections}
    for ref in _section_rails_refs(edition=edition, sections=sections):
        grouped.setdefault(ref.section_id, []).append(ref)
    return {
        "breaking": breaking.rows(),
        "top": top.rows(),
        "sections": [
            {"section": section, "articles": grouped[section.pk]} for section in sections if grouped[section.pk]
        ],
        "most_read": articles_most_read_refs(
            edition=edition, window=HOME_MOST_READ_WINDOW, limit=HOME_MOST_READ, now=now
        ),
    }


def _newest(queryset: QuerySet[Any], *, limit: int) -> QuerySet[Any]:
    return queryset.order_by("-published_at", "-id")[:limit]


def _section_rails_refs(*, edition: Edition, sections: list[Section]) -> list[Ref]:
    """``_section_rails`` as ``Ref``s, compiled once per number of sections (each section's id a ``Param``)."""
    if not sections:
        return []

    def build() -> QuerySet[Any]:
        feed = Article.objects.published(at=_now()).filter(edition_id=_id("edition"))
        rails = _in_rails(feed, [_id(f"section_{index}") for index in range(len(sections))])
        return feed.filter(rails).order_by("-published_at", "-id").values_list(*REF_COLUMNS)

    values = {"now": timezone.now(), "edition": edition.pk}
    values.update((f"section_{index}", section.pk) for index, section in enumerate(sections))
    return compiled.Query(("rails", len(sections)), Article, build, values, make=Ref._make).rows()


def _in_rails(feed: QuerySet[Article], sections: list[Any]) -> Q:
    """Rows among the ``HOME_PER_SECTION`` newest of ``feed`` in each of ``sections`` (rows, or ``Param``s in a
    compiled query): a UNION ALL where each part keeps its LIMIT (PostgreSQL), else ORed (``_section_rails``)."""
    newest = feed.order_by("-published_at", "-id").values("pk")
    parts = [newest.filter(section=section)[:HOME_PER_SECTION] for section in sections]
    if connections[router.db_for_read(Article)].features.supports_slicing_ordering_in_compound:
        return Q(pk__in=parts[0].union(*parts[1:], all=True))
    rails = Q(pk__in=[])
    for part in parts:
        rails |= Q(pk__in=part)
    return rails


def home_feed(*, edition: Edition, now: datetime | None = None) -> dict[str, Any]:
    """The app's first screen in a fixed number of queries (``home_feed_refs`` is the read API's form)."""
    now = now or timezone.now()
    published = article_cards(edition=edition).order_by("-published_at", "-id")
    breaking = list(published.filter(is_breaking=True, published_at__gte=now - BREAKING_WINDOW)[:HOME_BREAKING])
    top = list(published[:HOME_TOP])
    sections = sections_known(edition=edition)
    per_section = list(_section_rails(edition=edition, sections=sections))
    grouped: dict[int, list[Article]] = {section.pk: [] for section in sections}
    for article in per_section:
        grouped.setdefault(article.section_id, []).append(article)
    return {
        "breaking": breaking,
        "top": top,
        "sections": [
            {"section": section, "articles": grouped[section.pk]} for section in sections if grouped[section.pk]
        ],
        "most_read": articles_most_read(edition=edition, window=HOME_MOST_READ_WINDOW, limit=HOME_MOST_READ, now=now),
    }


def _section_rails(*, edition: Edition, sections: list[Section]) -> QuerySet[Article]:
    """The ``HOME_PER_SECTION`` newest cards of each section, newest first, in one query.

    Each section's ids are a subquery with its own LIMIT, so PostgreSQL walks the feed index newest
    first and stops after a few rows per section, and the cards are then read by primary key.
    Numbering every article of the edition by section (a window function, the obvious form) read and
    sorted the whole edition: 187 ms at 100,000 articles against about 1 ms (docs/performance-plans.md).
    The subqueries are a UNION ALL where the database takes a LIMIT in each part (PostgreSQL); SQLite
    does not, and gets them ORed, which its planner also answers from the index.
    """
    if not sections:
        return article_cards(edition=edition).none()
    rails = _in_rails(Article.objects.published().filter(edition=edition), sections)
    return article_cards(edition=edition).filter(rails).order_by("-published_at", "-id")


def most_read_ranking(
    *,
    edition: Edition,
    window: timedelta,
    section: Section | None = None,
    limit: int = 10,
    now: datetime | None = None,
) -> dict[int, int]:
    """Views by article id, the ``limit`` most viewed published articles of ``edition`` over ``window``, in order.

    Counts are kept per hour, so the window starts at the beginning of the hour holding
    ``now - window`` (a "1h" window always covers the last full hour too). Most views first,
    then the newest. One aggregate query.
    """
    now = now or timezone.now()
    since = _window_start(now, window)
    views, articles = ArticleViewCount._meta.db_table, Article._meta.db_table
    in_section = "AND a.section_id = %s" if section is not None else ""
    # The window's counts are summed from the covering (edition, hour) index and sorted by views; each
    # article is then checked by primary key in that order, only until the page is full: PostgreSQL's
    # incremental sort orders each group of equal views by publication time as it goes, so a day of
    # 15,000 viewed stories costs a dozen lookups, not 15,000 (docs/performance-plans.md).
    sql = f"""
        SELECT counted.article_id, counted.views
          FROM (SELECT v.article_id, SUM(v.count) AS views FROM {views} v
                 WHERE v.edition_id = %s AND v.hour >= %s GROUP BY v.article_id ORDER BY views DESC) counted
          JOIN {articles} a ON a.id = counted.article_id AND a.status = %s AND a.published_at <= %s {in_section}
         ORDER BY counted.views DESC, a.published_at DESC, counted.article_id DESC
         LIMIT %s
    """  # noqa: S608 (only table names are formatted in; every value is a parameter)
    database = connections[router.db_for_read(ArticleViewCount)]  # the replica, when reads go there
    moment = database.ops.adapt_datetimefield_value  # SQLite keeps naive UTC text
    params: list[Any] = [edition.pk, moment(since), ArticleStatus.PUBLISHED, moment(timezone.now())]
    if section is not None:
        params.append(section.pk)
    params.append(limit)
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        return {article_id: int(count) for article_id, count in cursor.fetchall()}


def _window_start(now: datetime, window: timedelta) -> datetime:
    """Counts are kept per hour: a window starts at the beginning of the hour holding ``now - window``."""
    return (now - window).astimezone(UTC).replace(minute=0, second=0, microsecond=0)


MOST_READ_SPARE = 5
"""Ranked past the page in a kept ranking, so that a story withdrawn while it is kept leaves no hole."""


class RankedRef(NamedTuple):
    """A ``Ref`` of the most read, with its views over the window."""

    id: int
    view_count: int
    published_at: datetime
    updated_at: datetime
    section_id: int

    @property
    def pk(self) -> int:
        return self.id


def articles_most_read_refs(
    *,
    edition: Edition,
    window: timedelta,
    section: Section | None = None,
    limit: int = 10,
    now: datetime | None = None,
) -> list[RankedRef]:
    """``articles_most_read`` as ``RankedRef``s, for the read API.

    The ranking (which articles, with how many views) is kept in the cache for
    ``MOST_READ_RANKING_SECONDS`` per edition, section, window start and size: views are counted all
    the time, so a ranking is exact for a moment only anyway, and summing a day of hourly counts is the
    one cost of most read that grows with the readership (docs/performance.md). Whether each ranked
    article is still published is asked on every request, in one compiled query by primary key: a
    withdrawn story leaves the list at once, and the ``MOST_READ_SPARE`` ranked past the page fill in.
    """
    now = now or timezone.now()
    ranking = _ranking_kept(edition=edition, window=window, section=section, limit=limit, now=now)
    if not ranking:
        return []
    values: dict[str, Any] = {"now": now}
    values.update((f"id_{index}", article_id) for index, (article_id, _) in enumerate(ranking))
    build = partial(_published_refs, len(ranking))
    published = compiled.Query(("published-refs", len(ranking)), Article, build, values, make=Ref._make)
    refs = {ref.id: ref for ref in published.rows()}
    ranked = [
        RankedRef(article_id, views, ref.published_at, ref.updated_at, ref.section_id)
        for article_id, views in ranking
        if (ref := refs.get(article_id)) is not None
    ]
    return ranked[:limit]


def _published_refs(size: int) -> QuerySet[Any]:
    ids = [_id(f"id_{index}") for index in range(size)]
    return Article.objects.published(at=_now()).filter(pk__in=ids).values_list(*REF_COLUMNS)


def _ranking_kept(
    *, edition: Edition, window: timedelta, section: Section | None, limit: int, now: datetime
) -> list[tuple[int, int]]:
    seconds = settings.MOST_READ_RANKING_SECONDS
    since = _window_start(now, window)
    scope = f"{edition.pk}:{section.pk if section is not None else '-'}:{window.total_seconds():.0f}"
    key = f"most-read:{scope}:{since:%Y%m%d%H}:{limit}"
    found = None
    if seconds:
        try:
            found = cache.get(key)
        except Exception:
            logger.exception("A kept most-read ranking could not be read from the cache")
    if found is None:
        spare = limit + MOST_READ_SPARE
        found = list(most_read_ranking(edition=edition, window=window, section=section, limit=spare, now=now).items())
        if seconds:
            try:
                cache.set(key, found, seconds)
            except Exception:
                logger.exception("A most-read ranking could not be kept in the cache")
    return found


def articles_most_read(
    *,
    edition: Edition,
    window: timedelta,
    section: Section | None = None,
    limit: int = 10,
    now: datetime | None = None,
) -> list[Article]:
    """The ``limit`` most viewed published cards of ``edition`` (and ``section``) over ``window``.

    Each card carries ``view_count``: ``most_read_ranking``, then the usual card queries by id; an article
    withdrawn after it was counted is left out by both. (``articles_most_read_refs`` is the read API's form.)
    """
    counts = most_read_ranking(edition=edition, window=window, section=section, limit=limit, now=now)
    if not counts:
        return []
    cards = {article.pk: article for article in article_cards(edition=edition).filter(pk__in=counts)}
    return _in_ranking(counts, cards)


def article_titles_ranked(*, ranking: dict[int, int]) -> list[Article]:
    """The published articles of ``ranking`` (from ``most_read_ranking``) in its order, with title and location only.

    One narrow query; each carries ``view_count``, and one withdrawn since it was ranked is left out.
    """
    if not ranking:
        return []
    rows = Article.objects.published().select_related("edition", "section").only(*LOCATION_FIELDS, "title")
    return _in_ranking(ranking, {article.pk: article for article in rows.filter(pk__in=ranking)})


def _in_ranking(counts: dict[int, int], articles: dict[int, Article]) -> list[Article]:
    ranked = []
    for article_id, views in counts.items():
        article = articles.get(article_id)
        if article is not None:  # withdrawn since it was counted
            article.view_count = views  # type: ignore[attr-defined]
            ranked.append(article)
    return ranked


SUGGESTIONS = 8


def article_search(
    *, edition: Edition, query: str, section: Section | None = None, refs: bool = False
) -> QuerySet[Article]:
    """Published cards of ``edition`` (and ``section``) matching ``query``, by ``newsapi.search``'s rule and rank.

    The same matches on PostgreSQL and SQLite. Each card has a float ``rank`` (higher first; with
    ``id``, the keyset of ``backend.api.pagination``) and its ``body_text`` loaded, for ``search.highlight``.
    A query without words matches nothing. With ``refs``, ``REF_FIELDS`` and the highlight's texts only.
    """
    cards = article_cards(edition=edition, section=section, refs=refs)
    if refs:
        queryset = cards.only(*REF_FIELDS, "title", "summary", "body_text")
    else:
        queryset = cards.defer(None).defer("body_html", *search.SEARCH_INDEX_FIELDS)
    terms = search.parse(edition.code, query)
    if not terms:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField())).none()
    match = search.matching(terms, vendor=connection.vendor)
    return queryset.filter(match.condition).annotate(rank=match.rank)


def search_narrowing(terms: Sequence[search.QueryTerm]) -> search.RecentFirst:
    """How ``article_search``'s pages for the query's ``terms`` (``search.parse``) are asked: the last weeks
    first, row by row (``search.RecentFirst``)."""
    match = search.matching(terms, vendor=connection.vendor) if terms else None
    return search.recent_first(timezone.now(), match)


def article_suggestions(*, edition: Edition, query: str, limit: int = SUGGESTIONS) -> list[Article]:
    """The ``limit`` best headlines of the last ``search.SUGGEST_DAYS`` for ``query``, by the search's rank.

    Older headlines only when the last months hold fewer than ``limit`` matches (a second query, through
    the search index). A search box suggests what is in the news; and a word still being typed matches
    as a prefix only, which ``ts_rank`` scores near 0 (``search.MIN_RELEVANCE``), so its rank is recency
    alone and nothing older could outrank the recent matches anyway, while ranking every match of two
    letters in the whole archive grows with it.

    Each carries its title, rank and what its web address needs, nothing more.
    """
    terms = search.parse(edition.code, query)
    if not terms:
        return []
    match = search.matching(terms, vendor=connection.vendor)
    rows = (
        Article.objects.published()
        .filter(edition=edition)
        .filter(match.condition)
        .select_related("edition", "section")
        .only("id", "slug", "title", "edition__code", "section__slug")
        .annotate(rank=match.rank)
        .order_by("-rank", "-id")
    )
    since = timezone.now() - timedelta(days=search.SUGGEST_DAYS)
    recent = list(rows.filter(published_at__gte=since)[:limit])
    return recent if len(recent) == limit else list(rows.filter(match.indexed)[:limit])


def sync_changes(*, edition: Edition) -> QuerySet[Article]:
    """Articles readers have seen or may have seen, with changes old enough to be final.

    Only a published article has ever set ``published_at``; one withdrawn and then rescheduled
    stays in the feed (as a tombstone) so that offline copies are removed.
    """
    settled = timezone.now() - timedelta(seconds=settings.SYNC_SETTLE_SECONDS)
    queryset = Article.objects.filter(edition=edition, published_at__isnull=False, updated_at__lte=settled)
    return _with_detail_relations(queryset)


def tag_for_edition(*, edition: Edition, slug: str) -> Tag | None:
    if "\x00" in slug:  # no slug holds NUL, and PostgreSQL refuses to compare text with one
        return None
    return Tag.objects.filter(edition=edition, slug=slug).first()


LAST_MODIFIED_SECONDS = 3600


def edition_last_modified(*, edition: Edition | int) -> datetime | None:
    """When anything readers of ``edition`` (or the edition with this id) could see last changed (publishing,
    edits, withdrawals).

    Kept in the cache under the content version, which every article save moves (as it moves the newest
    ``updated_at``): asked of the database once per edition and version. The version is read first, so a
    value is never stored under a version newer than what it was computed from (``backend.content_version``).
    """
    from django.db.models import Max

    edition_id = edition if isinstance(edition, int) else edition.pk
    key = f"last-modified:{edition_id}:{versions.current()}"
    found = cache.get(key)
    if found is not None:
        return found or None  # "" for an edition with no article
    value: datetime | None = Article.objects.filter(edition_id=edition_id).aggregate(latest=Max("updated_at"))["latest"]
    cache.set(key, value or "", LAST_MODIFIED_SECONDS)
    return value


def content_version() -> str:
    """Moves with every article save in any edition (publish, edit, withdrawal).

    Read from the cache (``backend.content_version``); the database counter only when the cache lost it.
    """
    return versions.current()


def article_withdrawn(*, article_id: int) -> Article | None:
    """The article if readers once had it and an editor withdrew it: the web answers 410 Gone, not 404.

    Only the edition is loaded: the notice says nothing of the story but that it is gone, in its language.
    """
    return (
        Article.objects.filter(pk=article_id, status=ArticleStatus.UNPUBLISHED, published_at__isnull=False)
        .select_related("edition")
        .only("id", "edition__code", "edition__dir", "edition__name")
        .first()
    )


def article_translation_links(*, article: Article) -> list[Article]:
    """The published translations of ``article`` (other editions), with what their web addresses need."""
    return list(
        Article.objects.published()
        .filter(translation_group=article.translation_group)
        .exclude(edition_id=article.edition_id)
        .select_related("edition", "section")
        .only("id", "slug", "title", "edition__code", "edition__name", "edition__dir", "section__slug")
        .order_by("edition__position", "edition__code")
    )


def app_releases() -> dict[str, AppRelease]:
    """The store listings the admin manages, by platform; a platform without a row is absent."""
    return {release.platform: release for release in AppRelease.objects.all()}


# --- Discovery: sitemaps and feeds (newsapi/web/sitemaps.py, newsapi/web/feeds.py) -----------------
# Only the columns an address, a date and a title need: a sitemap page of thousands of rows stays one narrow query.
LOCATION_FIELDS = ("id", "slug", "updated_at", "published_at", "edition__code", "section__slug")


def sitemap_edition_stats() -> list[dict[str, Any]]:
    """Per edition with published articles: its ``code``, how many (``count``) and the newest change (``latest``).

    One grouped query, whatever the number of editions, for the sitemap index.
    """
    from django.db.models import Count, Max

    rows = (
        Article.objects.published()
        .values("edition__code", "edition__position")
        .annotate(count=Count("id"), latest=Max("updated_at"))
        .order_by("edition__position", "edition__code")
    )
    return [{"code": row["edition__code"], "count": row["count"], "latest": row["latest"]} for row in rows]


def sitemap_articles(*, edition: Edition) -> QuerySet[Article]:
    """The published articles of ``edition``, newest first, with only what a sitemap entry needs."""
    return (
        Article.objects.published()
        .filter(edition=edition)
        .select_related("edition", "section")
        .only(*LOCATION_FIELDS)
        .order_by("-published_at", "-id")
    )


def news_sitemap_articles(*, since: datetime) -> QuerySet[Article]:
    """Articles of every edition published at or after ``since``, for a Google News sitemap (adds the title)."""
    return (
        Article.objects.published()
        .filter(published_at__gte=since)
        .select_related("edition", "section")
        .only(*LOCATION_FIELDS, "title")
        .order_by("-published_at", "-id")
    )


def feed_articles(*, edition: Edition, section: Section | None = None, limit: int) -> list[Article]:
    """The ``limit`` newest published articles of ``edition`` (and ``section``) for a feed, in three queries.

    Each carries ``section_name`` in the edition's language, its tags and its authors (the items' categories
    and author).

    The image's width and height are loaded with its file: ``ImageField`` reads its dimension fields as each
    row loads, and deferred ones would cost a query each.
    """
    queryset = Article.objects.published().filter(edition=edition)
    if section is not None:
        queryset = queryset.filter(section=section)
    return list(
        queryset.select_related("edition", "section", "image")
        .only(*LOCATION_FIELDS, "title", "summary", "image__file", "image__width", "image__height")
        .annotate(section_name=_section_name(edition_ref=OuterRef("edition"), section_ref=OuterRef("section")))
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.only("id", "name")),
            Prefetch("authors", queryset=Author.objects.only("id", "name")),
        )
        .order_by("-published_at", "-id")[:limit]
    )


def section_for_edition(*, edition: Edition, slug: str) -> Section | None:
    """The section ``slug`` with its name in ``edition``'s language (``name``; the slug when it has none)."""
    if "\x00" in slug:
        return None
    return section_list(edition=edition).filter(slug=slug).first()
