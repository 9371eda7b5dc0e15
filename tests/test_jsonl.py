"""results.jsonl: the run header on line 1, then one line per policy; together, results.json."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from auditor.audit import discover, run_audit
from auditor.checklist.compiled import load_checklist
from auditor.cli import cli
from auditor.models import Evidence
from auditor.reporters import write_reports
from auditor.reporters.jsonl_report import write_jsonl

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "checklists" / "baseline.yaml"


def _read(path: Path) -> tuple[dict[str, object], list[dict[str, object]]]:
    with path.open(encoding="utf-8") as f:  # a line at a time, as a reader of a big run would
        head, *policies = (json.loads(line) for line in f)
    return head, policies


def test_the_lines_are_results_json_split_by_policy(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["audit", str(ROOT / "policies"), "--checklist", str(BASELINE), "--out", str(tmp_path)]
        + ["--format", "json,jsonl", "-q"],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json", "results.jsonl"]
    head, policies = _read(tmp_path / "results.jsonl")
    whole = json.loads((tmp_path / "results.json").read_text("utf-8"))
    assert "policies" not in head
    assert {**head, "policies": policies} == whole
    schema = json.loads(
        resources.files("auditor").joinpath("schemas/results.schema.json").read_text("utf-8")
    )
    jsonschema.Draft202012Validator(schema).validate({**head, "policies": policies})
    assert [p["id"] for p in policies] == sorted(p.name for p in (ROOT / "policies").glob("*.md"))
    assert policies[3]["findings"][0]["extracted"] == {"age": 13}


def test_jsonl_is_asked_for_by_name(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["audit", str(ROOT / "policies"), "--checklist", str(BASELINE), "--out", str(tmp_path)]
        + ["-q"],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "findings.csv",
        "results.json",
        "scorecard.xlsx",
    ]


def test_every_record_stays_on_one_line(tmp_path: Path) -> None:
    # Line breaks of every kind inside a quote: escaped, so a policy is always one line.
    run = run_audit(load_checklist(BASELINE), discover([ROOT / "policies"]))
    quote = "first\nsecond\r\nthird\u2028fourth\u2029fifth\x85sixth"
    first = run.policies[0]
    finding = first.findings[0]
    evidence = Evidence(quote=quote, line=1, section=[], start=0, end=1, terms=[])
    findings = [finding.model_copy(update={"evidence": [evidence]}), *first.findings[1:]]
    policies = [first.model_copy(update={"findings": findings}), *run.policies[1:]]
    run = run.model_copy(update={"policies": policies})
    path = write_jsonl(run, tmp_path / "results.jsonl")
    data = path.read_bytes()
    assert data.count(b"\n") == 1 + len(policies) and data.endswith(b"\n")
    assert "\u2028" not in data.decode("utf-8") and "\u2029" not in data.decode("utf-8")
    assert data.decode("utf-8").splitlines() == data.decode("utf-8").split("\n")[:-1]
    _, read = _read(path)
    assert read[0]["findings"][0]["evidence"][0]["quote"] == quote


def test_written_by_workers_it_has_the_same_bytes(tmp_path: Path) -> None:
    run = run_audit(load_checklist(BASELINE), discover([ROOT / "policies"]))
    many = run.model_copy(update={"policies": list(run.policies) * 30})  # over PARALLEL_AFTER
    (one,) = write_reports(many, tmp_path / "one", ["jsonl"], jobs=1)
    (two,) = write_reports(many, tmp_path / "two", ["jsonl"], jobs=2)
    assert two.read_bytes() == one.read_bytes()
    assert len(_read(two)[1]) == 150
