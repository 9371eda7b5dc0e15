"""Scope shared by every rule: `within` other rules' sentences, `in_section`, `position`, `unless`.

    - id: age
      kind: extract
      extractor: age
      within: children          # only sentences the rule `children` matched
      window: 1                 # ... and the sentence after each of them
      in_section: {any: [children, minors]}   # only under such a heading
      position: {first: 5}      # only the first five sentences
      unless: "child company"   # never a sentence that says this

The engine applies these around every primitive, so a primitive only decides on one sentence.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Collection, Iterable
from typing import Any

from auditor.document.model import Document
from auditor.rules.base import Scan
from auditor.rules.expr import Expr, sentence_hits, test_string, union_hits

# CPython's own regex parser, used only to inspect a pattern's structure (re._parser from 3.11,
# sre_parse before; importing sre_parse on 3.11+ warns).
_sre_parse: Any = importlib.import_module(
    "re._parser" if sys.version_info >= (3, 11) else "sre_parse"
)

_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


def nested_quantifier(pattern: str) -> bool:
    """Whether a regex repeats something that itself repeats unboundedly, like `(a+)+`."""
    try:
        parsed = _sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return False  # RE2-only syntax: RE2 itself decides whether it compiles

    def walk(items: Any, inside_repeat: bool) -> bool:
        for op, value in items:
            name = str(op)
            if name in _REPEATS:
                _low, high, body = value
                unbounded = high == _sre_parse.MAXREPEAT
                if inside_repeat and unbounded:
                    return True
                if walk(body, inside_repeat or unbounded):
                    return True
                continue
            if name == "SUBPATTERN":
                children = [value[-1]]
            elif name == "BRANCH":
                children = list(value[1])
            else:
                children = []
            if any(walk(child, inside_repeat) for child in children):
                return True
        return False

    return walk(parsed, False)


def widen(document: Document, sentences: set[int], window: int) -> set[int]:
    """Add, after each sentence, up to `window` following sentences of the same block."""
    if not window:
        return sentences
    out = set(sentences)
    all_sentences = document.sentences
    for i in sentences:
        block = all_sentences[i].block
        for j in range(i + 1, min(i + 1 + window, len(all_sentences))):
            if all_sentences[j].block != block:
                break
            out.add(j)
    return out


def allowed_sentences(
    document: Document,
    within: list[set[int]],
    in_section: Expr | None,
    first: int | None,
    last: int | None,
) -> set[int] | None:
    """Sentences a rule may look at (None: all of them)."""
    allowed: set[int] | None = None
    for sentences in within:
        allowed = set(sentences) if allowed is None else allowed & sentences
    n = len(document.sentences)
    if first is not None or last is not None:
        span: set[int] = set()
        if first is not None:
            span |= set(range(min(first, n)))
        if last is not None:
            span |= set(range(max(n - last, 0), n))
        allowed = span if allowed is None else allowed & span
    if in_section is not None:
        cache: dict[str, bool] = {}
        keep = set()
        for sentence in document.sentences:
            if allowed is not None and sentence.index not in allowed:
                continue
            for heading in sentence.section:
                if heading not in cache:
                    cache[heading] = test_string(in_section, heading)
                if cache[heading]:
                    keep.add(sentence.index)
                    break
        allowed = keep
    return allowed


def excluded(unless: Expr, scan: Scan, only: Collection[int] | None = None) -> dict[int, str]:
    """Sentences that `unless` rejects, with the reason; exact for the sentences `only` (None:
    all), while what it says of others may be wrong."""
    reason = f"excluded by unless {unless.describe()}"
    if unless.leaf_union:  # a leaf or `any` of leaves: it holds wherever a leaf has a hit
        return dict.fromkeys(union_hits(unless, scan, only), reason)
    by_sentence = sentence_hits(unless, scan, only)
    # An expression with no positive term (`not: ...`) can hold on a sentence with no hits.
    candidates: Iterable[int] = list(by_sentence)
    if not unless.positive_keys:
        candidates = range(len(scan.document.sentences)) if only is None else only
    out = {}
    for i in candidates:
        if unless.test(by_sentence.get(i, {}))[0]:
            out[i] = reason
    return out
