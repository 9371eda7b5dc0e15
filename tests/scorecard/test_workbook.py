"""The scorecard's sheets, opened with openpyxl: layout, rich text, dropdown, colours, links."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText

from auditor.reporters.xlsx_report import write_xlsx

from .conftest import audit, synthetic_run

VERDICTS = '"Confirmed,False positive,False negative,Not applicable,Needs follow-up"'
FINDINGS_HEADER = [
    "Policy",
    "Check",
    "Check title",
    "Severity",
    "Machine status",
    "Final status",
    "Evidence",
    "Evidence count",
    "Line",
    "Section",
    "Extracted",
    "Decided by",
    "Near misses",
    "Error",
    "Verdict",
    "Comment",
    "Reviewer",
    "Reviewed on",
    "Review state",
    "Finding id",
    "Evidence fingerprint",
    "Reviewed fingerprint",
]
# (value, fill, font colour) of each conditional format rule on status cells, in order.
STATUS_RULES = [
    ('"PASS"', "00C6EFCE", "00006100"),
    ('"FAIL"', "00FFC7CE", "009C0006"),
    ('"REVIEW"', "00FFEB9C", "009C5700"),
    ('"ERROR"', "00D9D9D9", "003F3F3F"),
    ('"N/A"', "00F2F2F2", "007F7F7F"),
]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("syn") / "scorecard.xlsx"
    write_xlsx(synthetic_run(), path)
    return path


def rules(ws, ref: str) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    for cf in ws.conditional_formatting:
        if str(cf.sqref) == ref:
            return [(r.formula[0], r.dxf.fill.bgColor.rgb, r.dxf.font.color.rgb) for r in cf.rules]
    raise AssertionError(f"no conditional format on {ref}")


def test_sheets_in_reading_order(book: Path) -> None:
    assert load_workbook(book).sheetnames == [
        "Summary",
        "Findings",
        "Evidence",
        "Checklist",
        "Policies",
        "Run",
    ]


def test_summary_header_block_pass_rates_and_policy_rows(book: Path) -> None:
    ws = load_workbook(book)["Summary"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[:8] == [
        ("Test checklist", None, None, None, None, None, None),
        ("Checklist version", "2.0 (t)", None, None, None, None, None),
        ("Audit date", "2024-05-01 10:00 UTC", None, None, None, None, None),
        ("Policies", 2, None, None, None, None, None),
        ("Overall pass rate", 0.5, None, None, None, None, None),
        (
            "Reviews",
            "0 findings reviewed (0 stale), 0 orphaned; the statuses below include verdicts",
            None,
            None,
            None,
            None,
            None,
        ),
        ("Pass rate per check", None, None, None, None, 1, 0),
        (
            "Policy",
            "File",
            "Archived",
            "Effective",
            "Score",
            "Security disclosure",
            "Contact address",
        ),
    ]
    assert rows[8:] == [
        ("a.example", "policies/a.md", "2010-01-02", "2009-12-01", 0.3333, "PASS", "FAIL"),
        ("b.md", "policies/b.md", None, None, None, "ERROR", "ERROR"),
    ]
    assert ws["B5"].number_format == "0%" and ws["E9"].number_format == "0%"
    assert ws["F7"].number_format == "0%"


def test_summary_view_filter_and_print_setup(book: Path) -> None:
    ws = load_workbook(book)["Summary"]
    assert ws.freeze_panes == "B9"
    assert ws.auto_filter.ref == "A8:G10"
    assert ws.print_title_rows == "$8:$8"
    setup = ws.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert [ws.column_dimensions[c].width for c in "ABCDEFG"] == [20, 15, 11, 11, 8, 13, 13]


def test_summary_status_cells_link_to_their_findings_row(book: Path) -> None:
    wb = load_workbook(book)
    ws, findings = wb["Summary"], wb["Findings"]
    links = {
        cell.coordinate: (cell.hyperlink.location, cell.hyperlink.target)
        for row in ws["F9:G10"]
        for cell in row
    }
    assert links == {
        "F9": ("'Findings'!A2", None),
        "G9": ("'Findings'!A3", None),
        "F10": ("'Findings'!A4", None),
        "G10": ("'Findings'!A5", None),
    }
    assert [findings[f"T{n}"].value for n in range(2, 6)] == [
        "a.md::security",
        "a.md::contact",
        "b.md::security",
        "b.md::contact",
    ]
    # Internal links only: no hyperlink relationship, so nothing points outside the file.
    with zipfile.ZipFile(book) as z:
        rels = [n for n in z.namelist() if "worksheets/_rels" in n]
        assert all("TargetMode" not in z.read(n).decode() for n in rels)


def test_status_colours_are_conditional_formats(book: Path) -> None:
    wb = load_workbook(book)
    assert rules(wb["Summary"], "F9:G10") == STATUS_RULES
    assert rules(wb["Findings"], "E2:E5") == STATUS_RULES
    assert rules(wb["Findings"], "F2:F5") == STATUS_RULES
    assert rules(wb["Findings"], "S2:S5") == [('"stale"', "00FFEB9C", "009C5700")]
    cf = next(iter(wb["Summary"].conditional_formatting)).rules
    assert [(r.type, r.operator, r.priority) for r in cf] == [
        ("cellIs", "equal", n) for n in range(1, 6)
    ]


def test_findings_columns_rows_and_hidden_ids(book: Path) -> None:
    ws = load_workbook(book)["Findings"]
    assert [c.value for c in ws[1]] == FINDINGS_HEADER
    assert [ws.column_dimensions[c].hidden for c in ("S", "T", "U", "V")] == [
        False,
        True,
        True,
        True,
    ]
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref == "A1:V5"
    assert ws.page_setup.fitToWidth == 2 and ws.page_setup.pageOrder == "overThenDown"
    row = [c.value for c in ws[3]]
    assert row == [
        "a.md",
        "contact",
        "Contact address",
        "high",
        "FAIL",
        "FAIL",
        None,
        None,
        None,
        None,
        "date=2009-12-01",
        "fail: neither pass (email) nor review (phone) held",
        "line 7: Write to us. — matched contact-us but not email",
        None,
        None,
        None,
        None,
        None,
        None,
        "a.md::contact",
        "c062c9ccd9d9339a",
        None,
    ]
    assert [c.value for c in ws[4]][13] == "not UTF-8"


def test_evidence_is_rich_text_with_matched_words_in_bold_colour(book: Path) -> None:
    ws = load_workbook(book, rich_text=True)["Findings"]
    value = ws["G2"].value
    assert isinstance(value, CellRichText)
    runs = [(b.text, b.font.b, b.font.color.rgb if b.font.color else None) for b in value]
    assert runs == [
        ("We ", False, None),
        ("encrypt", True, "001F4E79"),
        (" your data with ", False, None),
        ("SSL", True, "001F4E79"),
        (" and ", False, None),
        ("firewalls", True, "001F4E79"),
        (".", False, None),
    ]
    assert {b.font.rFont for b in value} == {"Arial"}


def test_terms_match_across_line_breaks_and_case() -> None:
    from auditor.reporters.xlsx_report import _rich_evidence

    value = _rich_evidence("Contact Us\nby e-mail at a@b.c", ["contact us", "a@b.c"])
    assert value == [
        ("Contact Us", True),
        ("\nby e-mail at ", False),
        ("a@b.c", True),
    ]
    assert _rich_evidence("No match here.", ["absent"]) == "No match here."


def test_more_evidence_links_to_the_evidence_sheet(book: Path) -> None:
    wb = load_workbook(book)
    cell = wb["Findings"]["H2"]
    assert (cell.value, cell.hyperlink.location) == (2, "'Evidence'!A2")
    assert wb["Findings"]["H3"].hyperlink is None
    rows = list(wb["Evidence"].iter_rows(values_only=True))
    assert rows[0] == (
        "Finding id",
        "Policy",
        "Check",
        "Rank",
        "Evidence",
        "Line",
        "Section",
        "Start",
        "End",
        "Matched terms",
        "Rule",
    )
    assert rows[2] == (
        "a.md::security",
        "a.md",
        "security",
        2,
        "Servers sit behind firewalls.",
        9,
        "Privacy",
        200,
        229,
        "firewalls",
        "measures",
    )
    assert len(rows) == 3


def test_verdict_dropdown(book: Path) -> None:
    ws = load_workbook(book)["Findings"]
    (dv,) = ws.data_validations.dataValidation
    assert (dv.type, dv.formula1, str(dv.sqref)) == ("list", VERDICTS, "O2:O5")
    assert (dv.allow_blank, dv.showDropDown, dv.showErrorMessage, dv.errorStyle) == (
        True,
        False,
        True,
        "stop",
    )


def test_checklist_policies_and_run_sheets(book: Path) -> None:
    wb = load_workbook(book)
    assert list(wb["Checklist"].iter_rows(values_only=True)) == [
        (
            "Check",
            "Title",
            "Description",
            "Regulation",
            "Severity",
            "Weight",
            "Rules",
            "Status logic",
        ),
        (
            "security",
            "Security disclosure",
            "How data is kept.",
            "GDPR Art. 32",
            "medium",
            1,
            "measures [pattern] any('encrypt', 'SSL')\ncommitment [pattern] x",
            "PASS if measures; otherwise FAIL",
        ),
        (
            "contact",
            "Contact address",
            None,
            None,
            "high",
            2,
            "email [extract] email",
            "PASS if email; REVIEW if phone; otherwise FAIL",
        ),
    ]
    assert list(wb["Policies"].iter_rows(values_only=True))[1] == (
        "a.md",
        "policies/a.md",
        "a" * 64,
        "md",
        120,
        20,
        2,
        "A Corp Privacy",
        "https://web.archive.org/a",
        "2010-01-02",
        "stray NUL bytes replaced",
        None,
        0.3333,
        0.3333,
    )
    run = dict(list(wb["Run"].iter_rows(values_only=True))[1:])
    assert run == {
        "Tool": "auditor 0.1.0",
        "Checklist": "Test checklist (t 2.0)",
        "Checklist file": "t.yaml",
        "Checklist SHA-256": "b" * 64,
        "Review credit": 0.5,
        "Command": "auditor audit policies",
        "Started (UTC)": "2024-05-01T10:00:00+00:00",
        "Finished (UTC)": "2024-05-01T10:00:05+00:00",
        "Python": "3.11.0",
        "Policies": 2,
        "Findings": 4,
        "Machine PASS": 1,
        "Machine FAIL": 1,
        "Machine REVIEW": 0,
        "Machine ERROR": 2,
        "Final PASS": 1,
        "Final FAIL": 1,
        "Final REVIEW": 0,
        "Final ERROR": 2,
        "Final N/A": 0,
        "Reviews carried": 0,
        "Reviews stale": 0,
        "Reviews orphaned": 0,
    }


def test_text_cells_are_quote_prefixed_text_format(book: Path) -> None:
    """So what a reviewer types later stays text too: quotePrefix and the "@" format."""
    with zipfile.ZipFile(book) as z:
        styles = z.read("xl/styles.xml").decode()
        sheet = z.read("xl/worksheets/sheet2.xml").decode()
    xfs = re.findall(r"<xf [^>]*>", styles.split("<cellXfs")[1].split("</cellXfs>")[0])
    for ref in ("A2", "G2", "O2", "P2", "Q2", "T2"):  # policy, evidence, reviewer columns, id
        style = int(re.search(rf'<c r="{ref}" s="(\d+)"', sheet).group(1))  # type: ignore[union-attr]
        assert 'quotePrefix="1"' in xfs[style] and 'numFmtId="49"' in xfs[style], ref
    # The reviewed-on column is a date column; it is not quote-prefixed.
    style = int(re.search(r'<c r="R2" s="(\d+)"', sheet).group(1))  # type: ignore[union-attr]
    assert 'quotePrefix="0"' in xfs[style]


def test_sample_scorecard_matches_results_json(tmp_path: Path) -> None:
    """The five samples end to end: every Summary status is the JSON's final status, and
    every status cell links to the Findings row of its finding."""
    out = tmp_path / "out"
    assert audit(Path(__file__).resolve().parents[2] / "policies", out).exit_code == 0
    results = json.loads((out / "results.json").read_text("utf-8"))
    wb = load_workbook(out / "scorecard.xlsx")
    summary, findings = wb["Summary"], wb["Findings"]
    checks = [c["id"] for c in results["checks"]]
    assert summary["B4"].value == 5
    for r, policy in enumerate(results["policies"], start=9):
        assert summary.cell(r, 2).value == policy["path"]
        assert summary.cell(r, 5).value == policy["final_score"]
        for c, (check, finding) in enumerate(zip(checks, policy["findings"], strict=True), 6):
            cell = summary.cell(r, c)
            assert cell.value == finding["final_status"]
            sheet, target = cell.hyperlink.location.split("!")
            assert sheet == "'Findings'"
            assert findings[target.replace("A", "T")].value == f"{policy['id']}::{check}"
