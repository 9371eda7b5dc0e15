"""A streaming SpreadsheetML (.xlsx) writer: rows go straight to compressed parts, memory flat.

openpyxl builds a cell object per cell and serialises it through an XML library; for a
100,000-policy scorecard (millions of cells) that took most of ten minutes and gigabytes of
memory. This writer emits the XML text itself, one sheet at a time, in chunks that a
background thread compresses into a part file (zlib releases the GIL, so compression overlaps
the Python that builds the rows). Sheets may be written by several processes at once;
`assemble` then writes the zip around the parts (auditor.reporters.zipout). It writes only
what the scorecard uses: inline strings and rich text, numbers, styles, column widths, hidden
columns, frozen panes, auto filters, conditional formats, list validations, internal links,
print set-up and document properties, in ECMA-376 element order; the result reads back in
openpyxl, Excel and LibreOffice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import IO

from auditor.reporters.zipout import Deflated, DeflateFile, deflate, write_zip
from auditor.xlsx_read import column_letter  # one definition for the reader and the writer

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's 1900 date system, past its leap bug

# Number formats Excel knows by id; others get ids from 164 up.
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0%": 9, "@": 49}
CHUNK = 1 << 18  # bytes of XML gathered before a chunk goes to the compressor


def escape(text: str) -> str:
    """Text for an XML text node or attribute value. Carriage returns and tabs are written as
    references, so an XML reader gives them back instead of normalising them away."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def text_element(text: str) -> str:
    """A <t> element; leading or trailing white space is kept (xml:space)."""
    if text[:1].isspace() or text[-1:].isspace():
        return '<t xml:space="preserve">' + escape(text) + "</t>"
    return "<t>" + escape(text) + "</t>"


def excel_date(value: dt.date) -> int:
    """A date as Excel's serial day number."""
    return (value - _EXCEL_EPOCH).days


# --- Styles ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Font:
    """A cell or rich-text run font."""

    name: str = "Arial"
    size: float = 10
    bold: bool = False
    underline: bool = False
    colour: str | None = None  # RGB hex, e.g. "1F4E79"

    def xml(self, tag: str = "font", name_tag: str = "name") -> str:
        parts = [f'<{name_tag} val="{escape(self.name)}"/>']
        if self.bold:
            parts.append('<b val="1"/>')
        if self.colour:
            parts.append(f'<color rgb="00{self.colour}"/>')
        parts.append(f'<sz val="{_num(self.size)}"/>')
        if self.underline:
            parts.append('<u val="single"/>')
        return f"<{tag}>" + "".join(parts) + f"</{tag}>"


@dataclass(frozen=True)
class Style:
    """A cell style: font, solid fill, thin bottom border, number format, alignment."""

    font: Font = Font()
    fill: str | None = None
    border_bottom: str | None = None  # colour of a thin bottom border
    number_format: str = "General"
    horizontal: str | None = None
    vertical: str | None = None
    wrap: bool = False
    quote_prefix: bool = False


def _fill_xml(colour: str) -> str:
    return (
        f'<fill><patternFill patternType="solid"><fgColor rgb="00{colour}"/>'
        f'<bgColor rgb="00{colour}"/></patternFill></fill>'
    )


