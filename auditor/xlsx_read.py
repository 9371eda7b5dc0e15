"""Read a few columns of an xlsx workbook fast, with the values openpyxl's read-only mode gives.

openpyxl builds a cell object per cell (about 1.5 ms per scorecard row); reading the reviews of a
100,000-policy scorecard took minutes. This module reads the zip parts itself. A sheet is
scanned as bytes, and only the rows that may hold a value in the columns the caller cares about
are parsed as XML. A sheet whose markup is unusual (comments, namespace declarations, cells
without `r`, shared formulas, ...) is parsed whole instead, element by element, as openpyxl does
(`openpyxl/worksheet/_reader.py`, whose rules every value here follows).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree as ET
from xml.parsers import expat

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
# openpyxl's order of preference among workbook parts (reader/excel.py _find_workbook_part).
_WORKBOOK_TYPES = [
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
]
_SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
_STYLES_PART = "xl/styles.xml"  # openpyxl reads the stylesheet from this fixed name
_WINDOWS_EPOCH = dt.datetime(1899, 12, 30)
_MAC_EPOCH = dt.datetime(1904, 1, 1)

_ROW, _C, _V, _F, _IS = (f"{{{MAIN_NS}}}{n}" for n in ("row", "c", "v", "f", "is"))
_SI = f"{{{MAIN_NS}}}si"
_CHUNK = 1 << 22
_MAX_BUFFER = 1 << 26  # a "row" this long means the byte scan lost track: parse instead

# Byte patterns of the scan. Outside comments, CDATA and processing instructions (a chunk with
# any falls back to parsing) every `<` in XML starts a tag: text and attribute values cannot hold
# one. An attribute is matched with its quotes, since a value may hold `>`.
_ATTRS = rb"""(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*"""
# Comments, CDATA, processing instructions, namespace declarations, shared formulas.
_ODD = (b"<!", b"<?", b"xmlns", b'"shared"', b"'shared'")
# A tag where a row holds something other than a cell, or sheetData something other than a row.
_STRUCTURE = re.compile(
    rb"(?:<row\b" + _ATTRS + rb">|</c\s*>|<c\b" + _ATTRS + rb"/>)[^<]*<(?!c\s|/row\s*>)"
    rb"|(?:</row\s*>|<row\b" + _ATTRS + rb"/>)[^<]*<(?!row\s)"
)
_STARTS_WITH_ROW = re.compile(rb"[^<]*(?:<row\s|\Z)")
_ODD_CELL = re.compile(rb'<c(?=[\s/>])(?!\s+r="[A-Z]{1,3}[1-9][0-9]*"[\s/>])')
_ODD_ROW = re.compile(rb'<row(?=[\s/>])(?!\s+r="[1-9][0-9]*"[\s/>])')
_ROW_TAGS = re.compile(rb'<row\s+r="([0-9]+)"' + _ATTRS + rb"(/?)>|</row\s*>")
_ROW_END = re.compile(rb"</row\s*>")
_ANY_ROW = re.compile(rb"<(?:[^\s/>!?]*:)?row[\s/>]")
_COORDINATE = re.compile(r"([A-Z]{1,3})([0-9]+)")
_SPACE = (b" ", b"\t", b"\n", b"\r")


class Fallback(Exception):
    """The byte scan cannot vouch for this sheet; parse it element by element."""


def column_letter(index: int) -> str:
    """The letters of a 1-based column index (1 -> A, 27 -> AA)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index


def _localname(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else "comment"


def _text_content(node: ET.Element) -> str:
    """An inline or shared string without its formatting (openpyxl's Text.content)."""
    plain: str | None = None
    runs: list[str] = []
    for child in node:
        name = _localname(child.tag)
        if name == "t":
            plain = child.text
        elif name == "r":
            run: str | None = None
            for part in child:
                if _localname(part.tag) == "t":
                    run = part.text
            if run is not None:
                runs.append(run)
    return (plain or "") + "".join(runs)


def _dates() -> Any:
    """openpyxl's date conversions, imported when a date cell is read (it takes 70 ms)."""
    from openpyxl.utils import datetime  # type: ignore[import-untyped]

    return datetime


def _cast_number(text: str) -> int | float:
    return float(text) if "." in text or "E" in text or "e" in text else int(text)


class _SheetState:
    """What openpyxl carries from row to row: the row and column counters, shared formulas."""

    def __init__(self) -> None:
        self.row = 0
        self.column = 0
        self.formulae: dict[str | None, Any] = {}


class Workbook:
    """An open xlsx file: its sheet names and a fast reader of selected columns.

    Opening reads what openpyxl's `load_workbook` reads first (content types, workbook,
    relationships, styles), so a damaged file fails here, as it did there.
    """

    def __init__(self, path: Path) -> None:
        self.archive = zipfile.ZipFile(path)
        try:
            self._open()
        except BaseException:
            self.archive.close()
            raise

    def _open(self) -> None:
        names = set(self.archive.namelist())
        types = ET.fromstring(self.archive.read("[Content_Types].xml"))
        overrides = [
            (el.get("PartName", ""), el.get("ContentType"))
            for el in types
            if _localname(el.tag) == "Override"
        ]
        defaults = {el.get("ContentType") for el in types if _localname(el.tag) == "Default"}
        part = next((p for t in _WORKBOOK_TYPES for p, ct in overrides if ct == t), None)
        if part is None:
            if not defaults & set(_WORKBOOK_TYPES):
                raise OSError("File contains no valid workbook part")
            part = "/xl/workbook.xml"
        strings = next((p for p, ct in overrides if ct == _SHARED_STRINGS_TYPE), None)
        self._strings_part = strings[1:] if strings else None
        self._shared: list[str] | None = None
        workbook_part = part[1:]
        root = ET.fromstring(self.archive.read(workbook_part))
        self.epoch = _WINDOWS_EPOCH
        sheets: list[tuple[str, str | None, str]] = []
        for child in root:
            name = _localname(child.tag)
            if name == "workbookPr":
                date1904 = child.get("date1904")
                if date1904 is not None and date1904 not in ("false", "f", "0", ""):
                    self.epoch = _MAC_EPOCH
            elif name == "sheets":
                sheets += [
                    (s.get("name", ""), s.get(f"{{{_REL_NS}}}id"), s.get("state", "visible"))
                    for s in child
                    if _localname(s.tag) == "sheet"
                ]
        folder, base = posixpath.split(workbook_part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        rels: dict[str | None, tuple[str, str]] = {}
        for rel in ET.fromstring(self.archive.read(rels_part)):
            if rel.tag != f"{{{_PKG_REL_NS}}}Relationship":
                continue
            target = rel.get("Target", "")
            if rel.get("TargetMode") != "External":
                # Relative targets are relative to the workbook's folder (openpyxl get_dependents).
                parent = posixpath.split(posixpath.dirname(rels_part))[0]
                target = (
                    target[1:]
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(parent, target))
                )
            rels[rel.get("Id")] = (target, rel.get("Type", ""))
        self._parts: dict[str, str] = {}
        self.sheetnames: list[str] = []
        for name, rel_id, _state in sheets:
            if not rel_id:
                continue  # openpyxl drops a sheet without a relationship id
            target, kind = rels[rel_id]
            if target not in names:
                continue
            self.sheetnames.append(name)
            if "chartsheet" not in kind:
                self._parts.setdefault(name, target)
        self._styles = self._read_styles() if _STYLES_PART in names else None
        self._dates: tuple[frozenset[int], frozenset[int]] | None = None

    def close(self) -> None:
        self.archive.close()

    def _read_styles(self) -> list[tuple[int, bool, str | None]]:
        """(number format id, is it custom, custom format code) of each cell style (cellXfs)."""
        root = ET.fromstring(self.archive.read(_STYLES_PART))
        custom: dict[int, str | None] = {}
        numbers: list[int] = []
        for child in root:
            name = _localname(child.tag)
            if name == "numFmts":
                for fmt in child:
                    if _localname(fmt.tag) == "numFmt":
                        custom[int(fmt.get("numFmtId", "0"))] = fmt.get("formatCode")
            elif name == "cellXfs":
                numbers += [
                    int(xf.get("numFmtId", "0")) for xf in child if _localname(xf.tag) == "xf"
                ]
        # openpyxl looks a format id up among the custom ones first, then the built-in ones.
        return [(n, n in custom, custom.get(n)) for n in numbers]

    def _date_styles(self) -> tuple[frozenset[int], frozenset[int]]:
        """Style ids openpyxl reads as dates, and those it reads as durations."""
        if self._dates is None:
            dates: set[int] = set()
            durations: set[int] = set()
            if self._styles:
                # The rules themselves are openpyxl's, so the two readers cannot disagree.
                from openpyxl.styles.numbers import (  # type: ignore[import-untyped]
                    builtin_format_code,
                    is_date_format,
                    is_timedelta_format,
                )

                for index, (number, is_custom, code) in enumerate(self._styles):
                    fmt = code if is_custom else builtin_format_code(number)
                    if is_date_format(fmt):
                        dates.add(index)
                    if is_timedelta_format(fmt):
                        durations.add(index)
            self._dates = (frozenset(dates), frozenset(durations))
        return self._dates

    def _shared_strings(self) -> list[str]:
        if self._shared is None:
            strings: list[str] = []
            if self._strings_part:
                with self.archive.open(self._strings_part) as src:
                    for _, node in ET.iterparse(src):
                        if node.tag == _SI:
                            strings.append(_text_content(node).replace("x005F_", ""))
                            node.clear()
            self._shared = strings
        return self._shared

    # --- cells -----------------------------------------------------------------------------

    def _cell(self, el: ET.Element, state: _SheetState) -> tuple[int, Any]:
        """(column, value) of one child of a row, as openpyxl's WorkSheetParser.parse_cell."""
        kind = el.get("t", "n")
        coordinate = el.get("r")
        style: Any = el.get("s", 0)
        if style:
            style = int(style)
        value: Any = None if kind == "inlineStr" else (el.findtext(_V, None) or None)
        if coordinate:
            match = _COORDINATE.fullmatch(coordinate)
            if match:
                state.column = _column_index(match.group(1))
            else:
                from openpyxl.utils.cell import (  # type: ignore[import-untyped]
                    coordinate_to_tuple,
                )

                state.column = coordinate_to_tuple(coordinate)[1]
        else:
            state.column += 1
        formula = el.find(_F)
        if formula is not None:
            return state.column, self._formula(formula, coordinate, state)
        if value is not None:
            if kind == "n":
                value = _cast_number(value)
                dates, durations = self._date_styles()
                if style in dates:
                    try:
                        value = _dates().from_excel(value, self.epoch, timedelta=style in durations)
                    except (OverflowError, ValueError):
                        value = "#VALUE!"  # openpyxl's value for a date out of range
            elif kind == "s":
                value = self._shared_strings()[int(value)]
            elif kind == "b":
                value = bool(int(value))
            elif kind == "d":
                value = _dates().from_ISO8601(value)
        elif kind == "inlineStr":
            child = el.find(_IS)
            if child is not None:
                value = _text_content(child)
        return state.column, value

    def _formula(self, formula: ET.Element, coordinate: str | None, state: _SheetState) -> str:
        """A formula as its text with "=", as openpyxl gives it with data_only=False."""
        value = "=" + (formula.text or "")
        if formula.get("t") == "shared":
            key = formula.get("si")
            if key in state.formulae:
                return str(state.formulae[key].translate_formula(coordinate))
            if value != "=":
                from openpyxl.formula.translate import (  # type: ignore[import-untyped]
                    Translator,
                )

                state.formulae[key] = Translator(value, coordinate)
        # An array or data-table formula is an object in openpyxl, whose text is this one.
        return value

    def _row(self, row: ET.Element, state: _SheetState) -> tuple[int, list[Any]]:
        """(row number, values from column 1 to the row's last cell), as openpyxl reads them."""
        number = row.get("r")
        if number is not None:
            try:
                state.row = int(number)
            except ValueError:
                as_float = float(number)
                if not as_float.is_integer():
                    raise ValueError(f"{number} is not a valid row number") from None
                state.row = int(as_float)
        else:
            state.row += 1
        state.column = 0
        cells = [self._cell(el, state) for el in row]
        if not cells:
            return state.row, []
        width = cells[-1][0]  # openpyxl sizes a row by its last cell, not its widest
        values: list[Any] = [None] * width
        for column, value in cells:
            if 1 <= column <= width:
                values[column - 1] = value
        return state.row, values

    # --- sheets ----------------------------------------------------------------------------

    def header(self, sheet: str) -> list[Any]:
        """The values of row 1 (empty if the sheet's first row is a later one)."""
        for number, values in self._parse(self._parts[sheet]):
            return values if number == 1 else []
        return []

    def rows(
        self, sheet: str, wanted: Collection[int] | None = None
    ) -> Iterator[tuple[int, list[Any]]]:
        """(row number, values from column 1) of the rows openpyxl's `iter_rows` gives.

        Rows come in order; rows openpyxl fills in for gaps are left out. With `wanted`
        (1-based column indexes), rows with no value in a wanted column may be left out too,
        which is what makes reading fast.
        """
        part = self._parts[sheet]
        done = 0
        if wanted:
            try:
                for number, values in self._scan(part, frozenset(wanted)):
                    done = number
                    yield number, values
                return
            except Fallback:
                pass  # rows up to `done` were vouched for: go on from there
        for number, values in self._parse(part):
            if number > done:
                yield number, values

    def _parse(self, part: str) -> Iterator[tuple[int, list[Any]]]:
        """Every row, element by element: openpyxl's own walk (ReadOnlyWorksheet)."""
        state = _SheetState()
        expected = 1
        with self.archive.open(part) as src:
            for _, el in ET.iterparse(src):
                if el.tag == _ROW:
                    number, values = self._row(el, state)
                    el.clear()
                    if number >= expected:  # openpyxl drops a row that goes backwards
                        expected = number + 1
                        yield number, values

    def _scan(self, part: str, wanted: frozenset[int]) -> Iterator[tuple[int, list[Any]]]:
        """The rows that may hold a value in a wanted column, found in the bytes of the sheet."""
        with self.archive.open(part) as src:
            buffer, namespaces = _head(src)
            hit = _hit_pattern(wanted)
            opening = "<w " + " ".join(
                f"xmlns{':' + p if p else ''}={_quoteattr(uri)}" for p, uri in namespaces.items()
            )
            wrap = (opening + ">").encode(), b"</w>"
            last = 0
            done = False
            while not done:
                data = src.read(_CHUNK)
                buffer += data
                end = buffer.find(b"</sheetData")
                if end >= 0:
                    chunk, tail = buffer[:end], buffer[end:]
                    done = True
                elif not data:
                    raise Fallback  # no end of sheetData: let the parser report it
                else:
                    cut = buffer.rfind(b"</row>")
                    if cut < 0:
                        if len(buffer) > _MAX_BUFFER:
                            raise Fallback
                        continue
                    chunk, buffer = buffer[: cut + 6], buffer[cut + 6 :]
                last = _check(chunk, last)
                yield from self._hits(chunk, hit, wrap)
            # openpyxl takes a row from anywhere in the sheet, even after sheetData.
            while True:
                if _ANY_ROW.search(tail):
                    raise Fallback
                more = src.read(_CHUNK)
                if not more:
                    break
                tail = tail[-16:] + more

    def _hits(
        self, chunk: bytes, hit: re.Pattern[bytes], wrap: tuple[bytes, bytes]
    ) -> Iterator[tuple[int, list[Any]]]:
        """Parse each row of `chunk` that has a cell with content in a wanted column."""
        after = 0
        for match in hit.finditer(chunk):
            if match.start() < after:
                continue  # another hit in a row already read
            start = chunk.rfind(b"<row", 0, match.start())
            while start >= 0 and chunk[start + 4 : start + 5] not in _SPACE:
                start = chunk.rfind(b"<row", 0, start)  # `<rowX` inside a cell
            close = _ROW_END.search(chunk, match.end())
            if start < 0 or close is None:
                raise Fallback
            after = close.end()
            row = ET.fromstring(wrap[0] + chunk[start:after] + wrap[1])[0]
            number, values = self._row(row, _SheetState())
            yield number, values


# `&` first, so that no entity is escaped twice; line breaks and tabs as character references,
# since a parser reads them as spaces in an attribute.
_ATTRIBUTE_ENTITIES = [
    ("&", "&amp;"),
    (">", "&gt;"),
    ("<", "&lt;"),
    ('"', "&quot;"),
    ("\n", "&#10;"),
    ("\r", "&#13;"),
    ("\t", "&#9;"),
]


def _quoteattr(value: str) -> str:
    """`value` as a double-quoted XML attribute that parses back to it, as xml.sax.saxutils's
    quoteattr (whose module imports urllib.request, http.client and ssl: 8 ms of start-up)."""
    for char, entity in _ATTRIBUTE_ENTITIES:
        value = value.replace(char, entity)
    return f'"{value}"'


def _head(src: IO[bytes]) -> tuple[bytes, dict[str, str]]:
    """The bytes after the sheetData start tag, and the namespaces declared there.

    Raises Fallback unless the unprefixed names there are the main namespace, no prefix is
    bound to it (a prefixed cell would escape the scan), and no DTD may define entities.
    """
    parser = expat.ParserCreate(namespace_separator="}")
    scope: list[tuple[str, str]] = []
    found: list[int] = []

    class Found(Exception):
        pass

    def start_ns(prefix: str | None, uri: str) -> None:
        scope.append((prefix or "", uri))

    def end_ns(prefix: str | None) -> None:
        for i in range(len(scope) - 1, -1, -1):
            if scope[i][0] == (prefix or ""):
                del scope[i]
                break

    def start(name: str, attrs: Mapping[str, str]) -> None:
        if name == f"{MAIN_NS}}}row":
            raise Fallback  # a row before sheetData
        if name == f"{MAIN_NS}}}sheetData":
            found.append(parser.CurrentByteIndex)
            raise Found

    def doctype(*args: Any) -> None:
        raise Fallback

    parser.StartNamespaceDeclHandler = start_ns
    parser.EndNamespaceDeclHandler = end_ns
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    data = b""
    try:
        while True:
            more = src.read(1 << 16)
            data += more
            parser.Parse(more, not more)
            if not more:
                raise Fallback  # no sheetData
    except Found:
        pass
    except expat.ExpatError:
        raise Fallback from None  # let the parser report it as openpyxl would
    tag = re.compile(rb"<sheetData" + _ATTRS + rb">").match(data, found[0])
    if tag is None:
        raise Fallback  # `<sheetData/>`, or a prefixed one
    namespaces = dict(scope)
    if namespaces.get("") != MAIN_NS or any(
        uri == MAIN_NS for prefix, uri in namespaces.items() if prefix
    ):
        raise Fallback
    return data[tag.end() :], namespaces


def _check(chunk: bytes, last: int) -> int:
    """Raise Fallback unless the scan can vouch for `chunk` (whole rows); the last row number.

    It can when the chunk holds only rows with increasing `r`, each holding only cells `c`
    with a plain `r` reference, so that a cell's column is in its start tag.
    """
    if (
        any(odd in chunk for odd in _ODD)
        or not _STARTS_WITH_ROW.match(chunk)
        or _STRUCTURE.search(chunk)
        or _ODD_CELL.search(chunk)
        or _ODD_ROW.search(chunk)
    ):
        raise Fallback
    inside = False
    for number, empty in _ROW_TAGS.findall(chunk):
        if number:
            if inside or int(number) <= last:
                raise Fallback  # a row in a row, or rows out of order
            last = int(number)
            inside = not empty
        elif not inside:
            raise Fallback
        else:
            inside = False
    if inside:
        raise Fallback
    return last


def _hit_pattern(wanted: frozenset[int]) -> re.Pattern[bytes]:
    """A cell with content (not self-closing) in a wanted column."""
    letters = [column_letter(i) for i in sorted(wanted) if 1 <= i <= 18278]
    if not letters:
        return re.compile(rb"(?!)")
    return re.compile(
        rb'<c\s+r="(?:' + "|".join(letters).encode() + rb')[1-9][0-9]*"' + _ATTRS + rb">"
    )
