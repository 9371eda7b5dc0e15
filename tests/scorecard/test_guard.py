"""Safety: no text ever becomes a formula (workbook and CSV), illegal characters, cell limits,
sheet names."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from auditor.records import TRUNCATION_MARK
from auditor.reporters.csv_report import write_csv
from auditor.reporters.xlsx_report import excel_text, sheet_title, write_xlsx

from .conftest import audit, synthetic_run

# Quotes that a spreadsheet would run as a formula if written naively.
DANGEROUS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+2",
    "-2+3 of our partners",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1 full-width equals",
    "\uff0b1 full-width plus",
    "\uff0d1 full-width minus",
    "\uff20SUM full-width at",
    "#N/A is not an error code here",
]


@pytest.mark.parametrize("quote", DANGEROUS)
def test_workbook_writes_every_quote_as_a_string(quote: str, tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    write_xlsx(synthetic_run(quote=quote, terms=()), path)
    ws = load_workbook(path)["Findings"]
    # Exact, carriage returns included (written as character references, which XML keeps).
    assert (ws["G2"].value, ws["G2"].data_type) == (quote, "s")
    with zipfile.ZipFile(path) as z:
        assert all(b"<f>" not in z.read(n) for n in z.namelist() if n.endswith(".xml"))


@pytest.mark.parametrize("quote", DANGEROUS[:10])
def test_csv_prefixes_every_formula_start(quote: str, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    write_csv(synthetic_run(quote=quote, terms=()), path)
    with path.open(encoding="utf-8-sig", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["Finding id"] == "a.md::security")
    assert row["Evidence"] == "'" + quote


def test_a_formula_in_a_real_policy_stays_text(tmp_path: Path) -> None:
    """Through the whole pipeline: a policy sentence that starts with '='."""
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "x.md").write_text(
        "# Privacy\n\n=cmd|'/C calc'!A0 We use SSL encryption to protect your data.\n", "utf-8"
    )
    out = tmp_path / "out"
    assert audit(folder, out, "--format", "xlsx,csv").exit_code == 0
    ws = load_workbook(out / "scorecard.xlsx", rich_text=True)["Findings"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "security-disclosure")
    assert str(row[6].value).startswith("=cmd|'/C calc'!A0 We use SSL")
    assert row[6].data_type == "s" and row[6].quotePrefix
    text = (out / "findings.csv").read_text("utf-8-sig")
    assert "'=cmd|'/C calc'!A0 We use SSL encryption to protect your data." in text


def test_xml_illegal_characters_are_replaced(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    write_xlsx(
        synthetic_run(
            quote="We\x00 encrypt\x0b data\x1f and \ud800 SSL\ufffe.", terms=("encrypt",)
        ),
        path,
    )
    value = load_workbook(path)["Findings"]["G2"].value
    assert value == "We\ufffd encrypt\ufffd data\ufffd and \ufffd SSL\ufffd."


def test_cells_are_cut_at_excels_limit_with_a_visible_marker(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    write_xlsx(synthetic_run(quote="encrypt " * 5000, terms=("encrypt",)), path)
    value = load_workbook(path)["Findings"]["G2"].value
    assert isinstance(value, str) and len(value) == 32_767
    assert value == ("encrypt " * 5000)[: 32_767 - len(TRUNCATION_MARK)] + TRUNCATION_MARK


def test_the_limit_counts_utf16_units_as_excel_does() -> None:
    emoji = "\U0001f512"  # two UTF-16 units
    text = excel_text(emoji * 20_000)
    assert text.endswith(TRUNCATION_MARK)
    assert len(text.encode("utf-16-le")) // 2 <= 32_767
    assert len(text.encode("utf-16-le")) // 2 > 32_767 - len(TRUNCATION_MARK) - 2
    assert excel_text("short") == "short"
    assert excel_text("x" * 32_767) == "x" * 32_767


@pytest.mark.parametrize(
    ("name", "used", "expected"),
    [
        ("Findings", [], "Findings"),
        ("a/b:c*d?e[f]g\\h", [], "a_b_c_d_e_f_g_h"),
        ("'quoted'", [], "quoted"),
        ("History", [], "History_"),
        ("x" * 40, [], "x" * 31),
        ("Findings", ["findings"], "Findings (2)"),
        ("x" * 40, ["x" * 31], "x" * 27 + " (2)"),
        ("", [], "Sheet"),
    ],
)
def test_sheet_names_follow_excels_rules(name: str, used: list[str], expected: str) -> None:
    assert sheet_title(name, used) == expected
