"""Profile one process auditing the real corpus: `python -m bench.profile [--repeat N]`.

Runs the per-document path (load, segment, evaluate) over bench/corpus/ under pyinstrument (a
sampling profiler: the call tree, with little overhead) and under cProfile (exact own time per
function), and writes both to bench/work/profile.txt. Report writing is timed by `python -m bench`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

from auditor.audit import Limits, audit_source, discover
from auditor.checklist.compiled import load_checklist
from bench.corpus_gen import CORPUS
from bench.run import ROOT, WORK

_CHECKLIST = load_checklist(ROOT / "checklists" / "baseline.yaml")
_SOURCES = discover([CORPUS / "md", CORPUS / "html"])
_LIMITS = Limits(timeout=0)


def _work(repeat: int) -> int:
    """Audit the real corpus `repeat` times with one compiled checklist, as a worker does."""
    for _ in range(repeat):
        for source in _SOURCES:
            audit_source(_CHECKLIST, source, _LIMITS)
    return len(_SOURCES) * repeat


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=WORK / "profile.txt")
    args = parser.parse_args(argv)
    from pyinstrument import Profiler

    _work(1)  # warm: imports, checklist, RE2 automata
    profiler = Profiler(interval=0.0005)
    start = time.perf_counter()
    profiler.start()
    n = _work(args.repeat)
    profiler.stop()
    wall = time.perf_counter() - start
    tree = profiler.output_text(unicode=False, color=False, show_all=False)

    stats_out = io.StringIO()
    cprof = cProfile.Profile()
    cprof.enable()
    _work(args.repeat)
    cprof.disable()
    pstats.Stats(cprof, stream=stats_out).sort_stats("tottime").print_stats(25)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        f"{n} documents in {wall:.2f} s under pyinstrument ({n / wall:.0f} documents/s)\n\n"
        + tree
        + "\n\ncProfile, own time (tottime), top 25:\n"
        + stats_out.getvalue()
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
