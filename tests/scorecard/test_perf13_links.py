"""A sheet's hyperlinks are kept encoded, and past a chunk in a file beside its part
(`xlsx_writer._Links`), not as a list of strings joined at the end.

The part must hold exactly the XML the list gave (the links in order, after the validations
and before the page set-up, wide characters and a lone surrogate passed through), whatever
the chunk size; the file must be gone once the sheet is closed or aborted.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from auditor.reporters import xlsx_writer as W

_LINKS = [
    ("F7", "'Findings'!A2", "coppa-age-statement on acme: open its finding", "PASS"),
    ("F8", "'Findings (2)'!A3", "opt-out on naïve & co: open its finding", "FAIL"),
    ("G9", "'Evidence'!A4", 'All 3 evidence snippets of "😀" \ud800', "3"),
]


def _plain_tail(links: list[tuple[str, str, str, str]]) -> bytes:
    """The hyperlinks element as the writer built it before: one join of the link strings."""
    xml = "".join(
        f'<hyperlink ref="{r}" location="{W.escape(loc)}" '
        f'tooltip="{W.escape(tip)}" display="{W.escape(shown)}"/>'
        for r, loc, tip, shown in links
    )
    return ("<hyperlinks>" + xml + "</hyperlinks>").encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("chunk", [1, 150, 1 << 18])
@pytest.mark.parametrize("copies", [0, 1, 400])
def test_links_follow_the_rows_as_one_join_gave_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, copies: int
) -> None:
    monkeypatch.setattr(W, "CHUNK", chunk)
    sheet = W.Sheet(W.SheetSetup("S", [10]), tmp_path, "s")
    links = _LINKS * copies
    for i, link in enumerate(links, start=1):
        sheet.row(f'<c r="A{i}"><v>{i}</v></c>')
        sheet.link(*link)
    sheet.tail.validations.append('<dataValidation sqref="B2"/>')
    spilled = sheet.links.path.exists()
    written = sheet.close()
    assert written.part.path is not None
    data = zlib.decompress(written.part.path.read_bytes(), -15)
    assert len(data) == written.part.size and zlib.crc32(data) == written.part.crc
    body, tail = data.split(b"</sheetData>")
    assert body.count(b"<row ") == len(links)
    validations = b'<dataValidations count="1"><dataValidation sqref="B2"/></dataValidations>'
    after = _plain_tail(links) if links else b""
    assert tail.startswith(validations + after + b"<pageMargins ")
    assert tail.endswith(b"</worksheet>")
    # Spilled to its file only when the links passed a chunk; the file is gone after close.
    assert spilled == (len(after) - len(b"<hyperlinks></hyperlinks>") >= chunk and bool(links))
    assert not sheet.links.path.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.deflate"]


def test_abort_removes_the_links_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(W, "CHUNK", 10)
    sheet = W.Sheet(W.SheetSetup("S", [10]), tmp_path, "s")
    for link in _LINKS:
        sheet.link(*link)
    assert sheet.links.path.exists()
    sheet.abort()
    assert not sheet.links.path.exists()
