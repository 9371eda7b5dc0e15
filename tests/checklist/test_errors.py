"""Every checklist mistake is one exact line naming file:line:col, the key and what is wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.checklist.compiled import load_checklist
from auditor.checklist.loader import ChecklistError

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "errors.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_checklist_error(
    case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("x.yaml").write_text(case["checklist"], "utf-8")
    with pytest.raises(ChecklistError) as info:
        load_checklist("x.yaml")
    assert info.value.lines == case["errors"]


def test_baseline_checklist_loads() -> None:
    root = Path(__file__).resolve().parents[2]
    checklist = load_checklist(root / "checklists" / "baseline.yaml")
    assert [c.spec.id for c in checklist.checks] == [
        "coppa-age-statement",
        "opt-out-mechanism",
        "security-disclosure",
        "contact-address",
        "last-updated-date",
    ]
