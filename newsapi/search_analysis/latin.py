# ruff: noqa: RUF001, RUF002, RUF003  (Turkish dotless i and other Latin letters are meant)
"""Latin-script editions: English, Turkish, Kurmanji (kmr) and the default for any other language.

Case is folded (Turkish with its own dotted and dotless i) and diacritics are stripped, so that a
reader without the edition's keyboard finds the word: "Türkiye" and "turkiye", "Beyoncé" and
"beyonce" are one term. English and Turkish are stemmed with Snowball (the ``snowballstemmer``
package); Kurmanji and unknown languages are not stemmed.
"""

import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

# Letters that are not a base letter plus a combining mark, so NFKD leaves them; ı is the one that
# matters most (Turkish "ı" typed as "i" on other keyboards).
_LETTER_FOLDS = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe"})
# Kurmanji's own letters typed without their marks: ê, î, û, ç, ş (already lower case here).
_KURMANJI_FOLDS = str.maketrans({"ê": "e", "î": "i", "û": "u", "ç": "c", "ş": "s"})
# Turkish capital I is dotless: I -> ı and İ -> i (str.lower would give i and i + combining dot).
_TURKISH_CAPITALS = str.maketrans({"I": "ı", "İ": "i"})


def fold_case(text: str) -> str:
    """Case-fold ``text`` (full Unicode case folding: "ß" becomes "ss")."""
    return text.casefold()


def fold_case_turkish(text: str) -> str:
    """Lower-case ``text`` by Turkish rules: I becomes ı, İ becomes i."""
    return text.translate(_TURKISH_CAPITALS).lower()


def strip_diacritics(word: str) -> str:
    """``word`` without diacritics: NFKD, every combining mark dropped, and ı ø ł đ æ œ folded."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).translate(_LETTER_FOLDS)


def fold_kurmanji(word: str) -> str:
    """Fold the Kurmanji letters ê î û ç ş to e i u c s; every other letter keeps its marks.

    Kurmanji's marked letters are letters of their own, but readers often type them without the
    marks, so these five are folded. Other diacritics (names in other languages) are left as written.
    """
    return unicodedata.normalize("NFC", word).translate(_KURMANJI_FOLDS)


class _Stemmers(threading.local):
    """Snowball stemmers keep the word being stemmed on the object: one set per thread."""

    def __init__(self) -> None:
        self.english = snowballstemmer.stemmer("english")
        self.turkish = snowballstemmer.stemmer("turkish")


_stemmers = _Stemmers()


# News text repeats its words: a cache of recent stems saves most of Snowball's (pure Python) work.
@lru_cache(maxsize=50_000)
def stem_english(word: str) -> str:
    """Snowball's English (Porter2) stem of a folded word."""
    return str(_stemmers.english.stemWord(word))


@lru_cache(maxsize=50_000)
def stem_turkish(word: str) -> str:
    """Snowball's Turkish stem of a lower-cased word that still has its Turkish letters."""
    return str(_stemmers.turkish.stemWord(word))
