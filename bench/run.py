"""Benchmark harness: build corpora, audit them, time GNU grep on the same files, report.

    python -m bench                      # real corpus, 1k and 10k generated policies
    python -m bench --sizes real,100000 --jobs 2
    python -m bench --dask 1,2           # also the Dask engine on a local cluster

For every corpus and every `--jobs` value it runs the real `auditor audit` (JSON + CSV + every
other registered report) in a child process and reports policies per second, MB per second, the
peak memory of the audit's whole process tree as the operating system saw it, the time of each
stage (from `--jobs 1` runs, see bench/probe.py), and the ratio to GNU grep scanning the same
files for the checklist's trigger phrases. Figures go to bench/work/results.{json,md}.
Not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import yaml

from bench.corpus_gen import CORPUS, build, corpus_stats

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
CACHE = WORK / "cache"
"""The checklist cache of every audit the harnesses run (`auditor/checklist/cache.py`), filled
by `warm_checklist` before the first timed run: every figure is of a warm start, as is every
run after a reviewer's first one with a checklist."""


def audit_env(code: Path = ROOT) -> dict[str, str]:
    """The environment of an audit run by a harness, with the code in `code` first on the path."""
    return {**os.environ, "PYTHONPATH": str(code), "AUDITOR_CACHE_DIR": str(CACHE)}


def warm_checklist(code: Path = ROOT) -> None:
    """Let the code in `code` remember its baseline checklist, untimed (`auditor validate`
    loads it; code older than the cache does nothing more)."""
    checklist = code / "checklists" / "baseline.yaml"
    subprocess.run(
        [sys.executable, "-m", "auditor", "validate", str(checklist)],
        cwd=code,
        env=audit_env(code),
        capture_output=True,
        check=False,
    )


PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_EXPR_KEYS = ("match", "terms", "near", "heading", "unless", "in_section", "target", "text")


# --- grep floor -------------------------------------------------------------------------------


def trigger_phrases(checklist: Path) -> list[str]:
    """Every plain phrase in the checklist's expressions (regex leaves are RE2, not ERE: left
    out, so grep does less work than the audit: a floor)."""
    data = yaml.safe_load(checklist.read_text(encoding="utf-8"))
    phrases: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, str):
            phrases.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict) and "regex" not in node:
            for value in node.values():
                walk(value)

    for check in data["checks"]:
        for rule in check["rules"]:
            for key in _EXPR_KEYS:
                if key in rule:
                    walk(rule[key])
    return list(dict.fromkeys(phrases))


def phrase_ere(phrase: str) -> str:
    """POSIX ERE for a checklist phrase: a trailing `*` is a word wildcard, spaces are flexible."""
    text = phrase.strip()
    wildcard = text.endswith("*")
    text = text.rstrip("*")
    out = re.sub(r"([.\[\]()*+?{}|^$\\])", r"\\\1", text)
    out = re.sub(r"\s+", "[[:space:]-]+", out)
    return out + ("[[:alnum:]_]*" if wildcard else "")


def time_grep(paths: list[Path], triggers: Path, repeat: int = 3) -> dict[str, Any]:
    """Best of `repeat` runs of `grep -r -c -i -E -f triggers` over the files (C locale)."""
    grep = shutil.which("grep")
    if grep is None:
        return {"seconds": None, "command": "grep not found"}
    cmd = [grep, "-r", "-c", "-i", "-E", "-f", str(triggers), *map(str, paths)]
    env = {**os.environ, "LC_ALL": "C"}
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, env=env, check=False)
        best = min(best, time.perf_counter() - start)
    version = subprocess.run([grep, "--version"], capture_output=True, text=True).stdout
    return {
        "seconds": best,
        "command": "LC_ALL=C grep -r -c -i -E -f triggers.txt PATHS",
        "version": version.splitlines()[0] if version else "",
    }


# --- memory from the operating system ---------------------------------------------------------


