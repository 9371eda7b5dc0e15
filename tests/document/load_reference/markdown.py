"""`parse_markdown` as it was: its `_Builder` and inline pattern; the rest comes from the live
module, unchanged."""

from __future__ import annotations

import html
import re

from auditor.document.blocks import Block, BlockKind, Link, offset_run
from auditor.document.markdown import (
    _ATX,
    _ATX_CLOSE,
    _BREAK_TAG,
    _FENCE,
    _HR,
    _ITEM,
    _PROSE,
    _QUOTE,
    _SETEXT,
    _SPACE_RUN,
    _TABLE_SEP,
    _lines,
    _new_index,
    widen_to_markup,
)

__all__ = ["parse_markdown", "widen_to_markup"]

_LINK_TEXT = r"\[(?P<{}>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]"
_LINK_DEST = r"\(\s*<?(?P<{}>(?:[^()\s<>]|\([^()\s]*\))*)>?(?:\s+\"[^\"\n]*\")?\s*\)"
_INLINE = re.compile(
    r"(?P<image>!" + _LINK_TEXT.format("itext") + _LINK_DEST.format("idest") + r")"
    r"|(?P<link>" + _LINK_TEXT.format("ltext") + _LINK_DEST.format("ldest") + r")"
    r"|(?P<auto><(?P<ainner>(?:https?|ftp|mailto):[^>\s]+|[^>\s@<]+@[^>\s<]+\.[a-zA-Z]{2,})>)"
    r"|(?P<tag></?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>)"
    r"|(?P<escape>\\[!-/:-@\[-`{-~])"
    r"|(?P<entity>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});)"
    r"|(?P<uemph>(?<![A-Za-z0-9_])__?(?=[^\s_])(?P<uinner>[^_\n]*?[^\s_])__?(?![A-Za-z0-9_]))"
    r"|(?P<emph>\*+|~~|`+)"
)
# Every _INLINE alternative starts with one of these characters. `re` cannot see that through the
# named groups and would try the whole pattern at every position; jumping from one of these to the
# next makes the scan about 15 times faster on policy prose.
_SYNTAX = re.compile(r"[!\[<\\&_*~`]")


