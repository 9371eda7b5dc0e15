"""findings.csv: one row per finding, the shared columns, guarded against formula injection."""

from __future__ import annotations

import csv
from pathlib import Path

from auditor.models import AuditRun, PolicyResult
from auditor.records import FINDING_COLUMNS, finding_record, spreadsheet_safe
from auditor.reporters.atomic import atomic_output
from auditor.reporters.sinks import Sink, feed


def write_csv(run: AuditRun, path: Path) -> Path:
    """Write the findings as CSV (UTF-8 with BOM so spreadsheet programs detect it)."""
    return feed([csv_sink(run, path)], run.policies)[0]


def csv_sink(run: AuditRun, path: Path) -> Sink[PolicyResult, Path]:
    """write_csv as a sink: the results are sent to it one at a time (see sinks)."""
    with atomic_output(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([header for _, header in FINDING_COLUMNS])
        keys = [key for key, _ in FINDING_COLUMNS]
        while (policy := (yield)) is not None:
            for finding in policy.findings:
                record = finding_record(run, policy, finding)
                writer.writerow(
                    [
                        spreadsheet_safe(v, 2**62)
                        if isinstance(v, str)
                        else ("" if v is None else v)
                        for v in [record[key] for key in keys]
                    ]
                )
    return path
