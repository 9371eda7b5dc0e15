"""The format-neutral intermediate between a parser (markdown, text, HTML) and the document model.

A parser turns the decoded file into a list of blocks: headings, paragraphs and list items, each
holding its visible text with markup removed, plus, for every character of that text, the offset
of the character in the decoded file it came from. That map is what lets a sentence found in clean
text be cited by line and by exact offsets in the original file.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

# Offsets below this come from one shared list of ints (see `offset_run`): 4.5 MB at most, grown
# to the longest document seen.
_SHARED_LIMIT = 1 << 17
_shared_ints: list[int] = []


def offset_run(start: int, stop: int) -> list[int]:
    """The offsets `start .. stop - 1` for a block's offset list.

    Taken as a slice of one list of ints shared by all documents: copying references to ints
    that exist is four times faster than creating one int per character (the bulk of a block's
    cost), and the offset lists then take 8 bytes per character instead of 36.
    """
    ints = _shared_ints
    if stop > len(ints):
        table = offset_table(stop)  # grows the shared list, or past its limit gives a range
        if not isinstance(table, list):
            return list(range(start, stop))
        ints = table
    return ints[start:stop]


def offset_table(stop: int) -> Sequence[int]:
    """A sequence whose item `i` is `i` for every `i < stop`: `table[start:end]` is then
    `offset_run(start, end)`'s list (a range past the shared list's limit), without a call for
    each run.
    """
    global _shared_ints
    ints = _shared_ints
    if stop > len(ints) and len(ints) < _SHARED_LIMIT:
        # A new list replaces the old one whole, never extended in place: a thread that reads
        # the old one meanwhile still sees every int at its index.
        ints = list(range(min(max(stop, 2 * len(ints), 1 << 14), _SHARED_LIMIT)))
        _shared_ints = ints
    if stop <= len(ints):
        return ints
    return range(stop)


class BlockKind(str, enum.Enum):
    """What a block is in the document's structure."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"  # a list item, a table cell or a line of an address block
    META = "meta"  # document metadata (corpus header): never evidence


@dataclass(frozen=True)
class Link:
    """A hyperlink inside a block: its span in the block's text and its target."""

    start: int
    end: int
    target: str


@dataclass
class Block:
    """One structural unit of visible text.

    `offsets[i]` is the offset in the decoded source of `text[i]`; `len(offsets) == len(text)`.
    Characters a parser inserts (a space for a line break) map to the offset of the source
    character they stand for.
    """

    kind: BlockKind
    text: str
    offsets: list[int]
    level: int = 0  # heading level 1..6; 0 for other blocks
    links: list[Link] = field(default_factory=list)
    # The 1-based source line every offset is on, when the parser knows the block stands on one
    # line (markdown and text); 0 otherwise. It spares build_sentences a count of line breaks
    # per sentence. Not compared: it says nothing the offsets do not.
    line: int = field(default=0, compare=False)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the decoded source covering `text[start:end]` (end exclusive)."""
        return self.offsets[start], self.offsets[end - 1] + 1
