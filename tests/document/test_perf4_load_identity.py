"""Document loading builds exactly what it built before the speed work (tests/document/
load_reference holds that code): the same blocks with the same offsets and links, the same
sentences with every field, the same text, title and metadata, on every file of the real corpus
and on generated markdown, plain text and HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from load_reference import html as old_html
from load_reference import loader as old_loader
from load_reference import markdown as old_markdown
from load_reference import segment as old_segment

from auditor.document import html, loader, markdown, segment
from auditor.document.encoding import decode
from auditor.document.model import Document, Sentence

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    path
    for folder in ("bench/corpus", "policies", "tests")
    for path in (ROOT / folder).rglob("*")
    if path.suffix.lower() in loader.FORMATS and path.is_file()
)


def assert_same_document(new: Document, old: Document) -> None:
    """Field by field, so that a failure names what differs."""
    assert len(new.blocks) == len(old.blocks)
    for index, (a, b) in enumerate(zip(new.blocks, old.blocks, strict=True)):
        assert a == b, index
        assert type(a.offsets) is list, index
    assert len(new.sentences) == len(old.sentences)
    for a, b in zip(new.sentences, old.sentences, strict=True):
        assert a == b
        assert type(a) is type(b) is Sentence  # tuples compare equal across types
    assert new.text == old.text
    assert new.title == old.title
    assert new.metadata == old.metadata
    assert new == old


def parse_both(source: str, fmt: str) -> None:
    assert_same_document(
        loader.parse_document(source, fmt, "x"), old_loader.parse_document(source, fmt, "x")
    )


def test_the_corpus_is_there() -> None:
    suffixes = {path.suffix for path in FILES}
    assert len(FILES) > 150 and {".md", ".html"} <= suffixes


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_corpus_file_loads_as_before(path: Path) -> None:
    source = decode(path.read_bytes()).text
    fmt = loader.FORMATS[path.suffix.lower()]
    parse_both(source, fmt)
    if fmt == "html":
        new, old = html.parse_html(source), old_html.parse_html(source)
        assert (new.title, new.header_comment, new.header_span) == (
            old.title,
            old.header_comment,
            old.header_span,
        )
    else:
        # Every markdown file read as plain text too, and every sentence splitter input.
        parse_both(source, "txt")
        for block in markdown.parse_markdown(source):
            assert segment.split_sentences(block.text) == old_segment.split_sentences(block.text)


# Markdown and HTML syntax, entities, abbreviations and sentence ends, odd white space.
TOKENS = [
    "We", "use", "data", "the", "Inc.", "U.S.", "e.g.", "i.e.", "No. 5", "Jan. 1", "St.", "J.",
    "a.m.", "etc.", "v2.0.1", "1.5", "2.", "II.", "a)", "(iv)", "iPhone", "eBay", "ASP.NET",
    "data.We", "x.com/a.b", "privacy@example.com", "http://x.com/a.b?c=d", "www.example.com",
    "The", "If", "WE", "ACME", "INC.", ".", "..", "...", "…", ",", "!", "?", "?!", ":", ";",
    "(", ")", '"', "'", "’", "”", "“", "«", "»", "¿", "*", "**", "***", "_", "__", "`", "``",
    "~~", "#", "## ", "###### ", "#", "> ", ">> ", "* ", "- ", "+ ", "• ", "1. ", "12) ", "|",
    "| a | b |", "|---|---|", "---", "***", "===", "```", "~~~", "[", "]", "](", "![", "[a]",
    "[link](http://x.com)", "[a@b.co](mailto:a@b.co)", '[t](<u> "title")', "[x](y(z))",
    "![img](p.png)", "<", ">", "<http://x.com>", "<a@b.co>", "<br>", "<br/>", "<BR />", "<b>",
    "</b>", "<p>", "</p>", "<h2>", "</h2>", "<li>", "</li>", "<td>", "<tr>", "<table>",
    "</table>", '<a href="mailto:a@b.co">', '<a href=" http://x ">', "<a>", "</a>",
    '<img alt="Contact &amp; Us">', "<script>", "</script>", "<style>", "<nav>", "</nav>",
    "<head>", "<title>", "</title>", "<pre>", "</pre>", "<!--", "-->", "<![CDATA[", "<!DOCTYPE>",
    "<?x?>", "&amp;", "&nbsp;", "&#169;", "&#x41;", "&bogus;", "&#", "&", "\\", "\\*", "\\\\",
    " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", "\r", "\xa0", "\u2003", "\u3000", "\u2028",
    "\x00", "\x0b", "\x0c", "\x1c", "é", "日本", "٣", "\U0001f600", "\ufeff",
]  # fmt: skip
joined = st.lists(st.sampled_from(TOKENS), max_size=80).map("".join)
spaced = st.lists(st.sampled_from(TOKENS), max_size=80).map(" ".join)
ALPHABET = "!\\[]()<>&#;*_~`|-=+•:/@.?…\"'” \t\f\v\x00\xa0\u2003\u2028\n\r" + "aZe09٣"
documents = st.one_of(joined, spaced, st.text(alphabet=ALPHABET), st.text(max_size=100))
IDENTITY = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@IDENTITY
@given(documents, st.sampled_from(["md", "txt", "html"]))
def test_generated_documents_load_as_before(source: str, fmt: str) -> None:
    parse_both(source, fmt)


@IDENTITY
@given(documents)
def test_generated_markdown_blocks_as_before(source: str) -> None:
    for plain in (False, True):
        assert markdown.parse_markdown(source, plain=plain) == old_markdown.parse_markdown(
            source, plain=plain
        )


# Words: every abbreviation and sentence opener the splitter knows, in three cases, and others.
KNOWN_WORDS = [
    variant
    for word in sorted(old_segment._ABBREVIATIONS | old_segment._STARTERS)
    for variant in (word, word.capitalize(), word.upper())
]
OTHER_WORDS = [
    "", "we", "We", "data", "xx", "IO", "EU", "5", "12", "4.1", "II", "iv", "B", "a", "iPhone",
    "eBay", "e.g", "U.S", "x.com", "a@b.co", "ASP.NET", "٣", "²", "İ", "ǅ",
]  # fmt: skip
words = st.one_of(st.sampled_from(KNOWN_WORDS), st.sampled_from(OTHER_WORDS))
# A sentence-like piece: opener, word, terminators, closers and what separates it from the next.
piece = st.tuples(
    st.sampled_from(["", "", "", "", "(", '"', "“", "«", "¿", "(("]),
    words,
    st.sampled_from(["", "", "", ".", ".", ".", ".", "?", "!", "…", "?!", "...", ":", ";", ","]),
    st.sampled_from(["", "", "", "", ")", '"', "”", "’", "»", "]", "}", ".)"]),
    st.sampled_from([" ", " ", " ", " ", "", "  ", "\n", "\xa0", "\t", " ( "]),
).map("".join)
sentences = st.one_of(
    st.lists(piece, max_size=40).map("".join),
    st.text(alphabet="aAbBxX1 .?!…\"'()”\n\xa0eg", max_size=120),
)


@IDENTITY
@given(sentences)
def test_generated_sentences_split_as_before(text: str) -> None:
    assert segment.split_sentences(text) == old_segment.split_sentences(text)


def test_every_token_before_every_ending_splits_as_before() -> None:
    # All pairs of a word before a terminator and a word after it, a few ways apart.
    before = [*KNOWN_WORDS, *OTHER_WORDS]
    endings = [".", "?", "...", ".)", ".”", "!)"]
    gaps = [" ", "", "  (", "\n"]
    after = ["We", "WE", "The", "Its", "data", "eBay", "iPhone", "5", "a)", "}", ",", "", "İt"]
    for token in before:
        for ending in endings:
            for gap in gaps:
                for word in after:
                    for text in (f"{token}{ending}{gap}{word} x", f"A {token}{ending}{gap}{word}"):
                        assert segment.split_sentences(text) == old_segment.split_sentences(text)


@pytest.mark.parametrize(
    "source",
    [
        "<pre>a<b>\n\n</b>b</pre>",
        "<pre>a\n\n<i> </i>b\r\r<i>\r\n\r\n</i>c</pre>",
        "<textarea>x<b>\r\r</b>y</textarea>z",
        "<p>a<br>\n\n<br>b<span> </span>c<span>\t\xa0</span>d</p>",
        "<p>a<br><b> \n </b>or b<br><i>\n</i>C</p>",
        "<title> \n </title><h1>x<b>\n\n</b>y</h1><div>\u2028<b>\u3000</b></div>",
        "<ul><li>a<div>b</div> <li>c</ul><table><tr><td>x <td>\n\n</table>",
    ],
)
def test_white_space_between_tags_as_before(source: str) -> None:
    parse_both(source, "html")
