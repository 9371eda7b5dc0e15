"""Rule primitives, one module each, and the registry from a checklist's `kind:` to a compiler."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from auditor.checklist.model import RuleSpec
from auditor.rules.base import Primitive, RuleCompileError
from auditor.rules.expr import LeafRegistry, compile_expr
from auditor.rules.extract import Extract
from auditor.rules.near import Near
from auditor.rules.pattern import Pattern
from auditor.rules.section import Section

Compiler = Callable[[RuleSpec, Sequence[str | int], LeafRegistry], Primitive]

# Options that only one extractor understands: using them elsewhere is an error, not ignored.
_EXTRACTOR_OPTIONS = {
    "day_first": "date",
    "allow_year": "date",
    "region": "phone",
    "target": "link",
    "text": "link",
}
_KIND_OPTIONS = {
    "pattern": {"match"},
    "near": {"terms", "distance"},
    "section": {"heading"},
    "extract": {"extractor", "near", "distance", "alone", *_EXTRACTOR_OPTIONS},
}
_ALL_KIND_OPTIONS = set().union(*_KIND_OPTIONS.values())


def _pattern(spec: RuleSpec, path: Sequence[str | int], reg: LeafRegistry) -> Primitive:
    return Pattern(compile_expr(spec.match, [*path, "match"], reg))


def _near(spec: RuleSpec, path: Sequence[str | int], reg: LeafRegistry) -> Primitive:
    assert spec.terms is not None and spec.distance is not None  # the schema requires them
    terms = [compile_expr(t, [*path, "terms", i], reg) for i, t in enumerate(spec.terms)]
    return Near(terms, spec.distance)


def _section(spec: RuleSpec, path: Sequence[str | int], reg: LeafRegistry) -> Primitive:
    return Section(compile_expr(spec.heading, [*path, "heading"], reg))


def _extract(spec: RuleSpec, path: Sequence[str | int], reg: LeafRegistry) -> Primitive:
    assert spec.extractor is not None
    if spec.extractor == "link" and spec.target is None and spec.text is None:
        raise RuleCompileError([*path, "extractor"], "a link extractor needs 'target' or 'text'")
    if spec.distance is not None and spec.near is None:
        raise RuleCompileError([*path, "distance"], "'distance' needs 'near'")

    def opt(name: str, raw: object) -> object:
        return None if raw is None else compile_expr(raw, [*path, name], reg)

    return Extract(
        extractor=spec.extractor,
        near=opt("near", spec.near),  # type: ignore[arg-type]
        distance=spec.distance if spec.distance is not None else 8,
        alone=spec.alone,
        day_first=spec.day_first,
        allow_year=spec.allow_year,
        region=spec.region,
        target=opt("target", spec.target),  # type: ignore[arg-type]
        text=opt("text", spec.text),  # type: ignore[arg-type]
    )


REGISTRY: dict[str, Compiler] = {
    "pattern": _pattern,
    "near": _near,
    "section": _section,
    "extract": _extract,
}


def compile_rule(spec: RuleSpec, path: Sequence[str | int], reg: LeafRegistry) -> Primitive:
    """Compile a rule's primitive; options of another kind or extractor are errors."""
    compiler = REGISTRY.get(spec.kind)
    if compiler is None:
        raise RuleCompileError([*path, "kind"], f"unknown rule kind {spec.kind!r}")
    given = spec.model_fields_set & _ALL_KIND_OPTIONS
    for name in sorted(given - _KIND_OPTIONS[spec.kind]):
        raise RuleCompileError([*path, name], f"'{name}' does not apply to a {spec.kind} rule")
    for name in sorted(given & set(_EXTRACTOR_OPTIONS)):
        if spec.extractor != _EXTRACTOR_OPTIONS[name]:
            raise RuleCompileError(
                [*path, name], f"'{name}' applies only to the {_EXTRACTOR_OPTIONS[name]} extractor"
            )
    return compiler(spec, path, reg)
