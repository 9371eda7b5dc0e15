"""Phones: in an ASCII text the candidate starts are found with a class of plain characters;
the numbers are those found with the library's class, on the real corpus and the policies."""

from __future__ import annotations

import functools

from auditor.extract import phones
from tests.real_inputs import plain_path as _plain
from tests.real_inputs import real_texts as _real_texts


def test_ascii_candidate_start_is_the_class_on_every_ascii_character() -> None:
    for code in range(128):
        c = chr(code)
        assert bool(phones._ASCII_CANDIDATE_START.match(c)) == bool(
            phones._CANDIDATE_START.match(c)
        ), repr(c)


def test_phones_in_the_real_texts_are_the_plain_ones() -> None:
    found = 0
    for text in _real_texts():
        for region in ("US", "GB"):
            values = phones.find_phones(text, region)
            plain = _plain(
                functools.partial(phones.find_phones, text, region),
                phones,
                "_ASCII_CANDIDATE_START",
                phones._CANDIDATE_START,
            )
            assert values == plain
            found += len(values)
    assert found > 50
