"""Twelfth session's report fast paths, each against the plain code it replaced.

* `CsvLines` looks a row's known texts up in one pass and calls `_field` only for the others:
  every row must be the fields `_field` writes one by one (the plain way), on every finding
  record of the real corpus, with a full table, an emptied one, and values the table never
  holds (str subclasses equal to a kept text, unhashable values, numbers, None).
* `format_extracted` and `format_near_misses` answer "" at once when there is nothing to
  format: the same text as the plain join on every finding of the real corpus.
"""

from __future__ import annotations

import enum
from typing import Any

from auditor.models import AuditRun, NearMiss
from auditor.records import (
    FINDING_COLUMNS,
    finding_record,
    format_extracted,
    format_near_misses,
)
from auditor.reporters.csv_report import CsvLines


def _plain_row(lines: CsvLines, values: list[Any]) -> str:
    """CsvLines's row as it was written before: one `_field` call per value."""
    line = ",".join(map(lines._field, values))
    if not line and values:
        line = '""'
    return line + "\r\n"


def test_csv_rows_of_the_real_corpus(real_run: AuditRun) -> None:
    keys = [key for key, _ in FINDING_COLUMNS]
    fast, tiny, plain = CsvLines(), CsvLines(kept=1), CsvLines()
    rows = 0
    for _ in range(2):  # the second time round, the table holds the texts
        for policy in real_run.policies:
            for finding in policy.findings:
                record = finding_record(real_run, policy, finding)
                values = [record[key] for key in keys]
                expected = _plain_row(plain, values)
                assert fast(values) == tiny(values) == expected, values
                rows += 1
    assert rows > 1500


class _Word(str, enum.Enum):
    PASS = "PASS"
    FORMULA = "=1+2"


def test_csv_values_the_table_never_holds() -> None:
    lines, plain = CsvLines(), CsvLines()
    kept = ["PASS", "=1+2", "a,b", "", '"q"', "1", "None"]
    lines(kept)  # the table now holds these texts
    rows: list[list[Any]] = [
        [_Word.PASS, _Word.FORMULA, "PASS", 1, None, 1.5, True, "1"],
        [None],
        [""],
        [],
        [["a", "b"], "PASS"],  # unhashable: the plain way, field by field
        [("a,b",), "a,b", 0, -3, 10**20],
    ]
    for values in rows:
        assert lines(values) == _plain_row(plain, values), values


def test_empty_extracted_and_near_misses(real_run: AuditRun) -> None:
    empty = both = 0
    for policy in real_run.policies:
        for finding in policy.findings:
            extracted, near = finding.extracted, finding.near_misses
            plain_extracted = "; ".join(
                f"{k}=" + (", ".join(str(x) for x in v) if isinstance(v, list) else str(v))
                for k, v in extracted.items()
                if v is not None and v != []
            )
            assert format_extracted(extracted) == plain_extracted
            plain_near = "\n".join(f"line {n.line}: {n.quote} — {n.reason}" for n in near)
            assert format_near_misses(near) == plain_near
            empty += not extracted and not near
            both += bool(extracted) and bool(near)
    assert empty > 100 and both > 10
    assert format_extracted({}) == "" and format_near_misses([]) == ""
    miss = NearMiss(quote="q", line=2, section=[], start=0, end=1, reason="r")
    assert format_near_misses([miss]) == "line 2: q — r"
