"""Phone numbers from the memoised matcher and postal parts behind their gates are the plain ones.

`phones._Matcher` keeps the outcome of libphonenumber's parse-and-verify step per (region,
leniency, candidate, neighbouring characters) across texts; these tests compare its matches and
`find_phones` with the library's own matcher (`_plain_find_phones`, the code before) on made-up
texts that share one cache, and on the policies in the repository. Each strong postal pattern
is run only on stretches its gate matches: every match of the pattern must hold a gate match.
"""

from __future__ import annotations

import re
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.document.loader import load_document
from auditor.extract import phones, postal
from auditor.extract.base import ValueMatch, resolve_overlaps

ROOT = Path(__file__).resolve().parents[2]
_SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_REGIONS = ["US", "GB", "DE", "IE", "AU", "IN", "FR"]

_PHONE_FRAGMENTS = [
    "(650) 253-0000", "+1 650 253 0000", "650.253.0000", "020 7946 0000", "0044 20 7946 0000",
    "+44 20 7946 0000", "1-800-FLOWERS", "800-349-2173", "ext. 12", " x12", "+49 30 1234567",
    "01 234 5678", "+353 1 234 5678", "1300 975 707", "2023", "12/12/2012", "10:30", "p. 12",
    "Fax: ", "Tel: ", "(fax)", "$", "€", "%", "a", "Z", "é", " ", "\n", "-", ".", "/", "(", ")",
]  # fmt: skip
_PHONE_TEXT = st.lists(
    st.one_of(st.sampled_from(_PHONE_FRAGMENTS), st.text(alphabet="0123456789 -+()a$", max_size=6)),
    max_size=12,
).map("".join)


def _plain_matches(text: str, region: str) -> list[tuple[int, int, str, str]]:
    matcher = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
    return [(m.start, m.end, m.raw_string, _e164(m.number)) for m in matcher]


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _matches(text: str, region: str) -> list[tuple[int, int, str, str]]:
    matcher = phones._Matcher(text, region, leniency=phonenumbers.Leniency.VALID)
    return [(m.start, m.end, m.raw_string, _e164(m.number)) for m in matcher]


def _plain_find_phones(text: str, region: str = "US") -> list[ValueMatch]:
    """`find_phones` before the memo: the library's matcher, also for "00" numbers."""
    candidates: list[ValueMatch] = []
    for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
        candidates.append(ValueMatch(m.start, m.end, _e164(m.number), "phone"))
    if region.upper() == "US":
        candidates += phones._vanity_numbers(text)
    if re.search(r"(?<![0-9])00[1-9]", text):
        matcher = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.VALID)
        for m in matcher:
            if m.raw_string.startswith("00"):
                candidates.append(ValueMatch(m.start, m.end, _e164(m.number), "phone", "idd"))
    return [c for c in resolve_overlaps(candidates) if not phones._is_fax(text, c.start, c.end)]


@_SETTINGS
@given(_PHONE_TEXT, st.sampled_from(_REGIONS))
def test_memoised_matcher_finds_what_the_library_finds(text: str, region: str) -> None:
    expected = _plain_matches(text, region)
    assert _matches(text, region) == expected
    assert _matches(text, region) == expected  # every candidate from the cache now


@_SETTINGS
@given(_PHONE_TEXT, st.sampled_from(_REGIONS))
def test_find_phones_is_the_plain_one(text: str, region: str) -> None:
    assert phones.find_phones(text, region) == _plain_find_phones(text, region)


def test_a_full_cache_starts_over() -> None:
    text = "Call (650) 253-0000 or 020 7946 0000."
    expected = _plain_matches(text, "US")
    phones._VERIFIED.update({("XX", 0, str(i), "", ""): None for i in range(phones._VERIFIED_MAX)})
    assert _matches(text, "US") == expected
    assert len(phones._VERIFIED) < phones._VERIFIED_MAX


_POLICIES = sorted((ROOT / "policies").glob("*.md")) + sorted(
    (ROOT / "tests").glob("cases/*/policy.md")
)


@pytest.mark.parametrize("path", _POLICIES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_phones_in_the_policies_are_the_plain_ones(path: Path) -> None:
    text = load_document(path, str(path)).text
    for region in _REGIONS:
        assert phones.find_phones(text, region) == _plain_find_phones(text, region), region


_POSTAL_FRAGMENTS = [
    "1300 Island Drive", "Suite 200", ", CA 94043", "New York, NY 10001", "Mountain View",
    ", California", " 94043", "SW1A 1AA", "London SW1A 1AA", "K1A 0B1", "Ottawa, ON K1A 0B1",
    "NSW 2000", "Perth WA 6000", "P.O. Box 12", "po box 7", "Locked Bag 3", "Postfach 12 34",
    "Musterstraße 12", "Keizersgracht 123", "12 rue de Rivoli", "3 bis, avenue Foch",
    "Naas\nCo. Kildare", "Co Cork", "Dublin 8", "D02 X285", "D6W 1234", "Mumbai – 400 071",
    "Pune, 411001", "1st Floor", "#349", "USA", "1903 W. Parkside Lane", "51 Columbia, Suite 200",
    "10 Shattuck St.", "NW", "ſt", " ", "\t", ", ", "\n", ".", "-", "a", "Z", "é", "0", "9",
]  # fmt: skip
_POSTAL_TEXT = st.lists(
    st.one_of(st.sampled_from(_POSTAL_FRAGMENTS), st.text(alphabet="aAZ09 \t,.-\n", max_size=4)),
    max_size=14,
).map("".join)


@_SETTINGS
@given(_POSTAL_TEXT)
def test_every_strong_match_holds_its_gate(text: str) -> None:
    for (label, pattern), gate in zip(postal._STRONG, postal._GATES, strict=True):
        for m in pattern.finditer(text):
            assert gate.search(text, m.start(), m.end()) is not None, (label, m.group())


def test_gates_have_no_look_arounds_or_anchors() -> None:
    # A gate is searched on a stretch as if the stretch were the whole text: it may look at
    # nothing outside its own match.
    for gate in postal._GATES:
        for token in ("(?=", "(?!", "(?<", "\\b", "\\B", "^", "$", "\\A", "\\Z"):
            assert token not in gate.pattern.replace("[^", "["), (gate.pattern, token)
