"""scorecard.xlsx: the workbook reviewers open, built from the shared record layer.

Sheets: Summary, Findings, Evidence, Checklist, Policies, Run and, when there are any, Orphaned
reviews. The writer only reads the AuditRun (reviews already attached by auditor.reviews); the
columns the review reader relies on are named in auditor.reviews.

Everything is written in openpyxl's write-only mode, so memory stays flat on large audits. In
openpyxl 3.1.5 that mode supports all we need as long as sheet-level settings (widths, hidden
columns, freeze panes) are made before the first row is appended and tail settings (auto filter,
conditional formats, data validation, print set-up) before saving; internal links are
`Hyperlink(location=...)`, which Excel and LibreOffice follow inside the file.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# openpyxl ships no type hints (types-openpyxl is not a dev dependency).
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.cell.rich_text import CellRichText, TextBlock  # type: ignore[import-untyped]
from openpyxl.cell.text import InlineFont  # type: ignore[import-untyped]
from openpyxl.formatting.rule import Rule  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]
from openpyxl.styles.differential import DifferentialStyle  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]
from openpyxl.worksheet.hyperlink import Hyperlink  # type: ignore[import-untyped]

from auditor.models import AuditRun, Finding, PolicyResult, Status, Verdict
from auditor.records import (
    CHECK_COLUMNS,
    EVIDENCE_COLUMNS,
    EXCEL_CELL_LIMIT,
    FINAL_STATUSES,
    POLICY_COLUMNS,
    REVIEW_STALE,
    TRUNCATION_MARK,
    check_records,
    effective_date,
    evidence_records,
    final_counts,
    final_statuses,
    finding_records,
    pass_rate,
    policy_records,
    reviewed_score,
)
from auditor.reporters.atomic import atomic_output
from auditor.reviews import FINDINGS_HEADERS, FINDINGS_SHEET, ORPHAN_COLUMNS, ORPHANS_SHEET

# Excel's limits (Microsoft, "Excel specifications and limits"). Module attributes, read at
# write time, so tests can lower them to exercise splitting.
MAX_SHEET_ROWS = 1_048_576
MAX_SHEET_LINKS = 65_530
SHEET_NAME_LIMIT = 31

# Status -> (fill, font colour): Excel's own Good / Bad / Neutral palette, grey for ERROR.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "PASS": ("C6EFCE", "006100"),
    "FAIL": ("FFC7CE", "9C0006"),
    "REVIEW": ("FFEB9C", "9C5700"),
    "ERROR": ("D9D9D9", "3F3F3F"),
    "N/A": ("F2F2F2", "7F7F7F"),
}
STALE_COLOURS = STATUS_COLOURS["REVIEW"]
TERM_COLOUR = "1F4E79"  # matched words: bold dark blue, readable on every status colour
HEADER_FILL = "1F4E79"
INPUT_FILL = "FFF8E1"  # the columns a reviewer types into
FONT_SIZE = 10
FONT_NAME = "Arial"  # LibreOffice shows it as its metric twin, Liberation Sans
LINE_HEIGHT = 12.0  # points per line of 10-point text
VERDICTS = [v.value for v in Verdict]

# Summary: rows above the first policy (title block, pass-rate row, column headings).
SUMMARY_TOP = 8
SUMMARY_HEADING_ROW = 8

# Findings sheet: (record key, width, kind), in sheet order; headers from FINDINGS_HEADERS.
FINDINGS_LAYOUT: list[tuple[str, float, str]] = [
    ("policy_id", 26, "text"),
    ("check_id", 20, "text"),
    ("check_title", 20, "wrap"),
    ("severity", 9, "text"),
    ("status", 10, "status"),
    ("final_status", 10, "status"),
    ("quote", 60, "evidence"),
    ("evidence_count", 9, "more"),
    ("line", 6, "count"),
    ("section", 20, "wrap"),
    ("extracted", 26, "wrap"),
    ("decided_by", 26, "wrap"),
    ("near_misses", 44, "wrap"),
    ("reason", 16, "wrap"),
    ("verdict", 15, "verdict"),
    ("comment", 30, "input"),
    ("reviewer", 14, "input"),
    ("reviewed_on", 12, "date"),
    ("review_state", 10, "state"),
    ("finding_id", 30, "hidden"),
    ("fingerprint", 18, "hidden"),
    ("reviewed_fingerprint", 18, "hidden"),
]
EVIDENCE_WIDTHS = {
    "finding_id": 34,
    "policy_id": 26,
    "check_id": 20,
    "rank": 6,
    "quote": 70,
    "line": 6,
    "section": 22,
    "start": 8,
    "end": 8,
    "terms": 26,
    "rule": 14,
}
CHECK_WIDTHS = {
    "id": 20,
    "title": 24,
    "description": 48,
    "regulation": 24,
    "severity": 9,
    "weight": 7,
    "rules": 70,
    "status_logic": 36,
}
POLICY_WIDTHS = {
    "policy_id": 30,
    "path": 36,
    "sha256": 20,
    "format": 7,
    "size": 11,
    "words": 8,
    "sections": 9,
    "title": 30,
    "source_url": 40,
    "archived": 11,
    "warnings": 30,
    "error": 24,
    "score": 9,
    "final_score": 9,
}
ORPHAN_WIDTHS = {
    "finding_id": 36,
    "policy_id": 26,
    "check_id": 20,
    "verdict": 15,
    "comment": 36,
    "reviewer": 14,
    "reviewed_on": 12,
    "status": 10,
    "quote": 60,
    "fingerprint": 18,
}

# Characters an XML 1.0 file cannot hold (with lone surrogates, which cannot even be encoded).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def excel_text(text: str, limit: int = EXCEL_CELL_LIMIT) -> str:
    """Text a cell can hold: XML-illegal characters replaced (length kept, so offsets into
    the text stay valid), cut to Excel's limit, counted as Excel counts (UTF-16 units), with a
    visible marker."""
    text = _XML_ILLEGAL.sub("\ufffd", text)
    if len(text) * 2 <= limit:  # fast path: even all-astral text would fit
        return text
    budget = limit - len(TRUNCATION_MARK)
    units = 0
    for i, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            cut, used = i, units - (2 if ord(char) > 0xFFFF else 1)  # used: text[:cut]
            while used > budget and cut > 0:  # step back to make room for the marker
                cut -= 1
                used -= 2 if ord(text[cut]) > 0xFFFF else 1
            return text[:cut] + TRUNCATION_MARK
    return text


def sheet_title(name: str, used: Iterable[str] = ()) -> str:
    """A legal, unique sheet name: no []:*?/\\, no leading or trailing apostrophe, at most 31
    characters, not the reserved 'History', unique ignoring case."""
    name = _INVALID_SHEET_CHARS.sub("_", name).strip("'") or "Sheet"
    if name.casefold() == "history":
        name = "History_"
    name = name[:SHEET_NAME_LIMIT]
    taken = {u.casefold() for u in used}
    base, n = name, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        n += 1
    return name


def link_location(sheet: str, cell: str) -> str:
    """An internal link target, sheet name quoted (apostrophes doubled) as Excel requires."""
    return "'" + sheet.replace("'", "''") + "'!" + cell


@dataclass(frozen=True)
class Part:
    """The rows [start, stop) of one table that go on sheet `name`."""

    name: str
    start: int
    stop: int


def plan_parts(base: str, links: Sequence[int], top: int) -> list[Part]:
    """Split a table of len(links) rows (row i carrying links[i] hyperlinks) across sheets
    `base`, `base (2)`, ... so that no sheet passes Excel's row or hyperlink limit; `top` rows
    precede the data on every sheet."""
    max_rows = MAX_SHEET_ROWS - top
    bounds: list[tuple[int, int]] = []
    start = count = 0
    for i, n in enumerate(links):
        if i > start and (i - start >= max_rows or count + n > MAX_SHEET_LINKS):
            bounds.append((start, i))
            start, count = i, 0
        count += n
    bounds.append((start, len(links)))
    names: list[str] = []
    for _ in bounds:  # base, then "base (2)", "base (3)" ..., each a legal sheet name
        names.append(sheet_title(base, names))
    return [Part(name, a, b) for name, (a, b) in zip(names, bounds, strict=True)]


def _locate(parts: list[Part], top: int) -> Callable[[int], tuple[str, int]]:
    """Row index -> (sheet, 1-based sheet row) for a table split by plan_parts."""

    def locate(index: int) -> tuple[str, int]:
        for part in parts:
            if part.start <= index < part.stop:
                return part.name, top + index - part.start + 1
        raise IndexError(index)

    return locate


def _split_note(what: str, parts: list[Part]) -> list[str]:
    if len(parts) < 2:
        return []
    names = ", ".join(p.name for p in parts)
    return [
        f"{what} split across {len(parts)} sheets ({names}): Excel allows "
        f"{MAX_SHEET_ROWS:,} rows and {MAX_SHEET_LINKS:,} links per sheet; no row was left "
        "out."
    ]


def _rich_evidence(quote: str, terms: list[str]) -> CellRichText | str:
    """The quote with every matched term in bold colour; plain text if none is found."""
    text = excel_text(quote)
    if text != _XML_ILLEGAL.sub("\ufffd", quote):
        return text  # cut to the cell limit: no highlighting, the marker must stay visible
    spans: list[tuple[int, int]] = []
    for term in terms:
        words = term.split()
        if not words:
            continue
        # Terms come from the sentence text; the quote is the file's text, which may wrap
        # lines or differ in case, so match word by word across any whitespace.
        pattern = re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)
        spans.extend(m.span() for m in pattern.finditer(text))
    if not spans:
        return text
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    # Every run names its font: a run without one falls back to the workbook default, not to
    # the cell's font.
    plain = InlineFont(rFont=FONT_NAME, sz=FONT_SIZE)
    bold = InlineFont(rFont=FONT_NAME, sz=FONT_SIZE, b=True, color=TERM_COLOUR)
    blocks: list[TextBlock] = []
    pos = 0
    for a, b in merged:
        if a > pos:
            blocks.append(TextBlock(plain, text[pos:a]))
        blocks.append(TextBlock(bold, text[a:b]))
        pos = b
    if pos < len(text):
        blocks.append(TextBlock(plain, text[pos:]))
    return CellRichText(blocks)


def _font(**kwargs: Any) -> Font:
    return Font(name=FONT_NAME, size=kwargs.pop("size", FONT_SIZE), **kwargs)


def _fill(colour: str) -> PatternFill:
    return PatternFill(fill_type="solid", fgColor=colour, bgColor=colour)


# Cell styles by name. Every text style is Text-formatted ("@") and quote-prefixed, so what is
# typed into such a cell later stays text too: Excel and LibreOffice keep a typed "=..." as a
# string there. The cell itself is always written as an inline string, never as a formula.
def _style_specs() -> dict[str, dict[str, Any]]:
    top = Alignment(vertical="top")
    wrap = Alignment(vertical="top", wrap_text=True)
    centre = Alignment(vertical="top", horizontal="center")
    text = {"font": _font(), "alignment": top, "number_format": "@", "quotePrefix": True}
    number = {"font": _font(), "alignment": top}
    return {
        "title": {**text, "font": _font(size=14, bold=True, color=HEADER_FILL)},
        "label": {**text, "font": _font(bold=True)},
        "header": {
            **text,
            "font": _font(bold=True, color="FFFFFF"),
            "fill": _fill(HEADER_FILL),
            "alignment": Alignment(vertical="center", wrap_text=True),
        },
        "text": text,
        "wrap": {**text, "alignment": wrap},
        "input": {**text, "alignment": wrap, "fill": _fill(INPUT_FILL)},
        "date": {**number, "fill": _fill(INPUT_FILL), "number_format": "yyyy-mm-dd"},
        "status": {**text, "font": _font(bold=True), "alignment": centre},
        "status_link": {**text, "font": _font(bold=True, underline="single"), "alignment": centre},
        "number": {**number, "number_format": "0"},
        "count": {**number, "alignment": centre, "number_format": "0"},
        "decimal": {**number, "number_format": "0.##"},
        "link": {
            **number,
            "font": _font(underline="single", color="0563C1"),
            "alignment": centre,
            "number_format": "0",
        },
        "pct": {**number, "number_format": "0%"},
        "rate": {
            **number,
            "font": _font(bold=True),
            "alignment": centre,
            "number_format": "0%",
            "border": Border(bottom=Side(style="thin", color="7F7F7F")),
        },
        "pct_left": {**number, "alignment": Alignment(horizontal="left"), "number_format": "0%"},
        "number_left": {**number, "alignment": Alignment(horizontal="left"), "number_format": "0"},
    }


# Styles of the cells a reviewer types into: written even when empty.
_TYPED_INTO = frozenset({"input", "date"})


class _Sheet:
    """A write-only sheet that counts its rows and sizes each row to its wrapped text."""

    def __init__(self, book: _Book, ws: Any, widths: Sequence[float]) -> None:
        self.book, self.ws, self.widths = book, ws, list(widths)
        self.rows = 0

    def append(self, cells: Sequence[Any]) -> None:
        """Append one row, its height set from its wrapped cells (neither Excel nor
        LibreOffice re-fits row heights when opening a file)."""
        self.rows += 1
        height = self._height(cells)
        dims = self.ws.row_dimensions
        if height is not None:
            dims[self.rows].height = height
        self.ws.append(cells)
        dims.pop(self.rows, None)  # the row is written: keep memory flat on large sheets

    def _height(self, cells: Sequence[Any]) -> float | None:
        lines = 1
        for cell, width in zip(cells, self.widths, strict=False):
            if cell is None or cell._value is None:
                continue
            if cell._style.alignmentId not in self.book.wrapping:
                continue
            # About 1.4 characters of 10-point Arial fit in a unit of column width (the width
            # of a "0" in the default font); 1.3 leaves room for breaking at word boundaries.
            per_line = max(1, int(width * 1.3))
            text = str(cell._value)
            lines = max(lines, sum(-(-len(par) // per_line) or 1 for par in text.split("\n")))
        return None if lines == 1 else min(409.0, LINE_HEIGHT * lines + 2)


class _Book:
    """A write-only workbook and its cell styles (prototype cells whose style is copied)."""

    def __init__(self) -> None:
        self.wb = Workbook(write_only=True)
        self._protos: dict[str, Any] = {}
        self._specs = _style_specs()
        self.wrapping: set[int] = set()  # alignment ids of the styles that wrap text

    def sheet(
        self,
        name: str,
        widths: Sequence[float],
        *,
        hidden: Iterable[int] = (),
        freeze: str | None = None,
        title_rows: str = "1:1",
        tab: str | None = None,
        pages_wide: int = 1,
    ) -> _Sheet:
        """A new sheet with its columns, panes and print set-up, which write-only mode
        writes before the first row."""
        if sheet_title(name, self.wb.sheetnames) != name:  # links were made to this name
            raise ValueError(f"not a legal, unused sheet name: {name!r}")
        ws = self.wb.create_sheet(name)
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        for i in hidden:
            ws.column_dimensions[get_column_letter(i)].hidden = True
        if freeze:
            ws.freeze_panes = freeze
        if tab:
            ws.sheet_properties.tabColor = tab
        # Landscape, `pages_wide` pages wide, as many pages down as needed, headings repeated.
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = 9  # A4
        ws.page_setup.fitToWidth = pages_wide
        ws.page_setup.pageOrder = "overThenDown"  # a row's pages follow each other
        ws.page_setup.fitToHeight = 0
        ws.print_title_rows = title_rows
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        ws.oddFooter.center.text = "&A, page &P of &N"
        ws.oddFooter.center.size = 8
        return _Sheet(self, ws, widths)

    def cell(self, ws: Any, value: Any, style: str) -> Any:
        """A styled cell; a str is always an inline string (never a formula or error code).
        An empty value gives no cell at all, except where a reviewer types (its style keeps
        what is typed as text): most cells of a large sheet are empty, and each costs time."""
        if (value is None or value == "") and style not in _TYPED_INTO:
            return None
        proto = self._protos.get(style)
        if proto is None:
            proto = WriteOnlyCell(ws)
            for attr, setting in self._specs[style].items():
                setattr(proto, attr, setting)
            if proto.alignment.wrap_text:
                self.wrapping.add(proto._style.alignmentId)
            self._protos[style] = proto
        cell = WriteOnlyCell(ws)
        cell._style = copy.copy(proto._style)  # the write-only fast path: no style lookups
        if isinstance(value, str):
            if value:
                cell.value = excel_text(value)
                cell.data_type = "s"  # openpyxl would take "=..." as a formula
        elif value is not None:
            cell.value = value
        return cell


def _dxf(colours: tuple[str, str]) -> DifferentialStyle:
    fill, font = colours
    return DifferentialStyle(font=Font(color=font, bold=True), fill=_fill(fill))


def _status_formats(ws: Any, ref: str) -> None:
    """Colour status cells by value: PASS green, FAIL red, REVIEW amber, ERROR and N/A grey."""
    for status in FINAL_STATUSES:
        ws.conditional_formatting.add(
            ref,
            Rule(
                type="cellIs",
                operator="equal",
                formula=[f'"{status}"'],
                dxf=_dxf(STATUS_COLOURS[status]),
            ),
        )


def _stale_format(ws: Any, ref: str) -> None:
    ws.conditional_formatting.add(
        ref,
        Rule(
            type="cellIs", operator="equal", formula=[f'"{REVIEW_STALE}"'], dxf=_dxf(STALE_COLOURS)
        ),
    )


def _verdict_dropdown(ws: Any, ref: str) -> None:
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(VERDICTS) + '"',
        allow_blank=True,
        showDropDown=False,  # sic: in OOXML, showDropDown="1" *hides* the in-cell arrow
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="Verdict",
        error="Choose one of: " + ", ".join(VERDICTS) + ".",
        showInputMessage=True,
        promptTitle="Verdict",
        prompt="Your verdict on the machine status; the final status follows it.",
    )
    dv.add(ref)
    ws.data_validations.append(dv)


def _date_value(text: str) -> dt.date | str:
    """A typed ISO date back as a date cell; anything else stays the text it was."""
    if _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    return text


def _content_width(values: Iterable[str], floor: int, cap: int) -> float:
    """A column width that fits the longest of the values (a sample), between floor and cap."""
    return min(cap, max([floor, *(len(v) for v in values)])) + 2


def _policy_name(policy: PolicyResult) -> str:
    """What readers call a policy: its site (corpus metadata), else its title, else its id."""
    return policy.metadata.get("site") or policy.title or policy.id


def _utc_naive(iso: str) -> dt.datetime | None:
    try:
        stamp = dt.datetime.fromisoformat(iso)
    except ValueError:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return stamp


def _readable_time(iso: str) -> str:
    stamp = _utc_naive(iso)
    return stamp.strftime("%Y-%m-%d %H:%M UTC") if stamp else iso


SAMPLE = 2000  # rows looked at to size a column


class _Writer:
    """Lays out and writes one scorecard."""

    def __init__(self, run: AuditRun) -> None:
        self.run = run
        self.book = _Book()
        self.findings = [(p, f) for p in run.policies for f in p.findings]
        self.row_of = {f.id: i for i, (_, f) in enumerate(self.findings)}
        counts = [len(f.evidence) for _, f in self.findings]
        self.first_evidence: list[int] = []  # index of each finding's first Evidence row
        total = 0
        for n in counts:
            self.first_evidence.append(total)
            total += n
        # Every table is planned before anything is written: Summary links into Findings and
        # Findings into Evidence need the sheet and row of their targets.
        self.parts = {
            "Summary": plan_parts(
                "Summary", [len(p.findings) for p in run.policies], top=SUMMARY_TOP
            ),
            FINDINGS_SHEET: plan_parts(FINDINGS_SHEET, [1 if n > 1 else 0 for n in counts], top=1),
            "Evidence": plan_parts("Evidence", [0] * total, top=1),
            "Checklist": plan_parts("Checklist", [0] * len(run.checks), top=1),
            "Policies": plan_parts("Policies", [0] * len(run.policies), top=1),
            ORPHANS_SHEET: plan_parts(ORPHANS_SHEET, [0] * len(run.orphaned_reviews), top=1),
        }
        self.finding_at = _locate(self.parts[FINDINGS_SHEET], top=1)
        self.evidence_at = _locate(self.parts["Evidence"], top=1)
        self.notes = list(run.notes)
        for what, parts in self.parts.items():
            self.notes += _split_note(what, parts)

    def write(self, stream: Any) -> None:
        """Write every sheet, in reading order, and save the workbook to `stream`."""
        wb = self.book.wb
        wb.properties.creator = self.run.tool_name
        wb.properties.title = f"Scorecard: {self.run.checklist.title}"
        # Document times from the run, so the same run gives the same properties.
        stamp = _utc_naive(self.run.finished_at)
        if stamp is not None:
            wb.properties.created = wb.properties.modified = stamp
        self._summary()
        self._findings()
        self._evidence()
        self._table(
            "Checklist",
            CHECK_COLUMNS,
            check_records(self.run),
            CHECK_WIDTHS,
            {"weight": "decimal"},
            wrap={"title", "description", "regulation", "rules", "status_logic"},
        )
        self._table(
            "Policies",
            POLICY_COLUMNS,
            policy_records(self.run),
            POLICY_WIDTHS,
            {
                "size": "number",
                "words": "number",
                "sections": "number",
                "score": "pct",
                "final_score": "pct",
            },
            wrap={"path", "title", "source_url", "warnings", "error"},
        )
        self._run_sheet()
        if self.run.orphaned_reviews:
            self._orphans()
        wb.save(stream)

    # --- Summary -------------------------------------------------------------------------

    def _summary(self) -> None:
        run, book = self.run, self.book
        checks = run.checks
        finals = {
            p.id: dict(zip((f.check_id for f in p.findings), final_statuses(run, p), strict=True))
            for p in run.policies
        }
        all_finals = [s for p in run.policies for s in finals[p.id].values()]
        rates = [pass_rate(finals[p.id].get(c.id, "") for p in run.policies) for c in checks]
        names = [_policy_name(p) for p in run.policies]
        widths = [
            _content_width(names[:SAMPLE], 18, 34),
            _content_width((p.path for p in run.policies[:SAMPLE]), 8, 44),
            11,
            11,
            8,
            *([13] * len(checks)),
        ]
        last_col = get_column_letter(len(widths))
        stale = sum(r.stale for r in run.reviews.values())
        reviews = (
            f"{len(run.reviews)} findings reviewed ({stale} stale), "
            f"{len(run.orphaned_reviews)} orphaned; the statuses below include verdicts"
        )
        for part in self.parts["Summary"]:
            sheet = book.sheet(
                part.name,
                widths,
                freeze=f"B{SUMMARY_TOP + 1}",
                title_rows=f"{SUMMARY_HEADING_ROW}:{SUMMARY_HEADING_ROW}",
                tab=HEADER_FILL,
            )
            ws = sheet.ws
            sheet.append([book.cell(ws, run.checklist.title, "title")])
            for label, value, style in (
                ("Checklist version", f"{run.checklist.version} ({run.checklist.id})", "text"),
                ("Audit date", _readable_time(run.finished_at), "text"),
                ("Policies", len(run.policies), "number_left"),
                ("Overall pass rate", pass_rate(all_finals), "pct_left"),
                ("Reviews", reviews, "text"),
            ):
                sheet.append([book.cell(ws, label, "label"), book.cell(ws, value, style)])
            # The pass-rate row stands above the column headings, outside the filtered range,
            # so sorting or filtering the policies never moves it.
            sheet.append(
                [
                    book.cell(ws, "Pass rate per check", "label"),
                    None,
                    None,
                    None,
                    None,
                    *(book.cell(ws, rate, "rate") for rate in rates),
                ]
            )
            sheet.append(
                [
                    book.cell(ws, h, "header")
                    for h in (
                        "Policy",
                        "File",
                        "Archived",
                        "Effective",
                        "Score",
                        *(c.title for c in checks),
                    )
                ]
            )
            for policy, name in zip(
                run.policies[part.start : part.stop], names[part.start : part.stop], strict=True
            ):
                cells = [
                    book.cell(ws, name, "text"),
                    book.cell(ws, policy.path, "text"),
                    book.cell(ws, policy.metadata.get("archived", ""), "text"),
                    book.cell(ws, effective_date(policy), "text"),
                    book.cell(ws, reviewed_score(run, policy), "pct"),
                ]
                by_check = {f.check_id: f for f in policy.findings}
                for check in checks:
                    status = finals[policy.id].get(check.id, "")
                    cell = book.cell(ws, status, "status_link")
                    finding = by_check.get(check.id)
                    if finding is not None:
                        target_sheet, row = self.finding_at(self.row_of[finding.id])
                        cell.hyperlink = Hyperlink(
                            ref="",  # set to the cell's coordinate when the row is appended
                            location=link_location(target_sheet, f"A{row}"),
                            tooltip=f"{check.id} on {policy.id}: open its finding",
                            display=status,
                        )
                    cells.append(cell)
                sheet.append(cells)
            last_row = SUMMARY_TOP + max(part.stop - part.start, 1)
            if checks:
                _status_formats(ws, f"F{SUMMARY_TOP + 1}:{last_col}{last_row}")
            ws.auto_filter.ref = f"A{SUMMARY_HEADING_ROW}:{last_col}{last_row}"

    # --- Findings ------------------------------------------------------------------------

    def _findings(self) -> None:
        book = self.book
        layout = [(key, width, kind) for key, width, kind in FINDINGS_LAYOUT]
        ids = [p.id for p in self.run.policies[:SAMPLE]]
        layout[0] = ("policy_id", _content_width(ids, 16, 36), "text")
        widths = [width for _, width, _ in layout]
        hidden = [i for i, (_, _, kind) in enumerate(layout, start=1) if kind == "hidden"]
        letter = {key: get_column_letter(i) for i, (key, _, _) in enumerate(layout, start=1)}
        last_col = get_column_letter(len(layout))
        records = finding_records(self.run)
        for part in self.parts[FINDINGS_SHEET]:
            # Two pages wide: on one, the nineteen visible columns would print too small to
            # read; on two, the evidence half and the review half each stay legible.
            sheet = book.sheet(part.name, widths, hidden=hidden, freeze="C2", pages_wide=2)
            ws = sheet.ws
            sheet.append([book.cell(ws, FINDINGS_HEADERS[key], "header") for key, _, _ in layout])
            for i in range(part.start, part.stop):
                sheet.append(self._finding_row(ws, i, self.findings[i][1], next(records)))
            last = 1 + max(part.stop - part.start, 1)
            for key in ("status", "final_status"):
                _status_formats(ws, f"{letter[key]}2:{letter[key]}{last}")
            _stale_format(ws, f"{letter['review_state']}2:{letter['review_state']}{last}")
            _verdict_dropdown(ws, f"{letter['verdict']}2:{letter['verdict']}{last}")
            ws.auto_filter.ref = f"A1:{last_col}{last}"

    def _finding_row(
        self, ws: Any, index: int, finding: Finding, record: dict[str, Any]
    ) -> list[Any]:
        book = self.book
        cells = []
        for key, _, kind in FINDINGS_LAYOUT:
            value = record[key]
            if kind == "evidence":
                first = finding.evidence[0] if finding.evidence else None
                cells.append(
                    book.cell(ws, _rich_evidence(first.quote, first.terms) if first else "", "wrap")
                )
            elif kind == "more":
                cell = book.cell(ws, value or None, "link" if value > 1 else "count")
                if value > 1:  # all the finding's snippets, one row each, on Evidence
                    target_sheet, row = self.evidence_at(self.first_evidence[index])
                    cell.hyperlink = Hyperlink(
                        ref="",  # set to the cell's coordinate when the row is appended
                        location=link_location(target_sheet, f"A{row}"),
                        tooltip=f"All {value} evidence snippets",
                        display=str(value),
                    )
                cells.append(cell)
            elif kind == "date":
                cells.append(book.cell(ws, _date_value(value) or None, "date"))
            else:
                style = {"verdict": "input", "state": "status", "hidden": "text"}.get(kind, kind)
                cells.append(book.cell(ws, value, style))
        return cells

    # --- Evidence, Checklist, Policies, Orphaned reviews ------------------------------------

    def _evidence(self) -> None:
        book = self.book
        kinds = {
            "rank": "count",
            "line": "count",
            "start": "number",
            "end": "number",
            "section": "wrap",
            "terms": "wrap",
        }
        widths = [EVIDENCE_WIDTHS[key] for key, _ in EVIDENCE_COLUMNS]
        last_col = get_column_letter(len(EVIDENCE_COLUMNS))
        records = evidence_records(self.run)
        terms = (ev.terms for _, f in self.findings for ev in f.evidence)
        for part in self.parts["Evidence"]:
            sheet = book.sheet(part.name, widths, freeze="B2")
            ws = sheet.ws
            sheet.append([book.cell(ws, h, "header") for _, h in EVIDENCE_COLUMNS])
            for _ in range(part.start, part.stop):
                record, matched = next(records), next(terms)
                sheet.append(
                    [
                        book.cell(ws, _rich_evidence(record[k], matched), "wrap")
                        if k == "quote"
                        else book.cell(ws, record[k], kinds.get(k, "text"))
                        for k, _ in EVIDENCE_COLUMNS
                    ]
                )
            ws.auto_filter.ref = f"A1:{last_col}{1 + max(part.stop - part.start, 1)}"

    def _table(
        self,
        base: str,
        columns: list[tuple[str, str]],
        records: Iterator[dict[str, Any]],
        widths: Mapping[str, float],
        kinds: Mapping[str, str],
        wrap: set[str],
    ) -> None:
        book = self.book
        last_col = get_column_letter(len(columns))
        for part in self.parts[base]:
            sheet = book.sheet(part.name, [widths[k] for k, _ in columns], freeze="B2")
            ws = sheet.ws
            sheet.append([book.cell(ws, h, "header") for _, h in columns])
            for _ in range(part.start, part.stop):
                record = next(records)
                sheet.append(
                    [
                        book.cell(ws, record[k], kinds.get(k, "wrap" if k in wrap else "text"))
                        for k, _ in columns
                    ]
                )
            ws.auto_filter.ref = f"A1:{last_col}{1 + max(part.stop - part.start, 1)}"

    def _orphans(self) -> None:
        book = self.book
        letter = {key: get_column_letter(i) for i, (key, _) in enumerate(ORPHAN_COLUMNS, 1)}
        styles = {"verdict": "input", "comment": "input", "reviewer": "input"}
        for part in self.parts[ORPHANS_SHEET]:
            sheet = book.sheet(
                part.name,
                [ORPHAN_WIDTHS[k] for k, _ in ORPHAN_COLUMNS],
                freeze="B2",
                tab=STALE_COLOURS[0],
            )
            ws = sheet.ws
            sheet.append([book.cell(ws, h, "header") for _, h in ORPHAN_COLUMNS])
            for review in self.run.orphaned_reviews[part.start : part.stop]:
                data = review.model_dump(mode="json")
                sheet.append(
                    [
                        book.cell(ws, _date_value(data[k]) or None, "date")
                        if k == "reviewed_on"
                        else book.cell(ws, data[k] or "", styles.get(k, "wrap"))
                        for k, _ in ORPHAN_COLUMNS
                    ]
                )
            last = 1 + max(part.stop - part.start, 1)
            _verdict_dropdown(ws, f"{letter['verdict']}2:{letter['verdict']}{last}")
            ws.auto_filter.ref = f"A1:{get_column_letter(len(ORPHAN_COLUMNS))}{last}"

    # --- Run -----------------------------------------------------------------------------

    def _run_sheet(self) -> None:
        run, book = self.run, self.book
        sheet = book.sheet("Run", [24, 110], freeze="A2")
        ws = sheet.ws
        sheet.append([book.cell(ws, "Item", "header"), book.cell(ws, "Value", "header")])
        machine, final = run.status_counts(), final_counts(run)
        rows: list[tuple[str, Any]] = [
            ("Tool", f"{run.tool_name} {run.tool_version}"),
            ("Checklist", f"{run.checklist.title} ({run.checklist.id} {run.checklist.version})"),
            ("Checklist file", run.checklist.path),
            ("Checklist SHA-256", run.checklist.sha256),
            ("Review credit", run.checklist.review_credit),
            ("Command", run.command),
            ("Started (UTC)", run.started_at),
            ("Finished (UTC)", run.finished_at),
            ("Python", run.python),
            ("Policies", len(run.policies)),
            ("Findings", len(self.findings)),
            *((f"Machine {s.value}", machine[s.value]) for s in Status),
            *((f"Final {s}", final[s]) for s in FINAL_STATUSES),
            ("Reviews carried", len(run.reviews)),
            ("Reviews stale", sum(r.stale for r in run.reviews.values())),
            ("Reviews orphaned", len(run.orphaned_reviews)),
            *(("Note", note) for note in self.notes),
        ]
        for label, value in rows:
            style = (
                "number_left"
                if isinstance(value, int)
                else "decimal"
                if isinstance(value, float)
                else "wrap"
            )
            sheet.append([book.cell(ws, label, "label"), book.cell(ws, value, style)])


def write_xlsx(run: AuditRun, path: Path) -> Path:
    """Write the scorecard to `path` through a temporary file, replaced in one step."""
    writer = _Writer(run)
    with atomic_output(path, "wb") as out:
        writer.write(out)
    return path
