"""Fixed disagreements with the dev labels, as short texts run through the real engine and the
baseline checklist (cases/<check-id>.yaml): each case names the statuses and values it expects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.checklist.compiled import load_checklist
from auditor.document.loader import parse_document
from auditor.engine import evaluate_document

ROOT = Path(__file__).resolve().parents[2]
CHECKLIST = load_checklist(ROOT / "checklists" / "baseline.yaml")
CASE_KEYS = {"name", "text", "expect", "format", "note"}
EXPECT_KEYS = {"status", "values"}


def _cases() -> list[Any]:
    params = []
    for path in sorted((Path(__file__).parent / "cases").glob("*.yaml")):
        for case in yaml.safe_load(path.read_text("utf-8")):
            # A misspelt key would silently test nothing: refuse it.
            assert set(case) <= CASE_KEYS, f"{path.name}: {case.get('name')}: unknown key"
            for check_id, expect in case["expect"].items():
                assert CHECKLIST.check(check_id) is not None, f"{path.name}: no check {check_id}"
                assert set(expect) <= EXPECT_KEYS, f"{path.name}: {case['name']}: unknown key"
            params.append(pytest.param(case, id=f"{path.stem}:{case['name']}"))
    return params


@pytest.mark.parametrize("case", _cases())
def test_regression_case(case: dict[str, Any]) -> None:
    fmt = case.get("format", "md")
    document = parse_document(case["text"], fmt, f"case.{fmt}")
    result = evaluate_document(CHECKLIST, document, case["name"])
    findings = {f.check_id: f for f in result.findings}
    for check_id, expect in case["expect"].items():
        finding = findings[check_id]
        assert finding.status.value == expect["status"], (
            check_id,
            finding.decided_by,
            finding.evidence,
            finding.near_misses,
        )
        for name, value in expect.get("values", {}).items():
            assert finding.extracted[name] == value, (check_id, name, finding.extracted)
