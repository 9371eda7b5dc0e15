"""The seventh session's extractor fast paths give the plain values on every real document.

Each test runs an extractor with its fast path and with the plain code it replaced (the plain
pattern, `finditer` over the whole stretch, no gate) on the texts the rules hand it: the whole
text, every sentence, every link target and the stretches `_scan_candidates` reads, for every
document of the bench corpus (`bench/corpus/md`, `bench/corpus/html`) and of `policies/`, and
compares the values exactly (span, value, kind, label).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import phonenumbers
import pytest

from auditor.checklist.compiled import load_checklist
from auditor.document.loader import load_document
from auditor.document.model import Document
from auditor.extract import ages, base, dates, emails, phones, postal
from auditor.extract.base import ValueMatch
from auditor.rules import extract as rules_extract
from auditor.rules.base import Scan

ROOT = Path(__file__).resolve().parents[2]
_PATHS = sorted(
    p
    for folder in (ROOT / "bench" / "corpus" / "md", ROOT / "bench" / "corpus" / "html")
    for p in folder.iterdir()
    if p.is_file()
) + sorted((ROOT / "policies").glob("*.md"))


@functools.cache
def _documents() -> list[Document]:
    return [load_document(p) for p in _PATHS]


def _texts(document: Document, extractor: str, find: Any) -> Iterator[str]:
    """The whole text, every sentence, every link target and the stretches a rule reads."""
    yield document.text
    for sentence in document.sentences:
        yield sentence.text
        for link in sentence.links:
            yield link.target
    scan = Scan(document)
    for first, last in rules_extract._runs(scan, extractor):
        sentences = document.sentences
        yield document.text[sentences[first].start : sentences[last].end]


def _plain_finditer_at(
    pattern: re.Pattern[str], text: str, starts: Any, endpos: int | None = None
) -> Iterator[re.Match[str]]:
    """`finditer_at` without its starts: the pattern tried at every offset."""
    return pattern.finditer(text, 0, len(text) if endpos is None else endpos)


def test_the_corpus_is_there() -> None:
    assert len(_PATHS) >= 160


# E-mail addresses: a text without "@", an opening bracket or "AT" gives none.


def test_emails_are_the_plain_ones() -> None:
    compared = 0
    for document in _documents():
        for text in _texts(document, "email", emails.find_emails):
            found = emails.find_emails(text)
            with mock.patch.object(emails, "_NEEDED", ("",)):  # "" is in every text
                assert found == emails.find_emails(text), text[:80]
            compared += 1
    assert compared > 10_000


@pytest.mark.parametrize(
    "text",
    [
        "write to privacy@example.com",
        "mailto:Privacy@Example.com",
        "name [at] domain [dot] com",
        "name(at)domain.com",
        "name {at} domain.com",
        "name <at> domain.com",
        "Write to Name AT Domain DOT com",
        "[email protected]",
        "no address here: https://example.com/privacy",
    ],
)
def test_each_form_of_address_passes_the_gate(text: str) -> None:
    with mock.patch.object(emails, "_NEEDED", ("",)):
        expected = emails.find_emails(text)
    assert emails.find_emails(text) == expected
    assert bool(expected) == ("example.com/privacy" not in text)


# Postal addresses: digit lines found in one pass; street patterns tried at numbers only.


def _plain_candidate_lines(text: str) -> list[tuple[int, int]]:
    """`postal._candidate_lines` before: a search per anchor, a line at a time."""
    found: list[tuple[int, int]] = []
    for anchor, lines_before in ((re.compile(r"[0-9]"), 0), (postal._COUNTY, 1)):
        pos = 0
        while (m := anchor.search(text, pos)) is not None:
            start = text.rfind("\n", 0, m.start()) + 1
            for _ in range(lines_before):
                if start > 0:
                    start = text.rfind("\n", 0, start - 1) + 1
            pos = postal._line_end(text, m.start()) + 1
            found.append((start, pos))
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _plain_postal(text: str) -> list[ValueMatch]:
    with (
        mock.patch.object(postal, "_candidate_lines", _plain_candidate_lines),
        mock.patch.object(postal, "_HOUSE_FIRST", frozenset()),
    ):
        return postal.find_postal(text)


def test_postal_addresses_are_the_plain_ones() -> None:
    compared = found = 0
    for document in _documents():
        for text in _texts(document, "postal", postal.find_postal):
            assert postal._candidate_lines(text) == _plain_candidate_lines(text)
            values = postal.find_postal(text)
            assert values == _plain_postal(text), text[:80]
            compared += 1
            found += len(values)
    assert compared > 10_000 and found > 100


def test_house_number_patterns_start_at_a_number() -> None:
    # the three street patterns that open with a house number; their look-behind excludes `\w`,
    # so no match starts at a digit right after another digit
    assert {4, 5, 6} == postal._HOUSE_FIRST
    for index in postal._HOUSE_FIRST:
        label, pattern = postal._STRONG[index]
        assert label == "street"
        assert re.match(r"\(\?<!\[\\w[^\]]*\]\)\[0-9\]", pattern.pattern)


# Dates: month names found on lowercased ASCII text; numeric forms tried at separated numbers.


def test_dates_are_the_plain_ones() -> None:
    compared = found = 0
    for document in _documents():
        for text in _texts(document, "date", dates.find_dates):
            if text.isascii():
                assert [m.start() for m in dates._MONTH_START_LOWER.finditer(text.lower())] == [
                    m.start() for m in dates._MONTH_START.finditer(text)
                ]
            for day_first in (False, True):
                for allow_year in (False, True):
                    values = dates.find_dates(text, day_first=day_first, allow_year=allow_year)
                    with (
                        mock.patch.object(dates, "finditer_at", _plain_finditer_at),
                        mock.patch.object(dates, "lowered", lambda text: None),
                    ):
                        plain = dates.find_dates(text, day_first=day_first, allow_year=allow_year)
                    assert values == plain, text[:80]
                    found += len(values)
            compared += 1
    assert compared > 10_000 and found > 1_000


@pytest.mark.parametrize(
    "text",
    [
        "Last updated: June 5, 2002.",
        "5th of June, 2002",
        "MARCH OF 2014 and maart 2019",
        "2/22/08, 22/02/2008, 18-11-2010, 18.11.2010, 7/2017, 2010/11/18",
        "Version 1.2.10 of 12.5.2019",
        "Juni 5. 2002 and 5. Juni 2002, décembre 2019, 1er mars 2019",
        "Summary: primary mayhem 2020",
        "(c) 2010 Example, 2014",
    ],
)
def test_date_forms_are_the_plain_ones(text: str) -> None:
    for day_first in (False, True):
        values = dates.find_dates(text, day_first=day_first, allow_year=True)
        with mock.patch.object(dates, "finditer_at", _plain_finditer_at):
            assert values == dates.find_dates(text, day_first=day_first, allow_year=True)
        assert values or text.startswith("Summary")


# Lowered text: month names and age openers found case-sensitively on `base.lowered` text.

_LOWER_PATTERNS = (dates._MONTH_START_LOWER, ages._OPENER_LOWER)


def test_lowered_patterns_are_the_ignorecase_ones_in_lower_case() -> None:
    for lower, plain in (
        (dates._MONTH_START_LOWER, dates._MONTH_START),
        (ages._OPENER_LOWER, ages._OPENER),
    ):
        assert lower.pattern == plain.pattern and plain.flags & re.IGNORECASE
        assert not lower.flags & re.IGNORECASE
        words = re.sub(r"\(\?P<\w+>", "", lower.pattern)
        assert words == words.lower()


def test_lowered_text_matches_as_ignorecase_on_every_code_point() -> None:
    chars = "".join(chr(c) for c in range(0x110000) if chr(c) not in base._UNLIKE_LOWER)
    low = base.lowered(chars)
    assert low is not None and len(low) == len(chars)
    # every letter of the lowered patterns, and every other atom they use
    # (the one capital is the P of named groups)
    letters = {c for p in _LOWER_PATTERNS for c in p.pattern if c.islower()}
    assert len(letters) > 20 and {"é", "ä", "û"} <= letters
    for atom in (r"\w", r"\s", r"[0-9]", *sorted(letters)):
        plain = [m.start() for m in re.finditer(atom, chars, re.IGNORECASE)]
        assert [m.start() for m in re.finditer(atom, low)] == plain, atom
    for c in base._UNLIKE_LOWER:  # each one is needed
        assert base.lowered(c) is None
        assert len(c.lower()) != 1 or any(
            re.match(p, c, re.IGNORECASE) and c.lower() != p for p in "is"
        )


def test_ages_are_the_plain_ones() -> None:
    compared = found = 0
    for document in _documents():
        for text in _texts(document, "age", ages.find_ages):
            if base.lowered(text) is not None:
                compared += 1
            values = ages.find_ages(text)
            with mock.patch.object(ages, "lowered", lambda text: None):
                assert values == ages.find_ages(text), text[:80]
                plain = [[m.span() for m in found] for found in ages._form_matches(text)]
            assert [[m.span() for m in found] for found in ages._form_matches(text)] == plain
            found += len(values)
    assert compared > 10_000 and found > 100


# Phone numbers: candidates the matcher found no number in are remembered with their tries.


def _library_matches(matcher: Any) -> list[tuple[int, int, str, str]]:
    return [
        (m.start, m.end, m.raw_string, phonenumbers.format_number(m.number, 0)) for m in matcher
    ]


def test_phone_matches_are_the_librarys() -> None:
    valid = phonenumbers.Leniency.VALID
    compared = found = 0
    for document in _documents()[::2]:
        for text in _texts(document, "phone", phones.find_phones):
            for region in ("US", "GB"):
                library = _library_matches(phonenumbers.PhoneNumberMatcher(text, region, valid))
                assert _library_matches(phones._Matcher(text, region, valid)) == library
                compared += 1
                found += len(library)
    assert compared > 5_000 and found > 100 and len(phones._NO_NUMBER) > 500


@pytest.mark.parametrize("max_tries", [1, 2, 3, 5, 8])
def test_remembered_candidates_spend_their_tries(max_tries: int) -> None:
    # many candidates without a number before a real one: a matcher with few tries stops first
    text = "In 2023, 1. 13 12/12/2012 p. 12 20 30 40 50 and 2019-2020; call (650) 253-0000."
    valid = phonenumbers.Leniency.VALID
    list(phones._Matcher(text, "US", valid))  # remember the candidates
    for _ in range(2):
        library = phonenumbers.PhoneNumberMatcher(text, "US", valid, max_tries=max_tries)
        matcher = phones._Matcher(text, "US", valid, max_tries=max_tries)
        assert _library_matches(matcher) == _library_matches(library)
    assert _library_matches(phones._Matcher(text, "US", valid))


# Rules: the per-document lists the extract rules share (sentence starts, links).


def test_rules_sharing_a_scan_give_what_each_gives_alone() -> None:
    checklist = load_checklist(ROOT / "checklists" / "baseline.yaml")
    rules = [
        rule.primitive
        for check in checklist.checks
        for rule in check.rules
        if isinstance(rule.primitive, rules_extract.Extract)
    ]
    assert len({rule.extractor for rule in rules}) >= 6
    hits = 0
    for document in _documents()[::4]:
        shared = Scan(document)
        for rule in rules:
            together = [repr(item) for item in rule.evaluate(shared, None)]
            alone = [repr(item) for item in rule.evaluate(Scan(document), None)]
            assert together == alone
            hits += len(together)
    assert hits > 100
