"""Ninth session's evaluation fast paths give what the plain code they replaced gave.

A `pattern` or `unless` that is a leaf or `any` of leaves is decided from the union of its
leaves' hits (`union_hits`) instead of a test per sentence; leaves the RE2 sets ruled out are
found by a set intersection; the engine validates a finding with its evidence and near misses
in one call and words its status logic once per check. Each test compares with a copy of the
code before (the `_plain_*` functions) on the real corpus, the sample policies and the cases.
"""

from __future__ import annotations

import gc
from typing import Any

from real_inputs import ROOT, baseline, real_documents

from auditor.checklist.compiled import Checklist, CompiledCheck, Condition, load_checklist
from auditor.document.blocks import BlockKind
from auditor.document.loader import load_document
from auditor.document.model import Document, Sentence
from auditor.engine import (
    MAX_EVIDENCE,
    MAX_NEAR_MISSES,
    evaluate_check,
    finding_id,
    run_rules,
)
from auditor.models import Evidence, Finding, NearMiss, Status
from auditor.rules.base import Candidate, Hit, RuleOutput, Scan
from auditor.rules.expr import AllOf, AnyOf, Expr, LeafRegistry, Not, compile_expr, sentence_hits
from auditor.rules.pattern import Pattern
from auditor.rules.scope import excluded

_CASES = sorted(p for p in (ROOT / "tests" / "cases").iterdir() if p.is_dir())


def _plain_pattern(pattern: Pattern, scan: Scan, allowed: set[int] | None) -> list[Hit | Candidate]:
    """`Pattern.evaluate` as it was: every expression through `sentence_hits` and `test`."""
    out: list[Hit | Candidate] = []
    by_sentence = sentence_hits(pattern.match, scan)
    positive = pattern.match.positive_keys
    if pattern.match.all_positive:
        indices = sorted(by_sentence)
    elif positive:
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


def _plain_excluded(unless: Expr, scan: Scan) -> dict[int, str]:
    """`excluded` as it was."""
    by_sentence = sentence_hits(unless, scan)
    candidates = (
        range(len(scan.document.sentences)) if not unless.positive_keys else list(by_sentence)
    )
    out = {}
    for i in candidates:
        if unless.test(by_sentence.get(i, {}))[0]:
            out[i] = f"excluded by unless {unless.describe()}"
    return out


def test_leaf_union_is_a_leaf_or_any_of_them() -> None:
    registry = LeafRegistry()

    def union(raw: Any) -> bool:
        return compile_expr(raw, ["match"], registry).leaf_union

    assert union("children")
    assert union({"regex": "\\bkids?\\b"})
    assert union({"any": ["a", {"any": ["b", {"regex": "c+"}]}]})
    assert not union({"all": ["a", "b"]})
    assert not union({"not": "a"})
    assert not union({"any": ["a", {"all": ["b", "c"]}]})
    assert not union({"any": ["a", {"not": "b"}]})


def _patterns(checklist: Checklist) -> list[Pattern]:
    return [
        r.primitive for c in checklist.checks for r in c.rules if isinstance(r.primitive, Pattern)
    ]


def _expressions(registry: LeafRegistry) -> list[Expr]:
    """Expressions of every shape over the baseline's phrases, for the plain path too."""
    raws: list[Any] = [
        {"all": ["children", {"any": ["under", "age"]}]},
        {"any": ["opt out", {"all": ["email", "unsubscribe*"]}]},
        {"all": ["contact", {"not": "e-mail"}]},
        {"not": "the"},
        {"any": ["security", "encrypt*", {"not": "we"}]},
        {"any": ["privacy", {"any": ["cookies", {"regex": "\\bdata\\b"}]}]},
    ]
    return [compile_expr(raw, ["match"], registry) for raw in raws]


