"""Text expressions: phrases and RE2 regexes combined with any/all/not, matched per sentence.

Every leaf is compiled with RE2, which runs in linear time whatever the pattern, so a checklist
author cannot write a pattern that hangs the audit; a pattern RE2 cannot compile is an error at
load time. Each leaf scans the document text once (see `Scan`); an expression is then decided
per sentence from the leaves' hits.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import re2

from auditor.rules.base import RuleCompileError, Scan

Span = tuple[int, int]

_UNANCHORED = re2._Anchor.UNANCHORED

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_OPTIONS.case_sensitive = False
_OPTIONS.max_mem = 8 << 20  # a pattern whose automaton needs more is refused at load time
# A leaf matches within one sentence, never across the line break between two (sentences are
# joined by line breaks and hold none): `\s`, `[^...]` and `\n` never match one. Scanning the
# whole text then finds each sentence's own matches, as scanning it alone would: a match over
# the break can no longer hide the next sentence's own match (docs/decisions.md).
_OPTIONS.never_nl = True

_FOLDED_OPTIONS = re2.Options()
_FOLDED_OPTIONS.log_errors = False
_FOLDED_OPTIONS.max_mem = 8 << 20
_FOLDED_OPTIONS.never_nl = True

# Escapes that mean the same whatever the case of the text's letters.
_CASE_BLIND_ESCAPES = frozenset("bBsSwWdD")


def phrase_regex(phrase: str) -> str:
    """RE2 source for a phrase: whole words, case-insensitive, flexible spaces and hyphens."""
    text = phrase.strip()
    wildcard = text.endswith("*")
    if wildcard:
        text = text[:-1]
    out: list[str] = []
    for token in re.split(r"(\s+|-|'|’)", text):
        if not token:
            continue
        if token.isspace():
            out.append(r"[\s\-]+")
        elif token == "-":
            out.append(r"[\s\-]?")
        elif token in ("'", "’"):
            out.append("['’]")
        else:
            out.append(re.escape(token))
    body = "".join(out)
    start = r"\b" if text[:1].isalnum() else ""
    end = r"\w*" if wildcard else (r"\b" if text[-1:].isalnum() else "")
    return start + body + end


def compile_regex(source: str, path: Sequence[str | int]) -> Any:
    """Compile with RE2 or raise RuleCompileError naming the pattern."""
    try:
        return re2.compile(source, _OPTIONS)
    except re2.error as exc:
        detail = str(exc).strip("b'\"")
        raise RuleCompileError(path, f"pattern {source!r} is not valid RE2: {detail}") from None


def relaxed_regex(regex: Any) -> Any:
    """A google-re2 `regex` whose pattern opens with `\\b`, compiled without it (same options);
    None for any other.

    Dropping a leading assertion only lets more text match at each offset; `\\b` followed by a
    quantifier would change the meaning of what follows, so those are left alone.
    """
    raw = getattr(regex, "_regexp", None)
    pattern = getattr(regex, "pattern", None)
    if raw is None or not isinstance(pattern, str) or not pattern.startswith("\\b"):
        return None
    if pattern[2:3] in ("", "*", "+", "?", "{"):
        return None
    try:
        return re2.compile(pattern[2:], raw.options())
    except re2.error:
        return None


def folded_source(source: str) -> str | None:
    """`source` with its letters lowercased, to be matched case-sensitively over ASCII-lowercased
    text (see `Scan`); None when the pattern uses anything whose meaning that could change.

    Allowed: ASCII (and `’`, which has no case), the case-blind escapes, escaped punctuation,
    and classes without ranges, nested classes or capital letters. Refused: flags (`(?-i)`),
    other escapes (`\\pL`, `\\x41`, `\\Q`...), ranges such as `[Z-a]` or `[0-c]` that hold
    letters of one case only.
    """
    if "(?" in source.replace("(?:", ""):
        return None
    out: list[str] = []
    in_class = False
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "\\":
            escaped = source[i + 1 : i + 2]
            if not escaped or not escaped.isascii():
                return None
            if escaped.isalnum() and escaped not in _CASE_BLIND_ESCAPES:
                return None
            out.append(source[i : i + 2])  # never lowercased: `\\B` is not `\\b`
            i += 2
            continue
        if not ch.isascii() and ch != "’":
            return None
        if in_class:
            ranged = ch == "-" and source[i - 1] != "[" and source[i + 1 : i + 2] != "]"
            if ch == "[" or ch.isupper() or ranged:
                return None
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if source[i + 1 : i + 2] == "^":
                out.append(ch)
                i += 1
                ch = "^"
            if source[i + 1 : i + 2] == "]":  # a leading `]` is a literal
                out.append(ch)
                i += 1
                ch = "]"
        out.append(ch.lower())
        i += 1
    return "".join(out)


def folded_regex(source: str) -> Any:
    """`folded_source(source)` compiled case-sensitively, or None."""
    folded = folded_source(source)
    if folded is None:
        return None
    try:
        return re2.compile(folded, _FOLDED_OPTIONS)
    except re2.error:
        return None


class Expr:
    """A compiled expression node."""

    def leaves(self) -> Iterator[Leaf]:
        raise NotImplementedError

    @cached_property
    def leaf_list(self) -> tuple[Leaf, ...]:
        """`leaves()` once for all documents (a compiled expression never changes)."""
        return tuple(self.leaves())

    @cached_property
    def positive_keys(self) -> frozenset[int]:
        """Keys of the `positive_leaves`: a sentence with none of them can never match."""
        return frozenset(leaf.key for leaf in positive_leaves(self))

    @cached_property
    def all_positive(self) -> bool:
        """Whether every leaf is a positive leaf (no `not` anywhere)."""
        return all(leaf.key in self.positive_keys for leaf in self.leaf_list)

    @cached_property
    def leaf_by_key(self) -> dict[int, Leaf]:
        """The leaves by key (a leaf named twice is one key)."""
        return {leaf.key: leaf for leaf in self.leaf_list}

    @cached_property
    def leaf_keys(self) -> frozenset[int]:
        """The leaves' keys."""
        return frozenset(self.leaf_by_key)

    @cached_property
    def leaf_union(self) -> bool:
        """Whether the expression is a leaf or `any` of such expressions: then it holds on
        exactly the sentences where some leaf has a hit, with all their spans."""
        if isinstance(self, AnyOf):
            return all(item.leaf_union for item in self.items)
        return isinstance(self, Leaf)

    def test(self, hits: dict[int, list[Span]]) -> tuple[bool, list[Span]]:
        """Decide on one sentence from its leaf hits; returns (matched, positive spans)."""
        raise NotImplementedError

    def why_not(self, hits: dict[int, list[Span]]) -> str:
        """Short reason the expression failed on a sentence."""
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


