"""The CLI end to end on the sample policies: reports, schema, exit codes, validate, explain."""

from __future__ import annotations

import csv
import json
import os
import stat
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from auditor.cli import cli
from auditor.document.loader import DocumentError, load_document

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "checklists" / "baseline.yaml")
POLICIES = str(ROOT / "policies")


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    code, stdout, _ = invoke(
        "audit", POLICIES, "--checklist", BASELINE, "--out", str(out), "--format", "json,csv"
    )
    assert code == 0
    assert "smithmicro.com_2010-12-29.md" in stdout
    return out


def test_results_json_follows_shipped_schema(audited: Path) -> None:
    schema = json.loads(
        resources.files("auditor").joinpath("schemas/results.schema.json").read_text("utf-8")
    )
    results = json.loads((audited / "results.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(results)
    assert results["tool"]["name"] == "auditor"
    assert results["checklist"]["id"] == "baseline"
    assert [p["id"] for p in results["policies"]] == sorted(
        p.name for p in (ROOT / "policies").glob("*.md")
    )
    finding = results["policies"][3]["findings"][0]
    assert finding["id"] == "smithmicro.com_2010-12-29.md::coppa-age-statement"
    assert finding["extracted"] == {"age": 13}
    assert finding["evidence"][0]["line"] == 9


def test_csv_has_one_row_per_finding_with_same_records(audited: Path) -> None:
    with (audited / "findings.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 5 * 5
    wanted = "strongmail.com_2007-12-26.md::contact-address"
    row = next(r for r in rows if r["Finding id"] == wanted)
    assert row["Status"] == "PASS"
    assert row["Extracted"] == (
        "email=privacy@strongmailsystems.com, privacy@strongmail.com; "
        "postal=1300 Island Drive, Suite 200 Redwood City, CA 94065; "
        "phone=+16504214200"
    )


def test_score_is_weighted(audited: Path) -> None:
    results = json.loads((audited / "results.json").read_text("utf-8"))
    scores = {p["id"]: p["score"] for p in results["policies"]}
    # Weights 2,2,1,1,1; strongmail fails only last-updated-date (weight 1): 6/7.
    assert scores["strongmail.com_2007-12-26.md"] == round(6 / 7, 4)
    assert scores["smithmicro.com_2010-12-29.md"] == 1.0


def test_fail_on_severity_exit_code(tmp_path: Path) -> None:
    policy = str(ROOT / "policies" / "smithmicro.com_2010-12-29.md")
    assert (
        invoke(
            "audit",
            policy,
            "--checklist",
            BASELINE,
            "--out",
            str(tmp_path),
            "--fail-on",
            "low",
            "-q",
        )[0]
        == 0
    )
    strong = str(ROOT / "policies" / "strongmail.com_2007-12-26.md")
    # strongmail's only non-PASS check is low severity (last-updated-date).
    assert (
        invoke(
            "audit",
            strong,
            "--checklist",
            BASELINE,
            "--out",
            str(tmp_path),
            "--fail-on",
            "medium",
            "-q",
        )[0]
        == 0
    )
    assert (
        invoke(
            "audit",
            strong,
            "--checklist",
            BASELINE,
            "--out",
            str(tmp_path),
            "--fail-on",
            "low",
            "-q",
        )[0]
        == 1
    )


def test_bad_checklist_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: X\nversion: '1'\nchecks:\n  - id: c\n", "utf-8")
    out = tmp_path / "out"
    code, _, stderr = invoke("audit", POLICIES, "--checklist", str(bad), "--out", str(out))
    assert code == 2
    assert stderr.splitlines() == [
        f"{bad}:5:5: checks[0]: missing required key '{key}'"
        for key in ("rules", "severity", "status", "title")
    ]
    assert not out.exists()


def test_missing_input_path_is_usage_error(tmp_path: Path) -> None:
    code, _, stderr = invoke(
        "audit", str(tmp_path / "nope"), "--checklist", BASELINE, "--out", str(tmp_path)
    )
    assert code == 2
    assert stderr.strip() == f"auditor: {tmp_path / 'nope'}: no such file or folder"


def test_unknown_format_is_usage_error(tmp_path: Path) -> None:
    code, _, stderr = invoke("audit", POLICIES, "--format", "pdf", "--out", str(tmp_path))
    assert code == 2
    assert "Invalid value: unknown format 'pdf'; choose from json, csv" in stderr


def test_validate(tmp_path: Path) -> None:
    code, stdout, _ = invoke("validate", BASELINE)
    assert (code, stdout.strip()) == (0, f"{BASELINE}: ok (5 checks)")
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: X\nversion: '1'\nchecks: []\n", "utf-8")
    code, _, stderr = invoke("validate", str(bad))
    assert (code, stderr.strip()) == (2, f"{bad}:4:9: checks: must not be empty")


def test_checks_lists_every_check() -> None:
    code, stdout, _ = invoke("checks", "--checklist", BASELINE)
    assert code == 0
    for check_id in (
        "coppa-age-statement",
        "opt-out-mechanism",
        "security-disclosure",
        "contact-address",
        "last-updated-date",
    ):
        assert check_id in stdout


def test_explain_shows_rules_and_candidates() -> None:
    policy = str(ROOT / "policies" / "smartertools.com_2008-12-16.md")
    code, stdout, _ = invoke(
        "explain", policy, "--check", "last-updated-date", "--checklist", BASELINE
    )
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0].startswith(f"last-updated-date on {policy}: FAIL")
    assert "  date = None" in lines
    assert any(line.startswith("  ✗ labelled-date [extract]") for line in lines)
    # The promise to revise a "last updated" date is shown with the reason it was rejected.
    promise = next(
        i
        for i, line in enumerate(lines)
        if "last updated" in line.lower() and "line" not in line and "✗" not in line
    )
    assert lines[promise + 1] == ("    ✗ labelled-date: trigger words but no date in the sentence")


def test_explain_unknown_check(tmp_path: Path) -> None:
    code, _, stderr = invoke(
        "explain",
        POLICIES + "/strongmail.com_2007-12-26.md",
        "--check",
        "nope",
        "--checklist",
        BASELINE,
    )
    assert code == 2
    assert stderr.startswith("auditor: no check 'nope'")


@pytest.mark.parametrize(
    ("policy", "problem"),
    [
        ("missing.md", "no such file"),
        (POLICIES, "is a folder; explain takes one policy file"),
    ],
)
def test_explain_needs_one_existing_file(policy: str, problem: str) -> None:
    code, stdout, stderr = invoke(
        "explain", policy, "--check", "security-disclosure", "--checklist", BASELINE
    )
    assert (code, stdout, stderr) == (2, "", f"auditor: {policy}: {problem}\n")


def test_a_folder_read_as_a_document_is_named_a_folder() -> None:
    with pytest.raises(DocumentError, match=r"^not a regular file \(folder\)$"):
        load_document(Path(POLICIES))


def test_reports_get_the_usual_file_mode(audited: Path) -> None:
    mask = os.umask(0)
    os.umask(mask)
    for name in ("results.json", "findings.csv"):
        assert stat.S_IMODE((audited / name).stat().st_mode) == 0o666 & ~mask
