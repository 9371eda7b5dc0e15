"""Scan's fast path (UTF-8 bytes scanned once, RE2 set prefilter) finds what finditer finds."""

from __future__ import annotations

import bisect
import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.document.blocks import BlockKind
from auditor.document.model import Document, Sentence
from auditor.rules.base import Scan
from auditor.rules.expr import LeafRegistry

# Patterns that match empty strings, multi-byte characters, case variants and word edges.
PATTERNS = [
    r"\b",
    r"a*",
    r"(?:é|a)+",
    r"\w+",
    r"c",
    r"ß",
    r"x?",
    r"\bab\b",
    r"😀a*",
    r"İ",
    r"\s+",
    r"[^a]",
    r"children's",
    r"opt[\s-]?out",
]
REGISTRY = LeafRegistry()
LEAVES = [REGISTRY.leaf(p, p, []) for p in PATTERNS]
TEXT = st.text(alphabet=list("ab c.\n-'") + ["é", "’", "😀", "ß", "İ", "\u00a0", "A"], max_size=60)


def document_of(text: str) -> Document:
    sentences, start = [], 0
    for i, part in enumerate(text.split("\n")):
        sentences.append(Sentence(i, part, start, 0, 0, 1, (), 0, BlockKind.PARAGRAPH))
        start += len(part) + 1
    return Document("x.md", "md", text, [], sentences, text)


def finditer_hits(document: Document, regex: object) -> dict[int, list[tuple[int, int]]]:
    starts = [s.start for s in document.sentences]
    out: dict[int, list[tuple[int, int]]] = {}
    for m in regex.finditer(document.text):  # type: ignore[attr-defined]
        if m.start() == m.end():
            continue
        i = bisect.bisect_right(starts, m.start()) - 1
        sentence = document.sentences[i]
        if m.end() <= sentence.end:
            out.setdefault(i, []).append((m.start() - sentence.start, m.end() - sentence.start))
    return out


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_leaf_hits_equal_finditer_with_and_without_the_prefilter(text: str) -> None:
    document = document_of(text)
    for leaves in (None, REGISTRY):
        scan = Scan(document, leaves)
        for leaf in LEAVES:
            assert scan.leaf_hits(leaf.key, leaf.regex) == finditer_hits(document, leaf.regex)


def test_prefilter_names_exactly_the_leaves_that_match() -> None:
    document = document_of("Children's data.\nYou may opt-out.")
    present = REGISTRY.present(document.text.encode("utf-8"))
    assert present is not None
    matching = {leaf.key for leaf in LEAVES if leaf.regex.search(document.text)}
    assert present == matching


def test_registry_survives_pickling_and_rebuilds_its_set() -> None:
    copy = pickle.loads(pickle.dumps(REGISTRY))
    data = b"opt out"
    assert copy.present(data) == REGISTRY.present(data)
