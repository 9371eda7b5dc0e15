"""`extract`: find values (date, email, phone, postal, url, age, link) with their sentences.

Options: `extractor`; `near` and `distance` (the value must stand within `distance` words of a
match of `near` in the same sentence: "a date near 'last updated'"); `alone` (the sentence holds
the value and at most a few label words: a date line under the title). Per extractor:
`day_first` (date: true, false or auto: decided from the site's country and unambiguous dates),
`allow_year` (date), `region` (phone: an ISO country code, or `auto` for the country of the
site's domain, "US" for .com and other generic domains), `target` / `text` (link: the link
target or the link text must match; either, when both are given). E-mail addresses and URLs are
also read from link targets, phone numbers from `tel:` link targets.

    - id: updated-date
      kind: extract
      extractor: date
      near: {any: ["last updated", revised, effective]}
      distance: 6

Passes on "Last updated: June 5, 2002" (value 2002-06-05); fails on "We will revise the
'last updated' date at the top of this page."
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import phonenumbers
import re2

from auditor.document.blocks import Link
from auditor.document.model import Document
from auditor.extract import ages, dates, phones, postal, urls
from auditor.extract.ages import find_ages
from auditor.extract.base import Regex, ValueMatch
from auditor.extract.dates import find_dates
from auditor.extract.emails import find_emails
from auditor.extract.phones import find_phones
from auditor.extract.postal import find_postal
from auditor.extract.urls import find_urls
from auditor.rules.base import Candidate, Hit, Scan, first_sentences
from auditor.rules.expr import Expr, sentence_hits, test_string
from auditor.rules.near import word_index, word_starts

# Countries whose sites write numeric dates day/month/year (CHECKS.md: "clearly non-US").
_DAY_FIRST_TLDS = {
    "uk",
    "au",
    "nz",
    "ie",
    "in",
    "sg",
    "za",
    "hk",
    "my",
    "pk",
    "ng",
    "ke",
    "fr",
    "de",
    "es",
    "it",
    "nl",
    "be",
    "pt",
    "br",
    "ar",
    "cl",
    "co",
    "pe",
    "mx",
    "ru",
    "pl",
    "se",
    "no",
    "dk",
    "fi",
    "at",
    "ch",
    "gr",
    "tr",
    "il",
    "ae",
    "sa",
    "eg",
    "id",
    "vn",
    "th",
    "ph",
    "lk",
    "bd",
    "np",
    "eu",
    "cz",
    "hu",
    "ro",
    "ua",
    "by",
    "is",
    "lu",
    "mt",
    "cy",
}
_LABEL_WORDS = 4  # words besides the value that an `alone` sentence may hold
# A numeric date whose first number is over 12 settles day-first for the whole document:
# `\b(?:1[3-9]|2\d|3[01])[./-](?:0?[1-9]|1[0-2])[./-](?:\d{4}|\d{2})\b`, its opening `\b`
# checked by a look-behind after the first digit (which is a word character), so that the
# pattern opens with literals and `re` tries it only at a 1, 2 or 3, not at every character.
_DAY_FIRST_DATE = re.compile(
    r"(?:1(?<!\w1)[3-9]|2(?<!\w2)\d|3(?<!\w3)[01])[./-](?:0?[1-9]|1[0-2])[./-](?:\d{4}|\d{2})\b"
)


def guess_day_first(document: Document, scan: Scan | None = None) -> bool:
    """Whether numeric dates in this document are day/month/year (`scan`: of this document)."""
    site = document.metadata.get("site", "")
    tld = site.rsplit(".", 1)[-1].lower() if "." in site else ""
    if tld in _DAY_FIRST_TLDS:
        return True
    if scan is None:
        return bool(_DAY_FIRST_DATE.search(document.text))
    # Such a date holds no line break and starts with an ASCII digit, so it stands within one
    # sentence holding a digit; at a sentence's edges `\b` sees the same as in the whole text
    # (a line break or the end). The phone prefilter lists those sentences for every document.
    sentences = document.sentences
    return any(_DAY_FIRST_DATE.search(sentences[i].text) for i in _prefiltered(scan, "phone"))


def guess_region(document: Document) -> str:
    """The phone region of a document: its site's country-code domain, else US."""
    site = document.metadata.get("site", "")
    tld = site.rsplit(".", 1)[-1].upper() if "." in site else ""
    tld = {"UK": "GB"}.get(tld, tld)
    return tld if len(tld) == 2 and tld in phonenumbers.SUPPORTED_REGIONS else "US"


