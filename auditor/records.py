"""One serialisation step from results to plain records, shared by JSON, CSV and Excel."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from auditor.models import (
    AuditRun,
    CheckInfo,
    Finding,
    NearMiss,
    PolicyResult,
    Review,
    Status,
    Verdict,
)
from auditor.spool import FindingOutline, PolicyOutline, outlines

# (key, header): the finding columns, defined once for every tabular report.
FINDING_COLUMNS: list[tuple[str, str]] = [
    ("policy_id", "Policy"),
    ("policy_path", "File"),
    ("check_id", "Check"),
    ("check_title", "Check title"),
    ("severity", "Severity"),
    ("status", "Status"),
    ("quote", "Evidence"),
    ("line", "Line"),
    ("section", "Section"),
    ("start", "Start"),
    ("end", "End"),
    ("terms", "Matched terms"),
    ("extracted", "Extracted"),
    ("decided_by", "Decided by"),
    ("near_misses", "Near misses"),
    ("reason", "Error"),
    ("finding_id", "Finding id"),
    # Review state, appended so existing CSV columns keep their positions.
    ("final_status", "Final status"),
    ("verdict", "Verdict"),
    ("comment", "Comment"),
    ("reviewer", "Reviewer"),
    ("reviewed_on", "Reviewed on"),
    ("review_state", "Review state"),
    ("evidence_count", "Evidence count"),
    ("fingerprint", "Evidence fingerprint"),
    ("reviewed_fingerprint", "Reviewed fingerprint"),
]

# The final status of a finding a reviewer marked "Not applicable": left out of every score.
NOT_APPLICABLE = "N/A"
FINAL_STATUSES = (*(s.value for s in Status), NOT_APPLICABLE)
# Review states: no review, a review of the current evidence, a review of older evidence.
REVIEW_CURRENT, REVIEW_STALE = "current", "stale"

# Characters that make a spreadsheet read a cell as a formula (with their full-width forms).
_FORMULA_START = tuple("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EXCEL_CELL_LIMIT = 32_767
TRUNCATION_MARK = " […truncated]"


def spreadsheet_safe(text: str, limit: int = EXCEL_CELL_LIMIT) -> str:
    """Text that a spreadsheet shows as text: no formula start, no XML-illegal characters, cut
    to the cell limit with a visible marker."""
    if not text.isprintable():  # printable text holds no XML-illegal character
        text = _XML_ILLEGAL.sub("\ufffd", text)
    if text.startswith(_FORMULA_START):
        text = "'" + text
    if len(text) > limit:
        text = text[: limit - len(TRUNCATION_MARK)] + TRUNCATION_MARK
    return text


def format_section(section: list[str]) -> str:
    """Heading path as one line."""
    return " > ".join(section)


def format_extracted(extracted: dict[str, Any]) -> str:
    """Extracted values as one readable line: `email=a@x.com, b@y.com; phone=+1650...`."""
    if not extracted:  # most findings: no extract rule
        return ""
    parts = []
    for key, value in extracted.items():
        if value is None or value == []:
            continue
        shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        parts.append(f"{key}={shown}")
    return "; ".join(parts)


def format_near_misses(near: list[NearMiss]) -> str:
    """Near misses as readable lines."""
    if not near:  # most findings (the join would start a generator for nothing)
        return ""
    return "\n".join(f"line {n.line}: {n.quote} — {n.reason}" for n in near)


def evidence_fingerprint(finding: Finding) -> str:
    """Short hash of what a reviewer judged: the machine status and the quoted sentences
    (evidence, near misses, error). Lines and offsets are left out, so an edit elsewhere in the
    policy does not make a review stale; whitespace is normalised for the same reason."""
    return _digest(_fingerprinted(finding))


def _fingerprinted(finding: Finding) -> str:
    """The text evidence_fingerprint hashes."""
    parts = [finding.status._value_, finding.reason]
    parts += [_squeezed(e.quote) for e in finding.evidence]
    parts += ["~" + _squeezed(n.quote) for n in finding.near_misses]
    return "\x1f".join(parts)


def _digest(text: str) -> str:
    # surrogatepass: a lone surrogate from a broken file must not break the hash.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def remember(table: dict[Any, Any], key: Any, value: Any, kept: int) -> None:
    """Put `value` under `key` in a table of texts worked out once, which is emptied first
    when it holds `kept` entries: the reports' memos stay bounded whatever the run's size."""
    if len(table) >= kept:
        table.clear()
    table[key] = value


class Fingerprints:
    """evidence_fingerprint of the findings of one report pass, each distinct text hashed once
    while it stays in a table of up to `kept` texts of up to 1,024 characters (emptied when
    full). What reviewers judge recurs: every FAIL without evidence or near miss of a check has
    the same text, and so has a sentence several policies share; a hash costs an OpenSSL
    context set-up per call."""

    def __init__(self, kept: int = 4096) -> None:
        self.kept = kept
        self._known: dict[str, str] = {}

    def __call__(self, finding: Finding) -> str:
        text = _fingerprinted(finding)
        known = self._known.get(text)
        if known is None:
            known = _digest(text)
            if len(text) <= 1024:
                remember(self._known, text, known, self.kept)
        return known


def _squeezed(text: str) -> str:
    """`" ".join(text.split())`, without splitting text that has nothing to squeeze: in
    printable text the only white space is the ASCII space."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def final_status(finding: Finding | FindingOutline, review: Review | None) -> str:
    """The status reports show: the machine status with the reviewer's verdict applied.

    False positive -> FAIL, False negative -> PASS, Not applicable -> N/A (out of the score);
    Confirmed, Needs follow-up and no verdict keep the machine status. A stale review still
    applies (it is flagged for re-check), so a decision is never silently undone.
    """
    verdict = review.verdict if review is not None else None
    if verdict is Verdict.FALSE_POSITIVE:
        return Status.FAIL.value
    if verdict is Verdict.FALSE_NEGATIVE:
        return Status.PASS.value
    if verdict is Verdict.NOT_APPLICABLE:
        return NOT_APPLICABLE
    return finding.status._value_  # .value runs Python (enum's property), _value_ does not


