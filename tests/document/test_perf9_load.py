"""Ninth session's loading shortcuts give exactly what the code before them gave: a block's
offsets cut in place when its text is stripped (`markdown._build`), the entity check at a
sentence's end skipped for a source without "&" (`build_sentences`), and runs of plain spaces
found with a literal pattern in text without other white space (`markdown._build_collapsed`)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.document import markdown
from auditor.document.blocks import BlockKind, Link, offset_run
from auditor.document.encoding import decode
from auditor.document.loader import parse_document
from auditor.document.markdown import MARKUP_EDGES, parse_markdown, widen_to_markup
from auditor.document.model import build_sentences
from auditor.document.segment import split_sentences

ROOT = Path(__file__).resolve().parents[2]
MARKDOWN = sorted((ROOT / "bench" / "corpus" / "md").glob("*.md")) + sorted(
    (ROOT / "policies").glob("*.md")
)


@pytest.mark.parametrize(
    ("text", "lead", "size"),
    [
        ("  Hello world  ", 2, 11),  # both ends
        ("\tHello", 1, 5),  # leading only
        ("Hello \u3000", 0, 5),  # trailing only, wide white space
        ("Hello", 0, 5),  # nothing to strip: the list is the block's as it is
    ],
)
def test_a_stripped_block_keeps_the_offsets_of_its_text(text: str, lead: int, size: int) -> None:
    offsets = offset_run(100, 100 + len(text))
    block = markdown._build([text], offsets, [Link(0, len(text), "x")], BlockKind.PARAGRAPH)
    assert block is not None
    assert block.text == text.strip()
    assert block.offsets == list(range(100 + lead, 100 + lead + size))
    assert block.links == [Link(0, size, "x")]


def test_a_stripped_block_built_from_pieces() -> None:
    parts = [" ", "We ", "use", " data", "  \t"]
    offsets = [7, 10, 11, 12, 20, 21, 22, 30, 31, 32, 33, 34, 40, 41, 42]
    links = [Link(1, 7, "a"), Link(9, 15, "b")]
    block = markdown._build(parts, list(offsets), links, BlockKind.ITEM)
    assert block is not None
    assert block.text == "We use data"
    assert block.offsets == offsets[1:12]
    assert block.links == [Link(0, 6, "a"), Link(8, 11, "b")]


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda path: path.name)
def test_sentence_ends_are_those_of_the_entity_check_on_every_markdown_file(path: Path) -> None:
    """Each end as the check before computed it: at every sentence, an entity looked for at
    its last character whenever that is an "&"."""
    source = decode(path.read_bytes()).text
    blocks = parse_markdown(source)
    sentences, _ = build_sentences(source, blocks)  # no widening: the ends the check sets
    expected = []
    for block in blocks:
        if block.kind is BlockKind.META:
            continue
        spans = (
            [(0, len(block.text))]
            if block.kind is BlockKind.HEADING
            else split_sentences(block.text)
        )
        for _, end in spans:
            src_end = block.offsets[end - 1] + 1
            if source[src_end - 1] == "&" and (m := _ENTITY.match(source, src_end - 1)):
                src_end = m.end()
            expected.append(src_end)
    assert [sentence.src_end for sentence in sentences] == expected


def test_a_sentence_ending_in_an_entity_cites_it_whole() -> None:
    source = "Ask Smith &amp;\n\nNo entity here."
    document = parse_document(source, "md")
    assert [s.text for s in document.sentences] == ["Ask Smith &", "No entity here."]
    assert [(s.src_start, s.src_end) for s in document.sentences] == [(0, 15), (17, 32)]
    assert [document.quote(s) for s in document.sentences] == ["Ask Smith &amp;", "No entity here."]


def test_without_an_ampersand_a_sentence_ends_on_its_last_character() -> None:
    source = "**We sell data.** Write to us.\n"
    blocks = parse_markdown(source)
    sentences, text = build_sentences(source, blocks, widen_to_markup, MARKUP_EDGES)
    assert text == "We sell data.\nWrite to us."
    assert [(s.src_start, s.src_end) for s in sentences] == [(0, 17), (18, 30)]


def test_odd_spaces_are_the_characters_of_the_odd_white_space_class() -> None:
    odd = re.compile(markdown._ODD_WS)
    expected = {chr(c) for c in range(sys.maxunicode + 1) if odd.match(chr(c))}
    assert set(markdown._ODD_SPACES) == expected
    assert len(markdown._ODD_SPACES) == len(expected)


_PLAIN_SPACE_TEXTS = st.text(alphabet=st.characters(exclude_characters=markdown._ODD_SPACES))


@settings(max_examples=500, deadline=None)
@given(st.one_of(_PLAIN_SPACE_TEXTS, st.text(alphabet=" a.\n\r\u2028\x85\u1680é")))
def test_plain_space_runs_are_the_runs_of_the_space_run_pattern(text: str) -> None:
    assert [m.span() for m in markdown._SPACES.finditer(text)] == [
        m.span() for m in markdown._SPACE_RUN.finditer(text)
    ]


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda path: path.name)
def test_collapsed_blocks_are_those_of_the_space_run_pattern(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every markdown file parsed again with _SPACE_RUN for every block, as before."""
    source = decode(path.read_bytes()).text
    fast = parse_markdown(source)
    monkeypatch.setattr(markdown, "_SPACES", markdown._SPACE_RUN)
    assert fast == parse_markdown(source)
