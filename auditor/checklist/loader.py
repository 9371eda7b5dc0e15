"""Load a checklist file: YAML or JSON with positions -> JSON Schema -> models -> compiled rules.

Every problem is reported as one line `file:line:col: key.path: what is wrong`, all of them
before any document is read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from auditor.checklist.model import ChecklistSpec

if TYPE_CHECKING:
    # Imported where they are used: a checklist remembered by `auditor.checklist.cache` is
    # neither parsed nor checked against the schema, and the two imports are 40-60 ms.
    import jsonschema
    import yaml

PathKey = tuple[str | int, ...]


class ChecklistError(Exception):
    """A checklist that cannot be used; `lines` holds one message per problem."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@cache
def checklist_schema() -> dict[str, Any]:
    """The JSON Schema of checklists shipped in the package."""
    text = resources.files("auditor").joinpath("schemas/checklist.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def format_path(path: Sequence[str | int]) -> str:
    """`checks[0].rules[2].kind` from ('checks', 0, 'rules', 2, 'kind')."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


class Positions:
    """Line and column (1-based) of every value and every mapping key of a parsed file."""

    def __init__(self) -> None:
        self.values: dict[PathKey, tuple[int, int]] = {}
        self.keys: dict[PathKey, tuple[int, int]] = {}

    def of(self, path: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
        """Position of the value (or key) at `path`, else of its nearest parent."""
        p = tuple(path)
        if key and p in self.keys:
            return self.keys[p]
        while p:
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), (1, 1))


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


MAX_DEPTH = 64
"""How deeply a checklist may nest, its aliases expanded; the baseline needs 10 levels."""

MAX_VALUES = 100_000
"""How many values (mappings, lists and scalars) a checklist may hold once its aliases are
expanded; the baseline holds a few hundred."""


def parse_with_positions(text: str, where: str) -> tuple[Any, Positions]:
    """Parse YAML (or JSON, a subset) keeping positions; duplicate keys are errors."""
    import yaml

    positions = Positions()
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = f"{mark.line + 1}:{mark.column + 1}" if mark else "1:1"
        problem = exc.problem or exc.context or "invalid YAML"
        raise ChecklistError([f"{where}:{pos}: invalid YAML: {problem}"]) from None
    except yaml.YAMLError as exc:
        raise ChecklistError([f"{where}:1:1: invalid YAML: {exc}"]) from None
    except RecursionError:
        # The composer recurses once per level (hundreds of levels before it fails): the
        # reader has stopped inside the nesting.
        mark = loader.get_mark()
        pos = f"{mark.line + 1}:{mark.column + 1}"
        raise ChecklistError([f"{where}:{pos}: nested more than {MAX_DEPTH} levels deep"]) from None
    finally:
        loader.dispose()
    if root is None:
        raise ChecklistError([f"{where}:1:1: the file is empty"])

    # Aliases make the nodes a graph: bounded here, since a few lines of them can expand to a
    # billion values (or, pointing into themselves, to an endless nesting).
    built = 0
    seen: set[int] = set()  # the collections built so far: one met again is an alias

    def build(node: yaml.Node, path: PathKey) -> Any:
        nonlocal built
        built += 1
        positions.values[path] = _mark(node)
        if isinstance(node, yaml.CollectionNode):
            if len(path) >= MAX_DEPTH:
                line, col = _mark(node)
                aliased = " once its aliases are expanded" if id(node) in seen else ""
                message = f"nested more than {MAX_DEPTH} levels deep{aliased}"
                raise ChecklistError([f"{where}:{line}:{col}: {message}"])
            seen.add(id(node))
        if built > MAX_VALUES:
            line, col = _mark(node)
            message = f"more than {MAX_VALUES:,} values once its aliases are expanded"
            raise ChecklistError([f"{where}:{line}:{col}: {message}"])
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = loader.construct_object(key_node, deep=True)
                if not isinstance(key, str):
                    line, col = _mark(key_node)
                    raise ChecklistError(
                        [f"{where}:{line}:{col}: {format_path(path)}: key {key!r} must be a string"]
                    )
                if key in out:
                    line, col = _mark(key_node)
                    raise ChecklistError(
                        [f"{where}:{line}:{col}: {format_path(path + (key,))}: duplicate key"]
                    )
                positions.keys[path + (key,)] = _mark(key_node)
                out[key] = build(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [build(item, (*path, i)) for i, item in enumerate(node.value)]
        try:
            return loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            line, col = _mark(node)
            raise ChecklistError([f"{where}:{line}:{col}: {format_path(path)}: {exc}"]) from None

    return build(root, ()), positions


def _schema_message(error: jsonschema.ValidationError) -> tuple[PathKey, bool, str]:
    """Turn a schema error into (path, points-at-key, message)."""
    path: PathKey = tuple(error.absolute_path)
    value = error.instance
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    kind = error.validator
    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = sorted(schema.get("properties", {}))
        unknown = [k for k in value if k not in allowed]
        key = unknown[0] if unknown else ""
        return path + (key,), True, f"unknown key '{key}'; allowed: {', '.join(allowed)}"
    if kind == "enum":
        allowed_values = error.validator_value if isinstance(error.validator_value, list) else []
        options = ", ".join(str(x) for x in allowed_values)
        return path, False, f"{value!r} is not one of {options}"
    if kind == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        return path, False, f"missing required key '{missing[0] if missing else '?'}'"
    if kind == "type":
        return path, False, f"{value!r} is not of type {error.validator_value}"
    if kind == "pattern":
        hint = schema.get("description", f"must match {error.validator_value}")
        return path, False, f"{value!r} is not allowed: {hint}"
    if kind in ("oneOf", "anyOf"):
        hint = schema.get("description", "does not match any allowed form")
        shown = value if not isinstance(value, (dict, list)) else type(value).__name__
        branches = schema.get(str(kind), [])
        keys = [k for b in branches if isinstance(b, dict) for k in b.get("required", [])]
        if isinstance(value, dict) and keys and (len(value) != 1 or not set(value) & set(keys)):
            found = ", ".join(value) or "none"
            return path, False, f"takes exactly one key of {', '.join(keys)}; found {found}"
        return path, False, f"{shown!r} is not valid here: {hint}"
    if kind == "minItems":
        return path, False, "must not be empty"
    if kind in ("minimum", "maximum"):
        return path, False, f"{value!r} is out of range ({error.message})"
    return path, False, error.message


def read_checklist(path: Path) -> bytes:
    """The bytes of a checklist file, or a ChecklistError saying why they cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ChecklistError([f"{path}: cannot read checklist: {exc.strerror or exc}"]) from None


def load_checklist_data(path: Path, raw_bytes: bytes) -> tuple[ChecklistSpec, Positions, Any]:
    """Parse, validate and model the bytes of a checklist file read from `path`; returns
    (spec, positions, the parsed data the spec was made from)."""
    import jsonschema

    where = str(path)
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ChecklistError([f"{where}:1:1: checklist is not UTF-8 ({exc.reason})"]) from None
    data, positions = parse_with_positions(text, where)
    if not isinstance(data, dict):
        raise ChecklistError(
            [f"{where}:1:1: a checklist is a mapping with id, title, version and checks"]
        )
    validator = jsonschema.Draft202012Validator(checklist_schema())
    problems: list[tuple[tuple[int, int], str]] = []
    for error in validator.iter_errors(data):
        # A oneOf failure has sub-errors per branch; the closest branch says it best.
        best = error
        if error.context:
            best = jsonschema.exceptions.best_match(error.context)
            if best.validator in ("type", "required") and len(error.context) > 1:
                best = error
        err_path, at_key, message = _schema_message(best)
        line, col = positions.of(err_path, key=at_key)
        problems.append(((line, col), f"{where}:{line}:{col}: {format_path(err_path)}: {message}"))
    if problems:
        raise ChecklistError([m for _, m in sorted(set(problems))])
    try:
        spec = ChecklistSpec.model_validate(data)
    except ValidationError as exc:  # the schema should have caught it; report, don't crash
        lines = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            line, col = positions.of(loc)
            lines.append(f"{where}:{line}:{col}: {format_path(loc)}: {err['msg']}")
        raise ChecklistError(lines) from None
    return spec, positions, data
