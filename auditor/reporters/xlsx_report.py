"""scorecard.xlsx: the workbook reviewers open, built from the shared record layer.

Sheets: Summary, Findings, Evidence, Checklist, Policies, Run and, when there are any, Orphaned
reviews. The writer only reads the AuditRun (reviews already attached by auditor.reviews); the
columns the review reader relies on are named in auditor.reviews.

The workbook is streamed (auditor.reporters.xlsx_writer): one pass over the results counts
rows and statuses (every link target and pass rate is known before the first row is written),
then one more pass writes the large sheets side by side (or, with a process pool, one pass per
sheet group in its worker), their rows going straight into the compressed files. The results
are never all in memory, so a spooled run of any size is written in flat memory.
Internal links carry only a `location`, which Excel and LibreOffice follow inside the file.
"""

from __future__ import annotations

import bisect
import copy
import dataclasses
import datetime as dt
import functools
import re
import shutil
import tempfile
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from auditor.models import AuditRun, Evidence, Finding, PolicyResult, Status, Verdict
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
    final_statuses,
    finding_evidence_records,
    policy_record,
    remember,
    reviewed_score,
)
from auditor.reporters.atomic import atomic_output
from auditor.reporters.csv_report import FindingRecords
from auditor.reporters.sinks import Sink, feed, finish
from auditor.reporters.xlsx_writer import (
    DocProps,
    Font,
    Sheet,
    SheetSetup,
    Style,
    StyleSheet,
    WrittenSheet,
    assemble,
    column_letter,
    excel_date,
    list_validation,
    number_cell,
    run_start,
    text_element,
)
from auditor.reviews import FINDINGS_HEADERS, FINDINGS_SHEET, ORPHAN_COLUMNS, ORPHANS_SHEET
from auditor.spool import (
    NAMES_KEPT,
    FindingOutline,
    LayoutCounts,
    SpooledResults,
    outlines,
    policy_name,
)

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

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
_KINDS = [kind for _, _, kind in FINDINGS_LAYOUT]
# Each Findings cell as (record key, style), worked out once; three kinds are more than the
# record's value: the rich-text evidence, the evidence count (a link when there are more
# snippets) and the review date (a date cell when it is one).
_FINDINGS_CELLS = [
    (key, {"verdict": "input", "state": "status", "hidden": "text"}.get(kind, kind))
    for key, _, kind in FINDINGS_LAYOUT
]
_FINDINGS_QUOTE, _FINDINGS_MORE, _FINDINGS_DATE = (
    _KINDS.index("evidence"),
    _KINDS.index("more"),
    _KINDS.index("date"),
)
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
    if not text.isprintable():  # printable text holds no XML-illegal character
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


def _split_note(what: str, parts: list[Part]) -> list[str]:
    if len(parts) < 2:
        return []
    names = ", ".join(p.name for p in parts)
    return [
        f"{what} split across {len(parts)} sheets ({names}): Excel allows "
        f"{MAX_SHEET_ROWS:,} rows and {MAX_SHEET_LINKS:,} links per sheet; no row was left "
        "out."
    ]


def _rich_evidence(quote: str, terms: list[str]) -> list[tuple[str, bool]] | str:
    """The quote as runs of (text, bold), every matched term bold; plain text if no term is
    found or the quote had to be cut (the cut marker must stay visible)."""
    text = excel_text(quote)
    if len(quote) * 2 > EXCEL_CELL_LIMIT and text != _XML_ILLEGAL.sub("\ufffd", quote):
        return text  # cut (only a text that long can be)
    spans = _term_spans(text, terms)
    if not spans:
        return text
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    runs: list[tuple[str, bool]] = []
    pos = 0
    for a, b in merged:
        if a > pos:
            runs.append((text[pos:a], False))
        runs.append((text[a:b], True))
        pos = b
    if pos < len(text):
        runs.append((text[pos:], False))
    return runs


def _term_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """The spans of `_term_pattern(term).finditer(text)` for every term, in term order.

    An ASCII term in an ASCII text is found with `str.find` instead, over the text lowercased
    with each run of white space collapsed to one space: the same spans, without compiling a
    pattern per term (extracted values such as dates and addresses are new in almost every
    policy). The pattern is only the term's words, case-insensitive, with a white-space run
    between them; in ASCII text, `re`'s case folding is ASCII lowercasing, and a word has no
    white space, so each run is matched whole.
    """
    spans: list[tuple[int, int]] = []
    folded: _Folded | None = None
    for term in terms:
        if term.isascii() and text.isascii():
            if folded is None:
                folded = _Folded(text)
            folded.find(" ".join(term.split()).lower(), spans)
            continue
        pattern = _term_pattern(term)
        if pattern is not None:
            spans.extend(m.span() for m in pattern.finditer(text))
    return spans


# In lowercased ASCII text: white space other than a lone space (tab, line feed, a run ...).
_ODD_SPACE = re.compile(r"[^\S ]|  ")
_SPACE_RUN = re.compile(r"\s+")


