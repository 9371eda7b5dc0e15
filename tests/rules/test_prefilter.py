"""The extract rule skips text that cannot hold a value; that must never change a value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.document.loader import parse_document
from auditor.extract import ages, dates, phones, postal, urls
from auditor.rules.extract import _PREFILTERS, _scan_candidates

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "extract" / "cases"
FINDERS = {
    "date": dates.find_dates,
    "age": ages.find_ages,
    "phone": phones.find_phones,
    "postal": postal.find_postal,
    "url": urls.find_urls,
}
MODULES = {"date": dates, "age": ages, "phone": phones, "postal": postal, "url": urls}
CASE_FILES = {
    "date": "dates.yaml",
    "age": "ages.yaml",
    "phone": "phones.yaml",
    "postal": "postal.yaml",
    "url": "urls.yaml",
}


def _expected_matches(name: str) -> list[str]:
    cases: list[dict[str, Any]] = yaml.safe_load((CASES / CASE_FILES[name]).read_text("utf-8"))
    return [m["match"] for case in cases for m in case.get("expect", [])]


@pytest.mark.parametrize("name", sorted(FINDERS))
def test_every_known_value_holds_its_candidate_pattern(name: str) -> None:
    matches = _expected_matches(name)
    assert matches
    for text in matches:
        assert MODULES[name].CANDIDATE.search(text), text


def _values(doc_text: str, fmt: str, name: str) -> tuple[list[Any], list[Any]]:
    doc = parse_document(doc_text, fmt, "x")
    find = FINDERS[name]
    whole = [(v.start, v.end, v.value) for v in find(doc.text)]
    skipped = [(v.start, v.end, v.value) for v in _scan_candidates(doc, name, find)]
    return whole, skipped


@pytest.mark.parametrize("name", sorted(_PREFILTERS))
@pytest.mark.parametrize("path", sorted((ROOT / "policies").glob("*.md")), ids=lambda p: p.name)
def test_same_values_as_a_scan_of_the_whole_text(name: str, path: Path) -> None:
    whole, skipped = _values(path.read_text("utf-8"), "md", name)
    assert skipped == whole


TOKENS = [
    "We",
    "were",
    "founded",
    "June 5, 2002",
    "02/22/08",
    "under",
    "13",
    "thirteen",
    "children",
    "at least",
    "18",
    "(650) 421-4200",
    "1300 Island Drive",
    "Suite 200",
    "Redwood City, CA 94065",
    "Co. Kildare",
    "Main Mill Road",
    "Ireland",
    "www.x.com",
    "http://a.b/c",
    ".",
    ",",
    "\n",
    "\n\n",
    "  \n",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join),
    st.sampled_from(sorted(_PREFILTERS)),
)
def test_same_values_on_generated_text(text: str, name: str) -> None:
    whole, skipped = _values(text, "md", name)
    assert skipped == whole
