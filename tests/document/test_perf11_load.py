"""Eleventh-session shortcuts of loading give what the plain code gives.

The sentence splitter's candidate scan stops before a final terminator that follows a letter or
digit (`segment._scan_end`): such a terminator could only match as the text's end, which breaks
nothing, and no other candidate reads it. And the word after a candidate is read by an empty
alternative instead of an optional group ("" where it was None).

The markdown parser finds a line's syntax characters by stepping on from its place in their
list instead of a search (`_inline`'s `k`), takes a paragraph's first offsets as a slice of the
shared table without offset_run's call, and spares most lines a call or two (a line's last and
first characters tested before endswith() and lstrip(); strip() compared by identity).
"""

from __future__ import annotations

import bisect
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from load_reference import html as old_html
from load_reference import markdown as old_markdown
from load_reference import segment as old_segment
from real_inputs import REAL_FILES, plain_path, real_documents

from auditor.document import encoding, html, markdown, segment
from auditor.document.blocks import Block, BlockKind, Link, offset_table
from auditor.document.encoding import decode

# The candidate patterns as they were: the word after a candidate in an optional group.
_OLD_REST = (
    r"(?<![.?!…][.?!…])[.?!…]*([" + re.escape(segment._CLOSERS) + r"]*)"
    r"(?:(?=(\s+)[" + re.escape(segment._OPENERS) + r"]*(\w+|\S)?)|(?=[A-Z][a-z])|\Z)"
)
_OLD_CANDIDATE = re.compile(r"[.?!…]" + _OLD_REST)


def _block_texts() -> list[str]:
    """The texts the splitter is given for the real documents (every block but headings)."""
    return [
        block.text
        for document in real_documents()
        for block in document.blocks
        if block.kind is not BlockKind.HEADING
    ]


def _candidates(pattern: re.Pattern[str], text: str, end: int) -> list[tuple[object, ...]]:
    """Each match of `pattern` in `text[:end]`: its span and groups, an unread word as ""."""
    return [
        (m.span(), m.group(1), m.group(2), m.group(3) or "") for m in pattern.finditer(text, 0, end)
    ]


def _plain_candidates(text: str, stopped: bool) -> list[tuple[object, ...]]:
    """The old pattern's matches over the whole text; when the scan is `stopped` early, without
    the last one, which must then end the text with no white space after it (it breaks
    nothing)."""
    found = _candidates(_OLD_CANDIDATE, text, len(text))
    if stopped:
        span, _, space, _ = found.pop()
        assert span == (len(text) - 1, len(text)) and space is None, text
    return found


def _check(text: str) -> None:
    # The premise: the new pattern, stopped where _scan_end says, finds the old pattern's
    # candidates but for a final one that breaks nothing.
    end = segment._scan_end(text, len(text)) if text else 0
    found = _candidates(segment._CANDIDATE, text, end)
    assert found == _plain_candidates(text, end < len(text)), text
    # The splitter: the same spans as the splitter as it was, and as with the scan to the end
    # (the "." path computes the same stop inline; the whole-text scan is compared above).
    spans = segment.split_sentences(text)
    assert spans == old_segment.split_sentences(text), text
    assert spans == plain_path(
        lambda: segment.split_sentences(text), segment, "_scan_end", lambda text, n: n
    ), text


def test_real_blocks_split_as_with_the_whole_scan() -> None:
    texts = _block_texts()
    stopped = [t for t in texts if len(t) > 1 and segment._scan_end(t, len(t)) < len(t)]
    # Both kinds of text are many in the real documents, so both are compared here.
    assert len(stopped) > 1000 and len(texts) - len(stopped) > 1000
    for text in texts:
        _check(text)


def test_cases() -> None:
    cases = {
        "We keep it. You may ask.": [(0, 11), (12, 24)],
        "We keep it. (": [(0, 13)],
        "We keep it. “X.": [(0, 11), (12, 15)],
        "We keep it. “x.": [(0, 15)],
        "Is it kept? Yes!": [(0, 11), (12, 16)],
        "It is kept… Then.": [(0, 11), (12, 17)],
        "Ask Acme Inc. We answer.": [(0, 13), (14, 24)],
        "a.B.": [(0, 4)],
        "Data.We use it.": [(0, 15)],
        "our data.We use it.": [(0, 9), (9, 19)],
        "See (1). And 2.": [(0, 8), (9, 15)],
        "Call us. ..": [(0, 8), (9, 11)],
        "x. .": [(0, 4)],
        "We use it. .": [(0, 10), (11, 12)],
        "Kept.": [(0, 5)],
        "A.": [(0, 2)],
        ".": [(0, 1)],
    }
    for text, expected in cases.items():
        assert segment.split_sentences(text) == expected, text
        _check(text)


# Short texts ending in every way around a final terminator: after a letter or digit, after
# white space, openers, closers or another terminator, and a capital without a space before it.
near_end = st.text(alphabet=' \xa0\n.aAW9?!…)("“_', max_size=14)


@settings(max_examples=3000, deadline=None)
@given(near_end)
def test_short_texts_split_as_with_the_whole_scan(text: str) -> None:
    _check(text)


def _markdown_sources() -> list[tuple[str, bool]]:
    """The decoded real markdown and text files, each with whether it is plain text."""
    return [
        (decode(path.read_bytes()).text, path.suffix == ".txt")
        for path in REAL_FILES
        if path.suffix in (".md", ".markdown", ".txt")
    ]


