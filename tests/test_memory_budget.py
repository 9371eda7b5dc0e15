"""The per-document memory budget (`--max-memory`): a document whose processing makes its
process's resident memory grow past it is an ERROR result, in the main thread, in worker
processes and in another thread alike; the other documents are unaffected."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from auditor.audit import Limits, Source, audit_source
from auditor.budget import OutOfMemory, resident_memory, within_budget
from auditor.checklist.compiled import load_checklist

ROOT = Path(__file__).resolve().parents[1]
CHECKLIST = load_checklist(ROOT / "checklists" / "baseline.yaml")
MB = 1024 * 1024
MESSAGE = "needed more than 40 MB of memory (--max-memory)"


def _hog(folder: Path, sentences: int = 200_000) -> Path:
    """A policy of tiny sentences, about 700 bytes of objects each: 200,000 (1 MB) take about
    140 MB."""
    path = folder / "hog.md"
    path.write_bytes(b"A b. " * sentences)
    return path


# In this process other tests have run before, and memory they freed but the allocator kept is
# reused without counting as growth: the documents audited here grow by far more than the
# budget (about 280 MB against 40), so that such memory cannot hide it.
IN_PROCESS = 400_000


def test_resident_memory_follows_what_this_process_touches() -> None:
    before = resident_memory()
    assert before is not None and before > 10 * MB  # an interpreter with our imports
    block = bytearray(b"x" * (100 * MB))
    grown = resident_memory()
    assert grown is not None and grown - before >= 95 * MB
    del block
    after = resident_memory()
    assert after is not None and after < grown - 90 * MB  # a big block goes back at once


def test_a_forked_child_reads_its_own_memory_not_its_parents() -> None:
    assert resident_memory() is not None  # the parent has its file open before the fork
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        code = 1
        try:
            before = resident_memory() or 0
            block = bytearray(b"x" * (100 * MB))
            grown = (resident_memory() or 0) - before
            os.write(write, str(grown if block else 0).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    grown = int(os.read(read, 100).decode())
    os.close(read)
    os.waitpid(pid, 0)
    assert grown >= 95 * MB


def test_a_document_over_the_budget_is_an_error(tmp_path: Path) -> None:
    hog = _hog(tmp_path, IN_PROCESS)
    result = audit_source(CHECKLIST, Source(hog, "hog.md"), Limits(max_memory=40 * MB))
    assert result.error == MESSAGE
    assert [f.status.value for f in result.findings] == ["ERROR"] * len(CHECKLIST.checks)
    # The same document with the default budget (1 GB) is audited.
    result = audit_source(CHECKLIST, Source(tmp_path / "hog.md", "hog.md"))
    assert result.error == ""
    assert result.findings[0].status.value in ("PASS", "FAIL", "REVIEW")


def test_the_budget_holds_in_another_thread(tmp_path: Path) -> None:
    hog = _hog(tmp_path, IN_PROCESS)
    outcome: list[object] = []
    thread = threading.Thread(
        target=lambda: outcome.append(
            audit_source(CHECKLIST, Source(hog, "hog.md"), Limits(max_memory=40 * MB))
        )
    )
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()
    (result,) = outcome
    assert getattr(result, "error", None) == MESSAGE


def test_growth_is_counted_from_where_the_document_began() -> None:
    """Memory the process held before the block does not count against the block."""
    held = bytearray(b"x" * (80 * MB))
    small = within_budget(lambda: [str(i) for i in range(100_000)], 0, 40 * MB)  # a few MB
    assert len(small) == 100_000 and held[0] == ord("x")

    def grow() -> None:
        grown = []
        while True:  # grows about 1 MB per step until the budget ends it
            grown.append(bytearray(b"x" * MB))

    with pytest.raises(OutOfMemory):
        within_budget(grow, 0, 40 * MB)


def _findings(out: Path) -> list[list[str]]:
    with (out / "findings.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_run_with_a_memory_hog_among_policies(tmp_path: Path, jobs: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for copy in range(4):  # 20 policies: more than one batch, so --jobs 2 uses workers
        for policy in sorted((ROOT / "policies").glob("*")):
            shutil.copy(policy, folder / f"{copy}-{policy.name}")
    _hog(folder)
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "auditor", "audit", str(folder), "--out", str(out), "-q"]
        + ["--format", "json,csv", "--max-memory", "40", "--jobs", jobs],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [f"{folder / 'hog.md'}: ERROR: {MESSAGE}"]
    rows = _findings(out)
    header = rows[0]
    policy, status = header.index("Policy"), header.index("Status")
    errors = {row[policy] for row in rows[1:] if row[status] == "ERROR"}
    assert errors == {"hog.md"}
    assert len({row[policy] for row in rows[1:]}) == 21
