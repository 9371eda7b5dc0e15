"""`section`: every sentence under a heading that matches an expression (at any heading level).

Options: `heading`, an expression tested against each heading of the sentence's heading path.

    - id: children-section
      kind: section
      heading: {any: [children, kids, minors, COPPA]}

Matches every sentence under "## Children's Privacy" (and its subsections); matches nothing
in a policy without such a heading. Other rules use it through `within:` or `in_section:`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from auditor.rules.base import Candidate, Hit, Scan, sentences_of
from auditor.rules.expr import Expr, test_string


@dataclass
class Section:
    """Compiled `section` rule."""

    heading: Expr
    _cache: dict[str, bool] = field(default_factory=dict, repr=False)

    def heading_matches(self, heading: str) -> bool:
        found = self._cache.get(heading)
        if found is None:
            found = self._cache[heading] = test_string(self.heading, heading)
            if len(self._cache) > 10_000:  # headings differ per document; keep memory flat
                self._cache.clear()
        return found

    def in_scope(self, section: tuple[str, ...]) -> bool:
        return any(self.heading_matches(h) for h in section)

    def evaluate(self, scan: Scan, allowed: set[int] | None) -> Iterator[Hit | Candidate]:
        for sentence in sentences_of(scan, allowed):
            if self.in_scope(sentence.section):
                yield Hit(sentence.index)

    def describe(self) -> str:
        return f"under a heading matching {self.heading.describe()}"