@dataclass
class Extract:
    """Compiled `extract` rule."""

    extractor: str
    near: Expr | None = None
    distance: int = 8
    alone: bool = False
    day_first: bool | None = None  # None: auto
    allow_year: bool = False
    region: str = "US"
    target: Expr | None = None
    text: Expr | None = None

    def _find(self, scan: Scan) -> Callable[[str], list[ValueMatch]]:
        """The extractor with this rule's options for the scanned document (it holds the
        scan: keep it no longer than the call that asks for it, see `_Values`)."""
        if self.extractor == "date":
            # Guessed only if a numeric date needs it: most documents hold none.
            day_first: bool | Callable[[], bool] = (
                functools.partial(_day_first, scan) if self.day_first is None else self.day_first
            )
            return lambda s: find_dates(s, day_first=day_first, allow_year=self.allow_year)
        if self.extractor == "phone":
            region = guess_region(scan.document) if self.region == "auto" else self.region
            return lambda s: find_phones(s, region=region)
        simple: dict[str, Callable[[str], list[ValueMatch]]] = {
            "email": find_emails,
            "postal": find_postal,
            "url": find_urls,
            "age": find_ages,
        }
        return simple[self.extractor]

    def _link_values(
        self, scan: Scan, index: int, link_ok: dict[tuple[str, str], bool], with_url: set[int]
    ) -> list[ValueMatch]:
        """The links of one sentence that this link rule accepts, then its accepted URLs
        (`with_url`: the sentences that may hold a URL)."""
        sentence = scan.document.sentences[index]
        found = []
        for link in sentence.links:
            target, text = link.target, sentence.text[link.start : link.end]
            ok = link_ok.get((target, text))
            if ok is None:
                ok = link_ok[target, text] = self._link_ok(target, text)
            if ok:
                found.append(ValueMatch(link.start, link.end, link.target, "link"))
        if self.target is not None and index in with_url:
            for url in find_urls(sentence.text):
                if test_string(self.target, str(url.value)):
                    found.append(url)
        return found

    def _link_ok(self, target: str, text: str) -> bool:
        if self.target is not None and test_string(self.target, target):
            return True
        return self.text is not None and test_string(self.text, text)

    def evaluate(self, scan: Scan, allowed: set[int] | None) -> Iterator[Hit | Candidate]:
        values = _cached(scan, self).covering(scan, allowed)
        near_hits = sentence_hits(self.near, scan) if self.near is not None else {}
        if self.near is not None:
            # A sentence with the trigger but no value is what a reviewer wants to see on a
            # FAIL ("we will revise the 'last updated' date" gives no date).
            for i in sorted(set(near_hits) - set(values)):
                if allowed is not None and i not in allowed:
                    continue
                ok, near_spans = self.near.test(near_hits[i])
                if ok:
                    yield Candidate(
                        i,
                        f"trigger words but no {self.extractor} in the sentence",
                        tuple(sorted(set(near_spans))),
                    )
        for i in sorted(values):
            if allowed is not None and i not in allowed:
                continue
            found = values[i]
            text = scan.document.sentences[i].text
            if self.near is not None:
                ok, near_spans = self.near.test(near_hits.get(i, {}))
                if not ok:
                    yield Candidate(
                        i,
                        f"{self.extractor} without trigger words in the sentence",
                        tuple((v.start, v.end) for v in found),
                    )
                    continue
                kept = _within(text, found, near_spans, self.distance)
                if not kept:
                    yield Candidate(
                        i,
                        f"{self.extractor} more than {self.distance} words from the trigger words",
                        tuple((v.start, v.end) for v in found),
                    )
                    continue
                found = kept
                spans = tuple(sorted({(v.start, v.end) for v in found} | set(near_spans)))
            else:
                spans = tuple(sorted({(v.start, v.end) for v in found}))
            if self.alone and not _alone(text, found):
                yield Candidate(i, f"{self.extractor} is not alone on its line", spans)
                continue
            yield Hit(i, spans, tuple(v.value for v in found))

    def describe(self) -> str:
        out = self.extractor
        if self.near is not None:
            out += f" within {self.distance} words of {self.near.describe()}"
        if self.alone:
            out += " standing alone"
        return out