@dataclass
class Leaf(Expr):
    key: int
    source: str
    label: str
    regex: Any

    def leaves(self) -> Iterator[Leaf]:
        yield self

    def test(self, hits: dict[int, list[Span]]) -> tuple[bool, list[Span]]:
        spans = hits.get(self.key)
        return (True, list(spans)) if spans else (False, [])

    def why_not(self, hits: dict[int, list[Span]]) -> str:
        return f"no {self.label}"

    @cached_property
    def relaxed(self) -> Any:
        """The regex without its leading `\\b`, compiled alike, or None (see `Scan.leaf_hits`)."""
        return relaxed_regex(self.regex)

    @cached_property
    def folded(self) -> tuple[Any, Any] | None:
        """The regex for ASCII-lowercased text and its relaxed form, or None (see `Scan`)."""
        regex = folded_regex(self.source)
        return None if regex is None else (regex, relaxed_regex(regex))

    def describe(self) -> str:
        return self.label


@dataclass
class AnyOf(Expr):
    items: list[Expr]

    def leaves(self) -> Iterator[Leaf]:
        for item in self.items:
            yield from item.leaves()

    @cached_property
    def _leaf_keys(self) -> tuple[int, ...] | None:
        """The items' keys when every item is a leaf (most `any:` lists), else None."""
        keys = tuple(item.key for item in self.items if isinstance(item, Leaf))
        return keys if len(keys) == len(self.items) else None

    def test(self, hits: dict[int, list[Span]]) -> tuple[bool, list[Span]]:
        keys = self._leaf_keys
        if keys is not None:
            # What the loop below gives for leaves, without a call per item: each matched
            # leaf's spans, in item order.
            found: list[Span] = []
            for key in keys:
                spans = hits.get(key)
                if spans:
                    found += spans
            return bool(found), found
        ok, spans = False, []
        for item in self.items:
            item_ok, item_spans = item.test(hits)
            if item_ok:
                ok = True
                spans.extend(item_spans)
        return ok, spans

    def why_not(self, hits: dict[int, list[Span]]) -> str:
        return f"none of {self.describe()}"

    def describe(self) -> str:
        inner = ", ".join(item.describe() for item in self.items[:4])
        more = f", … (+{len(self.items) - 4})" if len(self.items) > 4 else ""
        return f"any({inner}{more})"