def test_real_markdown_parses_as_it_did() -> None:
    sources = _markdown_sources()
    assert len(sources) > 150
    for source, plain in sources:
        blocks = markdown.parse_markdown(source, plain=plain)
        assert blocks == old_markdown.parse_markdown(source, plain=plain)
        # Without the shared table (a document past its limit): offset_run's lists throughout.
        assert blocks == plain_path(
            lambda: markdown.parse_markdown(source, plain=plain),  # noqa: B023
            markdown,
            "offset_table",
            range,
        )


def _inline(source: str, syntax: list[int], k: int, start: int, end: int) -> tuple[object, ...]:
    parts: list[str] = []
    offsets: list[int] = []
    links: list[Link] = []
    stop = markdown._inline(
        source, offset_table(len(source)), syntax, k, start, end, parts, offsets, links
    )
    return stop, "".join(parts), offsets, links


def test_inline_steps_from_any_place_before_the_line() -> None:
    stepped = 0
    for source, plain in _markdown_sources():
        if plain:
            continue
        syntax = markdown._syntax_positions(source)
        start = 0
        for line in source.split("\n"):
            end = start + len(line)
            # From the line's own place (what a search finds), from the start of the list, and
            # from the place of the line before: the same text, and the place after the line.
            first = bisect.bisect_left(syntax, start)
            expected = _inline(source, syntax, first, start, end)
            assert expected[0] == bisect.bisect_left(syntax, end)
            assert _inline(source, syntax, 0, start, end) == expected
            before = bisect.bisect_left(syntax, max(0, start - len(line) - 1))
            assert _inline(source, syntax, before, start, end) == expected
            stepped += first > before
            start = end + 1
    assert stepped > 1000


def test_first_lines_and_line_ends() -> None:
    # A line opening with white space, ending with one or two spaces, a backslash or a break
    # tag; a paragraph's first line with and without syntax; a stripped heading and item.
    source = (
        "  Indented line. \n"
        "hard break  \n"
        "next\\\n"
        "after a <br>\n"
        "\u3000wide space first\n"
        "\n"
        "# Heading **bold** #\n"
        "* item *x* and [link](http://a.b)\n"
        "\n"
        "plain **first** line\n"
    )
    blocks = markdown.parse_markdown(source)
    assert blocks == old_markdown.parse_markdown(source)
    assert [(b.kind, b.text) for b in blocks] == [
        (BlockKind.PARAGRAPH, "Indented line. hard break"),
        (BlockKind.PARAGRAPH, "next"),
        (BlockKind.PARAGRAPH, "after a"),
        (BlockKind.PARAGRAPH, "wide space first"),
        (BlockKind.HEADING, "Heading bold"),
        (BlockKind.ITEM, "item x and link"),
        (BlockKind.PARAGRAPH, "plain first line"),
    ]
    assert isinstance(blocks[0], Block) and blocks[0].offsets[0] == 2


def test_html_blank_lines_in_any_line_breaks() -> None:
    pages = [decode(path.read_bytes()).text for path in REAL_FILES if path.suffix == ".html"]
    assert len(pages) >= 12
    # Blank lines in <pre> (which end a block) and single line breaks (which do not), written
    # with "\n", "\r\n" and "\r", alone between tags and inside text.
    for br in ("\n", "\r\n", "\r"):
        one, two = br, br + " " + br
        pages.append(
            f"<pre>a{one}b{two}c</pre><pre>{two}</pre><pre>{one}</pre><p>d{two}e</p>"
            f"<pre>f</pre>{two}<pre>g{one}{one}h{one} {one}i</pre>"
        )
    for page in pages:
        new, old = html.parse_html(page), old_html.parse_html(page)
        assert new.blocks == old.blocks
    texts = [[b.text for b in html.parse_html(page).blocks] for page in pages[-3:]]
    assert texts[0] == ["a b", "c", "d e", "f", "g", "h", "i"]
    assert texts[0] == texts[1] == texts[2]


def _plain_is_binary(data: bytes) -> str | None:
    """is_binary trying every signature, as before."""
    return plain_path(  # type: ignore[no-any-return]
        lambda: plain_path(
            lambda: encoding.is_binary(data), encoding, "_FURTHER_IN", encoding._MAGIC
        ),
        encoding,
        "_MAGIC_BY_FIRST_BYTE",
        {},
    )


def test_binary_signatures_by_first_byte() -> None:
    files = [path.read_bytes() for path in REAL_FILES]
    # Every signature at its offset, alone, with text after it, after text, and cut short; the
    # bzip2 one with and without its block header; the first bytes of the files above.
    made = [b"", b"\x00", b"BZh91AY&SY rest", b"BZh9 no header"]
    for magic, at, _ in encoding._MAGIC:
        head = b"\x00" * at
        made += [head + magic, head + magic + b" text", b"text " + magic, head + magic[:-1]]
    made += [data[:1] + magic for data in files[:20] for magic, _, _ in encoding._MAGIC]
    found = 0
    for data in files + made:
        reason = encoding.is_binary(data)
        assert reason == _plain_is_binary(data), data[:20]
        found += reason is not None
    assert found > len(encoding._MAGIC)
