"""The extractors' patterns that most processes never use are compiled when first used
(`base.LazyPattern`): importing the extractors compiles none of them, and each one matches as
`re.compile` of its source does."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from auditor.extract import ages, dates, emails, phones, postal, urls
from auditor.extract.base import LazyPattern
from tests.real_inputs import ROOT, real_documents

MODULES = (ages, dates, emails, phones, postal, urls)


def _lazy_in(value: Any) -> Iterator[LazyPattern]:
    if isinstance(value, LazyPattern):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _lazy_in(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _lazy_in(getattr(value, field.name))


def _lazy_patterns() -> list[tuple[str, LazyPattern]]:
    found = []
    for module in MODULES:
        for name, value in vars(module).items():
            found += [(f"{module.__name__}.{name}", lazy) for lazy in _lazy_in(value)]
    return found


def test_the_lazy_patterns_are_the_rare_ones() -> None:
    counts = Counter(name.removeprefix("auditor.extract.") for name, _ in _lazy_patterns())
    assert counts == {
        # read for RE2 only (rules/extract.py)
        **{f"{m}.CANDIDATE": 1 for m in ("ages", "dates", "phones", "postal", "urls")},
        "postal._STRONG": 10,  # all but the US form and the plain street line
        "postal._WEAK": 2,  # postcode + town, country
        "postal._GATES": 12,  # searched by RE2 (`_gate_set`)
        "postal._WEAK_GATES": 4,
        "ages._FORMS": 1,  # "12 or under"
        "ages._GATES": 4,  # the folded gates, the _OPENER and dates' _MONTH_START: only for
        "ages._OPENER": 1,  # a text that cannot be lowered
        "dates._MONTH_START": 1,
        "dates._BARE_YEAR": 1,  # allow_year only
        "dates._COPYRIGHT_BEFORE": 1,
        "emails._BRACKETED": 1,  # the spelled-out forms
        "emails._CAPITALS": 1,
        "urls._ESCAPE": 1,  # a URL with a backslash
    }


def test_importing_the_extractors_compiles_no_lazy_pattern() -> None:
    code = (
        "import auditor.cli\n"
        "from tests.extract.test_perf11_lazy_patterns import _lazy_patterns\n"
        "print([name for name, lazy in _lazy_patterns() if lazy._compiled is not None])\n"
    )
    # A new process, from the checkout's root (its `auditor` first on the path)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == "[]"


def _texts() -> Iterator[str]:
    for document in real_documents()[::4]:
        yield document.text
        yield from (s.text for s in document.sentences[::7])
    yield "Write to P.O. Box 12, Postfach 12 34, Dublin 8, Co. Kildare, name [at] x [dot] com "
    yield "SW1A 1AA, K1A 0B1, Sydney NSW 2000, 12 rue de Rivoli, Mumbai \u2013 400 071, \u017fix"
    yield "name AT example DOT com, ©\u00a02014, https://x.org/a\\_b, ages twelve or under"


@pytest.mark.parametrize(("name", "lazy"), _lazy_patterns(), ids=lambda v: str(v)[:40])
def test_a_lazy_pattern_matches_as_its_compiled_source(name: str, lazy: LazyPattern) -> None:
    plain = re.compile(lazy.pattern, lazy.flags)
    assert lazy.compiled().pattern == plain.pattern and lazy.compiled().flags == plain.flags

    def spans(found: Iterator[re.Match[str]] | re.Match[str] | None) -> Any:
        if found is None or isinstance(found, re.Match):
            return None if found is None else found.regs
        return [m.regs for m in found]

    for text in _texts():
        edges = [(0, len(text)), (len(text) // 3, len(text) - len(text) // 4)]
        for pos, endpos in edges:
            for method in ("match", "fullmatch", "search", "finditer"):
                got = getattr(lazy, method)(text, pos, endpos)
                assert spans(got) == spans(getattr(plain, method)(text, pos, endpos)), name
        if name.endswith("._ESCAPE"):
            assert lazy.sub(r"\1", text) == plain.sub(r"\1", text)
