"""Start-up: `auditor audit` imports only what auditing needs (each module costs start-up time on
every run); the other commands still find what they import late."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Run the command in a fresh interpreter and list the modules it imported.
_PROBE = """
import json, sys
from auditor.cli import cli
try:
    cli.main(sys.argv[2:], standalone_mode=False)
except SystemExit:
    pass
with open(sys.argv[1], "w") as f:
    json.dump(sorted(sys.modules), f)
"""


def _modules_after(tmp_path: Path, *args: str) -> set[str]:
    listing = tmp_path / "modules.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-c", _PROBE, str(listing), *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return set(json.loads(listing.read_text()))


def test_quiet_audit_imports_neither_rich_nor_eval_nor_ssl(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for _ in range(2):  # the second run reads the reviews of the first run's scorecard
        modules = _modules_after(tmp_path, "audit", "policies", "--out", str(out), "-q")
        assert (out / "scorecard.xlsx").exists()
        assert not {m for m in modules if m == "rich" or m.startswith("rich.")}
        assert "auditor.eval_cli" not in modules and "auditor.evaluate" not in modules
        assert "xml.sax.saxutils" not in modules and "ssl" not in modules


def test_help_lists_the_lazy_eval_command_and_it_runs() -> None:
    from click.testing import CliRunner

    from auditor.cli import cli

    listing = CliRunner().invoke(cli, ["--help"])
    assert listing.exit_code == 0
    names = [line.split()[0] for line in listing.output.split("Commands:")[1].splitlines() if line]
    assert names == ["audit", "checks", "eval", "explain", "review", "validate"]
    assert "Audit the documents labelled in LABELS" in listing.output  # read from eval_cli
    result = CliRunner().invoke(cli, ["eval", "--help"])
    assert result.exit_code == 0 and "Usage: cli eval [OPTIONS]" in result.output



def test_an_audit_in_one_process_imports_no_process_pool(tmp_path: Path) -> None:
    from auditor.audit import BATCH

    out = str(tmp_path / "out")
    for jobs in ("1", "2"):  # five policies are fewer than a batch: no workers at --jobs 2
        modules = _modules_after(tmp_path, "audit", "policies", "--out", out, "--jobs", jobs, "-q")
        assert (tmp_path / "out" / "scorecard.xlsx").exists()
        assert "multiprocessing" not in modules and "concurrent.futures" not in modules
    many = tmp_path / "many"
    many.mkdir()
    policy = (ROOT / "policies" / "strongmail.com_2007-12-26.md").read_bytes()
    for i in range(BATCH + 1):
        (many / f"p{i:03}.md").write_bytes(policy)
    modules = _modules_after(tmp_path, "audit", str(many), "--out", out, "--jobs", "2", "-q")
    assert "concurrent.futures" in modules  # workers: the pool is imported where it is used


def test_the_console_entry_point_freezes_what_start_up_made(tmp_path: Path) -> None:
    """`auditor` (cli.main) runs its command with the start-up's objects out of the collector's
    reach; calling `cli` itself, as this test process does, leaves the collector alone."""
    probe = (
        "import gc, sys\n"
        "from auditor import cli\n"
        "before = gc.get_freeze_count()\n"
        "cli.cli = lambda: print(before, gc.get_freeze_count())\n"
        "cli.main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    before, during = map(int, done.stdout.split())
    assert before == 0 and during > 10_000  # every module, class and function of the start-up
    import gc

    from click.testing import CliRunner

    from auditor.cli import cli

    frozen = gc.get_freeze_count()
    out = str(tmp_path / "out")
    result = CliRunner().invoke(cli, ["audit", "policies", "--out", out, "--format", "csv", "-q"])
    assert result.exit_code == 0 and gc.get_freeze_count() == frozen
