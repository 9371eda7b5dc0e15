"""Extract rules read only the stretches of text their allowed sentences stand in: same values.

`_Values` works a document's values out run by run as rules ask for sentences (a rule `within`
another needs few). These tests compare what it gives for any allowed sentences, in any order of
requests, with a copy of the code before, which ran the extractor over every stretch at once.
"""

from __future__ import annotations

import bisect
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.checklist.compiled import load_checklist
from auditor.document.loader import parse_document
from auditor.document.model import Document
from auditor.extract.base import ValueMatch
from auditor.extract.urls import find_urls
from auditor.rules import expr as rules_expr
from auditor.rules import extract as rules_extract
from auditor.rules.base import Scan
from auditor.rules.extract import Extract, _scan_candidates, _Values

ROOT = Path(__file__).resolve().parents[2]
_CHECKLIST = load_checklist(ROOT / "checklists" / "baseline.yaml")
_RULES = [
    r.primitive for c in _CHECKLIST.checks for r in c.rules if isinstance(r.primitive, Extract)
]
_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _plain_values(rule: Extract, scan: Scan) -> dict[int, list[ValueMatch]]:
    """The values of a rule in a document as `Extract` found them before `_Values`."""
    document = scan.document
    out: dict[int, list[ValueMatch]] = {}
    if rule.extractor == "link":
        with_url = set(scan.sentences_matching(rules_extract._URL_CANDIDATE))
        for sentence in document.sentences:
            for link in sentence.links:
                if rule._link_ok(link.target, sentence.text[link.start : link.end]):
                    out.setdefault(sentence.index, []).append(
                        ValueMatch(link.start, link.end, link.target, "link")
                    )
            if rule.target is None or sentence.index not in with_url:
                continue
            for url in find_urls(sentence.text):
                if rules_expr.test_string(rule.target, str(url.value)):
                    out.setdefault(sentence.index, []).append(url)
        return out
    find = rule._find(scan)
    starts = [s.start for s in document.sentences]
    for value in _scan_candidates(scan, rule.extractor, find):
        i = bisect.bisect_right(starts, value.start) - 1
        sentence = document.sentences[i]
        end = min(value.end, sentence.end)
        out.setdefault(i, []).append(
            ValueMatch(
                value.start - sentence.start,
                end - sentence.start,
                value.value,
                value.kind,
                value.label,
            )
        )
    if rule.extractor in ("email", "url", "phone"):
        for sentence in document.sentences:
            for link in sentence.links:
                if rule.extractor == "phone" and not link.target.lower().startswith("tel:"):
                    continue
                for value in find(link.target):
                    out.setdefault(sentence.index, []).append(
                        ValueMatch(link.start, link.end, value.value, value.kind, "link")
                    )
    return out


def _check(document: Document, requests: list[set[int] | None]) -> None:
    for rule in _RULES:
        expected = _plain_values(rule, Scan(document))
        scan = Scan(document)
        values = _Values(rule, scan)
        for allowed in [*requests, None]:
            got = values.covering(scan, allowed)
            keep = set(range(len(document.sentences))) if allowed is None else allowed
            assert {i: v for i, v in got.items() if i in keep} == {
                i: v for i, v in expected.items() if i in keep
            }, (rule.extractor, allowed)


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "policies").glob("*.md"))
    + sorted((ROOT / "tests" / "cases").glob("*/policy.*")),
    ids=lambda p: p.name,
)
def test_values_of_the_policies_for_any_allowed_sentences(path: Path) -> None:
    fmt = path.suffix.lstrip(".")
    document = parse_document(path.read_text("utf-8"), fmt, str(path))
    n = len(document.sentences)
    _check(document, [set(), {0}, set(range(0, n, 7)), set(range(n // 2, n))])


_TOKENS = [
    "We", "under", "13", "thirteen", "children", "at least 18", "June 5, 2002", "02/22/08",
    "(650) 421-4200", "[call](tel:650-421-4200)", "1300 Island Drive", "Redwood City, CA 94065",
    "Co. Kildare", "privacy@x.com", "[mail](mailto:a@b.org)", "www.x.com", "[opt out](https://x.com/opt-out)",
    "[contact us](/contact)", ".", ",", "\n", "\n\n", "# Children\n",
]  # fmt: skip


@_SETTINGS
@given(
    st.lists(st.sampled_from(_TOKENS), max_size=40).map(" ".join),
    st.lists(st.sets(st.integers(0, 12)), max_size=3),
)
def test_values_of_generated_documents(text: str, requests: list[set[int]]) -> None:
    _check(parse_document(text, "md", "x.md"), list(requests))
