# ruff: noqa: RUF003  (Turkish letters in a comment are meant)
"""Which analysis each edition language gets, chosen by the edition code.

Every language turns one token (a word as split from the text, already case-folded) into the
words it is indexed as: normally one, none when nothing is left of it (a lone tatweel or ZWNJ),
and for Persian also the parts of a ZWNJ-joined word. Each word has its normalised, unstemmed
form (what a prefix is matched against) and its term (the stem, what whole words are matched by).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from . import arabic, latin, persian, sorani
from .tokens import remove_format_chars


class Word(NamedTuple):
    form: str
    """Normalised, not stemmed."""
    term: str
    """Normalised and stemmed."""


@dataclass(frozen=True)
class Language:
    fold_case: Callable[[str], str]
    """Applied to the whole text before it is split into words."""
    analyse: Callable[[str], list[Word]]
    """One token to its words: the first is the word itself, any others are indexed in documents only."""


def _one_word(normalize: Callable[[str], str], stem: Callable[[str], str] | None = None) -> Callable[[str], list[Word]]:
    def analyse(token: str) -> list[Word]:
        form = normalize(token)
        if not form:
            return []
        return [Word(form, stem(form) if stem else form)]

    return analyse


def _arabic_form(token: str) -> str:
    return remove_format_chars(arabic.normalize_word(token))


def _persian(token: str) -> list[Word]:
    form = persian.normalize_word(token)
    if not form:
        return []
    return [Word(word, persian.stem(word)) for word in (form, *persian.word_parts(token))]


def _latin_form(token: str) -> str:
    return latin.strip_diacritics(remove_format_chars(token))


def _kurmanji_form(token: str) -> str:
    return latin.fold_kurmanji(remove_format_chars(token))


def _turkish(token: str) -> list[Word]:
    # Snowball's Turkish rules read ı, ğ, ş, ö, ü and ç (vowel harmony), so the stem is taken
    # before the diacritics go; the form and the stem are then folded alike.
    lowered = remove_format_chars(token)
    form = latin.strip_diacritics(lowered)
    if not form:
        return []
    return [Word(form, latin.strip_diacritics(latin.stem_turkish(lowered)))]


DEFAULT = Language(latin.fold_case, _one_word(_latin_form))
"""Any language without its own rules: case folded, diacritics stripped, no stemming."""

LANGUAGES: dict[str, Language] = {
    # Lucene's Sorani, Arabic and Persian analyzers lower-case too (Latin words in Arabic script text).
    "ckb": Language(latin.fold_case, _one_word(sorani.normalize_word, sorani.stem)),
    "ar": Language(latin.fold_case, _one_word(_arabic_form, arabic.stem)),
    "fa": Language(latin.fold_case, _persian),
    "en": Language(latin.fold_case, _one_word(_latin_form, latin.stem_english)),
    "tr": Language(latin.fold_case_turkish, _turkish),
    "kmr": Language(latin.fold_case, _one_word(_kurmanji_form)),
}


def language_for(code: str) -> Language:
    """The analysis for an edition code; a region or script subtag is ignored ("ckb-IQ" is "ckb")."""
    base = code.replace("_", "-").split("-", 1)[0].strip().lower()
    return LANGUAGES.get(base, DEFAULT)
