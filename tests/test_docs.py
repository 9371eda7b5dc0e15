"""Docs that come from code stay in step with it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from auditor.cli import cli
from auditor.docgen import render

ROOT = Path(__file__).resolve().parents[1]


def test_checklist_language_page_is_generated_from_the_code() -> None:
    page = (ROOT / "docs" / "checklist-language.md").read_text("utf-8")
    assert page == render(), "run `make docs` to regenerate docs/checklist-language.md"


def test_readme_example_check_runs(tmp_path: Path) -> None:
    """The check written in the README is valid and does what the README says."""
    readme = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"```yaml\n(# my-checklist\.yaml.*?)```", readme, re.S)
    assert block is not None
    checklist = tmp_path / "my-checklist.yaml"
    checklist.write_text(block.group(1), "utf-8")
    policy = ROOT / "policies" / "smithmicro.com_2010-12-29.md"
    result = CliRunner().invoke(cli, ["audit", str(policy), "--checklist", str(checklist),
                                      "--out", str(tmp_path / "out"), "--format", "json", "-q"])
    assert result.exit_code == 0, result.output
    results = (tmp_path / "out" / "results.json").read_text("utf-8")
    data = json.loads(results)
    (finding,) = data["policies"][0]["findings"]
    assert finding["status"] == "PASS"
    assert finding["evidence"][0]["terms"] == ["does not sell"]
    quote = finding["evidence"][0]["quote"]
    assert "Smith Micro does not sell, rent, license or share PII" in quote
