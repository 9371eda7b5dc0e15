"""Twelfth-session shortcuts of loading give what the plain code gives.

The markdown parser numbers its lines and gives a block on one line that line (`Block.line`);
`build_sentences` then takes it for each of the block's sentences instead of counting line
breaks (or searching the line starts) per sentence. A block with `line` 0 goes the old way.

In a source with "\n" the only line break, the parser sums each line's start itself (one past
the end of the line before) instead of taking `_numbered_lines`' sums.
"""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from real_inputs import REAL_FILES

from auditor.document import loader, markdown
from auditor.document.blocks import Block
from auditor.document.encoding import decode
from auditor.document.model import LineMap, Sentence, build_sentences


def _markdown_sources() -> list[str]:
    """The real markdown and text files, each also with "\\r\\n" and "\\r" line breaks."""
    sources = [
        decode(path.read_bytes()).text for path in REAL_FILES if path.suffix in (".md", ".txt")
    ]
    assert len(sources) > 150
    return [
        variant
        for source in sources
        for variant in (source, source.replace("\n", "\r\n"), source.replace("\n", "\r"))
    ]


def _check_split_lines(source: str) -> None:
    """`_split_lines`, its starts summed as the parser sums them, gives `_numbered_lines`' and
    `_lines`' lines."""
    starts, lines = markdown._split_lines(source)
    if starts is None:
        assert "\r" not in source
        starts, end = [], -1
        for line in lines:
            starts.append(end + 1)
            end = starts[-1] + len(line)
    plain_starts, plain_lines = markdown._numbered_lines(source)
    numbered = list(zip(starts, lines, strict=True))
    assert numbered == list(zip(plain_starts, plain_lines, strict=False))
    assert numbered == [(start, source[start:end]) for start, end in markdown._lines(source)]


def test_split_lines_on_real_files() -> None:
    for source in _markdown_sources():
        _check_split_lines(source)


def _check_lines(source: str, blocks: list[Block]) -> tuple[int, int]:
    """Assert that every offset of a block with a `line` is on that line; return how many
    blocks have one and how many have none."""
    lines = LineMap(source)
    known = unknown = 0
    for block in blocks:
        if block.line:
            assert {lines.line(offset) for offset in block.offsets} == {block.line}, block
            known += 1
        else:
            unknown += 1
    return known, unknown


def _sentences(source: str, blocks: list[Block], fmt: str) -> list[Sentence]:
    if fmt == "md":
        found = build_sentences(source, blocks, markdown.widen_to_markup, markdown.MARKUP_EDGES)
    else:
        found = build_sentences(source, blocks)
    return found[0]


def _check_sentences(source: str, fmt: str) -> list[Block]:
    """Assert that the sentences of `source` are those built with no block's `line` known (the
    plain count or search per sentence), and that each sentence's line is that of its first
    source character; return the blocks."""
    blocks = loader._mark_corpus_header(markdown.parse_markdown(source, plain=fmt == "txt"), {})
    plain = [dataclasses.replace(block, line=0) for block in blocks]
    sentences = _sentences(source, blocks, fmt)
    assert sentences == _sentences(source, plain, fmt)
    lines = LineMap(source)
    assert [s.line for s in sentences] == [lines.line(s.src_start) for s in sentences]
    return blocks


def test_block_lines_and_sentence_lines_on_real_files() -> None:
    known = unknown = 0
    for source in _markdown_sources():
        for fmt in ("md", "txt"):
            blocks = _check_sentences(source, fmt)
            counts = _check_lines(source, blocks)
            known += counts[0]
            unknown += counts[1]
    # Both paths are taken: most blocks stand on one line, some paragraphs run over several.
    assert known > 40 * unknown > 0


def test_the_corpus_header_keeps_its_line() -> None:
    first = next(path for path in REAL_FILES if path.suffix == ".md")
    source = decode(first.read_bytes()).text
    assert "The following text is extracted" in source[:100]
    blocks = loader._mark_corpus_header(markdown.parse_markdown(source), {})
    assert blocks[0].kind is loader.BlockKind.META and blocks[0].line == 1


def test_line_is_not_compared() -> None:
    block = markdown.parse_markdown("x\n\ny")[1]
    assert block.line == 3
    assert block == dataclasses.replace(block, line=0)


# Block syntax, hard breaks, fences, quotes, tables and every kind of line break.
TOKENS = [
    "We", "use data", "Inc.", "e.g.", "end.", "x.", "Y", "?", "**", "_a_", "[a](b)", "<br>",
    "&amp;", "\\", "  ", " ", "\t", "# ", "## h #", "===", "---", "***", "- ", "* ", "1. ",
    "| a | b |", "|---|---|", "```", "~~~", "> ", ">> ", "\xa0", "\n", "\n", "\n\n", "\r\n",
    "\r", "\r\r", "  \n", "\\\n", "<br>\n",
]  # fmt: skip
documents = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.sampled_from(["md", "txt"]))
def test_generated_block_and_sentence_lines(source: str, fmt: str) -> None:
    _check_split_lines(source)
    blocks = _check_sentences(source, fmt)
    _check_lines(source, blocks)
