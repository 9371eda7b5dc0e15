"""The scorecard reader (auditor/xlsx_read.py) gives exactly what openpyxl's read-only mode gave:
on scorecards with reviews typed in through openpyxl, re-saved by LibreOffice (shared strings,
dates, formulas, rich text), and with markup that forces the element-by-element parse."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from auditor import reviews
from auditor.models import Review
from auditor.reviews import ReviewFileError, read_scorecard
from auditor.xlsx_read import Workbook

from .conftest import audit, edit_findings, sheet_rows

SMITH = "smithmicro.com_2010-12-29.md"
STRONG = "strongmail.com_2007-12-26.md"
EMAIL = "emailcenterpro.com_2010-12-30.md"

# What a reviewer may type, one finding each: every cell type a spreadsheet program writes.
EDITS: dict[str, dict[str, Any]] = {
    f"{SMITH}::security-disclosure": {
        "Verdict": "Confirmed",
        "Comment": "  spaces kept  ",
        "Reviewer": "ana",
        "Reviewed on": dt.date(2024, 5, 1),
    },
    f"{SMITH}::contact-address": {
        "Verdict": " false-positive ",
        "Comment": "=1+2",  # a formula: read as its text
        "Reviewed on": dt.datetime(2024, 5, 2, 13, 45),
    },
    f"{EMAIL}::coppa-age-statement": {
        "Verdict": "Probably fine",  # not a verdict: moves into the comment
        "Comment": CellRichText("see ", TextBlock(InlineFont(b=True), "page 2"), " too"),
        "Reviewer": 42,
        "Reviewed on": 45123.5,
    },
    f"{EMAIL}::opt-out-mechanism": {"Comment": True, "Reviewed on": "yesterday"},
    f"{STRONG}::last-updated-date": {
        "Verdict": "Not applicable",
        "Review state": "stale",
        "Reviewed fingerprint": "0123456789abcdef",
    },
    f"{STRONG}::opt-out-mechanism": {"Reviewer": "x005F_bob", "Comment": 'ü & <tag> "q"'},
}


def reference_reviews(path: Path) -> list[Review]:
    """The reviews as the openpyxl reader read them (read-only, formulas as text)."""
    wb = load_workbook(path, read_only=True, data_only=False, rich_text=False)
    try:
        found: list[Review] = []
        seen: set[str] = set()
        columns = {k: reviews.FINDINGS_HEADERS[k] for k in reviews.FINDINGS_HEADERS}
        for name in reviews._findings_sheets(wb.sheetnames):
            for cells in _reference_rows(wb[name], columns):
                if reviews._text(cells.get("review_state")).casefold().startswith("stale"):
                    cells["fingerprint"] = cells.get("reviewed_fingerprint")
                review = reviews._row_review(cells, name)
                if review is not None:
                    assert review.finding_id not in seen
                    seen.add(review.finding_id)
                    found.append(review)
        if reviews.ORPHANS_SHEET in wb.sheetnames:
            ws = wb[reviews.ORPHANS_SHEET]
            for cells in _reference_rows(ws, dict(reviews.ORPHAN_COLUMNS)):
                review = reviews._row_review(cells, "orphans")
                if review is not None and review.finding_id not in seen:
                    seen.add(review.finding_id)
                    found.append(review)
        return found
    finally:
        wb.close()


def _reference_rows(ws: Any, columns: dict[str, str]) -> list[dict[str, Any]]:
    ws.reset_dimensions()
    rows = ws.iter_rows(values_only=True)
    index = {reviews._text(h): i for i, h in enumerate(next(rows, ())) if h is not None}
    wanted = {key: index[h] for key, h in columns.items() if h in index}
    return [{k: row[i] if i < len(row) else None for k, i in wanted.items()} for row in rows]


def assert_same_as_openpyxl(path: Path) -> list[Review]:
    """The reviews and, cell by cell, every sheet's values agree with openpyxl's."""
    expected = reference_reviews(path)
    assert read_scorecard(path) == expected
    ref = load_workbook(path, read_only=True, data_only=False, rich_text=False)
    wb = Workbook(path)
    try:
        assert wb.sheetnames == ref.sheetnames
        for name in ["Findings", "Orphaned reviews"]:
            if name not in ref.sheetnames:
                continue
            ws = ref[name]
            ws.reset_dimensions()
            want = {
                n: [str(v) if _is_formula_object(v) else v for v in row]
                for n, row in enumerate(ws.iter_rows(values_only=True), start=1)
                if any(v is not None for v in row)
            }
            # Every row, element by element; then the byte scan asked for every column.
            assert {n: v for n, v in wb.rows(name) if any(x is not None for x in v)} == want
            scanned = dict(wb.rows(name, range(1, 30)))
            assert {n: scanned[n] for n in want} == want
    finally:
        wb.close()
        ref.close()
    return expected


def _is_formula_object(value: Any) -> bool:
    return type(value).__name__ in ("ArrayFormula", "DataTableFormula")


@pytest.fixture
def reviewed_card(policies: Path, tmp_path: Path) -> Path:
    """A scorecard with EDITS typed in, re-audited once with a policy removed (orphans)."""
    out = tmp_path / "out"
    assert audit(policies, out).exit_code == 0
    card = out / "scorecard.xlsx"
    edit_findings(card, EDITS)
    assert audit(policies, out).exit_code == 0
    # Type them again over what the audit normalised, so raw cell types reach the reader.
    edit_findings(card, {k: v for k, v in EDITS.items() if not k.startswith(STRONG)})
    shutil.move(policies / STRONG, tmp_path / STRONG)
    return card


def test_reviews_typed_through_openpyxl_read_the_same(reviewed_card: Path) -> None:
    got = assert_same_as_openpyxl(reviewed_card)
    by_id = {r.finding_id: r for r in got}
    assert by_id[f"{SMITH}::contact-address"].comment == "=1+2"
    assert by_id[f"{SMITH}::security-disclosure"].reviewed_on == "2024-05-01"
    assert by_id[f"{SMITH}::contact-address"].reviewed_on == "2024-05-02T13:45:00"
    assert by_id[f"{EMAIL}::coppa-age-statement"].comment == (
        "[verdict 'Probably fine' not recognised] see page 2 too"
    )


def test_orphaned_reviews_read_the_same(reviewed_card: Path, policies: Path) -> None:
    assert audit(policies, reviewed_card.parent).exit_code == 0
    assert "Orphaned reviews" in load_workbook(reviewed_card, read_only=True).sheetnames
    got = assert_same_as_openpyxl(reviewed_card)
    assert f"{STRONG}::last-updated-date" in {r.finding_id for r in got}


def _libreoffice(card: Path, tmp_path: Path) -> Path:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path / "lo"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx"]
        + ["--outdir", str(out), str(card)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out / card.name


def test_a_scorecard_saved_by_libreoffice_reads_the_same(
    reviewed_card: Path, tmp_path: Path
) -> None:
    saved = _libreoffice(reviewed_card, tmp_path)
    with zipfile.ZipFile(saved) as z:
        assert "xl/sharedStrings.xml" in z.namelist()  # the case this test is for
    got = assert_same_as_openpyxl(saved)
    assert len(got) == len(reference_reviews(reviewed_card)) > 0


def _rewrite_sheet(card: Path, change: Any, sheet: str = "xl/worksheets/sheet2.xml") -> None:
    """Rewrite one part of the workbook in place."""
    with zipfile.ZipFile(card) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts[sheet] = change(parts[sheet])
    with zipfile.ZipFile(card, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


@pytest.mark.parametrize(
    "change",
    [
        # cells without `r` follow the previous cell (O, P, Q, R are always written):
        # the element-by-element parse
        lambda x: re.sub(rb'(<c) r="[PQR][0-9]+"', rb"\1", x),
        # a comment late in the sheet: the scan gives up halfway, the parse goes on
        lambda x: x.replace(b"</sheetData>", b"<!-- end --></sheetData>"),
        # a prefixed namespace
        lambda x: re.sub(rb"<(/?)(worksheet|sheetData|row|c|v|f|is|t)\b", rb"<\1x:\2", x).replace(
            b'xmlns="', b'xmlns:x="'
        ),
    ],
    ids=["no-refs", "comment", "prefix"],
)
def test_unusual_markup_reads_the_same(reviewed_card: Path, change: Any) -> None:
    _rewrite_sheet(reviewed_card, change)
    assert len(assert_same_as_openpyxl(reviewed_card)) == len(EDITS)


def test_a_duplicate_row_found_by_the_scan_names_both_rows(reviewed_card: Path) -> None:
    rows = sheet_rows(reviewed_card)
    assert rows  # the same finding id typed into a second reviewed row
    first = f"{SMITH}::security-disclosure"
    edit_findings(reviewed_card, {f"{SMITH}::contact-address": {"Finding id": first}})
    with pytest.raises(ReviewFileError, match=r"row \d+: finding .* appears twice \(first at"):
        read_scorecard(reviewed_card)


def test_a_damaged_sheet_is_one_line_not_a_traceback(reviewed_card: Path) -> None:
    _rewrite_sheet(reviewed_card, lambda x: x.replace(b"<v>", b"<v", 1))
    with pytest.raises(ReviewFileError, match=r"cannot read reviews: ParseError: "):
        read_scorecard(reviewed_card)
