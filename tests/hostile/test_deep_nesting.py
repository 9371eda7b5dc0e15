"""Files nested 100,000 levels deep (a checklist, labels, a review file, a results.json) are one
error line each, never a RecursionError traceback: the decoders recurse once per level."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from auditor.cli import cli

ROOT = Path(__file__).resolve().parents[2]
DEEP = "[" * 100_000 + "]" * 100_000


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def test_deep_checklist(tmp_path: Path) -> None:
    (tmp_path / "deep.yaml").write_text(DEEP, "utf-8")
    code, output = _run("validate", str(tmp_path / "deep.yaml"))
    assert code == 2
    assert output.startswith(f"{tmp_path / 'deep.yaml'}:1:")
    assert output.endswith(": nested more than 64 levels deep\n") and output.count("\n") == 1


def test_deep_labels(tmp_path: Path) -> None:
    (tmp_path / "labels.json").write_text(DEEP, "utf-8")
    code, output = _run("eval", str(tmp_path / "labels.json"), "--root", str(ROOT))
    assert code == 2
    assert output.strip().splitlines() == [
        f"auditor eval: {tmp_path / 'labels.json'}: not a JSON labels file: nested too deeply"
    ]


def test_deep_review_file_and_results(tmp_path: Path) -> None:
    out = tmp_path / "out"
    policy = tmp_path / "policies"
    policy.mkdir()
    shutil.copy(min((ROOT / "policies").iterdir()), policy)
    code, _ = _run("audit", str(policy), "--out", str(out), "-q", "--jobs", "1")
    assert code in (0, 1)
    scorecard = (out / "scorecard.xlsx").read_bytes()
    (tmp_path / "reviews.json").write_text(DEEP, "utf-8")
    code, output = _run("review", "import", str(tmp_path / "reviews.json"), "--out", str(out))
    assert code == 3  # the scorecard refused: nothing written
    assert output.strip().splitlines() == [
        f"auditor: {tmp_path / 'reviews.json'}: not a review file: nested too deeply; "
        "nothing was written"
    ]
    assert (out / "scorecard.xlsx").read_bytes() == scorecard
    # A results.json that is not an audit's: refused, nothing rewritten.
    (out / "results.json").write_text(DEEP, "utf-8")
    (tmp_path / "reviews.json").write_text('{"reviews": []}', "utf-8")
    code, output = _run("review", "import", str(tmp_path / "reviews.json"), "--out", str(out))
    assert code == 3
    assert output.startswith(f"auditor: {out / 'results.json'}: not the results of an audit (max")
    assert output.rstrip().endswith("; nothing was written")
    assert (out / "scorecard.xlsx").read_bytes() == scorecard
