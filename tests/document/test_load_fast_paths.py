"""Round-two shortcuts of document loading give what the plain code would give."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.document import blocks, markdown, segment
from auditor.document.blocks import Block, BlockKind, Link, offset_run
from auditor.document.model import Sentence, build_sentences
from auditor.document.segment import split_sentences

# Markdown syntax, sentence punctuation, white space of every kind and a few letters and digits.
MARKUP = "!\\[]()<>&#;*_~`|-=+•>:/@.?…\"'” \t\f\v\x00\xa0\u2003\u3000\u2028\x1c\n" + "aZ09٣"
texts = st.one_of(st.text(), st.text(alphabet=MARKUP))
prose = st.text(alphabet="abAB1. ?!\"'()e.gInc")


def test_sentence_built_from_a_tuple_equals_one_built_by_its_constructor() -> None:
    fields = {
        "index": 3,
        "text": "We sell data.",
        "start": 7,
        "src_start": 10,
        "src_end": 23,
        "line": 2,
        "section": ("Privacy", "Sharing"),
        "block": 1,
        "kind": BlockKind.ITEM,
        "links": (Link(0, 2, "https://x"),),
    }
    # build_sentences hands the fields over in declaration order, as one tuple.
    assert list(fields) == list(Sentence._fields)
    fast = tuple.__new__(Sentence, tuple(fields.values()))
    plain = Sentence(**fields)  # type: ignore[arg-type]
    assert type(fast) is Sentence
    assert fast == plain
    assert hash(fast) == hash(plain)
    assert repr(fast) == repr(plain)
    assert fast._asdict() == fields
    assert fast.end == 20
    with pytest.raises(AttributeError):
        fast.line = 3  # type: ignore[misc]


@given(st.integers(0, 1 << 18), st.integers(0, 300))
def test_offset_runs_are_ranges(start: int, length: int) -> None:
    assert offset_run(start, start + length) == list(range(start, start + length))


def test_offset_runs_across_the_shared_limit() -> None:
    limit = blocks._SHARED_LIMIT
    assert offset_run(limit - 2, limit + 2) == list(range(limit - 2, limit + 2))
    assert offset_run(5, 9) == [5, 6, 7, 8]


@given(texts)
@settings(max_examples=500)
def test_blank_line_test_without_strip(line: str) -> None:
    # parse_markdown tests `not line or line.isspace()` for `not line.strip()`.
    assert (not line or line.isspace()) == (not line.strip())


@given(texts, st.data())
@settings(max_examples=500)
def test_closing_markup_opens_with_its_first_characters(text: str, data: st.DataObject) -> None:
    # widen_to_markup tries _CLOSE_MARKUP only where a character of _CLOSE_FIRST stands.
    end = data.draw(st.integers(0, len(text)))
    if text[end : end + 1] not in markdown._CLOSE_FIRST:
        assert markdown._CLOSE_MARKUP.match(text, end) is None


@given(st.text(alphabet=" \n\xa0abc.'(\"[«"), st.data())
@settings(max_examples=500)
def test_token_before_a_period(text: str, data: st.DataObject) -> None:
    # _token_before against the computation it replaced inside _is_boundary.
    period_at = data.draw(st.integers(0, len(text)))
    token_start = max(0, period_at - segment._MAX_TOKEN)
    window = text[token_start:period_at]
    if window and not window[-1].isspace():
        token = window.split()[-1]
        token_start = period_at - len(token)
    else:
        token = ""
        token_start = period_at
    assert segment._token_before(text, period_at) == (token.lstrip(segment._OPENERS), token_start)


@st.composite
def blocks_with_links(draw: st.DrawFn) -> Block:
    text = draw(prose.filter(str.strip)).strip()
    links: list[Link] = []
    for _ in range(draw(st.integers(0, 6))):
        a = draw(st.integers(0, len(text) - 1))
        b = draw(st.integers(a + 1, len(text)))
        links.append(Link(a, b, f"#{len(links)}"))
    if draw(st.booleans()):
        links.sort(key=lambda link: link.start)
    return Block(BlockKind.PARAGRAPH, text, list(range(len(text))), 0, links)


@given(blocks_with_links())
@settings(max_examples=500)
def test_sentence_links_as_a_full_scan_finds_them(block: Block) -> None:
    # build_sentences looks only at a window of the links when they are in order.
    sentences, _ = build_sentences(block.text, [block])
    spans = split_sentences(block.text)
    for sentence, (start, end) in zip(sentences, spans, strict=True):
        expected = tuple(
            Link(max(link.start, start) - start, min(link.end, end) - start, link.target)
            for link in block.links
            if link.start < end and link.end > start
        )
        assert sentence.links == expected
