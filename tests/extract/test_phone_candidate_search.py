"""`phones._Matcher` tries the library's candidate pattern only where a match can start.

Its `_next_candidate` must give what `_PATTERN.search(text, index)` gives for every index, and
the matcher the matches of the library's own `PhoneNumberMatcher`, on the corpus documents, the
policies in the repository and made-up texts with the characters a candidate may start with
(brackets, plus signs, full-width forms, digits of other scripts).
"""

from __future__ import annotations

from pathlib import Path

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from phonenumbers import phonenumbermatcher

from auditor.document.loader import load_document
from auditor.extract import phones

ROOT = Path(__file__).resolve().parents[2]
_SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_DOCUMENTS = (
    sorted((ROOT / "bench" / "corpus" / "md").glob("*.md"))
    + sorted((ROOT / "bench" / "corpus" / "html").glob("*.html"))
    + sorted((ROOT / "policies").glob("*.md"))
)
_REGIONS = ["US", "GB", "DE", "IN"]
_FRAGMENTS = [
    "(650) 253-0000", "+1 650 253 0000", "＋44 20 7946 0000", "（650）253-0000", "［12］",
    "[1]", "(a)", "+", "+-", "٠١٢٣٤٥٦٧٨٩", "１２３", "ext. 12", " x12", "12/12/2012", "10:30",
    "2023", "1.", "a", "é", " ", "\n", "-", ".", "/", "(", ")", "[", "]", "\\",
]  # fmt: skip
_TEXT = st.lists(
    st.one_of(st.sampled_from(_FRAGMENTS), st.text(alphabet="0123456789 -+()[]a.", max_size=6)),
    max_size=12,
).map("".join)


def _spans(
    text: str, step: int = 1
) -> tuple[list[tuple[int, int] | None], list[tuple[int, int] | None]]:
    """The candidate found from every `step`-th index: by `_next_candidate`, by the library's
    search."""
    matcher = phones._Matcher(text, "US", leniency=phonenumbers.Leniency.VALID)
    fast, plain = [], []
    for index in range(0, len(text) + 1, step):
        found = matcher._next_candidate(index)
        fast.append(None if found is None else found.span())
        found = phonenumbermatcher._PATTERN.search(text, index)
        plain.append(None if found is None else found.span())
    return fast, plain


def _matches(matcher: phonenumbers.PhoneNumberMatcher) -> list[tuple[int, int, str, str]]:
    return [
        (
            m.start,
            m.end,
            m.raw_string,
            phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164),
        )
        for m in matcher
    ]


def test_candidates_start_with_a_lead_character_or_a_digit() -> None:
    # The library's pattern opens with an optional group of its lead class, then digits.
    assert phonenumbermatcher._PATTERN.pattern.startswith(f"(?:{phonenumbermatcher._LEAD_CLASS}")
    assert "){0,2}\\d" in phonenumbermatcher._PATTERN.pattern
    for c in "(+[\uff08\uff0b\uff3b0\u0660\uff11":
        assert phones._CANDIDATE_START.match(c), c
    for c in "a)]-. \\\n":
        assert not phones._CANDIDATE_START.match(c), c


@pytest.mark.parametrize("path", _DOCUMENTS, ids=lambda p: p.name)
def test_the_same_candidates_and_matches_in_the_documents(path: Path) -> None:
    text = load_document(path, str(path)).text
    fast, plain = _spans(text, 31)  # every index would take minutes
    assert fast == plain
    for region in _REGIONS:
        leniency = phonenumbers.Leniency.VALID
        expected = _matches(phonenumbers.PhoneNumberMatcher(text, region, leniency=leniency))
        assert _matches(phones._Matcher(text, region, leniency=leniency)) == expected, region


@_SETTINGS
@given(_TEXT, st.sampled_from(_REGIONS))
def test_the_same_candidates_and_matches_in_made_up_texts(text: str, region: str) -> None:
    fast, plain = _spans(text)
    assert fast == plain
    leniency = phonenumbers.Leniency.VALID
    expected = _matches(phonenumbers.PhoneNumberMatcher(text, region, leniency=leniency))
    assert _matches(phones._Matcher(text, region, leniency=leniency)) == expected
