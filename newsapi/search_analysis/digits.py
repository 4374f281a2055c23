"""Digits of every script fold to ASCII, in every edition.

Readers type 2024 as ٢٠٢٤ (Arabic-Indic), ۲۰۲۴ (Extended Arabic-Indic, the Persian and Sorani
keyboards) or 2024; all three must be one term. Like Lucene's ``DecimalDigitFilter``, every
Unicode decimal digit (category Nd) is folded, not only the Arabic ones.
"""

import re
import unicodedata

# Python's \d is any Unicode decimal digit; the class leaves out ASCII, which needs no work.
_NON_ASCII_DIGIT = re.compile(r"[^\D0-9]")


def _to_ascii(match: re.Match[str]) -> str:
    return str(unicodedata.decimal(match.group()))


def fold_digits(text: str) -> str:
    """Return ``text`` with every decimal digit of any script replaced by its ASCII digit."""
    return _NON_ASCII_DIGIT.sub(_to_ascii, text)
