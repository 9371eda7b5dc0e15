"""The sentence splitter: YAML cases, invariants on random text, worst-case inputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.document.segment import split_sentences

CASES_FILE = Path(__file__).parent / "cases" / "segment.yaml"
CASE_KEYS = {"name", "text", "sentences"}


def _load_cases() -> list[Any]:
    cases = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
    assert isinstance(cases, list)
    for case in cases:
        # Unknown or missing keys are mistakes in the case file, not cases to skip.
        assert set(case) == CASE_KEYS, f"{CASES_FILE.name}: {case}: keys must be {CASE_KEYS}"
    return [pytest.param(case["text"], case["sentences"], id=case["name"]) for case in cases]


@pytest.mark.parametrize(("text", "sentences"), _load_cases())
def test_cases(text: str, sentences: list[str]) -> None:
    spans = split_sentences(text)
    assert [text[start:end] for start, end in spans] == sentences
    _check_invariants(text, spans)


def _check_invariants(text: str, spans: list[tuple[int, int]]) -> None:
    """Spans are in bounds, ordered, disjoint, stripped, non-empty and cover all non-space text."""
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        sentence = text[start:end]
        assert sentence == sentence.strip()
        assert not text[previous_end:start].strip()
        previous_end = end
    assert not text[previous_end:].strip()


# Punctuation-heavy alphabet: terminators, quotes, brackets, URL and number characters.
PUNCTUATION = ".?!…;:,\"'\u201c\u201d\u2018\u2019()[]{}«»¿¡@/-_%$§0123456789"
WORDS = [
    "We", "we", "The", "data", "Inc.", "Ltd.", "U.S.", "e.g.", "i.e.", "etc.", "No.", "Jan.",
    "a.m.", "Mr.", "J.", "2.", "II.", "a)", "(iv)", "www.example.com", "privacy@example.com.",
    "v2.0.1", "5.2", "...", "?", "!", ".", '"stop."', "(see", "above.)", "data.We", "Art.", "6",
]  # fmt: skip
texts = st.one_of(
    st.text(),
    st.text(alphabet=PUNCTUATION + " aAzZ"),
    st.text(alphabet=PUNCTUATION + " \t\n\u00a0\u2003aeAEIVX"),
    st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join),
    st.lists(st.sampled_from([*WORDS, " ", "  ", ""]), max_size=40).map("".join),
)


@given(texts)
@settings(max_examples=500)
def test_invariants_on_random_text(text: str) -> None:
    _check_invariants(text, split_sentences(text))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("word " * 20_000, id="no-punctuation"),
        pytest.param("a" * 100_000, id="one-long-word"),
        pytest.param("." * 100_000 + "x", id="terminator-run"),
        pytest.param("a." + ")" * 100_000 + "x", id="closer-run"),
        pytest.param("a. " + "(" * 100_000 + "b", id="opener-run"),
        pytest.param("a." * 50_000, id="dotted-word"),
        pytest.param("Aa. " * 25_000, id="many-candidates"),
        pytest.param(". " * 50_000, id="many-sentences"),
    ],
)
def test_worst_case_100kb_inputs(text: str) -> None:
    # Pathological 100 KB inputs: a quadratic pass would stall the suite here; timings belong
    # to the benchmark harness, so this only checks the result.
    spans = split_sentences(text)
    _check_invariants(text, spans)
