"""A leaf never matches across a line break (RE2's never_nl), so it is scanned only in the
chunks of sentences where the leaf sets found it (`Scan._presence`, `Scan.leaf_hits`): the same
hits as a scan of the whole text, and each sentence's own matches."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import auditor.rules.base as base
from auditor.rules.base import Scan
from auditor.rules.expr import LeafRegistry, compile_expr, compile_regex, sentence_hits
from tests.real_inputs import baseline, real_documents
from tests.rules.test_scan import document_of, finditer_hits


def _all_hits(scan: Scan, registry: LeafRegistry) -> list[dict[int, list[tuple[int, int]]]]:
    """Every leaf's hits, each leaf asked for the forms the engine asks for."""
    out = []
    for leaf in registry._by_source.values():
        folded = leaf.folded if scan.can_fold else None
        relaxed = leaf.relaxed if folded is None else None
        out.append(scan.leaf_hits(leaf.key, leaf.regex, relaxed, folded, one_line=True))
    return out


@pytest.mark.parametrize("chunk", [64, 1024])
def test_chunked_scans_equal_whole_text_scans_on_real_inputs(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "_CHUNK_BYTES", chunk)
    registry = baseline().leaves
    chunked = narrowed = 0
    for document in real_documents():
        scan = Scan(document, registry)
        plain = Scan(document)  # no presence pass: every leaf scans the whole text
        assert _all_hits(scan, registry) == _all_hits(plain, registry), document.path
        if scan._chunks is not None:
            chunked += 1
            whole = [(0, len(scan._data))]
            narrowed += any(
                leaf.key in (scan.present or ()) and scan._runs(leaf.key) != whole
                for leaf in registry._by_source.values()
            )
    # The comparison covered the chunked path, and runs shorter than the text.
    assert chunked > 100
    assert narrowed > 100


# One-line patterns (and others, scanned whole) over texts of short sentences.
_PATTERNS = [
    r"\b",
    r"a*",
    r"(?:é|a)+",
    r"\w+",
    r"c",
    r"ß",
    r"x?",
    r"\bab\b",
    r"\bab",
    r"😀a*",
    r"İ",
    r"children's",
    r"\bc\b.",
    r"a\Sb",
    r"\s+",
    r"opt[\s-]?out",
]
_REGISTRY = LeafRegistry()
_LEAVES = [_REGISTRY.leaf(p, p, []) for p in _PATTERNS]
_TEXT = st.lists(
    st.text(alphabet=list("ab c.-'") + ["é", "’", "😀", "ß", "İ", "\u00a0", "A"], max_size=12),
    min_size=2,
    max_size=12,
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.integers(min_value=1, max_value=12))
def test_chunked_scans_equal_finditer(text: str, chunk: int) -> None:
    document = document_of(text)
    original = base._CHUNK_BYTES
    base._CHUNK_BYTES = chunk
    try:
        scan = Scan(document, _REGISTRY)
    finally:
        base._CHUNK_BYTES = original
    for leaf in _LEAVES:
        hits = scan.leaf_hits(leaf.key, leaf.regex, leaf.relaxed, None, one_line=True)
        assert hits == finditer_hits(document, leaf.regex), leaf.source


def test_a_match_over_a_line_break_no_longer_hides_the_next_sentences_own() -> None:
    # Over the whole text, "Data\nYour data is safe" would match from the heading on; that
    # match belongs to no sentence and, consumed, hid the second sentence's own match.
    document = document_of("Data\nYour data is safe.\nNothing here.")
    registry = LeafRegistry()
    expr = compile_expr({"regex": r"\bdata\W+(?:\w+\W+){0,3}?safe\b"}, [], registry)
    assert sentence_hits(expr, Scan(document, registry)) == {1: {0: [(5, 17)]}}
    assert sentence_hits(expr, Scan(document)) == {1: {0: [(5, 17)]}}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=list("ab -.\n\t!~"), max_size=30))
def test_no_leaf_matches_a_line_break(text: str) -> None:
    for pattern in [r"a.b", r"[^a]+", r"\s+", r"\W+", r"\D", r"a\nb", r"(?s)a.b", r"[[:space:]]"]:
        for m in compile_regex(pattern, []).finditer(text):
            assert "\n" not in m.group(), pattern
