"""The document model: sections, sentences with offsets, and the map back to source lines."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import NamedTuple

from auditor.document.blocks import Block, BlockKind, Link
from auditor.document.segment import split_sentences

_HEADING = BlockKind.HEADING
_META = BlockKind.META
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")


class Sentence(NamedTuple):
    """One sentence of visible policy text and where it stands in the source.

    A named tuple, not a dataclass: built in one call (`build_sentences` makes one for every
    sentence of every document) and about 140 bytes, against 360 for a dataclass instance and
    its dict; a policy of a million short sentences is 22 % smaller for it.
    """

    # The field hides tuple.index(), which nothing here calls on a sentence.
    index: int  # type: ignore[assignment]
    text: str
    start: int  # offset of the sentence in Document.text
    src_start: int  # offset of its first character in Document.source
    src_end: int  # offset just past its last character in Document.source
    line: int  # 1-based line of src_start
    section: tuple[str, ...]  # heading path; a heading's own path ends with itself
    block: int  # index of the block in Document.blocks
    kind: BlockKind
    links: tuple[Link, ...] = ()  # spans relative to `text`

    @property
    def end(self) -> int:
        """Offset just past the sentence in Document.text."""
        return self.start + len(self.text)


@dataclass
class Document:
    """A parsed policy: its source, its blocks and its sentences."""

    path: str
    format: str  # md, txt or html
    source: str  # the decoded file, unchanged
    blocks: list[Block]
    sentences: list[Sentence]
    text: str  # every sentence's text joined by "\n": the string rules scan once
    metadata: dict[str, str] = field(default_factory=dict)
    title: str = ""
    warnings: list[str] = field(default_factory=list)
    sha256: str = ""
    size: int = 0

    def quote(self, sentence: Sentence) -> str:
        """The sentence as cited: exact source text, or visible text for HTML."""
        if self.format == "html":
            return sentence.text
        return self.source[sentence.src_start : sentence.src_end]

    @property
    def words(self) -> int:
        """Number of words of policy text."""
        # `text` joins the sentences with "\n", so it holds the same words as they do.
        return count_words(self.text)

    @property
    def section_count(self) -> int:
        """Number of headings."""
        return sum(1 for b in self.blocks if b.kind is BlockKind.HEADING)


# The characters other than ASCII ones for which str.isspace() (and so str.split()) holds;
# tests/document/test_perf7_sentences.py checks this against every code point.
_WIDE_SPACES = (
    "\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
# UTF-8 bytes to b" " (ASCII white space, as str.isspace() has it) or b"x" (anything else).
_WORD_MARKS = bytes(0x20 if byte < 0x80 and chr(byte).isspace() else 0x78 for byte in range(256))


def count_words(text: str) -> int:
    """`len(text.split())` without making a string per word: with one mark per UTF-8 byte, a
    word starts at each non-space mark that opens the text or follows a space mark."""
    if not text.isascii():
        for space in _WIDE_SPACES:
            if space in text:
                text = text.replace(space, " ")
    marks = text.encode("utf-8", "surrogatepass").translate(_WORD_MARKS)
    return marks.count(b" x") + marks.startswith(b"x")


class LineMap:
    """Maps source offsets to 1-based line numbers (\\n, \\r\\n and \\r all end a line)."""

    def __init__(self, source: str) -> None:
        self.starts: list[int]
        """Offset where each line starts, in order; `starts[0] == 0`."""
        if "\r" in source:
            self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(source)]
        else:
            # Only \n: each line starts one past the end of the one before. Summing the lengths
            # of split() in C is twice as fast as a match object per line.
            ends = accumulate(map((1).__add__, map(len, source.split("\n"))), initial=0)
            self.starts = list(ends)[:-1]  # the last sum is one past the end of the source

    def line(self, offset: int) -> int:
        """1-based line holding the character at `offset`."""
        return bisect.bisect_right(self.starts, offset)


# `Sentence(...)` is a Python-level __new__ that calls this with the fields as a tuple.
_new_tuple = tuple.__new__


def build_sentences(
    source: str,
    blocks: list[Block],
    widen: Callable[[str, int, int], tuple[int, int]] | None = None,
    widen_at: frozenset[str] | None = None,
) -> tuple[list[Sentence], str]:
    """Split blocks into sentences with heading paths, lines and source offsets; `widen` grows
    each source span over markup around it. When `widen_at` is given, `widen` is only called
    for spans with one of its characters just before or just after them (it changes no other)."""
    # Line numbers. With "\n" the only line break, a sentence's line is one more than the
    # number of "\n" before it, counted on from the sentence before (sentences come in order,
    # or nearly): a count at C speed over the text between two sentences instead of a table
    # of line starts and a search in it per sentence. A block the parser put on one line (its
    # `line`: most markdown blocks) gives that line to each of its sentences without a count.
    line_starts = LineMap(source).starts if "\r" in source else None
    line, line_at = 1, 0  # the line of offset `line_at`
    count = source.count
    source_end = len(source)
    bisect_right = bisect.bisect_right
    # A span that ends on an "&" may end inside a decoded entity: most sources have none.
    entity_at = _ENTITY.match if "&" in source else None
    path: list[tuple[int, str]] = []  # (level, heading text)
    section: tuple[str, ...] = ()
    sentences: list[Sentence] = []
    add_sentence = sentences.append
    parts: list[str] = []
    add_part = parts.append
    cursor = 0
    index = 0
    links: tuple[Link, ...] = ()
    for block_index, block in enumerate(blocks):
        kind = block.kind
        if kind is _META:
            continue
        block_text = block.text
        offsets = block.offsets
        block_links = block.links
        block_line = block.line
        if block_line:
            # (line, line_at) stays a pair the counts below can go on from.
            line, line_at = block_line, offsets[0]
        if kind is _HEADING:
            while path and path[-1][0] >= block.level:
                path.pop()
            path.append((block.level, block_text))
            section = tuple([text for _, text in path])
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
            if (
                entity_at is not None
                and source[src_end - 1] == "&"
                and (entity := entity_at(source, src_end - 1))
            ):
                src_end = entity.end()  # a decoded entity maps to its '&': cite it whole
            if widen is not None and (
                widen_at is None
                or (src_start and source[src_start - 1] in widen_at)  # indexes: no slice object
                or (src_end < source_end and source[src_end] in widen_at)
            ):
                src_start, src_end = widen(source, src_start, src_end)
            if block_line:
                pass  # `line` is the block's, set above
            elif line_starts is not None:
                line = bisect_right(line_starts, src_start)  # as LineMap.line
            elif src_start >= line_at:
                line += count("\n", line_at, src_start)
                line_at = src_start
            else:
                line -= count("\n", src_start, line_at)
                line_at = src_start
            if block_links:
                candidates = block_links
                if in_order:
                    while first < len(block_links) and block_links[first].end <= start:
                        first += 1
                    candidates = block_links[first : bisect.bisect_left(link_starts, end)]
                links = tuple(
                    [
                        Link(
                            max(link.start, start) - start, min(link.end, end) - start, link.target
                        )
                        for link in candidates
                        if link.start < end and link.end > start
                    ]
                )
            sentence = _new_tuple(
                Sentence,
                (index, text, cursor, src_start, src_end, line, section, block_index, kind, links),
            )
            add_sentence(sentence)
            add_part(text)
            index += 1
            cursor += end - start + 1  # (len(text), without a call)
        links = ()
    return sentences, "\n".join(parts)
