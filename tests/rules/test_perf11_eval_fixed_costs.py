"""Evaluation's fixed costs per document, cut without changing an answer: `test_string` decides
`any`/`all`/`not` from the leaves it needs (not every leaf), the scan's sentence bounds are read
by position, and the extractors' runs are merged without min() and max(). Each is compared with
the plain code on the real inputs."""

from __future__ import annotations

from collections.abc import Iterator

import auditor.rules.base as base
import auditor.rules.expr as rules_expr
from auditor.document.model import Sentence
from auditor.rules.base import Scan
from auditor.rules.expr import Expr
from auditor.rules.extract import _PREFILTERS, _prefiltered, _runs
from tests.real_inputs import baseline, real_documents


def _expressions() -> Iterator[Expr]:
    """Every expression of the baseline checklist's rules (matches, terms, link options,
    unless, in_section)."""
    for check in baseline().checks:
        for rule in check.rules:
            primitive = rule.primitive
            for name in ("match", "heading", "near", "target", "text"):
                expr = getattr(primitive, name, None)
                if isinstance(expr, Expr):
                    yield expr
            yield from getattr(primitive, "terms", [])
            for expr in (rule.unless, rule.in_section):
                if expr is not None:
                    yield expr


def _strings() -> list[str]:
    """What `test_string` is asked about in an audit (link targets and texts, headings) and
    sentences, from the real documents."""
    found: dict[str, None] = {}
    for document in real_documents():
        for sentence in document.sentences:
            found[sentence.text] = None
            found.update(dict.fromkeys(sentence.section))
            for link in sentence.links:
                found[link.target] = None
                found[sentence.text[link.start : link.end]] = None
    return list(found)


def test_test_string_decides_as_every_leaf_would_on_real_inputs() -> None:
    exprs = list(_expressions())
    searches = {"plain": 0, "fast": 0}
    original = rules_expr._holds

    def counted(expr: Expr, text: str, data: bytes, found: dict[int, bool]) -> bool:
        if isinstance(expr, rules_expr.Leaf) and expr.key not in found:
            searches["fast"] += 1
        return original(expr, text, data, found)

    rules_expr._holds = counted  # type: ignore[assignment]
    try:
        held = 0
        for text in _strings():
            for expr in exprs:
                expected = rules_expr._test_string_plain(expr, text)
                searches["plain"] += len(expr.leaf_by_key)
                assert rules_expr.test_string(expr, text) is expected, (expr.describe(), text)
                held += expected
    finally:
        rules_expr._holds = original  # type: ignore[assignment]
    assert held > 1000  # both answers were met, often
    # Leaves were left unsearched (an `any` that fails searches all of its leaves either way).
    assert searches["fast"] < searches["plain"] - 50_000


def _plain_runs(scan: Scan, extractor: str) -> list[tuple[int, int]]:
    """`_runs` as it was written first (min and max)."""
    sentences = scan.document.sentences
    context = _PREFILTERS[extractor][1]
    runs: list[list[int]] = []
    for i in _prefiltered(scan, extractor):
        first, last = max(i - context, 0), min(i + context, len(sentences) - 1)
        if runs and first <= runs[-1][1] + 1:
            runs[-1][1] = max(runs[-1][1], last)
        else:
            runs.append([first, last])
    return [(first, last) for first, last in runs]


def test_runs_and_bounds_are_the_plain_ones_on_real_inputs() -> None:
    assert Sentence._fields[base._TEXT] == "text" and Sentence._fields[base._START] == "start"
    merged = 0
    for document in real_documents():
        scan = Scan(document, baseline().leaves)
        assert scan.starts == [s.start for s in document.sentences], document.path
        assert scan.ends == [s.end for s in document.sentences], document.path
        for extractor in _PREFILTERS:
            runs = _runs(scan, extractor)
            assert runs == _plain_runs(scan, extractor), (document.path, extractor)
            merged += len(runs) < len(_prefiltered(scan, extractor))
        # An extractor without a prefilter reads every sentence as one run.
        assert _runs(scan, "email") == [(0, len(document.sentences) - 1)]
    assert merged > 100  # runs were merged, many times
