"""One RE2 set pass tells which postal gates match in a stretch: the same as each gate's search.

`_parts` asks `_gates_in` which strong patterns can match in a stretch of lines instead of
searching it with each of the twelve gates in `re`. These tests compare the two on the real
policies and on generated text, and check that the folded gate folds the same characters in
both engines.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import re2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.extract import postal

ROOT = Path(__file__).resolve().parents[2]
_SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _plain(text: str, start: int, end: int) -> set[int]:
    return {i for i, gate in enumerate(postal._GATES) if gate.search(text, start, end)}


def _stretches(text: str) -> list[tuple[int, int]]:
    n = len(text)
    return [*postal._candidate_lines(text), (0, n), (n // 3, n), (0, n // 2)]


@pytest.mark.parametrize("path", sorted((ROOT / "policies").glob("*.md")), ids=lambda p: p.name)
def test_same_gates_in_the_policies(path: Path) -> None:
    text = path.read_text("utf-8")
    for start, end in _stretches(text):
        assert postal._gates_in(text, start, end) == _plain(text, start, end)


_FRAGMENTS = [
    "Mountain View, CA 94043", "K1A 0B1", "SW1A 1AA", "NSW 2000", "1300 Island Drive",
    "12 rue de Rivoli", "12 allée des Lilas", "Musterstraße 12", "Hauptstr. 5", "P.O. Box 12",
    "PO BOX 7", "post office bag 3", "Postfach 12 34", "Co. Kildare", "Dublin 8", "D02 X285",
    "Mumbai – 400 071", "Delhi—110 001", "Pune -411 001", "12345", " ", "\t", "\n", ",", "-",
    "é", "ß", "\u017f", "\u212a", "A", "1", "0",
]  # fmt: skip
_TEXT = st.lists(
    st.one_of(st.sampled_from(_FRAGMENTS), st.text(alphabet="ABoxag0129 \t-,.é", max_size=4)),
    max_size=20,
).map("".join)


@_SETTINGS
@given(_TEXT, st.integers(0, 60), st.integers(0, 60))
def test_same_gates_in_generated_text(text: str, a: int, b: int) -> None:
    for start, end in [*_stretches(text), (min(a, b), max(a, b))]:
        assert postal._gates_in(text, start, end) == _plain(text, start, end)


def test_the_folded_gate_folds_the_same_characters_in_both_engines() -> None:
    [folded] = [g for g in postal._GATES if g.flags & re.IGNORECASE]
    in_re2 = re2.compile(f"(?i:{folded.pattern})")
    for word in ("Box", "Bag"):
        for i in range(len(word)):
            for code in range(0x3000):
                text = f"{word[:i]}{chr(code)}{word[i + 1 :]} 1"
                assert bool(folded.search(text)) == bool(in_re2.search(text)), text
