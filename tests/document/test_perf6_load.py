"""The sixth session's loading shortcuts give what the plain code gives: the inline scan that
runs only between the document's syntax characters (and paragraph lines without any that skip
it), the link patterns written as `a*(?:ba*)*`, the ASCII test in _build, the lines from
split(), and the block tests chosen by a line's first visible character. Compared on every
corpus and policy file and on generated markdown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from load_reference import markdown as old_markdown

from auditor.document import loader, markdown
from auditor.document.blocks import BlockKind, Link
from auditor.document.encoding import decode

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    path
    for folder in ("bench/corpus", "policies", "tests")
    for path in (ROOT / folder).rglob("*")
    if path.suffix.lower() in (".md", ".markdown", ".txt", ".text") and path.is_file()
)
SOURCES = {str(path.relative_to(ROOT)): decode(path.read_bytes()).text for path in FILES}

# The link patterns as they were, `(?:a|b)*`, and _INLINE built from them.
_OLD_LINK_TEXT = r"(?P<{}>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]"
_OLD_LINK_DEST = r"\(\s*<?(?P<{}>(?:[^()\s<>]|\([^()\s]*\))*)>?(?:\s+\"[^\"\n]*\")?\s*\)"


def _old_inline() -> re.Pattern[str]:
    pattern = markdown._INLINE.pattern
    for name in ("itext", "ltext"):
        pattern = pattern.replace(markdown._LINK_TEXT.format(name), _OLD_LINK_TEXT.format(name), 1)
    for name in ("idest", "ldest"):
        pattern = pattern.replace(markdown._LINK_DEST.format(name), _OLD_LINK_DEST.format(name), 1)
    return re.compile(pattern)


OLD_INLINE = _old_inline()

# Link syntax in pieces, so that generated text holds links, near-links and nested brackets.
LINKISH = [
    "[", "]", "(", ")", "![", "](", "[a]", "(b)", "[x](y)", "[x](y(z))", "[[a]](u)", "](<u>)",
    '[t](u "title")', ' "', '"', "<", ">", "\n", " ", "\t", "a", "Z", "0", "/", ":", "@", ".",
    "*", "_", "\\", "&amp;", "é", "日",
]  # fmt: skip
linkish = st.lists(st.sampled_from(LINKISH), max_size=60).map("".join)
MARKUP = '!\\[]()<>&#;*_~`|-=+•>:/@. \t\f\v\x00\xa0\u2003\u3000\u2028\x1c\n\r"' + "aZ09٣"
texts = st.one_of(linkish, st.text(alphabet=MARKUP), st.text())
SETTINGS = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_the_old_link_patterns_were_replaced() -> None:
    assert OLD_INLINE.pattern != markdown._INLINE.pattern
    assert OLD_INLINE.groupindex == markdown._INLINE.groupindex


def _same_inline_matches(text: str, start: int, end: int) -> None:
    new = markdown._INLINE.match(text, start, end)
    old = OLD_INLINE.match(text, start, end)
    if old is None:
        assert new is None, (text, start)
        return
    assert new is not None, (text, start)
    assert new.lastgroup == old.lastgroup
    assert new.regs == old.regs, (text, start)  # every group's span


@SETTINGS
@given(texts, st.integers(0, 5))
def test_link_patterns_match_as_before_on_generated_text(text: str, cut: int) -> None:
    for i in range(len(text)):
        _same_inline_matches(text, i, len(text))
        _same_inline_matches(text, i, max(i, len(text) - cut))


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_link_patterns_match_as_before_on_the_corpus(name: str) -> None:
    source = SOURCES[name]
    for i in markdown._syntax_positions(source):
        line_end = source.find("\n", i)
        _same_inline_matches(source, i, len(source) if line_end < 0 else line_end)


@SETTINGS
@given(texts)
def test_syntax_positions_are_where_syntax_characters_are(text: str) -> None:
    expected = [i for i, char in enumerate(text) if markdown._SYNTAX.match(char)] + [len(text)]
    assert markdown._syntax_positions(text) == expected


def _every_offset(source: str) -> list[int]:
    """A `syntax` list that sends every line to _inline and _inline down its plain path: a
    scan of the whole range."""
    return list(range(len(source) + 1))


def _parse_both(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for plain in (False, True):
        fast = markdown.parse_markdown(source, plain=plain)
        with monkeypatch.context() as patch:
            patch.setattr(markdown, "_syntax_positions", _every_offset)
            slow = markdown.parse_markdown(source, plain=plain)
        assert fast == slow
        # And the code of before the speed work (tests/document/load_reference), which shares
        # no shortcut with this one.
        assert fast == old_markdown.parse_markdown(source, plain=plain)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_inline_between_syntax_characters_on_the_corpus(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = SOURCES[name]
    _parse_both(source, monkeypatch)
    fast = loader.parse_document(source, "md", name)
    with monkeypatch.context() as patch:
        patch.setattr(markdown, "_syntax_positions", _every_offset)
        slow = loader.parse_document(source, "md", name)
    assert fast == slow
    assert fast.sentences  # the comparison holds text, not two empty documents


@SETTINGS
@given(texts)
def test_inline_between_syntax_characters_on_generated_text(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _parse_both(text, monkeypatch)


ascii_texts = st.one_of(
    st.text(alphabet=[chr(c) for c in range(128)]),
    st.text(alphabet=" \t\f\v\x00\x1c\r\nab.*"),
)
links = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=3)


@SETTINGS
@given(st.one_of(ascii_texts, texts), links)
def test_build_equals_the_collapsing_build(text: str, spans: list[tuple[int, int]]) -> None:
    # _build takes its shortcut (no collapsing) on ASCII text without tab, form feed, vertical
    # tab, NUL or a double space, and on other printable text without a double space.
    block_links = [Link(a, b, "https://x") for a, b in spans if a < b <= len(text)]
    offsets = list(range(10, 10 + len(text)))
    built = markdown._build([text], list(offsets), list(block_links), BlockKind.ITEM, 2)
    collapsed = markdown._build_collapsed(text, list(offsets), list(block_links), BlockKind.ITEM, 2)
    assert built == collapsed
    if text.isascii() and not {"\t", "\f", "\v", "\x00"} & set(text) and "  " not in text:
        assert markdown._SPACE_RUN.search(text) is None


@SETTINGS
@given(st.one_of(texts, st.text(alphabet="ab \n\r")))
def test_numbered_lines_are_the_lines(text: str) -> None:
    starts, lines = markdown._numbered_lines(text)
    numbered = list(zip(starts, lines, strict=False))
    assert len(numbered) == len(lines)
    assert numbered == [(start, text[start:end]) for start, end in markdown._lines(text)]


# Lines that open like block constructs: spaces and tabs, markers, digits of two scripts, text.
LINE_PIECES = [
    " ", "   ", "\t", "\xa0", "\u3000", "`", "```", "~~~", ">", "#", "###### ", "=", "-", "---",
    "*", "* ", "_", "+ ", "• ", "|", "1", "12.", "3)", "٣.", "²", "a", "x y", ".",
]  # fmt: skip
block_lines = st.lists(st.sampled_from(LINE_PIECES), max_size=8).map("".join)
# Each block pattern parse_markdown guards, and the first visible characters its guard allows
# (the same conditions as in parse_markdown; test_perf4_load_identity compares the results).
GUARDS = [
    (markdown._FENCE, lambda opener: opener in "`~"),
    (markdown._QUOTE, lambda opener: opener == ">"),
    (markdown._ATX, lambda opener: opener == "#"),
    (markdown._SETEXT, lambda opener: opener in "=-"),
    (markdown._HR, lambda opener: opener in "-*_"),
    (markdown._ITEM, lambda opener: opener in "-*+•" or opener.isdecimal()),
]


@SETTINGS
@given(st.one_of(block_lines, texts))
def test_a_block_pattern_matches_only_after_its_opener(line: str) -> None:
    line = line.split("\n")[0].split("\r")[0]
    opener = line.lstrip()[:1]
    for pattern, allowed in GUARDS:
        if pattern.match(line):
            assert opener and allowed(opener), (pattern.pattern, line)


@pytest.mark.parametrize(
    ("pattern", "line"),
    [(GUARDS[0][0], "  ```py"), (GUARDS[1][0], " > q"), (GUARDS[2][0], "## H"),
     (GUARDS[3][0], "==="), (GUARDS[4][0], " * * *"), (GUARDS[5][0], "\t٣. x")],
)  # fmt: skip
def test_the_guarded_patterns_match_lines_that_open_blocks(
    pattern: re.Pattern[str], line: str
) -> None:
    # The property above is not empty: each pattern matches a line, which its guard lets by.
    allowed = dict(GUARDS)[pattern]
    assert pattern.match(line) and allowed(line.lstrip()[:1])


@SETTINGS
@given(st.one_of(block_lines, texts))
def test_the_first_visible_character_tells_prose_as_the_pattern_did(line: str) -> None:
    line = line.split("\n")[0].split("\r")[0]
    if not line or line.isspace():
        return  # parse_markdown reads blank lines before this test
    opener = line.lstrip()[:1]
    opens_block = opener in markdown._BLOCK_OPENERS or opener.isdecimal()
    assert opens_block == (markdown._PROSE.match(line) is None), line
