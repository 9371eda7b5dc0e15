"""Seventh session's leaf-scan fast paths give what the plain code gives.

`_byte_spans` builds a list in one loop (the search past a leading `\\b` inlined) instead of
chaining generators, and `Scan.leaf_hits` files byte spans under sentences by their byte bounds,
converting to characters only in sentences with a multi-byte character. The tests compare with
`finditer` over the text (the plain behaviour), and `_byte_spans` with a copy of the generator
it replaced, on the real corpus and the sample policies with every leaf of the baseline
checklist and every extractor prefilter, and on generated text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from real_inputs import REAL_FILES, baseline
from test_eval_fast_paths import _plain_candidate_sentences
from test_scan import document_of, finditer_hits

from auditor.document.loader import load_document
from auditor.document.model import Document
from auditor.rules.base import (
    _ANCHOR_START,
    _MISSES,
    _UNANCHORED,
    _WORD_BYTE,
    Candidate,
    Hit,
    Scan,
    _byte_spans,
)
from auditor.rules.expr import Leaf, LeafRegistry, compile_expr, compile_regex, sentence_hits
from auditor.rules.extract import _PREFILTERS
from auditor.rules.pattern import Pattern

_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _plain_byte_spans(raw: Any, data: bytes, relaxed: Any = None) -> Iterator[tuple[int, int]]:
    """`_byte_spans` and `_search` as they were before: generators, the search a call."""
    pos, endpos = 0, len(data)
    misses = _MISSES
    while True:
        if relaxed is None or misses <= 0:
            span = raw.Match(_UNANCHORED, data, pos, endpos)[0]
        else:
            span, misses = _plain_search(raw, relaxed, data, pos, misses)
        if span[0] == -1:
            return
        yield span
        if pos == endpos:
            return
        if span[1] == pos:
            pos += 1
            while pos < endpos and data[pos] & 0xC0 == 0x80:
                pos += 1
        else:
            pos = span[1]


def _plain_search(
    raw: Any, relaxed: Any, data: bytes, pos: int, misses: int
) -> tuple[tuple[int, int], int]:
    endpos = len(data)
    while True:
        span: tuple[int, int] = relaxed.Match(_UNANCHORED, data, pos, endpos)[0]
        start = span[0]
        if start == -1:
            return span, misses
        before = start > 0 and _WORD_BYTE[data[start - 1]]
        after = start < endpos and _WORD_BYTE[data[start]]
        if before != after:
            return span, misses
        span = raw.Match(_ANCHOR_START, data, start, endpos)[0]
        if span[0] != -1 or start == endpos:
            return span, misses
        pos = start + 1
        while pos < endpos and data[pos] & 0xC0 == 0x80:
            pos += 1
        misses -= 1
        if misses <= 0:
            return raw.Match(_UNANCHORED, data, pos, endpos)[0], misses


def _same_byte_spans(leaf: Leaf, data: bytes) -> None:
    raw = leaf.regex._regexp
    relaxed = None if leaf.relaxed is None else leaf.relaxed._regexp
    assert _byte_spans(raw, data, relaxed) == list(_plain_byte_spans(raw, data, relaxed))
    assert _byte_spans(raw, data) == list(_plain_byte_spans(raw, data))
    if leaf.folded is not None:
        folded, folded_relaxed = leaf.folded
        lowered = data.lower()
        relaxed = None if folded_relaxed is None else folded_relaxed._regexp
        assert _byte_spans(folded._regexp, lowered, relaxed) == list(
            _plain_byte_spans(folded._regexp, lowered, relaxed)
        )


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_every_leaf_and_prefilter_on_real_documents(path: Path) -> None:
    checklist = baseline()
    document = load_document(path, str(path))
    scan = Scan(document, checklist.leaves)
    plain = Scan(document)
    leaves = list(checklist.leaves._by_source.values())
    assert len(leaves) > 100
    for leaf in leaves:
        expected = finditer_hits(document, leaf.regex)
        assert scan.leaf_hits(leaf.key, leaf.regex, leaf.relaxed, leaf.folded) == expected
        assert plain.leaf_hits(leaf.key, leaf.regex, leaf.relaxed) == expected, leaf.source
        _same_byte_spans(leaf, scan._data)
    for pattern, _ in _PREFILTERS.values():
        assert scan.sentences_matching(pattern) == _plain_candidate_sentences(document, pattern)


def test_the_real_documents_have_multi_byte_characters_in_some_sentences() -> None:
    # The filing has two cases: sentences with and without multi-byte characters.
    both = 0
    for path in REAL_FILES:
        sentences = load_document(path, str(path)).sentences
        sizes = {len(s.text) == len(s.text.encode("utf-8")) for s in sentences}
        both += sizes == {True, False}
    assert both > 50


_WORDS = ["Opt", "oUT", "child", "CHILDREN", "a", "_", "x1", "é", "É", "’", "'", "-", " ", "\n"]
_WORDS += [".", "k", "S", "Kids", "😀", "1", "2"]
_TEXT = st.lists(st.sampled_from(_WORDS), max_size=30).map("".join)
_PATTERNS = [
    r"\bopt[\s\-]+out\b",
    r"\bchild(?:ren)?",
    r"\bkids?\b|1",
    r"\b\w*",
    r"[^sk]\S+",
    r"x?",
    r"\b(?:a|x1)\W+'",
    r"(?:[0-9])[^\n]*",
    r"\bé\w*",
]


@_SETTINGS
@given(text=_TEXT)
def test_generated_text(text: str) -> None:
    document = document_of(text)
    scan = Scan(document)
    for key, source in enumerate(_PATTERNS):
        leaf = Leaf(key, source, source, compile_regex(source, []))
        expected = finditer_hits(document, leaf.regex)
        assert scan.leaf_hits(key, leaf.regex, leaf.relaxed, leaf.folded) == expected, source
        assert scan.sentences_matching(leaf.regex) == _plain_candidate_sentences(
            document, leaf.regex
        )
        _same_byte_spans(leaf, scan._data)


_FOLD_TEXTS = ["", "plain", "Caf\u00e9", "\u017f", "x\u212a", "\u2019\u017f", "😀\u212a"]


@pytest.mark.parametrize("text", _FOLD_TEXTS)
def test_fold_check(text: str) -> None:
    document = load_document(REAL_FILES[0], str(REAL_FILES[0]))
    for doc in (document, Document("x.md", "md", text, [], [], text)):
        scan = Scan(doc)
        data = doc.text.encode("utf-8")
        assert scan.can_fold == (b"\xc5\xbf" not in data and b"\xe2\x84\xaa" not in data)


def _plain_pattern(pattern: Pattern, scan: Scan, allowed: set[int] | None) -> list[Hit | Candidate]:
    """`Pattern.evaluate` before the shortcut for expressions without `not`."""
    out: list[Hit | Candidate] = []
    by_sentence = sentence_hits(pattern.match, scan)
    positive = pattern.match.positive_keys
    if positive:
        indices = sorted(i for i, hits in by_sentence.items() if positive & hits.keys())
    else:
        indices = list(range(len(scan.document.sentences)))
    for i in indices:
        if allowed is not None and i not in allowed:
            continue
        hits = by_sentence.get(i, {})
        ok, spans = pattern.match.test(hits)
        if ok:
            out.append(Hit(i, tuple(sorted(set(spans)))))
        else:
            seen = sorted({s for key in positive & hits.keys() for s in hits[key]})
            out.append(Candidate(i, pattern.match.why_not(hits), tuple(seen)))
    return out


_NOT_PATTERNS = [
    {"all": ["children", {"not": "cookies"}]},
    {"not": "children"},
    {"any": ["opt out", {"all": ["email", {"not": {"regex": "unsubscrib"}}]}]},
]


def test_patterns_on_realreal_documents() -> None:
    checklist = baseline()
    patterns = [
        rule.primitive
        for check in checklist.checks
        for rule in check.rules
        if isinstance(rule.primitive, Pattern)
    ]
    assert len(patterns) >= 8
    assert all(p.match.all_positive for p in patterns)
    # Expressions with `not` keep the positive filter (their own registry, no RE2 sets).
    registry = LeafRegistry()
    others = [Pattern(compile_expr(raw, [], registry)) for raw in _NOT_PATTERNS]
    assert not any(p.match.all_positive for p in others)
    for path in REAL_FILES:
        document = load_document(path, str(path))
        every_other = set(range(0, len(document.sentences), 2))
        for scan, group in ((Scan(document, checklist.leaves), patterns), (Scan(document), others)):
            for pattern in group:
                for allowed in (None, every_other):
                    expected = _plain_pattern(pattern, scan, allowed)
                    assert list(pattern.evaluate(scan, allowed)) == expected