@dataclass
class AllOf(Expr):
    items: list[Expr]

    def leaves(self) -> Iterator[Leaf]:
        for item in self.items:
            yield from item.leaves()

    def test(self, hits: dict[int, list[Span]]) -> tuple[bool, list[Span]]:
        spans: list[Span] = []
        for item in self.items:
            item_ok, item_spans = item.test(hits)
            if not item_ok:
                return False, []
            spans.extend(item_spans)
        return True, spans

    def why_not(self, hits: dict[int, list[Span]]) -> str:
        for item in self.items:
            if not item.test(hits)[0]:
                return item.why_not(hits)
        return ""

    def describe(self) -> str:
        return "all(" + ", ".join(item.describe() for item in self.items) + ")"


@dataclass
class Not(Expr):
    item: Expr

    def leaves(self) -> Iterator[Leaf]:
        yield from self.item.leaves()

    def test(self, hits: dict[int, list[Span]]) -> tuple[bool, list[Span]]:
        return (not self.item.test(hits)[0]), []

    def why_not(self, hits: dict[int, list[Span]]) -> str:
        return f"excluded by {self.item.describe()}"

    def describe(self) -> str:
        return f"not({self.item.describe()})"


class LeafRegistry:
    """Deduplicates leaves across a whole checklist so each regex scans a document once."""

    def __init__(self) -> None:
        self._by_source: dict[str, Leaf] = {}
        self._sets: list[tuple[Any, list[int]]] | None = None  # (RE2 set, its leaves' keys)
        self._set_size = -1  # leaves in `_sets`; rebuilt if leaves were added since

    def leaf(self, source: str, label: str, path: Sequence[str | int]) -> Leaf:
        found = self._by_source.get(source)
        if found is None:
            found = Leaf(len(self._by_source), source, label, compile_regex(source, path))
            self._by_source[source] = found
        return found

    def __len__(self) -> int:
        return len(self._by_source)

    def present(self, data: bytes | memoryview) -> frozenset[int] | None:
        """Keys of the leaves that match somewhere in UTF-8 `data` (and maybe of some that do
        not), from one pass of each leaf set over it; None when that cannot be told (then every
        leaf must be scanned)."""
        if self._set_size != len(self._by_source):
            self._sets, self._set_size = _leaf_sets(list(self._by_source)), len(self._by_source)
        if self._sets is None:
            return None
        present: list[int] = []
        for leaf_set, keys in self._sets:
            found = leaf_set.Match(data) or ()
            if len(keys) not in found:
                # No sentinel: RE2 gave up (its automaton ran out of memory) and answered
                # nothing; never trust that to skip a leaf.
                present += keys
            else:
                present += [keys[i] for i in found if i != len(keys)]
        return frozenset(present)

    def __getstate__(self) -> dict[str, Any]:
        # An RE2 set cannot be pickled; a copy rebuilds its sets on first use.
        return {"_by_source": self._by_source, "_sets": None, "_set_size": -1}


