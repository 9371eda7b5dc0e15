"""`pattern`: sentences that match a text expression.

Options: `match`, an expression of phrases and RE2 regexes combined with `any`, `all` and `not`,
decided within one sentence.

    - id: security
      kind: pattern
      match:
        all:
          - any: [encryption, firewall*, "security measures"]
          - not: "100% secure"

Passes on "We use encryption and firewalls to protect your data."; fails on "No method of
transmission over the Internet is 100% secure."
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from auditor.rules.base import Candidate, Hit, Scan
from auditor.rules.expr import Expr, sentence_hits, union_hits


@dataclass
class Pattern:
    """Compiled `pattern` rule."""

    match: Expr

    def evaluate(self, scan: Scan, allowed: set[int] | None) -> Iterator[Hit | Candidate]:
        if self.match.leaf_union:
            # A leaf or `any` of leaves (most patterns): every sentence with a hit matches.
            spans_by_sentence = union_hits(self.match, scan, allowed)
            for i in sorted(spans_by_sentence):
                if allowed is None or i in allowed:
                    yield Hit(i, tuple(sorted(spans_by_sentence[i])))
            return
        by_sentence = sentence_hits(self.match, scan, allowed)
        positive = self.match.positive_keys
        if self.match.all_positive:
            indices = sorted(by_sentence)  # every sentence with hits holds a positive leaf
        elif positive:
            # Only a sentence holding a positive leaf can match: skip the rest unread.
            indices = sorted(i for i, hits in by_sentence.items() if positive & hits.keys())
        else:
            indices = list(range(len(scan.document.sentences)))
        for i in indices:
            if allowed is not None and i not in allowed:
                continue
            hits = by_sentence.get(i, {})
            ok, spans = self.match.test(hits)
            if ok:
                yield Hit(i, tuple(sorted(set(spans))))
            else:
                seen = sorted({s for key in positive & hits.keys() for s in hits[key]})
                yield Candidate(i, self.match.why_not(hits), tuple(seen))

    def describe(self) -> str:
        return self.match.describe()
