"""Phone and e-mail patterns tried only where they can match give what the plain patterns give.

Vanity numbers are tried only near a toll-free "8", `mailto:` targets only six characters before
a colon, and the "00" and " AT " gates open with their literal. Each test compares with the
pattern as it was, on the real policies and on generated text that reaches those paths.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.extract import emails, phones
from auditor.extract.base import finditer_at

ROOT = Path(__file__).resolve().parents[2]
_SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_FRAGMENTS = [
    "1-800-FLOWERS", "1 (888) GO-FEDEX", "800-CALL-NOW", "(877)ABC-DEFG", "1.855.MY-APPS", "8",
    "88", "800", "1", "1-", "(", ")", "-", ".", " ", "\n", "A", "Z", "x", "9", "0", "00", "0044",
    "001", "1001", "mailto:", "MAILTO:", "maİlto:", "mailto: ", "a@b.com", "@", ":", "x.org",
    "?subject=Hi", " AT ", " DOT ", "AT", "DOT", "\u00a0AT\u2003", "\tDOT\n", "é", "’",
]  # fmt: skip
_TEXT = st.lists(
    st.one_of(st.sampled_from(_FRAGMENTS), st.text(alphabet="180A-( :@.tT", max_size=4)),
    max_size=25,
).map("".join)
_POLICIES = sorted((ROOT / "policies").glob("*.md"))


def _plain_vanity_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in phones._VANITY.finditer(text)]


def _same_everywhere(text: str) -> None:
    eights = [m.start() for m in phones._TOLL_FREE_EIGHT.finditer(text)]
    starts = sorted({s for p in eights for s in range(max(p - 3, 0), p + 1)})
    assert [m.span() for m in finditer_at(phones._VANITY, text, starts)] == _plain_vanity_spans(
        text
    )
    assert bool(phones._IDD_PREFIX.search(text)) == bool(re.search(r"(?<![0-9])00[1-9]", text))
    assert bool(emails._CAPITAL_AT.search(text)) == bool(re.search(r"\sAT\s", text))
    assert bool(emails._CAPITAL_DOT.search(text)) == bool(re.search(r"\sDOT\s", text))
    mailto = finditer_at(emails._MAILTO, text, emails._mailto_starts(text))
    assert [m.span() for m in mailto] == [m.span() for m in emails._MAILTO.finditer(text)]


@pytest.mark.parametrize("path", _POLICIES, ids=lambda p: p.name)
def test_same_matches_in_the_policies(path: Path) -> None:
    _same_everywhere(path.read_text("utf-8"))


@_SETTINGS
@given(_TEXT)
def test_same_matches_in_generated_text(text: str) -> None:
    _same_everywhere(text)
