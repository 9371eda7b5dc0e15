"""findings.csv: one row per finding, the shared columns, guarded against formula injection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from auditor.models import AuditRun, PolicyResult
from auditor.records import (
    FINDING_COLUMNS,
    Fingerprints,
    check_index,
    finding_record,
    remember,
    spreadsheet_safe,
)
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
        line = CsvLines()
        out.write(line([header for _, header in FINDING_COLUMNS]))
        keys = [key for key, _ in FINDING_COLUMNS]
        while (policy := (yield)) is not None:
            out.write("".join([line([r[key] for key in keys]) for r in records(policy)]))
    return path


class CsvLines:
    """Rows as `csv.writer(out).writerow` writes them (the excel dialect), each text made
    spreadsheet_safe first and None written empty.

    The csv module tests every character of a field twice, with a call each time (a tenth of
    the three reports' CPU); here four scans at C speed tell which of the excel dialect's
    QUOTE_MINIMAL fields need quotes: those that hold the delimiter, the quote character or a
    character of the line terminator. Most texts recur (ids, titles, statuses, sections): each
    is written once while it stays in a table of up to `kept` texts of up to 256 characters.
    """

    def __init__(self, kept: int = 8192) -> None:
        self.kept = kept
        self._texts: dict[str, str] = {}

    def __call__(self, values: list[Any]) -> str:
        """The row of `values`, with its line break."""
        # The table's texts looked up in one C pass, and only the others (new texts, numbers,
        # None) one call each: a call per field was most of a row's cost. The table holds str
        # keys only, and a value equal to one is a str (or a str subclass, written the same).
        fields: list[Any]  # str, or None until filled in below
        try:
            fields = list(map(self._texts.get, values))
        except TypeError:  # an unhashable value: never in the records
            fields = [None] * len(values)
        if None in fields:
            field = self._field
            for i, known in enumerate(fields):
                if known is None:
                    fields[i] = field(values[i])
        line = ",".join(fields)
        if not line and values:  # one empty field: quoted, or the row would read as no field
            line = '""'
        return line + "\r\n"

    def _field(self, value: Any) -> str:
        if type(value) is not str:
            return _csv_field(value)
        field = self._texts.get(value)
        if field is None:
            field = _csv_field(value)
            if len(value) <= 256:
                remember(self._texts, value, field, self.kept)
        return field


def _csv_field(value: Any) -> str:
    if isinstance(value, str):
        text = spreadsheet_safe(value, 2**62)
    elif value is None:
        return ""
    else:
        text = str(value)  # what the csv module writes for a number
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


class FindingRecords:
    """`finding_record` of each finding of the policy being written, built once for all the
    sinks of a pass that take it (the CSV and the scorecard's Findings sheet), since every
    sink is sent the same policy in turn. Holds the last policy only."""

    def __init__(self, run: AuditRun) -> None:
        self.run = run
        self._checks = check_index(run)
        self._fingerprints = Fingerprints()
        self._policy: PolicyResult | None = None
        self._records: list[dict[str, Any]] = []

    def __call__(self, policy: PolicyResult) -> list[dict[str, Any]]:
        """The records of `policy`'s findings, in order (not to be changed: they are shared)."""
        if policy is not self._policy:  # a reference is held, so `is` cannot mistake a copy
            self._records = [
                finding_record(self.run, policy, f, self._checks, self._fingerprints)
                for f in policy.findings
            ]
            self._policy = policy
        return self._records