class _Folded:
    """An ASCII text lowercased, each white-space run collapsed to one space, with the way back
    to the text's own offsets."""

    def __init__(self, text: str) -> None:
        folded = text.lower()
        # Collapsed offset of each collapsed run's space, and what the offsets after it shift.
        self.runs: list[int] = []
        self.shifts: list[int] = [0]
        # Printable text holds no white space but the space: a search only for other text.
        if "  " in folded or (not folded.isprintable() and _ODD_SPACE.search(folded)):
            pieces: list[str] = []
            pos = shift = 0
            for run in _SPACE_RUN.finditer(folded):
                a, b = run.span()
                if b - a == 1 and folded[a] == " ":
                    continue
                pieces += (folded[pos:a], " ")
                self.runs.append(a - shift)
                shift += b - a - 1
                self.shifts.append(shift)
                pos = b
            pieces.append(folded[pos:])
            folded = "".join(pieces)
        self.text = folded

    def find(self, key: str, spans: list[tuple[int, int]]) -> None:
        """Add the text's spans of the non-overlapping occurrences of `key` (no white space
        but single spaces between words), from the left, as `finditer` finds them."""
        if not key:
            return
        text, runs, shifts = self.text, self.runs, self.shifts
        i = text.find(key)
        while i >= 0:
            j = i + len(key)
            if runs:  # neither end is on a collapsed space: runs before it shift it
                a = i + shifts[bisect.bisect_right(runs, i)]
                b = j + shifts[bisect.bisect_right(runs, j - 1)]
                spans.append((a, b))
            else:
                spans.append((i, j))
            i = text.find(key, j)


@functools.lru_cache(maxsize=8192)
def _term_pattern(term: str) -> re.Pattern[str] | None:
    """A matched term as a pattern. Terms come from the sentence text; the quote is the
    file's text, which may wrap lines or differ in case, so words match across any white
    space. Cached: the same few hundred terms recur in every policy."""
    words = term.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)


class _RichText(NamedTuple):
    """A rich-text cell's value rendered once, as `_Sheet.append` writes its list of runs."""

    runs: list[tuple[str, bool]]
    xml: str  # the runs' XML
    shown: str  # the text the cell shows


def _rendered(runs: list[tuple[str, bool]]) -> _RichText:
    return _RichText(
        runs,
        "".join([f"{_RUN_START[bold]}{text_element(text)}</r>" for text, bold in runs if text]),
        "".join([text for text, _ in runs]),
    )


class _RichQuotes:
    """`_rich_evidence` of evidence snippets, rendered: the Findings sheet shows a finding's
    first snippet, the Evidence sheet all of them, and a sentence recurs across policies
    (shared wording, copies, versions of one policy). Each distinct quote with its terms is
    worked out once while it stays in a table of up to `kept` quotes of up to
    _RICH_KEPT_LENGTH characters (emptied when full); a longer quote is kept for the policy
    being written only, by its snippet's id."""

    def __init__(self, kept: int) -> None:
        self.kept = kept
        self._known: dict[tuple[str, tuple[str, ...]], _RichText | str] = {}
        self._policy: PolicyResult | None = None
        self._long: dict[int, _RichText | str] = {}

    def __call__(self, policy: PolicyResult, evidence: Evidence) -> _RichText | str:
        """The quote of `evidence`, one of `policy`'s snippets: _rich_evidence's plain text, or
        its runs rendered."""
        quote = evidence.quote
        if len(quote) <= _RICH_KEPT_LENGTH:
            key = (quote, tuple(evidence.terms))
            cell = self._known.get(key)
            if cell is None:
                cell = _rich_cell(quote, evidence.terms)
                remember(self._known, key, cell, self.kept)
            return cell
        if policy is not self._policy:
            self._policy, self._long = policy, {}
        # By id: the policy is held, so its snippets live and their ids are not reused.
        cell = self._long.get(id(evidence))
        if cell is None:
            cell = self._long[id(evidence)] = _rich_cell(quote, evidence.terms)
        return cell


RICH_KEPT = 2048
"""Distinct quotes _RichQuotes keeps rendered; read when a writer is made, so tests can lower it.
About 2 KB a quote (the real corpus has 827 distinct ones); at worst, every quote 512 wide
characters, about 12 MB."""
_RICH_KEPT_LENGTH = 512  # 99.7 % of the real corpus's quotes


def _rich_cell(quote: str, terms: list[str]) -> _RichText | str:
    runs = _rich_evidence(quote, terms)
    return runs if isinstance(runs, str) else _rendered(runs)


def _font(**kwargs: Any) -> Font:
    return Font(name=FONT_NAME, size=kwargs.pop("size", FONT_SIZE), **kwargs)


# Every rich-text run names its font: a run without one falls back to the workbook default,
# not to the cell's font.
PLAIN_RUN = _font()
TERM_RUN = _font(bold=True, colour=TERM_COLOUR)


# Cell styles by name. Every text style is Text-formatted ("@") and quote-prefixed, so what is
# typed into such a cell later stays text too: Excel and LibreOffice keep a typed "=..." as a
# string there. The cell itself is always written as an inline string, never as a formula.
def _style_specs() -> dict[str, Style]:
    text = Style(font=_font(), vertical="top", number_format="@", quote_prefix=True)
    number = Style(font=_font(), vertical="top")
    wrap = Style(font=_font(), vertical="top", wrap=True, number_format="@", quote_prefix=True)
    left = {"horizontal": "left", "vertical": None}
    return {
        "title": _replace(text, font=_font(size=14, bold=True, colour=HEADER_FILL)),
        "label": _replace(text, font=_font(bold=True)),
        "header": _replace(
            text,
            font=_font(bold=True, colour="FFFFFF"),
            fill=HEADER_FILL,
            vertical="center",
            wrap=True,
        ),
        "text": text,
        "wrap": wrap,
        "input": _replace(wrap, fill=INPUT_FILL),
        "date": _replace(number, fill=INPUT_FILL, number_format="yyyy-mm-dd"),
        "status": _replace(text, font=_font(bold=True), horizontal="center"),
        "status_link": _replace(text, font=_font(bold=True, underline=True), horizontal="center"),
        "number": _replace(number, number_format="0"),
        "count": _replace(number, horizontal="center", number_format="0"),
        "decimal": _replace(number, number_format="0.##"),
        "link": _replace(
            number,
            font=_font(underline=True, colour="0563C1"),
            horizontal="center",
            number_format="0",
        ),
        "pct": _replace(number, number_format="0%"),
        "rate": _replace(
            number,
            font=_font(bold=True),
            horizontal="center",
            number_format="0%",
            border_bottom="7F7F7F",
        ),
        "pct_left": _replace(number, number_format="0%", **left),
        "number_left": _replace(number, number_format="0", **left),
    }


