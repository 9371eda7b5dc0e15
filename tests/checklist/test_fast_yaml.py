"""Checklists are parsed by libyaml when PyYAML has it: the same values at the same lines and
columns as the pure-Python loader, whose error messages are kept for the files libyaml rejects;
nesting is bounded before either composer recurses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.checklist import loader
from auditor.checklist.compiled import load_checklist
from auditor.checklist.loader import MAX_DEPTH, ChecklistError, parse_with_positions

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*ROOT.glob("checklists/*.yaml"), *ROOT.glob("tests/**/*.yaml")])
CASES = yaml.safe_load((ROOT / "tests/checklist/cases/errors.yaml").read_text("utf-8"))
TRICKY = {
    "crlf": "id: t\r\ntitle: 'T'\r\nchecks:\r\n  - {id: c, rules: [a, b]}\r\n",
    "unicode-breaks": "a: x\x85b: [1, 2]\u2028c: \"\u00e9\u20ac\"\u2029d: 'q'\n",
    "tab-in-flow": "a: [1,\t2]\nb:\t3\n",
    "anchors": "a: &x {k: [1, 2]}\nb: *x\nc: !!str 5\n",
    "multi-document": "a: 1\n---\nb: 2\n",
    "bad-indent": "a:\n  b: 1\n c: 2\n",
    "unclosed-flow": "a: [1, 2\nb: 3\n",
    "json": '{"id": "t", "checks": [{"id": "c", "rules": [1, 2.5, null, true]}]}',
    "empty": "",
    "comment-only": "# nothing\n",
    "astral": "x: '\U0001f600 a'\ny: [\U0001f600, b]\n",
}


def _parse(text: str) -> tuple[str, Any]:
    try:
        data, positions = parse_with_positions(text, "x.yaml")
    except ChecklistError as error:
        return "error", error.lines
    return "ok", (data, positions.values, positions.keys)


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    fast = _parse(text)
    monkeypatch.setattr(loader, "_FAST_LOADER", None)
    pure = _parse(text)
    monkeypatch.undo()
    return fast, pure


def test_libyaml_is_used_here() -> None:
    # Otherwise the comparisons below would compare the pure loader with itself.
    assert loader._FAST_LOADER is yaml.CSafeLoader


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_same_values_and_positions_on_every_yaml_file(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, pure = _both(path.read_text("utf-8"), monkeypatch)
    assert fast == pure


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_same_outcome_on_every_error_case(
    case: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, pure = _both(case["checklist"], monkeypatch)
    assert fast == pure


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_same_outcome_on_tricky_yaml(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, pure = _both(TRICKY[name], monkeypatch)
    assert fast == pure


def test_invalid_yaml_keeps_the_pure_loaders_message() -> None:
    # libyaml says "did not find expected key"; PyYAML's wording is the one we have quoted.
    assert _parse("a:\n  - x\n - y\n") == (
        "error",
        ["x.yaml:3:2: invalid YAML: expected <block end>, but found '<block sequence start>'"],
    )


def test_a_very_deep_file_is_one_error_line_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    with pytest.raises(ChecklistError) as info:
        load_checklist(path)
    assert info.value.lines == [f"{path}:1:{MAX_DEPTH + 1}: nested more than 64 levels deep"]


def test_nesting_up_to_the_limit_is_parsed() -> None:
    text = "a: " + "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1) + "\n"
    kind, (data, _, _) = _parse(text)
    assert kind == "ok"
    value = data["a"]
    for _ in range(MAX_DEPTH - 1):
        value = value[0]
    assert value == 1


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
