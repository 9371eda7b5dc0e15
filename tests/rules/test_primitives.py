"""Rule primitives on short policies: exact sentences, spans and values (cases/*.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.checklist.compiled import load_checklist
from auditor.document.loader import parse_document
from auditor.engine import run_rules
from auditor.rules.base import Scan

CASES = [
    pytest.param(case, id=f"{path.stem}:{case['name']}")
    for path in sorted((Path(__file__).parent / "cases").glob("*.yaml"))
    for case in yaml.safe_load(path.read_text("utf-8"))
]


def run_case(case: dict[str, Any], tmp_path: Path) -> list[dict[str, Any]]:
    checklist = {
        "id": "t",
        "title": "T",
        "version": "1",
        "checks": [
            {
                "id": "c",
                "title": "C",
                "severity": "low",
                "rules": case["rules"],
                "status": {"pass": case["test"]},
            }
        ],
    }
    path = tmp_path / "checklist.yaml"
    path.write_text(yaml.safe_dump(checklist), "utf-8")
    compiled = load_checklist(path)
    document = parse_document(case["policy"], case.get("format", "md"), "policy.md")
    outputs = run_rules(compiled.checks[0], Scan(document))
    got = []
    for hit in outputs[case["test"]].hits:
        sentence = document.sentences[hit.sentence]
        item: dict[str, Any] = {
            "sentence": sentence.text,
            "spans": [list(span) for span in hit.spans],
        }
        item["terms"] = [sentence.text[a:b] for a, b in hit.spans]
        if hit.values:
            item["values"] = list(hit.values)
        got.append(item)
    return got


@pytest.mark.parametrize("case", CASES)
def test_primitive_case(case: dict[str, Any], tmp_path: Path) -> None:
    got = run_case(case, tmp_path)
    expected = case["hits"]
    for item in expected:
        item.setdefault("spans", [])
        item["terms"] = [item["sentence"][a:b] for a, b in item["spans"]]
    assert got == expected
