"""Compare two commits on the same corpus, interleaved: `python -m bench.ab BASE [HEAD]`.

The bench machines are shared, and the same commit can run 5-10 % slower an hour later. Figures
taken at different times therefore cannot tell a 7 % gain from drift. This command extracts both
commits (`git archive`: the `auditor` package and `checklists/`), then runs the real CLI of each
in turn, alternating which goes first, `--rounds` times per corpus, and reports the median wall
and CPU time of each and their ratio. It also checks that both wrote the same findings.csv.
Figures go to bench/work/ab.{json,md}. Not a test: nothing here asserts a speed.

    python -m bench.ab edc661e               # edc661e against HEAD, real corpus and 1k, --jobs 1
    python -m bench.ab edc661e HEAD --sizes 1000,10000 --jobs 2 --rounds 3
"""

from __future__ import annotations

import argparse
import hashlib
import io
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

from bench.run import (
    ROOT,
    WORK,
    audit_env,
    corpus_for,
    machine,
    precompile,
    publish,
    warm_checklist,
)

_AB = WORK / "ab"


def extract(ref: str) -> tuple[str, Path]:
    """The commit `ref` resolves to and a folder holding its `auditor/` (with its bytecode) and
    `checklists/`."""
    sha = subprocess.run(
        ["git", "rev-parse", "--short", f"{ref}^{{commit}}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    folder = _AB / sha
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "archive", "--format=tar", sha, "auditor", "checklists"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        (folder / ".complete").touch()
    precompile(folder)
    return sha, folder


def audit_once(code: Path, paths: list[Path], jobs: int, out: Path) -> dict[str, Any]:
    """One cold `auditor audit` with the code in `code`: wall and CPU seconds (its whole
    process tree), and the SHA-256 of the findings.csv it wrote."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [
        sys.executable,
        "-m",
        "auditor",
        "audit",
        *map(str, paths),
        "--checklist",
        str(code / "checklists" / "baseline.yaml"),
        "--jobs",
        str(jobs),
        "--format",
        "json,csv,xlsx",
        "-q",
        "--out",
        str(out),
    ]
    # The code under test first on the path, ahead of the installed (editable) auditor; run from
    # its folder so the current directory adds nothing else.
    env = audit_env(code)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=code, env=env, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"audit failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    findings = (out / "findings.csv").read_bytes()
    return {"wall": wall, "cpu": cpu, "findings_sha256": hashlib.sha256(findings).hexdigest()}


def compare(
    refs: list[tuple[str, Path]], paths: list[Path], jobs: int, rounds: int
) -> dict[str, list[dict[str, Any]]]:
    """`rounds` runs of each ref, alternating which runs first in a round."""
    runs: dict[str, list[dict[str, Any]]] = {sha: [] for sha, _ in refs}
    for _, code in refs:
        warm_checklist(code)
    for i in range(rounds):
        order = refs if i % 2 == 0 else refs[::-1]
        for sha, code in order:
            run = audit_once(code, paths, jobs, _AB / "out" / sha)
            runs[sha].append(run)
            print(f"  {sha}: {run['wall']:.2f} s wall, {run['cpu']:.2f} s CPU", file=sys.stderr)
    return runs


def summary(runs: list[dict[str, Any]]) -> dict[str, float]:
    walls = [r["wall"] for r in runs]
    cpus = [r["cpu"] for r in runs]
    return {
        "wall_median": statistics.median(walls),
        "wall_best": min(walls),
        "cpu_median": statistics.median(cpus),
        "cpu_best": min(cpus),
    }


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    base, head = results["base"], results["head"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}; {m['date']}.",
        f"Command: `{results['command']}` ({results['rounds']} rounds, alternating order).",
        "",
        f"| corpus | files | jobs | {base} wall s | {head} wall s | speed-up (wall) "
        f"| {base} CPU s | {head} CPU s | speed-up (CPU) | {head} policies/s/core "
        "| same findings.csv |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in results["rows"]:
        b, h = row["summary"][base], row["summary"][head]
        per_core = row["files"] / h["wall_median"] / row["jobs"]
        lines.append(
            f"| {row['corpus']} | {row['files']:,} | {row['jobs']} "
            f"| {b['wall_median']:.2f} | {h['wall_median']:.2f} "
            f"| {b['wall_median'] / h['wall_median']:.2f}x "
            f"| {b['cpu_median']:.2f} | {h['cpu_median']:.2f} "
            f"| {b['cpu_median'] / h['cpu_median']:.2f}x | {per_core:,.0f} "
            f"| {'yes' if row['identical'] else 'NO'} |"
        )
    lines.append("")
    lines.append("Medians of the rounds; CPU: user + system time of the whole process tree.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the commit to compare against")
    parser.add_argument("head", nargs="?", default="HEAD")
    parser.add_argument("--sizes", default="real,1000", help="'real' and/or counts")
    parser.add_argument("--jobs", default="1", help="--jobs values, e.g. 1,2")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)

    refs = [extract(args.base), extract(args.head)]
    (base, _), (head, _) = refs
    results: dict[str, Any] = {
        "machine": machine(),
        "command": "python -m bench.ab " + " ".join(argv if argv is not None else sys.argv[1:]),
        "base": base,
        "head": head,
        "rounds": args.rounds,
        "rows": [],
    }
    for size in args.sizes.split(","):
        name, paths, stats = corpus_for(size, args.seed)
        files = stats["files"]
        for jobs in (int(j) for j in args.jobs.split(",")):
            print(f"{name}, --jobs {jobs}:", file=sys.stderr)
            runs = compare(refs, paths, jobs, args.rounds)
            shas = {r["findings_sha256"] for rs in runs.values() for r in rs}
            results["rows"].append(
                {
                    "corpus": name,
                    "files": files,
                    "jobs": jobs,
                    "runs": runs,
                    "summary": {sha: summary(rs) for sha, rs in runs.items()},
                    "identical": len(shas) == 1,
                }
            )
    shutil.rmtree(_AB / "out", ignore_errors=True)
    publish("ab", results, markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