def test_patterns_and_unless_on_realreal_documents() -> None:
    checklist = baseline()
    extra = _expressions(checklist.leaves)
    patterns = _patterns(checklist) + [Pattern(expr) for expr in extra]
    unless = [r.unless for c in checklist.checks for r in c.rules if r.unless is not None]
    assert sum(p.match.leaf_union for p in patterns) >= 8
    assert sum(not p.match.leaf_union for p in patterns) >= 5
    assert all(expr.leaf_union for expr in unless)
    hits = rejected = 0
    for document in real_documents():
        every_other = set(range(0, len(document.sentences), 2))
        for allowed in (None, every_other):
            scan = Scan(document, checklist.leaves)
            plain_scan = Scan(document)  # every leaf scanned, none ruled out
            for pattern in patterns:
                fast = list(pattern.evaluate(scan, allowed))
                assert fast == _plain_pattern(pattern, plain_scan, allowed)
                hits += sum(isinstance(item, Hit) for item in fast)
        scan = Scan(document, checklist.leaves)
        for expr in unless + extra:
            found = excluded(expr, scan)
            assert found == _plain_excluded(expr, Scan(document))
            rejected += len(found)
    assert hits > 5000
    assert rejected > 100


# The engine's finding as it was built before: a model per evidence and near miss.


def _plain_citation(document: Document, sentence: Sentence) -> dict[str, Any]:
    return {
        "quote": document.quote(sentence),
        "line": sentence.line,
        "section": list(sentence.section),
        "start": sentence.src_start,
        "end": sentence.src_end,
    }


def _plain_evidence(
    document: Document, outputs: dict[str, RuleOutput], rules: list[str]
) -> list[Evidence]:
    support: dict[int, list[str]] = {}
    spans: dict[int, list[tuple[int, int]]] = {}
    for rule_id in rules:
        for hit in outputs[rule_id].hits:
            support.setdefault(hit.sentence, [])
            if rule_id not in support[hit.sentence]:
                support[hit.sentence].append(rule_id)
            spans.setdefault(hit.sentence, []).extend(hit.spans)
    headings = {i for i in support if document.sentences[i].kind is BlockKind.HEADING}
    matched = {i: sum(b - a for a, b in set(spans[i])) for i in support}
    ranked = sorted(support, key=lambda i: (-len(support[i]), i in headings, -matched[i], i))
    out = []
    for i in ranked[:MAX_EVIDENCE]:
        s = document.sentences[i]
        terms = list(dict.fromkeys(s.text[a:b] for a, b in sorted(set(spans[i]))))
        out.append(Evidence(**_plain_citation(document, s), terms=terms, rule=support[i][0]))
    return out


def _plain_near_misses(
    document: Document, check: CompiledCheck, outputs: dict[str, RuleOutput]
) -> list[NearMiss]:
    needed = list(dict.fromkeys(check.passes.rules()))
    hit_rules: dict[int, list[str]] = {}
    reasons: dict[int, list[str]] = {}
    matched: dict[int, int] = {}
    for rule in check.rules:
        out = outputs[rule.id]
        for hit in out.hits:
            hit_rules.setdefault(hit.sentence, []).append(rule.id)
            matched[hit.sentence] = matched.get(hit.sentence, 0) + sum(b - a for a, b in hit.spans)
        for cand in out.candidates:
            reasons.setdefault(cand.sentence, []).append(f"{rule.id}: {cand.reason}")
            matched[cand.sentence] = matched.get(cand.sentence, 0) + sum(
                b - a for a, b in cand.spans
            )
    scored = {
        i: 2 * len(hit_rules.get(i, [])) + len(reasons.get(i, []))
        for i in set(hit_rules) | set(reasons)
    }
    ranked = sorted(scored, key=lambda i: (-scored[i], -matched.get(i, 0), i))[:MAX_NEAR_MISSES]
    misses = []
    for i in ranked:
        parts = []
        if hit_rules.get(i):
            missing = [r for r in needed if r not in hit_rules[i]]
            parts.append(
                f"matched {', '.join(hit_rules[i])}"
                + (f" but not {', '.join(missing)}" if missing else "")
            )
        parts.extend(reasons.get(i, []))
        s = document.sentences[i]
        misses.append(NearMiss(**_plain_citation(document, s), reason="; ".join(parts)))
    return misses