class _Builder:
    """Accumulates visible text, its source offsets and links for one block."""

    __slots__ = ("links", "offsets", "parts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offsets: list[int] = []
        self.links: list[Link] = []

    def add(self, text: str, offset: int) -> None:
        """Append source text that starts at `offset` verbatim."""
        self.parts.append(text)
        self.offsets += offset_run(offset, offset + len(text))

    def add_mapped(self, text: str, offset: int) -> None:
        """Append text that stands for the source character at `offset` (an entity, a break)."""
        self.parts.append(text)
        self.offsets.extend([offset] * len(text))

    def length(self) -> int:
        return len(self.offsets)

    def inline(self, source: str, start: int, end: int) -> None:
        """Append `source[start:end]` with inline markdown syntax removed."""
        pos = scan = start
        while (c := _SYNTAX.search(source, scan, end)) is not None:
            m = _INLINE.match(source, c.start(), end)
            if m is None:
                scan = c.start() + 1
                continue
            scan = m.end()
            if m.start() > pos:
                self.add(source[pos : m.start()], pos)
            kind = m.lastgroup
            if kind == "link":
                before = self.length()
                self.inline(source, m.start("ltext"), m.end("ltext"))
                if self.length() > before and m.group("ldest"):
                    self.links.append(Link(before, self.length(), m.group("ldest")))
                # Scraped pages often lose the space after a link ("[a@x.com](mailto:..)Please"):
                # keep the words apart so neither an address nor a sentence runs on.
                if (
                    self.length() > before
                    and self.parts[-1][-1:].isalnum()
                    and source[m.end() : m.end() + 1].isalpha()
                ):
                    self.add_mapped(" ", m.end() - 1)
            elif kind == "auto":
                before = self.length()
                self.add(m.group("ainner"), m.start("ainner"))
                target = m.group("ainner")
                if "@" in target and ":" not in target:
                    target = "mailto:" + target
                self.links.append(Link(before, self.length(), target))
            elif kind == "uemph":
                self.inline(source, m.start("uinner"), m.end("uinner"))
            elif kind == "tag":
                if _BREAK_TAG.match(m.group()):
                    self.add_mapped(" ", m.start())
            elif kind == "escape":
                self.add(m.group()[1], m.start() + 1)
            elif kind == "entity":
                decoded = html.unescape(m.group())
                if decoded == m.group():  # not an entity after all: keep it as written
                    self.add(decoded, m.start())
                else:
                    self.add_mapped(decoded, m.start())
            # images and emphasis markers are dropped
            pos = m.end()
        if pos < end:
            self.add(source[pos:end], pos)

    def build(self, kind: BlockKind, level: int = 0) -> Block | None:
        """Collapse white space, strip, and return the block (None if empty).

        The builder is spent afterwards: the block may own its offset list.
        """
        text = "".join(self.parts)
        offsets = self.offsets
        run_starts: list[int] = []  # old index where each collapsed run starts
        removed: list[int] = []  # characters removed up to and including that run
        # Only runs that are not already a single plain space need rewriting. ASCII text without
        # control characters (tab, NUL ...) or a double space has none: three tests at C speed
        # then replace the regex, which stops at every space, for most blocks.
        if not (text.isascii() and text.isprintable() and "  " not in text):
            out: list[str] = []
            out_offsets: list[int] = []
            gone = pos = 0
            for m in _SPACE_RUN.finditer(text):
                s, e = m.span()
                out.append(text[pos:s])
                out_offsets.extend(offsets[pos:s])
                out.append(" ")
                out_offsets.append(offsets[s])
                gone += e - s - 1
                run_starts.append(s)
                removed.append(gone)
                pos = e
            if run_starts:
                out.append(text[pos:])
                out_offsets.extend(offsets[pos:])
                text, offsets = "".join(out), out_offsets
        stripped = text.strip()
        if not stripped:
            return None
        if len(stripped) == len(text):  # nothing to strip (the usual case): no copy of offsets
            lead = 0
            final_offsets = offsets
        else:
            lead = len(text) - len(text.lstrip())
            final_offsets = offsets[lead : lead + len(stripped)]
        links = []
        for link in self.links:
            start, end = link.start, link.end
            if run_starts:
                start = _new_index(run_starts, removed, start)
                end = _new_index(run_starts, removed, end)
            a = max(start - lead, 0)
            b = min(end - lead, len(stripped))
            if b > a:
                links.append(Link(a, b, link.target))
        return Block(kind, stripped, final_offsets, level, links)


def parse_markdown(source: str, *, plain: bool = False) -> list[Block]:
    """Split markdown (or plain text when `plain`) into blocks with a source offset per char."""
    blocks: list[Block] = []
    para: _Builder | None = None
    para_lines = 0
    in_fence = False

    def flush() -> None:
        nonlocal para, para_lines
        if para is not None:
            block = para.build(BlockKind.PARAGRAPH)
            if block is not None:
                blocks.append(block)
        para, para_lines = None, 0

    def add_inline(builder: _Builder, start: int, end: int) -> None:
        if plain:
            builder.add(source[start:end], start)
        else:
            builder.inline(source, start, end)

    for start, end in _lines(source):
        line = source[start:end]
        if not line or line.isspace():  # also inside a fence; as `not line.strip()`, no copy
            flush()
            continue
        # Most lines are prose: when the first visible character can open no block construct,
        # skip the tests for them all and go straight to the paragraph.
        if in_fence or not _PROSE.match(line):
            if not plain and _FENCE.match(line):
                flush()
                in_fence = not in_fence
                continue
            if in_fence:
                b = _Builder()
                b.add(line, start)
                block = b.build(BlockKind.PARAGRAPH)
                if block:
                    blocks.append(block)
                continue
            # Block quotes: strip the markers and read what is inside.
            while not plain and (q := _QUOTE.match(source, start, end)):
                start = q.end()
            line = source[start:end]
            if not line.strip():
                flush()
                continue
            if not plain and (h := _ATX.match(line)):
                flush()
                close = _ATX_CLOSE.search(line, h.end())
                stop = start + (close.start() if close else len(line))
                b = _Builder()
                b.inline(source, start + h.end(), stop)
                block = b.build(BlockKind.HEADING, len(h.group(1)))
                if block:
                    blocks.append(block)
                continue
            if not plain and (s := _SETEXT.match(line)) and para is not None and para_lines == 1:
                block = para.build(BlockKind.HEADING, 1 if s.group(1)[0] == "=" else 2)
                para, para_lines = None, 0
                if block:
                    blocks.append(block)
                continue
            if _HR.match(line):
                flush()
                continue
            if not plain and line.lstrip().startswith("|"):
                flush()
                if _TABLE_SEP.match(line):
                    continue
                cell_start = start
                for cell in line.split("|"):
                    b = _Builder()
                    add_inline(b, cell_start, cell_start + len(cell))
                    cell_start += len(cell) + 1
                    block = b.build(BlockKind.ITEM)
                    if block:
                        blocks.append(block)
                continue
            if item := _ITEM.match(line):
                flush()
                para = _Builder()
                add_inline(para, start + item.end(), end)
                block = para.build(BlockKind.ITEM)
                para = None
                if block:
                    blocks.append(block)
                continue
        hard_break = (
            line.endswith("  ")
            or line.endswith("\\")
            # the tag ends in ">": a memchr spares most lines a copy and a regex search
            or bool(not plain and ">" in line and _BREAK_TAG.search(line.rstrip()))
        )
        if para is None:
            para = _Builder()
        elif para.offsets:
            para.add_mapped(" ", start - 1)  # the joining space stands for the line break
        content_end = end - 1 if line.endswith("\\") else end
        if plain:  # add_inline(), without a call per line
            para.add(source[start:content_end], start)
        else:
            para.inline(source, start, content_end)
        para_lines += 1
        if hard_break:
            flush()
    flush()
    return blocks
