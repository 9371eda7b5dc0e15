"""Postal addresses and parts of them: street lines, post boxes, city + state/postcode lines.

Strong parts, each enough for a match:

* US "City, ST 12345(-6789)" and "City, State 12345" (state code or full name, an optional
  "USA" before the ZIP); Canadian "City, ON K1A 0B1" and a bare "K1A 0B1"; UK postcodes
  "SW1A 1AA" with an optional town before; Australian "Sydney NSW 2000" ("NSW 2000", "VIC 3000"
  alone; SA, WA, NT and ACT need the town).
* street lines: a house number, one to five capitalised name words and a street type ("1300
  Island Drive", "1903 W. Parkside Lane", "10 Shattuck St."), or a house number and name followed
  by a unit ("51 Columbia, Suite 200"), each with optional units after ("Suite 200", "#349",
  "1st Floor"); "12 rue de Rivoli"; German and Dutch "Musterstraße 12", "Keizersgracht 123".
* "P.O. Box 1234", "PO Box 1234", "GPO Box 12", "Postfach 12 34".
* Irish "Co. Kildare" (a county, with an optional town line before), "Dublin 8" (a Dublin
  postal district) and Eircodes ("D02 X285"); Indian "Mumbai – 400 071" (a town, a dash or
  comma, and a six-digit PIN).

Weak parts count only next to a strong one: a unit alone ("Level 4", "Suite 200"), a
"12345 Berlin" postcode + town, a country name, a street name without a house number ("Great
Connell Road", common in Ireland and India). Parts that overlap or are separated only by a
comma, spaces and at most one line break are merged into one match, so "1600 Amphitheatre
Parkway, Mountain View, CA 94043, USA" is one address. Prose such as "13 years", "2 days" or
"section 5 of" never matches: a street line needs a street-type word or a following unit, and
street types are read capitalised or in capitals ("Drive", "DR"), only "street", "avenue",
"road" and "boulevard" also in lower case, so "Windows 10 Pro drive" is no address.
The value is the matched text with each run of whitespace made one space; `label` lists the
parts, e.g. "street+us".
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import re2

from auditor.extract.base import LazyPattern, Regex, ValueMatch, finditer_at

# Every strong part holds a digit, except an Irish county ("Co. Kildare"): a stretch of text
# without either holds no address, so callers may skip it (see rules/extract.py). Keep it true.
CANDIDATE = LazyPattern(r"[0-9]|\bCo\.?[ \t]")

_US_STATE_CODES = (
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
    "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VT", "VA", "WA", "WV", "WI", "WY", "PR", "VI", "GU", "AS", "MP",
)  # fmt: skip
_US_STATE_NAMES = (
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
    "Delaware", "District of Columbia", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois",
    "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts",
    "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada",
    "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota",
    "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island", "South Carolina",
    "South Dakota", "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington",
    "West Virginia", "Wisconsin", "Wyoming", "Puerto Rico",
)  # fmt: skip
_CA_PROVINCES = (
    "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT", "Alberta",
    "British Columbia", "Manitoba", "New Brunswick", "Newfoundland and Labrador", "Nova Scotia",
    "Ontario", "Quebec", "Québec", "Saskatchewan",
)  # fmt: skip
_STREET_TYPES = (
    "street", "st", "avenue", "ave", "av", "road", "rd", "drive", "dr", "lane", "ln",
    "boulevard", "blvd", "way", "court", "ct", "place", "pl", "parkway", "pkwy", "highway",
    "hwy", "square", "sq", "terrace", "ter", "circle", "cir", "crescent", "cres", "close",
    "plaza", "alley", "row", "trail", "trl", "turnpike", "pike", "loop", "embankment", "quay",
    "wharf", "mews", "grove", "expressway", "freeway",
)  # fmt: skip
# Lower-case street types are read only for these; "Windows 10 Pro drive" is not an address.
_IE_COUNTIES = (
    "Antrim", "Armagh", "Carlow", "Cavan", "Clare", "Cork", "Derry", "Donegal", "Down", "Dublin",
    "Fermanagh", "Galway", "Kerry", "Kildare", "Kilkenny", "Laois", "Leitrim", "Limerick",
    "Longford", "Louth", "Mayo", "Meath", "Monaghan", "Offaly", "Roscommon", "Sligo",
    "Tipperary", "Tyrone", "Waterford", "Westmeath", "Wexford", "Wicklow",
)  # fmt: skip
_LOWER_CASE_TYPES = ("street", "avenue", "road", "boulevard")
_COUNTRIES = (
    "USA", "U.S.A.", "U.S.", "United States of America", "United States", "Canada",
    "United Kingdom", "UK", "U.K.", "England", "Scotland", "Wales", "Northern Ireland",
    "Ireland", "Australia", "New Zealand", "Germany", "Deutschland", "France", "Singapore",
    "India", "South Africa", "Hong Kong", "Netherlands", "The Netherlands",
)  # fmt: skip


def _alternation(words: tuple[str, ...] | list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_TYPE_FORMS = [f for t in _STREET_TYPES for f in (t.capitalize(), t.upper())] + list(
    _LOWER_CASE_TYPES
)
_TYPE_WORD = rf"(?:{_alternation(_TYPE_FORMS)})"
_TYPE = rf"{_TYPE_WORD}\b\.?"
_STOP = r"(?:At|In|To|Of|On|The|And|Or|Our|Us|By|For|Mail|Write|Address|Attn|Contact|Send|Email)"
_CITY_WORD = rf"(?!{_STOP}\b)[A-Z][A-Za-z'\u2019.-]*"
_CITY = rf"(?<![\w'\u2019.-]){_CITY_WORD}(?:[ \t]+{_CITY_WORD}){{0,2}}"
_APOS = r"['\u2019]"
_FR_WORD = r"[A-ZÉ][\w'\u2019-]*"
_HOUSE = r"(?<![\w./,-])[0-9]{1,6}[A-Za-z]?(?:[ \t]?-[ \t]?[0-9]{1,6}[A-Za-z]?)?"
_NAME_WORD = r"(?:[A-Z][A-Za-z'\u2019.-]*|[0-9]{1,3}(?:st|nd|rd|th)\b)"
_UNIT_WORD = (
    r"(?:Suite|SUITE|Ste\.?|Unit|UNIT|Floor|FLOOR|Fl\.|Level|LEVEL|Room|Rm\.|Apt\.?|"
    r"Apartment|Building|Bldg\.?|PMB)"
)
_NTH_FLOOR = r"[0-9]{1,3}(?:st|nd|rd|th)[ \t]+(?:Floor|floor|FLOOR)"
_UNIT = (
    rf"(?:{_UNIT_WORD}[ \t]*#?[ \t]*[0-9][0-9A-Za-z-]*"
    r"|(?:Suite|Unit)[ \t]+[A-Z](?![\w])"
    rf"|{_NTH_FLOOR}\b)"
)
_UNITS_AFTER = rf"(?:,?[ \t]*(?:{_UNIT}|#[ \t]?[0-9][0-9A-Za-z-]*)){{0,3}}"
_QUADRANT = r"(?:,?[ \t]+(?:N\.?[EW]\.?|S\.?[EW]\.?)(?![\w]))?"  # "1529 18th Street, NW"
# A US state and its ZIP code ("CA 94043", "California, USA 94043"), without the ZIP+4
_US_STATE_ZIP = (
    rf"(?:{_alternation(_US_STATE_CODES)}|{_alternation(_US_STATE_NAMES)})"
    r",?[ \t]+(?:(?:USA|US|U\.S\.A?\.?),?[ \t]+)?[0-9]{5}"
)
# From a house number's end to the start of the next word, a capital or a digit ("12 M")
_HOUSE_NAME = r"[0-9][A-Za-z]?[ \t]+[A-Z0-9]"

# Each pattern with the label of the part it finds. A pattern that most documents never try (its
# gate, below, rarely passes: under a tenth of the real corpus's documents try it) is compiled
# when first tried, so that a small audit does not pay for compiling it.
_STRONG: tuple[tuple[str, Regex], ...] = (
    (
        "us",
        re.compile(rf"{_CITY},?[ \t]+{_US_STATE_ZIP}(?:[ \t]?-[ \t]?[0-9]{{4}})?(?![0-9])"),
    ),
    (
        "ca",
        LazyPattern(
            rf"(?:{_CITY},?[ \t]+(?:{_alternation(_CA_PROVINCES)}),?[ \t]+)?(?<![\w])"
            r"[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z][ \t]?[0-9][ABCEGHJ-NPRSTV-Z][0-9]"
            r"(?![\w])"
        ),
    ),
    (
        "uk",
        LazyPattern(
            rf"(?:(?<![\w'\u2019.-]){_CITY_WORD},?[ \t]+)?(?<![\w])"
            r"(?:[A-PR-UWYZ][A-HK-Y]?[0-9][A-Z0-9]?|GIR)[ \t][0-9][ABD-HJLNP-UW-Z]{2}(?![\w])"
        ),
    ),
    (
        "au",
        LazyPattern(
            rf"(?:(?P<town>{_CITY}),?[ \t]+)?(?<![\w])"
            r"(?P<state>NSW|VIC|QLD|TAS|SA|WA|NT|ACT)[ \t]+[0-9]{4}(?![0-9])"
        ),
    ),
    (
        "street",
        re.compile(
            rf"{_HOUSE}[ \t]+{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,4}}[ \t]+{_TYPE}{_QUADRANT}"
            rf"{_UNITS_AFTER}"
        ),
    ),
    (
        "street",
        LazyPattern(
            rf"{_HOUSE}[ \t]+{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}},?[ \t]+{_UNIT}"
            rf"{_UNITS_AFTER}"
        ),
    ),
    (
        "street",
        LazyPattern(
            r"(?<![\w.,-])[0-9]{1,4}(?:[ \t]?(?:bis|ter))?,?[ \t]+(?:rue|avenue|boulevard|bd|"
            r"place|quai|chemin|allée|impasse|cours)[ \t]+"
            rf"(?:de[ \t]+la[ \t]+|de[ \t]+l{_APOS}|des[ \t]+|du[ \t]+|de[ \t]+|d{_APOS})?"
            rf"{_FR_WORD}(?:[ \t]+{_FR_WORD}){{0,3}}"
        ),
    ),
    (
        "street",
        LazyPattern(
            r"(?<![\w])[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|Straße|Strasse|weg|platz|allee|"
            r"gasse|damm|ufer|straat|laan|gracht|plein|kade)[ \t]+[0-9]{1,4}[a-z]?"
            r"(?:[ \t]?-[ \t]?[0-9]{1,4}[a-z]?)?(?![\w])"
        ),
    ),
    (
        "po-box",
        LazyPattern(
            r"(?<![\w])(?:P\.?[ \t]?O\.?[ \t]?Box|Post[ \t]+Office[ \t]+Box|GPO[ \t]+Box|"
            r"Locked[ \t]+Bag)[ \t]+[0-9]{1,6}(?![\w])",
            re.IGNORECASE,
        ),
    ),
    ("po-box", LazyPattern(r"(?<![\w])Postfach[ \t]+[0-9]{1,6}(?:[ \t][0-9]{2,4}(?![0-9])){0,2}")),
    (
        "ie",
        LazyPattern(
            rf"(?:(?<![\w'\u2019.-]){_CITY_WORD}[ \t]*,?[ \t]*(?:\r?\n[ \t]*)?)?"
            rf"(?<![\w])Co\.?[ \t]+(?:{_alternation(_IE_COUNTIES)})\b"
            r"|(?<![\w])Dublin[ \t]+(?:1[0-8]|2[0-4]|[1-9]|6W)(?![\w])"
            r"|(?<![\w])(?:[AC-FHKNPRTV-Y][0-9]{2}|D6W)[ \t]?[AC-FHKNPRTV-Y0-9]{4}(?![\w])"
        ),
    ),
    (
        "in",
        LazyPattern(rf"{_CITY}[ \t]*[,\u2013\u2014-][ \t]*[1-9][0-9]{{2}}[ \t]?[0-9]{{3}}(?![\w])"),
    ),
)
# Weak parts: (label, pattern, may it come before the strong part it joins?)
_WEAK: tuple[tuple[str, Regex, bool], ...] = (
    ("unit", re.compile(rf"(?<![\w]){_UNIT}"), True),
    ("postcode", LazyPattern(r"(?<![\w./,-])(?:[A-Z]-)?[0-9]{5}[ \t]+[A-ZÄÖÜ][a-zäöüß]+\b"), False),
    ("country", LazyPattern(rf"(?<![\w])(?:{_alternation(_COUNTRIES)})(?![\w])"), False),
    (
        "street-name",
        re.compile(rf"(?<![\w'\u2019.-]){_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}}[ \t]+{_TYPE}"),
        True,
    ),
)
# Per strong pattern, in the same order: a pattern without look-arounds or anchors that matches
# somewhere inside every match of the strong one. A stretch of text it does not match holds no
# match of that strong pattern, so the costly pattern (most open with a town name and so are
# tried at every capital letter) is run only on the few stretches that pass. The gates are searched
# together by RE2 (`_gate_set`): their own compiled form is needed only if RE2 gives up.
_GATES: tuple[LazyPattern, ...] = tuple(
    LazyPattern(gate, flags)
    for gate, flags in (
        (_US_STATE_ZIP, 0),  # us: the state and the ZIP
        (r"[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z][ \t]?[0-9][ABCEGHJ-NPRSTV-Z][0-9]", 0),  # ca
        (r"[ \t][0-9][ABD-HJLNP-UW-Z]{2}", 0),  # uk: the inward code
        (r"(?:NSW|VIC|QLD|TAS|SA|WA|NT|ACT)[ \t]+[0-9]{4}", 0),  # au
        # street: a house number's end, a name's start, and on the same line a street type
        (rf"{_HOUSE_NAME}[^\n]*[ \t]{_TYPE_WORD}", 0),
        # street with a unit: the same, and a unit instead of the street type
        (rf"{_HOUSE_NAME}[^\n]*[ \t](?:{_UNIT_WORD}|{_NTH_FLOOR})", 0),
        (r"[ \t](?:rue|avenue|boulevard|bd|place|quai|chemin|allée|impasse|cours)[ \t]", 0),
        (
            r"(?:straße|strasse|str\.|Straße|Strasse|weg|platz|allee|gasse|damm|ufer|straat|laan"
            r"|gracht|plein|kade)[ \t]+[0-9]",
            0,
        ),
        (r"(?:Box|Bag)[ \t]+[0-9]", re.IGNORECASE),  # po-box, folded as that pattern is
        (r"Postfach[ \t]+[0-9]", 0),
        (r"Co\.?[ \t]|Dublin[ \t]|[AC-FHKNPRTV-Y][0-9]{2}|D6W", 0),  # ie: its three forms
        (r"[,\u2013\u2014-][ \t]*[1-9][0-9]{2}[ \t]?[0-9]{3}", 0),  # in: the PIN
    )
)


# The same for the weak patterns, in the same order: a line in which a gate does not match holds
# no match of its weak pattern (most lines next to an address hold none of them).
_WEAK_GATES: tuple[LazyPattern, ...] = tuple(
    LazyPattern(gate)
    for gate in (
        rf"{_UNIT_WORD}[ \t]*#?[ \t]*[0-9]|(?:Suite|Unit)[ \t]+[A-Z]|{_NTH_FLOOR}",  # _UNIT
        r"[0-9]{5}[ \t]+[A-ZÄÖÜ][a-zäöüß]",  # postcode + town
        _alternation(_COUNTRIES),
        rf"[ \t]{_TYPE_WORD}",  # street-name: the street type after a name
    )
)


def _gate_set(gates: tuple[LazyPattern, ...]) -> re2.Set:
    """All the gates in one RE2 set: one pass over a stretch tells which of them match in it.

    The gates are plain enough to mean the same in RE2 (`(?i:...)` for the folded one, `\\x{...}`
    for `\\u...`); the last pattern matches every text, so an answer without it (RE2 gave up) is
    never trusted.
    """
    options = re2.Options()
    options.log_errors = False
    found = re2.Set.SearchSet(options)
    for gate in gates:
        source = re.sub(r"\\u([0-9a-fA-F]{4})", r"\\x{\1}", gate.pattern)
        found.Add(f"(?i:{source})" if gate.flags & re.IGNORECASE else source)
    found.Add(r"\A")
    found.Compile()
    return found


_GATE_SET = _gate_set(_GATES)
_WEAK_GATE_SET = _gate_set(_WEAK_GATES)


def _gates_in(
    text: str,
    start: int,
    end: int,
    gates: tuple[LazyPattern, ...] = _GATES,
    gate_set: re2.Set = _GATE_SET,
) -> set[int]:
    """Indices of the gates (`_GATES`, or others with their set) that match somewhere in
    `text[start:end]`."""
    found = set(gate_set.Match(text[start:end]))
    if len(gates) not in found:
        return {i for i, gate in enumerate(gates) if gate.search(text, start, end)}
    return found - {len(gates)}


_TOWN_REQUIRED = {"SA", "WA", "NT", "ACT"}
_SEPARATOR = re.compile(r"[ \t]*,?[ \t]*(?:\r?\n[ \t]*)?")


@dataclass
class _Part:
    start: int
    end: int
    label: str
    strong: bool
    leads: bool = True  # may start an address (a country or "12345 Berlin" only follows one)


# Where a strong part may stand (a superset of CANDIDATE, without the word boundary): every strong
# pattern keeps to one line except an Irish "Town\nCo. Kildare", which starts on the line before.
# A digit is run on to the end of its line: one match per line.
_DIGIT_LINE = re.compile(r"[0-9][^\n]*")
_COUNTY = re.compile(r"Co\.?[ \t]")
# The first digit of a number. The street patterns that open with a house number (a look-behind
# that rules out a word character, so a digit, before a digit) can start only there, and are
# tried only at these offsets (see `finditer_at`).
_NUMBER_START = re.compile(r"[0-9](?<![0-9][0-9])")
_HOUSE_FIRST = frozenset(
    i
    for i, (_, pattern) in enumerate(_STRONG)
    if pattern.pattern.startswith((r"(?<![\w./,-])[0-9]", r"(?<![\w.,-])[0-9]"))
)
# What may follow a part on its line for a part on the next line to join it (see _SEPARATOR).
_LINE_TAIL = re.compile(r"[ \t]*,?[ \t]*\r?")


def _line_end(text: str, pos: int) -> int:
    """Offset of the line break ending the line at `pos`, or the text's length."""
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def digit_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of `text` holding an ASCII digit, end just past its line break
    (or one past the text's end)."""
    rfind = text.rfind
    # m.end() is the line break ending the digit's line, or the text's end
    return [(rfind("\n", 0, m.start()) + 1, m.end() + 1) for m in _DIGIT_LINE.finditer(text)]


def _candidate_lines(
    text: str, digits: list[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """Merged (start, end) stretches of whole lines that can hold a strong part; end takes in
    the line break, so that look-aheads at the end of a line see what they see in the text.
    `digits`: `digit_lines(text)`, if the caller knows it."""
    rfind = text.rfind
    found = digit_lines(text) if digits is None else list(digits)
    pos = 0
    while (m := _COUNTY.search(text, pos)) is not None:
        start = rfind("\n", 0, m.start()) + 1
        if start > 0:  # the line before too
            start = rfind("\n", 0, start - 1) + 1
        pos = _line_end(text, m.start()) + 1
        found.append((start, pos))
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _weak_matches(text: str, strong: list[_Part]) -> list[list[re.Match[str]]]:
    """Per weak pattern, its matches on the lines that can join a strong part's address.

    A part joins the address before it across at most one line break, and only from the start
    of its line to a part at the end of the previous line; so starting from the lines of the
    strong parts and taking in a neighbouring line whenever a part touches that side, every weak
    part that can end up in an address is found, and the addresses are the same as with weak
    parts over the whole text. Most texts hold no strong part and need no weak scan at all.
    """
    todo: list[int] = []  # starts of lines to scan
    for p in strong:
        todo.append(text.rfind("\n", 0, p.start) + 1)
        todo += [p.start + i + 1 for i, c in enumerate(text[p.start : p.end]) if c == "\n"]
    per_line: dict[int, list[list[re.Match[str]]]] = {}
    while todo:
        start = todo.pop()
        if start in per_line:
            continue
        end = _line_end(text, start)
        # The end takes in the line break: weak patterns keep to one line.
        gates = _gates_in(text, start, end + 1, _WEAK_GATES, _WEAK_GATE_SET)
        matches = [
            list(pattern.finditer(text, start, end + 1)) if i in gates else []
            for i, (_, pattern, _) in enumerate(_WEAK)
        ]
        per_line[start] = matches
        spans = [m.span() for found in matches for m in found]
        spans += [
            (p.start, p.end) for p in strong if start <= p.start <= end or start <= p.end <= end
        ]
        if start > 0 and any(
            start <= a <= end and not text[start:a].strip(" \t") for a, _ in spans
        ):
            todo.append(text.rfind("\n", 0, start - 1) + 1)
        if end < len(text) and any(
            start <= b <= end and _LINE_TAIL.fullmatch(text, b, end) for _, b in spans
        ):
            todo.append(end + 1)
    lines = sorted(per_line)
    return [[m for line in lines for m in per_line[line][i]] for i in range(len(_WEAK))]


def _parts(text: str, digits: list[tuple[int, int]] | None = None) -> list[_Part]:
    parts: list[_Part] = []
    # (called with one argument when it can be: the tests put the plain version in its place)
    candidates = _candidate_lines(text) if digits is None else _candidate_lines(text, digits)
    lines = [(start, end, _gates_in(text, start, end)) for start, end in candidates]
    numbers: dict[int, list[int]] = {}  # stretch start -> its numbers' first digits
    for index, (label, pattern) in enumerate(_STRONG):
        for start, end, gates in lines:
            if index not in gates:
                continue  # no match of `pattern` lies within this stretch
            if index in _HOUSE_FIRST:
                if start not in numbers:
                    numbers[start] = [m.start() for m in _NUMBER_START.finditer(text, start, end)]
                found = finditer_at(pattern, text, numbers[start], end)
            else:
                found = pattern.finditer(text, start, end)
            for m in found:
                if label == "au" and m.group("state") in _TOWN_REQUIRED and not m.group("town"):
                    continue
                parts.append(_Part(m.start(), m.end(), label, True))
    strong = list(parts)
    if not strong:
        return parts  # weak parts alone make no address
    blocked = _blocked_by(strong)
    for (label, _, leads), matches in zip(_WEAK, _weak_matches(text, strong), strict=True):
        for m in matches:
            # A weak part must not run on past a strong one it overlaps ("NY 10030 United"),
            # and one inside a strong part adds nothing.
            if not blocked(m.start(), m.end()):
                parts.append(_Part(m.start(), m.end(), label, False, leads))
    parts.sort(key=lambda p: (p.start, -p.end))
    return parts


def _blocked_by(strong: list[_Part]) -> Callable[[int, int], bool]:
    """Whether a weak match [a, b) overlaps a strong part p that starts at or before it
    (p.start <= a) or ends inside it (p.end < b): for every weak match, without going through
    every strong part (a text with thousands of addresses on one line had millions of pairs).

    Those are the parts with p.start <= min(a, b - 1) and p.end > a, found from the largest end
    among the parts that start early enough, and the parts with a < p.end < b, found among the
    sorted ends.
    """
    by_start = sorted(strong, key=lambda p: p.start)
    starts = [p.start for p in by_start]
    reach = list(itertools.accumulate((p.end for p in by_start), max))
    ends = sorted(p.end for p in strong)

    def blocked(a: int, b: int) -> bool:
        k = bisect.bisect_right(starts, min(a, b - 1))
        if k and reach[k - 1] > a:
            return True
        i = bisect.bisect_right(ends, a)
        return i < len(ends) and ends[i] < b

    return blocked


def find_postal(text: str, digits: list[tuple[int, int]] | None = None) -> list[ValueMatch]:
    """Every postal address or address part in `text` (see the module doc), sorted, no overlaps.
    `digits`: `digit_lines(text)`, if the caller knows it (a scan of the text is spared)."""
    groups: list[list[_Part]] = []
    for part in _parts(text) if digits is None else _parts(text, digits):
        if groups:
            end = max(p.end for p in groups[-1])
            joins = part.start <= end or _SEPARATOR.fullmatch(text, end, part.start) is not None
            if joins and (part.leads or any(p.strong for p in groups[-1])):
                groups[-1].append(part)
                continue
        if part.leads:
            groups.append([part])
    found: list[ValueMatch] = []
    for group in groups:
        if not any(p.strong for p in group):
            continue
        start, end = group[0].start, max(p.end for p in group)
        labels = list(dict.fromkeys(p.label for p in group))
        value = " ".join(text[start:end].split())
        found.append(ValueMatch(start, end, value, "postal", "+".join(labels)))
    return found
