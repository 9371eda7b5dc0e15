"""Run the reliability suites and write their figures into docs/reliability.md.

    python scripts/reliability_report.py [--slow]

Runs the hostile-input, fault and property-based tests (and, with --slow, the long fuzz job)
with pytest, reads the JUnit report and Hypothesis' statistics, and replaces the block between
the figure markers of docs/reliability.md. The figures are what the run measured, nothing else.
"""

from __future__ import annotations

import datetime as dt
import platform
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "reliability.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"
SUITES = {
    "tests/hostile/test_hostile.py": "hostile input files",
    "tests/hostile/test_faults.py": "faults (kill, full disk, read-only, interrupt)",
    "tests/hostile/test_properties.py": "property-based fuzzing",
    "tests/checklist/test_errors.py": "checklist mistakes",
    "tests/checklist/test_cache.py": "checklist cache (broken, planted, unwritable entries)",
    "tests/hostile/test_deep_nesting.py": "files nested 100,000 deep (checklist, labels, reviews)",
    "tests/test_memory_budget.py": "memory budget (main thread, threads, worker processes)",
    "tests/test_thread_budget.py": "budgets in threads, in a __del__, after the work, at exit",
    "tests/document/test_html.py": "HTML parser (malformed, nested, hostile markup)",
    "tests/document/test_encoding.py": "encodings and binary files",
}


def main() -> int:
    slow = "--slow" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               "--hypothesis-show-statistics", f"--junitxml={junit}", *SUITES]
        if slow:
            cmd += ["-m", "slow or not slow"]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        tree = ET.parse(junit)
    tried: Counter[str] = Counter()
    passed: Counter[str] = Counter()
    for case in tree.iter("testcase"):
        file = case.get("classname", "").replace(".", "/") + ".py"
        if any(child.tag == "skipped" for child in case):
            continue
        tried[file] += 1
        if not any(child.tag in ("failure", "error") for child in case):
            passed[file] += 1
    examples = re.findall(r"::(\w+):\n(?:.*\n)*?\s+- (\d+) passing, (\d+) failing", proc.stdout)
    lines = [
        START,
        f"Measured {dt.date.today().isoformat()} on {platform.system()} "
        f"{platform.machine()}, Python {platform.python_version()}, by "
        f"`python scripts/reliability_report.py{' --slow' if slow else ''}`.",
        "",
        "| suite | tests run | passed |",
        "| --- | ---: | ---: |",
    ]
    for file, title in SUITES.items():
        lines.append(f"| {title} (`{file}`) | {tried[file]} | {passed[file]} |")
    lines.append(f"| **all** | {sum(tried.values())} | {sum(passed.values())} |")
    lines += ["", "| property test | generated inputs passed | failed |", "| --- | ---: | ---: |"]
    for name, ok, bad in examples:
        lines.append(f"| `{name}` | {int(ok):,} | {bad} |")
    lines.append(END)
    text = DOC.read_text("utf-8")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    DOC.write_text(before + "\n".join(lines) + after, "utf-8")
    print("\n".join(lines))
    return proc.returncode


if __name__ == "__main__":
    raise SystemExit(main())