class TreeMemory(threading.Thread):
    """Samples the resident memory of a process and all its descendants, keeping the peak."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.peak_processes = 0
        self.timeline: list[tuple[float, int]] = []  # (seconds from start, bytes), ~1 per second
        self._done = threading.Event()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(children.get(pid, []))
        return tree

    def run(self) -> None:
        if not Path("/proc").is_dir():
            return
        start = time.perf_counter()
        while not self._done.is_set():
            total = 0
            pids = self._tree()
            for pid in pids:
                try:
                    total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
                except (OSError, IndexError, ValueError):
                    continue
            if total > self.peak:
                self.peak, self.peak_processes = total, len(pids)
            elapsed = time.perf_counter() - start
            if not self.timeline or elapsed - self.timeline[-1][0] >= 1.0:
                self.timeline.append((round(elapsed, 1), total))
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (/proc/stat), 0 if unknown."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return 0.0
    ticks = [int(f) for f in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


# --- one audit --------------------------------------------------------------------------------


def run_audit(
    name: str, paths: list[Path], jobs: int, formats: str, extra: list[str] | None = None
) -> dict[str, Any]:
    """Run `auditor audit` through bench.probe in a child process; figures of that run."""
    label = f"{name}-j{jobs}" + ("-" + "-".join(a.strip("-") for a in extra) if extra else "")
    out = WORK / "out" / label
    if out.exists():
        shutil.rmtree(out)
    stages_file = WORK / "out" / f"{label}.stages.json"
    stages_file.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "bench.probe",
        "--stages-to",
        str(stages_file),
        "--",
        *map(str, paths),
        "--out",
        str(out),
        "--format",
        formats,
        "--jobs",
        str(jobs),
        "-q",
        *(extra or []),
    ]
    busy_before = busy_cpu_seconds()
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=audit_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    memory = TreeMemory(proc.pid)
    memory.start()
    _, stderr = proc.communicate()
    wall = time.perf_counter() - start
    busy = busy_cpu_seconds() - busy_before
    memory.stop()
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"audit failed ({proc.returncode}): {' '.join(cmd)}\n{stderr.decode()}")
    probe = json.loads(stages_file.read_text())
    csv_path = out / "findings.csv"
    return {
        "label": label,
        "jobs": jobs,
        "extra": extra or [],
        "wall": wall,
        "audit_wall": probe["wall"],
        "peak_rss_tree": memory.peak,
        "peak_processes": memory.peak_processes,
        "rss_timeline": memory.timeline,
        "vm_hwm_main": probe["vm_hwm_kb"] * 1024,
        # Peak of the main process before any report was written: the audit and the spool.
        "vm_hwm_main_before_write": probe.get("marks", {}).get("vm_hwm_kb_before_write", 0) * 1024,
        "vm_hwm_main_after_audit": probe.get("marks", {}).get("vm_hwm_kb_after_audit", 0) * 1024,
        "maxrss_child": probe["maxrss_children_kb"] * 1024,
        "cpu": probe["cpu_self"] + probe["cpu_children"],
        # CPU the rest of the machine used meanwhile: other work on a shared machine skews
        # the figures, and this says by how much.
        "other_cpu": max(0.0, busy - probe["cpu_self"] - probe["cpu_children"]),
        "stages": probe["stages"],
        "calls": probe["calls"],
        "missing_hooks": probe["missing_hooks"],
        "findings_sha256": (
            hashlib.sha256(csv_path.read_bytes()).hexdigest() if csv_path.exists() else ""
        ),
        "errors_in_stderr": stderr.decode(errors="replace").count(": ERROR:"),
    }


# --- machine ----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """Where the figures come from."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = bool(
        subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_bytes": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


# --- report -----------------------------------------------------------------------------------


def _mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB"