def _replace(style: Style, **changes: Any) -> Style:
    return dataclasses.replace(style, **changes)


# Styles of the cells a reviewer types into: written even when empty.
_TYPED_INTO = frozenset({"input", "date"})

Value = Any  # str, a number, a date, rich-text runs, or None


@functools.cache
def _stylesheet() -> StyleSheet:
    """The scorecard's styles; built the same way in every process, so ids agree. Built once
    per process and shared by every book and the workbook: only looked up once built (each
    build cost about 1.2 M instructions, and a scorecard made eight)."""
    styles = StyleSheet()
    for name, style in _style_specs().items():
        styles.add(name, style)
    for status in FINAL_STATUSES:
        styles.dxf(STATUS_COLOURS[status][1], STATUS_COLOURS[status][0])
    styles.dxf(STALE_COLOURS[1], STALE_COLOURS[0])
    return styles


class _Book:
    """Sheets being written into part files in `folder`, and the named styles."""

    def __init__(self, folder: Path, texts: dict[str, tuple[str, str]] | None = None) -> None:
        self.folder = folder
        # Text -> (what follows its cell's style, as shown): see _Sheet.append. May be shared
        # by the books of one pass (the Findings and Evidence sheets repeat ids and titles).
        self.texts: dict[str, tuple[str, str]] = {} if texts is None else texts
        self.styles = _stylesheet()
        self.ids = self.styles.ids
        self.wrapping = self.styles.wrapping
        self.typed_into = {self.ids[name] for name in _TYPED_INTO}
        # Style name -> (a cell's attributes after its reference, wraps, typed into): what
        # every cell of the style shares, worked out once.
        self.cell_styles = {
            name: (f'" s="{i}"', i in self.wrapping, i in self.typed_into)
            for name, i in self.ids.items()
        }
        self.status_dxfs = [
            (f'"{status}"', self.styles.dxf(STATUS_COLOURS[status][1], STATUS_COLOURS[status][0]))
            for status in FINAL_STATUSES
        ]
        self.stale_dxf = self.styles.dxf(STALE_COLOURS[1], STALE_COLOURS[0])
        self.written: list[WrittenSheet] = []
        self.open: list[_Sheet] = []

    def sheet(
        self,
        name: str,
        widths: Sequence[float],
        *,
        hidden: Iterable[int] = (),
        freeze: str | None = None,
        title_rows: tuple[int, int] = (1, 1),
        tab: str | None = None,
        pages_wide: int = 1,
    ) -> _Sheet:
        """Start a sheet with its columns, panes and print set-up."""
        if sheet_title(name) != name:  # links were made to this name
            raise ValueError(f"not a legal sheet name: {name!r}")
        setup = SheetSetup(name, widths, hidden, freeze, tab, title_rows, pages_wide)
        # Sheet names are unique in a workbook, so they make unique part file names.
        sheet = _Sheet(self, Sheet(setup, self.folder, name.encode("utf-8").hex()), widths)
        self.open.append(sheet)
        return sheet

    def abort(self) -> None:
        for sheet in self.open:
            sheet.ws.abort()


