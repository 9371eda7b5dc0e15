"""Without --checklist, commands read `checklists/baseline.yaml` in the current folder, or else
the baseline installed with the package, so that `auditor audit` works from any folder."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "checklists" / "baseline.yaml"
SHIPPED = ROOT / "auditor" / "data" / "baseline.yaml"


def _audit(cwd: Path, policy: Path, out: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "auditor", "audit", str(policy), "--out", str(out)]
        + ["-q", "--format", "json"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    checklist = json.loads((out / "results.json").read_text("utf-8"))["checklist"]
    assert isinstance(checklist, dict)
    return checklist


def test_the_shipped_baseline_is_the_projects_baseline() -> None:
    # A link, so the two cannot drift apart; a wheel holds a copy of the file it points to.
    assert SHIPPED.is_symlink()
    assert SHIPPED.resolve() == BASELINE.resolve()


def test_outside_the_project_the_installed_baseline_is_used(tmp_path: Path) -> None:
    policy = min((ROOT / "policies").glob("*.md"))
    checklist = _audit(tmp_path, policy, tmp_path / "out")
    assert Path(str(checklist["path"])) == SHIPPED
    assert checklist["sha256"] == hashlib.sha256(BASELINE.read_bytes()).hexdigest()
    assert checklist["id"] == "baseline"


def test_in_a_folder_with_its_own_baseline_that_one_is_used(tmp_path: Path) -> None:
    own = tmp_path / "checklists" / "baseline.yaml"
    own.parent.mkdir()
    own.write_bytes(BASELINE.read_bytes().replace(b'version: "1.0.0"', b'version: "9.9.9"', 1))
    policy = min((ROOT / "policies").glob("*.md"))
    checklist = _audit(tmp_path, policy, tmp_path / "out")
    assert checklist["path"] == "checklists/baseline.yaml"
    assert checklist["version"] == "9.9.9"
