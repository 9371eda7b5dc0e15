"""Types shared by the rule primitives: hits, compile errors and the per-document scan."""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

import re2

from auditor.document.model import Document, Sentence

_UNANCHORED = re2._Anchor.UNANCHORED
_ANCHOR_START = re2._Anchor.ANCHOR_START
# RE2's `\b` looks at bytes: a word byte is an ASCII letter, digit or underscore.
_WORD_BYTE = bytes(
    int(chr(b).isascii() and (chr(b).isalnum() or chr(b) == "_")) for b in range(256)
)
# 1 for the first byte of a multi-byte UTF-8 sequence, 0 for ASCII and continuation bytes.
_LEAD_BYTE = bytes(int(b >= 0xC0) for b in range(256))
# The only characters besides ASCII letters that RE2's case-insensitive matching takes for an
# ASCII letter (long s and the Kelvin sign; tests/rules/test_folded_scan.py checks all code points).
_ASCII_FOLD_CHARS = ("\u017f", "\u212a")
_ASCII_FOLDS = tuple(char.encode() for char in _ASCII_FOLD_CHARS)
# Positions of two fields of `Sentence`, read by position (see `Scan.__init__`; a test checks
# them against `Sentence._fields`).
_TEXT: Final = 1
_START: Final = 2


class RuleCompileError(Exception):
    """A checklist value that cannot be compiled; `path` locates it in the checklist file."""

    def __init__(self, path: Sequence[str | int], message: str) -> None:
        super().__init__(message)
        self.path = tuple(path)
        self.message = message


@dataclass(frozen=True)
class Hit:
    """A sentence a rule matched, the spans (relative to the sentence) and values it found."""

    sentence: int
    spans: tuple[tuple[int, int], ...] = ()
    values: tuple[Any, ...] = ()


@dataclass
class Candidate:
    """A sentence a rule looked at closely but rejected, and why (for near misses, explain)."""

    sentence: int
    reason: str
    spans: tuple[tuple[int, int], ...] = ()


@dataclass
class RuleOutput:
    """What one rule produced on one document."""

    hits: list[Hit] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        return bool(self.hits)

    def sentences(self) -> set[int]:
        return {h.sentence for h in self.hits}


