"""Search: the article index and its queries, on PostgreSQL and SQLite alike.

Normalisation and stemming happen here in Python (``newsapi.search_analysis``), when an article is
saved and when a query arrives, so both databases match by the same rule: the one in the
``search_analysis`` package docstring. Only ranking differs between them.

**Index.** Each article stores what its words are indexed as (all derived, written by
``Article.save`` and ``Article.refresh_search_index``):

- ``search_names``: its tags' names, then its authors', one a line, so that saving the article
  re-indexes it without reading them again;
- ``search_terms``: its distinct ``document_terms`` (title, names, summary, body), space-separated
  and space-padded (" t1 t2 ");
- ``search_prefixes``: its distinct ``document_prefix_words`` (normalised words and their stems), the same way;
- ``search_title``: the title's prefix words (which include its terms), the same way;
- on PostgreSQL, ``search_vector`` (GIN-indexed): ``to_tsvector('simple', ...)`` of the analysed
  words: the title's terms with weight A, the names' and the summary's B, the body's C, and the
  prefix words that are no term D. They are already normalised and stemmed, and the ``simple``
  configuration (no stemmer, no stopwords) keeps each as it is.

**Match.** A query's ``query_terms``: every term that is not the prefix term must be a document
term; the prefix term must start a prefix word, or its stem must be a document term.

- PostgreSQL: ``to_tsquery('simple', "'t1':ABC & ('p':* | 's':ABC)")``. The ``ABC`` label keeps
  whole-word terms off the D lexemes, which are prefix words only. Each lexeme is quoted, ``'`` and
  ``\\`` doubled (``tsquery_text``), though the analysis never leaves either in a term. The same test
  in two forms (``Match``): ``ts_match_vq(search_vector, q)``, which no index answers, for the last weeks
  (``RecentFirst``): PostgreSQL reads them by the feed index and checks each row's vector, a cost
  set by the publishing pace; and ``search_vector @@ q``, which the GIN index answers, for the whole
  archive: a common word's posting lists grow with the archive (the GIN scan of ``building:*`` at
  100,000 articles takes longer than checking the last weeks' rows one by one).
- SQLite: ``search_terms LIKE '% t1 %' AND (search_prefixes LIKE '% p%' OR search_terms LIKE '% s %')``,
  Django's ``contains`` escaping ``%``, ``_`` and ``\\``.

**Rank** (a float, higher first, then id: ``backend.api.pagination``'s keyset):
``ln(relevance) + ln 2 * days(published_at - 2000-01-01) / RECENCY_HALF_LIFE_DAYS``, which orders
exactly as ``relevance * 2^(-age in days / RECENCY_HALF_LIFE_DAYS)`` does (the two differ by a
term that is the same for every row at any moment), but does not move as time passes, so a
cursor stays valid while a reader pages. ``relevance`` is ``ts_rank`` on PostgreSQL, held between
``MIN_RELEVANCE`` and ``MAX_RELEVANCE``; on SQLite, ``MAX_RELEVANCE`` for a query term found in the
title and a fifth of it for one found elsewhere, averaged over the terms.

**Highlight** (``highlight``): a snippet of the title, summary or body (the first holding most of
the query's terms) with each matching word in ``<mark>``, by the same rule, in Python.
"""

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import BooleanField, Case, Expression, F, FloatField, Func, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Greatest, Least, Ln
from django.utils.html import escape

from newsapi.search_analysis import QueryTerm, document_prefix_words, document_terms, query_terms
from newsapi.search_analysis.tokens import is_word_char

SEARCH_TEXT_FIELDS = ("search_names", "search_terms", "search_prefixes", "search_title")
"""The stored analysis of an article, on every database."""
SEARCH_INDEX_FIELDS = (*SEARCH_TEXT_FIELDS, "search_vector")
"""Everything an article is indexed as: no reader-facing query needs to load any of it."""

