"""Time audits of one-sentence policies packed with values: `python scripts/one_sentence_inputs.py`.

A policy whose text never ends a sentence (no full stop before a capital letter) is one
sentence, however long; packed with e-mail addresses, dates or postal addresses it exercises
every step that works per value within a sentence. Each kind is written at 10,000, 20,000 and
40,000 values (0.3 to 2 MB) and audited with the real CLI (`--jobs 1`, all three reports); the
time should double with the size, not quadruple. Prints a markdown table. Not a test: nothing
here asserts a time (docs/reliability.md quotes the table).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (10_000, 20_000, 40_000)
KINDS: dict[str, Callable[[int], str]] = {
    "e-mail addresses": lambda i: f"mail a{i}@example.com or b{i} at example dot com or",
    "dates": lambda i: f"updated january {i % 28 + 1}, 20{i % 30:02d} and",
    "postal addresses": lambda i: f"write to {i} Main Street, Springfield, IL 6{i % 10000:04d} and",
    "phone numbers": lambda i: f"call +1 (800) 555-{i % 10000:04d} or",
    "ages": lambda i: f"children under {i % 18 + 1} years and",
    "links": lambda i: f"[here](mailto:a{i}@x.com) and",
}


def audit_seconds(path: Path, out: Path) -> float:
    cmd = [sys.executable, "-m", "auditor", "audit", str(path), "-q", "--jobs", "1"]
    cmd += ["--checklist", str(ROOT / "checklists" / "baseline.yaml"), "--out", str(out)]
    cmd += ["--max-size", "20"]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    print("| one sentence of | " + " | ".join(f"{n:,} values" for n in SIZES) + " |")
    print("| --- |" + " ---: |" * len(SIZES))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for kind, value in KINDS.items():
            cells = []
            for n in SIZES:
                path = folder / "policy.md"
                path.write_text(" ".join(value(i) for i in range(n)) + " end.\n", "utf-8")
                size = path.stat().st_size / 1e6
                cells.append(f"{audit_seconds(path, folder / 'out'):.1f} s ({size:.1f} MB)")
            print(f"| {kind} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
