"""The five sample policies: every status and extracted value equals the hand labels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from auditor.audit import Source, audit_source
from auditor.checklist.compiled import load_checklist
from auditor.models import PolicyResult

ROOT = Path(__file__).resolve().parents[1]
LABELS = json.loads((ROOT / "tests" / "data" / "sample_labels.json").read_text("utf-8"))["labels"]
CHECKLIST = load_checklist(ROOT / "checklists" / "baseline.yaml")


def expected_statuses(label: dict[str, Any]) -> dict[str, str]:
    """Statuses a label implies (labels README)."""
    children = label["children"]
    contact = label["contact"]
    return {
        "coppa-age-statement": "PASS"
        if children["statement"] and children["age"] is not None
        else "REVIEW"
        if children["statement"]
        else "FAIL",
        "opt-out-mechanism": "PASS" if label["opt_out"] else "FAIL",
        "security-disclosure": "PASS" if label["security"] else "FAIL",
        "contact-address": "PASS"
        if contact["email"] or contact["postal"]
        else "REVIEW"
        if contact["phone"] or contact["form"]
        else "FAIL",
        "last-updated-date": "PASS" if label["last_updated"] else "FAIL",
    }


def audit(label: dict[str, Any]) -> PolicyResult:
    path = ROOT / label["file"]
    return audit_source(CHECKLIST, Source(path, path.name))


@pytest.mark.parametrize("label", LABELS, ids=[Path(x["file"]).name for x in LABELS])
def test_statuses_match_labels(label: dict[str, Any]) -> None:
    result = audit(label)
    assert {f.check_id: f.status.value for f in result.findings} == expected_statuses(label)


@pytest.mark.parametrize("label", LABELS, ids=[Path(x["file"]).name for x in LABELS])
def test_extracted_values_match_labels(label: dict[str, Any]) -> None:
    findings = {f.check_id: f for f in audit(label).findings}
    assert findings["coppa-age-statement"].extracted == {"age": label["children"]["age"]}
    assert findings["last-updated-date"].extracted == {"date": label["last_updated"]}
    contact = findings["contact-address"].extracted
    assert {channel: bool(contact[channel]) for channel in label["contact"]} == label["contact"]


@pytest.mark.parametrize("label", LABELS, ids=[Path(x["file"]).name for x in LABELS])
def test_labelled_evidence_is_cited(label: dict[str, Any]) -> None:
    """The labeller's quote for each passing check lies inside one of our evidence quotes."""
    findings = {f.check_id: f for f in audit(label).findings}
    keys = {
        "children": "coppa-age-statement",
        "opt_out": "opt-out-mechanism",
        "security": "security-disclosure",
        "last_updated": "last-updated-date",
    }
    for key, check_id in keys.items():
        quote = label["evidence"].get(key)
        if quote is None:
            continue
        cited = [e.quote for e in findings[check_id].evidence]
        flat = [" ".join(c.replace("*", "").split()) for c in cited]
        assert any(" ".join(quote.split()) in c for c in flat), (check_id, quote, cited)
