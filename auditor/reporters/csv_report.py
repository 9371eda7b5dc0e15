"""findings.csv: one row per finding, the shared columns, guarded against formula injection."""

from __future__ import annotations

import csv
from pathlib import Path

from auditor.models import AuditRun
from auditor.records import FINDING_COLUMNS, finding_records, spreadsheet_safe
from auditor.reporters.atomic import atomic_output


def write_csv(run: AuditRun, path: Path) -> Path:
    """Write the findings as CSV (UTF-8 with BOM so spreadsheet programs detect it)."""
    with atomic_output(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([header for _, header in FINDING_COLUMNS])
        keys = [key for key, _ in FINDING_COLUMNS]
        for record in finding_records(run):
            writer.writerow(
                [
                    spreadsheet_safe(v, 2**62) if isinstance(v, str) else ("" if v is None else v)
                    for v in [record[key] for key in keys]
                ]
            )
    return path
