"""Age thresholds ("children under 13", "you must be at least 18") as the age N of the rule.

The value is the threshold N per CHECKS.md (coppa-age-statement), as an int in 1..25:

* below N -> N: "under 13", "under the age of 13", "under age 13", "younger than 13",
  "below the age of 16", "less than 13 years of age", "aged under 16".
* N and below -> N + 1: "12 and under", "12 or younger", "aged 12 or under",
  "age 12 and below", "16 years of age or younger".
* N and above -> N: "at least 18", "18 or older", "18 years of age or older", "over the age of
  18", "older than 18", "18 years or over", "ages 13 and up", "18+".
* an age -> N: "the age of 18", "age 13", "aged 16", "13 years old", "13-year-old",
  "13 years of age".

Numbers may be digits or words, and a word followed by its digits counts once:
"under thirteen (13)" -> 13. A phrase counts only when it is about a person's age: it says so
("age", "aged", "years old", "year-old", "years of age", "younger", "older", "N years or
over", "18+"), or it follows a person word ("children", "kids", "minors", "individuals",
"users", "anyone", "you", "visitors", "those", "students", "teens", ...) with at most a few
linking words between ("users who are under 13", "you must be at least 16"), or it directly
follows an age ("children under 13, or under 16 in the EEA"). So "under 100 employees", "at
least 18 days", "less than 3 years", "under 18 months" and "section 5 of" are not ages; neither
is a range ("ages 4 to 15"). `label` says which of the four forms was read: "under",
"or-under", "at-least" or "age".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.extract.base import (
    LazyPattern,
    Regex,
    ValueMatch,
    finditer_at,
    lowered,
    resolve_overlaps,
)
from auditor.extract.numbers import NUMBER_RE, NUMBER_WORDS, word_to_int

# Every age holds a number, in digits or words: a text without one holds no age, so callers
# may skip it (see rules/extract.py, which reads it for RE2). Keep it true.
CANDIDATE = LazyPattern(rf"\b{NUMBER_RE}|[0-9]", re.IGNORECASE)

_MIN_AGE, _MAX_AGE = 1, 25

_NUM = (
    rf"(?<![\w.,])(?P<num>{NUMBER_RE})(?![\w]|[.,][0-9])"
    r"(?:\s*\(\s*(?P<digits>[0-9]{1,2})\s*\))?"
    # "under 18 months", "under 13%" are no ages
    r"(?!\s*(?:%|-?\s*(?:percent|months?|mos?|weeks?|days?|hours?|minutes?)\b))"
)
# "years", "yrs.", and the forms that are about age by themselves (group `old`): "years old",
# "year-old(s)", "years of age"
_YEARS = (
    r"(?P<years>\s*-?\s*(?:years?\b|yrs?\b\.?)"
    r"(?P<old>\s*-?\s*olds?\b|\s+of\s+age\b)?)"
)
_NOT_RANGE = r"(?!\s*(?:-|\u2013|to|through|and\s+[0-9])\s*[0-9])"
_AGE_WORDS = r"(?P<agew>(?:the\s+)?ages?\s+of|(?:the\s+)?age|aged|ages)"
# The words that end "12 or under" and "18 and over"
_OR_UNDER = r"(?:and|or)\s+(?P<trig>under|younger|below)\b"
_OR_OVER = r"(?:and|or)\s+(?P<trig>over|older|above|up|upwards?)\b"
# after "18+": the end, punctuation, or one of these words ("18+ only"), not "10+ partners"
_PLUS_OK = r"(?!\s+(?!(?:only|years?|yrs?|and|or|users?|members?|audiences?)\b)[a-z])"


# The words a phrase can start with, by kind (see _OPENER). No two kinds begin the same text,
# so the one kind found at an offset names every form that can start there.
_OPENERS: dict[str, tuple[str, ...]] = {
    "num": ("[0-9]", *NUMBER_WORDS),  # _NUM
    "agew": (r"the\s+age", "age"),  # _AGE_WORDS, and "aged" before a trigger
    "below": ("under", "below", r"younger\s+than", r"less\s+than"),
    "above": ("over", "above", r"older\s+than", r"at\s+least", r"a\s+minimum"),
}
_FIRST_LETTERS = "".join(sorted({w[0] for words in _OPENERS.values() for w in words} - {"["}))
# One pass for the offsets where a phrase may start; the look-ahead on the first letter lets
# `re` reject most offsets before trying the alternatives. Needed only for a text that cannot be
# lowered (see `base.lowered`): compiled then.
_OPENER = LazyPattern(
    rf"\b(?=[0-9{_FIRST_LETTERS}])(?:"
    + "|".join(f"(?P<{kind}>{'|'.join(words)})" for kind, words in _OPENERS.items())
    + ")",
    re.IGNORECASE,
)
# The same pattern (its words are lower-case) for the lowered text (see `base.lowered`).
_OPENER_LOWER = re.compile(_OPENER.pattern)


@dataclass(frozen=True)
class _Form:
    """One way of writing an age: its label and whether a bare "years" shows it is an age."""

    label: str
    pattern: Regex
    years_is_age: bool = False
    opens: tuple[str, ...] = ("num", "agew")
    """The kinds of _OPENERS words a match can start with."""
    gate: str = ""
    """A pattern (lower case) that matches somewhere in every match: a text in which it does
    not is spared the form, which would be tried at every number."""


_FORMS: tuple[_Form, ...] = (
    _Form(
        "under",
        re.compile(
            r"\b(?P<pre>aged\s+)?(?P<trig>under|below|younger\s+than|less\s+than)(?:\s+|\s*-\s*)"
            rf"(?:{_AGE_WORDS}\s+)?{_NUM}{_YEARS}?",
            re.IGNORECASE,
        ),
        opens=("agew", "below"),
    ),
    _Form(
        "or-under",
        # Compiled when first tried: its gate ("or under", "and younger") passes in none of the
        # 1,162 policies of the real and 1k corpora.
        LazyPattern(rf"(?:\b{_AGE_WORDS}\s+)?{_NUM}{_YEARS}?,?\s+{_OR_UNDER}", re.IGNORECASE),
        years_is_age=True,
        gate=_OR_UNDER,
    ),
    _Form(
        "at-least",
        re.compile(
            rf"(?:\b{_AGE_WORDS}\s+)?{_NUM}(?:{_YEARS}|(?P<plus>\+))?,?\s+{_OR_OVER}",
            re.IGNORECASE,
        ),
        years_is_age=True,
        gate=_OR_OVER,
    ),
    _Form(
        "at-least",
        re.compile(
            r"\b(?P<pre>aged\s+)?(?P<trig>over|above|older\s+than|at\s+least|a\s+minimum\s+of)"
            rf"\s+(?:{_AGE_WORDS}\s+)?{_NUM}{_YEARS}?",
            re.IGNORECASE,
        ),
        opens=("agew", "above"),
    ),
    _Form(
        "at-least",
        re.compile(rf"{_NUM}(?P<plus>\+)(?![\w+]){_PLUS_OK}", re.IGNORECASE),
        opens=("num",),
        gate=r"\+",
    ),
    _Form(
        "age",
        re.compile(rf"\b{_AGE_WORDS}\s+{_NUM}(?:{_YEARS}|\+)?{_NOT_RANGE}", re.IGNORECASE),
        opens=("agew",),
    ),
    _Form(
        "age",
        re.compile(rf"{_NUM}{_YEARS}{_NOT_RANGE}", re.IGNORECASE),
        opens=("num",),
        gate=r"(?:years?|yrs?)\b",  # in _YEARS
    ),
)
# Each form's gate compiled for the text (when first needed: only a text that cannot be lowered
# needs it) and for the lowered text (see `base.lowered`).
_GATES: tuple[tuple[LazyPattern, re.Pattern[str]] | None, ...] = tuple(
    (LazyPattern(form.gate, re.IGNORECASE), re.compile(form.gate)) if form.gate else None
    for form in _FORMS
)

_PERSON = (
    r"children|child|kids|kid|minors|minor|individuals|individual|persons|person|people|"
    r"users|user|anyone|anybody|someone|no\s*-?\s*one|nobody|you|visitors|visitor|those|"
    r"students|student|teens|teen|teenagers|teenager|youths?|boys|girls|members|"
    r"participants|subscribers|customers|consumers|players|applicants|guests|patrons"
)
_LINKING = (
    r"who|that|are|is|am|be|being|were|was|must|should|may|might|to|not|currently|still|"
    r"appear|appears|seem|seems"
)
# Matched against the text just before the phrase; bounded repeats keep it linear.
_PERSON_BEFORE = re.compile(
    rf"\b(?:{_PERSON})(?:['\u2019]s)?(?:[\s,]+(?:{_LINKING})){{0,4}}[\s,]*$", re.IGNORECASE
)
# "under 13 (or under 16 in the EEA)": a phrase right after an age is an age too
_CHAINED_GAP = re.compile(r"[\s,;()]*(?:(?:and/|and\s+|)or\b|and\b)?[\s(]*", re.IGNORECASE)
_INHERENT_TRIGGERS = {"younger", "older", "younger than", "older than"}


def _value(m: re.Match[str]) -> int | None:
    digits = m.group("digits")
    return int(digits) if digits else word_to_int(m.group("num"))


def _says_age(form: _Form, m: re.Match[str]) -> bool:
    groups = m.groupdict()
    if any(groups.get(name) for name in ("agew", "old", "pre", "plus")):
        return True
    if form.years_is_age and groups.get("years"):
        return True
    trig = groups.get("trig")
    return trig is not None and " ".join(trig.lower().split()) in _INHERENT_TRIGGERS


def _person_before(text: str, start: int) -> bool:
    return _PERSON_BEFORE.search(text[max(0, start - 60) : start]) is not None


def _form_matches(text: str) -> list[list[re.Match[str]]]:
    """Per form, what `form.pattern.finditer(text)` gives, tried only where a phrase may start."""
    starts: dict[str, list[int]] = {kind: [] for kind in _OPENERS}
    lower = lowered(text)
    openers = _OPENER.finditer(text) if lower is None else _OPENER_LOWER.finditer(lower)
    for m in openers:
        kind = str(m.lastgroup)
        starts[kind].append(m.start())
        if kind == "agew" and m.end() - m.start() > len("age"):
            starts[kind].append(m.end() - len("age"))  # "age" in "the age" may start one too
    found: list[list[re.Match[str]]] = []
    for form, gate in zip(_FORMS, _GATES, strict=True):
        if gate is not None and (
            gate[0].search(text) is None if lower is None else gate[1].search(lower) is None
        ):
            found.append([])
            continue
        at = sorted({i for k in form.opens for i in starts[k]})
        found.append(list(finditer_at(form.pattern, text, at)))
    return found


def find_ages(text: str) -> list[ValueMatch]:
    """Every age threshold in `text`, as the age N (see the module doc), sorted, no overlaps."""
    # (match, about-age-by-itself) pairs; the person context is checked only when needed
    found: list[tuple[ValueMatch, bool]] = []
    for form, matches in zip(_FORMS, _form_matches(text), strict=True):
        for m in matches:
            number = _value(m)
            if number is None or not _MIN_AGE <= number <= _MAX_AGE:
                continue
            value = number + 1 if form.label == "or-under" else number
            match = ValueMatch(m.start(), m.end(), value, "age", form.label)
            found.append((match, _says_age(form, m) or _person_before(text, m.start())))
    found.sort(key=lambda pair: (pair[0].start, -pair[0].end))
    accepted: list[ValueMatch] = []
    for match, ok in found:
        if not ok and accepted and match.start >= accepted[-1].end:
            gap = text[accepted[-1].end : match.start]
            ok = len(gap) <= 12 and _CHAINED_GAP.fullmatch(gap) is not None
        if ok:
            accepted.append(match)
    return resolve_overlaps(accepted)
