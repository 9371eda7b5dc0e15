"""Leaves scanned case-sensitively over lowercased text: the same spans as the plain scan.

`Scan` runs a leaf whose pattern `folded_source` accepts as that pattern lowercased, compiled
case-sensitively, over the ASCII-lowercased bytes. These tests check the premise on every code
point, and compare the spans with those of the case-insensitive scan of the text itself, on the
real corpus and policies with every leaf of the baseline checklist and on generated text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import re2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_scan import document_of

from auditor.checklist.compiled import load_checklist
from auditor.document.loader import load_document
from auditor.document.model import Document
from auditor.rules.base import _ASCII_FOLDS, Scan
from auditor.rules.expr import _OPTIONS, Leaf, compile_regex, folded_source

ROOT = Path(__file__).resolve().parents[2]
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_CHECKLIST = load_checklist(ROOT / "checklists" / "baseline.yaml")
_LEAVES = list(_CHECKLIST.leaves._by_source.values())


def _hits(scan: Scan, leaf: Leaf, folded: bool) -> dict[int, list[tuple[int, int]]]:
    return scan.leaf_hits(leaf.key, leaf.regex, leaf.relaxed, leaf.folded if folded else None)


def _same_hits(document: Document, leaves: list[Leaf]) -> None:
    fast, plain = Scan(document), Scan(document)
    for leaf in leaves:
        assert _hits(fast, leaf, True) == _hits(plain, leaf, False), leaf.source


def test_only_long_s_and_kelvin_fold_to_ascii_letters() -> None:
    every = "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c < 0xE000)
    found = {m.group() for m in re2.compile(r"[a-z]|\w", _OPTIONS).finditer(every)}
    assert {s.encode() for s in found} == set(_ASCII_FOLDS)
    assert [m.group() for m in re2.compile("’", _OPTIONS).finditer(every)] == ["’"]


def test_folded_source() -> None:
    assert folded_source(r"\bGDPR\s+Art\.\s*\d") == r"\bgdpr\s+art\.\s*\d"
    assert folded_source(r"\B[\s\-]X\W\S\D[^sZ]") is None  # a capital letter in a class
    assert folded_source(r"\BOpt[\s\-]['’]\W\S\D[^sz]") == r"\Bopt[\s\-]['’]\W\S\D[^sz]"
    refused = [r"(?-i)x", r"(?i)x", r"[A-Z]", r"[0-c]", r"[[:upper:]]", r"\pL", r"\x41", r"\Qa"]
    refused += [r"\101", r"\n", "é", r"\C"]
    for source in refused:
        assert folded_source(source) is None, source
    accepted = [leaf for leaf in _LEAVES if leaf.folded is not None]
    assert len(accepted) > 100


_DOCUMENTS = [
    *sorted((ROOT / "bench" / "corpus").glob("[mh]*/*")),
    *sorted((ROOT / "policies").glob("*")),
]


@pytest.mark.parametrize("path", _DOCUMENTS, ids=lambda p: p.name)
def test_every_baseline_leaf_finds_the_same_spans(path: Path) -> None:
    _same_hits(load_document(path, str(path)), _LEAVES)


_WORDS = ["Opt", "oUT", "child", "CHILDREN", "a", "_", "x1", "é", "É", "’", "'", "-", " ", "\n"]
_WORDS += [".", "ſ", "\u212a", "k", "S", "GDPR", "Kids", "😀", "İ", "ı"]
_TEXT = st.lists(st.sampled_from(_WORDS), max_size=30).map("".join)
_PATTERNS = [
    r"\bopt[\s\-]+out\b",
    r"\bchild(?:ren)?",
    r"\bKids?\b|GDPR",
    r"\b\w*",
    r"[^sk]\S+",
    r"\Bs\b",
    r"x?",
    r"\b(?:a|x1)\W+'",
]


@_SETTINGS
@given(text=_TEXT)
def test_generated_text(text: str) -> None:
    document = document_of(text)
    fast, plain = Scan(document), Scan(document)
    leaves = [Leaf(i, s, s, compile_regex(s, [])) for i, s in enumerate(_PATTERNS)]
    for leaf in leaves:
        assert leaf.folded is not None
        folded, relaxed = leaf.folded
        assert (
            list(fast._spans(folded, relaxed, text.encode().lower()))
            == list(plain._spans(leaf.regex, leaf.relaxed))
            or not fast.can_fold
        ), leaf.source
    _same_hits(document, leaves)
