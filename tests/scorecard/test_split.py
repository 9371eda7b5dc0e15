"""Above Excel's row or link limits, tables continue on further sheets; Run says so; no row is
dropped and links and reviews follow the rows (limits lowered so the test stays small)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from auditor.models import AuditRun, Verdict
from auditor.reporters import xlsx_report
from auditor.reporters.xlsx_report import Part, plan_parts, write_xlsx
from auditor.reviews import read_scorecard

from .conftest import edit_findings, synthetic_run


def many_policies(n: int) -> AuditRun:
    """The synthetic readable policy, n times under different ids."""
    run = synthetic_run()
    good = run.policies[0]
    policies = []
    for i in range(n):
        pid = f"p{i}.md"
        findings = [f.model_copy(update={"id": f"{pid}::{f.check_id}"}) for f in good.findings]
        policies.append(good.model_copy(update={"id": pid, "findings": findings}))
    return run.model_copy(update={"policies": policies})


def test_plan_parts_respects_rows_and_links(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_report, "MAX_SHEET_ROWS", 4)
    monkeypatch.setattr(xlsx_report, "MAX_SHEET_LINKS", 3)
    assert plan_parts("T", [0] * 7, top=1) == [
        Part("T", 0, 3),
        Part("T (2)", 3, 6),
        Part("T (3)", 6, 7),
    ]
    assert plan_parts("T", [2, 1, 1, 0, 3], top=1) == [
        Part("T", 0, 2),
        Part("T (2)", 2, 4),
        Part("T (3)", 4, 5),
    ]
    assert plan_parts("T", [], top=1) == [Part("T", 0, 0)]


def test_row_limit_splits_findings_evidence_and_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_report, "MAX_SHEET_ROWS", 10)
    path = tmp_path / "s.xlsx"
    write_xlsx(many_policies(5), path)
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "Summary",
        "Summary (2)",
        "Summary (3)",
        "Findings",
        "Findings (2)",
        "Evidence",
        "Evidence (2)",
        "Checklist",
        "Policies",
        "Run",
    ]
    assert [wb[n].max_row for n in ("Findings", "Findings (2)")] == [10, 2]
    ids = [c.value for n in ("Findings", "Findings (2)") for c in wb[n]["T"][1:]]
    assert ids == [f"p{i}.md::{c}" for i in range(5) for c in ("security", "contact")]
    # Every continuation sheet has the headings; links point into the right sheet.
    assert wb["Findings (2)"]["A1"].value == "Policy"
    assert wb["Summary (3)"]["A9"].value == "a.example"
    assert wb["Summary (3)"]["G9"].hyperlink.location == "'Findings (2)'!A2"
    assert wb["Findings"]["H2"].hyperlink.location == "'Evidence'!A2"
    assert wb["Findings (2)"].max_row == 2 and wb["Evidence (2)"].max_row == 2
    assert wb["Findings"]["H10"].hyperlink.location == "'Evidence'!A10"
    notes = [v for k, v in wb["Run"].iter_rows(values_only=True) if k == "Note"]
    assert notes == [
        "Summary split across 3 sheets (Summary, Summary (2), Summary (3)): Excel allows 10 "
        "rows and 65,530 links per sheet; no row was left out.",
        "Findings split across 2 sheets (Findings, Findings (2)): Excel allows 10 rows and "
        "65,530 links per sheet; no row was left out.",
        "Evidence split across 2 sheets (Evidence, Evidence (2)): Excel allows 10 rows and "
        "65,530 links per sheet; no row was left out.",
    ]


def test_link_limit_splits_sheets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_report, "MAX_SHEET_LINKS", 2)
    path = tmp_path / "s.xlsx"
    write_xlsx(many_policies(5), path)
    wb = load_workbook(path)
    findings = [n for n in wb.sheetnames if n.startswith("Findings")]
    assert findings == ["Findings", "Findings (2)", "Findings (3)"]
    assert [wb[n].max_row - 1 for n in findings] == [4, 4, 2]
    assert all(len(wb[n]._hyperlinks) <= 2 for n in wb.sheetnames)
    summaries = [n for n in wb.sheetnames if n.startswith("Summary")]
    assert len(summaries) == 5 and wb["Summary (5)"]["F9"].hyperlink.location == (
        "'Findings (3)'!A2"
    )


def test_reviews_are_read_from_every_findings_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_report, "MAX_SHEET_ROWS", 10)
    path = tmp_path / "s.xlsx"
    write_xlsx(many_policies(5), path)
    edit_findings(path, {"p4.md::contact": {"Verdict": "Not applicable"}}, sheet="Findings (2)")
    edit_findings(path, {"p0.md::security": {"Comment": "ok"}})
    reviews = {r.finding_id: r for r in read_scorecard(path)}
    assert reviews["p4.md::contact"].verdict is Verdict.NOT_APPLICABLE
    assert reviews["p0.md::security"].comment == "ok"
    assert len(reviews) == 2
