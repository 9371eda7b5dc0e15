"""findings.csv: one row per finding, the shared columns, guarded against formula injection."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from auditor.models import AuditRun, PolicyResult
from auditor.records import FINDING_COLUMNS, finding_record, spreadsheet_safe
from auditor.reporters.atomic import atomic_output
from auditor.reporters.sinks import Sink, feed


def write_csv(run: AuditRun, path: Path) -> Path:
    """Write the findings as CSV (UTF-8 with BOM so spreadsheet programs detect it)."""
    return feed([csv_sink(run, path)], run.policies)[0]


def csv_sink(
    run: AuditRun, path: Path, records: FindingRecords | None = None
) -> Sink[PolicyResult, Path]:
    """write_csv as a sink: the results are sent to it one at a time (see sinks); `records`
    may be shared with other sinks of the same pass."""
    if records is None:
        records = FindingRecords(run)
    with atomic_output(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([header for _, header in FINDING_COLUMNS])
        keys = [key for key, _ in FINDING_COLUMNS]
        while (policy := (yield)) is not None:
            for record in records(policy):
                writer.writerow(
                    [
                        spreadsheet_safe(v, 2**62)
                        if isinstance(v, str)
                        else ("" if v is None else v)
                        for v in [record[key] for key in keys]
                    ]
                )
    return path


class FindingRecords:
    """`finding_record` of each finding of the policy being written, built once for all the
    sinks of a pass that take it (the CSV and the scorecard's Findings sheet), since every
    sink is sent the same policy in turn. Holds the last policy only."""

    def __init__(self, run: AuditRun) -> None:
        self.run = run
        self._policy: PolicyResult | None = None
        self._records: list[dict[str, Any]] = []

    def __call__(self, policy: PolicyResult) -> list[dict[str, Any]]:
        """The records of `policy`'s findings, in order (not to be changed: they are shared)."""
        if policy is not self._policy:  # a reference is held, so `is` cannot mistake a copy
            self._records = [finding_record(self.run, policy, f) for f in policy.findings]
            self._policy = policy
        return self._records
