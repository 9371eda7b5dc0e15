"""A minimal zip writer for parts compressed elsewhere (another thread or process).

zipfile compresses what is written to it, one entry at a time, in the writing process. The
scorecard's sheets are compressed while they are generated, possibly by several processes at
once, each into its own file of raw deflate data; this module writes the archive around them
(PKWARE APPNOTE 6.3: local headers, central directory, Zip64 records when an entry, offset or
count passes the classic limits), copying the compressed bytes as they are.
"""

from __future__ import annotations

import shutil
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

_MAX32 = 0xFFFFFFFF  # "see the Zip64 record" in a 4-byte field
_MAX16 = 0xFFFF
# Values from here up go to Zip64 fields. Module attributes, read at write time, so tests can
# lower them to exercise the Zip64 layout without writing gigabytes.
ZIP64_SIZE = _MAX32
ZIP64_COUNT = _MAX16
_DOS_TIME = (0, (1 << 5) | 1)  # 1980-01-01 00:00: entries carry no clock time (reproducible)
LEVEL = 3
"""zlib's compression level. The sheets of a 10k scorecard (153 MB of XML) take 0.77 s of CPU at
3 against 1.66 s at zlib's default 6, for a file of 20.3 MB against 17.3 MB (level 1: 0.65 s,
23.0 MB); the compressor takes a core of its own while the rows are built."""


@dataclass(frozen=True)
class Deflated:
    """A finished entry: raw deflate data in `path` (or `data`), with its CRC and sizes."""

    name: str
    crc: int
    compressed: int
    size: int
    path: Path | None = None
    data: bytes | None = None


class DeflateFile:
    """Compresses chunks into a file of raw deflate data, keeping the CRC and sizes."""

    def __init__(self, path: Path, name: str, level: int = LEVEL) -> None:
        self.path, self.name = path, name
        self._out = path.open("wb")
        self._z = zlib.compressobj(level, zlib.DEFLATED, -15)
        self._crc = self._size = self._compressed = 0

    def write(self, data: bytes) -> None:
        self._crc = zlib.crc32(data, self._crc)
        self._size += len(data)
        packed = self._z.compress(data)
        self._compressed += len(packed)
        self._out.write(packed)

    def finish(self) -> Deflated:
        tail = self._z.flush()
        self._compressed += len(tail)
        self._out.write(tail)
        self._out.close()
        return Deflated(self.name, self._crc, self._compressed, self._size, path=self.path)

    def discard(self) -> None:
        self._out.close()


def deflate(name: str, data: bytes, level: int = LEVEL) -> Deflated:
    """A small entry compressed in memory."""
    z = zlib.compressobj(level, zlib.DEFLATED, -15)
    packed = z.compress(data) + z.flush()
    return Deflated(name, zlib.crc32(data), len(packed), len(data), data=packed)


def write_zip(stream: IO[bytes], entries: list[Deflated]) -> None:
    """Write a zip archive of `entries`, in order, to `stream` (positioned at its start)."""
    central: list[bytes] = []
    offset = 0
    for entry in entries:
        name = entry.name.encode("ascii")
        big = entry.size >= ZIP64_SIZE or entry.compressed >= ZIP64_SIZE
        extra = struct.pack("<HHQQ", 1, 16, entry.size, entry.compressed) if big else b""
        header = struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            45 if big else 20,
            0,
            8,
            *_DOS_TIME,
            entry.crc,
            _MAX32 if big else entry.compressed,
            _MAX32 if big else entry.size,
            len(name),
            len(extra),
        )
        stream.write(header + name + extra)
        if entry.data is not None:
            stream.write(entry.data)
        elif entry.path is not None:
            with entry.path.open("rb") as source:
                shutil.copyfileobj(source, stream, 1 << 20)
        central.append(_central_header(entry, name, offset))
        offset += len(header) + len(name) + len(extra) + entry.compressed
    directory = b"".join(central)
    count, size = len(entries), len(directory)
    zip64 = count >= ZIP64_COUNT or offset >= ZIP64_SIZE or size >= ZIP64_SIZE
    stream.write(directory)
    if zip64:
        end64 = offset + size
        stream.write(
            struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, size, offset)
        )
        stream.write(struct.pack("<IIQI", 0x07064B50, 0, end64, 1))
    # The classic end record; with Zip64, its fields say "see the Zip64 record".
    stream.write(
        struct.pack(
            "<IHHHHIIH",
            0x06054B50,
            0,
            0,
            _MAX16 if zip64 else count,
            _MAX16 if zip64 else count,
            _MAX32 if zip64 else size,
            _MAX32 if zip64 else offset,
            0,
        )
    )


def _central_header(entry: Deflated, name: bytes, offset: int) -> bytes:
    # Zip64 fields appear only for the values that need them, in this order.
    size, compressed = entry.size >= ZIP64_SIZE, entry.compressed >= ZIP64_SIZE
    far = offset >= ZIP64_SIZE
    fields = [v for v, use in ((entry.size, size), (entry.compressed, compressed)) if use]
    if far:
        fields.append(offset)
    extra = struct.pack(f"<HH{len(fields)}Q", 1, 8 * len(fields), *fields) if fields else b""
    return (
        struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            45,
            45 if fields else 20,
            0,
            8,
            *_DOS_TIME,
            entry.crc,
            _MAX32 if compressed else entry.compressed,
            _MAX32 if size else entry.size,
            len(name),
            len(extra),
            0,
            0,
            0,
            0,
            _MAX32 if far else offset,
        )
        + name
        + extra
    )