class Scan:
    """Per-document cache: each regex leaf runs once over the whole text, hits kept by sentence.

    The text is encoded to UTF-8 once and every leaf scans those bytes directly (the RE2 wrapper
    would encode the whole text again for every leaf). With a `LeafRegistry`, one RE2 set pass
    over each chunk of sentences first tells which leaves may match within a sentence; the
    others are not scanned at all, and a leaf that cannot match a line break (every leaf of a
    checklist) is scanned only in the chunks where it was found.

    A leaf given with a `folded` form (its pattern lowercased, compiled case-sensitively; see
    `expr.folded_source`) scans the ASCII-lowercased bytes with it instead: RE2 runs a
    case-sensitive pattern faster. The matches are the same: each atom of such a pattern matches
    a character in the case-insensitive form exactly when its folded form matches the character
    lowercased, as long as the text holds no character (long s, Kelvin sign) that RE2 folds to
    an ASCII letter; lowercasing keeps every byte offset.
    """

    def __init__(self, document: Document, leaves: LeafSet | None = None) -> None:
        self.document = document
        sentences = document.sentences
        # `Sentence` is a named tuple: its fields read by position are specialised bytecodes,
        # where a field read by name is a descriptor call and `end` a property (a Python call
        # per sentence, about a tenth of building the scan's own lists and sets).
        self._starts = [s[_START] for s in sentences]
        self._ends = [s[_START] + len(s[_TEXT]) for s in sentences]  # `Sentence.end`
        self._cache: dict[int, dict[int, list[tuple[int, int]]]] = {}
        # Leaves scanned over some sentences only: their hits, exact for the sentences in the set.
        self._partial: dict[int, tuple[dict[int, list[tuple[int, int]]], set[int]]] = {}
        self.extra: dict[Any, Any] = {}  # other per-document results, e.g. extracted values
        self._data = document.text.encode("utf-8")
        self._chars = _CharOffsets(document.text, self._data)
        # Keys of the leaves that may match somewhere (None: any may): the others have no hits.
        self.present: frozenset[int] | None = None
        self._byte_bounds: tuple[list[int], list[int]] | None = None
        self._matching: dict[Any, list[int]] = {}
        self._lowered: bytes | None = None
        # Looked for in the text, not its bytes: in a text of one-byte characters (ASCII or
        # Latin-1) `in` answers without reading it.
        long_s, kelvin = _ASCII_FOLD_CHARS
        self.can_fold = long_s not in document.text and kelvin not in document.text
        # Byte bounds of the chunks of sentences the presence pass ran on, and for each chunk
        # the keys of the leaves that may match within it (None: no chunks, see `_presence`).
        self._chunks: list[tuple[int, int]] | None = None
        self._chunk_present: list[frozenset[int]] = []
        if leaves is not None:
            self.present = self._presence(leaves)

    @property
    def starts(self) -> list[int]:
        """Start offset of each sentence in the document's text (shared: do not modify)."""
        return self._starts

    @property
    def ends(self) -> list[int]:
        """End offset (`Sentence.end`) of each sentence (shared: do not modify)."""
        return self._ends

    @property
    def ascii_data(self) -> bytes | None:
        """The text's bytes when it is all ASCII (a byte per character), else None."""
        return self._data if len(self._data) == len(self.document.text) else None

    def _presence(self, leaves: LeafSet) -> frozenset[int] | None:
        """Keys of the leaves that may match within a sentence, from the leaf sets run on
        chunks of whole sentences of about `_CHUNK_BYTES` each (each chunk's answer is kept for
        `leaf_hits`); on the whole text when it cannot be cut so.

        A match within a sentence is within its chunk, and the set finds it there: the bytes
        around a chunk are line breaks (or the text's ends), which `\\b` takes for non-word
        bytes as it does the ends of a text, and `^`, `$` only match more at a chunk's ends."""
        data = self._data
        starts, ends = self._sentence_bytes()
        n = len(starts)
        if n < 2 or len(data) < 2 * _CHUNK_BYTES or starts[0] != 0 or ends[-1] != len(data):
            return leaves.present(data)
        bounds: list[tuple[int, int]] = []
        bisect_left = bisect.bisect_left
        first = 0
        while True:
            after = bisect_left(starts, starts[first] + _CHUNK_BYTES, first + 1)
            end = ends[after - 1]
            if after < n and (starts[after] != end + 1 or data[end] != 10):
                return leaves.present(data)  # not sentences joined by line breaks
            bounds.append((starts[first], end))
            if after >= n:
                break
            first = after
        view = memoryview(data)
        chunk_present: list[frozenset[int]] = []
        for start, end in bounds:
            keys = leaves.present(view[start:end])
            if keys is None:
                return None
            chunk_present.append(keys)
        self._chunks, self._chunk_present = bounds, chunk_present
        return frozenset().union(*chunk_present)

    def _runs(self, key: int) -> list[tuple[int, int]]:
        """Byte bounds of the runs of consecutive chunks in which leaf `key` may match."""
        assert self._chunks is not None
        runs: list[tuple[int, int]] = []
        for (start, end), keys in zip(self._chunks, self._chunk_present, strict=True):
            if key in keys:
                if runs and runs[-1][1] + 1 == start:
                    runs[-1] = (runs[-1][0], end)
                else:
                    runs.append((start, end))
        return runs

    def leaf_hits(
        self,
        key: int,
        regex: Any,
        relaxed: Any = None,
        folded: tuple[Any, Any] | None = None,
        one_line: bool = False,
        only: Collection[int] | None = None,
    ) -> dict[int, list[tuple[int, int]]]:
        """Spans of `regex` per sentence index, relative to the sentence; computed once per key.

        `relaxed`, if given, is `regex` without its leading `\\b` (see `_byte_spans`); `folded`,
        the regex for lowercased text and its relaxed form (see the class docstring).
        `one_line`: no match of `regex` can hold a line break (a leaf compiled with RE2's
        never_nl, see `expr`); then only the chunks in which the presence pass found the leaf
        are scanned. The matches are the same: each chunk stands between line breaks, so no
        match runs from one chunk into the next and a chunk without a match is no match's
        start; a scan from a chunk's start finds what the scan from the text's start finds
        from there on.

        `only` (with `one_line`): the caller reads the hits of these sentences alone. Then only
        they are scanned (see `_scan_only`), and the answer holds every hit of those sentences
        but maybe not of others; a later call for other sentences, or for all, scans the rest."""
        found = self._cache.get(key)
        if found is not None:
            return found
        found = {}
        if self.present is None or key in self.present:
            data = self._data
            if folded is not None and self.can_fold:
                if self._lowered is None:
                    self._lowered = data.lower()
                data = self._lowered
                regex, relaxed = folded
            raw = getattr(regex, "_regexp", None)
            if raw is None:  # not a google-re2 pattern: character spans from its own finditer
                self._file(found, self._spans(regex), self._starts, self._ends)
            else:
                relaxed_raw = None if relaxed is None else relaxed._regexp
                if one_line and only is not None:
                    part = self._scan_only(key, raw, data, relaxed_raw, only)
                    if part is not None:
                        return part
                if one_line and self._chunks is not None:
                    spans: list[tuple[int, int]] = []
                    for start, end in self._runs(key):
                        spans += _byte_spans(raw, data, relaxed_raw, start, end)
                else:
                    spans = _byte_spans(raw, data, relaxed_raw)
                self._file(found, spans, *self._sentence_bytes())
        self._cache[key] = found
        return found

    def _scan_only(
        self, key: int, raw: Any, data: bytes, relaxed: Any, only: Collection[int]
    ) -> dict[int, list[tuple[int, int]]] | None:
        """`leaf_hits` of a one-line leaf for the sentences `only`: scans each run of
        consecutive such sentences not scanned yet, within the chunks where the leaf was found;
        None when a run does not stand between line breaks (or the text's ends), as sentences
        joined by "\\n" do: then the whole text must be scanned.

        A run between line breaks has the whole-text scan's matches in its sentences: no match
        holds a line break, so the whole scan reaches the run's start unchanged and no match
        leaves it; the search keeps the whole text as context, so `\\b`, `^` and `$` see what
        they see in the whole scan."""
        found, scanned = self._partial.get(key) or ({}, set())
        todo = sorted(only if not scanned else set(only) - scanned)
        if not todo:
            return found
        starts, ends = self._sentence_bytes()
        size = len(data)
        ranges: list[tuple[int, int]] = []
        first = last = todo[0]
        for i in todo[1:]:
            if i != last + 1:
                ranges.append((starts[first], ends[last]))
                first = i
            last = i
        ranges.append((starts[first], ends[last]))
        for start, end in ranges:
            if (start and data[start - 1] != 10) or (end < size and data[end] != 10):
                return None
        if self._chunks is not None:
            ranges = _overlaps(ranges, self._runs(key))
        spans: list[tuple[int, int]] = []
        for start, end in ranges:
            spans += _byte_spans(raw, data, relaxed, start, end)
        self._file(found, spans, starts, ends)
        scanned.update(todo)
        self._partial[key] = (found, scanned)
        return found

    def _file(
        self,
        found: dict[int, list[tuple[int, int]]],
        spans: Iterable[tuple[int, int]],
        starts: list[int],
        ends: list[int],
    ) -> None:
        """Files non-empty `spans` that stay within one sentence under that sentence, in
        characters relative to it; `starts` and `ends` are the sentences' bounds in the unit of
        the spans (bytes or characters)."""
        char_starts = self._starts
        char_ends = self._ends
        of = self._chars.of
        bisect_right = bisect.bisect_right
        for start, end in spans:
            if start == end:
                continue
            i = bisect_right(starts, start) - 1
            sentence_end = ends[i]
            if end > sentence_end:
                continue  # a match may not run across sentences
            offset = starts[i]
            char_offset = char_starts[i]
            if sentence_end - offset == char_ends[i] - char_offset:
                # As many bytes as characters (or character spans): offsets within it agree.
                span = (start - offset, end - offset)
            else:
                span = (of(start) - char_offset, of(end) - char_offset)
            hits = found.get(i)
            if hits is None:
                found[i] = [span]
            else:
                hits.append(span)

    def _spans(
        self, regex: Any, relaxed: Any = None, data: bytes | None = None
    ) -> Iterator[tuple[int, int]]:
        """Character spans of the non-overlapping matches of `regex` in the text, in order.

        Same matches as `regex.finditer(document.text)`, found on the UTF-8 bytes encoded once
        (or on `data`, bytes of the same length such as the lowercased ones).
        """
        raw = getattr(regex, "_regexp", None)
        if raw is None:  # not a google-re2 pattern: use its own finditer
            for m in regex.finditer(self.document.text):
                yield m.start(), m.end()
            return
        of = self._chars.of
        relaxed_raw = None if relaxed is None else relaxed._regexp
        for start, end in _byte_spans(raw, self._data if data is None else data, relaxed_raw):
            yield of(start), of(end)

    def sentences_matching(self, regex: Any) -> list[int]:
        """Indices of the sentences in which a match of `regex` starts, in order, once each.

        Same as taking `regex.finditer(document.text)` and filing each match start under its
        sentence, skipping matches that start before the end of the last sentence filed; found
        on the UTF-8 bytes with byte offsets, so no offset is converted back to characters.
        Computed once per regex and document.
        """
        found = self._matching.get(regex)
        if found is None:
            found = self._matching[regex] = self._first_matches(regex)
        return found

    def _first_matches(self, regex: Any) -> list[int]:
        raw = getattr(regex, "_regexp", None)
        if raw is None:  # not a google-re2 pattern: character offsets from its own finditer
            starts, ends = self._starts, self._ends
            spans = [m.span() for m in regex.finditer(self.document.text)]
        else:
            starts, ends = self._sentence_bytes()
            spans = _byte_spans(raw, self._data)
        return first_sentences([start for start, _ in spans], starts, ends)

    def _sentence_bytes(self) -> tuple[list[int], list[int]]:
        """UTF-8 byte offsets of the sentences' starts and ends (the character ones if ASCII)."""
        if self._byte_bounds is None:
            if len(self._data) == len(self.document.text):
                self._byte_bounds = (self._starts, self._ends)
            else:
                to_bytes = self._chars.to_bytes_all
                self._byte_bounds = (to_bytes(self._starts), to_bytes(self._ends))
        return self._byte_bounds


