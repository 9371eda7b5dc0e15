"""Data-driven tests for the value extractors: each case in cases/<module>.yaml gives a text and
the exact spans, matched text and values the extractor must return; plus property tests."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.extract import (
    ValueMatch,
    find_ages,
    find_dates,
    find_emails,
    find_phones,
    find_postal,
    find_urls,
    parse_date,
)
from auditor.extract.numbers import NUMBER_RE, word_to_int

CASES = Path(__file__).parent / "cases"

EXTRACTORS: dict[str, tuple[Callable[..., list[ValueMatch]], str]] = {
    "dates": (find_dates, "date"),
    "ages": (find_ages, "age"),
    "emails": (find_emails, "email"),
    "phones": (find_phones, "phone"),
    "postal": (find_postal, "postal"),
    "urls": (find_urls, "url"),
}


def _load(name: str) -> list[dict[str, Any]]:
    with (CASES / f"{name}.yaml").open(encoding="utf-8") as f:
        cases = yaml.safe_load(f)
    assert isinstance(cases, list), f"{name}.yaml must hold a list of cases"
    return cases


def _extractor_cases() -> list[Any]:
    params = []
    for module in EXTRACTORS:
        for i, case in enumerate(_load(module)):
            params.append(pytest.param(module, case, id=f"{module}-{i}"))
    return params


@pytest.mark.parametrize(("module", "case"), _extractor_cases())
def test_extractor_case(module: str, case: dict[str, Any]) -> None:
    func, kind = EXTRACTORS[module]
    text: str = case["text"]
    assert set(case) <= {"text", "note", "options", "expect"}, "unknown key in case"
    for exp in case["expect"]:
        start, end = exp["span"]
        assert text[start:end] == exp["match"], "the case's span does not cover its match"

    got = func(text, **case.get("options", {}))

    assert [(m.start, m.end, m.value) for m in got] == [
        (e["span"][0], e["span"][1], e["value"]) for e in case["expect"]
    ]
    assert all(m.kind == kind for m in got)
    for m, exp in zip(got, case["expect"], strict=True):
        if "label" in exp:
            assert m.label == exp["label"]


@pytest.mark.parametrize("case", _load("parse_date"), ids=lambda c: repr(c["text"]))
def test_parse_date(case: dict[str, Any]) -> None:
    assert parse_date(case["text"], day_first=case.get("day_first", False)) == case["value"]


@pytest.mark.parametrize("case", _load("numbers"), ids=lambda c: repr(c["text"]))
def test_word_to_int(case: dict[str, Any]) -> None:
    assert word_to_int(case["text"]) == case["value"]


def test_number_re_reads_every_word_it_matches() -> None:
    pattern = re.compile(rf"\b{NUMBER_RE}\b", re.IGNORECASE)
    text = "thirteen (13), eighteen, twenty-one, seventeen, seven, ninety nine and 100"
    found = [m.group() for m in pattern.finditer(text)]
    assert found == [
        "thirteen", "13", "eighteen", "twenty-one", "seventeen", "seven", "ninety nine", "100",
    ]  # fmt: skip
    assert all(word_to_int(f) is not None for f in found)


# Text built from fragments the extractors react to, so random input reaches deep paths.
_FRAGMENTS = [
    "June 5, 2002", "5th of June", "2/22/08", "18.11.2010", "7/2017", "(c) 2010", "1.2.3",
    "under 13", "the age of", "thirteen (13)", "12 and under", "18+", "children", "years old",
    "a@b.com", "mailto:", "[at]", "(dot)", " AT ", " DOT ", "[email protected]", "?subject=",
    "+44 20 7946 0000", "(650) 421-4200", "1-800-FLOWERS", "Fax:", "F:", "ext. 2",
    "1300 Island Drive", "Suite 200", ", CA 94043", "SW1A 1AA", "K1A 0B1", "NSW 2000",
    "P.O. Box 12", "Postfach 12 34", "Musterstraße 12", "https://", "www.", "(", ")", "]",
    ".", ",", " ", "\n", "-", "/", "#", "é", "\u2019",
]  # fmt: skip
_PIECE = st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=8))
_TEXT = st.lists(_PIECE, max_size=25).map("".join)

_ALL: list[Callable[[str], list[ValueMatch]]] = [
    find_ages,
    find_dates,
    lambda t: find_dates(t, day_first=True, allow_year=True),
    find_emails,
    find_phones,
    lambda t: find_phones(t, "GB"),
    find_postal,
    find_urls,
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_spans_are_in_bounds_sorted_and_disjoint(text: str) -> None:
    for func in _ALL:
        matches = func(text)
        last_end = 0
        for m in matches:
            assert 0 <= last_end <= m.start < m.end <= len(text)
            last_end = m.end


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_parse_date_never_raises(text: str) -> None:
    value = parse_date(text)
    assert value is None or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value)
