"""Golden end-to-end cases: tests/cases/<name>/{checklist.yaml, policy.*, expected.json},
run through the CLI; the expected files were checked by hand (lines, offsets, quotes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import cli

CASES = sorted(p for p in (Path(__file__).parent / "cases").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case: Path, tmp_path: Path) -> None:
    policy = next(case.glob("policy.*"))
    result = CliRunner().invoke(
        cli,
        [
            "audit",
            str(policy),
            "--checklist",
            str(case / "checklist.yaml"),
            "--out",
            str(tmp_path),
            "--format",
            "json",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    (got,) = json.loads((tmp_path / "results.json").read_text("utf-8"))["policies"]
    keys = ("check_id", "status", "decided_by", "evidence", "extracted", "near_misses")
    actual = {
        "metadata": got["metadata"],
        "title": got["title"],
        "score": got["score"],
        "findings": [{k: f[k] for k in keys} for f in got["findings"]],
    }
    assert actual == json.loads((case / "expected.json").read_text("utf-8"))
    source = policy.read_text("utf-8")
    for finding in got["findings"]:
        for ev in finding["evidence"] + finding["near_misses"]:
            # Offsets and line point at the quote in the original file.
            assert source.count("\n", 0, ev["start"]) + 1 == ev["line"]
            if policy.suffix == ".md":
                assert source[ev["start"] : ev["end"]] == ev["quote"]
