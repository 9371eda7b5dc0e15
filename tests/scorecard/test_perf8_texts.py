"""The scorecard's table of rendered texts (`_Book.texts`) changes no byte of the workbook.

`_Sheet.append` renders each text once while it stays in the table, which is emptied when
full; tests/scorecard/test_perf4_reports_xlsx.py compares every row with the plain row writer.
Here the whole workbook of a real-corpus audit is written with a table that is emptied every
seven texts and before every text, and every part compared with the default's.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from auditor.audit import discover, run_audit
from auditor.checklist.compiled import load_checklist
from auditor.reporters import xlsx_report as X

ROOT = Path(__file__).resolve().parents[2]


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_any_table_size_gives_the_same_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checklist = load_checklist(str(ROOT / "checklists" / "baseline.yaml"))
    sources = discover([ROOT / "bench" / "corpus" / "md", ROOT / "policies"])
    run = run_audit(checklist, sources)
    expected = _parts(X.write_xlsx(run, tmp_path / "default.xlsx"))
    assert len(expected) > 10 and len(run.policies) > 100
    for kept in (7, 0):
        monkeypatch.setattr(X, "TEXTS_KEPT", kept)
        assert _parts(X.write_xlsx(run, tmp_path / f"{kept}.xlsx")) == expected, kept