def _linear(pattern: Regex, one_line: bool) -> Any:
    """The same candidate pattern on RE2: one fast pass, however many alternatives it has.

    A pattern that never spans a line break is run on to the end of its line: one match per
    line instead of one per digit saves RE2's costly per-match work in Python, and the
    sentences found are the same, since a line never holds a sentence break.
    """
    options = re2.Options()
    options.case_sensitive = not pattern.flags & re.IGNORECASE
    return re2.compile(f"(?:{pattern.pattern})[^\\n]*" if one_line else pattern.pattern, options)


# Extractor -> (a pattern every value must contain, sentences of context to keep around a
# sentence holding it). Context covers what a value's own patterns look at beyond the sentence:
# look-behinds into the previous line, and an address block whose parts span several lines.
# The age pattern can span a line break ("twenty\none"); the others never do.
_PREFILTERS: dict[str, tuple[Any, int]] = {
    name: (_linear(pattern, one_line), context)
    for name, pattern, context, one_line in (
        ("date", dates.CANDIDATE, 1, True),
        ("age", ages.CANDIDATE, 1, False),
        ("phone", phones.CANDIDATE, 1, True),
        ("postal", postal.CANDIDATE, 6, True),
        ("url", urls.CANDIDATE, 0, True),
    )
}
_URL_CANDIDATE = _PREFILTERS["url"][0]
_DIGIT_LINE = _PREFILTERS["phone"][0]  # an ASCII digit, run on to the end of its line


def _mark_table() -> bytes:
    """`_Marks`' translation of a text's bytes: an ASCII digit to "0", an ASCII letter to its
    lower case; line breaks, ":", "/" and "." stay; any other byte becomes "#"."""
    table = bytearray(b"#" * 256)
    for byte in b"\n:/.abcdefghijklmnopqrstuvwxyz":
        table[byte] = byte
    for byte in b"ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[byte] = byte + 32
    table[ord("0") : ord("9") + 1] = b"0" * 10
    return bytes(table)


_MARKS = _mark_table()
_WORD_BYTES = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")