CONFIG = "simple"
RECENCY_HALF_LIFE_DAYS = 14.0
"""A story this many days older needs twice the relevance to rank level with a newer one."""
MAX_RELEVANCE = 0.5
"""Relevance counts up to this, about what a title holding the query's words scores: more occurrences
do not lift a story further, and among such stories the newer ranks first. ``ts_rank`` (normalization 0)
adds for each occurrence, and for each word a prefix starts, with no useful bound of its own (0.79 for
``council``, 0.87 for ``elect council``, at most, on the benchmark's 100,000 articles). The cap bounds
what an old story can score, which ``RecentFirst`` relies on."""
MIN_RELEVANCE = 0.02
"""Relevance counts down to this: ``ts_rank`` of a prefix-word-only hit in a long body, or of the words
of an AND query far apart, is near 0 (and ln needs a positive number). Below it, recency alone orders.
With ``MAX_RELEVANCE``, the widest gap relevance can make is ln(25) / ln 2 half-lives (65 days)."""
RECENT_FIRST_DAYS = 42
"""How far back ``RecentFirst`` looks first: enough for a page whose last story is a week old and a fifth
as relevant as the cap (a common word in the body, against a title hit: 7 + 14 * log2(5) = 39.5 days)."""
SUGGEST_DAYS = 90
"""How far back suggestions look before the whole archive (``selectors.article_suggestions``)."""
FURTHER_MAX_DAYS = 120
"""The widest window ``RecentFirst.further`` reaches; a page that needs more is asked of the whole archive."""
FURTHER_MARGIN = timedelta(hours=1)
"""How much before the date whose floor is the page's last rank a further band starts: its floor is under it."""
SQLITE_TITLE_WEIGHT = MAX_RELEVANCE
SQLITE_OTHER_WEIGHT = MAX_RELEVANCE / 5
SNIPPET_CHARS = 160
HIGHLIGHT_SCAN_CHARS = 10_000
"""How much of each text ``highlight`` reads: a long body's far end would cost a page of results dearly."""
REINDEX_CHUNK = 500


# --- Index --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleIndex:
    """What one article is indexed as: the stored text columns and the vector's weighted texts."""

    names: str
    terms: str
    prefixes: str
    title: str
    weighted: tuple[str, str, str, str]
    """The analysed words for the vector's weights A, B, C and D, space-separated."""

    def columns(self) -> dict[str, str]:
        return {
            "search_names": self.names,
            "search_terms": self.terms,
            "search_prefixes": self.prefixes,
            "search_title": self.title,
        }


def _padded(words: Iterable[str]) -> str:
    unique = list(dict.fromkeys(words))
    return f" {' '.join(unique)} " if unique else ""


def article_index(lang: str, *, title: str, summary: str, body: str, names: Sequence[str]) -> ArticleIndex:
    """The index of an article of edition ``lang`` with these texts and tag and author ``names``."""
    names_text = "\n".join(names)
    parts = [title, names_text, summary, body]
    terms = [document_terms(lang, text) for text in parts]
    prefix_words = [document_prefix_words(lang, text) for text in parts]
    all_terms = {term for part in terms for term in part}
    all_prefix_words = [word for part in prefix_words for word in part]
    prefix_only = [word for word in dict.fromkeys(all_prefix_words) if word not in all_terms]
    return ArticleIndex(
        names=names_text,
        terms=_padded(term for part in terms for term in part),
        prefixes=_padded(all_prefix_words),
        title=_padded(prefix_words[0]),
        weighted=(
            " ".join(terms[0]),
            " ".join([*terms[1], *terms[2]]),
            " ".join(terms[3]),
            " ".join(prefix_only),
        ),
    )


def vector(index: ArticleIndex) -> Expression:
    """``search_vector``'s value on PostgreSQL: the analysed words, weighted, under the ``simple`` configuration."""
    a, b, c, d = (
        SearchVector(Value(text), config=CONFIG, weight=weight)
        for text, weight in zip(index.weighted, "ABCD", strict=True)
    )
    return a + b + c + d


def index_article(article: Any, names: Sequence[str]) -> ArticleIndex:
    """Set ``article``'s stored analysis from its edition, title, summary, body text and ``names``; return it.

    ``article`` is an ``Article``, or the historical model of a migration.
    """
    index = article_index(
        article.edition.code, title=article.title, summary=article.summary, body=article.body_text, names=names
    )
    for column, value in index.columns().items():
        setattr(article, column, value)
    return index