@dataclass
class StyleSheet:
    """Named cell styles and conditional-format styles, rendered as styles.xml."""

    _default_font: str = (
        '<font><name val="Calibri"/><family val="2"/><color theme="1"/><sz val="11"/>'
        '<scheme val="minor"/></font>'
    )
    fonts: list[str] = field(default_factory=list)
    fills: list[str] = field(
        default_factory=lambda: [
            "<fill><patternFill/></fill>",
            '<fill><patternFill patternType="gray125"/></fill>',
        ]
    )
    borders: list[str] = field(
        default_factory=lambda: ["<border><left/><right/><top/><bottom/><diagonal/></border>"]
    )
    formats: dict[str, int] = field(default_factory=dict)
    xfs: list[str] = field(
        default_factory=lambda: ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
    )
    dxfs: list[str] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)
    wrapping: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.fonts.append(self._default_font)

    @staticmethod
    def _index(table: list[str], item: str) -> int:
        if item not in table:
            table.append(item)
        return table.index(item)

    def add(self, name: str, style: Style) -> int:
        """Register `style` under `name`; returns its cell-format index."""
        font = self._index(self.fonts, style.font.xml())
        fill = self._index(self.fills, _fill_xml(style.fill)) if style.fill else 0
        border = 0
        if style.border_bottom:
            border = self._index(
                self.borders,
                f'<border><bottom style="thin"><color rgb="00{style.border_bottom}"/>'
                "</bottom></border>",
            )
        fmt = _BUILTIN_FORMATS.get(style.number_format)
        if fmt is None:
            fmt = self.formats.setdefault(style.number_format, 164 + len(self.formats))
        align = "".join(
            f' {k}="{v}"'
            for k, v in (
                ("horizontal", style.horizontal),
                ("vertical", style.vertical),
                ("wrapText", "1" if style.wrap else None),
            )
            if v
        )
        xf = (
            f'<xf numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="{border}" '
            f'xfId="0" quotePrefix="{int(style.quote_prefix)}"'
            + (
                ' applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1"'
                ' applyAlignment="1"'
            )
            + (f"><alignment{align}/></xf>" if align else "/>")
        )
        index = self._index(self.xfs, xf)
        self.ids[name] = index
        if style.wrap:
            self.wrapping.add(index)
        return index

    def dxf(self, font_colour: str, fill: str) -> int:
        """A conditional-format style (bold coloured font on a solid fill); its dxf index."""
        xml = (
            f'<dxf><font><b val="1"/><color rgb="00{font_colour}"/></font>'
            + _fill_xml(fill)
            + "</dxf>"
        )
        return self._index(self.dxfs, xml)

    def xml(self) -> str:
        formats = "".join(
            f'<numFmt numFmtId="{i}" formatCode="{escape(code)}"/>'
            for code, i in self.formats.items()
        )

        def table(tag: str, items: Sequence[str]) -> str:
            return f'<{tag} count="{len(items)}">' + "".join(items) + f"</{tag}>"

        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_MAIN}">'
            + (f'<numFmts count="{len(self.formats)}">{formats}</numFmts>' if formats else "")
            + table("fonts", self.fonts)
            + table("fills", self.fills)
            + table("borders", self.borders)
            + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            + table("cellXfs", self.xfs)
            + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles>"
            + table("dxfs", self.dxfs)
            + '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
            'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
        )


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# --- Cells -------------------------------------------------------------------------------


def text_cell(ref: str, style: int, text: str) -> str:
    """An inline-string cell: never a formula, whatever the text starts with."""
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is>{text_element(text)}</is></c>'


def rich_cell(ref: str, style: int, runs: Iterable[tuple[str, Font]]) -> str:
    """An inline rich-text cell, each run with its own font."""
    body = "".join("<r>" + _rpr(font) + text_element(text) + "</r>" for text, font in runs if text)
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is>{body}</is></c>'


@functools.lru_cache(maxsize=64)
def _rpr(font: Font) -> str:
    return font.xml("rPr", "rFont")


def run_start(font: Font) -> str:
    """The opening of a rich-text run in `font`, up to its text (see rich_cell)."""
    return "<r>" + _rpr(font)


def number_cell(ref: str, style: int, value: float | int | bool) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
    return (
        f'<c r="{ref}" s="{style}"><v>{_num(value) if isinstance(value, float) else value}</v></c>'
    )


def empty_cell(ref: str, style: int) -> str:
    """A styled cell with no value (what a reviewer types there takes the style)."""
    return f'<c r="{ref}" s="{style}"/>'


# --- Sheets ------------------------------------------------------------------------------


@dataclass
class SheetSetup:
    """Everything about a sheet that is not its rows."""

    name: str
    widths: Sequence[float]
    hidden: Iterable[int] = ()  # 1-based column numbers
    freeze: str | None = None  # the top-left cell of the scrolling pane, e.g. "C2"
    tab: str | None = None
    title_rows: tuple[int, int] = (1, 1)  # rows repeated on every printed page
    pages_wide: int = 1


