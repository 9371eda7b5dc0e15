"""`build_sentences` as it was."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from auditor.document.blocks import Block, BlockKind, Link
from auditor.document.model import LineMap, Sentence

from .segment import split_sentences

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")


def _new_sentence(fields: dict[str, object]) -> Sentence:
    """A Sentence from its fields, by its constructor (the reference takes the plain way)."""
    return Sentence(**fields)  # type: ignore[arg-type]


def build_sentences(
    source: str,
    blocks: list[Block],
    widen: Callable[[str, int, int], tuple[int, int]] | None = None,
) -> tuple[list[Sentence], str]:
    """Split blocks into sentences with heading paths, lines and source offsets; `widen` grows
    each source span over markup around it."""
    line_starts = LineMap(source).starts
    bisect_right = bisect.bisect_right
    path: list[tuple[int, str]] = []  # (level, heading text)
    section: tuple[str, ...] = ()
    sentences: list[Sentence] = []
    parts: list[str] = []
    cursor = 0
    for block_index, block in enumerate(blocks):
        kind = block.kind
        if kind is BlockKind.META:
            continue
        block_text = block.text
        offsets = block.offsets
        block_links = block.links
        if kind is BlockKind.HEADING:
            while path and path[-1][0] >= block.level:
                path.pop()
            path.append((block.level, block_text))
            section = tuple(text for _, text in path)
            spans = [(0, len(block_text))]  # a heading is one unit, whatever its punctuation
        else:
            spans = split_sentences(block_text)
        if block_links:
            # Spans come in order. When the links do too (they almost always do), only those
            # from `first` (links before it end before this span, so before every later one)
            # up to the first one starting after the span can overlap it: a long paragraph of
            # links is not scanned whole for each of its sentences.
            link_starts = [link.start for link in block_links]
            in_order = link_starts == sorted(link_starts)
            first = 0
        for start, end in spans:
            text = block_text[start:end]
            src_start = offsets[start]  # as Block.source_span, without a call per sentence
            src_end = offsets[end - 1] + 1
            if source[src_end - 1] == "&" and (entity := _ENTITY.match(source, src_end - 1)):
                src_end = entity.end()  # a decoded entity maps to its '&': cite it whole
            if widen is not None:
                src_start, src_end = widen(source, src_start, src_end)
            links: tuple[Link, ...] = ()
            if block_links:
                candidates = block_links
                if in_order:
                    while first < len(block_links) and block_links[first].end <= start:
                        first += 1
                    candidates = block_links[first : bisect.bisect_left(link_starts, end)]
                links = tuple(
                    Link(max(link.start, start) - start, min(link.end, end) - start, link.target)
                    for link in candidates
                    if link.start < end and link.end > start
                )
            sentences.append(
                _new_sentence(
                    {
                        "index": len(sentences),
                        "text": text,
                        "start": cursor,
                        "src_start": src_start,
                        "src_end": src_end,
                        "line": bisect_right(line_starts, src_start),  # as LineMap.line
                        "section": section,
                        "block": block_index,
                        "kind": kind,
                        "links": links,
                    }
                )
            )
            parts.append(text)
            cursor += len(text) + 1
    return sentences, "\n".join(parts)
