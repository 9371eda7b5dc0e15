"""Reading a file through its descriptor (`loader._read`) gives the bytes and the errors that a
buffered file object's `read()` / `read(max_bytes + 1)` gave, on every corpus file and limit,
and on a pipe that hands its bytes over in pieces (short reads, as a file that grows)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from auditor.document import loader
from auditor.document.loader import DocumentError

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    path
    for folder in ("bench/corpus", "policies")
    for path in (ROOT / folder).rglob("*")
    if path.suffix.lower() in loader.FORMATS and path.is_file()
)


def old_read(path: Path, max_bytes: int | None) -> bytes:
    """`loader._read` before: a buffered file object."""
    with path.open("rb") as f:
        size = os.fstat(f.fileno()).st_size
        if max_bytes is not None and size > max_bytes:
            raise DocumentError(
                f"file is {loader._size(size)}, over the {loader._size(max_bytes)} limit"
                " (--max-size)"
            )
        data = f.read() if max_bytes is None else f.read(max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:
        raise DocumentError(f"file is over the {loader._size(max_bytes)} limit (--max-size)")
    return data


def outcome(read: object, path: Path, max_bytes: int | None) -> tuple[str, object]:
    try:
        return "data", read(path, max_bytes)  # type: ignore[operator]
    except DocumentError as exc:
        return "error", str(exc)


def test_the_corpus_is_there() -> None:
    assert len(FILES) > 150


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_corpus_files_read_as_before(path: Path) -> None:
    size = path.stat().st_size
    for max_bytes in (None, 64 * 1024 * 1024, size + 1, size, size - 1, 1, 0):
        new = outcome(loader._read, path, max_bytes)
        assert new == outcome(old_read, path, max_bytes), max_bytes
        if max_bytes is None or max_bytes >= size:
            assert new == ("data", path.read_bytes())


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    for max_bytes in (None, 0, 10):
        assert outcome(loader._read, path, max_bytes) == outcome(old_read, path, max_bytes)
    assert loader._read(path, None) == b""


def _pipe_read(read: object, data: bytes, piece: int, size: int, limit: int | None) -> bytes:
    """What `read` gives from a pipe whose writer sends `data` in pieces of `piece` bytes."""
    r, w = os.pipe()

    def write() -> None:
        try:
            for at in range(0, len(data), piece):
                os.write(w, data[at : at + piece])
        except BrokenPipeError:  # the reader stopped at its limit
            pass
        finally:
            os.close(w)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        return read(r, size, limit)  # type: ignore[operator, no-any-return]
    finally:
        os.close(r)  # first: a writer blocked on a full pipe then fails instead of waiting
        writer.join()


def _buffered(fd: int, size: int, limit: int | None) -> bytes:
    with open(fd, "rb", closefd=False) as f:
        return f.read() if limit is None else f.read(limit)


@pytest.mark.parametrize("piece", [7, 4096, 70000])
@pytest.mark.parametrize("limit", [None, 1, 1000, 99842, 99843, 99844, 300000])
def test_short_reads_as_a_buffered_file(piece: int, limit: int | None) -> None:
    data = bytes(range(256)) * 390 + b"end"  # 99,843 bytes
    for size in (0, 10, len(data)):
        got = _pipe_read(loader._read_fd, data, piece, size, limit)
        expected = data if limit is None else data[:limit]
        assert got == expected, size
    assert _pipe_read(_buffered, data, piece, 0, limit) == expected