@dataclass
class _Tail:
    """What follows the rows: filter, formats, validation, links."""

    auto_filter: str | None = None
    formats: list[tuple[str, list[tuple[str, int]]]] = field(default_factory=list)
    validations: list[str] = field(default_factory=list)


class _Links:
    """A sheet's hyperlinks, which the XML puts after all its rows, gathered as they are made.

    A sheet may hold 65,530 of them (Excel's limit; five a policy on Summary), about 13 MB of
    XML, held once as strings and twice more while joined and encoded: most of a scorecard
    worker's memory. So they are kept encoded, and past a chunk in a file beside the sheet's
    part, and copied in after the rows a chunk at a time.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._parts: list[bytes] = []
        self._size = 0
        self._file: IO[bytes] | None = None

    def add(self, xml: str) -> None:
        data = xml.encode("utf-8", "surrogatepass")
        self._parts.append(data)
        self._size += len(data)
        self.count += 1
        if self._size >= CHUNK:
            if self._file is None:
                self._file = self.path.open("w+b")
            self._file.write(b"".join(self._parts))
            self._parts.clear()
            self._size = 0

    def chunks(self) -> Iterator[bytes]:
        """The links' XML, in order, a chunk at a time."""
        if self._file is not None:
            self._file.seek(0)
            while chunk := self._file.read(CHUNK):
                yield chunk
        if self._parts:
            yield b"".join(self._parts)

    def discard(self) -> None:
        """Close and remove the file, if there is one."""
        self._parts.clear()
        if self._file is not None:
            self._file.close()
            self._file = None
            self.path.unlink(missing_ok=True)