def reindex(queryset: QuerySet[Any], *, chunk_size: int = REINDEX_CHUNK) -> int:
    """Analyse every article of ``queryset`` again and store it, ``chunk_size`` at a time; return how many.

    For when the analysis changes, a tag or an author is renamed, or a migration adds the index.
    Three reads and one bulk UPDATE per chunk; ``updated_at`` does not move (readers see nothing new).
    """
    model = queryset.model
    tag_model = model._meta.get_field("tags").related_model
    author_model = model._meta.get_field("authors").related_model
    postgresql = connections[queryset.db].vendor == "postgresql"
    fields = [*SEARCH_TEXT_FIELDS, "search_vector"] if postgresql else list(SEARCH_TEXT_FIELDS)
    rows = (
        queryset.select_related("edition")
        .only("id", "title", "summary", "body_text", "edition__code")
        .prefetch_related(
            Prefetch("tags", queryset=tag_model.objects.only("id", "name").order_by("name")),
            Prefetch("authors", queryset=author_model.objects.only("id", "name").order_by("name")),
        )
        .order_by("pk")
    )
    batch: list[Any] = []
    done = 0
    for article in rows.iterator(chunk_size=chunk_size):
        names = [tag.name for tag in article.tags.all()] + [author.name for author in article.authors.all()]
        index = index_article(article, names)
        if postgresql:
            article.search_vector = vector(index)
        batch.append(article)
        if len(batch) >= chunk_size:
            done += model.objects.using(queryset.db).bulk_update(batch, fields)
            batch = []
    if batch:
        done += model.objects.using(queryset.db).bulk_update(batch, fields)
    return done


# --- Match and rank -----------------------------------------------------------------------------


def parse(lang: str, query: str) -> list[QueryTerm]:
    """The query's terms (``query_terms``) without repeats; empty when it has no words (it matches nothing)."""
    return list(dict.fromkeys(query_terms(lang, query)))


def _lexeme(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("'", "''")
    return f"'{escaped}'"


def tsquery_text(terms: Sequence[QueryTerm]) -> str:
    """The ``to_tsquery`` text of the matching rule: every term ANDed, the prefix term as ``(prefix:* | stem)``."""
    parts = []
    for term in terms:
        if term.prefix:
            parts.append(f"({_lexeme(term.term)}:* | {_lexeme(term.stem)}:ABC)")
        else:
            parts.append(f"{_lexeme(term.term)}:ABC")
    return " & ".join(parts)


def _sqlite_hit(term: QueryTerm, column: str, prefix_column: str) -> Q:
    if term.prefix:
        return Q(**{f"{prefix_column}__contains": f" {term.term}"}) | Q(**{f"{column}__contains": f" {term.stem} "})
    return Q(**{f"{column}__contains": f" {term.term} "})


EPOCH_2000 = datetime(2000, 1, 1, tzinfo=UTC)


class DaysSince2000(Func):
    """Days from 2000-01-01T00:00Z to a datetime column, as a float."""

    output_field = FloatField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "(EXTRACT(EPOCH FROM %(expressions)s)::double precision / 86400.0 - 10957.0)"
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, template="(julianday(%(expressions)s) - 2451544.5)", **extra)


def _days_since_2000(moment: datetime) -> float:
    """``DaysSince2000`` in Python, for a window's floor."""
    return (moment - EPOCH_2000).total_seconds() / 86400.0


RECENCY_PER_DAY = math.log(2) / RECENCY_HALF_LIFE_DAYS


def _ranked(relevance: Any) -> Any:
    recency = DaysSince2000(F("published_at")) * Value(RECENCY_PER_DAY)
    bounded = Least(
        Greatest(relevance, Value(MIN_RELEVANCE), output_field=FloatField()),
        Value(MAX_RELEVANCE),
        output_field=FloatField(),
    )
    return Ln(bounded) + recency


@dataclass(frozen=True)
class Match:
    """The articles matching a query (``matching``), and their rank."""

    condition: Q
    """The match, checked row by row: for a window of recent rows, which an index of time narrows."""
    indexed: Q
    """The same match in the form an index answers (PostgreSQL's GIN; nothing on SQLite), added when the
    whole archive is asked: together with ``condition``, the same rows."""
    rank: Any