# Bytes of text per chunk of the presence pass (see `Scan._presence`): a leaf that cannot match a
# line break is then scanned only in the chunks where the leaf sets found it. Smaller chunks
# leave less to scan but cost more calls into the sets.
_CHUNK_BYTES = 2048

# Offsets where the relaxed pattern matches but `\\b` does not hold that one scan may meet
# before it goes back to the plain search: a pattern such as `\\b[a-z]` would otherwise cost a
# call into RE2 per character.
_MISSES = 16


def _overlaps(
    ranges: list[tuple[int, int]], others: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The non-empty overlaps of two sorted lists of disjoint ranges, in order."""
    out: list[tuple[int, int]] = []
    j, count = 0, len(others)
    for start, end in ranges:
        while j < count and others[j][1] <= start:
            j += 1
        k = j
        while k < count and others[k][0] < end:
            low, high = max(start, others[k][0]), min(end, others[k][1])
            if low < high:
                out.append((low, high))
            k += 1
    return out


def first_sentences(offsets: Iterable[int], starts: list[int], ends: list[int]) -> list[int]:
    """The sentences (bounds `starts`, `ends`) in which matches starting at `offsets`, in order,
    stand, once each, skipping a match that starts before the end of the last sentence filed
    (as `Scan.sentences_matching` files them)."""
    hit: list[int] = []
    current_end = -1
    for start in offsets:
        if start <= current_end:
            continue  # this sentence is already in
        i = bisect.bisect_right(starts, start) - 1
        hit.append(i)
        current_end = ends[i]
    return hit


def _byte_spans(
    raw: Any, data: bytes, relaxed: Any = None, pos: int = 0, endpos: int | None = None
) -> list[tuple[int, int]]:
    """Byte spans of the matches of a raw RE2 regexp in UTF-8 `data`, in the order and with the
    steps of its wrapper's finditer. `relaxed`: the same regexp without its leading `\\b`, if it
    has one, which finds the same matches sooner (see `_search`). `pos`, `endpos`: scan only
    `data[pos:endpos]`, the rest of `data` still seen by `\\b`."""
    if endpos is None:
        endpos = len(data)
    spans: list[tuple[int, int]] = []
    misses = 0 if relaxed is None else _MISSES
    match = raw.Match if relaxed is None else relaxed.Match
    while True:
        span: tuple[int, int] = match(_UNANCHORED, data, pos, endpos)[0]
        start = span[0]
        if misses > 0 and start != -1:
            # Where `\\b` holds, `relaxed` matched what `raw` would (see `_search`).
            before = start > 0 and _WORD_BYTE[data[start - 1]]
            after = start < len(data) and _WORD_BYTE[data[start]]
            if before == after:
                span, misses = _search(raw, relaxed, data, start, misses, endpos)
                if misses <= 0:
                    match = raw.Match
        if span[0] == -1:
            return spans
        spans.append(span)
        if pos == endpos:
            return spans
        if span[1] == pos:  # empty match: step over one character, as finditer does
            pos += 1
            while pos < endpos and data[pos] & 0xC0 == 0x80:
                pos += 1
        else:
            pos = span[1]


def _search(
    raw: Any, relaxed: Any, data: bytes, start: int, misses: int, endpos: int
) -> tuple[tuple[int, int], int]:
    """What `raw.Match(_UNANCHORED, data, pos, endpos)[0]` gives, where `relaxed` is `raw`
    without its leading `\\b` and its first match from `pos` starts at `start`, where `\\b`
    does not hold; and how many of the `misses` allowed are left.

    RE2 skips through text to a pattern's leading literal many times faster than it runs a
    pattern that opens with `\\b`. Wherever `raw` matches, `relaxed` matches too (it asks less),
    so no match of `raw` starts before the first match of `relaxed`; where `\\b` holds, the two
    match alike (the same span, the same alternative preferred); elsewhere `raw` is asked
    anchored at that offset, and on a miss the search goes on one character further, or, with
    no misses left, is left to `raw` itself.
    """
    while True:
        span: tuple[int, int] = raw.Match(_ANCHOR_START, data, start, endpos)[0]
        if span[0] != -1 or start == endpos:
            return span, misses
        pos = start + 1
        while pos < endpos and data[pos] & 0xC0 == 0x80:
            pos += 1
        misses -= 1
        if misses <= 0:
            return raw.Match(_UNANCHORED, data, pos, endpos)[0], misses
        span = relaxed.Match(_UNANCHORED, data, pos, endpos)[0]
        start = span[0]
        if start == -1:
            return span, misses
        before = start > 0 and _WORD_BYTE[data[start - 1]]
        after = start < len(data) and _WORD_BYTE[data[start]]
        if before != after:
            return span, misses


class LeafSet(Protocol):
    """What Scan needs from a checklist's leaves: which of them match somewhere in a text."""

    def present(self, data: bytes | memoryview) -> frozenset[int] | None: ...


class _CharOffsets:
    """Maps UTF-8 byte offsets of a text to character offsets (identity for ASCII text)."""

    __slots__ = ("_chars", "_ends", "_extra")

    def __init__(self, text: str, data: bytes) -> None:
        self._chars: list[int] = []  # character offset of each non-ASCII character
        self._ends: list[int] = []  # byte offset just past each non-ASCII character
        self._extra: list[int] = []  # extra bytes of the non-ASCII characters up to that one
        if len(data) == len(text):
            return
        # The lead bytes of the non-ASCII characters, found with memchr on a marked copy of
        # the bytes: a regex over the text tests every character (0.3 M instructions a page).
        marks = data.translate(_LEAD_BYTE)
        extra = 0
        at = marks.find(1)
        while at != -1:
            lead = data[at]
            size = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
            self._chars.append(at - extra)
            self._ends.append(at + size)
            extra += size - 1
            self._extra.append(extra)
            at = marks.find(1, at + size)

    def of(self, byte_offset: int) -> int:
        """Character offset of a byte offset that falls on a character boundary."""
        if not self._ends:
            return byte_offset
        i = bisect.bisect_right(self._ends, byte_offset)
        return byte_offset - (self._extra[i - 1] if i else 0)

    def to_bytes(self, char_offset: int) -> int:
        """Byte offset of a character offset (the inverse of `of`)."""
        if not self._chars:
            return char_offset
        i = bisect.bisect_left(self._chars, char_offset)  # non-ASCII characters before it
        return char_offset + (self._extra[i - 1] if i else 0)

    def to_bytes_all(self, char_offsets: list[int]) -> list[int]:
        """`to_bytes` of each offset (without a call per offset)."""
        chars = self._chars
        if not chars:
            return list(char_offsets)
        extra = [0, *self._extra]  # extra bytes before the i-th non-ASCII character
        bisect_left = bisect.bisect_left
        return [c + extra[bisect_left(chars, c)] for c in char_offsets]


class Primitive(Protocol):
    """A compiled rule primitive: evaluate it on a document within the allowed sentences."""

    def evaluate(self, scan: Scan, allowed: set[int] | None) -> Iterator[Hit | Candidate]: ...

    def describe(self) -> str: ...


def sentences_of(scan: Scan, allowed: set[int] | None) -> Iterator[Sentence]:
    """The document's sentences, limited to `allowed` when given."""
    sentences = scan.document.sentences
    if allowed is None:
        yield from sentences
    else:
        for i in sorted(allowed):
            yield sentences[i]
