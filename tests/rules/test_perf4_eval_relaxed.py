"""A leaf opening with `\\b` is searched without it, then checked: the same matches as before.

`Scan` looks for such a leaf with the pattern minus its leading `\\b` (RE2 skips ahead to a
leading literal far faster) and checks the boundary itself. These tests compare its spans with
the plain search of the whole pattern, on the real policies with every leaf of the baseline
checklist and on generated text with generated patterns.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import re2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.checklist.compiled import load_checklist
from auditor.rules.base import _byte_spans
from auditor.rules.expr import _OPTIONS, relaxed_regex

ROOT = Path(__file__).resolve().parents[2]
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _both(regex: object, data: bytes) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    relaxed = relaxed_regex(regex)
    assert relaxed is not None
    raw = regex._regexp  # type: ignore[attr-defined]
    return list(_byte_spans(raw, data, relaxed._regexp)), list(_byte_spans(raw, data))


def test_only_a_leading_boundary_is_dropped() -> None:
    assert relaxed_regex(re2.compile(r"\bchild", _OPTIONS)).pattern == "child"
    assert relaxed_regex(re2.compile(r"\b(?:a|b)\b|c", _OPTIONS)).pattern == r"(?:a|b)\b|c"
    for source in (r"child\b", r"\Bchild", r"\\bchild", r"\b", r"\b*x", r"\b{2}x", r"\b?x"):
        assert relaxed_regex(re2.compile(source, _OPTIONS)) is None, source
    assert relaxed_regex(re2.compile(r"\bX")).options.case_sensitive  # options carried over


@pytest.mark.parametrize("path", sorted((ROOT / "policies").glob("*.md")), ids=lambda p: p.name)
def test_every_baseline_leaf_finds_the_same_spans_in_the_policies(path: Path) -> None:
    checklist = load_checklist(ROOT / "checklists" / "baseline.yaml")
    data = path.read_text("utf-8").encode("utf-8")
    leaves = [leaf for leaf in checklist.leaves._by_source.values() if leaf.relaxed is not None]
    assert len(leaves) > 50
    for leaf in leaves:
        fast, plain = _both(leaf.regex, data)
        assert fast == plain, leaf.source


_WORDS = ["opt", "out", "child", "children", "a", "_", "x1", "é", "’", "😀", "-", " ", "\n", "."]
_TEXT = st.lists(st.sampled_from(_WORDS), max_size=30).map("".join)
_PATTERNS = st.sampled_from(
    [
        r"\bopt[\s\-]+out\b",
        r"\bchild(?:ren)?",
        r"\bchild|out",  # the boundary applies to the first alternative only
        r"\b(?:a|x1)\b",
        r"\b\w*",  # empty matches
        r"\b.",
        r"\b(?:é|’|😀)",  # the boundary next to non-ASCII characters
        r"\b_",
        r"\b\b-",
        r"\b(?:out|o)",
        r"\bout$",
        r"\b(?:\s|$)",
        r"\b[a-z]",  # matches without the boundary at almost every offset: the misses run out
        r"\b(?:h|i|l|ren)",
    ]
)


@_SETTINGS
@given(_TEXT, _PATTERNS, st.booleans())
def test_generated_patterns_find_the_same_spans(text: str, source: str, fold: bool) -> None:
    options = re2.Options()
    options.case_sensitive = not fold
    fast, plain = _both(re2.compile(source, options), text.encode("utf-8"))
    assert fast == plain


@pytest.mark.parametrize("source", [r"\b[a-z]", r"\b(?:i|en)\b", r"\bo", r"\b(?:ren|x)"])
def test_a_pattern_that_keeps_missing_the_boundary_goes_back_to_the_plain_search(
    source: str,
) -> None:
    data = ("children opt-out " * 40 + "x1 o é ren").encode("utf-8")
    fast, plain = _both(re2.compile(source, _OPTIONS), data)
    assert fast == plain
