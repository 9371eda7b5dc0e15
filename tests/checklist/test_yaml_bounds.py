"""A checklist's nesting and its aliases are bounded: a deep or self-referring file, or a few
lines that expand to a billion values, are one error line, never a hang or a traceback."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from auditor.checklist.compiled import load_checklist
from auditor.checklist.loader import MAX_DEPTH, ChecklistError, parse_with_positions


def _parse(text: str) -> tuple[str, Any]:
    try:
        data, positions = parse_with_positions(text, "x.yaml")
    except ChecklistError as error:
        return "error", error.lines
    return "ok", (data, positions.values, positions.keys)


def test_a_very_deep_file_is_one_error_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    with pytest.raises(ChecklistError) as info:
        load_checklist(path)
    # Where the parser gave up depends on the stack it was called from: some column past 64.
    (line,) = info.value.lines
    found = re.fullmatch(rf"{re.escape(str(path))}:1:(\d+): nested more than 64 levels deep", line)
    assert found is not None and int(found[1]) > MAX_DEPTH


def test_nesting_up_to_the_limit_is_parsed() -> None:
    text = "a: " + "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1) + "\n"
    kind, (data, _, _) = _parse(text)
    assert kind == "ok"
    value = data["a"]
    for _ in range(MAX_DEPTH - 1):
        value = value[0]
    assert value == 1
    deeper = "a: " + "[" * MAX_DEPTH + "1" + "]" * MAX_DEPTH + "\n"
    assert _parse(deeper) == (
        "error",
        [f"x.yaml:1:{3 + MAX_DEPTH}: nested more than 64 levels deep"],
    )


def test_aliases_within_the_bounds_are_expanded() -> None:
    text = "terms: &t [children, kids]\na: {any: *t}\nb: [*t, *t]\n"
    kind, (data, values, _) = _parse(text)
    assert kind == "ok"
    assert data == {
        "terms": ["children", "kids"],
        "a": {"any": ["children", "kids"]},
        "b": [["children", "kids"], ["children", "kids"]],
    }
    # An alias is reported where its anchor's value is written.
    assert values[("b", 1, 0)] == values[("terms", 0)] == (1, 12)
