"""A leaf asked for some sentences only (`Scan.leaf_hits(only=...)`: a rule's `within` scope, the
hits an `unless` may reject) is scanned in those sentences alone: each of them gets exactly the
hits the scan of the whole text gives it, and the cache still answers a later call for other
sentences, or for all, exactly."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import auditor.rules.base as base
from auditor.document.blocks import BlockKind
from auditor.document.model import Document, Sentence
from auditor.engine import evaluate_document, run_rules
from auditor.rules.base import Scan
from auditor.rules.expr import Expr, Leaf, LeafRegistry, sentence_hits
from auditor.rules.scope import excluded
from tests.real_inputs import baseline, real_documents
from tests.rules.test_eval_fast_paths import _REGISTRY as _EXPR_REGISTRY
from tests.rules.test_eval_fast_paths import _exprs
from tests.rules.test_scan import document_of, finditer_hits

Hits = dict[int, list[tuple[int, int]]]


def _within(hits: Hits, only: set[int]) -> Hits:
    return {i: spans for i, spans in hits.items() if i in only}


def _ask(scan: Scan, leaf: Leaf, only: set[int] | None) -> Hits:
    """`leaf_hits` with the forms the engine asks for."""
    folded = leaf.folded if scan.can_fold else None
    relaxed = None if folded is not None else leaf.relaxed
    return scan.leaf_hits(leaf.key, leaf.regex, relaxed, folded, one_line=True, only=only)


def _subsets(count: int, seed: int) -> list[set[int]]:
    """Sentence sets like a rule's scope (scattered sentences, each maybe with the next),
    then one overlapping the first, then a run."""
    rng = random.Random(seed)
    scattered = {i for i in range(count) if rng.random() < 0.1}
    widened = scattered | {i + 1 for i in scattered if i + 1 < count}
    other = {i for i in range(count) if rng.random() < 0.3}
    low = rng.randrange(count)
    return [widened, other, set(range(low, min(count, low + 5)))]


@pytest.mark.parametrize("chunk", [64, base._CHUNK_BYTES])
def test_scans_of_some_sentences_equal_whole_text_scans_on_real_inputs(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "_CHUNK_BYTES", chunk)
    registry = baseline().leaves
    leaves = list(registry._by_source.values())
    narrowed = 0
    for n, document in enumerate(real_documents()):
        plain = Scan(document)  # no presence pass, no `only`: every leaf scans the whole text
        whole = [_ask(plain, leaf, None) for leaf in leaves]
        scan = Scan(document, registry)
        asked: set[int] = set()
        for only in _subsets(len(document.sentences), n):
            asked |= only
            for leaf, expected in zip(leaves, whole, strict=True):
                hits = _ask(scan, leaf, only)
                # Exact for what was asked, now and before (the answer grows in place).
                assert _within(hits, asked) == _within(expected, asked), (document.path, leaf)
                narrowed += hits != expected
        for leaf, expected in zip(leaves, whole, strict=True):
            assert _ask(scan, leaf, None) == expected, (document.path, leaf.source)
    assert narrowed > 1000  # the partial answers were partial


# Patterns that match empty strings, at the text's and lines' edges, across word edges, and
# multi-byte characters.
_PATTERNS = [
    r"\b",
    r"\B",
    r"a*",
    r"^a",
    r"a$",
    r"\Ab",
    r"b\z",
    r"(?m)^a",
    r"(?m)b$",
    r"\bab\b",
    r"\bab",
    r"(?:é|a)+",
    r"\w+",
    r"[^a]+",
    r"\s+",
    r"😀a*",
    r"İ",
    r"ß",
    r"children's",
    r"opt[\s-]?out",
]
_REGISTRY = LeafRegistry()
_LEAVES = [_REGISTRY.leaf(p, p, []) for p in _PATTERNS]
_SENTENCES = st.lists(
    st.text(alphabet=list("ab c.-'_") + ["é", "’", "😀", "ß", "İ", "\u00a0", "A"], max_size=10),
    min_size=1,
    max_size=14,
)
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(_SENTENCES, st.integers(1, 16), st.lists(st.sets(st.integers(0, 13)), max_size=3))
def test_scans_of_some_sentences_equal_finditer(
    texts: list[str], chunk: int, asks: list[set[int]]
) -> None:
    document = document_of("\n".join(texts))
    original = base._CHUNK_BYTES
    base._CHUNK_BYTES = chunk
    try:
        scans = [Scan(document, _REGISTRY), Scan(document)]  # with and without chunks
    finally:
        base._CHUNK_BYTES = original
    for leaf in _LEAVES:
        expected = finditer_hits(document, leaf.regex)
        for scan in scans:
            asked: set[int] = set()
            for only in asks:
                only = {i for i in only if i < len(texts)}
                asked |= only
                hits = scan.leaf_hits(leaf.key, leaf.regex, leaf.relaxed, None, True, only)
                assert _within(hits, asked) == _within(expected, asked), leaf.source
            hits = scan.leaf_hits(leaf.key, leaf.regex, leaf.relaxed, None, one_line=True)
            assert hits == expected, leaf.source


def test_sentences_not_between_line_breaks_are_scanned_with_the_whole_text() -> None:
    # Over the whole text ".ab" runs from the first sentence into the second and hides the
    # second's own "ab": a scan of the second sentence alone would find it. Sentences that do
    # not stand between line breaks are scanned with the whole text.
    text = "ab.ab ab"
    sentences = [
        Sentence(0, "ab.", 0, 0, 0, 1, (), 0, BlockKind.PARAGRAPH),
        Sentence(1, "ab ab", 3, 0, 0, 1, (), 0, BlockKind.PARAGRAPH),
    ]
    document = Document("x.md", "md", text, [], sentences, text)
    registry = LeafRegistry()
    leaf = registry.leaf(r"\.?ab", "", [])
    scan = Scan(document, registry)
    assert scan.leaf_hits(leaf.key, leaf.regex, None, None, True, {1}) == {
        0: [(0, 2)],
        1: [(3, 5)],
    }
    assert scan._partial == {}  # a whole answer, cached as one
    assert scan._cache[leaf.key] == finditer_hits(document, leaf.regex)


@_SETTINGS
@given(_exprs(2), _SENTENCES, st.sets(st.integers(0, 13)))
def test_unless_in_some_sentences_is_unless_in_all(
    unless: Expr, texts: list[str], only: set[int]
) -> None:
    document = document_of("\n".join(texts))
    only = {i for i in only if i < len(texts)}
    fast = excluded(unless, Scan(document, _EXPR_REGISTRY), only)
    plain = excluded(unless, Scan(document))
    assert {i: r for i, r in fast.items() if i in only} == {
        i: r for i, r in plain.items() if i in only
    }
    by_sentence = sentence_hits(unless, Scan(document, _EXPR_REGISTRY), only)
    whole = sentence_hits(unless, Scan(document))
    assert {i: h for i, h in by_sentence.items() if i in only} == {
        i: h for i, h in whole.items() if i in only
    }


def _whole_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every leaf scanned over the whole text, whatever the caller reads."""
    monkeypatch.setattr(Scan, "_scan_only", lambda self, *args: None)


def test_rule_outputs_and_results_are_those_of_whole_text_scans(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checklist = baseline()
    documents = real_documents()
    fast = [evaluate_document(checklist, d, d.path) for d in documents]
    fast_rules = [
        [run_rules(c, Scan(d, checklist.leaves)) for c in checklist.checks] for d in documents
    ]
    _whole_text(monkeypatch)
    assert [evaluate_document(checklist, d, d.path) for d in documents] == fast
    plain_rules = [
        [run_rules(c, Scan(d, checklist.leaves)) for c in checklist.checks] for d in documents
    ]
    assert plain_rules == fast_rules
