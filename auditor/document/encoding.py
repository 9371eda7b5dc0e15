"""Decode a policy file's bytes to text, and recognise files that are not text at all.

The decoded text is kept exactly as decoded (no newline normalisation), so that offsets and line
numbers cited as evidence refer to the original file. The order of guesses:

1. a byte-order mark (UTF-8, UTF-16 or UTF-32) decides, and is not part of the text;
2. UTF-16 without a mark, when the first bytes have NUL bytes at every other position, as
   ASCII-range text in UTF-16 does (checked before UTF-8, which such bytes also are);
3. strict UTF-8;
4. cp1252 (the Windows superset of ISO-8859-1, which is what browsers use for "Latin-1" pages),
   with a warning. Its five undefined bytes become U+FFFD, and the warning says so.

`Decoded.encoding` names a Python codec that reproduces `text` from the bytes:
`data.decode(encoding, "replace") == text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Decoded", "decode", "is_binary"]


@dataclass(frozen=True)
class Decoded:
    """A file's text and how it was obtained."""

    text: str
    """The decoded text, byte-order mark removed, newlines as in the file."""
    encoding: str
    """The Python codec used: utf-8, utf-8-sig, utf-16, utf-16-le, utf-32, cp1252, ..."""
    warnings: list[str] = field(default_factory=list)
    """Guesses and repairs a reviewer should know about; empty for clean UTF-8."""


# Longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_SNIFF = 8192  # how many leading bytes the UTF-16 and NUL-byte checks look at
_STRAY_NULS = 16  # up to this many NULs (and at most 1%) in the sniffed head still count as text
_CP1252_UNDEFINED = b"\x81\x8d\x8f\x90\x9d"

# (magic bytes, offset, name). Only signatures that no text file starts with.
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"%PDF-", 0, "PDF"),
    (b"\x89PNG\r\n\x1a\n", 0, "PNG"),
    (b"\xff\xd8\xff", 0, "JPEG"),
    (b"GIF87a", 0, "GIF"),
    (b"GIF89a", 0, "GIF"),
    (b"PK\x03\x04", 0, "ZIP"),
    (b"PK\x05\x06", 0, "ZIP"),
    (b"PK\x07\x08", 0, "ZIP"),
    (b"\x1f\x8b", 0, "gzip"),
    (b"BZh", 0, "bzip2"),  # confirmed below by its block header
    (b"\xfd7zXZ\x00", 0, "xz"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7z"),
    (b"Rar!\x1a\x07", 0, "RAR"),
    (b"\x7fELF", 0, "ELF"),
    (b"\xcf\xfa\xed\xfe", 0, "Mach-O"),
    (b"\xca\xfe\xba\xbe", 0, "Mach-O or Java class"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "OLE2, e.g. Word 97-2003"),
    (b"SQLite format 3\x00", 0, "SQLite"),
    (b"II*\x00", 0, "TIFF"),
    (b"MM\x00*", 0, "TIFF"),
    (b"WEBP", 8, "WebP"),
    (b"wOFF", 0, "WOFF font"),
    (b"wOF2", 0, "WOFF2 font"),
    (b"OggS", 0, "Ogg"),
    (b"fLaC", 0, "FLAC"),
    (b"ID3", 0, "MP3"),
    (b"\x1aE\xdf\xa3", 0, "Matroska/WebM"),
    (b"ftyp", 4, "MP4/QuickTime"),
    (b"\x00asm", 0, "WebAssembly"),
)


# The signatures a file may match, by its first byte, in _MAGIC's order: those at offset 0 that
# open with that byte, and those further in. A text file's first byte opens no signature at
# offset 0, so it is tried against two instead of 29 (a startswith() call each).
_FURTHER_IN = tuple(entry for entry in _MAGIC if entry[1])
_MAGIC_BY_FIRST_BYTE = {
    magic[:1]: tuple(entry for entry in _MAGIC if entry[1] or entry[0][:1] == magic[:1])
    for magic, at, _ in _MAGIC
    if not at
}


def is_binary(data: bytes) -> str | None:
    """A reason such as "binary file (PDF)" if `data` is not a text file, else None."""
    for magic, at, name in _MAGIC_BY_FIRST_BYTE.get(data[:1], _FURTHER_IN):
        if data.startswith(magic, at):
            if name == "bzip2" and not data.startswith(b"1AY&SY", 4):
                continue
            return f"binary file ({name})"
    head = data[:_SNIFF]
    # `in` is a memchr; count() reads every byte, and most files have no NUL at all.
    nuls = head.count(b"\x00") if b"\x00" in head else 0
    # A few stray NULs (a broken export) leave a text file readable; many mean binary data.
    stray = nuls <= _STRAY_NULS and nuls * 100 <= len(head)
    if nuls and not stray and _bom(data) is None and _utf16_without_bom(head) is None:
        return "binary file (contains NUL bytes)"
    return None


def decode(data: bytes) -> Decoded:
    """Decode a text file's bytes, guessing the encoding as the module docstring says."""
    warnings: list[str] = []
    bom = _bom(data)
    if bom is not None:
        return Decoded(_decode(data, bom, warnings), bom, warnings)
    utf16 = _utf16_without_bom(data[:_SNIFF])
    if utf16 is not None:
        warnings.append(f"no byte-order mark; decoded as {utf16.upper()} (NUL-byte pattern)")
        return Decoded(_decode(data, utf16, warnings), utf16, warnings)
    if b"\x00" in data and (nuls := data.count(b"\x00")):
        warnings.append(f"{nuls} NUL byte{'s' if nuls > 1 else ''} in the text (ignored)")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", warnings)
    except UnicodeDecodeError:
        pass
    undefined = sum(data.count(b) for b in _CP1252_UNDEFINED)
    message = "not valid UTF-8; decoded as cp1252"
    if undefined:
        message += f" ({undefined} bytes undefined in cp1252 replaced with U+FFFD)"
    warnings.append(message)
    return Decoded(data.decode("cp1252", "replace"), "cp1252", warnings)


def _bom(data: bytes) -> str | None:
    for mark, codec in _BOMS:
        if data.startswith(mark):
            return codec
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" if `head` looks like mostly-ASCII UTF-16 text, else None."""
    pairs = len(head) // 2
    if pairs < 2 or b"\x00" not in head:  # (a memchr, before the counts of every other byte)
        return None
    even = head[: 2 * pairs : 2].count(0)  # high bytes in UTF-16-BE
    odd = head[1 : 2 * pairs : 2].count(0)  # high bytes in UTF-16-LE
    if odd >= 0.3 * pairs and even <= 0.02 * pairs:
        codec = "utf-16-le"
    elif even >= 0.3 * pairs and odd <= 0.02 * pairs:
        codec = "utf-16-be"
    else:
        return None
    # Text has no U+0000; binary data with 16-bit fields has many.
    if "\x00" in head[: 2 * pairs].decode(codec, "replace"):
        return None
    return codec


def _decode(data: bytes, codec: str, warnings: list[str]) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        warnings.append(f"invalid {codec} byte sequences replaced with U+FFFD")
        return data.decode(codec, "replace")
