"""`split_sentences` as it was; the word lists and small helpers come from the live module."""

from __future__ import annotations

import re

from auditor.document.segment import (
    _ABBREVIATIONS,
    _AMBIGUOUS,
    _BEFORE_NUMBER,
    _CLOSERS,
    _DOTTED,
    _ENUMERATOR,
    _NEVER_END,
    _NON_SPACE,
    _OPENERS,
    _STARTERS,
    _STARTERS_UPPER,
    _inner_capital,
    _token_before,
)

_CANDIDATE = re.compile(
    r"[.?!…](?<![.?!…][.?!…])[.?!…]*([" + re.escape(_CLOSERS) + r"]*)(?=\s|\Z|[A-Z][a-z])"
)
_FOLLOW = re.compile(r"\s+[" + re.escape(_OPENERS) + r"]*(\w+|\S)?")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans `(start, end)` of the sentences of one block's text, stripped, in order."""
    spans: list[tuple[int, int]] = []
    first = _NON_SPACE.search(text)
    if first is None:
        return spans
    start = first.start()
    for match in _CANDIDATE.finditer(text):
        end = match.end()
        if end >= len(text) or not _is_boundary(text, match, start):
            continue
        spans.append((start, end))
        following = _NON_SPACE.search(text, end)
        if following is None:  # unreachable: a boundary needs a following word
            return spans
        start = following.start()
    stop = len(text.rstrip())
    if stop > start:
        spans.append((start, stop))
    return spans


def _is_boundary(text: str, match: re.Match[str], sentence_start: int) -> bool:
    """Whether the candidate `match` (terminators and closers) ends the current sentence."""
    period_at = match.start()
    end = match.end()
    closers = match.group(1)
    terminators = text[period_at : match.start(1)]

    if not text[end].isspace():
        # The regex guarantees a capitalised word follows directly: "data.We".
        if terminators != "." or closers:
            return False
        token = _token_before(text, period_at)[0]
        return (
            len(token) >= 2
            and token.isalpha()
            and token.islower()
            and token.lower() not in _ABBREVIATIONS
        )

    follow = _FOLLOW.match(text, end)
    if follow is None or not follow.group(1):  # only whitespace or opening brackets remain
        return False
    word = follow.group(1)
    initial = word[0]
    if initial in ",;:)]}" or (
        initial.islower() and not _opens_item(text, follow) and not _inner_capital(word)
    ):
        return False
    if terminators != ".":
        return True
    # Only a single period needs the token before it: found this late, most "?", "!" and
    # lowercase continuations are decided without it.
    token, token_start = _token_before(text, period_at)
    lowered = token.lower()
    if lowered in _NEVER_END:
        return False
    if initial.isdigit() and (
        lowered in _BEFORE_NUMBER or lowered in _AMBIGUOUS or _DOTTED.fullmatch(lowered)
    ):
        return False
    if token and token_start == sentence_start and _ENUMERATOR.fullmatch(token):
        return False
    if closers:
        return True
    if lowered in _AMBIGUOUS or _DOTTED.fullmatch(lowered):
        return word in _STARTERS or (token.isupper() and word in _STARTERS_UPPER)
    return True


def _opens_item(text: str, follow: re.Match[str]) -> bool:
    """Whether the word matched by `follow` is an item marker like "a)", "(b)" or "iv)"."""
    end = follow.end()
    return end < len(text) and text[end] == ")" and bool(_ENUMERATOR.fullmatch(follow.group(1)))
