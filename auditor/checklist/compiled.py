"""A checklist compiled for evaluation: rules in dependency order, conditions, value specs."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from auditor.checklist import cache
from auditor.checklist.loader import (
    ChecklistError,
    Positions,
    format_path,
    load_checklist_data,
    read_checklist,
)
from auditor.checklist.model import ChecklistSpec, CheckSpec, RuleSpec, ValueSpec
from auditor.rules import compile_rule
from auditor.rules.base import Primitive, RuleCompileError
from auditor.rules.expr import Expr, LeafRegistry, compile_expr
from auditor.rules.scope import nested_quantifier


@dataclass
class Condition:
    """Status logic over rule ids: a rule id, or all/any/not of conditions."""

    op: str  # "rule", "all", "any", "not"
    rule: str = ""
    items: list[Condition] = field(default_factory=list)

    def holds(self, matched: set[str]) -> bool:
        if self.op == "rule":
            return self.rule in matched
        if self.op == "all":
            return all(c.holds(matched) for c in self.items)
        if self.op == "any":
            return any(c.holds(matched) for c in self.items)
        return not self.items[0].holds(matched)

    def positive_rules(self, matched: set[str]) -> Iterator[str]:
        """Rules, not under a `not`, that matched and so support the condition."""
        if self.op == "rule":
            if self.rule in matched:
                yield self.rule
        elif self.op in ("all", "any"):
            for c in self.items:
                if self.op == "all" or c.holds(matched):
                    yield from c.positive_rules(matched)

    def rules(self) -> Iterator[str]:
        if self.op == "rule":
            yield self.rule
        for c in self.items:
            yield from c.rules()

    def describe(self) -> str:
        if self.op == "rule":
            return self.rule
        if self.op == "not":
            return f"not {self.items[0].describe()}"
        return f"{self.op}(" + ", ".join(c.describe() for c in self.items) + ")"


def _condition(raw: Any) -> Condition:
    if isinstance(raw, str):
        return Condition("rule", rule=raw)
    ((op, value),) = raw.items()
    items = [value] if op == "not" else value
    return Condition(op, items=[_condition(x) for x in items])


@dataclass
class CompiledRule:
    """A rule ready to run: its primitive and the scope around it."""

    id: str
    kind: str
    description: str
    primitive: Primitive
    within: list[str]
    window: int
    unless: Expr | None
    in_section: Expr | None
    first: int | None
    last: int | None


@dataclass(frozen=True)
class Wording:
    """What a check's findings say of its status logic (`decided_by`): the same on every
    document."""

    passed: str  # decided_by of a PASS
    reviewed: str  # decided_by of a REVIEW
    failed: str  # decided_by of a FAIL
    needed: list[str]  # the rules the pass clause names, once each (near misses)


@dataclass
class CompiledCheck:
    """A check ready to run."""

    spec: CheckSpec
    rules: list[CompiledRule]  # dependency order: a rule comes after those in its `within`
    passes: Condition
    review: Condition | None
    values: dict[str, ValueSpec]

    @functools.cached_property
    def wording(self) -> Wording:
        """Worked out once: the descriptions walk the condition trees."""
        passes = self.passes.describe()
        if self.review is None:
            review = ""
            failed = f"fail: pass ({passes}) did not hold"
        else:
            review = self.review.describe()
            failed = f"fail: neither pass ({passes}) nor review ({review}) held"
        return Wording(
            passed=f"pass: {passes}",
            reviewed=f"review: {review}",
            failed=failed,
            needed=list(dict.fromkeys(self.passes.rules())),
        )


@dataclass
class Checklist:
    """A loaded, validated and compiled checklist."""

    spec: ChecklistSpec
    checks: list[CompiledCheck]
    path: str
    sha256: str
    leaves: LeafRegistry

    def check(self, check_id: str) -> CompiledCheck | None:
        return next((c for c in self.checks if c.spec.id == check_id), None)


def _check_patterns(raw: Any, path: list[str | int], problems: list[tuple[PathKey, str]]) -> None:
    """Walk an expression and flag regexes that nest quantifiers (portable checklists)."""
    if isinstance(raw, dict):
        for key, value in raw.items():
            if key == "regex" and isinstance(value, str) and nested_quantifier(value):
                problems.append(
                    (
                        (*path, key),
                        f"pattern {value!r} nests quantifiers (like "
                        "'(a+)+'); it backtracks catastrophically in most regex engines: "
                        "write it without the nesting",
                    )
                )
            else:
                _check_patterns(value, [*path, key], problems)
    elif isinstance(raw, list):
        for i, value in enumerate(raw):
            _check_patterns(value, [*path, i], problems)


PathKey = tuple[str | int, ...]


def _order(
    rules: list[RuleSpec], check_path: Sequence[str | int], problems: list[tuple[PathKey, str]]
) -> list[int]:
    """Indices of rules so that each comes after the rules it is `within`."""
    index = {r.id: i for i, r in enumerate(rules)}
    order: list[int] = []
    state: dict[int, int] = {}  # 1 visiting, 2 done

    def visit(i: int) -> None:
        if state.get(i) == 2:
            return
        if state.get(i) == 1:
            problems.append(
                (
                    (*check_path, "rules", i, "within"),
                    f"rule '{rules[i].id}' is within itself (a cycle)",
                )
            )
            return
        state[i] = 1
        for dep in rules[i].within:
            if dep in index:
                visit(index[dep])
        state[i] = 2
        order.append(i)

    for i in range(len(rules)):
        visit(i)
    return order


def compile_checklist(
    spec: ChecklistSpec,
    positions: Positions,
    where: str,
    sha256: str,
    *,
    patterns_checked: bool = False,
) -> Checklist:
    """Check references and compile every rule; all problems are reported together.

    `patterns_checked`: the regexes are known to pass `_check_patterns` (a cache hit), which
    parses each one with CPython's regex parser, a tenth of a warm start."""
    problems: list[tuple[PathKey, str]] = []
    registry = LeafRegistry()
    checks: list[CompiledCheck] = []
    seen_checks: set[str] = set()
    for ci, check in enumerate(spec.checks):
        cpath: PathKey = ("checks", ci)
        if check.id in seen_checks:
            problems.append(((*cpath, "id"), f"duplicate check id '{check.id}'"))
        seen_checks.add(check.id)
        rule_ids: dict[str, RuleSpec] = {}
        for ri, rule in enumerate(check.rules):
            if rule.id in rule_ids:
                problems.append(((*cpath, "rules", ri, "id"), f"duplicate rule id '{rule.id}'"))
            rule_ids[rule.id] = rule
            if rule.window and not rule.within:
                problems.append(((*cpath, "rules", ri, "window"), "'window' needs 'within'"))
            for dep in rule.within:
                if dep not in rule_ids and dep not in {r.id for r in check.rules}:
                    problems.append(
                        (
                            (*cpath, "rules", ri, "within"),
                            f"'{dep}' is not a rule of check '{check.id}'",
                        )
                    )
        if not patterns_checked:
            _check_patterns(
                [r.model_dump(by_alias=True) for r in check.rules], [*cpath, "rules"], problems
            )
        compiled: dict[int, CompiledRule] = {}
        for ri in _order(check.rules, cpath, problems):
            rule = check.rules[ri]
            rpath: list[str | int] = [*cpath, "rules", ri]
            try:
                primitive = compile_rule(rule, rpath, registry)
                unless = (
                    compile_expr(rule.unless, [*rpath, "unless"], registry)
                    if rule.unless is not None
                    else None
                )
                in_section = (
                    compile_expr(rule.in_section, [*rpath, "in_section"], registry)
                    if rule.in_section is not None
                    else None
                )
            except RuleCompileError as exc:
                problems.append((exc.path, exc.message))
                continue
            compiled[ri] = CompiledRule(
                rule.id,
                rule.kind,
                rule.description,
                primitive,
                list(rule.within),
                rule.window,
                unless,
                in_section,
                rule.position.first if rule.position else None,
                rule.position.last if rule.position else None,
            )
        passes = _condition(check.status.pass_)
        review = _condition(check.status.review) if check.status.review is not None else None
        for name, cond in (("pass", passes), ("review", review)):
            for ref in cond.rules() if cond else ():
                if ref not in rule_ids:
                    problems.append(
                        ((*cpath, "status", name), f"'{ref}' is not a rule of check '{check.id}'")
                    )
        for name, value in check.values.items():
            for ref in value.rule:
                target = rule_ids.get(ref)
                if target is None or target.kind != "extract":
                    problems.append(
                        (
                            (*cpath, "values", name, "rule"),
                            f"'{ref}' is not an extract rule of check '{check.id}'",
                        )
                    )
        order = _order(check.rules, cpath, [])
        checks.append(
            CompiledCheck(
                check,
                [compiled[i] for i in order if i in compiled],
                passes,
                review,
                dict(check.values),
            )
        )
    if problems:
        lines = []
        for path, message in problems:
            line, col = positions.of(path)
            lines.append(((line, col), f"{where}:{line}:{col}: {format_path(path)}: {message}"))
        raise ChecklistError([m for _, m in sorted(set(lines))])
    return Checklist(spec, checks, where, sha256, registry)


def load_checklist(path: Path | str) -> Checklist:
    """Load, validate and compile a checklist file; raises ChecklistError with one-line problems."""
    p = Path(path)
    raw = read_checklist(p)
    sha = hashlib.sha256(raw).hexdigest()
    data = cache.recall(raw)
    if data is not None:
        # Accepted before, byte for byte, by the same loader and schema (see cache.py). Any
        # problem from here on is reported by the full path below, with its line and column. The
        # same file passed `_check_patterns` then, and the fingerprint covers that code too.
        try:
            spec = ChecklistSpec.model_validate(data)
            return compile_checklist(spec, Positions(), str(p), sha, patterns_checked=True)
        except (ValidationError, ChecklistError):
            pass
    spec, positions, data = load_checklist_data(p, raw)
    checklist = compile_checklist(spec, positions, str(p), sha)
    cache.remember(raw, data)
    return checklist