class _Marks:
    """The sentences the line prefilters (date, phone, postal, url) pick in one document, found
    with `bytes.find` in one translation of its text (`_MARKS`) instead of one RE2 pass each.

    Each of those patterns runs on to the end of its line, so `Scan.sentences_matching` files,
    per line, the sentence where the line's first match starts; that match is found here by a
    search for its literal part ("0" for a digit, "00" for two, "http" in the lowercased marks)
    and filed the same way. The text is encoded to Latin-1, any other character as "?": one
    byte per character, so byte offsets are character offsets, and every character these
    patterns read is ASCII, which the encoding keeps (`\\b` in RE2 reads only ASCII letters,
    digits and "_" as word characters).
    """

    def __init__(self, scan: Scan) -> None:
        document = scan.document
        self._text = document.text
        # An ASCII text's UTF-8 bytes, which the scan holds, are its Latin-1 bytes.
        ascii_data = scan.ascii_data
        self._bytes = (
            ascii_data if ascii_data is not None else document.text.encode("latin-1", "replace")
        )
        self._marks = self._bytes.translate(_MARKS)
        self._starts = scan.starts
        self._ends = scan.ends
        # (first digit, end) of each line that holds a digit
        self._digit_lines: list[tuple[int, int]] = []
        find = self._marks.find
        at = find(b"0")
        while at >= 0:
            end = find(b"\n", at)
            if end < 0:
                self._digit_lines.append((at, len(self._marks)))
                break
            self._digit_lines.append((at, end))
            at = find(b"0", end)

        self._firsts = [at for at, _ in self._digit_lines]

    def digit(self) -> list[int]:
        """Sentences of `phones.CANDIDATE` run to the line end: an ASCII digit."""
        return self._sentences(self._firsts)

    def digit_lines(self, start: int, end: int) -> list[tuple[int, int]] | None:
        """`postal.digit_lines(text[start:end])`, read from the document's lines, or None when
        the stretch does not start and end at a line's edges."""
        text = self._text
        if (start and text[start - 1] != "\n") or (end < len(text) and text[end] != "\n"):
            return None
        lines = self._digit_lines[
            bisect.bisect_left(self._firsts, start) : bisect.bisect_left(self._firsts, end)
        ]
        rfind = text.rfind
        return [(rfind("\n", 0, at) + 1 - start, line_end + 1 - start) for at, line_end in lines]

    def date(self) -> list[int]:
        """Sentences of `dates.CANDIDATE` run to the line end: two ASCII digits in a row, which
        stand on a line with a digit, from its first one."""
        find = self._marks.find
        found = [find(b"00", at, end) for at, end in self._digit_lines]
        return self._sentences([at for at in found if at >= 0])

    def postal(self) -> list[int]:
        """Sentences of `postal.CANDIDATE` run to the line end: a digit or `\\bCo\\.?[ \\t]`."""
        data = self._bytes
        found = list(self._firsts)
        find = data.find
        at = find(b"Co")
        while at >= 0:
            if not (at and data[at - 1] in _WORD_BYTES):
                after = at + 3 if data[at + 2 : at + 3] == b"." else at + 2
                if data[after : after + 1] in (b" ", b"\t"):
                    found.append(at)
            at = find(b"Co", at + 2)
        return self._sentences(self._first_per_line(sorted(found)))

    def url(self, scan: Scan) -> list[int]:
        """Sentences of `urls.CANDIDATE` run to the line end: "http://", "https://" or "www."
        in any case."""
        if "\u017f" in self._text:  # a long s, which RE2 reads as an "s" in any case
            return scan.sentences_matching(_URL_CANDIDATE)
        marks = self._marks
        found = []
        find = marks.find
        at = find(b"http")
        while at >= 0:
            if marks.startswith(b"://", at + 4) or marks.startswith(b"s://", at + 4):
                found.append(at)
            at = find(b"http", at + 4)
        at = find(b"www.")
        while at >= 0:
            found.append(at)
            at = find(b"www.", at + 4)
        return self._sentences(self._first_per_line(sorted(found)))

    def _first_per_line(self, offsets: list[int]) -> list[int]:
        """The first of the ascending `offsets` on each line."""
        found = []
        line_end = -1
        find = self._marks.find
        for at in offsets:
            if at > line_end:
                found.append(at)
                line_end = find(b"\n", at)
                if line_end < 0:
                    line_end = len(self._marks)
        return found

    def _sentences(self, offsets: list[int]) -> list[int]:
        """`Scan.sentences_matching` of a pattern whose matches start at `offsets` and run on to
        the end of their line."""
        return first_sentences(offsets, self._starts, self._ends)


def _marks(scan: Scan) -> _Marks:
    """The scanned document's `_Marks`, made once for all its rules."""
    found: _Marks | None = scan.extra.get("extract:marks")
    if found is None:
        found = scan.extra["extract:marks"] = _Marks(scan)
    return found


def _prefiltered(scan: Scan, extractor: str) -> list[int]:
    """`scan.sentences_matching` of the extractor's prefilter, in order, once each."""
    if extractor == "age":
        return scan.sentences_matching(_PREFILTERS["age"][0])
    key = ("extract:prefiltered", extractor)
    found: list[int] | None = scan.extra.get(key)
    if found is None:
        marks = _marks(scan)
        if extractor == "url":
            found = marks.url(scan)
        else:
            found = {"date": marks.date, "phone": marks.digit, "postal": marks.postal}[extractor]()
        scan.extra[key] = found
    return found


def _runs(scan: Scan, extractor: str) -> list[tuple[int, int]]:
    """(first, last) sentences of each stretch of text that can hold a value, in order; one
    stretch of every sentence for an extractor without a prefilter."""
    sentences = scan.document.sentences
    prefilter = _PREFILTERS.get(extractor)
    if prefilter is None:
        return [(0, len(sentences) - 1)] if sentences else []
    context = prefilter[1]
    final = len(sentences) - 1
    runs: list[tuple[int, int]] = []
    # The sentences come in ascending order, so each run's last sentence only grows. (Bounds
    # are kept by comparisons, not min() and max(): a call to either is a few hundred
    # instructions, most of this loop.)
    for i in _prefiltered(scan, extractor):
        first = i - context if i > context else 0
        last = i + context if i + context < final else final
        if runs and first <= runs[-1][1] + 1:
            if last > runs[-1][1]:
                runs[-1] = (runs[-1][0], last)
        else:
            runs.append((first, last))
    return runs


