"""The HTML builder's fast tokenizer loop against HTMLParser's own: the same events, at the same
offsets, and the same blocks, on every corpus page, generated page, test case and fuzzed markup.

The fast loop reads the attributes of `<a>` only (the builder reads no other tag's), so those
are the attributes compared.
"""

from __future__ import annotations

import _markupbase
import bisect
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.document.html import (
    _ODD_SPACE,
    _PLAIN_END,
    _PLAIN_START,
    _BlockBuilder,
    _fast_loop,
    _tokenizer_digest,
)
from bench.corpus_gen import split_policy, to_html

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "bench" / "corpus"
PAGES = sorted((CORPUS / "html").glob("*.html"))
CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "html_cases.yaml").read_text("utf-8"))

pytestmark = pytest.mark.skipif(
    not _fast_loop(),
    reason="the fast loop runs only with the html.parser source it was checked against",
)


class _Plain(_BlockBuilder):
    """The builder as it was before the fast loop: HTMLParser's goahead, its line and column
    bookkeeping, and offsets computed from a table of line starts."""

    def __init__(self, source: str) -> None:
        super().__init__(source)
        self._starts = [0] + [m.end() for m in re.finditer("\n", source)]

    def feed(self, data: str) -> None:
        # what the tokenizer's line and column are at `_base`, as run() used to set them
        line = bisect.bisect_right(self._starts, self._base)
        self.lineno, self.offset = line, self._base - self._starts[line - 1]
        super().feed(data)

    def goahead(self, end: bool) -> None:
        HTMLParser.goahead(self, end)

    def updatepos(self, i: int, j: int) -> int:
        return _markupbase.ParserBase.updatepos(self, i, j)

    def _pos(self) -> int:
        line, col = self.getpos()
        return self._starts[line - 1] + col

    def handle_data(self, data: str) -> None:
        self._route(data, self._pos(), False)


class _Fast(_BlockBuilder):
    def goahead(self, end: bool) -> None:
        self._fast_goahead(end)


def _recording(base: type[_BlockBuilder]) -> type[_BlockBuilder]:
    """A builder that only records the tokenizer's events, with their offsets."""

    class Recorder(base):  # type: ignore[valid-type,misc]
        def __init__(self, source: str) -> None:
            super().__init__(source)
            self.events: list[tuple[Any, ...]] = []

        def _log(self, *event: Any) -> None:
            self.events.append((*event, self._pos(), self.cdata_elem))

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self._log("start", tag, attrs if tag == "a" else None, self.lasttag)

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self._log("startend", tag, attrs if tag == "a" else None, self.lasttag)

        def handle_endtag(self, tag: str) -> None:
            self._log("end", tag)

        def handle_data(self, data: str) -> None:
            self._log("data", data)

        def handle_entityref(self, name: str) -> None:
            self._log("entity", name)

        def handle_charref(self, name: str) -> None:
            self._log("charref", name)

        def handle_comment(self, data: str) -> None:
            self._log("comment", data)

        def handle_decl(self, decl: str) -> None:
            self._log("decl", decl)

        def handle_pi(self, data: str) -> None:
            self._log("pi", data)

        def unknown_decl(self, data: str) -> None:
            self._log("unknown", data)

        def _route(self, text: str, base: int, const: bool) -> None:
            self.events.append(("route", text, base, const))  # what run() hands over itself

    return Recorder


_PlainRecorder = _recording(_Plain)
_FastRecorder = _recording(_Fast)


def assert_same(source: str) -> None:
    plain, fast = _PlainRecorder(source), _FastRecorder(source)
    plain.run()
    fast.run()
    assert fast.events == plain.events  # type: ignore[attr-defined]
    assert _Fast(source).run() == _Plain(source).run()


def _generated_pages() -> list[str]:
    """The pages bench/corpus_gen.py renders from the markdown policies."""
    return [
        to_html(split_policy(path.stem, path.read_text("utf-8")))
        for path in sorted((CORPUS / "md").glob("*.md"))
    ]


