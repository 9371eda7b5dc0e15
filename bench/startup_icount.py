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
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.ab import extract
from bench.run import ROOT

POLICY = ROOT / "policies" / "strongmail.com_2007-12-26.md"
_COLLECTED = re.compile(r"Collected : (\d+)")


def instructions(code: Path) -> int:
    """Instructions of one audit of POLICY by the code in `code`, the second of two runs."""
    compileall.compile_dir(str(code / "auditor"), quiet=1)  # no module compiled at each start
    checklist = str(code / "checklists" / "baseline.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        cli = [sys.executable, "-m", "auditor", "audit", str(POLICY), "--checklist", checklist]
        # No budgets: their timer would look at the policy as often as the machine is busy.
        cli += ["--out", f"{tmp}/out", "--jobs", "1", "--timeout", "0", "--max-memory", "0", "-q"]
        env = {
            **os.environ,
            "PYTHONPATH": str(code),
            "PYTHONHASHSEED": "0",
            "AUDITOR_CACHE_DIR": f"{tmp}/cache",
        }
        subprocess.run(cli, cwd=tmp, env=env, check=True, capture_output=True)  # warms the cache
        counted = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.out", *cli]
        proc = subprocess.run(counted, cwd=tmp, env=env, capture_output=True, text=True)
    found = _COLLECTED.search(proc.stderr)
    if proc.returncode != 0 or found is None:
        raise SystemExit(f"callgrind run failed:\n{proc.stderr[-2000:]}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup_icount")
    parser.add_argument("refs", nargs="*", help="commits to count (default: the working tree)")
    args = parser.parse_args(argv)
    if not args.refs:
        print(f"working tree: {instructions(ROOT) / 1e6:.1f} M instructions for one policy")
        return 0
    first = None
    for ref in args.refs:
        sha, code = extract(ref)
        count = instructions(code) / 1e6
        ratio = "" if first is None else f" ({count / first:.3f}x the first)"
        first = count if first is None else first
        print(f"{ref} ({sha}): {count:.1f} M instructions for one policy{ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
