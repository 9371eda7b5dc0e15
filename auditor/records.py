"""One serialisation step from results to plain records, shared by JSON, CSV and Excel."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from auditor.models import AuditRun, Finding, NearMiss, PolicyResult

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
]

# Characters that make a spreadsheet read a cell as a formula (with their full-width forms).
_FORMULA_START = tuple("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EXCEL_CELL_LIMIT = 32_767
TRUNCATION_MARK = " […truncated]"


def spreadsheet_safe(text: str, limit: int = EXCEL_CELL_LIMIT) -> str:
    """Text that a spreadsheet shows as text: no formula start, no XML-illegal characters, cut
    to the cell limit with a visible marker."""
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
    parts = []
    for key, value in extracted.items():
        if value is None or value == []:
            continue
        shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        parts.append(f"{key}={shown}")
    return "; ".join(parts)


def format_near_misses(near: list[NearMiss]) -> str:
    """Near misses as readable lines."""
    return "\n".join(f"line {n.line}: {n.quote} — {n.reason}" for n in near)


def finding_record(run: AuditRun, policy: PolicyResult, finding: Finding) -> dict[str, Any]:
    """The flat record of one finding (primary evidence only)."""
    check = next((c for c in run.checks if c.id == finding.check_id), None)
    first = finding.evidence[0] if finding.evidence else None
    return {
        "policy_id": policy.id,
        "policy_path": policy.path,
        "check_id": finding.check_id,
        "check_title": check.title if check else "",
        "severity": check.severity.value if check else "",
        "status": finding.status.value,
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
    }


def finding_records(run: AuditRun) -> Iterator[dict[str, Any]]:
    """Every finding of the run as a flat record, policy by policy, in checklist order."""
    for policy in run.policies:
        for finding in policy.findings:
            yield finding_record(run, policy, finding)


def results_document(run: AuditRun) -> dict[str, Any]:
    """The results.json document (see schemas/results.schema.json)."""
    return {
        "tool": {"name": run.tool_name, "version": run.tool_version},
        "checklist": run.checklist.model_dump(mode="json"),
        "checks": [c.model_dump(mode="json") for c in run.checks],
        "generated_at": run.finished_at,
        "started_at": run.started_at,
        "command": run.command,
        "python": run.python,
        "counts": run.status_counts(),
        "policies": [p.model_dump(mode="json") for p in run.policies],
    }