def test_fast_loop_runs_here() -> None:
    assert _fast_loop() and len(_tokenizer_digest()) == 64


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_corpus_page(path: Path) -> None:
    source = path.read_text("utf-8")
    assert_same(source)
    # and the fast loop reads most of the page's tags itself, so they are what was compared
    fast = _FastRecorder(source)
    fast.run()
    events: list[tuple[Any, ...]] = fast.events  # type: ignore[attr-defined]
    starts = [e[-2] for e in events if e[0] in ("start", "startend")]
    ends = [e[-2] for e in events if e[0] == "end"]
    assert len(starts) >= 50 and len(ends) >= 50
    assert sum(1 for at in starts if _PLAIN_START.match(source, at)) >= 0.9 * len(starts)
    assert sum(1 for at in ends if _PLAIN_END.match(source, at)) >= 0.9 * len(ends)


def test_generated_pages() -> None:
    pages = _generated_pages()
    assert len(pages) == 150
    for page in pages:
        assert_same(page)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_html_case(case: dict[str, Any]) -> None:
    assert_same(case["source"])


HOSTILE = [
    "",
    "<",
    "&",
    "&#",
    "&#x",
    "&amp",
    "&#8217",
    "<!--",
    "<!-- x",
    "<![CDATA[ x",
    "<![ x",
    "<![foo bar]>x",
    "<!DOCTYPE",
    "<!DOCTYPE html><p>x",
    "<?",
    "<?php x ?>y",
    "<a href='",
    '<p class="x>y</p>',
    "<script>",
    "<script>x</script >y</SCRIPT>z",
    "<style>x</style/>y",
    "<script/>x<p>y",
    "<style>x",
    "</p></p></div>",
    "</>x</ p>y</3>z</p x>",
    "<title>",
    "<title>unclosed <p>text",
    "<a href=x><a href=y>z",
    "<a href=x/>y<a href=x />z<br/><br />",
    "<a href = 'x&amp;y' title=\"a>b\" data-x=&lt;y>z</a>",
    "<a href=\"x\"title=y>z</a><a b=>c<a b= >d<a =b>e<a b==c>f",
    "<p\xa0class=x>y<p class=\xa0x>z<p class=x\xa0>w<p\x0bx>",
    "<P CLASS=X>Y</P><İ>x</İ>",
    "\x00\x01\x02<p>\x00</p>\ufffd",
    "<p>" + "&#x110000;&#0;&#xD800;&#99999999999;" + "</p>",
    "<" * 100 + "&" * 100 + ">" * 100,
    "<table><td><table><td></table></table></td></tr>",
    "a\r\nb\rc\n<p>d\r\n</p>\n\n<br>\n",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_input(source: str) -> None:
    assert_same(source)


_FRAGMENTS = [
    "<a", "<A", "<br", "<p", "<img", "<a href=", "<a href", "<my-tag", "</p", "</a", "</",
    "<script>", "</script>",
    "</script ", "<style>", "</style>", "<textarea>", ">", "/>", "/", " ", "  ", "\t", "\n",
    "\r", "\xa0", "\x0b", "\f", "=", '"', "'", "href", "alt", "x", "Y", "1", "-", ":", "&amp;",
    "&#39;", "&#x27", "&#", "&", ";", "<!--", "-->", "<!", "<?", "]]>", "<![CDATA[", "<!doctype",
    "text", ".", "<", "`", "\x00", "İ",
]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=60).map("".join))
def test_fuzzed_markup(source: str) -> None:
    assert_same(source)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_random_text(source: str) -> None:
    assert_same(source)


# The white space runs _text collapses, as the pattern was written before it opened with a class.
_ODD_SPACE_AS_WRITTEN = re.compile(r" \s+|[^\S ]\s*")


def _runs(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


@settings(max_examples=2000, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list(" \t\n\r\f\v\xa0\u2003\u3000\x1c\x85ab.")), max_size=40)
)
def test_odd_space_runs(text: str) -> None:
    assert _runs(_ODD_SPACE, text) == _runs(_ODD_SPACE_AS_WRITTEN, text)


def test_odd_space_runs_on_corpus_text() -> None:
    pages = [path.read_text("utf-8") for path in PAGES] + _generated_pages()
    runs = 0
    for page in pages:
        expected = _runs(_ODD_SPACE_AS_WRITTEN, page)
        assert _runs(_ODD_SPACE, page) == expected
        runs += len(expected)
    assert runs > 10_000
