"""Dates: the day-first guess may be a function, asked only when a numeric date's order depends
on it; the values are those of its answer given at once, on the real corpus and the policies."""

from __future__ import annotations

import pytest

from auditor.extract import dates
from tests.real_inputs import real_documents


def _real_texts() -> list[str]:
    return [d.text for d in real_documents()]


def test_day_first_function_gives_the_values_of_its_answer_in_the_real_texts() -> None:
    asked = 0
    for text in _real_texts():
        for answer in (False, True):
            calls: list[bool] = []

            def day_first(answer: bool = answer, calls: list[bool] = calls) -> bool:
                calls.append(answer)
                return answer

            assert dates.find_dates(text, day_first=day_first) == dates.find_dates(
                text, day_first=answer
            )
            asked += bool(calls)
    assert asked > 0  # some texts need the order


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("Last updated: June 5, 2002 and 2010-11-18", False),  # no day/month order in doubt
        ("Effective 18.11.2010", False),  # dotted: always day first
        ("On 22/02/2008", False),  # over 12 first: day first whatever the guess
        ("On 02/03/2008", True),
    ],
)
def test_day_first_is_asked_only_when_a_numeric_date_needs_it(text: str, asked: bool) -> None:
    calls: list[int] = []

    def day_first() -> bool:
        calls.append(1)
        return True

    dates.find_dates(text, day_first=day_first)
    assert bool(calls) == asked
