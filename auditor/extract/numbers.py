"""Numbers written in digits or in English words ("13", "thirteen", "twenty-one"), 0 to 99."""

from __future__ import annotations

import re

_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = (
    "ten", "eleven", "twelve", "thirteen", "fourteen",
    "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

_WORD_VALUES: dict[str, int] = {w: i for i, w in enumerate(_UNITS)}
_WORD_VALUES.update({w: 10 + i for i, w in enumerate(_TEENS)})
_WORD_VALUES.update({w: 20 + 10 * i for i, w in enumerate(_TENS)})
_WORD_VALUES["fourty"] = 40  # a common misspelling

_TENS_ALT = "|".join((*_TENS, "fourty"))
# Teens before units so that "seventeen" is not read as "seven" + "teen"; callers add boundaries.
_WORDS_RE = (
    rf"(?:(?:{_TENS_ALT})(?:[-\s](?:{'|'.join(_UNITS[1:])}))?"
    rf"|{'|'.join(_TEENS)}|{'|'.join(_UNITS)})"
)

NUMBER_WORDS: tuple[str, ...] = tuple(_WORD_VALUES)
"""Every number word NUMBER_RE reads; a number in words starts with one of them."""

NUMBER_RE = rf"(?:[0-9]{{1,3}}|{_WORDS_RE})"
"""Regex fragment (no groups, no boundaries) for a number in digits or English words.

Compile it with `re.IGNORECASE` and wrap it in `\\b` or look-arounds as the context needs.
"""

_FULL_WORDS = re.compile(
    rf"(?P<tens>{_TENS_ALT})(?:[-\s]+(?P<unit>{'|'.join(_UNITS[1:])}))?|(?P<single>\w+)",
    re.IGNORECASE,
)


def word_to_int(s: str) -> int | None:
    """Read "thirteen", "Twenty-one" or "13" as an int; None if `s` is not such a number."""
    text = s.strip()
    if text.isascii() and text.isdigit():
        return int(text)
    m = _FULL_WORDS.fullmatch(text)
    if m is None:
        return None
    if m.group("tens") is not None:
        value = _WORD_VALUES[m.group("tens").lower()]
        unit = m.group("unit")
        return value + (_WORD_VALUES[unit.lower()] if unit else 0)
    return _WORD_VALUES.get(m.group("single").lower())
