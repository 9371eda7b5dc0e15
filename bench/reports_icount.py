"""Instructions per policy of writing the three reports: `python -m bench.reports_icount`.

`bench.icount` counts load, segment and evaluate; this counts `write_reports` (results.json,
findings.csv and scorecard.xlsx in one process, as an audit with `--jobs 1` writes them) on a
run audited once and kept in a pickle, so only the reports' own work is counted. Two runs under
callgrind, each of which loads the run and writes the reports once (warm: imports, styles,
caches); one then writes them `--repeat` more times. The difference, divided by the policies
written, is the figure.

    python -m bench.reports_icount --prepare           # audit the corpora once, into bench/work
    python -m bench.reports_icount                     # count, real corpus and 1k
    python -m bench.reports_icount --corpus real --profile   # cProfile of one write (not counted)

The pickles hold the models of the code that prepared them: prepare again after a change of
auditor/models.py. Not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
from pathlib import Path

from bench.corpus_gen import CORPUS
from bench.icount import callgrind
from bench.run import ROOT, WORK

CORPORA = {
    "real": [CORPUS / "md", CORPUS / "html"],
    "1k": [WORK / "corpus-1000-s6"],
}
FORMATS = ["json", "csv", "xlsx"]


def pickled(name: str) -> Path:
    return WORK / f"reports-run-{name}.pickle"


def prepare(name: str) -> None:
    """Audit corpus `name` in memory (no spool, as `--jobs 1` on up to 1,000 policies) and
    pickle the run."""
    from auditor.audit import Limits, discover, run_audit
    from auditor.checklist.compiled import load_checklist

    checklist = load_checklist(ROOT / "checklists" / "baseline.yaml")
    run = run_audit(checklist, discover(CORPORA[name]), jobs=1, limits=Limits(timeout=0))
    with pickled(name).open("wb") as out:
        pickle.dump(run, out, protocol=pickle.HIGHEST_PROTOCOL)
    print(f"{name}: {len(run.policies)} policies -> {pickled(name)}")


# Run in the child: load the run, write the reports 1 + repeat times.
_CHILD = """
import pickle, sys, tempfile
from pathlib import Path
from auditor.reporters import write_reports
with open(sys.argv[1], "rb") as f:
    run = pickle.load(f)
with tempfile.TemporaryDirectory() as tmp:
    for _ in range(1 + int(sys.argv[2])):
        write_reports(run, Path(tmp), sys.argv[3].split(","))
print(len(run.policies))
"""


def instructions(name: str, repeat: int, formats: list[str]) -> tuple[int, int]:
    count, out = callgrind(
        ["-c", _CHILD, str(pickled(name)), str(repeat), ",".join(formats)],
        {"PYTHONPATH": str(ROOT)},
    )
    return count, int(out)


def per_policy(name: str, repeat: int, formats: list[str]) -> float:
    """Million instructions per policy of writing `formats`."""
    full, policies = instructions(name, repeat, formats)
    warm, _ = instructions(name, 0, formats)
    return (full - warm) / (policies * repeat) / 1e6


def profile(name: str, formats: list[str]) -> None:
    import cProfile
    import pstats

    from auditor.reporters import write_reports

    with pickled(name).open("rb") as f:
        run = pickle.load(f)
    with tempfile.TemporaryDirectory() as tmp:
        write_reports(run, Path(tmp), formats)
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(3):
            write_reports(run, Path(tmp), formats)
        prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(40)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reports_icount")
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--corpus", default="real,1k")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    names = args.corpus.split(",")
    formats = args.formats.split(",")
    for name in names:
        if args.prepare:
            prepare(name)
        elif args.profile:
            profile(name, formats)
        else:
            count = per_policy(name, args.repeat, formats)
            print(f"{name} {','.join(formats)}: {count:.4f} M instructions per policy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
