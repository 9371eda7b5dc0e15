"""The result type shared by the value extractors, and the overlap resolution they all use."""

from __future__ import annotations

from collections.abc import Iterable
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