def _run_values(
    scan: Scan, extractor: str, find: Callable[[str], list[ValueMatch]], first: int, last: int
) -> list[ValueMatch]:
    """`find` over the stretch from sentence `first` to `last`, offsets in the text (the whole
    text for an extractor without a prefilter)."""
    text = scan.document.text
    if extractor not in _PREFILTERS:
        return find(text)
    offset, end = scan.starts[first], scan.ends[last]
    if find is find_postal:  # its digit lines are known: spare it a scan of the stretch
        found = find_postal(text[offset:end], _marks(scan).digit_lines(offset, end))
    else:
        found = find(text[offset:end])
    return [
        ValueMatch(value.start + offset, value.end + offset, value.value, value.kind, value.label)
        for value in found
    ]


def _scan_candidates(
    document: Document | Scan, extractor: str, find: Callable[[str], list[ValueMatch]]
) -> Iterator[ValueMatch]:
    """Run `find` only over the stretches of text that can hold a value; offsets in the text.
    (`_Values` does the same stretch by stretch, as rules ask; this whole-document form is the
    reference its tests compare with.)

    The extractors' patterns are elaborate and run in Python's regex engine; most sentences of
    a policy hold no digit at all, so skipping them is most of the work saved, and the values
    are the same as over the whole text.
    """
    scan = document if isinstance(document, Scan) else Scan(document)
    for first, last in _runs(scan, extractor):
        yield from _run_values(scan, extractor, find, first, last)


class _Values:
    """One extract rule's values in one document by sentence, worked out as rules ask for them.

    A rule limited to some sentences (`within`: the age near a sentence about children) needs
    only the stretches of text holding them; a rule of the same extractor with no limit later
    completes the rest. Each stretch's values depend on its text alone, so the values of a
    sentence are those the whole run would give it.

    It is kept in `scan.extra` and is handed the scan on each call rather than keeping it: a
    reference back to the scan would make a cycle, and every document's scan, text and
    sentences would then wait for the cyclic garbage collector instead of being freed at once.
    """

    def __init__(self, rule: Extract, scan: Scan) -> None:
        self.rule = rule
        self.out: dict[int, list[ValueMatch]] = {}
        self._link_ok: dict[tuple[str, str], bool] = {}  # a site repeats its links
        if rule.extractor == "link":
            # Only a sentence with a link, or with a URL in its text, can hold a value.
            self._with_url = set(_prefiltered(scan, "url"))
            self._todo: set[int] = {i for i, _ in _links(scan)}
            if rule.target is not None:
                self._todo |= self._with_url
            return
        self._starts = scan.starts
        self._runs = _runs(scan, rule.extractor)
        self._firsts = [first for first, _ in self._runs]
        self._pending = set(range(len(self._runs)))
        # A value may stand only in a link target: [write to us](mailto:privacy@x.com),
        # [call](tel:800-349-2173). It comes after the sentence's values from the text.
        self._in_links: dict[int, list[ValueMatch]] = {}
        if rule.extractor in ("email", "url", "phone"):
            find = rule._find(scan)
            for i, link in _links(scan):
                if rule.extractor == "phone" and not link.target.lower().startswith("tel:"):
                    continue  # digits in a web address are no phone number
                for value in find(link.target):
                    self._in_links.setdefault(i, []).append(
                        ValueMatch(link.start, link.end, value.value, value.kind, "link")
                    )
        for i, found in self._in_links.items():
            if self._run_of(i) is None:
                self.out[i] = found

    def _run_of(self, sentence: int) -> int | None:
        """Index of the run holding a sentence, if one does."""
        r = bisect.bisect_right(self._firsts, sentence) - 1
        return r if r >= 0 and sentence <= self._runs[r][1] else None

    def covering(self, scan: Scan, allowed: set[int] | None) -> dict[int, list[ValueMatch]]:
        """Values by sentence, complete for every sentence in `allowed` (None: all of them);
        `scan` is the scan this was made for."""
        if self.rule.extractor == "link":
            todo = self._todo if allowed is None else self._todo & allowed
            for i in sorted(todo):
                found = self.rule._link_values(scan, i, self._link_ok, self._with_url)
                if found:
                    self.out[i] = found
            self._todo -= todo
            return self.out
        if not self._pending:
            return self.out
        if allowed is None:
            wanted = sorted(self._pending)
        else:
            runs = {r for i in allowed if (r := self._run_of(i)) is not None}
            wanted = sorted(runs & self._pending)
        if wanted:
            find = self.rule._find(scan)  # not kept: it may hold the scan (a cycle)
            for r in wanted:
                self._read(scan, find, *self._runs[r])
                self._pending.discard(r)
        return self.out

    def _read(
        self, scan: Scan, find: Callable[[str], list[ValueMatch]], first: int, last: int
    ) -> None:
        """File the values of one run under their sentences, each with its link values after."""
        starts, ends = self._starts, scan.ends
        by_sentence: dict[int, list[ValueMatch]] = {}
        for value in _run_values(scan, self.rule.extractor, find, first, last):
            i = bisect.bisect_right(starts, value.start) - 1
            # A value may run on into the next line (an address block): it belongs to the
            # sentence it starts in, its span cut at that sentence's end.
            end = value.end if value.end < ends[i] else ends[i]
            by_sentence.setdefault(i, []).append(
                ValueMatch(
                    value.start - starts[i],
                    end - starts[i],
                    value.value,
                    value.kind,
                    value.label,
                )
            )
        for i, found in self._in_links.items():
            if first <= i <= last:
                by_sentence[i] = by_sentence.get(i, []) + found
        self.out.update(by_sentence)


