# ruff: noqa: RUF001  (Sorani letters in the suffix rules are meant)
"""Sorani Kurdish (ckb): a port of Lucene's ``SoraniNormalizer`` and ``SoraniStemmer``.

Sources: ``org.apache.lucene.analysis.ckb.SoraniNormalizer`` and ``SoraniStemmer`` (apache/lucene,
``lucene/analysis/common``). The rules, their order and the length checks are Lucene's; lengths
are counted in characters, which equals Java's UTF-16 units for the Arabic script (all in the BMP).
As in Lucene's ``SoraniAnalyzer``, the package also lower-cases (Latin words in Sorani text) and
folds digits (``DecimalDigitFilter``); the NFKC step before it all is not Lucene's, and only turns
presentation forms and ligatures into the letters these rules know.
"""

import unicodedata

YEH = "\u064a"
DOTLESS_YEH = "\u0649"
FARSI_YEH = "\u06cc"
KAF = "\u0643"
KEHEH = "\u06a9"
HEH = "\u0647"
AE = "\u06d5"
ZWNJ = "\u200c"
HEH_DOACHASHMEE = "\u06be"
TEH_MARBUTA = "\u0629"
REH = "\u0631"
RREH = "\u0695"
RREH_ABOVE = "\u0692"

# Tatweel and the harakat: fathatan, dammatan, kasratan, fatha, damma, kasra, shadda, sukun.
_DELETED = frozenset("\u0640\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652")
# The context-free one-to-one replacements; the positional rules are in normalize_word.
_REPLACED = {
    YEH: FARSI_YEH,
    DOTLESS_YEH: FARSI_YEH,
    KAF: KEHEH,
    TEH_MARBUTA: AE,
    HEH_DOACHASHMEE: HEH,
    RREH_ABOVE: RREH,
}


def normalize_word(word: str) -> str:
    """Normalise one word as ``SoraniNormalizer.normalize`` does.

    - Arabic yeh (U+064A) and alef maksura (U+0649) become Farsi yeh (U+06CC);
    - Arabic kaf (U+0643) becomes keheh (U+06A9);
    - heh (U+0647) followed by ZWNJ, a word-final heh, and teh marbuta (U+0629) become ae (U+06D5);
    - heh doachashmee (U+06BE) becomes heh;
    - reh with small v above (U+0692), and reh (U+0631) at the start of the word, become rreh (U+0695);
    - tatweel, the harakat and every format character (ZWNJ included) are removed.

    One pass, as in Lucene: "start of the word" is the first character kept so far, "word-final"
    is the last character of the input, and a heh made from heh doachashmee is not looked at again.
    """
    out: list[str] = []
    last = len(word) - 1
    for index, char in enumerate(word):
        if char in _REPLACED:
            out.append(_REPLACED[char])
        elif char == ZWNJ:
            if out and out[-1] == HEH:
                out[-1] = AE
        elif char == HEH:
            out.append(AE if index == last else HEH)
        elif char == REH:
            out.append(REH if out else RREH)
        elif char in _DELETED or unicodedata.category(char) == "Cf":
            continue
        else:
            out.append(char)
    return "".join(out)


# (suffix, the word must be longer than this, how many characters to remove): Lucene's checks, in its order.
_POSTPOSITIONS = (("دا", 5, 2), ("نا", 4, 1), ("ەوە", 6, 3))
_POSSESSIVES = (("مان", 6, 3), ("یان", 6, 3), ("تان", 6, 3))
_ENDINGS = (
    # indefinite singular ezafe
    ("ێکی", 6, 3),
    ("یەکی", 7, 4),
    # indefinite singular
    ("ێک", 5, 2),
    ("یەک", 6, 3),
    # definite singular
    ("ەکە", 6, 3),
    ("کە", 5, 2),
    # definite plural
    ("ەکان", 7, 4),
    ("کان", 6, 3),
    # indefinite plural ezafe
    ("یانی", 7, 4),
    ("انی", 6, 3),
    # indefinite plural
    ("یان", 6, 3),
    ("ان", 5, 2),
    # demonstrative plural
    ("یانە", 7, 4),
    ("انە", 6, 3),
    # demonstrative singular: the alef or ae before "یە" stays
    ("ایە", 5, 2),
    ("ەیە", 5, 2),
    ("ە", 4, 1),
    # absolute singular ezafe
    ("ی", 4, 1),
)


def _strip_first(word: str, rules: tuple[tuple[str, int, int], ...]) -> str:
    for suffix, longer_than, remove in rules:
        if len(word) > longer_than and word.endswith(suffix):
            return word[:-remove]
    return word


def stem(word: str) -> str:
    """Stem a normalised word as ``SoraniStemmer.stem`` does.

    At most one postposition (دا, نا — of which only the alef goes — or ەوە), then at most one
    possessive pronoun (مان, یان, تان), then at most one article, demonstrative or ezafe ending,
    each only when the word is longer than Lucene's minimum for that suffix.
    """
    word = _strip_first(word, _POSTPOSITIONS)
    word = _strip_first(word, _POSSESSIVES)
    return _strip_first(word, _ENDINGS)
