"""Shared helpers: real audits through the CLI, a hand-built run, reading and editing cells."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from auditor.cli import cli
from auditor.models import (
    AuditRun,
    CheckInfo,
    ChecklistInfo,
    Evidence,
    Finding,
    NearMiss,
    PolicyResult,
    Severity,
    Status,
)

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "checklists" / "baseline.yaml"
SAMPLES = sorted((ROOT / "policies").glob("*.md"))


def audit(policies: Path, out: Path, *extra: str) -> Result:
    """`auditor audit` on a folder, the baseline checklist, through click's runner."""
    return CliRunner().invoke(
        cli,
        [
            "audit",
            str(policies),
            "--checklist",
            str(BASELINE),
            "--out",
            str(out),
            "--quiet",
            "--jobs",
            "1",
            *extra,
        ],
    )


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    """A copy of the five sample policies."""
    folder = tmp_path / "policies"
    folder.mkdir()
    for path in SAMPLES:
        shutil.copy(path, folder / path.name)
    return folder


def sheet_rows(path: Path, sheet: str = "Findings") -> dict[str, dict[str, Any]]:
    """A Findings-like sheet as {finding id: {header: value}}."""
    wb = load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    rows = {}
    for row in ws.iter_rows(min_row=2, values_only=True):
        record = dict(zip(header, row, strict=True))
        rows[record["Finding id"]] = record
    return rows


def edit_findings(path: Path, edits: dict[str, dict[str, Any]], sheet: str = "Findings") -> None:
    """Type values into the scorecard as a reviewer would, then save it."""
    wb = load_workbook(path, rich_text=True)
    ws = wb[sheet]
    column = {c.value: c.column for c in ws[1]}
    found = set()
    for row in range(2, ws.max_row + 1):
        finding_id = ws.cell(row, column["Finding id"]).value
        for header, value in edits.get(finding_id, {}).items():
            ws.cell(row, column[header]).value = value
            found.add(finding_id)
    assert found == set(edits), f"not in the sheet: {set(edits) - found}"
    wb.save(path)


def synthetic_run(
    quote: str = "We encrypt your data with SSL and firewalls.",
    terms: tuple[str, ...] = ("encrypt", "SSL", "firewalls"),
) -> AuditRun:
    """A small run built by hand: two policies (one unreadable), two checks, every status."""
    checks = [
        CheckInfo(
            id="security",
            title="Security disclosure",
            description="How data is kept.",
            regulation="GDPR Art. 32",
            severity=Severity.MEDIUM,
            weight=1,
            rules=["measures [pattern] any('encrypt', 'SSL')", "commitment [pattern] x"],
            status_logic="PASS if measures; otherwise FAIL",
        ),
        CheckInfo(
            id="contact",
            title="Contact address",
            severity=Severity.HIGH,
            weight=2,
            rules=["email [extract] email"],
            status_logic="PASS if email; REVIEW if phone; otherwise FAIL",
        ),
    ]
    good = PolicyResult(
        id="a.md",
        path="policies/a.md",
        sha256="a" * 64,
        format="md",
        size=120,
        words=20,
        sections=2,
        title="A Corp Privacy",
        score=0.3333,
        metadata={
            "site": "a.example",
            "archived": "2010-01-02",
            "source_url": "https://web.archive.org/a",
        },
        warnings=["stray NUL bytes replaced"],
        findings=[
            Finding(
                id="a.md::security",
                check_id="security",
                status=Status.PASS,
                decided_by="pass: measures",
                evidence=[
                    Evidence(
                        quote=quote,
                        line=3,
                        section=["Privacy", "Security"],
                        start=10,
                        end=10 + len(quote),
                        terms=list(terms),
                        rule="measures",
                    ),
                    Evidence(
                        quote="Servers sit behind firewalls.",
                        line=9,
                        section=["Privacy"],
                        start=200,
                        end=229,
                        terms=["firewalls"],
                        rule="measures",
                    ),
                ],
                extracted={},
            ),
            Finding(
                id="a.md::contact",
                check_id="contact",
                status=Status.FAIL,
                decided_by="fail: neither pass (email) nor review (phone) held",
                extracted={"email": [], "date": "2009-12-01"},
                near_misses=[
                    NearMiss(
                        quote="Write to us.",
                        line=7,
                        section=["Privacy"],
                        start=150,
                        end=162,
                        reason="matched contact-us but not email",
                    )
                ],
            ),
        ],
    )
    bad = PolicyResult(
        id="b.md",
        path="policies/b.md",
        sha256="",
        format="md",
        error="not UTF-8",
        score=None,
        findings=[
            Finding(
                id=f"b.md::{c.id}",
                check_id=c.id,
                status=Status.ERROR,
                decided_by="error",
                reason="not UTF-8",
            )
            for c in checks
        ],
    )
    return AuditRun(
        tool_name="auditor",
        tool_version="0.1.0",
        checklist=ChecklistInfo(
            id="t", title="Test checklist", version="2.0", path="t.yaml", sha256="b" * 64
        ),
        checks=checks,
        command="auditor audit policies",
        python="3.11.0",
        started_at="2024-05-01T10:00:00+00:00",
        finished_at="2024-05-01T10:00:05+00:00",
        policies=[good, bad],
    )