def _within(
    text: str, found: list[ValueMatch], near_spans: list[tuple[int, int]], distance: int
) -> list[ValueMatch]:
    """The values at most `distance` words from some trigger span (`words_between`).

    A value spanning words [first, last] is that close to a trigger [a, b] when
    a <= last + distance + 1 and b >= first - distance - 1. With the triggers sorted by a and
    the largest b of each prefix kept, one bisect per value answers it: a sentence with
    thousands of dates and triggers no longer pairs every value with every trigger.
    """
    starts = word_starts(text)
    near_words = sorted((word_index(starts, a), word_index(starts, b - 1)) for a, b in near_spans)
    firsts = [a for a, _ in near_words]
    reach = list(itertools.accumulate((b for _, b in near_words), max))
    kept = []
    for v in found:
        first, last = word_index(starts, v.start), word_index(starts, v.end - 1)
        k = bisect.bisect_right(firsts, last + distance + 1)
        if k and reach[k - 1] >= first - distance - 1:
            kept.append(v)
    return kept


def _links(scan: Scan) -> list[tuple[int, Link]]:
    """(sentence index, link) of every link of the scanned document, in order; listed once."""
    found: list[tuple[int, Link]] | None = scan.extra.get("extract:links")
    if found is None:
        found = scan.extra["extract:links"] = [
            (s.index, link) for s in scan.document.sentences if s.links for link in s.links
        ]
    return found


def _day_first(scan: Scan) -> bool:
    """`guess_day_first` of the scanned document, decided once for all its date rules."""
    found: bool | None = scan.extra.get("day_first")
    if found is None:
        found = scan.extra["day_first"] = guess_day_first(scan.document, scan)
    return found


def _alone(text: str, values: list[ValueMatch]) -> bool:
    """Whether at most _LABEL_WORDS words are left once each value is cut out (a space stands
    where it was)."""
    ordered = sorted(values, key=lambda v: v.start)
    if all(v.start < v.end for v in ordered) and all(
        a.end <= b.start for a, b in itertools.pairwise(ordered)
    ):
        # Values apart from each other (the usual case): the pieces between them, in one pass
        # (cutting them out one at a time copied the text once per value).
        pieces, at = [], 0
        for v in ordered:
            pieces.append(text[at : v.start])
            at = v.end
        pieces.append(text[at:])
        rest = " ".join(pieces)
    else:  # overlapping values (a link's and its text's): cut one after the other, as ever
        rest = text
        for v in sorted(values, key=lambda v: -v.start):
            rest = rest[: v.start] + " " + rest[v.end :]
    return len(re.findall(r"\w+", rest)) <= _LABEL_WORDS


def _cached(scan: Scan, rule: Extract) -> _Values:
    key: Any = (
        "extract",
        rule.extractor,
        rule.day_first,
        rule.allow_year,
        rule.region,
        id(rule.target),
        id(rule.text),
    )
    found: _Values | None = scan.extra.get(key)
    if found is None:
        found = scan.extra[key] = _Values(rule, scan)
    return found
