"""Read a policy file into a Document: bytes -> text -> blocks -> sentences."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from pathlib import Path

from auditor.document.blocks import Block, BlockKind
from auditor.document.encoding import decode, is_binary
from auditor.document.html import parse_html
from auditor.document.markdown import MARKUP_EDGES, parse_markdown, widen_to_markup
from auditor.document.model import Document, build_sentences

FORMATS = {
    ".md": "md",
    ".markdown": "md",
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}

# The corpus header of a markdown copy and the leading comment of an HTML copy (CHECKS.md):
# metadata, never evidence.
_HEADER = re.compile(
    r"The following (?:text is extracted and transformed from|is the downloaded HTML source of)"
    r" the (?P<site>\S+) privacy policy that was archived on (?P<date>\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
_URL_IN_COMMENT = re.compile(r"\((https?://[^)\s]+)\)")


class DocumentError(Exception):
    """The document cannot be read; the message is the one-line reason."""


def _header_metadata(text: str) -> dict[str, str]:
    m = _HEADER.search(text)
    return {} if m is None else _metadata_of(m)


def _metadata_of(header: re.Match[str]) -> dict[str, str]:
    """The metadata a corpus header (a match of `_HEADER`) gives."""
    return {"site": header.group("site"), "archived": header.group("date")}


def parse_document(source: str, fmt: str, path: str = "") -> Document:
    """Parse decoded text of the given format into a Document."""
    metadata: dict[str, str] = {}
    title = ""
    if fmt == "html":
        result = parse_html(source)
        blocks = result.blocks
        title = result.title
        if result.header_comment:
            metadata = _header_metadata(result.header_comment)
            if url := _URL_IN_COMMENT.search(result.header_comment):
                metadata["source_url"] = url.group(1)
    else:
        blocks = parse_markdown(source, plain=fmt == "txt")
        blocks = _mark_corpus_header(blocks, metadata)
    if not title:
        title = next((b.text for b in blocks if b.kind is BlockKind.HEADING), "")
    if fmt == "md":
        sentences, text = build_sentences(source, blocks, widen_to_markup, MARKUP_EDGES)
    else:
        sentences, text = build_sentences(source, blocks)
    return Document(
        path=path,
        format=fmt,
        source=source,
        blocks=blocks,
        sentences=sentences,
        text=text,
        metadata=metadata,
        title=title,
    )


def _mark_corpus_header(blocks: list[Block], metadata: dict[str, str]) -> list[Block]:
    """Turn a leading corpus header block into META and read its metadata."""
    if not blocks:
        return blocks
    first = blocks[0]
    header = _HEADER.search(first.text)
    if header is None or header.start() > 3:
        return blocks
    metadata.update(_metadata_of(header))
    for link in first.links:
        if link.target.startswith("http"):
            metadata["source_url"] = link.target
            break
    # (As dataclasses.replace, without its walk over the fields.)
    meta = Block(BlockKind.META, first.text, first.offsets, first.level, first.links, first.line)
    blocks[0] = meta
    return blocks


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def load_document(
    path: Path, display: str | None = None, *, max_bytes: int | None = None
) -> Document:
    """Read and parse a policy file; raise DocumentError with a one-line reason if unreadable."""
    name = display or str(path)
    try:
        data = _read(path, max_bytes)
    except OSError as exc:
        raise DocumentError(_os_reason(exc)) from None
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        kind = is_binary(data)
        raise DocumentError(
            f"unsupported file type '{path.suffix or path.name}'" + (f" ({kind})" if kind else "")
        )
    if not data or data.isspace():  # as `not data.strip()`, without its copy
        raise DocumentError("empty file")
    if reason := is_binary(data):
        raise DocumentError(reason)
    decoded = decode(data)
    doc = parse_document(decoded.text, fmt, name)
    doc.warnings.extend(decoded.warnings)
    doc.sha256 = hashlib.sha256(data).hexdigest()
    doc.size = len(data)
    if not doc.sentences:
        raise DocumentError("no readable text")
    return doc


def _read(path: Path, max_bytes: int | None) -> bytes:
    """The file's bytes; DocumentError if it is larger than `max_bytes`."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        # Opening a named pipe would block for ever, a device may never end.
        kind = "device"
        if stat.S_ISDIR(mode):  # a folder named where a file was expected (explain, a race)
            kind = "folder"
        elif stat.S_ISFIFO(mode):
            kind = "named pipe"
        elif stat.S_ISSOCK(mode):
            kind = "socket"
        raise DocumentError(f"not a regular file ({kind})")
    # A descriptor, not a buffered file object: `read(max_bytes + 1)` on one allocated the
    # whole limit (64 MB by default: an mmap, an mremap and a munmap for every document), and
    # opening one cost three more system calls (ioctl, lseek, fstat): 12 calls, now 6.
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        if max_bytes is not None and size > max_bytes:
            raise DocumentError(
                f"file is {_size(size)}, over the {_size(max_bytes)} limit (--max-size)"
            )
        data = _read_fd(fd, size, None if max_bytes is None else max_bytes + 1)
    finally:
        os.close(fd)
    if max_bytes is not None and len(data) > max_bytes:  # grew while we read it
        raise DocumentError(f"file is over the {_size(max_bytes)} limit (--max-size)")
    return data


def _read_fd(fd: int, size: int, limit: int | None) -> bytes:
    """What a buffered file's `read(limit)` (`read()` if `limit` is None) gives: the bytes of
    `fd` up to its end or `limit` bytes. `size` is the file's size from fstat."""
    want = size + 1 if limit is None else min(size + 1, limit)
    chunks: list[bytes] = []
    total = 0
    while chunk := os.read(fd, want):
        chunks.append(chunk)
        total += len(chunk)
        if limit is not None and total >= limit:
            break
        # A regular file's read stops short only at its end: one byte more confirms it. A
        # full one means the file grew while it was read.
        want = 1 << 16 if len(chunk) == want else 1
        if limit is not None:
            want = min(want, limit - total)
    return b"".join(chunks)  # (the chunk itself when there is one)


def _os_reason(exc: OSError) -> str:
    """A one-line reason for a file that cannot be read."""
    if isinstance(exc, FileNotFoundError):
        return "file disappeared before it could be read"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    return f"cannot read: {exc.strerror or exc}"
