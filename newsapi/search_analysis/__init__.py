"""Text analysis for search: the same words for documents and queries, in every edition language.

Pure functions, no database: a later change stores each article's terms at save time and analyses
queries with ``query_terms``, on PostgreSQL and SQLite alike; ``matches`` is the rule in Python.

The text is NFKC-normalised first (Arabic presentation forms and ligatures from PDFs and old
software become the letters, full-width Latin becomes ASCII), every decimal digit becomes ASCII,
case is folded, and the text is split into words (``tokens``). Each word is then normalised and
stemmed by its edition's language (``languages``):

- ``ckb`` Sorani: Lucene's SoraniNormalizer and SoraniStemmer (``sorani``);
- ``ar`` Arabic: Lucene's ArabicNormalizer and ArabicStemmer (``arabic``);
- ``fa`` Persian: Lucene's ArabicNormalizer, PersianNormalizer and PersianStemmer, and ZWNJ-joined
  words indexed both joined and as their parts (``persian``);
- ``en`` and ``tr``: diacritics stripped, Snowball stemmers; ``kmr`` Kurmanji: ê î û ç ş folded,
  no stemmer; any other code: diacritics stripped, no stemmer (``latin``).

The matching rule (``matches``): a query's words become terms; the last word is a prefix term,
unless the query ends after it (with a space or punctuation), so results follow the reader's
typing. A document matches when

- every term that is not a prefix term is one of its ``document_terms``, and
- the prefix term's ``term`` (the last word normalised, not stemmed) starts one of its
  ``document_prefix_words`` (its normalised words and their stems), or the prefix term's ``stem``
  (the last word as a whole word) is one of its ``document_terms``.

A query with no words matches nothing.
"""

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from .digits import fold_digits
from .languages import Language, Word, language_for
from .tokens import is_word_char, split_words

__all__ = ["QueryTerm", "document_prefix_words", "document_terms", "matches", "normalize", "query_terms"]


@dataclass(frozen=True)
class QueryTerm:
    """One word of a query, as it is matched against documents."""

    term: str
    """The word's term (normalised and stemmed); for a prefix term, the normalised word, not stemmed:
    a document matches when one of its prefix words starts with it ("chin" finds "China")."""
    prefix: bool
    """Whether this is the word the reader may still be typing (the last one)."""
    stem: str
    """The word's term as a whole word. For a prefix term, a document with this term matches too, so a
    complete last word finds the word's other inflections; for other terms it equals ``term``."""


def _prepare(language: Language, text: str) -> str:
    return language.fold_case(fold_digits(unicodedata.normalize("NFKC", text)))


def _words(lang: str, text: str) -> Iterator[list[Word]]:
    """The words of each token of ``text`` that leaves any, in order."""
    language = language_for(lang)
    for token in split_words(_prepare(language, text)):
        words = language.analyse(token)
        if words:
            yield words


def _document_words(lang: str, text: str) -> list[Word]:
    return [word for words in _words(lang, text) for word in words]


def _prefix_words(words: list[Word]) -> list[str]:
    return list(dict.fromkeys(string for word in words for string in word))


def normalize(lang: str, text: str) -> str:
    """The normalised words of ``text`` (not stemmed), separated by single spaces.

    ``lang`` is an edition code ("ckb", "ar", "fa", "en", "tr", "kmr", or any other); a region
    subtag is ignored. Persian words written with ZWNJ appear joined.
    """
    return " ".join(words[0].form for words in _words(lang, text))


def document_terms(lang: str, text: str) -> list[str]:
    """The terms of a document (normalised and stemmed), in order, duplicates kept.

    A Persian word written with ZWNJ gives the term of its joined form, then those of its parts.
    """
    return [word.term for word in _document_words(lang, text)]


def document_prefix_words(lang: str, text: str) -> list[str]:
    """What a query's prefix term is matched against: each normalised word, then its term where it differs.

    In order of first appearance, without duplicates. The stems are included because Arabic
    stemming removes proclitics: "كتا" must find "والكتاب", whose stem is "كتاب".
    """
    return _prefix_words(_document_words(lang, text))


def query_terms(lang: str, text: str) -> list[QueryTerm]:
    """The terms of a query: each word analysed as in documents, the last one as a prefix term.

    The last word is a prefix term (``prefix=True``, ``term`` normalised but not stemmed) when the
    query ends inside it; a query that ends with whitespace or punctuation has no prefix term.
    Persian words written with ZWNJ are looked up by their joined form only.
    """
    language = language_for(lang)
    prepared = _prepare(language, text)
    analysed = [language.analyse(token) for token in split_words(prepared)]
    words = [token_words[0] for token_words in analysed if token_words]
    terms = [QueryTerm(word.term, prefix=False, stem=word.term) for word in words]
    if analysed and analysed[-1] and is_word_char(prepared[-1]):
        last = words[-1]
        terms[-1] = QueryTerm(last.form, prefix=True, stem=last.term)
    return terms


def matches(lang: str, document: str, query: str) -> bool:
    """Whether ``document`` matches ``query`` by the matching rule in the package docstring."""
    terms = query_terms(lang, query)
    if not terms:
        return False
    words = _document_words(lang, document)
    term_set = {word.term for word in words}
    for query_term in terms:
        if not query_term.prefix:
            if query_term.term not in term_set:
                return False
        elif query_term.stem not in term_set and not any(
            prefix_word.startswith(query_term.term) for prefix_word in _prefix_words(words)
        ):
            return False
    return True