# Leaves per RE2 set. One automaton for all ~130 leaves of the baseline checklist spends most of
# its time building states for new combinations of leaves on each new document; three sets of a
# third each build far fewer, and a document's first pass costs 2.5x less (measured, 2 cores).
_SET_LEAVES = 48


def _leaf_sets(sources: list[str]) -> list[tuple[Any, list[int]]] | None:
    """RE2 sets over the sources (leaf key = index in `sources`), each with its leaves' keys;
    None if RE2 cannot build one."""
    count = -(-len(sources) // _SET_LEAVES)  # leaves dealt round, so sets are alike in size
    sets = []
    for first in range(count):
        keys = list(range(first, len(sources), count))
        leaf_set = _leaf_set([sources[key] for key in keys])
        if leaf_set is None:
            return None
        sets.append((leaf_set, keys))
    return sets


def _leaf_set(sources: list[str]) -> Any:
    """An RE2 set of the sources, index = position in `sources`, and at index len(sources) a
    sentinel that matches every text (absent from an answer only when RE2 failed); None if RE2
    cannot build it."""
    options = re2.Options()
    options.log_errors = False
    options.case_sensitive = False
    options.never_nl = True  # as the leaves themselves (see _OPTIONS)
    # All of its leaves in one automaton: with a small budget its state cache is flushed over
    # and over and the pass gets ten times slower. The memory is only taken as states are built.
    options.max_mem = 64 << 20
    leaf_set = re2.Set.SearchSet(options)
    try:
        for key, source in enumerate([*sources, r"\A"]):
            if leaf_set.Add(source) != key:
                return None
        leaf_set.Compile()
    except re2.error:
        return None
    return leaf_set


def compile_expr(raw: Any, path: Sequence[str | int], registry: LeafRegistry) -> Expr:
    """Compile an expression as written in the checklist (already schema-valid)."""
    path = list(path)
    if isinstance(raw, str):
        return registry.leaf(phrase_regex(raw), repr(raw), path)
    if "regex" in raw:
        return registry.leaf(raw["regex"], f"/{raw['regex']}/", [*path, "regex"])
    if "any" in raw:
        return AnyOf(
            [compile_expr(x, [*path, "any", i], registry) for i, x in enumerate(raw["any"])]
        )
    if "all" in raw:
        return AllOf(
            [compile_expr(x, [*path, "all", i], registry) for i, x in enumerate(raw["all"])]
        )
    return Not(compile_expr(raw["not"], [*path, "not"], registry))


def _scanned(
    expr: Expr, scan: Scan, only: Collection[int] | None
) -> Iterator[tuple[int, dict[int, list[Span]]]]:
    """Each leaf of `expr` that may have hits (the RE2 sets ruled the others out) with its
    hits by sentence, each leaf once; complete for the sentences `only` (None: all)."""
    present = scan.present
    by_key = expr.leaf_by_key
    # Only the present keys are looked at, found by a set intersection in C; their order does
    # not matter: each leaf's hits are its own, and callers look them up by key.
    keys = by_key if present is None else expr.leaf_keys & present
    can_fold = scan.can_fold
    for key in keys:
        leaf = by_key[key]
        # Only the forms the scan will use are asked for: each is compiled on first use, and
        # a process that never meets a long s or a Kelvin sign never needs the plain relaxed
        # form of a leaf that has a folded one (about 17 ms of RE2 compiles for the baseline).
        folded = leaf.folded if can_fold else None
        relaxed = leaf.relaxed if folded is None else None
        # Every form of a leaf is compiled with never_nl: no match holds a line break.
        yield key, scan.leaf_hits(key, leaf.regex, relaxed, folded, one_line=True, only=only)


def sentence_hits(
    expr: Expr, scan: Scan, only: Collection[int] | None = None
) -> dict[int, dict[int, list[Span]]]:
    """Leaf hits of an expression grouped by sentence: {sentence: {leaf key: spans}}.

    `only`: the sentences the caller reads (None: all); the answer is complete for them (each
    leaf is scanned in them alone, see `Scan.leaf_hits`) and may be incomplete for others."""
    by_sentence: dict[int, dict[int, list[Span]]] = {}
    for key, hits in _scanned(expr, scan, only):
        for sentence, spans in hits.items():
            found = by_sentence.get(sentence)
            if found is None:
                by_sentence[sentence] = {key: spans}
            else:
                found[key] = spans
    return by_sentence


def union_hits(expr: Expr, scan: Scan, only: Collection[int] | None = None) -> dict[int, set[Span]]:
    """For an expression whose `leaf_union` holds: the sentences it holds on, each with the
    distinct spans of its leaves (what `test` on `sentence_hits` gives, without the
    grouping by leaf); `only` as for `sentence_hits`."""
    by_sentence: dict[int, set[Span]] = {}
    for _, hits in _scanned(expr, scan, only):
        for sentence, spans in hits.items():
            found = by_sentence.get(sentence)
            if found is None:
                by_sentence[sentence] = set(spans)
            else:
                found.update(spans)
    return by_sentence


def positive_leaves(expr: Expr) -> Iterator[Leaf]:
    """Leaves not under a `not`: a sentence with none of them can never match."""
    if isinstance(expr, Leaf):
        yield expr
    elif isinstance(expr, (AnyOf, AllOf)):
        for item in expr.items:
            yield from positive_leaves(item)


def test_string(expr: Expr, text: str) -> bool:
    """Whether the expression matches a standalone string (a heading, a link target)."""
    # Whether an expression holds depends only on which leaves match at all, not on their
    # spans: one search per leaf that decides (the first match finditer would give) on bytes
    # encoded once. `any` stops at its first item that holds and `all` at its first that does
    # not, as `test` on every leaf's hits would decide: most link targets fail a link rule's
    # first term, and each search is a call into RE2 of some 6,000 instructions.
    return _holds(expr, text, text.encode("utf-8"), {})


def _holds(expr: Expr, text: str, data: bytes, found: dict[int, bool]) -> bool:
    """`expr.test(hits)[0]` where `hits` holds the leaves that match `text` (`data`: its
    UTF-8 bytes; `found`: the leaves searched so far)."""
    if isinstance(expr, Leaf):
        hit = found.get(expr.key)
        if hit is None:
            raw = getattr(expr.regex, "_regexp", None)
            if raw is None:  # not a google-re2 pattern
                hit = expr.regex.search(text) is not None
            else:
                hit = raw.Match(_UNANCHORED, data, 0, len(data))[0][0] != -1
            found[expr.key] = hit
        return hit
    # Loops, not all() and any() over a generator: the generators cost about 60,000
    # instructions per real document (0.8 % of evaluation), more than they spare.
    if isinstance(expr, AllOf):
        for item in expr.items:  # noqa: SIM110 (see above)
            if not _holds(item, text, data, found):
                return False
        return True
    if isinstance(expr, Not):
        return not _holds(expr.item, text, data, found)
    if isinstance(expr, AnyOf):
        for item in expr.items:  # noqa: SIM110 (see above)
            if _holds(item, text, data, found):
                return True
        return False
    return _test_string_plain(expr, text)


def _test_string_plain(expr: Expr, text: str) -> bool:
    """`test_string` by searching every leaf first (the reference `_holds` is tested against;
    also the way for an expression type `_holds` does not know)."""
    data = text.encode("utf-8")
    hits: dict[int, list[Span]] = {}
    for leaf in expr.leaf_list:
        if leaf.key in hits:
            continue
        raw = getattr(leaf.regex, "_regexp", None)
        if raw is None:  # not a google-re2 pattern
            found = leaf.regex.search(text)
            if found is not None:
                hits[leaf.key] = [found.span()]
        else:
            span = raw.Match(_UNANCHORED, data, 0, len(data))[0]
            if span[0] != -1:
                hits[leaf.key] = [span]  # byte offsets: only their presence is used
    return expr.test(hits)[0]
