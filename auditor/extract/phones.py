"""Telephone numbers, as E.164 strings ("+16504214200"), fax numbers left out.

Numbers are found by libphonenumber's matcher with leniency VALID: the number must be valid in
its numbering plan (right length and an assigned prefix), not merely of a possible length. That
drops ZIP codes, dates, order and account numbers and short local numbers without an area code,
which POSSIBLE lets through; a national number is read in `region` ("US" by default), so a
caller should pass the policy's country for national formats such as "020 7840 7840" (GB).
US toll-free vanity numbers ("1-800-FLOWERS") are read too (label "vanity"), and so are
international numbers dialled with the "00" prefix used outside North America
("0044 20 7946 0000" -> "+442079460000", label "idd"), which a US reading would miss.

A number is a fax, and is skipped, when the nearest label before it on the same line and within
25 characters is "fax", "facsimile" or "F:", or when "(fax)" follows it. A phone label nearer
to the number wins: "Tel: 555 ... Fax: 555 ..." keeps the first number only. The span covers
the number as written, extension included; the value has no extension.
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from phonenumbers import phonenumbermatcher
from phonenumbers.phonenumbermatcher import PhoneNumberMatch, PhoneNumberMatcher

from auditor.extract.base import LazyPattern, ValueMatch, finditer_at, resolve_overlaps

# Every number this module reads holds a digit (vanity numbers too: "1-800-FLOWERS"): a text
# without one holds no phone number, so callers may skip it (see rules/extract.py, which reads it
# for RE2).
CANDIDATE = LazyPattern(r"[0-9]")

_LABEL_WINDOW = 25
# The last label in the window decides; "F:" and "T:" are case-sensitive labels.
_LABEL = re.compile(
    r"(?i:\b(?P<fax>fax|facsimile|telefax)\b)|(?P<fax_short>\bF\s?:)"
    r"|(?i:\b(?:phone|telephone|tel|call|mobile|cell|toll[- ]free|voice|hotline)\b)"
    r"|\b[TPM]\s?:"
)
_FAX_AFTER = re.compile(r"\s*[(\[]\s*(?:fax|facsimile)\s*[)\]]", re.IGNORECASE)
_VANITY = re.compile(
    r"(?<![\w-])(?:1[-. ]?)?\(?8(?:00|33|44|55|66|77|88)\)?[-. ]?"
    r"(?=[0-9A-Z-]*[A-Z])[0-9A-Z]{2,4}-?[0-9A-Z]{2,7}(?![\w-])"
)
# The "8" of a toll-free prefix, which stands 0 to 3 characters into every vanity number: the
# pattern, opening with a look-behind, is tried only there (see `finditer_at`).
_TOLL_FREE_EIGHT = re.compile(r"8(?=00|33|44|55|66|77|88)")
# "00" then a digit, not inside a longer number: the look-behind after the literal lets `re`
# skip ahead to "00" instead of trying the look-behind at every offset.
_IDD_PREFIX = re.compile(r"00(?<![0-9]00)[1-9]")


# Outcomes of the matcher's parse-and-verify step: {(region, leniency, candidate, character
# before, character after): number or None}. Kept across documents: policies repeat their own
# numbers, and most candidates ("1.", "2023") fail the same way in every policy.
_VERIFIED: dict[tuple[Any, ...], phonenumbers.FrozenPhoneNumber | None] = {}
_VERIFIED_MAX = 50_000  # entries, a few MB; the cache starts over when full
# Candidates the matcher's extract step finds no number in, with the tries that cost it, under
# the same keys ("2023", "1." and "13" are most of a policy's candidates).
_NO_NUMBER: dict[tuple[Any, ...], int] = {}


# The library's candidate pattern and where its matches can start: its leading group is
# optional, so a match starts with a character of that group's leading class or with a digit.
_CANDIDATE = phonenumbermatcher._PATTERN
# Without the pattern's IGNORECASE, which made `re` lowercase every character it tried: no
# character lowercases to a digit, a bracket or a plus sign (tested on every code point).
_CANDIDATE_START = re.compile(
    rf"[{phonenumbermatcher._LEAD_CLASS_CHARS}\d]", _CANDIDATE.flags & ~re.IGNORECASE
)
# The ASCII characters of that class, for an ASCII text: `re` tests a class of plain characters
# with a bitmap, but `\\d` with a Unicode look-up per character (tested on every ASCII character).
_ASCII_CANDIDATE_START = re.compile(r"[(\[+0-9]")
# not in the library's type stubs, which list only some of its private names
_SECOND_NUMBER_START = phonenumbermatcher._SECOND_NUMBER_START_PATTERN  # type: ignore[attr-defined]
_TIME_STAMP = phonenumbermatcher._TIME_STAMPS


class _Matcher(PhoneNumberMatcher):
    """libphonenumber's matcher, its candidate search sped up and its parse-and-verify step
    memoised.

    The library's candidate pattern opens with an optional group, so `re` tries it at every
    offset of the text, at a few hundred instructions each; `_next_candidate` tries it only
    where a match can start, and finds the same candidate.

    The parse-and-verify step reads only the candidate, the characters just before and after
    it in the text (at VALID leniency and above: a Latin letter or currency sign there rejects
    it), the region and the leniency, so equal keys give equal outcomes. The stored number is
    frozen, as matches of equal candidates share it.
    """

    def _next_candidate(self, index: int) -> re.Match[str] | None:
        """`_CANDIDATE.search(self.text, index)`, tried only where a match can start."""
        text = self.text
        starts = _ASCII_CANDIDATE_START if text.isascii() else _CANDIDATE_START
        while (start := starts.search(text, index)) is not None:
            found = _CANDIDATE.match(text, start.start())
            if found is not None:
                return found
            index = start.start() + 1
        return None

    def _find(self, index: int) -> PhoneNumberMatch | None:
        # The library's `_find` as of phonenumbers 9.0, searching with `_next_candidate`; the
        # tests compare the matches with the library's own matcher.
        match = self._next_candidate(index)
        while self._max_tries > 0 and match is not None:
            start = match.start()
            candidate = self.text[start : match.end()]
            candidate = self._trim_after_first_match(_SECOND_NUMBER_START, candidate)
            candidate_len = len(candidate)
            if candidate_len >= self._min_candidate_length:
                found = self._extract_match(candidate, start)
                if found is not None:
                    return found
                self._max_tries -= 1
            index = start + candidate_len
            match = self._next_candidate(index)
        return None

    def _key(self, candidate: str, offset: int) -> tuple[Any, ...]:
        """What the parse-and-verify and extract steps read of a candidate at `offset`."""
        text = self.text
        end = offset + len(candidate)
        return (
            self.preferred_region,
            self.leniency,
            candidate,
            text[offset - 1] if offset > 0 else "",  # "" is no character: the text's edge
            text[end] if end < len(text) else "",
        )

    def _extract_match(self, candidate: str, offset: int) -> PhoneNumberMatch | None:
        # The library's extract step reads the candidate, and through parse-and-verify its
        # neighbouring characters (those of an inner group within it are in the candidate), and
        # for a candidate that looks like a time stamp the text after it: a candidate that is
        # no time stamp and gave no number gives none again, at the same number of tries, as
        # long as the tries left do not run out on the way.
        key = self._key(candidate, offset)
        tries = _NO_NUMBER.get(key)
        if tries is not None and self._max_tries > tries:
            self._max_tries -= tries
            return None
        before = self._max_tries
        found = super()._extract_match(candidate, offset)
        if found is None and self._max_tries > 0 and not _TIME_STAMP.search(candidate):
            if len(_NO_NUMBER) >= _VERIFIED_MAX:
                _NO_NUMBER.clear()
            _NO_NUMBER[key] = before - self._max_tries
        return found

    def _parse_and_verify(self, candidate: str, offset: int) -> PhoneNumberMatch | None:
        key = self._key(candidate, offset)
        try:
            number = _VERIFIED[key]
        except KeyError:
            found = super()._parse_and_verify(candidate, offset)
            number = None if found is None else phonenumbers.FrozenPhoneNumber(found.number)
            if len(_VERIFIED) >= _VERIFIED_MAX:
                _VERIFIED.clear()
            _VERIFIED[key] = number
        return None if number is None else PhoneNumberMatch(offset, candidate, number)


def _is_fax(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    window = text[max(line_start, start - _LABEL_WINDOW) : start]
    last = None
    for label in _LABEL.finditer(window):
        last = label
    if last is not None and (last.group("fax") or last.group("fax_short")):
        return True
    return _FAX_AFTER.match(text, end) is not None


def _vanity_numbers(text: str) -> list[ValueMatch]:
    found: list[ValueMatch] = []
    eights = [m.start() for m in _TOLL_FREE_EIGHT.finditer(text)]
    starts = sorted({start for p in eights for start in range(max(p - 3, 0), p + 1)})
    for m in finditer_at(_VANITY, text, starts):
        digits = re.sub(r"[^0-9]", "", phonenumbers.convert_alpha_characters_in_number(m.group()))
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        if len(digits) != 10:
            continue
        number = phonenumbers.parse(digits, "US")
        if phonenumbers.is_valid_number(number):
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            found.append(ValueMatch(m.start(), m.end(), e164, "phone", "vanity"))
    return found


def _idd_numbers(text: str) -> list[ValueMatch]:
    # Any region whose international prefix is "00" reads "0082 ..." as +82; only matches that
    # start with that prefix are kept, so national numbers are still read in the caller's region.
    found: list[ValueMatch] = []
    matcher = _Matcher(text, "GB", leniency=phonenumbers.Leniency.VALID)
    for m in matcher:
        if m.raw_string.startswith("00"):
            e164 = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
            found.append(ValueMatch(m.start, m.end, e164, "phone", "idd"))
    return found


def find_phones(text: str, region: str = "US") -> list[ValueMatch]:
    """Every non-fax phone number in `text` as E.164, national numbers read in `region`."""
    candidates: list[ValueMatch] = []
    matcher = _Matcher(text, region, leniency=phonenumbers.Leniency.VALID)
    for m in matcher:
        e164 = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
        candidates.append(ValueMatch(m.start, m.end, e164, "phone"))
    if region.upper() == "US":
        candidates += _vanity_numbers(text)
    if _IDD_PREFIX.search(text):
        candidates += _idd_numbers(text)
    return [c for c in resolve_overlaps(candidates) if not _is_fax(text, c.start, c.end)]
