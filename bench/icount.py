"""Instructions per document, counted by callgrind: `python -m bench.icount [REF ...]`.

Wall-clock figures on a shared machine drift 5-10 % within an hour (see bench/ab.py), and a
second process on the other core slows both. Callgrind counts the instructions a run executes
instead: the same code on the same input gives the same count within about 0.2 %, whatever else
the machine is doing, so a 2 % change shows even while other work runs. Instructions are not
time (cache misses and branch mispredictions cost more than their count), so a gain found here
is confirmed with `bench.ab` before it is written down as a speed.

What is counted is the per-document path of one worker, warm: load, segment and evaluate each
document of the real corpus (`bench/corpus/`, 162 documents) with a compiled checklist, as
`bench.profile` does. Two runs under callgrind, one that only warms up (imports, checklist,
RE2 automata, one pass) and one that then audits the corpus `--repeat` more times; the
difference, divided by the documents, is the figure. Reports are not counted.

    python -m bench.icount                 # the working tree
    python -m bench.icount bc8db3a HEAD     # two commits (their `auditor/` and `checklists/`)

Needs valgrind; each count takes about two minutes. Not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.ab import extract
from bench.corpus_gen import CORPUS
from bench.run import ROOT

# Run in the child: warm up, then audit the corpus `repeat` times (0: warm-up only).
_CHILD = """
import sys
from pathlib import Path
from auditor.audit import Limits, audit_source, discover
from auditor.checklist.compiled import load_checklist

checklist = load_checklist(Path(sys.argv[1]))
sources = discover([Path(p) for p in sys.argv[3:]])
# No budgets: under valgrind their timer looks at a document as often as the machine is busy, so
# its instructions would vary from run to run (natively it never looks at a 4 ms document).
# Commits older than the memory budget have no `max_memory`.
off = {"timeout": 0, "max_memory": 0}
limits = Limits(**{k: v for k, v in off.items() if k in Limits.__dataclass_fields__})
print(len(sources))
for _ in range(1 + int(sys.argv[2])):
    for source in sources:
        audit_source(checklist, source, limits)
"""
_COLLECTED = re.compile(r"Collected : (\d+)")


def callgrind(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Instructions callgrind counts for `python ARGS` (run in a scratch folder, with `env`
    added to the environment and a fixed hash seed, so set and dict orders repeat), and what
    it printed."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/callgrind.out"]
        full_env = {**os.environ, "PYTHONHASHSEED": "0", **env}
        proc = subprocess.run(
            [*cmd, sys.executable, *args], cwd=tmp, env=full_env, capture_output=True, text=True
        )
    found = _COLLECTED.search(proc.stderr)
    if proc.returncode != 0 or found is None:
        raise SystemExit(f"callgrind run failed:\n{proc.stderr[-2000:]}")
    return int(found.group(1)), proc.stdout


def instructions(code: Path, repeat: int) -> tuple[int, int]:
    """Instructions callgrind counts for the child with the code in `code`, and the number of
    documents in the corpus."""
    paths = [str(CORPUS / "md"), str(CORPUS / "html")]
    checklist = str(code / "checklists" / "baseline.yaml")
    # The code under test first on the path, ahead of the installed (editable) auditor.
    count, out = callgrind(
        ["-c", _CHILD, checklist, str(repeat), *paths], {"PYTHONPATH": str(code)}
    )
    return count, int(out)


def per_document(code: Path, repeat: int) -> float:
    """Million instructions per document of the warm per-document path."""
    full, documents = instructions(code, repeat)
    warm, _ = instructions(code, 0)
    return (full - warm) / (documents * repeat) / 1e6


def compare(refs: list[str], count: Callable[[Path], float], unit: str) -> None:
    """Print `count` of each commit's code (see `bench.ab.extract`), with its ratio to the
    first's."""
    first = None
    for ref in refs:
        sha, code = extract(ref)
        value = count(code)
        ratio = "" if first is None else f" ({value / first:.3f}x the first)"
        first = value if first is None else first
        print(f"{ref} ({sha}): {value:.3f} {unit}{ratio}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.icount")
    parser.add_argument("refs", nargs="*", help="commits to count (default: the working tree)")
    parser.add_argument("--repeat", type=int, default=1, help="passes over the corpus counted")
    args = parser.parse_args(argv)
    if not args.refs:
        print(f"working tree: {per_document(ROOT, args.repeat):.3f} M instructions per document")
        return 0
    compare(args.refs, lambda code: per_document(code, args.repeat), "M instructions per document")
    return 0


if __name__ == "__main__":
    sys.exit(main())