@dataclass(frozen=True)
class RecentFirst:
    """Search the last ``RECENT_FIRST_DAYS`` first (``backend.api.pagination.Narrowing``).

    A match published before ``since`` ranks below ``floor`` (its relevance is at most ``MAX_RELEVANCE``
    and its recency under ``since``'s). So when the narrowed page's last row ranks above ``floor``, no
    older match could have been on the page, and the page is exact. When it does not, but the window
    held a whole page, that page's last rank says how far back is enough (``further``): the days
    before ``since`` back to the date whose floor is under that rank, merged with the rows in hand,
    make a page that ends at least as high. Ranking every match of a common word costs what the archive
    holds; this costs what the last weeks hold, read row by row (``Match.condition``), and a rare word,
    whose recent matches don't fill a page, or a page that would need more than ``FURTHER_MAX_DAYS``, is
    asked of the whole archive through the index (``whole``), where few rows match.
    """

    now: datetime
    since: datetime
    until: datetime | None = None
    """Set on a ``further`` band: the ``since`` of the window before it (the rows it holds are in hand)."""
    whole: Q = field(default_factory=Q)
    """Added to the whole archive's query: the match as the index answers it (``Match.indexed``)."""

    @property
    def floor(self) -> float:
        """Above the rank of any match published before ``since``."""
        return math.log(MAX_RELEVANCE) + _days_since_2000(self.since) * RECENCY_PER_DAY

    @property
    def condition(self) -> Q:
        condition = Q(published_at__gte=self.since)
        return condition if self.until is None else condition & Q(published_at__lt=self.until)

    def covers(self, rows: list[Any], *, wanted: int) -> bool:
        return len(rows) == wanted and rows[-1].rank > self.floor

    def further(self, rows: list[Any], *, wanted: int) -> "RecentFirst | None":
        """The band before ``since`` whose floor is under the last of ``rows`` (a full page), or None."""
        if len(rows) < wanted:
            return None
        days = (rows[-1].rank - math.log(MAX_RELEVANCE)) / RECENCY_PER_DAY  # the date whose floor is that rank
        if _days_since_2000(self.now) - days > FURTHER_MAX_DAYS:
            return None
        since = EPOCH_2000 + timedelta(days=days) - FURTHER_MARGIN
        if since >= self.since:
            return None
        return RecentFirst(now=self.now, since=since, until=self.since, whole=self.whole)


def recent_first(now: datetime, match: Match | None = None) -> RecentFirst:
    """``RecentFirst`` for a search at ``now`` with ``match`` (its ``indexed`` form for the whole archive)."""
    return RecentFirst(
        now=now, since=now - timedelta(days=RECENT_FIRST_DAYS), whole=match.indexed if match is not None else Q()
    )


class TsMatch(Func):
    """``ts_match_vq(vector, query)``: what ``@@`` runs, as a function call, which no index answers."""

    function = "ts_match_vq"
    output_field = BooleanField()


def matching(terms: Sequence[QueryTerm], *, vendor: str) -> Match:
    """The articles matching ``terms`` (not empty) and their ``rank`` expression, for ``vendor``."""
    if vendor == "postgresql":
        query = SearchQuery(tsquery_text(terms), search_type="raw", config=CONFIG)
        # ts_rank is a float4; as float8 it survives the cursor's round trip exactly, so ties page correctly.
        ts_rank = Cast(SearchRank(F("search_vector"), query), FloatField())
        return Match(
            condition=Q(TsMatch(F("search_vector"), query)), indexed=Q(search_vector=query), rank=_ranked(ts_rank)
        )
    condition = Q()
    for term in terms:
        condition &= _sqlite_hit(term, "search_terms", "search_prefixes")
    share = (SQLITE_TITLE_WEIGHT - SQLITE_OTHER_WEIGHT) / len(terms)
    title_hits = [
        Case(When(_sqlite_hit(term, "search_title", "search_title"), then=Value(share)), default=Value(0.0))
        for term in terms
    ]
    weight = sum(title_hits, Value(SQLITE_OTHER_WEIGHT, output_field=FloatField()))
    return Match(condition=condition, indexed=Q(), rank=_ranked(weight))


# --- Highlight ----------------------------------------------------------------------------------


@lru_cache(maxsize=16384)
def _analysed_word(lang: str, word: str) -> tuple[frozenset[str], tuple[str, ...]]:
    return frozenset(document_terms(lang, word)), tuple(document_prefix_words(lang, word))


