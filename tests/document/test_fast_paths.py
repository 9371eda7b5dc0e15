"""The shortcuts the parsers take for speed give the answer the slow path would give."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.document import markdown
from auditor.document.model import LineMap

# Markdown syntax, white space of every kind, line breaks and a few letters and digits.
MARKUP = "!\\[]()<>&#;*_~`|-=+•>:/@. \t\f\v\x00\xa0\u2003\u3000\u2028\x1c\n\r" + "aZ09٣"
texts = st.one_of(st.text(), st.text(alphabet=MARKUP))


@given(texts)
@settings(max_examples=500)
def test_inline_syntax_starts_with_a_syntax_character(text: str) -> None:
    # _Builder.inline only tries _INLINE where _SYNTAX finds a character.
    for i, ch in enumerate(text):
        if not markdown._SYNTAX.match(ch):
            assert markdown._INLINE.match(text, i) is None, (text, i)


@given(st.text(alphabet=[chr(c) for c in range(128)]))
@settings(max_examples=500)
def test_ascii_without_space_runs(text: str) -> None:
    # _Builder.build skips the _SPACE_RUN scan for printable ASCII without a double space.
    if text.isprintable() and "  " not in text:
        assert markdown._SPACE_RUN.search(text) is None


@given(texts)
@settings(max_examples=500)
def test_prose_lines_open_no_block(line: str) -> None:
    # parse_markdown reads a line _PROSE matches as paragraph text without the block tests.
    if "\n" in line or "\r" in line or not markdown._PROSE.match(line):
        return
    assert line.strip()
    assert not line.lstrip().startswith("|")
    for pattern in (
        markdown._FENCE,
        markdown._QUOTE,
        markdown._ATX,
        markdown._SETEXT,
        markdown._HR,
        markdown._ITEM,
    ):
        assert pattern.match(line) is None, pattern.pattern


@given(texts)
@settings(max_examples=500)
def test_line_splitting_without_carriage_returns(text: str) -> None:
    # Sources without \r take a str.split path; \r alone ends a line the same way (regex path).
    text = text.replace("\r", "")
    assert list(markdown._lines(text)) == list(markdown._lines(text.replace("\n", "\r")))
    same = LineMap(text.replace("\n", "\r"))
    lines = LineMap(text)
    assert [lines.line(i) for i in range(len(text) + 1)] == [
        same.line(i) for i in range(len(text) + 1)
    ]
