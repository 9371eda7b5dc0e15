"""`near`: sentences in which every term occurs, all within `distance` words of each other.

Options: `terms` (two or more expressions) and `distance` (the most words between them).

    - id: opt-out-link
      kind: near
      terms: [unsubscribe, link]
      distance: 6

Passes on "click the unsubscribe link at the bottom of any email"; fails on "You may
unsubscribe at any time. ... a link to our partners' sites" (not in one sentence, or too far).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from auditor.rules.base import Candidate, Hit, Scan
from auditor.rules.expr import Expr, sentence_hits

_WORD = re.compile(r"\S+")


def word_index(word_starts: list[int], offset: int) -> int:
    """Index of the word holding the character at `offset`."""
    return max(bisect.bisect_right(word_starts, offset) - 1, 0)


def word_starts(text: str) -> list[int]:
    """Start offsets of the white-space separated words of `text`."""
    return [m.start() for m in _WORD.finditer(text)]


def words_between(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Words strictly between two word ranges (0 when they touch or overlap)."""
    if a[1] < b[0]:
        return b[0] - a[1] - 1
    if b[1] < a[0]:
        return a[0] - b[1] - 1
    return 0


@dataclass
class Near:
    """Compiled `near` rule."""

    terms: list[Expr]
    distance: int

    def evaluate(self, scan: Scan, allowed: set[int] | None) -> Iterator[Hit | Candidate]:
        per_term = [sentence_hits(term, scan, allowed) for term in self.terms]
        common = set.intersection(*(set(h) for h in per_term))
        partial = set.union(*(set(h) for h in per_term)) - common
        for i in sorted(common | partial):
            if allowed is not None and i not in allowed:
                continue
            text = scan.document.sentences[i].text
            spans_per_term = []
            for term, hits in zip(self.terms, per_term, strict=True):
                ok, spans = term.test(hits.get(i, {}))
                spans_per_term.append(spans if ok else [])
            if not all(spans_per_term):
                missing = [
                    t.describe() for t, s in zip(self.terms, spans_per_term, strict=True) if not s
                ]
                yield Candidate(
                    i,
                    "no " + ", ".join(missing),
                    tuple(s for spans in spans_per_term for s in spans),
                )
                continue
            starts = word_starts(text)
            ranges = [
                [(word_index(starts, a), word_index(starts, b - 1)) for a, b in spans]
                for spans in spans_per_term
            ]
            best: tuple[int, tuple[int, ...]] | None = None
            for combo in itertools.product(*(range(len(r)) for r in ranges)):
                chosen = [ranges[t][k] for t, k in enumerate(combo)]
                gap = max(words_between(x, y) for x, y in itertools.combinations(chosen, 2))
                if best is None or gap < best[0]:
                    best = (gap, combo)
            assert best is not None
            gap, combo = best
            chosen_spans = tuple(sorted(spans_per_term[t][k] for t, k in enumerate(combo)))
            if gap <= self.distance:
                yield Hit(i, chosen_spans)
            else:
                yield Candidate(
                    i, f"terms {gap} words apart (at most {self.distance})", chosen_spans
                )

    def describe(self) -> str:
        terms = ", ".join(t.describe() for t in self.terms)
        return f"near({terms}; within {self.distance} words)"