def _word_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where the words of ``text`` (whitespace collapsed to single spaces) are, in order: ``split_words``' rule.

    A space-separated piece made only of letters, or only of decimal digits, is one word as it stands
    (``str.isalpha``: every character a letter, categories L*; ``isdecimal``: Nd), found without
    looking at each character; only the others (punctuation, marks, ZWNJ, mixed) are walked. Lazily:
    ``highlight`` stops once it has what its snippet can show.
    """
    position = 0
    for piece in text.split(" "):
        if piece.isalpha() or piece.isdecimal():
            yield position, position + len(piece)
        else:
            for start, end in _char_spans(piece):
                yield position + start, position + end
        position += len(piece) + 1


def _char_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = None
    for index, char in enumerate(text):
        if is_word_char(char):
            if start is None:
                start = index
        elif start is not None:
            spans.append((start, index))
            start = None
    if start is not None:
        spans.append((start, len(text)))
    return spans


def _terms_matched(lang: str, word: str, terms: Sequence[QueryTerm]) -> set[int]:
    """Which of ``terms`` (by position) the text word ``word`` matches."""
    word_terms, prefix_words = _analysed_word(lang, word)
    found = set()
    for position, term in enumerate(terms):
        if term.prefix:
            hit = term.stem in word_terms or any(prefix.startswith(term.term) for prefix in prefix_words)
        else:
            hit = term.term in word_terms
        if hit:
            found.add(position)
    return found


def highlight(
    lang: str,
    terms: Sequence[QueryTerm],
    texts: Iterable[str],
    *,
    length: int = SNIPPET_CHARS,
    seen: dict[str, set[int]] | None = None,
) -> str:
    """A snippet of the first of ``texts`` holding most of ``terms``, about ``length`` long, matches in ``<mark>``.

    Everything else is HTML-escaped: the only markup is ``<mark>``. Whitespace is collapsed; a
    text cut short gets "…" where it was cut. When no text holds a term (the article matched by a
    tag or an author name, or deeper in the body than ``HIGHLIGHT_SCAN_CHARS``), the first
    non-empty text, unmarked.

    ``seen`` remembers which terms each word matched: a page of results highlighted with the same
    ``lang`` and ``terms`` shares one, and analyses each distinct word once (most words repeat).
    """
    seen = {} if seen is None else seen
    best: tuple[int, str, list[tuple[int, int]]] | None = None
    for raw in texts:
        text = " ".join(raw[:HIGHLIGHT_SCAN_CHARS].split())
        if not text:
            continue
        marked: list[tuple[int, int]] = []
        found: set[int] = set()
        for start, end in _word_spans(text):
            if marked and len(found) == len(terms) and start >= marked[0][0] + length:
                break  # every term found, and the snippet (at most ``length`` from the first mark) is behind
            word = text[start:end]
            hits = seen.get(word)
            if hits is None:
                hits = seen[word] = _terms_matched(lang, word, terms)
            if hits:
                marked.append((start, end))
                found |= hits
        if best is None or len(found) > best[0]:
            best = (len(found), text, marked)
        if len(found) == len(terms):
            break
    if best is None:
        return ""
    _, text, marked = best
    return _snippet(text, marked, length)


def _snippet(text: str, marked: list[tuple[int, int]], length: int) -> str:
    start, end = 0, len(text)
    if end > length:
        first = marked[0][0] if marked else 0
        start = max(0, first - length // 4)
        if start > 0 and text[start - 1] != " ":
            space = text.find(" ", start, first)
            start = space + 1 if space != -1 else first
        end = min(len(text), start + length)
        if end < len(text):
            space = text.rfind(" ", start, end)
            if space > (marked[0][1] if marked else start):
                end = space
    pieces = ["…"] if start > 0 else []
    position = start
    for mark_start, mark_end in marked:
        if mark_start < start or mark_end > end:
            continue
        pieces += [escape(text[position:mark_start]), "<mark>", escape(text[mark_start:mark_end]), "</mark>"]
        position = mark_end
    pieces.append(escape(text[position:end]))
    if end < len(text):
        pieces.append("…")
    return "".join(pieces)


def search_highlight(lang: str, query: str, texts: Iterable[str]) -> str:
    """``highlight`` for a query as the reader typed it."""
    return highlight(lang, parse(lang, query), texts)
