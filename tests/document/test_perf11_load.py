"""Eleventh-session shortcuts of loading give what the plain code gives.

The sentence splitter's candidate scan stops before a final terminator that follows a letter or
digit (`segment._scan_end`): such a terminator could only match as the text's end, which breaks
nothing, and no other candidate reads it. And the word after a candidate is read by an empty
alternative instead of an optional group ("" where it was None).
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from load_reference import segment as old_segment
from real_inputs import plain_path, real_documents

from auditor.document import segment
from auditor.document.blocks import BlockKind

# The candidate patterns as they were: the word after a candidate in an optional group.
_OLD_REST = (
    r"(?<![.?!…][.?!…])[.?!…]*([" + re.escape(segment._CLOSERS) + r"]*)"
    r"(?:(?=(\s+)[" + re.escape(segment._OPENERS) + r"]*(\w+|\S)?)|(?=[A-Z][a-z])|\Z)"
)
_OLD_CANDIDATE = re.compile(r"[.?!…]" + _OLD_REST)


def _block_texts() -> list[str]:
    """The texts the splitter is given for the real documents (every block but headings)."""
    return [
        block.text
        for document in real_documents()
        for block in document.blocks
        if block.kind is not BlockKind.HEADING
    ]


def _candidates(pattern: re.Pattern[str], text: str, end: int) -> list[tuple[object, ...]]:
    """Each match of `pattern` in `text[:end]`: its span and groups, an unread word as ""."""
    return [
        (m.span(), m.group(1), m.group(2), m.group(3) or "") for m in pattern.finditer(text, 0, end)
    ]


def _plain_candidates(text: str, stopped: bool) -> list[tuple[object, ...]]:
    """The old pattern's matches over the whole text; when the scan is `stopped` early, without
    the last one, which must then end the text with no white space after it (it breaks
    nothing)."""
    found = _candidates(_OLD_CANDIDATE, text, len(text))
    if stopped:
        span, _, space, _ = found.pop()
        assert span == (len(text) - 1, len(text)) and space is None, text
    return found


def _check(text: str) -> None:
    # The premise: the new pattern, stopped where _scan_end says, finds the old pattern's
    # candidates but for a final one that breaks nothing.
    end = segment._scan_end(text, len(text)) if text else 0
    found = _candidates(segment._CANDIDATE, text, end)
    assert found == _plain_candidates(text, end < len(text)), text
    # The splitter: the same spans as the splitter as it was, and as with the scan to the end
    # (the "." path computes the same stop inline; the whole-text scan is compared above).
    spans = segment.split_sentences(text)
    assert spans == old_segment.split_sentences(text), text
    assert spans == plain_path(
        lambda: segment.split_sentences(text), segment, "_scan_end", lambda text, n: n
    ), text


def test_real_blocks_split_as_with_the_whole_scan() -> None:
    texts = _block_texts()
    stopped = [t for t in texts if len(t) > 1 and segment._scan_end(t, len(t)) < len(t)]
    # Both kinds of text are many in the real documents, so both are compared here.
    assert len(stopped) > 1000 and len(texts) - len(stopped) > 1000
    for text in texts:
        _check(text)


def test_cases() -> None:
    cases = {
        "We keep it. You may ask.": [(0, 11), (12, 24)],
        "We keep it. (": [(0, 13)],
        "We keep it. “X.": [(0, 11), (12, 15)],
        "We keep it. “x.": [(0, 15)],
        "Is it kept? Yes!": [(0, 11), (12, 16)],
        "It is kept… Then.": [(0, 11), (12, 17)],
        "Ask Acme Inc. We answer.": [(0, 13), (14, 24)],
        "a.B.": [(0, 4)],
        "Data.We use it.": [(0, 15)],
        "our data.We use it.": [(0, 9), (9, 19)],
        "See (1). And 2.": [(0, 8), (9, 15)],
        "Call us. ..": [(0, 8), (9, 11)],
        "x. .": [(0, 4)],
        "We use it. .": [(0, 10), (11, 12)],
        "Kept.": [(0, 5)],
        "A.": [(0, 2)],
        ".": [(0, 1)],
    }
    for text, expected in cases.items():
        assert segment.split_sentences(text) == expected, text
        _check(text)


# Short texts ending in every way around a final terminator: after a letter or digit, after
# white space, openers, closers or another terminator, and a capital without a space before it.
near_end = st.text(alphabet=' \xa0\n.aAW9?!…)("“_', max_size=14)


@settings(max_examples=3000, deadline=None)
@given(near_end)
def test_short_texts_split_as_with_the_whole_scan(text: str) -> None:
    _check(text)
