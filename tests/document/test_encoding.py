"""Bytes -> text: every branch of the encoding guess, and binary-file recognition."""

from __future__ import annotations

import gzip
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from auditor.document.encoding import decode, is_binary

ROOT = Path(__file__).resolve().parents[2]
TEXT = "<p>Café \u2013 “Last updated” 2010</p>\r\nline two\rline three\n"


@pytest.mark.parametrize(
    ("data", "encoding", "warned"),
    [
        (TEXT.encode("utf-8"), "utf-8", False),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig", False),
        (b"\xff\xfe" + TEXT.encode("utf-16-le"), "utf-16", False),
        (b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16", False),
        (b"\xff\xfe\x00\x00" + TEXT.encode("utf-32-le"), "utf-32", False),
        (b"\x00\x00\xfe\xff" + TEXT.encode("utf-32-be"), "utf-32", False),
        (TEXT.encode("utf-16-le"), "utf-16-le", True),
        (TEXT.encode("utf-16-be"), "utf-16-be", True),
        (TEXT.encode("cp1252"), "cp1252", True),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-32-le-bom",
         "utf-32-be-bom", "utf-16-le-no-bom", "utf-16-be-no-bom", "cp1252"],
)
def test_decode_branches(data: bytes, encoding: str, warned: bool) -> None:
    result = decode(data)
    assert result.text == TEXT  # no byte-order mark, newlines exactly as in the file
    assert result.encoding == encoding
    assert bool(result.warnings) == warned
    assert data.decode(result.encoding, "replace") == result.text


def test_cp1252_warning_text() -> None:
    result = decode("“Smart quotes” and café".encode("cp1252"))
    assert result.text == "“Smart quotes” and café"
    assert result.warnings == ["not valid UTF-8; decoded as cp1252"]


def test_cp1252_undefined_bytes_are_replaced_and_reported() -> None:
    result = decode(b"caf\xe9 \x81 \x9d")
    assert result.text == "café \ufffd \ufffd"
    assert result.encoding == "cp1252"
    assert result.warnings == [
        "not valid UTF-8; decoded as cp1252 (2 bytes undefined in cp1252 replaced with U+FFFD)"
    ]


def test_utf16_without_bom_warning_text() -> None:
    assert decode("<html>".encode("utf-16-le")).warnings == [
        "no byte-order mark; decoded as UTF-16-LE (NUL-byte pattern)"
    ]


def test_broken_utf16_after_a_bom_is_repaired_with_a_warning() -> None:
    result = decode(b"\xff\xfe" + "ok".encode("utf-16-le") + b"\x00\xd8" + b"!")  # lone surrogate
    assert result.text.startswith("ok\ufffd")
    assert result.encoding == "utf-16"
    assert result.warnings == ["invalid utf-16 byte sequences replaced with U+FFFD"]


def test_empty_and_ascii() -> None:
    assert decode(b"").text == ""
    assert decode(b"plain ascii").encoding == "utf-8"


def test_corpus_pages_are_clean_utf8() -> None:
    for path in sorted((ROOT / "bench" / "corpus" / "html").glob("*.html")):
        result = decode(path.read_bytes())
        assert (result.encoding, result.warnings) == ("utf-8", []), path.name


def _zip_bytes() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("policy.txt", "text")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary file (PDF)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (PNG)"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "binary file (JPEG)"),
        (b"GIF89a\x01\x00\x01\x00", "binary file (GIF)"),
        (_zip_bytes(), "binary file (ZIP)"),
        (gzip.compress(b"<html></html>"), "binary file (gzip)"),
        (b"\x7fELF\x02\x01\x01\x00", "binary file (ELF)"),
        (b"BZh91AY&SY\x00", "binary file (bzip2)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "binary file (OLE2, e.g. Word 97-2003)"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "binary file (WebP)"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "binary file (contains NUL bytes)"),
        (b"<html>\x00\x00\x00\x00</html>", "binary file (contains NUL bytes)"),
    ],
    ids=["pdf", "png", "jpeg", "gif", "zip", "gzip", "elf", "bzip2", "ole2", "webp", "exe", "nul"],
)
def test_is_binary(data: bytes, reason: str) -> None:
    assert is_binary(data) == reason


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html><p>Privacy</p></html>",
        "Café".encode("cp1252"),
        b"\xef\xbb\xbf<p>x</p>",
        "<html>policy</html>".encode("utf-16"),
        "<html>policy</html>".encode("utf-16-le"),
        "<html>policy</html>".encode("utf-16-be"),
        "<html>policy</html>".encode("utf-32"),
        b"BZh is not bzip2",
        b"%PDF files are not accepted.",
    ],
    ids=["empty", "html", "cp1252", "utf-8-bom", "utf-16-bom", "utf-16-le", "utf-16-be",
         "utf-32-bom", "bzh-text", "pdf-word"],
)
def test_text_is_not_binary(data: bytes) -> None:
    assert is_binary(data) is None
