"""The leaf prefilter split over several RE2 sets names the leaves one set named, and never
skips a leaf on the word of a set that failed.

Each set carries a sentinel that matches every text, so an answer without it (RE2 ran out of
memory) is told from "no leaf of this set matches"; the leaves of such a set are all scanned.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.document.blocks import BlockKind
from auditor.document.model import Document, Sentence
from auditor.rules import expr as rules_expr
from auditor.rules.base import Scan
from auditor.rules.expr import LeafRegistry

_PATTERNS = [
    r"\b", r"a*", r"(?:é|a)+", r"\w+", r"c", r"ß", r"x?", r"\bab\b", r"😀a*", r"İ", r"\s+",
    r"[^a]", r"children's", r"opt[\s-]?out", r"\bb\b", r"^a", r"a$", r"k", r"\bſ", r"zz",
]  # fmt: skip
_TEXT = st.text(alphabet=list("abckz .\n-'") + ["é", "’", "😀", "ß", "İ", "K", "ſ"], max_size=60)


def _registry(per_set: int) -> LeafRegistry:
    with mock.patch.object(rules_expr, "_SET_LEAVES", per_set):
        registry = LeafRegistry()
        for pattern in _PATTERNS:
            registry.leaf(pattern, pattern, [])
        registry.present(b"")  # builds the sets while the patch holds
    return registry


_SPLIT = _registry(3)  # seven sets
_WHOLE = _registry(1000)  # one set, as before the split


def _plain_present(data: bytes) -> frozenset[int] | None:
    """The prefilter before the split: one set without a sentinel, None for an empty answer."""
    options = rules_expr.re2.Options()
    options.log_errors = False
    options.case_sensitive = False
    options.never_nl = True
    options.max_mem = 64 << 20
    leaf_set = rules_expr.re2.Set.SearchSet(options)
    for pattern in _PATTERNS:
        leaf_set.Add(pattern)
    leaf_set.Compile()
    keys = leaf_set.Match(data)
    return frozenset(keys) if keys else None


def _document(text: str) -> Document:
    sentences, start = [], 0
    for i, part in enumerate(text.split("\n")):
        sentences.append(Sentence(i, part, start, 0, 0, 1, (), i, BlockKind.PARAGRAPH))
        start += len(part) + 1
    return Document("x.md", "md", text, [], sentences, text)


def test_the_leaves_are_dealt_round_the_sets() -> None:
    assert _SPLIT._sets is not None and _WHOLE._sets is not None
    assert [keys for _, keys in _SPLIT._sets] == [
        list(range(first, len(_PATTERNS), 7)) for first in range(7)
    ]
    assert [keys for _, keys in _WHOLE._sets] == [list(range(len(_PATTERNS)))]


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_split_sets_name_exactly_the_matching_leaves(text: str) -> None:
    data = text.encode("utf-8")
    matching = frozenset(
        leaf.key for leaf in _SPLIT._by_source.values() if leaf.regex.search(text) is not None
    )
    assert _SPLIT.present(data) == matching
    assert _WHOLE.present(data) == matching
    plain = _plain_present(data)
    assert plain is None or plain == matching  # None: the plain prefilter scanned every leaf


@settings(max_examples=100, deadline=None)
@given(_TEXT)
def test_leaf_hits_are_the_same_with_split_sets(text: str) -> None:
    document = _document(text)
    split, plain = Scan(document, _SPLIT), Scan(document)  # `plain`: every leaf scanned
    for leaf in _SPLIT._by_source.values():
        assert split.leaf_hits(leaf.key, leaf.regex) == plain.leaf_hits(leaf.key, leaf.regex)


class _FailingSet:
    """An RE2 set whose automaton ran out of memory: it answers nothing."""

    def Match(self, data: bytes) -> Any:  # RE2's method name
        return None


def test_a_failed_set_skips_none_of_its_leaves() -> None:
    registry = _registry(3)
    assert registry._sets is not None
    failed_keys = registry._sets[1][1]
    registry._sets[1] = (_FailingSet(), failed_keys)
    present = registry.present(b"zz")
    assert present is not None
    assert set(failed_keys) <= present
    assert present - set(failed_keys) == _SPLIT.present(b"zz") - set(failed_keys)
