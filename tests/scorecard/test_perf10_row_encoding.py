"""A sheet's rows are encoded to UTF-8 one at a time (`Sheet._emit`), not a chunk at a time.

The part must hold the bytes of the whole sheet's XML encoded at once (ASCII rows, wide and
astral characters, a lone surrogate passed through), whatever the chunk size; and a real
scorecard's parts must not change with the chunk size.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import pytest

from auditor.models import AuditRun
from auditor.reporters import xlsx_report as X
from auditor.reporters import xlsx_writer as W

_ROWS = [
    '<c r="A1"><v>1</v></c>',
    '<c r="A2" t="inlineStr"><is><t>We don’t sell — ever</t></is></c>',
    "<c><is><t>😀 é \ud800</t></is></c>",
    "<c><is><t>" + "plain ascii " * 300 + "</t></is></c>",
    "<c><is><t>naïve</t></is></c>",
]


@pytest.mark.parametrize("chunk", [1, 100, 1 << 18])
def test_part_is_the_whole_xml_encoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(W, "CHUNK", chunk)
    sheet = W.Sheet(W.SheetSetup("S", [10]), tmp_path, "s")
    for row in _ROWS:
        sheet.row(row)
    written = sheet.close()
    assert written.part.path is not None
    data = zlib.decompress(written.part.path.read_bytes(), -15)
    head = sheet._head()
    body = "".join(f'<row r="{i}">{row}</row>' for i, row in enumerate(_ROWS, start=1))
    assert data.startswith((head + body).encode("utf-8", "surrogatepass"))
    assert data.endswith(b"</worksheet>") and len(data) == written.part.size
    assert zlib.crc32(data) == written.part.crc


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_chunk_size_changes_no_part(
    real_run: AuditRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _parts(X.write_xlsx(real_run, tmp_path / "default.xlsx"))
    monkeypatch.setattr(W, "CHUNK", 1000)
    assert _parts(X.write_xlsx(real_run, tmp_path / "small.xlsx")) == expected
