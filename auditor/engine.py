"""Evaluate a compiled checklist on a document: rules -> status -> finding with evidence.

The engine, not the primitives, attaches check ids, statuses and evidence (STYLE.md 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auditor.checklist.compiled import Checklist, CompiledCheck, Condition
from auditor.document.blocks import BlockKind
from auditor.document.model import Document, Sentence
from auditor.models import Finding, PolicyResult, Status
from auditor.rules.base import Candidate, Hit, RuleOutput, Scan
from auditor.rules.scope import allowed_sentences, excluded, widen

MAX_EVIDENCE = 3
MAX_NEAR_MISSES = 3
_HEADING = BlockKind.HEADING


@dataclass
class CheckTrace:
    """Everything one check computed on one document (what `auditor explain` prints)."""

    check: CompiledCheck
    outputs: dict[str, RuleOutput]
    finding: Finding


def finding_id(policy_id: str, check_id: str) -> str:
    """Stable, readable finding id: the same policy and check always give the same id."""
    return f"{policy_id}::{check_id}"


def run_rules(check: CompiledCheck, scan: Scan) -> dict[str, RuleOutput]:
    """Run a check's rules in dependency order."""
    outputs: dict[str, RuleOutput] = {}
    document = scan.document
    for rule in check.rules:
        allowed: set[int] | None = None  # no scope (most rules): every sentence
        scoped = rule.first is not None or rule.last is not None or rule.in_section is not None
        if scoped or rule.within:
            within = [widen(document, outputs[d].sentences(), rule.window) for d in rule.within]
            allowed = allowed_sentences(document, within, rule.in_section, rule.first, rule.last)
        out = outputs[rule.id] = RuleOutput()
        if allowed is not None and not allowed:
            continue  # a primitive only looks at allowed sentences: spare it the scans
        items = list(rule.primitive.evaluate(scan, allowed))
        rejected: dict[int, str] = {}
        if rule.unless is not None:
            # `unless` only ever rejects a hit: its leaves are scanned in the hits' sentences.
            hit = {item.sentence for item in items if isinstance(item, Hit)}
            if hit:
                rejected = excluded(rule.unless, scan, hit)
        for item in items:
            if isinstance(item, Hit):
                if item.sentence in rejected:
                    reason = rejected[item.sentence]
                    out.candidates.append(Candidate(item.sentence, reason, item.spans))
                else:
                    out.hits.append(item)
            else:
                out.candidates.append(item)
    return outputs


def _citation(document: Document, sentence: Sentence) -> dict[str, Any]:
    """Where a cited sentence stands: the fields Evidence and NearMiss share."""
    return {
        "quote": document.quote(sentence),
        "line": sentence.line,
        "section": list(sentence.section),
        "start": sentence.src_start,
        "end": sentence.src_end,
    }


def _terms(sentence: Sentence, spans: list[tuple[int, int]]) -> list[str]:
    """The distinct words the spans cover, in the order they stand (a dict, not a list, keeps
    them: a sentence with 25,000 distinct e-mail addresses took seconds to list that way)."""
    text = sentence.text
    return list(dict.fromkeys(text[a:b] for a, b in sorted(set(spans))))


def _evidence(
    document: Document, outputs: dict[str, RuleOutput], rules: list[str]
) -> list[dict[str, Any]]:
    """The fields of the check's Evidence, best first (validated with the Finding)."""
    support: dict[int, list[str]] = {}
    spans: dict[int, list[tuple[int, int]]] = {}
    for rule_id in rules:
        for hit in outputs[rule_id].hits:
            i = hit.sentence
            supporting = support.get(i)
            if supporting is None:
                support[i] = [rule_id]
                spans[i] = list(hit.spans)
            else:
                if rule_id not in supporting:
                    supporting.append(rule_id)
                spans[i].extend(hit.spans)
    sentences = document.sentences
    # Most supporting rules first; a body sentence before a bare heading; then the sentence
    # that matches more of the rules' words; then document order (sentence indices are
    # distinct, so sorting these tuples sorts by that key).
    ranked = sorted(
        (
            -len(supporting),
            sentences[i].kind is _HEADING,
            -sum(b - a for a, b in set(spans[i])),
            i,
        )
        for i, supporting in support.items()
    )
    out = []
    for *_, i in ranked[:MAX_EVIDENCE]:
        s = sentences[i]
        out.append({**_citation(document, s), "terms": _terms(s, spans[i]), "rule": support[i][0]})
    return out


