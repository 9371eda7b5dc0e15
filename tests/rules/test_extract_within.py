"""Which values an extract rule keeps near its trigger words: one bisect per value gives what
pairing every value with every trigger gave (`words_between` <= distance); and whether a value
stands alone, found in one pass as cutting each value out in turn found it."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.extract.base import ValueMatch
from auditor.rules.extract import _LABEL_WORDS, _alone, _within
from auditor.rules.near import word_index, word_starts, words_between


def _plain(
    text: str, found: list[ValueMatch], near: list[tuple[int, int]], distance: int
) -> list[ValueMatch]:
    starts = word_starts(text)
    words = [(word_index(starts, a), word_index(starts, b - 1)) for a, b in near]
    return [
        v
        for v in found
        if any(
            words_between((word_index(starts, v.start), word_index(starts, v.end - 1)), w)
            <= distance
            for w in words
        )
    ]


_WORDS = st.lists(st.sampled_from(["a", "bb", "ccc", "on", "2024-01-01", "x@y.z"]), min_size=1)


@st.composite
def _cases(draw: st.DrawFn) -> tuple[str, list[ValueMatch], list[tuple[int, int]], int]:
    text = " ".join(draw(_WORDS))

    def span() -> tuple[int, int]:
        a = draw(st.integers(0, len(text) - 1))
        return a, draw(st.integers(a + 1, len(text)))

    found = [ValueMatch(*span(), "v", "date") for _ in range(draw(st.integers(0, 6)))]
    near = [span() for _ in range(draw(st.integers(0, 6)))]
    return text, found, near, draw(st.integers(0, 4))


@settings(max_examples=400, deadline=None)
@given(case=_cases())
def test_the_same_values_as_pairing_each_with_each_trigger(
    case: tuple[str, list[ValueMatch], list[tuple[int, int]], int],
) -> None:
    assert _within(*case) == _plain(*case)


def test_a_sentence_of_thousands_of_dates_and_triggers() -> None:
    words = []
    for i in range(3_000):
        words += ["updated", f"2024-01-{i % 28 + 1:02d}"] + ["and"] * (i % 4)
    text = " ".join(words)
    starts = word_starts(text)
    spans = [(w, (s, s + len(w))) for s, w in zip(starts, words, strict=True)]
    found = [ValueMatch(a, b, "v", "date") for w, (a, b) in spans if w[0] == "2"]
    near = [span for w, span in spans if w == "updated"]
    far = near[::2]
    for distance in (0, 1, 3):
        assert _within(text, found, near, distance) == found
        assert _within(text, found, far, distance) == _plain(text, found, far, distance)


def _plain_alone(text: str, values: list[ValueMatch]) -> bool:
    rest = text
    for v in sorted(values, key=lambda v: -v.start):
        rest = rest[: v.start] + " " + rest[v.end :]
    return len(re.findall(r"\w+", rest)) <= _LABEL_WORDS


@st.composite
def _alone_cases(draw: st.DrawFn) -> tuple[str, list[ValueMatch]]:
    text = " ".join(draw(_WORDS))
    values = []
    for _ in range(draw(st.integers(0, 5))):
        a = draw(st.integers(0, len(text)))
        values.append(ValueMatch(a, draw(st.integers(a, len(text))), "v", "date"))
    return text, values


@settings(max_examples=500, deadline=None)
@given(case=_alone_cases())
def test_alone_as_cutting_each_value_out_in_turn(case: tuple[str, list[ValueMatch]]) -> None:
    # Apart, overlapping, repeated (a link's value and its text's) and empty values alike.
    assert _alone(*case) == _plain_alone(*case)
