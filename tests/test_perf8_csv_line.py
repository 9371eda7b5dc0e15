"""findings.csv rows are written by `CsvLines`, with the bytes the csv module wrote.

`_writerow` below is the code CsvLines replaced (csv.writer, the excel dialect, each text made
spreadsheet_safe first). Every finding record of a real-corpus audit and generated rows (quotes,
commas, line breaks, control and non-ASCII characters, numbers, None) go through both, with a
table of written texts that fills up and one that is emptied before every text.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.audit import discover, run_audit
from auditor.checklist.compiled import load_checklist
from auditor.records import FINDING_COLUMNS, finding_record, spreadsheet_safe
from auditor.reporters.csv_report import CsvLines

ROOT = Path(__file__).resolve().parents[1]


def _writerow(values: list[Any]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out).writerow(
        [
            spreadsheet_safe(v, 2**62) if isinstance(v, str) else ("" if v is None else v)
            for v in values
        ]
    )
    return out.getvalue()


def test_every_finding_record_of_a_real_audit() -> None:
    checklist = load_checklist(str(ROOT / "checklists" / "baseline.yaml"))
    sources = discover(
        [ROOT / "bench" / "corpus" / "md", ROOT / "bench" / "corpus" / "html", ROOT / "policies"]
    )
    run = run_audit(checklist, sources)
    keys = [key for key, _ in FINDING_COLUMNS]
    rows = quoted = 0
    lines, tiny = CsvLines(), CsvLines(kept=0)
    headers = [h for _, h in FINDING_COLUMNS]
    assert lines(headers) == tiny(headers) == _writerow(headers)
    for policy in run.policies:
        for finding in policy.findings:
            record = finding_record(run, policy, finding)
            values = [record[key] for key in keys]
            line = lines(values)
            assert line == tiny(values) == _writerow(values), values
            rows += 1
            quoted += line.count('"') > 0
    assert rows > 800 and quoted > 700  # real rows, many of them with quoted fields


def test_examples() -> None:
    for values in (
        [],
        [""],
        [None],
        ["", ""],
        ['say "hi"', "a,b", "x\ny", "x\ry", "=1+2", "\x00\x1f", "\u2028\x85", 1, 2.5, True],
        ['"', ",", "\r\n", " lead", "trail ", "-1", 0, -3, 1e-05, float("inf")],
    ):
        assert CsvLines()(values) == _writerow(values), values
    assert CsvLines()([""]) == '""\r\n' and CsvLines()(["a", ""]) == "a,\r\n"


_VALUE = st.one_of(
    st.text(alphabet=st.sampled_from(list('ab ,"\r\n\t\x00\x0b\x1f=+-@\u2028\x85é😀\ud800'))),
    st.text(),
    st.none(),
    st.integers(),
    st.floats(),
    st.booleans(),
)


_LINES = CsvLines(kept=50)  # shared by the examples: texts recur, the table fills up


@given(st.lists(_VALUE, max_size=6))
@settings(max_examples=1500, deadline=None)
def test_generated_rows(values: list[Any]) -> None:
    assert _LINES(values) == _writerow(values)