def _near_misses(
    document: Document, check: CompiledCheck, outputs: dict[str, RuleOutput], needed: list[str]
) -> list[dict[str, Any]]:
    """The fields of a failed check's NearMiss records, best first (validated with the
    Finding); `needed`: the rules its pass clause names, once each."""
    hit_rules: dict[int, list[str]] = {}
    reasons: dict[int, list[str]] = {}
    matched: dict[int, int] = {}  # characters of rule terms matched in each sentence
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
    if not matched:
        return []
    # More rules that matched first; then more of the rules' words (a sentence that says "last
    # updated" beats one that only says "effective"); then document order. Every sentence with
    # a hit or a candidate is in `matched`.
    ranked = sorted(
        (-2 * len(hit_rules.get(i, ())) - len(reasons.get(i, ())), -count, i)
        for i, count in matched.items()
    )
    misses = []
    sentences = document.sentences
    for *_, i in ranked[:MAX_NEAR_MISSES]:
        parts = []
        hit_by = hit_rules.get(i)
        if hit_by:
            missing = [r for r in needed if r not in hit_by]
            parts.append(
                f"matched {', '.join(hit_by)}"
                + (f" but not {', '.join(missing)}" if missing else "")
            )
        parts.extend(reasons.get(i, []))
        misses.append({**_citation(document, sentences[i]), "reason": "; ".join(parts)})
    return misses


def _pick(values: list[Any], how: str) -> Any:
    if how == "all":
        return list(dict.fromkeys(values))
    if not values:
        return None
    if how == "first":
        return values[0]
    if how == "last":
        return values[-1]
    return min(values) if how == "min" else max(values)


def evaluate_check(check: CompiledCheck, scan: Scan, policy_id: str) -> CheckTrace:
    """Run one check on one document and build its finding."""
    outputs = run_rules(check, scan)
    matched = {rule_id for rule_id, out in outputs.items() if out.hits}
    wording = check.wording
    clause: Condition | None = None
    if check.passes.holds(matched):
        status, clause, decided = Status.PASS, check.passes, wording.passed
    elif check.review is not None and check.review.holds(matched):
        status, clause, decided = Status.REVIEW, check.review, wording.reviewed
    else:
        status, decided = Status.FAIL, wording.failed
    document = scan.document
    if clause is not None:
        support = list(dict.fromkeys(clause.positive_rules(matched)))
        evidence = _evidence(document, outputs, support)
        near: list[dict[str, Any]] = []
    else:
        evidence = []
        near = _near_misses(document, check, outputs, wording.needed)
    extracted = {}
    for name, spec in check.values.items():
        values: list[Any] = []
        for rule_id in spec.rule:  # the first rule that found values wins
            values = [v for hit in outputs[rule_id].hits for v in hit.values]
            if values:
                break
        extracted[name] = _pick(values, spec.pick)
    # One validation for the finding and its evidence and near misses (each a dict of the
    # fields), rather than one per model: the same models, a third of the calls.
    finding = Finding.model_validate(
        {
            "id": finding_id(policy_id, check.spec.id),
            "check_id": check.spec.id,
            "status": status,
            "decided_by": decided,
            "evidence": evidence,
            "extracted": extracted,
            "near_misses": near,
        }
    )
    return CheckTrace(check, outputs, finding)


def error_findings(checklist: Checklist, policy_id: str, reason: str) -> list[Finding]:
    """One ERROR finding per check, for a document that could not be read."""
    return [
        Finding(
            id=finding_id(policy_id, c.spec.id),
            check_id=c.spec.id,
            status=Status.ERROR,
            decided_by="error",
            reason=reason,
        )
        for c in checklist.checks
    ]


def score(checklist: Checklist, findings: list[Finding]) -> float | None:
    """Weighted share of credit: PASS 1, REVIEW review_credit, FAIL 0; ERROR left out."""
    credit = {Status.PASS: 1.0, Status.REVIEW: checklist.spec.review_credit, Status.FAIL: 0.0}
    weights = {c.spec.id: c.spec.weight for c in checklist.checks}
    total = earned = 0.0
    for f in findings:
        if f.status in credit:
            total += weights[f.check_id]
            earned += weights[f.check_id] * credit[f.status]
    return round(earned / total, 4) if total else None


def evaluate_document(checklist: Checklist, document: Document, policy_id: str) -> PolicyResult:
    """All checks on one document."""
    scan = Scan(document, checklist.leaves)
    findings = []
    for check in checklist.checks:
        try:
            findings.append(evaluate_check(check, scan, policy_id).finding)
        except Exception as exc:  # a bug must cost one finding, not the whole audit
            findings.append(
                Finding(
                    id=finding_id(policy_id, check.spec.id),
                    check_id=check.spec.id,
                    status=Status.ERROR,
                    decided_by="error",
                    reason=f"internal error: {type(exc).__name__}: {exc}",
                )
            )
    return PolicyResult(
        id=policy_id,
        path=document.path,
        sha256=document.sha256,
        format=document.format,
        size=document.size,
        words=document.words,
        sections=document.section_count,
        title=document.title,
        metadata=dict(document.metadata),
        warnings=list(document.warnings),
        score=score(checklist, findings),
        findings=findings,
    )