def _plain_finding(check: CompiledCheck, scan: Scan, policy_id: str) -> Finding:
    """`evaluate_check(...).finding` as it was built."""
    outputs = run_rules(check, scan)
    matched = {rule_id for rule_id, out in outputs.items() if out.matched}
    clause: tuple[str, Condition] | None = None
    if check.passes.holds(matched):
        status, clause = Status.PASS, ("pass", check.passes)
    elif check.review is not None and check.review.holds(matched):
        status, clause = Status.REVIEW, ("review", check.review)
    else:
        status = Status.FAIL
    document = scan.document
    if clause is not None:
        support = list(dict.fromkeys(clause[1].positive_rules(matched)))
        evidence = _plain_evidence(document, outputs, support)
        decided = f"{clause[0]}: {clause[1].describe()}"
        near: list[NearMiss] = []
    else:
        evidence = []
        if check.review is None:
            decided = f"fail: pass ({check.passes.describe()}) did not hold"
        else:
            decided = (
                f"fail: neither pass ({check.passes.describe()}) nor review "
                f"({check.review.describe()}) held"
            )
        near = _plain_near_misses(document, check, outputs)
    extracted = {}
    for name, spec in check.values.items():
        values: list[Any] = []
        for rule_id in spec.rule:
            values = [v for hit in outputs[rule_id].hits for v in hit.values]
            if values:
                break
        if spec.pick == "all":
            extracted[name] = list(dict.fromkeys(values))
        elif not values:
            extracted[name] = None
        elif spec.pick in ("first", "last"):
            extracted[name] = values[0] if spec.pick == "first" else values[-1]
        else:
            extracted[name] = min(values) if spec.pick == "min" else max(values)
    return Finding(
        id=finding_id(policy_id, check.spec.id),
        check_id=check.spec.id,
        status=status,
        decided_by=decided,
        evidence=evidence,
        extracted=extracted,
        near_misses=near,
    )


def _pairs() -> list[tuple[Checklist, Document]]:
    checklist = baseline()
    pairs = [(checklist, document) for document in real_documents()]
    for case in _CASES:
        case_checklist = load_checklist(case / "checklist.yaml")
        for path in sorted(case.glob("policy.*")):
            pairs.append((case_checklist, load_document(path, str(path))))
            pairs += [(case_checklist, document) for document in real_documents()[:20]]
    return pairs


def test_findings_on_realreal_documents() -> None:
    statuses: dict[Status, int] = dict.fromkeys(Status, 0)
    evidence = near = 0
    for checklist, document in _pairs():
        for check in checklist.checks:
            fast = evaluate_check(check, Scan(document, checklist.leaves), "p").finding
            plain = _plain_finding(check, Scan(document, checklist.leaves), "p")
            assert fast == plain
            assert fast.model_dump_json() == plain.model_dump_json()
            assert all(type(e) is Evidence for e in fast.evidence)
            assert all(type(n) is NearMiss for n in fast.near_misses)
            statuses[fast.status] += 1
            evidence += len(fast.evidence)
            near += len(fast.near_misses)
    assert statuses[Status.PASS] > 300 and statuses[Status.FAIL] > 300
    assert statuses[Status.REVIEW] > 20
    assert evidence > 800 and near > 200


def test_wording_is_the_checks_own() -> None:
    checklist = baseline()
    for check in checklist.checks:
        wording = check.wording
        assert check.wording is wording  # worked out once
        passes = check.passes.describe()
        assert wording.passed == f"pass: {passes}"
        assert wording.needed == list(dict.fromkeys(check.passes.rules()))
        if check.review is not None:
            assert wording.reviewed == f"review: {check.review.describe()}"
    # Each check has its own: a new check is never given the wording of an old one.
    for round_ in range(10):
        check = load_checklist(ROOT / "checklists" / "baseline.yaml").checks[0]
        check.passes = Condition("rule", rule=f"rule-{round_}")
        assert check.wording.passed == f"pass: rule-{round_}"
        del check
        gc.collect()


def test_unions_of_other_shapes_are_not_taken_for_leaf_unions() -> None:
    registry = LeafRegistry()
    leaf = compile_expr("a", ["match"], registry)
    assert isinstance(AnyOf([leaf, leaf]), AnyOf) and AnyOf([leaf, leaf]).leaf_union
    assert not AllOf([leaf]).leaf_union
    assert not Not(leaf).leaf_union
