"""The scorecard's row writer gives the XML the plain code it replaced gave.

`_Sheet.append` looks up each style's attributes once, writes cells with f-strings and calls
excel_text only on text that is not printable or may need cutting; `_rich_evidence` checks for
a cut only on text long enough to be cut. `_plain_append` below is the previous code; every row
of a real-corpus scorecard and generated rows go through both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.audit import discover, run_audit
from auditor.checklist.compiled import load_checklist
from auditor.models import AuditRun
from auditor.reporters import xlsx_report as X
from auditor.reporters.xlsx_writer import (
    Font,
    Sheet,
    empty_cell,
    excel_date,
    number_cell,
    rich_cell,
    text_cell,
)

ROOT = Path(__file__).resolve().parents[2]


def _plain_excel_text(text: str, limit: int = X.EXCEL_CELL_LIMIT) -> str:
    return X.excel_text(X._XML_ILLEGAL.sub("\ufffd", text), limit)


def _runs(runs: list[tuple[str, bool]]) -> Iterator[tuple[str, Font]]:
    for text, bold in runs:
        yield text, X.TERM_RUN if bold else X.PLAIN_RUN


def _plain_append(sheet: X._Sheet, cells: Sequence[tuple[Any, str] | None]) -> tuple[str, Any]:
    """The previous _Sheet.append: the row's XML and height."""
    book, row = sheet.book, sheet.ws.rows + 1
    ids, wrapping, letters = book.ids, book.wrapping, sheet.letters
    parts: list[str] = []
    lines = 1
    for i, cell in enumerate(cells):
        if cell is None:
            continue
        value, name = cell
        style = ids[name]
        if value is None or value == "":
            if style in book.typed_into:
                parts.append(empty_cell(f"{letters[i]}{row}", style))
            continue
        if isinstance(value, X._RichText):  # runs rendered ahead (perf9): render them here
            value = value.runs
        if type(value) is str:
            value = shown = _plain_excel_text(value)
            parts.append(text_cell(f"{letters[i]}{row}", style, value))
        elif isinstance(value, list):
            parts.append(rich_cell(f"{letters[i]}{row}", style, _runs(value)))
            shown = "".join(text for text, _ in value)
        elif isinstance(value, dt.date):
            parts.append(number_cell(f"{letters[i]}{row}", style, excel_date(value)))
            shown = ""
        else:
            parts.append(number_cell(f"{letters[i]}{row}", style, value))
            shown = str(value)
        if style in wrapping and shown:
            per_line = sheet.per_line[i]
            if "\n" in shown:
                n = sum(-(-len(par) // per_line) or 1 for par in shown.split("\n"))
            else:
                n = -(-len(shown) // per_line)
            if n > lines:
                lines = n
    return "".join(parts), None if lines == 1 else min(409.0, X.LINE_HEIGHT * lines + 2)


class _Rows:
    """Stands in for the xlsx_writer Sheet: keeps the rows."""

    def __init__(self) -> None:
        self.rows = 0
        self.written: list[tuple[str, Any]] = []

    def row(self, cells: str, height: float | None = None) -> int:
        self.rows += 1
        self.written.append((cells, height))
        return self.rows


def _both(book: X._Book, widths: Sequence[float], rows: list[Sequence[Any]]) -> None:
    sheet = X._Sheet(book, _Rows(), widths)  # type: ignore[arg-type]
    for cells in rows:
        expected = _plain_append(sheet, cells)
        sheet.append(cells)
        assert sheet.ws.written[-1] == expected, cells  # type: ignore[attr-defined]


def test_every_row_of_a_real_corpus_scorecard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checklist = load_checklist(str(ROOT / "checklists" / "baseline.yaml"))
    run: AuditRun = run_audit(
        checklist, discover([ROOT / "bench" / "corpus" / "md", ROOT / "bench" / "corpus" / "html"])
    )
    written: list[tuple[str, Any]] = []
    row, append = Sheet.row, X._Sheet.append

    def kept(self: Sheet, cells: str, height: float | None = None) -> int:
        written.append((cells, height))
        return row(self, cells, height)

    def checked(self: X._Sheet, cells: Sequence[Any]) -> int:
        expected = _plain_append(self, cells)
        number = append(self, cells)
        assert written[-1] == expected, cells
        return number

    monkeypatch.setattr(Sheet, "row", kept)
    monkeypatch.setattr(X._Sheet, "append", checked)
    X.write_xlsx(run, tmp_path / "scorecard.xlsx")
    assert len(written) > 1000


_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=" \t\n\r\x00\x0b\x1f\ud800\ufffe\uffff&<>\"'a😀é"),
    st.sampled_from(["", " x", "x ", "=1+2", "a" * 16_400, "😀" * 16_390, "\x01" * 16_400]),
)
_VALUES = st.one_of(
    _TEXT,
    st.none(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(),
    st.lists(st.tuples(_TEXT, st.booleans()), max_size=4),
)
_STYLES = st.sampled_from(sorted(X._style_specs()))
_CELLS = st.lists(st.none() | st.tuples(_VALUES, _STYLES), max_size=6)


@given(st.lists(_CELLS, min_size=1, max_size=4))
@settings(max_examples=400, deadline=None)
def test_generated_rows(rows: list[list[Any]]) -> None:
    book = X._Book(Path("."))  # opens no sheet: nothing is written
    _both(book, [8, 30, 60, 12, 9, 20], rows)


@given(_TEXT, st.lists(st.sampled_from(["a", "x y", "é", "&", "😀", "t\ne"]), max_size=3))
@settings(max_examples=400, deadline=None)
def test_rich_evidence_and_excel_text(quote: str, terms: list[str]) -> None:
    text = _plain_excel_text(quote)
    assert X.excel_text(quote) == text
    rich = X._rich_evidence(quote, terms)
    cut = text != X._XML_ILLEGAL.sub("\ufffd", quote)
    if cut or isinstance(rich, str):  # a cut text stays plain, so its marker shows
        assert rich == text
    else:
        assert "".join(part for part, _ in rich) == text