def final_statuses(run: AuditRun, policy: PolicyResult | PolicyOutline) -> list[str]:
    """Final status of each of the policy's findings, in checklist order."""
    reviews = run.reviews
    if not reviews:  # a first audit: the machine statuses (asked for up to 8 times a finding)
        return [f.status._value_ for f in policy.findings]  # .value runs Python, _value_ not
    return [final_status(f, reviews.get(f.id)) for f in policy.findings]


def reviewed_score(run: AuditRun, policy: PolicyResult) -> float | None:
    """The policy's weighted score with reviews applied (engine.score on final statuses):
    PASS 1, REVIEW the checklist's review credit, FAIL 0; ERROR and N/A left out."""
    if not run.reviews:
        return policy.score  # nothing to apply: the engine's own number
    finals = final_statuses(run, policy)
    if finals == [f.status.value for f in policy.findings]:
        return policy.score  # nothing changed: the engine's own number
    credit = {"PASS": 1.0, "REVIEW": run.checklist.review_credit, "FAIL": 0.0}
    weights = {c.id: c.weight for c in run.checks}
    total = earned = 0.0
    for finding, status in zip(policy.findings, finals, strict=True):
        if status in credit:
            total += weights.get(finding.check_id, 1.0)
            earned += weights.get(finding.check_id, 1.0) * credit[status]
    return round(earned / total, 4) if total else None


def pass_rate(statuses: Iterable[str]) -> float | None:
    """Share of PASS among PASS, FAIL and REVIEW (ERROR and N/A are not verdicts on the text)."""
    counted = [s for s in statuses if s in ("PASS", "FAIL", "REVIEW")]
    return round(counted.count("PASS") / len(counted), 4) if counted else None


def final_counts(run: AuditRun) -> dict[str, int]:
    """How many findings have each final status."""
    return _both_counts(run)[1]


def _both_counts(run: AuditRun) -> tuple[dict[str, int], dict[str, int]]:
    """run.status_counts() and final_counts(run) in one pass over the results (on a spooled
    run each pass reads and parses the spool file again: outlines, as it reads no quote)."""
    machine = {s.value: 0 for s in Status}
    final = dict.fromkeys(FINAL_STATUSES, 0)
    for policy in outlines(run.policies):
        findings: Sequence[Finding | FindingOutline] = policy.findings
        for finding, status in zip(findings, final_statuses(run, policy), strict=True):
            machine[finding.status._value_] += 1
            final[status] += 1
    return machine, final


