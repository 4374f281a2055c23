"""Splitting text into words, the same way for every edition.

A word is a run of letters, marks, decimal digits and format characters; anything else
(spaces, punctuation, symbols, controls such as NUL) separates words. Marks stay inside words
because harakat and other combining marks are removed by each language's normaliser, not by the
tokeniser; format characters (category Cf: ZWNJ, bidi marks, the soft hyphen) stay inside for the
same reason: the Sorani and Persian normalisers give ZWNJ a meaning before it is removed.
Stopwords are not removed: headlines are short, and a dropped word cannot be searched for.
"""

import unicodedata

_WORD_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Cf"})
# A zero width space is a format character that separates words (as a space does) rather than joins them.
_ZERO_WIDTH_SPACE = "\u200b"


def is_word_char(char: str) -> bool:
    """Whether ``char`` (one character) belongs to a word."""
    return char != _ZERO_WIDTH_SPACE and unicodedata.category(char) in _WORD_CATEGORIES


def split_words(text: str) -> list[str]:
    """The words of ``text`` in order, as typed (not yet normalised)."""
    words: list[str] = []
    start = None
    for index, char in enumerate(text):
        if is_word_char(char):
            if start is None:
                start = index
        elif start is not None:
            words.append(text[start:index])
            start = None
    if start is not None:
        words.append(text[start:])
    return words


def remove_format_chars(word: str) -> str:
    """``word`` without format characters (ZWNJ, ZWJ, bidi marks, soft hyphen, BOM)."""
    return "".join(char for char in word if unicodedata.category(char) != "Cf")