class _Sheet:
    """A sheet that renders styled cells and sizes each row to its wrapped text."""

    def __init__(self, book: _Book, sheet: Sheet, widths: Sequence[float]) -> None:
        self.book, self.ws = book, sheet
        self.letters = [column_letter(i) for i in range(1, len(widths) + 1)]
        # About 1.4 characters of 10-point Arial fit in a unit of column width (the width of a
        # "0" in the default font); 1.3 leaves room for breaking at word boundaries.
        self.per_line = [max(1, int(w * 1.3)) for w in widths]

    def append(self, cells: Sequence[tuple[Value, str] | None]) -> int:
        """Append a row of (value, style name) cells (None: no cell); returns its number.

        The row height is set from its wrapped cells: neither Excel nor LibreOffice re-fits
        row heights when opening a file. An empty value gives no cell at all, except where a
        reviewer types (its style keeps what is typed as text).
        """
        book, row = self.book, self.ws.rows + 1
        number = str(row)
        styles, letters, texts = book.cell_styles, self.letters, book.texts
        parts: list[str] = []
        lines = 1
        for i, cell in enumerate(cells):
            if cell is None:
                continue
            value, name = cell
            style, wraps, typed_into = styles[name]
            kind = type(value)  # the two common types first, by exact type
            if kind is str:
                if not value:
                    if typed_into:
                        parts.append(f'<c r="{letters[i]}{number}{style}/>')
                    continue
                # Most texts recur (check titles, statuses, sections, ids on two sheets):
                # each is cleaned and escaped once while it stays in the table.
                known = texts.get(value)
                if known is None:
                    shown = value
                    # excel_text, called only where it can change something: printable text
                    # holds no XML-illegal character.
                    if not value.isprintable() or len(value) * 2 > EXCEL_CELL_LIMIT:
                        shown = excel_text(value)
                    known = (f' t="inlineStr"><is>{text_element(shown)}</is></c>', shown)
                    if len(value) <= _TEXT_KEPT_LENGTH:
                        remember(texts, value, known, TEXTS_KEPT)
                tail, shown = known
                parts.append(f'<c r="{letters[i]}{number}{style}{tail}')
            elif kind is int:
                parts.append(f'<c r="{letters[i]}{number}{style}><v>{value}</v></c>')
                if not wraps:
                    continue
                shown = str(value)
            elif kind is _RichText:  # evidence, rendered once for the Findings and Evidence rows
                parts.append(
                    f'<c r="{letters[i]}{number}{style} t="inlineStr"><is>{value.xml}</is></c>'
                )
                shown = value.shown
            elif value is None or value == "":
                if typed_into:
                    parts.append(f'<c r="{letters[i]}{number}{style}/>')
                continue
            elif isinstance(value, list):
                body = "".join(
                    f"{_RUN_START[bold]}{text_element(text)}</r>" for text, bold in value if text
                )
                parts.append(f'<c r="{letters[i]}{number}{style} t="inlineStr"><is>{body}</is></c>')
                shown = "".join(text for text, _ in value)
            elif isinstance(value, dt.date):
                parts.append(f'<c r="{letters[i]}{number}{style}><v>{excel_date(value)}</v></c>')
                shown = ""
            else:
                parts.append(number_cell(letters[i] + number, book.ids[name], value))
                shown = str(value)
            if wraps and shown:
                per_line = self.per_line[i]
                if "\n" in shown:
                    n = sum(-(-len(par) // per_line) or 1 for par in shown.split("\n"))
                else:
                    n = -(-len(shown) // per_line)
                if n > lines:
                    lines = n
        height = None if lines == 1 else min(409.0, LINE_HEIGHT * lines + 2)
        return self.ws.row("".join(parts), height)

    def link(
        self, column: int, row: int, sheet: str, target: str, tooltip: str, display: str
    ) -> None:
        """An internal link on (column, row) to cell `target` of `sheet`."""
        self.ws.link(
            f"{self.letters[column - 1]}{row}", link_location(sheet, target), tooltip, display
        )

    def status_formats(self, ref: str) -> None:
        """Colour status cells by value: PASS green, FAIL red, REVIEW amber, ERROR, N/A grey."""
        self.ws.tail.formats.append((ref, list(self.book.status_dxfs)))

    def stale_format(self, ref: str) -> None:
        self.ws.tail.formats.append((ref, [(f'"{REVIEW_STALE}"', self.book.stale_dxf)]))

    def verdict_dropdown(self, ref: str) -> None:
        self.ws.tail.validations.append(
            list_validation(
                ref,
                VERDICTS,
                "Verdict",
                "Your verdict on the machine status; the final status follows it.",
            )
        )

    def close(self, auto_filter: str | None = None) -> None:
        self.ws.tail.auto_filter = auto_filter
        self.book.written.append(self.ws.close())
        self.book.open.remove(self)


TEXTS_KEPT = 8192
"""Texts a scorecard pass keeps rendered (_Book.texts); read at write time, so tests can lower
it. The table is emptied when full: ids recur close together, on the same policy's rows.
Only texts of up to 256 characters are kept (92 % of a scorecard's texts are under 64), so the
table stays a few MB whatever the quotes' length."""
_TEXT_KEPT_LENGTH = 256

# bold -> the opening of a run of evidence text (rich_cell's, for TERM_RUN and PLAIN_RUN).
_RUN_START = {True: run_start(TERM_RUN), False: run_start(PLAIN_RUN)}


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


def _rate(passed: int, counted: int) -> float | None:
    """records.pass_rate from counts: PASS among PASS, FAIL and REVIEW."""
    return round(passed / counted, 4) if counted else None


SAMPLE = NAMES_KEPT  # rows looked at to size a column


class _Tally:
    """What the layout needs before any row is written, gathered in one pass over the run
    (outlines: it reads no quote): row counts (for splitting and link targets), status counts
    and pass rates, and a sample of names for column widths. Counts are kept in compact
    arrays, not the results. A spool counts the same as the results arrive: without reviews
    to apply, its counts are taken and no pass is made."""

    def __init__(self, run: AuditRun) -> None:
        checks = [c.id for c in run.checks]
        self.findings_per_policy = array("l")
        self.evidence_per_finding = array("l")
        self.machine = {s.value: 0 for s in Status}
        self.final = dict.fromkeys(FINAL_STATUSES, 0)
        self.passed = dict.fromkeys(checks, 0)
        self.counted = dict.fromkeys(checks, 0)
        self.names: list[str] = []
        self.paths: list[str] = []
        self.ids: list[str] = []
        counts = run.policies.counts if isinstance(run.policies, SpooledResults) else None
        if counts is not None and not run.reviews:
            self._take(counts)
        else:
            self._count(run)
        self.policies = len(self.findings_per_policy)
        self.findings = len(self.evidence_per_finding)
        self.evidence = sum(self.evidence_per_finding)

    def _take(self, counts: LayoutCounts) -> None:
        """Fill in from a spool's counts: with no review, each final status is the machine's."""
        self.findings_per_policy = counts.findings_per_policy
        self.evidence_per_finding = counts.evidence_per_finding
        self.names, self.paths, self.ids = counts.names, counts.paths, counts.ids
        for (check_id, status), n in counts.statuses.items():
            self.machine[status] += n
            self.final[status] += n
            if status in ("PASS", "FAIL", "REVIEW") and check_id in self.counted:
                self.counted[check_id] += n
                self.passed[check_id] += n if status == "PASS" else 0

    def _count(self, run: AuditRun) -> None:
        for policy in outlines(run.policies):
            self.findings_per_policy.append(len(policy.findings))
            if len(self.names) < SAMPLE:
                self.names.append(policy_name(policy))
                self.paths.append(policy.path)
                self.ids.append(policy.id)
            findings: Sequence[Finding | FindingOutline] = policy.findings
            for finding, status in zip(findings, final_statuses(run, policy), strict=True):
                self.evidence_per_finding.append(len(finding.evidence))
                self.machine[finding.status._value_] += 1
                self.final[status] += 1
                if status in ("PASS", "FAIL", "REVIEW") and finding.check_id in self.counted:
                    self.counted[finding.check_id] += 1
                    self.passed[finding.check_id] += status == "PASS"

    def overall_rate(self) -> float | None:
        counted = sum(self.final[s] for s in ("PASS", "FAIL", "REVIEW"))
        return _rate(self.final["PASS"], counted)


class _Rows:
    """Row index -> (sheet, 1-based sheet row), for a table split by plan_parts, read in
    increasing order (a moving cursor, so lookups cost nothing)."""

    def __init__(self, parts: list[Part], top: int) -> None:
        self.parts, self.top, self.k = parts, top, 0

    def __call__(self, index: int) -> tuple[str, int]:
        while index >= self.parts[self.k].stop and self.k + 1 < len(self.parts):
            self.k += 1
        while index < self.parts[self.k].start and self.k > 0:
            self.k -= 1
        part = self.parts[self.k]
        if not part.start <= index < part.stop:
            raise IndexError(index)
        return part.name, self.top + index - part.start + 1


T = TypeVar("T")
# The writer of one sheet group, fed the results a policy at a time (see sinks).
_PolicySink = Sink[PolicyResult, None]
_Rendering = Sink[PolicyResult, dict[str, list[WrittenSheet]]]


def _mapped(sink: Sink[T, None], convert: Callable[[PolicyResult], T]) -> _PolicySink:
    """A sink of policies that sends `convert(policy)` on to `sink`."""
    next(sink)
    while (policy := (yield)) is not None:
        sink.send(convert(policy))
    finish(sink)


class _Parted:
    """The rows of one table, appended in order, on the sheets plan_parts gave it: each sheet
    is started (`start`: its heading rows) when its first row comes and closed (`close`:
    formats, filter) when it is full."""

    def __init__(
        self,
        parts: list[Part],
        start: Callable[[Part], _Sheet],
        close: Callable[[_Sheet, Part], None],
    ) -> None:
        self.parts, self.start, self.end = parts, start, close
        self.k = -1
        self.sheet: _Sheet | None = None
        self.left = 0  # rows the current sheet still takes

    def next_row(self) -> _Sheet:
        """The sheet the next row goes on."""
        while not self.left:
            self._advance()
        self.left -= 1
        assert self.sheet is not None
        return self.sheet

    def _advance(self) -> None:
        if self.sheet is not None:
            self.end(self.sheet, self.parts[self.k])
            self.sheet = None
        self.k += 1
        if self.k >= len(self.parts):
            raise IndexError("more rows than the table was planned for")
        part = self.parts[self.k]
        self.sheet, self.left = self.start(part), part.stop - part.start

    def finish(self) -> None:
        """Finish the last sheet; a table without rows still gets its (empty) sheet."""
        if self.left:
            raise ValueError("fewer rows than the table was planned for")
        while self.k + 1 < len(self.parts):
            self._advance()
        if self.sheet is not None:
            self.end(self.sheet, self.parts[self.k])
            self.sheet = None


class _Writer:
    """Lays out and writes one scorecard."""

    book: _Book  # set on the copy that renders a task

    def __init__(self, run: AuditRun) -> None:
        self.run = run
        self.tally = tally = _Tally(run)
        # Every table is planned before anything is written: Summary links into Findings and
        # Findings into Evidence need the sheet and row of their targets.
        self.parts = {
            "Summary": plan_parts("Summary", tally.findings_per_policy, top=SUMMARY_TOP),
            FINDINGS_SHEET: plan_parts(
                FINDINGS_SHEET, array("b", (n > 1 for n in tally.evidence_per_finding)), top=1
            ),
            "Evidence": plan_parts("Evidence", _zeros(tally.evidence), top=1),
            "Checklist": plan_parts("Checklist", _zeros(len(run.checks)), top=1),
            "Policies": plan_parts("Policies", _zeros(tally.policies), top=1),
            ORPHANS_SHEET: plan_parts(ORPHANS_SHEET, _zeros(len(run.orphaned_reviews)), top=1),
        }
        # Shared by the copies that write each task (see rendering): the Findings and the
        # Evidence sheets show the same first snippet of each finding.
        self.records = FindingRecords(run)
        self.rich = _RichQuotes(RICH_KEPT)
        self.notes = list(run.notes)
        for what, parts in self.parts.items():
            self.notes += _split_note(what, parts)

    def render(self, tasks: Sequence[str], folder: Path) -> dict[str, list[WrittenSheet]]:
        """Write the sheets of `tasks` (see TASKS) into part files in `folder`; the sheets
        that take a row per policy, finding or snippet (HEAVY) are written together, in one
        pass over the results (on a spooled run each pass reads and parses the file again)."""
        heavy = any(task in HEAVY for task in tasks)
        return feed([self.rendering(tasks, folder)], self.run.policies if heavy else ())[0]

    def rendering(self, tasks: Sequence[str], folder: Path) -> _Rendering:
        """render as a sink: the results are sent to it one at a time (see sinks)."""
        workers: dict[str, _Writer] = {}
        texts: dict[str, tuple[str, str]] = {}  # shared by the books of this pass
        try:
            for task in tasks:
                if task not in TASKS:
                    raise ValueError(f"unknown scorecard task {task!r}")
                # A copy per task, with a book of its own: its sheets are listed apart, and the
                # plan stays as planned, since a pool may still be pickling it for other tasks.
                workers[task] = worker = copy.copy(self)
                worker.book = _Book(folder, texts)
            sinks = [workers[task]._sink(task) for task in tasks if task in HEAVY]
            for sink in sinks:
                next(sink)  # to its first `yield`: the sheets are open
            while (policy := (yield)) is not None:
                for sink in sinks:
                    sink.send(policy)
            for sink in sinks:
                finish(sink)
            for task in tasks:
                if task not in HEAVY:
                    workers[task]._render_small(task)
        except BaseException:
            for worker in workers.values():
                worker.book.abort()
            raise
        return {task: worker.book.written for task, worker in workers.items()}

    def _sink(self, task: str) -> _PolicySink:
        """The writer of one HEAVY task, fed the results one policy at a time."""
        if task == "summary":
            return self._summary()
        if task == "findings":
            return self._findings()
        if task == "evidence":
            return self._evidence()
        return _mapped(
            self._table(
                "Policies",
                POLICY_COLUMNS,
                POLICY_WIDTHS,
                {
                    "size": "number",
                    "words": "number",
                    "sections": "number",
                    "score": "pct",
                    "final_score": "pct",
                },
                wrap={"path", "title", "source_url", "warnings", "error"},
            ),
            functools.partial(policy_record, self.run),
        )

    def _render_small(self, task: str) -> None:
        if task == "checklist":
            table = self._table(
                "Checklist",
                CHECK_COLUMNS,
                CHECK_WIDTHS,
                {"weight": "decimal"},
                wrap={"title", "description", "regulation", "rules", "status_logic"},
            )
            next(table)
            for record in check_records(self.run):
                table.send(record)
            finish(table)
        elif task == "run":
            self._run_sheet()
        elif task == "orphans" and self.run.orphaned_reviews:
            self._orphans()

    def props(self) -> DocProps:
        # Document times from the run, so the same run gives the same properties.
        return DocProps(
            creator=self.run.tool_name,
            title=f"Scorecard: {self.run.checklist.title}",
            created=_utc_naive(self.run.finished_at),
        )

    # --- Summary -------------------------------------------------------------------------

    def _summary(self) -> _PolicySink:
        run, book, tally = self.run, self.book, self.tally
        checks = run.checks
        rates = [_rate(tally.passed[c.id], tally.counted[c.id]) for c in checks]
        widths = [
            _content_width(tally.names, 18, 34),
            _content_width(tally.paths, 8, 44),
            11,
            11,
            8,
            *([13] * len(checks)),
        ]
        last_col = column_letter(len(widths))
        stale = sum(r.stale for r in run.reviews.values())
        reviews = (
            f"{len(run.reviews)} findings reviewed ({stale} stale), "
            f"{len(run.orphaned_reviews)} orphaned; the statuses below include verdicts"
        )
        finding_at = _Rows(self.parts[FINDINGS_SHEET], top=1)

        def start(part: Part) -> _Sheet:
            sheet = book.sheet(
                part.name,
                widths,
                freeze=f"B{SUMMARY_TOP + 1}",
                title_rows=(SUMMARY_HEADING_ROW, SUMMARY_HEADING_ROW),
                tab=HEADER_FILL,
            )
            sheet.append([(run.checklist.title, "title")])
            for label, value, style in (
                ("Checklist version", f"{run.checklist.version} ({run.checklist.id})", "text"),
                ("Audit date", _readable_time(run.finished_at), "text"),
                ("Policies", tally.policies, "number_left"),
                ("Overall pass rate", tally.overall_rate(), "pct_left"),
                ("Reviews", reviews, "text"),
            ):
                sheet.append([(label, "label"), (value, style)])
            # The pass-rate row stands above the column headings, outside the filtered range,
            # so sorting or filtering the policies never moves it.
            sheet.append(
                [
                    ("Pass rate per check", "label"),
                    None,
                    None,
                    None,
                    None,
                    *((rate, "rate") for rate in rates),
                ]
            )
            sheet.append(
                [
                    (h, "header")
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
            return sheet

        def close(sheet: _Sheet, part: Part) -> None:
            last_row = SUMMARY_TOP + max(part.stop - part.start, 1)
            if checks:
                sheet.status_formats(f"F{SUMMARY_TOP + 1}:{last_col}{last_row}")
            sheet.close(auto_filter=f"A{SUMMARY_HEADING_ROW}:{last_col}{last_row}")

        table = _Parted(self.parts["Summary"], start, close)
        first_finding = 0  # index of the current policy's first finding
        while (policy := (yield)) is not None:
            sheet = table.next_row()
            finals = dict(
                zip(
                    (f.check_id for f in policy.findings),
                    final_statuses(run, policy),
                    strict=True,
                )
            )
            cells: list[tuple[Value, str] | None] = [
                (policy_name(policy), "text"),
                (policy.path, "text"),
                (policy.metadata.get("archived", ""), "text"),
                (effective_date(policy), "text"),
                (reviewed_score(run, policy), "pct"),
                *((finals.get(check.id, ""), "status_link") for check in checks),
            ]
            row = sheet.append(cells)
            position = {f.check_id: first_finding + k for k, f in enumerate(policy.findings)}
            for column, check in enumerate(checks, start=6):
                index = position.get(check.id)
                if index is None:
                    continue
                target, target_row = finding_at(index)
                status = finals[check.id]
                sheet.link(
                    column,
                    row,
                    target,
                    f"A{target_row}",
                    f"{check.id} on {policy.id}: open its finding",
                    status,
                )
            first_finding += len(policy.findings)
        table.finish()

    # --- Findings ------------------------------------------------------------------------

    def _findings(self) -> _PolicySink:
        book = self.book
        layout = list(FINDINGS_LAYOUT)
        layout[0] = ("policy_id", _content_width(self.tally.ids, 16, 36), "text")
        widths = [width for _, width, _ in layout]
        hidden = [i for i, (_, _, kind) in enumerate(layout, start=1) if kind == "hidden"]
        letter = {key: column_letter(i) for i, (key, _, _) in enumerate(layout, start=1)}
        more_column = 1 + [key for key, _, _ in layout].index("evidence_count")
        last_col = column_letter(len(layout))
        evidence_at = _Rows(self.parts["Evidence"], top=1)

        def start(part: Part) -> _Sheet:
            # Two pages wide: on one, the nineteen visible columns would print too small to
            # read; on two, the evidence half and the review half each stay legible.
            sheet = book.sheet(part.name, widths, hidden=hidden, freeze="C2", pages_wide=2)
            sheet.append([(FINDINGS_HEADERS[key], "header") for key, _, _ in layout])
            return sheet

        def close(sheet: _Sheet, part: Part) -> None:
            last = 1 + max(part.stop - part.start, 1)
            for key in ("status", "final_status"):
                sheet.status_formats(f"{letter[key]}2:{letter[key]}{last}")
            sheet.stale_format(f"{letter['review_state']}2:{letter['review_state']}{last}")
            sheet.verdict_dropdown(f"{letter['verdict']}2:{letter['verdict']}{last}")
            sheet.close(auto_filter=f"A1:{last_col}{last}")

        table = _Parted(self.parts[FINDINGS_SHEET], start, close)
        first_evidence = 0
        while (policy := (yield)) is not None:
            for finding, record in zip(policy.findings, self.records(policy), strict=True):
                sheet = table.next_row()
                row = sheet.append(self._finding_cells(policy, finding, record))
                count = len(finding.evidence)
                if count > 1:  # all the finding's snippets, one row each, on Evidence
                    target, target_row = evidence_at(first_evidence)
                    sheet.link(
                        more_column,
                        row,
                        target,
                        f"A{target_row}",
                        f"All {count} evidence snippets",
                        str(count),
                    )
                first_evidence += count
        table.finish()

    def _finding_cells(
        self, policy: PolicyResult, finding: Finding, record: dict[str, Any]
    ) -> list[tuple[Value, str] | None]:
        cells: list[tuple[Value, str] | None] = [
            (record[key], style) for key, style in _FINDINGS_CELLS
        ]
        first = finding.evidence[0] if finding.evidence else None
        cells[_FINDINGS_QUOTE] = (self.rich(policy, first) if first else "", "wrap")
        count = record[FINDINGS_LAYOUT[_FINDINGS_MORE][0]]
        cells[_FINDINGS_MORE] = (count or None, "link" if count > 1 else "count")
        typed = record[FINDINGS_LAYOUT[_FINDINGS_DATE][0]]
        cells[_FINDINGS_DATE] = (_date_value(typed) or None, "date")
        return cells

    # --- Evidence, Checklist, Policies, Orphaned reviews ------------------------------------

    def _evidence(self) -> _PolicySink:
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
        last_col = column_letter(len(EVIDENCE_COLUMNS))
        columns = [(key, kinds.get(key, "text")) for key, _ in EVIDENCE_COLUMNS]
        quote = [key for key, _ in EVIDENCE_COLUMNS].index("quote")  # rich text

        def start(part: Part) -> _Sheet:
            sheet = book.sheet(part.name, widths, freeze="B2")
            sheet.append([(h, "header") for _, h in EVIDENCE_COLUMNS])
            return sheet

        def close(sheet: _Sheet, part: Part) -> None:
            sheet.close(auto_filter=f"A1:{last_col}{1 + max(part.stop - part.start, 1)}")

        table = _Parted(self.parts["Evidence"], start, close)
        while (policy := (yield)) is not None:
            for finding in policy.findings:
                for record, ev in zip(
                    finding_evidence_records(policy, finding), finding.evidence, strict=True
                ):
                    cells: list[tuple[Value, str] | None] = [
                        (record[k], style) for k, style in columns
                    ]
                    cells[quote] = (self.rich(policy, ev), "wrap")
                    table.next_row().append(cells)
        table.finish()

    def _table(
        self,
        base: str,
        columns: list[tuple[str, str]],
        widths: Mapping[str, float],
        kinds: Mapping[str, str],
        wrap: set[str],
    ) -> Sink[dict[str, Any], None]:
        """A table of records, sent one at a time, one row each."""
        book = self.book
        last_col = column_letter(len(columns))
        styles = [kinds.get(k, "wrap" if k in wrap else "text") for k, _ in columns]

        def start(part: Part) -> _Sheet:
            sheet = book.sheet(part.name, [widths[k] for k, _ in columns], freeze="B2")
            sheet.append([(h, "header") for _, h in columns])
            return sheet

        def close(sheet: _Sheet, part: Part) -> None:
            sheet.close(auto_filter=f"A1:{last_col}{1 + max(part.stop - part.start, 1)}")

        table = _Parted(self.parts[base], start, close)
        while (record := (yield)) is not None:
            table.next_row().append(
                [(record[k], style) for (k, _), style in zip(columns, styles, strict=True)]
            )
        table.finish()

    def _orphans(self) -> None:
        book = self.book
        letter = {key: column_letter(i) for i, (key, _) in enumerate(ORPHAN_COLUMNS, 1)}
        styles = {"verdict": "input", "comment": "input", "reviewer": "input"}
        for part in self.parts[ORPHANS_SHEET]:
            sheet = book.sheet(
                part.name,
                [ORPHAN_WIDTHS[k] for k, _ in ORPHAN_COLUMNS],
                freeze="B2",
                tab=STALE_COLOURS[0],
            )
            sheet.append([(h, "header") for _, h in ORPHAN_COLUMNS])
            for review in self.run.orphaned_reviews[part.start : part.stop]:
                data = review.model_dump(mode="json")
                sheet.append(
                    [
                        (_date_value(data[k]) or None, "date")
                        if k == "reviewed_on"
                        else (data[k] or "", styles.get(k, "wrap"))
                        for k, _ in ORPHAN_COLUMNS
                    ]
                )
            last = 1 + max(part.stop - part.start, 1)
            sheet.verdict_dropdown(f"{letter['verdict']}2:{letter['verdict']}{last}")
            sheet.close(auto_filter=f"A1:{column_letter(len(ORPHAN_COLUMNS))}{last}")

    # --- Run -----------------------------------------------------------------------------

    def _run_sheet(self) -> None:
        run, book, tally = self.run, self.book, self.tally
        sheet = book.sheet("Run", [24, 110], freeze="A2")
        sheet.append([("Item", "header"), ("Value", "header")])
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
            ("Policies", tally.policies),
            ("Findings", tally.findings),
            *((f"Machine {s.value}", tally.machine[s.value]) for s in Status),
            *((f"Final {s}", tally.final[s]) for s in FINAL_STATUSES),
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
            sheet.append([(label, "label"), (value, style)])
        sheet.close()


def _zeros(n: int) -> Sequence[int]:
    """n rows without links, in 1 byte a row."""
    return array("b", bytes(n))


# The sheet groups in reading order. The large ones (HEAVY) take a row per policy, finding or
# snippet: written here they share one pass over the results; with a pool, each goes to a worker
# process, which reads the results itself.
TASKS = ("summary", "findings", "evidence", "checklist", "policies", "run", "orphans")
HEAVY = ("findings", "evidence", "summary", "policies")  # longest first
# HEAVY in two groups of about the same work, each written in one pass (on 10k policies,
# per policy: findings 0.26 ms and policies 0.04; evidence 0.21 and summary 0.05; a pass over a
# spool 0.03): what a pool of two workers gets, so that each reads the results once, not twice.
# The first holds the Findings sheet, which the CSV joins (they share its finding records).
HEAVY_PAIRS = (("findings", "policies"), ("evidence", "summary"))


# A report written in the same pass as a sheet group (see ScorecardJob.submit): made from the
# run and the writer's finding records, which it may share with the Findings sheet.
Companion = Callable[[AuditRun, FindingRecords], Sink[PolicyResult, Any]]


def _render_tasks(
    writer: _Writer,
    tasks: tuple[str, ...],
    folder: Path,
    companions: Sequence[Companion] = (),
) -> dict[str, list[WrittenSheet]]:
    if not companions:
        return writer.render(tasks, folder)
    sinks: list[Sink[PolicyResult, Any]] = [make(writer.run, writer.records) for make in companions]
    return feed([*sinks, writer.rendering(tasks, folder)], writer.run.policies)[-1]


class ScorecardJob:
    """One scorecard being written: `submit` hands the large sheet groups to a process pool
    (each worker reads the results itself), `finish` writes the rest here, waits, and puts the
    parts together into `path` (through a temporary file, replaced in one step)."""

    def __init__(self, run: AuditRun, path: Path, records: FindingRecords | None = None) -> None:
        self.path = path
        self.writer = _Writer(run)
        if records is not None:
            self.writer.records = records
        self.folder = Path(
            tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".parts", dir=path.parent)
        )
        self.futures: dict[str, Future[dict[str, list[WrittenSheet]]]] = {}

    def submit(
        self,
        pool: Executor,
        groups: Sequence[tuple[str, ...]] | None = None,
        companions: Mapping[tuple[str, ...], Sequence[Companion]] | None = None,
    ) -> None:
        """Hand the large sheet groups to `pool`: each group of `groups` (default: each on its
        own) is one task, which writes its sheets in one pass over the results, and with them
        the group's `companions`, other reports written in the same pass."""
        for group in groups or [(task,) for task in HEAVY]:
            others = (companions or {}).get(group, ())
            future = pool.submit(_render_tasks, self.writer, group, self.folder, others)
            for task in group:
                self.futures[task] = future

    def finish(self) -> Path:
        # The results are read here only if some large sheet was not handed to a worker.
        heavy = any(task not in self.futures for task in HEAVY)
        return feed([self.sink()], self.writer.run.policies if heavy else ())[0]

    def sink(self) -> Sink[PolicyResult, Path]:
        """finish as a sink: the results are sent to it one at a time (see sinks)."""
        # What no worker took is written here, the large sheets in one pass together.
        rendering = self.writer.rendering([t for t in TASKS if t not in self.futures], self.folder)
        try:
            next(rendering)
            while (policy := (yield)) is not None:
                rendering.send(policy)
            done = finish(rendering)
            for task, future in self.futures.items():
                done[task] = future.result()[task]
            sheets = [sheet for task in TASKS for sheet in done[task]]
            with atomic_output(self.path, "wb") as out:
                assemble(out, sheets, _stylesheet(), self.writer.props())
        except BaseException:
            rendering.close()  # its sheets stop writing before their folder is removed
            raise
        finally:
            self.cancel()
        return self.path

    def cancel(self) -> None:
        """Stop what has not started, wait for what has, and remove the parts."""
        futures = set(self.futures.values())
        if futures:  # imported only then: a scorecard written in one process never needs it
            from concurrent.futures import wait

            for future in futures:
                future.cancel()
            wait(futures)  # nothing may still write into the folder
        shutil.rmtree(self.folder, ignore_errors=True)


def write_xlsx(run: AuditRun, path: Path) -> Path:
    """Write the scorecard to `path`, in this process."""
    return ScorecardJob(run, path).finish()


def xlsx_sink(
    run: AuditRun, path: Path, records: FindingRecords | None = None
) -> Sink[PolicyResult, Path]:
    """write_xlsx as a sink: the results are sent to it one at a time (see sinks); `records`
    may be shared with other sinks of the same pass."""
    return (yield from ScorecardJob(run, path, records).sink())
