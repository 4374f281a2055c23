# ruff: noqa: RUF001, RUF002  (Persian and Arabic letters in the rules and their docstrings are meant)
"""Persian (fa): Lucene's ``PersianNormalizer`` and ``PersianStemmer``, and how ZWNJ is handled.

Sources: ``org.apache.lucene.analysis.fa.PersianNormalizer``, ``PersianStemmer`` and
``PersianAnalyzer`` (apache/lucene, ``lucene/analysis/common``). As in ``PersianAnalyzer``, a word
goes through ``ArabicNormalizer`` first, then ``PersianNormalizer``. Lucene's direction is kept:
the Persian yeh and keheh become the Arabic yeh (U+064A) and kaf (U+0643), the letters the
stemmer's suffixes are written in. Either direction makes the two keyboards' spellings one term.

ZWNJ (the half-space, U+200C) is typed in some spellings and not in others ("می‌خواهم" and
"میخواهم"), or replaced by a space ("نخست‌وزیر", "نخست وزیر"). Lucene's ``PersianCharFilter``
turns it into a space, so "می‌خواهم" never matches "میخواهم". Here a word with ZWNJ gives its
joined form (ZWNJ removed) and, in documents only, each of its parts as well: a query in either
spelling finds it through the joined form, and a query that types the parts as separate words
finds it through the parts. Queries use the joined form only, so a document written without ZWNJ
is found by a query typed with it.
"""

from . import arabic
from .tokens import remove_format_chars

YEH = "\u064a"
FARSI_YEH = "\u06cc"
YEH_BARREE = "\u06d2"
KEHEH = "\u06a9"
KAF = "\u0643"
HAMZA_ABOVE = "\u0654"
HEH_YEH = "\u06c0"
HEH_GOAL = "\u06c1"
HEH_GOAL_HAMZA = "\u06c2"
HEH = "\u0647"
ZWNJ = "\u200c"

NORMALIZATION: dict[str, str | None] = {
    FARSI_YEH: YEH,
    YEH_BARREE: YEH,
    KEHEH: KAF,
    HEH_YEH: HEH,
    HEH_GOAL: HEH,
    # Not in Lucene's table: Lucene deletes the hamza of heh goal + combining hamza above, but the
    # analysis composes that pair (NFKC) into this one letter first, so it is mapped here instead.
    HEH_GOAL_HAMZA: HEH,
    # Deleted so that heh + combining hamza above reads as heh, as heh yeh does.
    HAMZA_ABOVE: None,
}
"""``PersianNormalizer``'s rules as a ``str.translate`` mapping (``None`` deletes the character)."""

# ArabicNormalizer then PersianNormalizer in one table: no character is both produced by the first
# and changed by the second, so applying the merged table once equals applying them in turn.
_NORMALIZE = str.maketrans({**arabic.NORMALIZATION, **NORMALIZATION})


def normalize_word(word: str) -> str:
    """The joined form of one word: ``ArabicNormalizer`` and ``PersianNormalizer`` rules, ZWNJ removed."""
    return remove_format_chars(word.translate(_NORMALIZE))


def word_parts(word: str) -> list[str]:
    """The normalised parts of a word written with ZWNJ (empty when it has none or only one part)."""
    parts = [part for part in (normalize_word(piece) for piece in word.split(ZWNJ)) if part]
    return parts if len(parts) > 1 else []


# Lucene's order; each is tried in turn on what the previous ones left (not first-match).
_SUFFIXES = ("ات", "ان", "ترين", "تر", "يي", "ي", "ها")


def stem(word: str) -> str:
    """Stem a normalised word as ``PersianStemmer.stem`` does.

    Each of the suffixes ات، ان، ترین، تر، یی، ی، ها (in their normalised letters) is removed in that
    order when at least two letters remain. Lucene's last suffix, a trailing ZWNJ, cannot occur here:
    ZWNJ is already gone from normalised words.
    """
    for suffix in _SUFFIXES:
        if len(word) >= len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
    return word
