"""Instructions of a whole one-policy audit, counted by callgrind: `python -m bench.startup_icount`.

`bench.icount` counts the warm per-document path and leaves start-up out; on a small run start-up
is most of the time (about 0.3 s against 3 ms a policy). This counts the whole CLI process,
interpreter start to exit, auditing one sample policy into JSON, CSV and a scorecard, with the
checklist cache warm (as on every run after a reviewer's first with a checklist) and the
bytecode written (as an installation does).

    python -m bench.startup_icount                 # the working tree
    python -m bench.startup_icount 99f6f17 HEAD    # two commits (`auditor/`, `checklists/`)

Needs valgrind; each count takes about half a minute. Not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import compileall
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.icount import callgrind, compare
from bench.run import ROOT

POLICY = ROOT / "policies" / "strongmail.com_2007-12-26.md"


def instructions(code: Path) -> float:
    """Million instructions of one audit of POLICY by the code in `code`, the second of two
    runs."""
    compileall.compile_dir(str(code / "auditor"), quiet=1)  # no module compiled at each start
    checklist = str(code / "checklists" / "baseline.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        args = ["-m", "auditor", "audit", str(POLICY), "--checklist", checklist]
        # No budgets: their timer would look at the policy as often as the machine is busy.
        args += ["--out", f"{tmp}/out", "--jobs", "1", "--timeout", "0", "--max-memory", "0", "-q"]
        env = {"PYTHONPATH": str(code), "AUDITOR_CACHE_DIR": f"{tmp}/cache"}
        warm = subprocess.run([sys.executable, *args], env={**os.environ, **env}, cwd=tmp)
        if warm.returncode != 0:  # the first run fills the checklist cache
            raise SystemExit(f"the audit failed (exit {warm.returncode})")
        count, _ = callgrind(args, env)
    return count / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup_icount")
    parser.add_argument("refs", nargs="*", help="commits to count (default: the working tree)")
    args = parser.parse_args(argv)
    if not args.refs:
        print(f"working tree: {instructions(ROOT):.1f} M instructions for one policy")
        return 0
    compare(args.refs, instructions, "M instructions for one policy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
