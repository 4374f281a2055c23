# ruff: noqa: RUF001, RUF002  (Arabic letters in the rules and their docstrings are meant)
"""Arabic (ar): a port of Lucene's ``ArabicNormalizer`` and ``ArabicStemmer``.

Sources: ``org.apache.lucene.analysis.ar.ArabicNormalizer`` and ``ArabicStemmer`` (apache/lucene,
``lucene/analysis/common``), after Larkey, Ballesteros and Connell's light stemmer. The Persian
analysis reuses the normaliser, as Lucene's ``PersianAnalyzer`` does.
"""

ALEF = "\u0627"
ALEF_MADDA = "\u0622"
ALEF_HAMZA_ABOVE = "\u0623"
ALEF_HAMZA_BELOW = "\u0625"
YEH = "\u064a"
DOTLESS_YEH = "\u0649"
TEH_MARBUTA = "\u0629"
HEH = "\u0647"
TATWEEL = "\u0640"
# fathatan, dammatan, kasratan, fatha, damma, kasra, shadda, sukun
HARAKAT = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"

NORMALIZATION: dict[str, str | None] = {
    ALEF_MADDA: ALEF,
    ALEF_HAMZA_ABOVE: ALEF,
    ALEF_HAMZA_BELOW: ALEF,
    DOTLESS_YEH: YEH,
    TEH_MARBUTA: HEH,
    TATWEEL: None,
    **dict.fromkeys(HARAKAT),
}
"""``ArabicNormalizer``'s rules as a ``str.translate`` mapping (``None`` deletes the character)."""

_NORMALIZE = str.maketrans(NORMALIZATION)


def normalize_word(word: str) -> str:
    """Normalise one word as ``ArabicNormalizer.normalize`` does.

    Alef with madda, hamza above or hamza below becomes bare alef; teh marbuta becomes heh; alef
    maksura (dotless yeh) becomes yeh; tatweel and the harakat are removed.
    """
    return word.translate(_NORMALIZE)


# Lucene's order matters: "ال" is tried before "وال", so only one proclitic is removed.
_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
# Each is tried in turn on what the previous ones left (not first-match).
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")


def _strip_prefix(word: str) -> str:
    for prefix in _PREFIXES:
        # The conjunction و alone needs three letters after it; the other prefixes need two.
        minimum = 4 if len(prefix) == 1 else len(prefix) + 2
        if len(word) >= minimum and word.startswith(prefix):
            return word[len(prefix) :]
    return word


def _strip_suffixes(word: str) -> str:
    for suffix in _SUFFIXES:
        # Every suffix must leave at least two letters.
        if len(word) >= len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
    return word


def stem(word: str) -> str:
    """Stem a normalised word as ``ArabicStemmer.stem`` does.

    At most one proclitic goes: the first of ال، وال، بال، كال، فال، لل، و that the word starts with
    (when enough letters remain). Then each of the suffixes ها، ان، ات، ون، ين، يه، ية، ه، ة، ي in
    that order, each when at least two letters remain.
    """
    return _strip_suffixes(_strip_prefix(word))