def markdown(results: dict[str, Any]) -> str:
    """The figures as markdown tables (pasted into docs/performance.md)."""
    m = results["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_bytes'] / 2**30:.0f} GiB, "
        f"{m['os']}, Python {m['python']}; commit {m['commit']}; {m['date']}.",
        f"Command: `{results['command']}`",
        "",
        "| corpus | files | MB | engine | jobs | wall s | policies/s | policies/s/core "
        "| MB/s | peak RSS (tree) | CPU s | other CPU s | grep s | ratio to grep |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for corpus in results["corpora"]:
        files, size = corpus["files"], corpus["bytes"]
        grep = corpus["grep"]["seconds"]
        for run in corpus["runs"]:
            engine = "dask" if "--engine" in run["extra"] else "local"
            workers = run["jobs"]
            rate = files / run["wall"]
            lines.append(
                f"| {corpus['name']} | {files:,} | {size / 1e6:,.1f} | {engine} | {workers} "
                f"| {run['wall']:.2f} | {rate:,.0f} | {rate / workers:,.0f} "
                f"| {size / 1e6 / run['wall']:.2f} | {_mb(run['peak_rss_tree'])} "
                f"| {run['cpu']:.0f} | {run.get('other_cpu', 0):.0f} "
                f"| {grep:.3f} | {run['wall'] / grep:,.0f}x |"
            )
    staged = [
        (corpus, run)
        for corpus in results["corpora"]
        for run in corpus["runs"]
        if run["jobs"] == 1 and not run["extra"]
    ]
    if staged:
        lines += [
            "",
            "Stages (`--jobs 1`, seconds; load = read + decode + parse; parse and segment are "
            "part of load, shown apart):",
            "",
            "| corpus | read | decode | parse | segment | load | evaluate | "
            + " | ".join(f"write {f}" for f in results["formats"])
            + " | whole audit |",
            "|---|" + "---:|" * (7 + len(results["formats"])),
        ]
    for corpus, run in staged:
        s = run["stages"]
        cells = [f"{s.get(k, 0):.2f}" for k in ("read", "decode", "parse", "segment", "load")]
        cells.append(f"{s.get('evaluate', 0):.2f}")
        cells += [f"{s.get('write ' + f, 0):.2f}" for f in results["formats"]]
        cells.append(f"{s.get('audit', 0) + s.get('write', 0):.2f}")
        lines.append(f"| {corpus['name']} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Audit and reports, every run (seconds, in the main process). With more than one job "
        "and more than 100 policies the reports are written at the same time by worker "
        "processes: only their total is seen here (per-format columns show -).",
        "",
        "| corpus | engine | jobs | audit | all reports | "
        + " | ".join(f"write {f}" for f in results["formats"])
        + " |",
        "|---|---|---:|---:|---:|" + "---:|" * len(results["formats"]),
    ]
    for corpus in results["corpora"]:
        for run in corpus["runs"]:
            engine = "dask" if "--engine" in run["extra"] else "local"
            s = run["stages"]
            cells = [f"{s.get('audit', 0):.1f}", f"{s.get('write', 0):.1f}"]
            cells += [
                f"{s['write ' + f]:.1f}" if "write " + f in s else "-" for f in results["formats"]
            ]
            lines.append(
                f"| {corpus['name']} | {engine} | {run['jobs']} | " + " | ".join(cells) + " |"
            )
    lines += [
        "",
        "Memory (resident, from the OS): the whole process tree, and the main process's peak "
        "(VmHWM) when the audit returned, when report writing began, and at the end:",
        "",
        "| corpus | engine | jobs | tree peak | main after audit | main before reports "
        "| main at end |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for corpus in results["corpora"]:
        for run in corpus["runs"]:
            engine = "dask" if "--engine" in run["extra"] else "local"
            lines.append(
                f"| {corpus['name']} | {engine} | {run['jobs']} | {_mb(run['peak_rss_tree'])} "
                f"| {_mb(run.get('vm_hwm_main_after_audit', 0))} "
                f"| {_mb(run.get('vm_hwm_main_before_write', 0))} | {_mb(run['vm_hwm_main'])} |"
            )
    same = all(len({r["findings_sha256"] for r in c["runs"]}) == 1 for c in results["corpora"])
    lines += [
        "",
        "findings.csv identical across every jobs value and engine: "
        + ("yes" if same else "NO (see results.json)"),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="real,1000,10000", help="'real' and/or counts")
    parser.add_argument("--jobs", default=f"1,{os.cpu_count() or 1}", help="--jobs values")
    parser.add_argument("--dask", default="", help="Dask local-cluster worker counts, e.g. 1,2")
    parser.add_argument("--formats", default="", help="report formats (default: all)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--checklist", type=Path, default=ROOT / "checklists" / "baseline.yaml")
    parser.add_argument("--keep-out", action="store_true", help="keep the reports of each run")
    args = parser.parse_args(argv)

    from auditor.reporters import DEFAULT_FORMATS

    formats = args.formats or ",".join(DEFAULT_FORMATS)
    precompile(ROOT)
    WORK.mkdir(parents=True, exist_ok=True)
    triggers = WORK / "triggers.txt"
    phrases = trigger_phrases(args.checklist)
    triggers.write_text("\n".join(phrase_ere(p) for p in phrases) + "\n")
    results: dict[str, Any] = {
        "machine": machine(),
        "command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:]),
        "formats": formats.split(","),
        "trigger_phrases": len(phrases),
        "corpora": [],
    }
    warm_checklist()
    for size in args.sizes.split(","):
        name, paths, stats = corpus_for(size, args.seed)
        grep = time_grep(paths, triggers)
        corpus: dict[str, Any] = {"name": name, **stats, "grep": grep, "runs": []}
        runs: list[tuple[int, list[str]]] = [(int(j), []) for j in args.jobs.split(",") if j]
        runs += [(int(w), ["--engine", "dask"]) for w in args.dask.split(",") if w]
        for jobs, extra in runs:
            print(
                f"{name}: auditing, jobs={jobs} {' '.join(extra)} ...", file=sys.stderr, flush=True
            )
            run = run_audit(name, paths, jobs, formats, extra)
            rate = stats["files"] / run["wall"]
            print(
                f"  {run['wall']:.2f} s, {rate:,.0f} policies/s, "
                f"{stats['bytes'] / 1e6 / run['wall']:.2f} MB/s, peak {_mb(run['peak_rss_tree'])}, "
                f"{run['wall'] / grep['seconds']:,.0f}x grep ({grep['seconds']:.3f} s)",
                file=sys.stderr,
                flush=True,
            )
            corpus["runs"].append(run)
            if not args.keep_out:
                shutil.rmtree(WORK / "out" / run["label"], ignore_errors=True)
        results["corpora"].append(corpus)
    publish("results", results, markdown(results))
    return 0


def publish(name: str, results: dict[str, Any], table: str) -> None:
    """Write the figures to bench/work/NAME.json and the table to NAME.md, and print it."""
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / f"{name}.json").write_text(json.dumps(results, indent=1))
    (WORK / f"{name}.md").write_text(table)
    print(table)


def precompile(code: Path) -> None:
    """Write the bytecode of `code`'s `auditor` package, as an installation does. Without it
    every measured run compiles each module from source again when the environment sets
    PYTHONDONTWRITEBYTECODE (the bench machines do): about 0.08 s of CPU per start."""
    compileall.compile_dir(code / "auditor", quiet=1)


def corpus_for(size: str, seed: int) -> tuple[str, list[Path], dict[str, int]]:
    """A corpus named on the command line ('real' or a count): its name, its folders and its
    `files` and `bytes`; a generated one is built first if it is not there yet."""
    if size == "real":
        paths = [CORPUS / "md", CORPUS / "html"]
        stats = {k: sum(corpus_stats(p)[k] for p in paths) for k in ("files", "bytes")}
        return "real", paths, stats
    n = int(size)
    print(f"corpus of {n:,} policies (built if missing) ...", file=sys.stderr, flush=True)
    folder = build(n, WORK, seed)
    return f"{n // 1000}k" if n >= 1000 else str(n), [folder], corpus_stats(folder)


if __name__ == "__main__":
    sys.exit(main())