def _pane(freeze: str) -> str:
    col = 0
    for ch in freeze:
        if not ch.isalpha():
            break
        col = col * 26 + ord(ch.upper()) - 64
    row = int(freeze.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
    x, y = col - 1, row - 1
    pane = "bottomRight" if x and y else "bottomLeft" if y else "topRight"
    splits = (f' xSplit="{x}"' if x else "") + (f' ySplit="{y}"' if y else "")
    return (
        f'<pane{splits} topLeftCell="{freeze}" activePane="{pane}" state="frozen"/>'
        f'<selection pane="{pane}" activeCell="{freeze}" sqref="{freeze}"/>'
    )


@dataclass(frozen=True)
class WrittenSheet:
    """A finished sheet: its compressed XML and what the workbook part says about it."""

    name: str
    auto_filter: str | None
    title_rows: tuple[int, int]
    part: Deflated


class Sheet:
    """One worksheet being written: rows are appended in order, then `close` writes the tail.

    Rows are XML text; they are gathered into chunks that a background thread compresses into
    a file of raw deflate data in `folder` (zlib releases the GIL, so compression overlaps the
    Python that builds the rows), so at most a few chunks are ever held in memory. Sheets can
    be written by several processes at once; `assemble` puts them in one workbook.
    """

    def __init__(self, setup: SheetSetup, folder: Path, key: str) -> None:
        self.setup = setup
        self.rows = 0
        self.tail = _Tail()
        self.links = _Links(folder / f"{key}.links")
        self._parts: list[bytes] = []
        self._size = 0
        self._sink = _Compressor(DeflateFile(folder / f"{key}.deflate", key))
        self._emit(self._head())

    def _head(self) -> str:
        s = self.setup
        tab = f'<tabColor rgb="00{s.tab}"/>' if s.tab else ""
        view = _pane(s.freeze) if s.freeze else ""
        hidden = set(s.hidden)
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{_num(w)}" customWidth="1"'
            + (' hidden="1"' if i in hidden else "")
            + "/>"
            for i, w in enumerate(s.widths, start=1)
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" '
            f'xmlns:r="{_REL}"><sheetPr>{tab}<outlinePr summaryBelow="1" summaryRight="1"/>'
            '<pageSetUpPr fitToPage="1"/></sheetPr>'
            f'<sheetViews><sheetView workbookViewId="0">{view}</sheetView></sheetViews>'
            '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "")
            + "<sheetData>"
        )

    def _emit(self, text: str) -> None:
        # Encoded a row at a time: an ASCII row (most of them) encodes as a copy, whereas in a
        # chunk holding one wider character every character is widened, then encoded one by one.
        self._put(text.encode("utf-8", "surrogatepass"))

    def _put(self, data: bytes) -> None:
        self._parts.append(data)
        self._size += len(data)
        if self._size >= CHUNK:
            self._sink.put(b"".join(self._parts))
            self._parts.clear()
            self._size = 0

    def row(self, cells: str, height: float | None = None) -> int:
        """Append one row (its cells' XML); returns its 1-based number."""
        self.rows += 1
        if height is None:
            self._emit(f'<row r="{self.rows}">{cells}</row>')
        else:
            self._emit(f'<row r="{self.rows}" ht="{_num(height)}" customHeight="1">{cells}</row>')
        return self.rows

    def link(self, ref: str, location: str, tooltip: str, display: str) -> None:
        """An internal link on cell `ref` to `location` (e.g. 'Findings'!A2)."""
        self.links.add(
            f'<hyperlink ref="{ref}" location="{escape(location)}" '
            f'tooltip="{escape(tooltip)}" display="{escape(display)}"/>'
        )

    def close(self) -> WrittenSheet:
        """Write the tail and finish the compressed part."""
        t, s = self.tail, self.setup
        out = ["</sheetData>"]
        if t.auto_filter:
            out.append(f'<autoFilter ref="{t.auto_filter}"/>')
        priority = 0
        for ref, rules in t.formats:
            out.append(f'<conditionalFormatting sqref="{ref}">')
            for value, dxf in rules:
                priority += 1
                out.append(
                    f'<cfRule type="cellIs" dxfId="{dxf}" priority="{priority}" '
                    f'operator="equal"><formula>{escape(value)}</formula></cfRule>'
                )
            out.append("</conditionalFormatting>")
        if t.validations:
            out.append(f'<dataValidations count="{len(t.validations)}">')
            out.extend(t.validations)
            out.append("</dataValidations>")
        for part in out:
            self._emit(part)
        if self.links.count:
            self._emit("<hyperlinks>")
            for chunk in self.links.chunks():
                self._put(chunk)
            self._emit("</hyperlinks>")
        self.links.discard()
        self._emit(
            '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.5" '
            'footer="0.5"/>'
            f'<pageSetup paperSize="9" orientation="landscape" fitToWidth="{s.pages_wide}" '
            'fitToHeight="0" pageOrder="overThenDown"/>'
            "<headerFooter><oddFooter>&amp;C&amp;8 &amp;A, page &amp;P of &amp;N</oddFooter>"
            "</headerFooter></worksheet>"
        )
        self._sink.put(b"".join(self._parts))
        self._parts.clear()
        return WrittenSheet(s.name, t.auto_filter, s.title_rows, self._sink.close())

    def abort(self) -> None:
        """Stop the background thread after a failure (the part file is left to the caller)."""
        self.links.discard()
        self._sink.abort()


