"""The extractors' fast paths give what the plain patterns give over the whole text.

Each extractor tries its costly patterns only where a cheap scan says a match may start (or, for
postal addresses, only on the lines that can hold one); these property tests compare the spans
with a plain `finditer` of every pattern, on text built from fragments that reach those paths.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any, cast
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.document.blocks import BlockKind
from auditor.document.model import Document, Sentence
from auditor.extract import ages, dates, emails, postal
from auditor.extract.base import finditer_at
from auditor.rules import extract as rules_extract
from auditor.rules.base import Scan

_FRAGMENTS = [
    # ages, with the letters `re` folds in IGNORECASE ("ſix", "fıve", "İ")
    "under 13", "the age of", "the  age", "aged", "thirteen (13)", "12 and under", "18+",
    "at least", "a minimum of", "older than", "younger than", "less than", "twenty", "one",
    "twenty-one", "ſix", "fıve", "FİVE", "over", "above", "years of age", " or ", " and ",
    "children", " aged under 13", " the aged under 13", " aged over 16", " the age of 13 or older",
    # dates
    "June 5, 2002", "5th of June", "2/22/08", "18.11.2010", "7/2017", "(c) 2010", "1.2.3",
    "March of 2014", "maart 2019", "Jun. 5 2002", "1999", "2010-11-18",
    # e-mails
    "a@b.com", "x.y", "mailto:", "[at]", "(dot)", " AT ", " DOT ", "{at}", "Fred",
    # postal addresses
    "1300 Island Drive", "Suite 200", "Suite B", ", CA 94043", "New York, NY 10001", "SW1A 1AA",
    "K1A 0B1", "NSW 2000", "Perth WA 6000", "P.O. Box 12", "Postfach 12 34", "Musterstraße 12",
    "Naas", "Co. Kildare", "Co ", "Dublin 8", "D02 X285", "Mumbai – 400 071", "12345 Berlin",
    "USA", "United States", "Level 4", "Great Connell Road", "12 rue de Rivoli", "1st Floor",
    # address blocks over several lines, whose parts join across the line breaks
    " Naas\nCo. Kildare", "Level 4\n1300 Island Drive", "Suite 5,\nGreat Connell Road\n",
    "1300 Island Drive,\nUnited States", "Unit 7\nLevel 4\nPerth WA 6000\nAustralia",
    # separators
    " ", " ", ", ", ",", ".", "-", "\n", "\n", "\r\n", "\t", "(", ")", "é", "\u2019",
]  # fmt: skip
_PIECE = st.one_of(st.sampled_from(_FRAGMENTS), st.text(alphabet="aeiost0129 \n,.-@", max_size=5))
_TEXT = st.lists(_PIECE, max_size=30).map("".join)
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _spans(matches: Any) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


@_SETTINGS
@given(_TEXT)
def test_age_forms_match_where_finditer_does(text: str) -> None:
    for form, found in zip(ages._FORMS, ages._form_matches(text), strict=True):
        assert _spans(found) == _spans(form.pattern.finditer(text))


@_SETTINGS
@given(_TEXT)
def test_date_patterns_match_where_finditer_does(text: str) -> None:
    months = [m.start() for m in dates._MONTH_START.finditer(text)]
    numbers = [m.start() for m in dates._NUMBER_START.finditer(text)]
    for pattern, starts in (
        (dates._TEXT_MDY, months),
        (dates._TEXT_MY, months),
        (dates._TEXT_DMY, numbers),
        (dates._NUM_YMD, numbers),
        (dates._NUM_XYZ, numbers),
        (dates._NUM_DOTTED, numbers),
        (dates._NUM_MY, numbers),
        (dates._BARE_YEAR, numbers),
    ):
        assert _spans(finditer_at(pattern, text, starts)) == _spans(pattern.finditer(text))
    if dates._ANY_YEAR4.search(text) is None:
        assert not dates._TEXT_MDY.search(text) and not dates._TEXT_DMY.search(text)


@_SETTINGS
@given(_TEXT)
def test_email_patterns_match_where_finditer_does(text: str) -> None:
    plain = emails._PLAIN
    assert _spans(finditer_at(plain, text, emails._local_starts(text))) == _spans(
        plain.finditer(text)
    )
    expected = [
        m.span()
        for pattern in (emails._MAILTO, plain, emails._BRACKETED, emails._CAPITALS)
        for m in pattern.finditer(text)
        if pattern is not emails._CAPITALS or not (m.group("local") + m.group("domain")).isupper()
    ]
    assert _spans(m for m, _ in emails._matches(text)) == expected


def _all_parts(text: str) -> list[postal._Part]:
    """Every part over the whole text, the plain way."""
    parts: list[postal._Part] = []
    for label, pattern in postal._STRONG:
        for m in pattern.finditer(text):
            if label == "au" and m.group("state") in postal._TOWN_REQUIRED and not m["town"]:
                continue
            parts.append(postal._Part(m.start(), m.end(), label, True))
    strong = list(parts)
    for label, pattern, leads in postal._WEAK:
        for m in pattern.finditer(text):
            if not any(
                p.start < m.end() and m.start() < p.end
                for p in strong
                if (p.end < m.end() or p.start <= m.start())
            ):
                parts.append(postal._Part(m.start(), m.end(), label, False, leads))
    parts.sort(key=lambda p: (p.start, -p.end))
    return parts


@_SETTINGS
@given(_TEXT)
def test_postal_addresses_are_those_of_all_parts(text: str) -> None:
    strong = [p for p in postal._parts(text) if p.strong]
    assert strong == [p for p in _all_parts(text) if p.strong]
    with mock.patch.object(postal, "_parts", _all_parts):
        expected = postal.find_postal(text)
    assert postal.find_postal(text) == expected


@_SETTINGS
@given(st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=12), st.data())
def test_one_line_prefilters_find_the_same_sentences(pieces: list[str], data: Any) -> None:
    # sentences joined by "\n", as in Document.text
    sentences = [data.draw(st.text(alphabet="ab \n", max_size=3)) + p for p in pieces]
    text = "\n".join(sentences)
    spans, start = [], 0
    for i, sentence in enumerate(sentences):
        spans.append(Sentence(i, sentence, start, 0, 0, 1, (), 0, BlockKind.PARAGRAPH))
        start += len(sentence) + 1
    document = cast(Document, SimpleNamespace(text=text, sentences=spans))
    for pattern in (dates.CANDIDATE, postal.CANDIDATE, re.compile("[0-9]")):
        per_line = rules_extract._linear(pattern, one_line=True)
        per_match = rules_extract._linear(pattern, one_line=False)
        assert Scan(document).sentences_matching(per_line) == Scan(document).sentences_matching(
            per_match
        )
