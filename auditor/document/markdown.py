"""Markdown and plain text to blocks, keeping a map from every visible character to the source.

Line-oriented on purpose: the corpus markdown is converted HTML, one paragraph or list item per
line, so block structure is decided line by line (ATX and setext headings, list items, table
cells, block quotes, hard line breaks) and inline syntax (emphasis, links, images, autolinks,
escapes, entities, inline HTML) is stripped from each line with one scan. Link targets are kept
as `Link`s because an opt-out `mailto:` or a contact-form URL is often only in the target.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate, count
from operator import add

from auditor.document.blocks import Block, BlockKind, Link, offset_run, offset_table

_LINE = re.compile(r"([^\r\n]*)(?:\r\n|\r|\n|$)")  # group 1: the content
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)")
_ATX_CLOSE = re.compile(r"[ \t]+#+[ \t]*$|[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HR = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_ITEM = re.compile(r"^[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+")
# No "^": it is matched at a line's offset in the whole text, where `match` anchors anyway and
# "^" would hold only at offset 0 (so only a first line's quote marker would be stripped).
_QUOTE = re.compile(r" {0,3}>[ \t]?")
_TABLE_SEP = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
# A line none of the block patterns above (nor a table row or blank line) can match: its first
# non-space character starts no fence, quote, heading, rule, table or list item.
_PROSE = re.compile(r"\s*[^\s`~>#=\-*_|+•\d]")
# The characters other than digits that make a line's first visible character fail _PROSE.
_BLOCK_OPENERS = frozenset("`~>#=-*_|+•")

# The link alternatives below open with the "[" outside their groups (see _INLINE).
# Link text is characters other than brackets, with [bracketed] runs; a destination is
# characters other than parentheses, white space and <>, with (parenthesised) runs. Each is
# written as `a*(?:ba*)*`, not `(?:a|b)*`: the same language, and since a run starts with a
# character `a` excludes, the same ends tried in the same order (so the same matches), but `a*`
# is one tight loop where each repetition of the group costs `re` some 400 instructions.
_LINK_TEXT = r"(?P<{}>[^\[\]\n]*(?:\[[^\[\]\n]*\][^\[\]\n]*)*)\]"
_LINK_DEST = r"\(\s*<?(?P<{}>[^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+\"[^\"\n]*\")?\s*\)"
# Every alternative opens with a literal character outside its named group (the uemph lookbehind
# looks past its first "_"): `re` then takes those characters as a set to skip to, so that
# finditer goes from one syntax character to the next instead of trying the pattern everywhere.
# The group each alternative names (m.lastgroup) says what was found.
_INLINE = re.compile(
    r"!(?P<image>\[" + _LINK_TEXT.format("itext") + _LINK_DEST.format("idest") + r")"
    r"|\[(?P<link>" + _LINK_TEXT.format("ltext") + _LINK_DEST.format("ldest") + r")"
    r"|<(?P<auto>(?P<ainner>(?:https?|ftp|mailto):[^>\s]+|[^>\s@<]+@[^>\s<]+\.[a-zA-Z]{2,})>)"
    r"|<(?P<tag>/?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>)"
    r"|\\(?P<escape>[!-/:-@\[-`{-~])"
    r"|&(?P<entity>(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});)"
    r"|_(?P<uemph>(?<![A-Za-z0-9_]_)_?(?=[^\s_])(?P<uinner>[^_\n]*?[^\s_])__?(?![A-Za-z0-9_]))"
    r"|\*(?P<emph>\**)|~(?P<strike>~)|`(?P<code>`*)"
)
# The characters every _INLINE alternative starts with.
_SYNTAX = re.compile(r"[!\[<\\&_*~`]")
_SYNTAX_CHARS = "![<\\&_*~`"
# NUL counts as white space: stray NULs in a broken export must not glue words together.
_ODD_WS = "[\t\f\v\x00\xa0\u2000-\u200b\u202f\u205f\u3000]"  # white space other than a plain space
_WS = "[ " + _ODD_WS[1:]
# White space that is not already one plain space: a longer run, or a tab, NBSP and the like.
# Written to open with a character class (`re` then skips to candidates without trying the
# pattern at every position): one white space character, then more, or it was not a plain space.
_SPACE_RUN = re.compile(f"{_WS}(?:{_WS}+|(?<={_ODD_WS}))")
# The characters _ODD_WS matches. In text with none of them, the runs _SPACE_RUN finds are those
# of plain spaces, two or more: a pattern that opens with a literal, which `re` searches for
# several times faster than it tries _SPACE_RUN's class (a range and wide characters) on each
# character and the rest of the pattern at each single space.
_ODD_SPACES = "\t\f\v\x00\xa0" + "".join(map(chr, range(0x2000, 0x200C))) + "\u202f\u205f\u3000"
_SPACES = re.compile("   *")  # (two literal spaces: `re` then searches for the pair)
_BREAK_TAG = re.compile(r"<br\s*/?>$", re.IGNORECASE)


# A block is built in three lists: its text in pieces, the source offset of each character, and
# its links (spans in the joined pieces). `offsets` is also the length so far.


def _syntax_positions(source: str) -> list[int]:
    """The offsets of every character an _INLINE match can start with, in order, and then
    `len(source)` (an end that spares its readers a test of the list's length)."""
    found: list[int] = []
    for char in _SYNTAX_CHARS:
        at = source.find(char)
        while at >= 0:
            found.append(at)
            at = source.find(char, at + 1)
    found.sort()
    found.append(len(source))
    return found


def _inline(
    source: str,
    table: Sequence[int],
    syntax: list[int],
    k: int,
    start: int,
    end: int,
    parts: list[str],
    offsets: list[int],
    links: list[Link],
) -> int:
    """Append `source[start:end]` with inline markdown syntax removed; `table` is the document's
    `offset_table`, from which the offsets of verbatim text are sliced, `syntax` its
    `_syntax_positions`, and `syntax[k]` at or before the first of them from `start` on (the
    caller's place in the list: stepping on from there costs less than a search, about 1,900
    instructions). Return the index of the first syntax character from `end` on."""
    # Most lines hold no syntax character, and the regex scan costs some 40 instructions a
    # character where finding them in the whole document (str.find, a memchr) costs almost
    # nothing: the scan runs only from the first syntax character to the last.
    while syntax[k] < start:
        k += 1
    if syntax[k] >= end:
        if end > start:
            parts.append(source[start:end])
            offsets += table[start:end]
        return k
    first = k
    while syntax[k] < end:
        k += 1
    stop = k
    last = syntax[stop - 1]
    k = first  # (from here the index of a syntax character at or before each match)
    pos = start
    for m in _INLINE.finditer(source, syntax[first], end):
        at = m.start()
        if at > pos:
            parts.append(source[pos:at])
            offsets += table[pos:at]
        kind = m.lastgroup
        if kind == "emph":  # the most frequent: emphasis markers (and images) are dropped
            pass
        elif kind == "link":
            while syntax[k] < at:
                k += 1
            before = len(offsets)
            _inline(
                source, table, syntax, k, m.start("ltext"), m.end("ltext"), parts, offsets, links
            )
            if len(offsets) > before:
                if m.group("ldest"):
                    links.append(Link(before, len(offsets), m.group("ldest")))
                # Scraped pages often lose the space after a link ("[a@x.com](mailto:..)Please"):
                # keep the words apart so neither an address nor a sentence runs on.
                after = m.end()
                if parts[-1][-1:].isalnum() and source[after : after + 1].isalpha():
                    parts.append(" ")
                    offsets.append(after - 1)
        elif kind == "uemph":
            while syntax[k] < at:
                k += 1
            _inline(
                source, table, syntax, k, m.start("uinner"), m.end("uinner"), parts, offsets, links
            )
        elif kind == "escape":
            parts.append(source[at + 1])
            offsets.append(at + 1)
        elif kind == "auto":
            before = len(offsets)
            inner_start, inner_end = m.span("ainner")
            target = source[inner_start:inner_end]
            parts.append(target)
            offsets += table[inner_start:inner_end]
            if "@" in target and ":" not in target:
                target = "mailto:" + target
            links.append(Link(before, len(offsets), target))
        elif kind == "entity":
            raw = m.group()
            decoded = html.unescape(raw)
            parts.append(decoded)
            if decoded == raw:  # not an entity after all: keep it as written
                offsets += table[at : at + len(raw)]
            else:  # the decoded text stands for the entity's "&"
                offsets += [at] * len(decoded)
        elif kind == "tag" and _BREAK_TAG.match(m.group()):
            parts.append(" ")
            offsets.append(at)
        pos = m.end()
        if pos > last:  # every match starts on a syntax character: no more can follow
            break
    if pos < end:
        parts.append(source[pos:end])
        offsets += table[pos:end]
    return stop


def _build(
    parts: list[str],
    offsets: list[int],
    links: list[Link],
    kind: BlockKind,
    level: int = 0,
    line: int = 0,
) -> Block | None:
    """Collapse white space, strip, and return the block (None if empty); `line` is the
    block's `Block.line`.

    The lists are spent afterwards: the block may own `offsets`, cut to the stripped text.
    """
    text = "".join(parts)
    stripped = text.strip()
    # Runs to collapse are two spaces or a white space character other than a plain space, and
    # all of those (tab, NUL, NBSP ...) are unprintable: text whose stripped middle is printable
    # and holds no double space has no run but in what strip() removes anyway. Tests at C speed
    # then replace the regex, which stops at every space. In ASCII text (most blocks; isascii()
    # reads a flag) the only such characters are tab, form feed, vertical tab and NUL: four
    # memchr calls cost less than isprintable(), which looks every character up in a table.
    if "  " in stripped or not (
        (
            "\t" not in stripped
            and "\f" not in stripped
            and "\v" not in stripped
            and "\x00" not in stripped
        )
        if stripped.isascii()
        else stripped.isprintable()
    ):
        return _build_collapsed(text, offsets, links, kind, level, line)
    if not stripped:
        return None
    lead = 0
    if stripped is not text:  # (strip() gives the text itself when there is nothing to strip)
        # Cut in place (the list is ours): a copy of the rest would take a reference to each
        # of its ints, and dropping the old list would give them back.
        lead = len(text) - len(text.lstrip())
        del offsets[lead + len(stripped) :]
        if lead:
            del offsets[:lead]
    block_links = []
    for link in links:
        a = max(link.start - lead, 0)
        b = min(link.end - lead, len(stripped))
        if b > a:
            block_links.append(
                link if (a, b) == (link.start, link.end) else Link(a, b, link.target)
            )
    return Block(kind, stripped, offsets, level, block_links, line)


def _build_collapsed(
    text: str,
    offsets: list[int],
    links: list[Link],
    kind: BlockKind,
    level: int,
    line: int = 0,
) -> Block | None:
    """`_build` for text with white space runs to collapse to one space."""
    run_starts: list[int] = []  # old index where each collapsed run starts
    removed: list[int] = []  # characters removed up to and including that run
    out: list[str] = []
    out_offsets: list[int] = []
    gone = pos = 0
    # (`in` for each odd space, at C speed; one wider than the text is answered at once.)
    runs = _SPACE_RUN if any(map(text.__contains__, _ODD_SPACES)) else _SPACES
    for m in runs.finditer(text):
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
    if len(stripped) == len(text):  # nothing to strip: no copy of offsets
        lead = 0
        final_offsets = offsets
    else:
        lead = len(text) - len(text.lstrip())
        final_offsets = offsets[lead : lead + len(stripped)]
    block_links = []
    for link in links:
        start, end = link.start, link.end
        if run_starts:
            start = _new_index(run_starts, removed, start)
            end = _new_index(run_starts, removed, end)
        a = max(start - lead, 0)
        b = min(end - lead, len(stripped))
        if b > a:
            block_links.append(Link(a, b, link.target))
    return Block(kind, stripped, final_offsets, level, block_links, line)


def _new_index(run_starts: list[int], removed: list[int], old: int) -> int:
    """Index after white space collapsing of the character at `old` before it (see build)."""
    k = bisect.bisect_right(run_starts, old) - 1
    if k < 0:
        return old
    # Inside run k: the run became one space at its start.
    before = removed[k - 1] if k else 0
    run_end = run_starts[k] + (removed[k] - before) + 1
    if old < run_end:
        return run_starts[k] - before + (1 if old > run_starts[k] else 0)
    return old - removed[k]


def _lines(source: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each line's content, line terminator excluded."""
    if "\r" not in source:  # the usual case: str.split is three times faster than a regex
        start = 0
        for line in source.split("\n"):
            end = start + len(line)
            if line or end < len(source):  # no line after a final line break
                yield start, end
            start = end + 1
        return
    for m in _LINE.finditer(source):
        s, e = m.span()
        if s == e:
            if s == len(source):
                return
            continue
        yield s, m.end(1)


def _split_lines(source: str) -> tuple[list[int] | None, list[str]]:
    """The start offset and the content of each line, as `_lines` gives their spans; None for
    the starts when "\n" is the only line break: each line then starts one past the end of the
    line before."""
    if "\r" in source:
        spans = list(_lines(source))
        return [start for start, _ in spans], [source[start:end] for start, end in spans]
    lines = source.split("\n")
    if not lines[-1]:  # no line after a final line break
        lines.pop()
    return None, lines


def _numbered_lines(source: str) -> tuple[Iterable[int], list[str]]:
    """The start offset and the content of each line, as `_lines` gives their spans."""
    starts, lines = _split_lines(source)
    if starts is not None:
        return starts, lines
    # Line i starts after the i lines and i line breaks before it.
    return map(add, accumulate(map(len, lines), initial=0), count()), lines


def parse_markdown(source: str, *, plain: bool = False) -> list[Block]:
    """Split markdown (or plain text when `plain`) into blocks with a source offset per char."""
    blocks: list[Block] = []
    table = offset_table(len(source))
    # (When a list, a slice of it is offset_run's list, without its call.)
    shared = table if isinstance(table, list) else None
    syntax = [len(source)] if plain else _syntax_positions(source)
    next_syntax = 0  # index in `syntax` of the first position at or after the current line
    # The open paragraph, in the three lists of _build; `para_lines` counts its lines (0: none),
    # `para_line` is its Block.line (the number of its line while it has one, then 0).
    parts: list[str] = []
    offsets: list[int] = []
    links: list[Link] = []
    para_lines = para_line = 0
    in_fence = False
    paragraph, heading, item_kind = BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.ITEM

    # Lines are numbered from 1 as LineMap numbers them (_split_lines gives every line, blank or
    # not). Without starts, a line starts one past the end of the one before: summed here, that
    # costs a fifth of _numbered_lines' sums in C (three calls and three new ints per line).
    line_starts, lines = _split_lines(source)
    end = -1
    for number, line in enumerate(lines, 1):
        start = end + 1 if line_starts is None else line_starts[number - 1]
        end = start + len(line)
        if not line or line.isspace():  # also inside a fence; as `not line.strip()`, no copy
            if para_lines:  # flush the paragraph
                if block := _build(parts, offsets, links, paragraph, 0, para_line):
                    blocks.append(block)
                parts, offsets, links, para_lines = [], [], [], 0
            continue
        # Lines come in order: the syntax characters before this one are passed for good.
        while syntax[next_syntax] < start:
            next_syntax += 1
        # Most lines are prose: when the first visible character can open no block construct,
        # skip the tests for them all and go straight to the paragraph. (The test is _PROSE's,
        # without a regex call: \s is what isspace() and lstrip() take, \d what isdecimal().)
        opener = line[0]
        if opener.isspace():
            opener = line.lstrip()[:1]
        if in_fence or opener in _BLOCK_OPENERS or opener.isdecimal():
            # Each block pattern below opens (after spaces) with one of a few characters: a
            # test of the line's first visible character spares the calls that cannot match.
            if not plain and opener in "`~" and _FENCE.match(line):
                if para_lines:
                    if block := _build(parts, offsets, links, paragraph, 0, para_line):
                        blocks.append(block)
                    parts, offsets, links, para_lines = [], [], [], 0
                in_fence = not in_fence
                continue
            if in_fence:
                if block := _build([line], offset_run(start, end), [], paragraph, 0, number):
                    blocks.append(block)
                continue
            # Block quotes: strip the markers and read what is inside.
            if not plain and opener == ">":
                while q := _QUOTE.match(source, start, end):
                    start = q.end()
                line = source[start:end]
                if not line.strip():
                    if para_lines:
                        if block := _build(parts, offsets, links, paragraph, 0, para_line):
                            blocks.append(block)
                        parts, offsets, links, para_lines = [], [], [], 0
                    continue
                opener = line.lstrip()[:1]
            if not plain and opener == "#" and (h := _ATX.match(line)):
                if para_lines:
                    if block := _build(parts, offsets, links, paragraph, 0, para_line):
                        blocks.append(block)
                    parts, offsets, links, para_lines = [], [], [], 0
                if line[-1] in " \t#":
                    close = _ATX_CLOSE.search(line, h.end())
                    stop = start + (close.start() if close else len(line))
                else:  # no closing sequence nor trailing white space: the heading runs to the end
                    stop = end
                heading_parts: list[str] = []
                heading_offsets: list[int] = []
                heading_links: list[Link] = []
                _inline(
                    source,
                    table,
                    syntax,
                    next_syntax,
                    start + h.end(),
                    stop,
                    heading_parts,
                    heading_offsets,
                    heading_links,
                )
                block = _build(
                    heading_parts,
                    heading_offsets,
                    heading_links,
                    heading,
                    len(h.group(1)),
                    number,
                )
                if block:
                    blocks.append(block)
                continue
            if not plain and para_lines == 1 and opener in "=-" and (s := _SETEXT.match(line)):
                level = 1 if s.group(1)[0] == "=" else 2
                block = _build(parts, offsets, links, heading, level, para_line)
                parts, offsets, links, para_lines = [], [], [], 0
                if block:
                    blocks.append(block)
                continue
            if opener in "-*_" and _HR.match(line):
                if para_lines:
                    if block := _build(parts, offsets, links, paragraph, 0, para_line):
                        blocks.append(block)
                    parts, offsets, links, para_lines = [], [], [], 0
                continue
            if not plain and opener == "|":
                if para_lines:
                    if block := _build(parts, offsets, links, paragraph, 0, para_line):
                        blocks.append(block)
                    parts, offsets, links, para_lines = [], [], [], 0
                if _TABLE_SEP.match(line):
                    continue
                cell_start = start
                for cell in line.split("|"):
                    cell_parts: list[str] = []
                    cell_offsets: list[int] = []
                    cell_links: list[Link] = []
                    cell_end = cell_start + len(cell)
                    next_syntax = _inline(
                        source,
                        table,
                        syntax,
                        next_syntax,
                        cell_start,
                        cell_end,
                        cell_parts,
                        cell_offsets,
                        cell_links,
                    )
                    cell_start = cell_end + 1
                    if block := _build(cell_parts, cell_offsets, cell_links, item_kind, 0, number):
                        blocks.append(block)
                continue
            if (opener in "-*+•" or opener.isdecimal()) and (item := _ITEM.match(line)):
                if para_lines:
                    if block := _build(parts, offsets, links, paragraph, 0, para_line):
                        blocks.append(block)
                    parts, offsets, links, para_lines = [], [], [], 0
                item_start = start + item.end()
                if plain:
                    block = _build(
                        [source[item_start:end]],
                        offset_run(item_start, end),
                        [],
                        item_kind,
                        0,
                        number,
                    )
                else:
                    item_parts: list[str] = []
                    item_offsets: list[int] = []
                    item_links: list[Link] = []
                    _inline(
                        source,
                        table,
                        syntax,
                        next_syntax,
                        item_start,
                        end,
                        item_parts,
                        item_offsets,
                        item_links,
                    )
                    block = _build(item_parts, item_offsets, item_links, item_kind, 0, number)
                if block:
                    blocks.append(block)
                continue
        last_char = line[-1]
        backslash = last_char == "\\"
        hard_break = (
            backslash
            or (last_char == " " and line.endswith("  "))  # (a compare spares most lines a call)
            # the tag ends in ">": a memchr spares most lines a copy and a regex search
            or bool(not plain and ">" in line and _BREAK_TAG.search(line.rstrip()))
        )
        if offsets:  # (only an open paragraph has offsets)
            parts.append(" ")  # the joining space stands for the line break
            offsets.append(start - 1)
        content_end = end - 1 if backslash else end
        if syntax[next_syntax] >= content_end:  # plain text, or no syntax: the line as it is
            if content_end > start:
                parts.append(line if content_end == end else source[start:content_end])
                if offsets:
                    offsets += table[start:content_end]
                else:  # a paragraph's first line: the slice is the list, no copy into it
                    if shared is not None:
                        offsets = shared[start:content_end]
                    else:
                        offsets = offset_run(start, content_end)
        else:
            _inline(source, table, syntax, next_syntax, start, content_end, parts, offsets, links)
        para_line = 0 if para_lines else number
        para_lines += 1
        if hard_break:
            if block := _build(parts, offsets, links, paragraph, 0, para_line):
                blocks.append(block)
            parts, offsets, links, para_lines = [], [], [], 0
    if para_lines and (block := _build(parts, offsets, links, paragraph, 0, para_line)):
        blocks.append(block)
    return blocks


# The characters of the emphasis and link syntax that may open just before a sentence.
_OPEN_CHARS = "*_[<"
# A link's destination is written `a*(?:ba*)*`, as in _LINK_DEST: the same matches as
# `(?:a|b)*`, at a fraction of the cost per character of a long URL.
_CLOSE_MARKUP = re.compile(
    r"(?:\*+|_+|>|\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+\"[^\"\n]*\")?\))+"
)
_CLOSE_FIRST = frozenset("*_>]")  # the characters _CLOSE_MARKUP can start with
# widen_to_markup changes a span only when one of these stands just before it ("*_[<") or just
# after it (_CLOSE_FIRST): build_sentences calls it for no other.
MARKUP_EDGES = frozenset(_OPEN_CHARS) | _CLOSE_FIRST


def widen_to_markup(source: str, start: int, end: int) -> tuple[int, int]:
    """Grow a source span over emphasis and link syntax that opens just before it or closes
    just after it, so a quote reads `**Security**` or `[here](mailto:x)`, not `Security**`."""
    # Most sentences open on a letter: test one character before looking further back.
    if start and source[start - 1] in _OPEN_CHARS:
        # The opening markup is the run of those characters just before the span, at most 200
        # back (a run holds no line break, so it stays on the span's line): rstrip finds where
        # it starts at C speed, where a regex search tried every character from the line start.
        window = start - 200 if start > 200 else 0
        start = window + len(source[window:start].rstrip(_OPEN_CHARS))
    # Likewise after it: the closing markup starts with one of these or is not there.
    if source[end : end + 1] in _CLOSE_FIRST and (
        m := _CLOSE_MARKUP.match(source, end, min(len(source), end + 2000))
    ):
        end = m.end()
    return start, end
