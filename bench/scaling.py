"""How `--jobs N` scales against `--jobs 1`, measured interleaved: `python -m bench.scaling`.

On a shared machine the same run can take 5-10 % longer an hour later, so a `--jobs 1` run and
a `--jobs 2` run made minutes apart can make the scaling look anywhere from 1.75x to 1.95x.
This command runs the real CLI of one commit (default HEAD, extracted as `bench.ab` does) at
`--jobs 1` and at `--jobs N` in turn, alternating which goes first, `--rounds` times per
corpus; the scaling of a round is its `--jobs 1` wall time over its `--jobs N` wall time, and
the figure reported is the median of the rounds (with the lowest and highest). It also checks
that every run wrote the same findings.csv. Figures go to bench/work/scaling.{json,md}. Not a
test: nothing here asserts a speed.

    python -m bench.scaling                              # HEAD, 1k and 10k, --jobs 2, 3 rounds
    python -m bench.scaling --ref d20f87d --sizes 10000 --rounds 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from typing import Any

from bench.ab import _AB, audit_once, extract
from bench.run import corpus_for, machine, publish, warm_checklist


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    jobs = results["jobs"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}; commit "
        f"{results['commit']}; {m['date']}.",
        f"Command: `{results['command']}` ({results['rounds']} rounds, alternating order).",
        "",
        f"| corpus | files | `--jobs 1` wall s | `--jobs {jobs}` wall s | scaling (median) "
        f"| scaling (lowest-highest) | `--jobs 1` CPU s | `--jobs {jobs}` CPU s "
        "| same findings.csv |",
        "|---|---:|---:|---:|---:|---|---:|---:|---|",
    ]
    for row in results["rows"]:
        ratios = row["ratios"]
        lines.append(
            f"| {row['corpus']} | {row['files']:,} "
            f"| {statistics.median(r['wall'] for r in row['one']):.2f} "
            f"| {statistics.median(r['wall'] for r in row['many']):.2f} "
            f"| {statistics.median(ratios):.2f}x | {min(ratios):.2f}x-{max(ratios):.2f}x "
            f"| {statistics.median(r['cpu'] for r in row['one']):.2f} "
            f"| {statistics.median(r['cpu'] for r in row['many']):.2f} "
            f"| {'yes' if row['identical'] else 'NO'} |"
        )
    lines += [
        "",
        "Scaling of a round: its `--jobs 1` wall time over its `--jobs "
        f"{jobs}` wall time. Wall times: medians of the rounds; CPU: user + system time of the "
        "whole process tree (medians).",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scaling", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--ref", default="HEAD", help="the commit to measure")
    parser.add_argument("--sizes", default="1000,10000", help="'real' and/or counts")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)

    sha, code = extract(args.ref)
    results: dict[str, Any] = {
        "machine": machine(),
        "command": "python -m bench.scaling "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "commit": sha,
        "jobs": args.jobs,
        "rounds": args.rounds,
        "rows": [],
    }
    out = _AB / "out" / "scaling"
    warm_checklist(code)
    for size in args.sizes.split(","):
        name, paths, stats = corpus_for(size, args.seed)
        files = stats["files"]
        print(f"{name}: --jobs 1 against --jobs {args.jobs}", file=sys.stderr)
        row: dict[str, Any] = {"corpus": name, "files": files, "one": [], "many": [], "ratios": []}
        for i in range(args.rounds):
            order = [1, args.jobs] if i % 2 == 0 else [args.jobs, 1]
            walls: dict[int, float] = {}
            for jobs in order:
                run = audit_once(code, paths, jobs, out)
                row["one" if jobs == 1 else "many"].append(run)
                walls[jobs] = run["wall"]
                print(f"  --jobs {jobs}: {run['wall']:.2f} s wall", file=sys.stderr)
            row["ratios"].append(walls[1] / walls[args.jobs])
        row["identical"] = len({r["findings_sha256"] for r in row["one"] + row["many"]}) == 1
        results["rows"].append(row)
    shutil.rmtree(out, ignore_errors=True)
    publish("scaling", results, markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
