"""`parse_document` as it was, with the reference parsers and sentence builder."""

from __future__ import annotations

from auditor.document.blocks import BlockKind
from auditor.document.loader import _URL_IN_COMMENT, _header_metadata, _mark_corpus_header
from auditor.document.model import Document

from .html import parse_html
from .markdown import parse_markdown, widen_to_markup
from .model import build_sentences


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
    sentences, text = build_sentences(source, blocks, widen_to_markup if fmt == "md" else None)
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