class _Compressor:
    """Feeds text chunks to a DeflateFile from a background thread; errors surface on the next
    call from the writing thread."""

    def __init__(self, out: DeflateFile) -> None:
        self._out = out
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"xlsx {out.name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while (chunk := self._queue.get()) is not None:
                self._out.write(chunk)
        except BaseException as exc:  # handed to the writing thread on its next call
            self._error = exc
            while self._queue.get() is not None:  # drain, so the writer never blocks
                pass

    def put(self, data: bytes) -> None:
        self._check()
        self._queue.put(data)

    def close(self) -> Deflated:
        self._queue.put(None)
        self._thread.join()
        self._check()
        return self._out.finish()

    def abort(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        self._out.discard()

    def _check(self) -> None:
        if self._error is not None:
            self._out.discard()
            raise self._error


@dataclass
class DocProps:
    creator: str
    title: str
    created: dt.datetime | None = None  # naive UTC


def assemble(
    stream: IO[bytes], sheets: Sequence[WrittenSheet], styles: StyleSheet, props: DocProps
) -> None:
    """Write the workbook: the sheets in the order given, with the parts around them."""
    # The default theme Excel expects beside the styles: openpyxl's, copied (data/README.md)
    # because importing openpyxl for it cost every audit about 60 ms.
    theme_xml = (resources.files("auditor.reporters") / "data" / "theme1.xml").read_bytes().decode()

    stamp = (props.created or dt.datetime(2000, 1, 1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    n = len(sheets)
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="/xl/worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    office = "application/vnd.openxmlformats-officedocument"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
        for i in range(1, n + 1)
    )
    small = {
        "docProps/app.xml": (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties"><Application>Microsoft Excel</Application></Properties>'
        ),
        "docProps/core.xml": (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:creator>{escape(props.creator)}</dc:creator>"
            f"<dc:title>{escape(props.title)}</dc:title>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            "</cp:coreProperties>"
        ),
        "xl/theme/theme1.xml": theme_xml,
        "xl/styles.xml": styles.xml(),
        "xl/workbook.xml": _workbook_xml(sheets),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG_REL}">{rels}'
            f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{_REL}/theme" Target="theme/theme1.xml"/>'
            "</Relationships>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" '
            'Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" '
            'Target="docProps/app.xml"/></Relationships>'
        ),
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{office}.spreadsheetml.sheet.'
            'main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{office}.spreadsheetml.styles+xml"/>'
            f'<Override PartName="/xl/theme/theme1.xml" ContentType="{office}.theme+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.'
            'openxmlformats-package.core-properties+xml"/>'
            f'<Override PartName="/docProps/app.xml" ContentType="{office}.extended-properties'
            f'+xml"/>{overrides}</Types>'
        ),
    }
    entries = [deflate(name, xml.encode("utf-8")) for name, xml in small.items()]
    # Content types first, as Excel writes it (some tools sniff the first entry).
    entries.insert(0, entries.pop())
    for i, sheet in enumerate(sheets, start=1):
        entries.append(dataclasses.replace(sheet.part, name=f"xl/worksheets/sheet{i}.xml"))
    write_zip(stream, entries)


def _workbook_xml(sheets: Sequence[WrittenSheet]) -> str:
    listed = "".join(
        f'<sheet name="{escape(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, s in enumerate(sheets, start=1)
    )
    names = []
    for i, s in enumerate(sheets):
        quoted = "'" + s.name.replace("'", "''") + "'"
        if s.auto_filter:
            a, b = s.auto_filter.split(":")
            names.append(
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                f"{escape(quoted)}!{_absolute(a)}:{_absolute(b)}</definedName>"
            )
        first, last = s.title_rows
        names.append(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
            f"{escape(quoted)}!${first}:${last}</definedName>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" '
        f'xmlns:r="{_REL}"><workbookPr/><bookViews><workbookView activeTab="0"/>'
        f"</bookViews><sheets>{listed}</sheets>"
        + (f"<definedNames>{''.join(names)}</definedNames>" if names else "")
        + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _absolute(ref: str) -> str:
    """A1 -> $A$1."""
    split = next(i for i, ch in enumerate(ref) if ch.isdigit())
    return f"${ref[:split]}${ref[split:]}"


def list_validation(ref: str, options: Sequence[str], title: str, prompt: str) -> str:
    """A drop-down of `options` on `ref` that refuses any other value."""
    formula = '"' + ",".join(options) + '"'
    error = "Choose one of: " + ", ".join(options) + "."
    return (
        f'<dataValidation type="list" errorStyle="stop" allowBlank="1" showInputMessage="1" '
        f'showErrorMessage="1" errorTitle="{escape(title)}" error="{escape(error)}" '
        f'promptTitle="{escape(title)}" prompt="{escape(prompt)}" sqref="{ref}">'
        f"<formula1>{escape(formula)}</formula1></dataValidation>"
    )


__all__ = [
    "DocProps",
    "Font",
    "Sheet",
    "SheetSetup",
    "Style",
    "StyleSheet",
    "WrittenSheet",
    "assemble",
    "column_letter",
    "empty_cell",
    "escape",
    "excel_date",
    "list_validation",
    "number_cell",
    "rich_cell",
    "run_start",
    "text_cell",
    "text_element",
]
