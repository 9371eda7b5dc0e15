"""Ages: a form whose tail ("or under", "and over"), plus sign or "years" is absent from a text
is not tried at its numbers; the values are those of the plain code (every form tried), on the
real corpus, the sample policies and generated text."""

from __future__ import annotations

import functools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.extract import ages
from tests.real_inputs import plain_path as _plain
from tests.real_inputs import real_texts as _real_texts

_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])



_NO_AGE_GATES = (None,) * len(ages._FORMS)


def test_ages_in_the_real_texts_are_the_plain_ones() -> None:
    found = 0
    for text in _real_texts():
        values = ages.find_ages(text)
        assert values == _plain(
            functools.partial(ages.find_ages, text), ages, "_GATES", _NO_AGE_GATES
        )
        found += len(values)
    assert found > 50


_AGE_FRAGMENTS = [
    "12", "13", "18", "thirteen", "twenty-one", " ", "\n", ",", "+", "(13)", "or", "and",
    "under", "UNDER", "younger", "below", "over", "Older", "above", "up", "upwards", "years",
    "YRS", "year-old", "of age", "aged", "the age of", "children", "users", "at least", "İ",
    "ſ", "-", "%", "months",
]  # fmt: skip
_AGE_TEXT = st.lists(st.sampled_from(_AGE_FRAGMENTS), max_size=14).map(" ".join)


@_SETTINGS
@given(_AGE_TEXT)
def test_ages_in_generated_text_are_the_plain_ones(text: str) -> None:
    values = ages.find_ages(text)
    assert values == _plain(functools.partial(ages.find_ages, text), ages, "_GATES", _NO_AGE_GATES)


def test_the_lowered_gates_are_the_gates_on_the_text() -> None:
    # The age gates are searched in the lowered text (see base.lowered): the same answer as the
    # folded search in the text, on every code point next to each gate's words.
    for folded, lower in (g for g in ages._GATES if g is not None):
        for word in ("or under", "and over", "12+", "years", "yrs"):
            for code in range(0x250):
                text = f"{chr(code)}{word} {word.upper()}{chr(code)}"
                low = text.lower()
                if any(c in text for c in ("\u0130", "\u0131", "\u017f")):
                    continue
                assert bool(folded.search(text)) == bool(lower.search(low)), (lower.pattern, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # each found by a gated form alone: a gate that missed its form would lose the value
        ("Our users are 13 years old or more.", [(14, 26, 13, "age")]),
        ("Kids 12 and under need consent.", [(5, 17, 13, "or-under")]),
        ("You must be 18 or older.", [(12, 23, 18, "at-least")]),
        ("Users 16+ only.", [(6, 9, 16, "at-least")]),
    ],
)
def test_values_of_the_gated_forms(text: str, expected: list[tuple[int, int, int, str]]) -> None:
    found = [(v.start, v.end, v.value, v.label) for v in ages.find_ages(text)]
    assert found == expected
    plain = _plain(functools.partial(ages.find_ages, text), ages, "_GATES", _NO_AGE_GATES)
    assert [(v.start, v.end, v.value, v.label) for v in plain] == expected