def review_state(finding: Finding, review: Review | None) -> str:
    """'' (no review), 'current' or 'stale' (the evidence changed since the review)."""
    if review is None:
        return ""
    return REVIEW_STALE if review.stale else REVIEW_CURRENT


def check_index(run: AuditRun) -> dict[str, CheckInfo]:
    """The run's checks by id (the first of an id, as a search in checklist order finds it)."""
    return {c.id: c for c in reversed(run.checks)}


def finding_record(
    run: AuditRun,
    policy: PolicyResult,
    finding: Finding,
    checks: Mapping[str, CheckInfo] | None = None,
    fingerprints: Callable[[Finding], str] = evidence_fingerprint,
) -> dict[str, Any]:
    """The flat record of one finding (primary evidence only); `checks` is check_index(run)
    and `fingerprints` a Fingerprints, for callers that make many records."""
    check = (check_index(run) if checks is None else checks).get(finding.check_id)
    first = finding.evidence[0] if finding.evidence else None
    review = run.reviews.get(finding.id) if run.reviews else None
    fingerprint = fingerprints(finding)
    status: str = finding.status._value_
    return {
        "policy_id": policy.id,
        "policy_path": policy.path,
        "check_id": finding.check_id,
        "check_title": check.title if check else "",
        "severity": check.severity._value_ if check else "",
        "status": status,
        "quote": first.quote if first else "",
        "line": first.line if first else None,
        "section": format_section(first.section) if first else "",
        "start": first.start if first else None,
        "end": first.end if first else None,
        "terms": ", ".join(first.terms) if first else "",
        "extracted": format_extracted(finding.extracted),
        "decided_by": finding.decided_by,
        "near_misses": format_near_misses(finding.near_misses),
        "reason": finding.reason,
        "finding_id": finding.id,
        "final_status": status if review is None else final_status(finding, review),
        "verdict": review.verdict.value if review and review.verdict else "",
        "comment": review.comment if review else "",
        "reviewer": review.reviewer if review else "",
        "reviewed_on": review.reviewed_on if review else "",
        "review_state": review_state(finding, review),
        "evidence_count": len(finding.evidence),
        "fingerprint": fingerprint,
        # The evidence the review was made against; differs from `fingerprint` when stale.
        "reviewed_fingerprint": (review.fingerprint or fingerprint) if review else "",
    }

def results_document(run: AuditRun, *, policies: bool = True) -> dict[str, Any]:
    """The results.json document (see schemas/results.schema.json); with `policies=False` its
    "policies" list is left empty, for writers that stream `policy_document`s instead."""
    counts, finals = _both_counts(run)
    return {
        "tool": {"name": run.tool_name, "version": run.tool_version},
        "checklist": run.checklist.model_dump(mode="json"),
        "checks": [c.model_dump(mode="json") for c in run.checks],
        "generated_at": run.finished_at,
        "started_at": run.started_at,
        "command": run.command,
        "python": run.python,
        "counts": counts,
        "final_counts": finals,
        "reviews": {k: v.model_dump(mode="json") for k, v in sorted(run.reviews.items())},
        "orphaned_reviews": [r.model_dump(mode="json") for r in run.orphaned_reviews],
        "notes": list(run.notes),
        "policies": list(policy_documents(run)) if policies else [],
    }


def policy_documents(run: AuditRun) -> Iterator[dict[str, Any]]:
    """The entries of results.json's "policies", one at a time."""
    for policy in run.policies:
        yield policy_document(run, policy)


def policy_document(run: AuditRun, policy: PolicyResult) -> dict[str, Any]:
    """One entry of results.json's "policies": the result with its final score and statuses."""
    doc = policy.model_dump(mode="json")
    doc["final_score"] = reviewed_score(run, policy)
    reviews = run.reviews
    for finding, record in zip(policy.findings, doc["findings"], strict=True):
        # Without reviews the final status is the machine's, already in the record as text.
        review = reviews.get(finding.id) if reviews else None
        final = record["status"] if review is None else final_status(finding, review)
        record["final_status"] = final
    return doc


