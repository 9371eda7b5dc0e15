"""The result type shared by the value extractors, and the overlap resolution they all use."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class ValueMatch:
    """One value found in a text, with its exact character span."""

    start: int
    """Offset of the first character of the match in the input text."""
    end: int
    """Offset one past the last character (end exclusive)."""
    value: str | int
    """The normalised value: an ISO date, a lower-cased e-mail, an E.164 number, an age ..."""
    kind: str
    """What was found: "date", "email", "phone", "postal", "url" or "age"."""
    label: str = ""
    """Extractor-specific detail, e.g. a date's precision or how an e-mail was written."""

    @property
    def span(self) -> tuple[int, int]:
        """The (start, end) pair."""
        return self.start, self.end


def resolve_overlaps(candidates: Iterable[ValueMatch]) -> list[ValueMatch]:
    """Keep non-overlapping candidates, earliest start first, the longest at a tie; sorted."""
    chosen: list[ValueMatch] = []
    last_end = -1
    for cand in sorted(candidates, key=lambda m: (m.start, -m.end)):
        if cand.start >= last_end:
            chosen.append(cand)
            last_end = cand.end
    return chosen


# Letters `re` matches case-insensitively otherwise than `str.lower` pairs them: "İ" lowers to
# two characters, "ı" and "ſ" match "i" and "s". Tested on every code point.
_UNLIKE_LOWER = ("\u0130", "\u0131", "\u017f")


def lowered(text: str) -> str | None:
    """`text.lower()`, or None for a text holding a character of _UNLIKE_LOWER.

    The lowered text keeps every offset, and a pattern of lower-case letters, digits, `\\s`,
    `\\w` and `\\b` compiled case-sensitively matches in it exactly where the same pattern
    compiled with IGNORECASE matches in `text`; `re` tries it about twice as fast.
    """
    if any(c in text for c in _UNLIKE_LOWER):
        return None
    return text.lower()


class LazyPattern:
    """`re.compile(pattern, flags)`, compiled when first used.

    For the patterns most processes never use: compiling the extractors' patterns at import
    was about a sixth of a one-policy audit, and some of them are only ever read for their
    source (by RE2) or only tried on rare texts (another country's addresses, a text with a
    long s). `pattern` and `flags` are the arguments, read without compiling.
    """

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled on the first call)."""
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled().match(string, pos, endpos)

    def fullmatch(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[str] | None:
        return self.compiled().fullmatch(string, pos, endpos)

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled().search(string, pos, endpos)

    def finditer(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        return self.compiled().finditer(string, pos, endpos)

    def sub(self, repl: str, string: str, count: int = 0) -> str:
        return self.compiled().sub(repl, string, count)


Regex = re.Pattern[str] | LazyPattern
"""A compiled pattern or one compiled when first used."""


def finditer_at(
    pattern: Regex, text: str, starts: Iterable[int], endpos: int | None = None
) -> Iterator[re.Match[str]]:
    """What `pattern.finditer(text, 0, endpos)` yields, trying the pattern only at `starts`
    (ascending).

    `starts` must hold every offset at which `pattern` can match, and the pattern must not match
    the empty string. A cheap scan for those offsets spares the pattern's own attempt at every
    offset, which is slow in `re` for a pattern opening with a look-behind or an alternation.
    """
    end = 0
    if endpos is None:
        endpos = len(text)
    for start in starts:
        if start >= end and (m := pattern.match(text, start, endpos)) is not None:
            yield m
            end = m.end()
