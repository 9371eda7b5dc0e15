"""Sixth session's evaluation fast paths give what the plain code they replaced gave.

`_CharOffsets` finds the non-ASCII characters from the UTF-8 lead bytes, sentence bounds are
converted to bytes in one pass, `AnyOf.test` reads a list of leaves without a call per leaf,
and `sentence_hits` skips the leaves the RE2 sets ruled out. Each test compares with a copy of
the code before (the `_plain_*` functions) on the real corpus and the sample policies.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from real_inputs import baseline, real_documents

from auditor.rules.base import Scan, _CharOffsets
from auditor.rules.expr import AnyOf, Expr, Leaf, Span, sentence_hits

_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _plain_char_tables(text: str) -> tuple[list[int], list[int], list[int]]:
    """`_CharOffsets`' tables as the regex over the text built them."""
    chars: list[int] = []
    ends: list[int] = []
    extras: list[int] = []
    extra = 0
    for m in _NON_ASCII.finditer(text):
        size = len(m.group().encode("utf-8"))
        chars.append(m.start())
        ends.append(m.start() + extra + size)
        extra += size - 1
        extras.append(extra)
    return chars, ends, extras


def _tables(offsets: _CharOffsets) -> tuple[list[int], list[int], list[int]]:
    return offsets._chars, offsets._ends, offsets._extra


def test_the_corpus_has_documents_with_non_ascii_characters() -> None:
    # Otherwise the comparisons below would only see the ASCII shortcut.
    assert len(real_documents()) > 150
    assert sum(1 for d in real_documents() if not d.text.isascii()) > 50


def test_character_tables_on_realreal_documents() -> None:
    for document in real_documents():
        text = document.text
        offsets = _CharOffsets(text, text.encode("utf-8"))
        assert _tables(offsets) == _plain_char_tables(text), document.path


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=list("ab \n") + ["é", "’", "😀", "ß", "\u00a0", "İ", "\u0800"], max_size=50)
)
def test_character_tables_on_generated_text(text: str) -> None:
    assert _tables(_CharOffsets(text, text.encode("utf-8"))) == _plain_char_tables(text)


def test_sentence_bounds_in_bytes_on_realreal_documents() -> None:
    for document in real_documents():
        scan = Scan(document)
        starts, ends = scan._sentence_bytes()
        assert starts == [len(document.text[: s.start].encode("utf-8")) for s in document.sentences]
        assert ends == [len(document.text[: s.end].encode("utf-8")) for s in document.sentences]


def _plain_test(expr: Expr, hits: dict[int, list[Span]]) -> tuple[bool, list[Span]]:
    """`AnyOf.test` and `Leaf.test` before the shortcut."""
    if isinstance(expr, Leaf):
        spans = hits.get(expr.key)
        return (True, list(spans)) if spans else (False, [])
    assert isinstance(expr, AnyOf)
    ok, found = False, []
    for item in expr.items:
        item_ok, item_spans = _plain_test(item, hits)
        if item_ok:
            ok = True
            found.extend(item_spans)
    return ok, found


def _plain_sentence_hits(expr: Expr, scan: Scan) -> dict[int, dict[int, list[Span]]]:
    """`sentence_hits` asking the scan about every leaf."""
    by_sentence: dict[int, dict[int, list[Span]]] = {}
    for leaf in expr.leaf_list:
        for sentence, spans in scan.leaf_hits(leaf.key, leaf.regex, leaf.relaxed).items():
            by_sentence.setdefault(sentence, {})[leaf.key] = spans
    return by_sentence


def _any_of_leaves() -> list[AnyOf]:
    checklist = baseline()
    found = []
    for check in checklist.checks:
        for rule in check.rules:
            for expr in [getattr(rule.primitive, "match", None), rule.unless]:
                if isinstance(expr, AnyOf):
                    found.append(expr)
    return found


def test_the_checklist_has_lists_of_leaves() -> None:
    exprs = _any_of_leaves()
    assert len(exprs) >= 8
    assert all(e._leaf_keys is not None for e in exprs)


def test_any_of_leaves_and_sentence_hits_on_realreal_documents() -> None:
    checklist = baseline()
    matched = 0
    for document in real_documents():
        scan = Scan(document, checklist.leaves)
        plain_scan = Scan(document)  # every leaf scanned, none ruled out
        for expr in _any_of_leaves():
            by_sentence = sentence_hits(expr, scan)
            assert by_sentence == _plain_sentence_hits(expr, plain_scan)
            for hits in by_sentence.values():
                result = expr.test(hits)
                assert result == _plain_test(expr, hits)
                matched += result[0]
            assert expr.test({}) == (False, [])
    assert matched > 1000


_LEAVES = [Leaf(key, f"x{key}", f"x{key}", None) for key in range(4)]
_SPAN_LISTS = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=3)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_LEAVES), min_size=1, max_size=6),
    st.dictionaries(st.integers(0, 5), _SPAN_LISTS, max_size=5),
)
def test_any_of_leaves_with_repeats_and_empty_lists(
    items: list[Expr], hits: dict[int, list[Span]]
) -> None:
    expr = AnyOf(items)
    assert expr.test(hits) == _plain_test(expr, hits)


def test_a_mixed_list_takes_the_plain_path() -> None:
    mixed = AnyOf([_LEAVES[0], AnyOf([_LEAVES[1]])])
    assert mixed._leaf_keys is None
    assert mixed.test({1: [(0, 1)]}) == (True, [(0, 1)])


@pytest.mark.parametrize("text", ["", "abc", "é", "a’b😀c", "\u0800\u00a0x"])
def test_bulk_byte_offsets_match_one_by_one(text: str) -> None:
    offsets = _CharOffsets(text, text.encode("utf-8"))
    every = list(range(len(text) + 1))
    assert offsets.to_bytes_all(every) == [offsets.to_bytes(c) for c in every]