def run_from_document(doc: dict[str, Any]) -> AuditRun:
    """The AuditRun a results.json document was written from (the inverse of
    results_document), so review commands can rewrite reports without re-auditing."""
    policies = []
    for raw in doc["policies"]:
        policy = {k: v for k, v in raw.items() if k != "final_score"}
        policy["findings"] = [
            {k: v for k, v in f.items() if k != "final_status"} for f in raw["findings"]
        ]
        policies.append(PolicyResult.model_validate(policy))
    return AuditRun.model_validate(
        {
            "tool_name": doc["tool"]["name"],
            "tool_version": doc["tool"]["version"],
            "checklist": doc["checklist"],
            "checks": doc["checks"],
            "command": doc.get("command", ""),
            "python": doc.get("python", ""),
            "started_at": doc.get("started_at", doc["generated_at"]),
            "finished_at": doc["generated_at"],
            "policies": policies,
            "reviews": doc.get("reviews", {}),
            "orphaned_reviews": doc.get("orphaned_reviews", []),
            "notes": doc.get("notes", []),
        }
    )


# (key, header) of the scorecard's other tables, defined here beside FINDING_COLUMNS.
EVIDENCE_COLUMNS: list[tuple[str, str]] = [
    ("finding_id", "Finding id"),
    ("policy_id", "Policy"),
    ("check_id", "Check"),
    ("rank", "Rank"),
    ("quote", "Evidence"),
    ("line", "Line"),
    ("section", "Section"),
    ("start", "Start"),
    ("end", "End"),
    ("terms", "Matched terms"),
    ("rule", "Rule"),
]
CHECK_COLUMNS: list[tuple[str, str]] = [
    ("id", "Check"),
    ("title", "Title"),
    ("description", "Description"),
    ("regulation", "Regulation"),
    ("severity", "Severity"),
    ("weight", "Weight"),
    ("rules", "Rules"),
    ("status_logic", "Status logic"),
]
POLICY_COLUMNS: list[tuple[str, str]] = [
    ("policy_id", "Policy"),
    ("path", "File"),
    ("sha256", "SHA-256"),
    ("format", "Format"),
    ("size", "Size (bytes)"),
    ("words", "Words"),
    ("sections", "Sections"),
    ("title", "Title"),
    ("source_url", "Source URL"),
    ("archived", "Archived"),
    ("warnings", "Load warnings"),
    ("error", "Error"),
    ("score", "Machine score"),
    ("final_score", "Final score"),
]

def finding_evidence_records(policy: PolicyResult, finding: Finding) -> Iterator[dict[str, Any]]:
    """The evidence snippets of one finding, ranked 1.. ."""
    for rank, ev in enumerate(finding.evidence, start=1):
        yield {
            "finding_id": finding.id,
            "policy_id": policy.id,
            "check_id": finding.check_id,
            "rank": rank,
            "quote": ev.quote,
            "line": ev.line,
            "section": format_section(ev.section),
            "start": ev.start,
            "end": ev.end,
            "terms": ", ".join(ev.terms),
            "rule": ev.rule,
        }


def check_records(run: AuditRun) -> Iterator[dict[str, Any]]:
    """Each check as a record; its rules one per line."""
    for check in run.checks:
        yield {
            "id": check.id,
            "title": check.title,
            "description": check.description,
            "regulation": check.regulation,
            "severity": check.severity.value,
            "weight": check.weight,
            "rules": "\n".join(check.rules),
            "status_logic": check.status_logic,
        }


def effective_date(policy: PolicyResult) -> str:
    """The policy's own date: the first extracted value named `date` (the last-updated check)."""
    for finding in policy.findings:
        value = finding.extracted.get("date")
        if isinstance(value, str) and value:
            return value
    return ""

def policy_record(run: AuditRun, p: PolicyResult) -> dict[str, Any]:
    """One policy document as a record."""
    return {
        "policy_id": p.id,
        "path": p.path,
        "sha256": p.sha256,
        "format": p.format,
        "size": p.size,
        "words": p.words,
        "sections": p.sections,
        "title": p.title,
        "source_url": p.metadata.get("source_url", ""),
        "archived": p.metadata.get("archived", ""),
        "warnings": "\n".join(p.warnings),
        "error": p.error,
        "score": p.score,
        "final_score": reviewed_score(run, p),
    }
