"""Seventh-session shortcuts of sentence building give what the plain code gives: the word count
without a string per word (`count_words`), and the splitter's candidates read with two calls
whose plain-word tokens break without the abbreviation tests (`_joins`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from load_reference import segment as old_segment

from auditor.document import loader, segment
from auditor.document.blocks import BlockKind
from auditor.document.encoding import decode
from auditor.document.html import parse_html
from auditor.document.markdown import parse_markdown
from auditor.document.model import _WIDE_SPACES, count_words

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted(
    path
    for folder in ("bench/corpus", "policies")
    for path in (ROOT / folder).rglob("*")
    if path.suffix.lower() in loader.FORMATS and path.is_file()
)


def test_wide_spaces_are_the_non_ascii_white_space() -> None:
    every = (chr(code) for code in range(0x80, sys.maxunicode + 1))
    wide = "".join(char for char in every if char.isspace())
    assert wide == _WIDE_SPACES


def test_every_code_point_counts_as_split_does() -> None:
    # Between two words, every character (surrogates too) is one word break or none, as for
    # str.split(); white space and ASCII also alone and as runs at either end.
    for code in range(sys.maxunicode + 1):
        text = f"a{chr(code)}b"
        assert count_words(text) == len(text.split()), hex(code)
    for char in [chr(code) for code in range(0x80)] + list(_WIDE_SPACES):
        for text in (char, f"{char}{char}a {char}", f"\xe9{char}\u2019{char}"):
            assert count_words(text) == len(text.split()), (hex(ord(char)), text)


def test_corpus_documents_count_as_their_sentences_split() -> None:
    assert len(CORPUS) > 150
    for path in CORPUS:
        document = loader.parse_document(
            decode(path.read_bytes()).text, loader.FORMATS[path.suffix.lower()]
        )
        words = sum(len(sentence.text.split()) for sentence in document.sentences)
        assert document.words == words, path
        assert count_words(document.source) == len(document.source.split()), path


def test_word_count_cases() -> None:
    cases = {
        "": 0,
        " \n\t": 0,
        "data": 1,
        " We sell data. ": 3,
        "We\xa0sell\u3000data": 3,
        "caf\xe9 \u2019quoted\u2019\u2003\U0001f600": 3,
        "a\x1cb\x1dc\x1ed\x1fe\x85f": 6,
    }
    for text, words in cases.items():
        assert count_words(text) == words == len(text.split()), text


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(" \n\t\x0b\x1f\x85\xa0\u2002\u3000ab\xe9\u2019\U0001f600")))
def test_mixed_white_space_counts_as_split_does(text: str) -> None:
    assert count_words(text) == len(text.split())


def _block_texts(path: Path) -> list[str]:
    source = decode(path.read_bytes()).text
    if loader.FORMATS[path.suffix.lower()] == "html":
        blocks = parse_html(source).blocks
    else:
        blocks = parse_markdown(source)
    return [block.text for block in blocks if block.kind is not BlockKind.HEADING]


def test_corpus_blocks_split_as_the_plain_splitter(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    joins = segment._joins

    def counted(*args: object) -> bool:
        calls.append(args)
        return joins(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(segment, "_joins", counted)
    breaks = 0
    for path in CORPUS:
        for text in _block_texts(path):
            spans = segment.split_sentences(text)
            assert spans == old_segment.split_sentences(text), (path, text)
            # Sentences that end on a single "." and have one after them.
            breaks += sum(text[e - 2 : e] != ".." and text[e - 1] == "." for _, e in spans[:-1])
    # Both ways are taken many times over: most breaks skip `_joins`, and it still decides some.
    assert breaks > 5 * len(calls) and len(calls) > 300
