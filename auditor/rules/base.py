"""Types shared by the rule primitives: hits, compile errors and the per-document scan."""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from auditor.document.model import Document, Sentence


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
    """Per-document cache: each regex leaf runs once over the whole text, hits kept by sentence."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self._starts = [s.start for s in document.sentences]
        self._cache: dict[int, dict[int, list[tuple[int, int]]]] = {}
        self.extra: dict[Any, Any] = {}  # other per-document results, e.g. extracted values

    def leaf_hits(self, key: int, regex: Any) -> dict[int, list[tuple[int, int]]]:
        """Spans of `regex` per sentence index, relative to the sentence; computed once per key."""
        found = self._cache.get(key)
        if found is not None:
            return found
        found = {}
        sentences = self.document.sentences
        starts = self._starts
        for m in regex.finditer(self.document.text):
            start, end = m.start(), m.end()
            if start == end:
                continue
            i = bisect.bisect_right(starts, start) - 1
            sentence = sentences[i]
            if end > sentence.start + len(sentence.text):
                continue  # a match may not run across sentences
            found.setdefault(i, []).append((start - sentence.start, end - sentence.start))
        self._cache[key] = found
        return found


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
