"""The line prefilters read from one translated copy of the text (`extract._Marks`) must pick
exactly the sentences `Scan.sentences_matching` picks with the RE2 patterns they replace."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.document.blocks import BlockKind
from auditor.document.loader import load_document, parse_document
from auditor.document.model import Document, Sentence
from auditor.extract import postal
from auditor.rules.base import Scan
from auditor.rules.extract import _DAY_FIRST_DATE, _PREFILTERS, _marks, _prefiltered

ROOT = Path(__file__).resolve().parents[2]
NAMES = sorted(_PREFILTERS)
FILES = sorted(
    [
        *(ROOT / "bench" / "corpus" / "md").iterdir(),
        *(ROOT / "bench" / "corpus" / "html").iterdir(),
        *(ROOT / "policies").glob("*.md"),
    ]
)


def _check(document: Document) -> None:
    for name in NAMES:
        expected = Scan(document).sentences_matching(_PREFILTERS[name][0])
        assert _prefiltered(Scan(document), name) == expected, name
    _check_digit_lines(document)


def _check_digit_lines(document: Document) -> None:
    """The digit lines of stretches of sentences (the postal finder's), from the document's."""
    text, sentences = document.text, document.sentences
    marks = _marks(Scan(document))
    step = max(len(sentences) // 12, 1)
    for first in range(0, len(sentences), step):
        for last in range(first, min(first + 3 * step, len(sentences)), step):
            start, end = sentences[first].start, sentences[last].end
            known = marks.digit_lines(start, end)
            at_edges = (not start or text[start - 1] == "\n") and (
                end == len(text) or text[end] == "\n"
            )
            assert (known is not None) == at_edges
            if known is not None:
                assert known == postal.digit_lines(text[start:end]), (start, end)


def test_the_corpus_files_pick_some_sentences() -> None:
    picked = {name: 0 for name in NAMES}
    for path in FILES:
        document = load_document(path, str(path))
        for name in NAMES:
            picked[name] += len(_prefiltered(Scan(document), name))
    assert all(picked.values()), picked


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_same_sentences_as_the_re2_pass_on_real_policies(path: Path) -> None:
    _check(load_document(path, str(path)))


TOKENS = [
    "We",
    "7",
    "13",
    "2023",
    "1.",
    "Co. Kildare",
    "Co Cork",
    "Co.\tMeath",
    "CO. ",
    "co ",
    "Co.x",
    "xCo ",
    "_Co ",
    "éCo ",
    "Company",
    "http://a.b",
    "HTTPS://A.B",
    "hTtP:/x",
    "https:",
    "httpſ://x",
    "www.x",
    "WwW.",
    "ww.",
    "é",
    "’",
    "文字",
    "😀",
    "K",
    "٣",
    "ſ",
    ".",
    "\t",
    "\r",
    "\n",
    "\n\n",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join))
def test_same_sentences_on_generated_documents(text: str) -> None:
    _check(parse_document(text, "md", "x"))


def _document(text: str, cuts: list[int]) -> Document:
    """A document whose sentences are the pieces of `text` between `cuts`: unlike loaded ones,
    a sentence may hold a line break and a line several sentences."""
    bounds = [0, *sorted(set(cuts)), len(text)]
    pieces = [(a, b) for a, b in itertools.pairwise(bounds) if a < b]
    sentences = [
        Sentence(i, text[a:b], a, a, b, 1, (), 0, BlockKind.PARAGRAPH)
        for i, (a, b) in enumerate(pieces)
    ]
    return Document("x", "txt", text, [], sentences, text)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_same_sentences_when_sentences_and_lines_differ(data: st.DataObject) -> None:
    text = " ".join(data.draw(st.lists(st.sampled_from(TOKENS), max_size=30)))
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=8))
    _check(_document(text, cuts))


# `extract._DAY_FIRST_DATE` as it was written before its `\b` became a look-behind.
_PLAIN_DAY_FIRST = re.compile(
    r"\b(?:1[3-9]|2\d|3[01])[./-](?:0?[1-9]|1[0-2])[./-](?:\d{4}|\d{2})\b"
)


def _day_first_spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def test_day_first_date_as_the_plain_pattern_on_real_policies() -> None:
    found = 0
    for path in FILES:
        text = load_document(path, str(path)).text
        spans = _day_first_spans(_DAY_FIRST_DATE, text)
        assert spans == _day_first_spans(_PLAIN_DAY_FIRST, text), path.name
        found += len(spans)
    assert found


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["1", "2", "3", "13", "31", "0", "٣", "/", ".", "-", "a", "_", "é", " "]),
        max_size=14,
    ).map("".join)
)
def test_day_first_date_as_the_plain_pattern_on_generated_text(text: str) -> None:
    assert _day_first_spans(_DAY_FIRST_DATE, text) == _day_first_spans(_PLAIN_DAY_FIRST, text)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_marks_read_the_scans_bytes_and_bounds(path: Path) -> None:
    """An ASCII text's marks come from the scan's UTF-8 bytes, any other's from its Latin-1
    copy; both are the Latin-1 bytes (a byte per character), and the sentence bounds are the
    sentences' own."""
    document = load_document(path)
    scan = Scan(document)
    marks = _marks(scan)
    assert marks._bytes == document.text.encode("latin-1", "replace")
    assert (scan.ascii_data is marks._bytes) is document.text.isascii()
    assert marks._starts == [s.start for s in document.sentences]
    assert marks._ends == [s.start + len(s.text) for s in document.sentences]
