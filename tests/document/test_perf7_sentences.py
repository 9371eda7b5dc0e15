"""Seventh-session shortcuts of sentence building give what the plain code gives: the word count
without a string per word (`count_words`), the splitter's candidates read with two calls
whose plain-word tokens break without the abbreviation tests (`_joins`), and the characters
next to a span read by index in `build_sentences`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from load_reference import loader as old_loader
from load_reference import model as old_model
from load_reference import segment as old_segment
from test_perf6_sentences import _block_texts

from auditor.document import loader, segment
from auditor.document.encoding import decode
from auditor.document.markdown import MARKUP_EDGES, parse_markdown, widen_to_markup
from auditor.document.model import _WIDE_SPACES, Document, Sentence, build_sentences, count_words

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


def test_corpus_blocks_split_as_the_plain_splitter(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    joins = segment._joins

    def counted(token: str, lowered: str, opens: bool, word: str, closers: bool) -> bool:
        calls.append(token)
        return joins(token, lowered, opens, word, closers)

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


def _same_sentences(new: tuple[list[Sentence], str], old: tuple[list[Sentence], str]) -> None:
    assert new[1] == old[1]
    assert len(new[0]) == len(old[0])
    for a, b in zip(new[0], old[0], strict=True):
        assert a == b
        assert type(a) is type(b) is Sentence  # tuples compare equal across types


def test_corpus_sentences_as_the_plain_builder() -> None:
    # The plain builder widens every span; this one only spans next to a markup character,
    # read by index (and not past either end of the source).
    widened = 0
    for path in CORPUS:
        source = decode(path.read_bytes()).text
        if loader.FORMATS[path.suffix.lower()] != "md":
            continue
        blocks = parse_markdown(source)
        new = build_sentences(source, blocks, widen_to_markup, MARKUP_EDGES)
        _same_sentences(new, old_model.build_sentences(source, blocks, widen_to_markup))
        plain = build_sentences(source, blocks)
        widened += sum(
            a.src_start != b.src_start or a.src_end != b.src_end
            for a, b in zip(new[0], plain[0], strict=True)
        )
    assert widened > 100


@pytest.mark.parametrize(
    "source",
    [
        "We sell data.",
        "*We sell data.*",
        "**We** sell _data_",
        "[We](https://x.example) sell data. We keep [it](mailto:a@b.example)",
        "We sell data.\n\n> **Quoted** text <b>x</b>",
        "We sell *data*",
        "We sell **data.**",
        "Sell [data](x)",
        "*",
        "a *",
    ],
)
def test_spans_at_the_ends_of_the_source_as_before(source: str) -> None:
    new: Document = loader.parse_document(source, "md", "x")
    old: Document = old_loader.parse_document(source, "md", "x")
    _same_sentences((new.sentences, new.text), (old.sentences, old.text))
