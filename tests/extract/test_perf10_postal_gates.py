"""Postal: stricter gates for the "us" and street patterns, and gates for the weak patterns
checked per line in one RE2 set pass, give the values of the plain code (every pattern tried on
every stretch and line), on the real corpus, the sample policies and generated text."""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.extract import postal
from tests.real_inputs import plain_path as _plain
from tests.real_inputs import real_texts as _real_texts

_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])



def _no_gates(
    text: str, start: int, end: int, gates: Any = postal._GATES, _: Any = None
) -> set[int]:
    return set(range(len(gates)))  # every pattern tried everywhere, as without gates


def test_postal_values_in_the_real_texts_are_the_plain_ones() -> None:
    found = 0
    for text in _real_texts():
        values = postal.find_postal(text)
        assert values == _plain(
            functools.partial(postal.find_postal, text), postal, "_gates_in", _no_gates
        )
        found += len(values)
    assert found > 50  # the corpus holds addresses: the comparison is not of empty lists


def test_postal_gates_name_the_lines_holding_a_match_in_the_real_texts() -> None:
    # Each weak gate matches on every line where its pattern does, and the RE2 set says what
    # each gate's own search says.
    for text in _real_texts():
        start = 0
        for line in text.split("\n"):
            end = start + len(line) + 1
            gates = postal._gates_in(text, start, end, postal._WEAK_GATES, postal._WEAK_GATE_SET)
            assert gates == {
                i for i, g in enumerate(postal._WEAK_GATES) if g.search(text, start, end)
            }
            for i, (label, pattern, _) in enumerate(postal._WEAK):
                if pattern.search(text, start, end):
                    assert i in gates, (label, line)
            start = end


_FRAGMENTS = [
    "1300 Island Drive", "Suite 200", ", CA 94043", "New York, NY 10001", "Mountain View",
    ", California", " 94043", "California, USA 94043", "SW1A 1AA", "K1A 0B1", "NSW 2000",
    "P.O. Box 12", "Musterstraße 12", "12345 Berlin", "12 rue de Rivoli", "Dublin 8",
    "1st Floor", "3rd floor", "#349", "USA", "United Kingdom", "The Netherlands", "U.S.A.",
    "1903 W. Parkside Lane", "51 Columbia, Suite 200", "10 Shattuck St.", "Great Connell Road",
    "Unit B", "Level 4", "Ste. 5", "Rm. 12", "PMB 7", "12 Main", "STREET", "street", "ſt",
    " ", "\t", ", ", "\n", ".", "-", "a", "Z", "é", "Ä", "0", "9",
]  # fmt: skip
_TEXT = st.lists(
    st.one_of(st.sampled_from(_FRAGMENTS), st.text(alphabet="aAZ09 \t,.-\n", max_size=4)),
    max_size=16,
).map("".join)


@_SETTINGS
@given(_TEXT)
def test_every_match_holds_its_gate(text: str) -> None:
    for (label, pattern), gate in zip(postal._STRONG, postal._GATES, strict=True):
        for m in pattern.finditer(text):
            assert gate.search(text, m.start(), m.end()) is not None, (label, m.group())
    for (label, pattern, _), gate in zip(postal._WEAK, postal._WEAK_GATES, strict=True):
        for m in pattern.finditer(text):
            assert gate.search(text, m.start(), m.end()) is not None, (label, m.group())


@_SETTINGS
@given(_TEXT, st.integers(0, 60), st.integers(0, 60))
def test_weak_gate_set_is_each_gate_search(text: str, a: int, b: int) -> None:
    start, end = min(a, b), max(a, b)
    assert postal._gates_in(text, start, end, postal._WEAK_GATES, postal._WEAK_GATE_SET) == {
        i for i, gate in enumerate(postal._WEAK_GATES) if gate.search(text, start, end)
    }


@_SETTINGS
@given(_TEXT)
def test_postal_values_in_generated_text_are_the_plain_ones(text: str) -> None:
    values = postal.find_postal(text)
    assert values == _plain(
        functools.partial(postal.find_postal, text), postal, "_gates_in", _no_gates
    )


def test_weak_gates_have_no_look_arounds_or_anchors() -> None:
    for gate in postal._WEAK_GATES:
        for token in ("(?=", "(?!", "(?<", "\\b", "\\B", "^", "$", "\\A", "\\Z"):
            assert token not in gate.pattern.replace("[^", "["), (gate.pattern, token)
