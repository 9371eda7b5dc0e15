"""Tenth session's loading shortcuts give exactly what the code before them gave: the opening
markup before a sentence found with `rstrip` instead of a regex search from the line start, and
a link destination after it read by `a*(?:ba*)*` instead of `(?:a|b)*` (`widen_to_markup`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.document.encoding import decode
from auditor.document.markdown import MARKUP_EDGES, parse_markdown, widen_to_markup
from auditor.document.model import build_sentences

ROOT = Path(__file__).resolve().parents[2]
MARKDOWN = sorted((ROOT / "bench" / "corpus" / "md").glob("*.md")) + sorted(
    (ROOT / "policies").glob("*.md")
)

# widen_to_markup as it was before the tenth session.
_OLD_OPEN = re.compile(r"(?:\*+|_+|\[|<)+$")
_OLD_CLOSE = re.compile(r"(?:\*+|_+|>|\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\))+")


def old_widen(source: str, start: int, end: int) -> tuple[int, int]:
    if start and source[start - 1] in "*_[<":
        window = max(start - 200, 0)
        line_start = max(source.rfind("\n", window, start) + 1, window)
        if m := _OLD_OPEN.search(source, line_start, start):
            start = m.start()
    if source[end : end + 1] in "*_>]" and (
        m := _OLD_CLOSE.match(source, end, min(len(source), end + 2000))
    ):
        end = m.end()
    return start, end


def test_the_corpus_has_spans_to_widen() -> None:
    assert len(MARKDOWN) > 150


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda path: path.name)
def test_widening_is_as_before_on_every_sentence(path: Path) -> None:
    source = decode(path.read_bytes()).text
    calls: list[tuple[int, int]] = []

    def record(text: str, start: int, end: int) -> tuple[int, int]:
        calls.append((start, end))
        return widen_to_markup(text, start, end)

    build_sentences(source, parse_markdown(source), record, MARKUP_EDGES)
    for start, end in calls:
        assert widen_to_markup(source, start, end) == old_widen(source, start, end), (start, end)
        # and with every other end next to the span's markup, as a sentence could have
        for shift in (-1, 1, 2):
            if 0 <= start + shift <= end + shift <= len(source):
                args = (source, start + shift, end + shift)
                assert widen_to_markup(*args) == old_widen(*args)


def test_widening_reaches_200_characters_back_at_most() -> None:
    source = "a\n" + "*" * 250 + "Word" + "*" * 3
    start, end = source.index("W"), source.index("W") + 4
    assert widen_to_markup(source, start, end) == old_widen(source, start, end)
    assert widen_to_markup(source, start, end) == (start - 200, end + 3)


def test_widening_stops_at_the_line_start() -> None:
    source = "x **\n**[_Word_](http://a.b/(c)d \"t\")**"
    start = source.index("W")
    assert widen_to_markup(source, start, start + 4) == old_widen(source, start, start + 4)
    assert widen_to_markup(source, start, start + 4) == (5, len(source))


_MARKUP = st.text(alphabet="*_[]<>()\" \nab:/.", max_size=60)


@settings(max_examples=3000, deadline=None)
@given(_MARKUP, st.integers(0, 60), st.integers(0, 60))
def test_widening_is_as_before_on_generated_markup(source: str, a: int, b: int) -> None:
    start, end = sorted((min(a, len(source)), min(b, len(source))))
    assert widen_to_markup(source, start, end) == old_widen(source, start, end)
