"""Rule evaluation's fast paths give what the plain code they replaced gave.

Candidate sentences come from one scan of the document's UTF-8 bytes, cached per document;
`test_string` searches each leaf once; the day-first guess reads only sentences with a digit;
the engine skips rules with no allowed sentence and works out `unless` only when a rule has
hits, over the hit sentences. Each test compares with a copy of the code before (the
`_plain_*` functions).
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any

import pytest
import re2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.checklist.compiled import CompiledCheck, load_checklist
from auditor.document.blocks import BlockKind
from auditor.document.loader import load_document
from auditor.document.model import Document, Sentence
from auditor.engine import run_rules
from auditor.rules import expr as rules_expr
from auditor.rules import extract as rules_extract
from auditor.rules.base import Candidate, Hit, RuleOutput, Scan, _CharOffsets
from auditor.rules.expr import AllOf, AnyOf, Expr, LeafRegistry, Not
from auditor.rules.scope import allowed_sentences, excluded, widen

ROOT = Path(__file__).resolve().parents[2]
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_FRAGMENTS = [
    "13/05/2020", "31-12-99", "2٣/5/٢٠", "x13.1.20", "12/12/2012", "1300 Island Drive",
    "Co. Kildare", "https://x.com", "www.y.org", "twenty\none", "twenty-one", "one", "18+",
    "é", "’", "😀", "ß", "\u00a0", "800-FLOWERS", "0044 20 7946 0000", "a", "b c", ".", "\n",
]  # fmt: skip
_PIECE = st.one_of(st.sampled_from(_FRAGMENTS), st.text(alphabet="ab 0139\n-./é😀", max_size=4))
# A sentence's own text may hold a line break (an address block), never at its edges.
_SENTENCE = st.lists(_PIECE, max_size=6).map(lambda parts: "".join(parts).strip("\n"))
_SENTENCES = st.lists(_SENTENCE, max_size=8)


def _document(texts: list[str], site: str = "") -> Document:
    sentences, start = [], 0
    for i, text in enumerate(texts):
        sentences.append(Sentence(i, text, start, 0, 0, 1, (), i, BlockKind.PARAGRAPH))
        start += len(text) + 1
    text = "\n".join(texts)
    return Document("x.md", "md", text, [], sentences, text, metadata={"site": site})


def _plain_candidate_sentences(document: Document, pattern: Any) -> list[int]:
    sentences = document.sentences
    starts = [s.start for s in sentences]
    hit: list[int] = []
    current_end = -1
    for found in pattern.finditer(document.text):
        if found.start() <= current_end:
            continue
        i = bisect.bisect_right(starts, found.start()) - 1
        hit.append(i)
        current_end = sentences[i].end
    return hit


_PATTERNS = [pattern for pattern, _ in rules_extract._PREFILTERS.values()] + [
    re2.compile(r"x*"),  # empty matches everywhere
    re2.compile(r"\b"),
    re2.compile(r"é+|😀"),
    re2.compile(r"b\s+a"),  # runs across a line break
    re.compile(r"[0-9]+"),  # not RE2: its own finditer
]


@_SETTINGS
@given(_SENTENCES)
def test_candidate_sentences_are_those_of_a_plain_finditer(texts: list[str]) -> None:
    document = _document(texts)
    scan = Scan(document)
    for pattern in _PATTERNS:
        expected = _outcome(_plain_candidate_sentences, document, pattern)
        assert _outcome(scan.sentences_matching, pattern) == expected, pattern
        assert _outcome(scan.sentences_matching, pattern) == expected  # from the cache
        assert _outcome(Scan(document).sentences_matching, pattern) == expected  # a fresh scan


def _outcome(function: Any, *args: Any) -> Any:
    """What a call returns, or the type of what it raises (an empty match in a text with no
    sentence has none to go to)."""
    try:
        return function(*args)
    except IndexError as exc:
        return type(exc)


@_SETTINGS
@given(st.text(alphabet=list("ab\n") + ["é", "’", "😀", "ß"], max_size=40))
def test_character_offsets_to_bytes(text: str) -> None:
    chars = _CharOffsets(text, text.encode("utf-8"))
    for c in range(len(text) + 1):
        assert chars.to_bytes(c) == len(text[:c].encode("utf-8"))
        assert chars.of(chars.to_bytes(c)) == c


def test_digit_prefilter_is_every_ascii_digit() -> None:
    # guess_day_first relies on it listing every sentence that holds an ASCII digit
    assert rules_extract._DIGIT_LINE.pattern == "(?:[0-9])[^\\n]*"


@_SETTINGS
@given(_SENTENCES, st.sampled_from(["", "x.com", "x.co.uk"]))
def test_day_first_guess_reads_only_sentences_with_a_digit(texts: list[str], site: str) -> None:
    document = _document(texts, site)
    assert rules_extract.guess_day_first(document, Scan(document)) == bool(
        rules_extract.guess_day_first(document)
    )


_REGISTRY = LeafRegistry()
_LEAVES = [
    _REGISTRY.leaf(source, source, [])
    for source in [r"\bopt[\s-]?out\b", r"x*", r"é", r"^b", r"a$", r"\bab\b", r"😀"]
]


def _exprs(depth: int) -> st.SearchStrategy[Expr]:
    leaf: st.SearchStrategy[Expr] = st.sampled_from(_LEAVES)
    if depth == 0:
        return leaf
    inner = _exprs(depth - 1)
    return st.one_of(
        leaf,
        st.lists(inner, min_size=1, max_size=3).map(AnyOf),
        st.lists(inner, min_size=1, max_size=3).map(AllOf),
        inner.map(Not),
    )


def _plain_test_string(expr: Expr, text: str) -> bool:
    hits: dict[int, list[tuple[int, int]]] = {}
    for leaf in expr.leaves():
        spans = [(m.start(), m.end()) for m in leaf.regex.finditer(text)]
        if spans:
            hits[leaf.key] = spans
    return expr.test(hits)[0]


@_SETTINGS
@given(_exprs(2), st.lists(st.sampled_from(["a", "b", " ", "-", "\n", "é", "😀", "opt", "out"])))
def test_test_string_is_the_plain_one(expr: Expr, parts: list[str]) -> None:
    text = "".join(parts)
    assert rules_expr.test_string(expr, text) == _plain_test_string(expr, text)


def _plain_run_rules(check: CompiledCheck, scan: Scan) -> dict[str, RuleOutput]:
    outputs: dict[str, RuleOutput] = {}
    document = scan.document
    for rule in check.rules:
        within = [widen(document, outputs[d].sentences(), rule.window) for d in rule.within]
        allowed = allowed_sentences(document, within, rule.in_section, rule.first, rule.last)
        rejected = excluded(rule.unless, scan) if rule.unless is not None else {}
        out = RuleOutput()
        for item in rule.primitive.evaluate(scan, allowed):
            if isinstance(item, Hit) and item.sentence in rejected:
                out.candidates.append(Candidate(item.sentence, rejected[item.sentence], item.spans))
            elif isinstance(item, Hit):
                out.hits.append(item)
            else:
                out.candidates.append(item)
        outputs[rule.id] = out
    return outputs


_CHECKLIST = load_checklist(ROOT / "checklists" / "baseline.yaml")


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "policies").glob("*.md")) + sorted((ROOT / "tests").glob("cases/*/policy.md")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_rule_outputs_are_those_of_the_plain_engine(path: Path) -> None:
    document = load_document(path, str(path))
    for check in _CHECKLIST.checks:
        # a fresh scan each, so neither side reads what the other cached
        fast = run_rules(check, Scan(document, _CHECKLIST.leaves))
        plain = _plain_run_rules(check, Scan(document, _CHECKLIST.leaves))
        assert fast == plain, check.spec.id
