"""Which weak postal matches a strong part blocks: the bisect over sorted starts and ends gives
what going through every strong part gave, empty matches and touching parts included."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.extract.postal import _blocked_by, _Part


def _plain(strong: list[_Part], a: int, b: int) -> bool:
    return any(p.start < b and a < p.end for p in strong if (p.end < b or p.start <= a))


_SPAN = st.tuples(st.integers(0, 40), st.integers(0, 12)).map(lambda t: (t[0], t[0] + t[1]))


@settings(max_examples=500, deadline=None)
@given(strong=st.lists(_SPAN, max_size=8), weak=st.lists(_SPAN, min_size=1, max_size=8))
def test_the_same_weak_matches_are_blocked(
    strong: list[tuple[int, int]], weak: list[tuple[int, int]]
) -> None:
    parts = [_Part(a, b, "us", True) for a, b in strong]
    blocked = _blocked_by(parts)
    for a, b in weak:
        assert blocked(a, b) == _plain(parts, a, b), (a, b)
