"""Calendar dates in prose, normalised to ISO 8601.

Recognised (case-insensitive; month names in English, French, German, Spanish, Italian, Dutch
and Portuguese, full or abbreviated, with or without a dot):

* month day year: "June 5, 2002", "Jun. 5 2002", "June 5th, 2002" -> `2002-06-05`
* day month year: "5 June 2002", "5th of June, 2002", "5. Juni 2002", "5 de junio de 2002",
  "1er mars 2019", "18 th May 2010" -> `YYYY-MM-DD`
* month year: "June 2002", "June, 2002", "March of 2014", "maart 2019" -> `YYYY-MM`
* numeric: "2010-11-18", "2010/11/18" (year first); "02/22/08", "2/22/2008", "22/02/2008",
  "18-11-2010" (slash or hyphen: month/day/year, unless the first number is over 12 or
  `day_first=True`, then day/month/year; if the preferred order is impossible the other one is
  tried); "18.11.2010" (dots: always day.month.year, four-digit year only, so that version
  numbers like "1.2.10" are not dates); "7/2017", "07/2017" -> `2017-07`
* a bare year "2014" -> `2014`, only with `allow_year=True`, and never right after "(c)",
  "©" or "copyright".

Two-digit years 00-69 are 20xx, 70-99 are 19xx. Impossible dates (Feb 30, month 13) are
rejected, and so are years outside 1990..2035 in numeric forms and 1970..2035 where the month is
a word. A year-first "YYYY-MM" is not read (it is as often a range like "2010-11").
`label` is the precision: "day", "month" or "year".
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from auditor.extract.base import LazyPattern, ValueMatch, finditer_at, lowered, resolve_overlaps

# Every date this module reads holds at least two digits in a row (the year): a text without
# them cannot hold a date, so callers may skip it (see rules/extract.py, which reads it for RE2).
# Keep it true.
CANDIDATE = LazyPattern(r"[0-9]{2}")

_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "janvier", "janv", "januar", "jänner", "jaenner", "enero", "gennaio",
        "januari", "janeiro"),
    2: ("february", "feb", "febr", "février", "fevrier", "févr", "fevr", "februar", "febrero",
        "febbraio", "februari", "fevereiro"),
    3: ("march", "mar", "mars", "märz", "maerz", "mär", "mrz", "marzo", "maart", "março",
        "marco"),
    4: ("april", "apr", "avril", "avr", "abril", "aprile"),
    5: ("may", "mai", "mayo", "maggio", "mei", "maio"),
    6: ("june", "jun", "juin", "juni", "junio", "giugno", "junho"),
    7: ("july", "jul", "juillet", "juil", "juli", "julio", "luglio", "julho"),
    8: ("august", "aug", "août", "aout", "agosto", "augustus"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "setiembre", "settembre",
        "setembro"),
    10: ("october", "oct", "octobre", "oktober", "okt", "octubre", "ottobre", "outubro"),
    11: ("november", "nov", "novembre", "noviembre", "novembro"),
    12: ("december", "dec", "décembre", "decembre", "déc", "dezember", "dez", "diciembre",
         "dicembre", "dezembro"),
}  # fmt: skip
_MONTH_OF: dict[str, int] = {name: num for num, names in _MONTHS.items() for name in names}

# Longest names first so that "marzo" is not cut to "mar"; `\b` stops "Marching".
_MONTH = (
    r"(?P<month>"
    + "|".join(re.escape(n) for n in sorted(_MONTH_OF, key=len, reverse=True))
    + r")\b\.?"
)
_DAY = r"(?P<day>0?[1-9]|[12][0-9]|3[01])"
_ORD = r"(?:\s?(?:st|nd|rd|th)\b|er\b|º|°|\.)?"
_YEAR4 = r"(?P<year>(?:19|20)[0-9]{2})(?![0-9])"
_LEAD = r"(?<![0-9])(?<![0-9][./-])"  # not inside a longer number such as "1.2.2010"

_TEXT_MDY = re.compile(
    rf"{_LEAD}\b{_MONTH}\s*{_DAY}(?:\s?(?:st|nd|rd|th)\b)?(?![0-9])\s*,?\s*{_YEAR4}", re.IGNORECASE
)
_TEXT_DMY = re.compile(
    rf"{_LEAD}\b{_DAY}{_ORD}\s*(?:(?:of|de)\s+)?{_MONTH}\s*,?\s*(?:(?:of|de|del)\s+)?{_YEAR4}",
    re.IGNORECASE,
)
_TEXT_MY = re.compile(rf"{_LEAD}\b{_MONTH}\s*,?\s*(?:(?:of|de|del)\s+)?{_YEAR4}", re.IGNORECASE)
_NUM_YMD = re.compile(
    rf"{_LEAD}(?P<year>(?:19|20)[0-9]{{2}})(?P<sep>[-/])(?P<a>[0-9]{{1,2}})(?P=sep)"
    r"(?P<b>[0-9]{1,2})(?![0-9]|[./-][0-9])"
)
_NUM_XYZ = re.compile(
    rf"{_LEAD}(?P<a>[0-9]{{1,2}})(?P<sep>[-/])(?P<b>[0-9]{{1,2}})(?P=sep)"
    r"(?P<year>[0-9]{4}|[0-9]{2})(?![0-9]|[./-][0-9])"
)
_NUM_DOTTED = re.compile(
    rf"{_LEAD}(?P<a>[0-9]{{1,2}})\.(?P<b>[0-9]{{1,2}})\.(?P<year>[0-9]{{4}})(?![0-9]|[./-][0-9])"
)
_NUM_MY = re.compile(rf"{_LEAD}(?P<a>0?[1-9]|1[0-2])/(?P<year>[0-9]{{4}})(?![0-9]|[./-][0-9])")
# For `allow_year` only (no rule of the baseline checklist sets it): compiled when first used.
_BARE_YEAR = LazyPattern(rf"{_LEAD}(?<![0-9],)\b{_YEAR4}\b(?![./-][0-9])")
_COPYRIGHT_BEFORE = LazyPattern(r"(?:©|\(c\)|copyright)[\s©]*(?:\(c\)\s*)?$", re.IGNORECASE)

# The month-name forms need a four-digit year and start at a month name: a text without such a
# year is spared them, and in one with it they are tried only where a month name starts.
_ANY_YEAR4 = re.compile(r"(?:19|20)[0-9]{2}")
# Every other form starts at the first digit of a number (_LEAD); a leading character class
# lets `re` skip to digits fast, where a leading look-behind would be tried at every offset.
_NUMBER_START = re.compile(r"[0-9](?<![0-9][0-9])")
_MONTH_START = LazyPattern(
    rf"\b(?=[{''.join(sorted({name[0] for name in _MONTH_OF}))}]){_MONTH}", re.IGNORECASE
)
# The same pattern (month names are lower-case) for the lowered text (see `base.lowered`); the
# one above, compiled when first used, is needed only for a text that cannot be lowered.
_MONTH_START_LOWER = re.compile(_MONTH_START.pattern)
# The first digit of a number whose digits are followed by "-", "/" or ".": every numeric form
# reads one or two digits (four for a year first) and then such a separator.
_SEPARATED_NUMBER = re.compile(r"[0-9](?<![0-9][0-9])[0-9]*[-/.]")

_NUMERIC_YEARS = range(1990, 2036)
_WORD_YEARS = range(1970, 2036)


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _iso_day(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def _month_number(name: str) -> int:
    return _MONTH_OF[name.lower().rstrip(".")]


def _text_candidates(text: str, numbers: list[int], year4: bool) -> list[ValueMatch]:
    """The month-name forms (`year4`: whether `text` holds a four-digit year, which they need)."""
    found: list[ValueMatch] = []
    if not year4:
        return found
    lower = lowered(text)
    if lower is not None:
        month_starts = [m.start() for m in _MONTH_START_LOWER.finditer(lower)]
    else:
        month_starts = [m.start() for m in _MONTH_START.finditer(text)]
    for matches in (
        finditer_at(_TEXT_MDY, text, month_starts),
        finditer_at(_TEXT_DMY, text, numbers),
    ):
        for m in matches:
            year = int(m.group("year"))
            if year not in _WORD_YEARS:
                continue
            iso = _iso_day(year, _month_number(m.group("month")), int(m.group("day")))
            if iso is not None:
                found.append(ValueMatch(m.start(), m.end(), iso, "date", "day"))
    for m in finditer_at(_TEXT_MY, text, month_starts):
        year = int(m.group("year"))
        if year in _WORD_YEARS:
            value = f"{year:04d}-{_month_number(m.group('month')):02d}"
            found.append(ValueMatch(m.start(), m.end(), value, "date", "month"))
    return found


def _numeric_candidates(text: str, day_first: bool | Callable[[], bool]) -> list[ValueMatch]:
    found: list[ValueMatch] = []
    numbers = [m.start() for m in _SEPARATED_NUMBER.finditer(text)]
    for m in finditer_at(_NUM_YMD, text, numbers):
        year = int(m.group("year"))
        iso = _iso_day(year, int(m.group("a")), int(m.group("b")))
        if year in _NUMERIC_YEARS and iso is not None:
            found.append(ValueMatch(m.start(), m.end(), iso, "date", "day"))
    for pattern, dotted in ((_NUM_XYZ, False), (_NUM_DOTTED, True)):
        for m in finditer_at(pattern, text, numbers):
            year = _full_year(m.group("year"))
            if year not in _NUMERIC_YEARS:
                continue
            a, b = int(m.group("a")), int(m.group("b"))
            # (month, day) orders to try, the preferred one first; `day_first` is asked only
            # when the first number could be a month
            if dotted:
                orders = [(b, a)]
            elif a > 12 or (day_first() if callable(day_first) else day_first):
                orders = [(b, a), (a, b)]
            else:
                orders = [(a, b), (b, a)]
            for month, day in orders:
                iso = _iso_day(year, month, day)
                if iso is not None:
                    found.append(ValueMatch(m.start(), m.end(), iso, "date", "day"))
                    break
    for m in finditer_at(_NUM_MY, text, numbers):
        year = int(m.group("year"))
        if year in _NUMERIC_YEARS:
            value = f"{year:04d}-{int(m.group('a')):02d}"
            found.append(ValueMatch(m.start(), m.end(), value, "date", "month"))
    return found


def _year_candidates(text: str, numbers: list[int]) -> list[ValueMatch]:
    found: list[ValueMatch] = []
    for m in finditer_at(_BARE_YEAR, text, numbers):
        year = int(m.group("year"))
        before = text[max(0, m.start() - 20) : m.start()]
        if year in _NUMERIC_YEARS and not _COPYRIGHT_BEFORE.search(before):
            found.append(ValueMatch(m.start(), m.end(), m.group("year"), "date", "year"))
    return found


def find_dates(
    text: str, *, day_first: bool | Callable[[], bool] = False, allow_year: bool = False
) -> list[ValueMatch]:
    """Every date in `text` as an ISO 8601 value, sorted and non-overlapping (see module doc).

    `day_first` may be a function, called only if a numeric date's order depends on it (a
    document-wide guess that most texts never need)."""
    year4 = _ANY_YEAR4.search(text) is not None
    # Number starts are wanted only by the forms with a four-digit year (and the bare year).
    wanted = allow_year or year4
    numbers = [m.start() for m in _NUMBER_START.finditer(text)] if wanted else []
    candidates = _text_candidates(text, numbers, year4) + _numeric_candidates(text, day_first)
    if allow_year:
        candidates += _year_candidates(text, numbers)
    return resolve_overlaps(candidates)


_EDGE_JUNK = " \t\r\n.,;:()[]*_"


def parse_date(s: str, day_first: bool = False) -> str | None:
    """The ISO value of `s` if it is exactly one date (a bare year counts), else None.

    Surrounding whitespace and punctuation (".,;:()[]*_") are ignored.
    """
    core = s.strip(_EDGE_JUNK)
    matches = find_dates(core, day_first=day_first, allow_year=True)
    if len(matches) == 1 and matches[0].start == 0 and matches[0].end == len(core):
        value = matches[0].value
        return value if isinstance(value, str) else None
    return None
