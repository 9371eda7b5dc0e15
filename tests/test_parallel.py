"""--jobs and the results spool: the same results, in the same order, whatever N is."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

import auditor.checklist.compiled as compiled
import auditor.cli as cli_module
import auditor.reporters as reporters
from auditor.audit import BATCH, BATCH_LEAST, BATCH_MOST, Source, batches, discover, run_audit
from auditor.checklist.compiled import Checklist, load_checklist
from auditor.cli import cli
from auditor.models import AuditRun, PolicyResult
from auditor.spool import Spool, SpooledResults, remove_abandoned

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "checklists" / "baseline.yaml"
CORPUS = ROOT / "bench" / "corpus"
# Real policies of every format, more than three batches so every worker gets several.
PATHS = [ROOT / "policies", CORPUS / "md", CORPUS / "html"]
# For the CLI runs: fewer files, still more than one batch.
CLI_PATHS = [ROOT / "policies", CORPUS / "html"]


@pytest.fixture(scope="module")
def checklist() -> Checklist:
    return load_checklist(BASELINE)


@pytest.fixture(scope="module")
def sources() -> list[Source]:
    found = discover(PATHS)
    # Every HTML page, the sample policies and enough markdown for 2+ batches per worker.
    picked = [s for s in found if not s.policy_id.startswith("md/")] + [
        s for s in found if s.policy_id.startswith("md/")
    ][: 4 * BATCH]
    assert len(picked) > 4 * BATCH
    return sorted(picked, key=lambda s: s.policy_id)


@pytest.fixture(scope="module")
def serial(checklist: Checklist, sources: list[Source]) -> list[PolicyResult]:
    return list(run_audit(checklist, sources, jobs=1).policies)


def _strip_times(doc: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in doc.items() if k not in ("generated_at", "started_at", "command")}


def test_two_jobs_give_the_same_results_in_the_same_order(
    checklist: Checklist, sources: list[Source], serial: list[PolicyResult]
) -> None:
    parallel = list(run_audit(checklist, sources, jobs=2).policies)
    assert [p.id for p in parallel] == [s.policy_id for s in sources]
    assert parallel == serial


def test_more_jobs_than_cores_changes_nothing(
    checklist: Checklist, sources: list[Source], serial: list[PolicyResult]
) -> None:
    assert list(run_audit(checklist, sources[:40], jobs=5).policies) == serial[:40]


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="counts calls through fork"
)
def test_forked_workers_use_the_compiled_checklist_they_inherit(
    checklist: Checklist,
    sources: list[Source],
    serial: list[PolicyResult],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log = tmp_path / "compiles.log"
    original = compiled.compile_checklist

    def counting(*args: object, **kwargs: object) -> Checklist:
        with log.open("a") as f:  # workers are other processes: count through a file
            f.write("compiled\n")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(compiled, "compile_checklist", counting)
    run = run_audit(checklist, sources, jobs=2)
    assert len(run.policies) == len(sources)
    # Compiled once, by the caller (the fixture); forked workers inherit it (a spawned worker
    # would compile it once from its path), and no document compiles it again.
    assert not log.exists()
    assert run.policies == serial


def test_spooled_run_equals_the_in_memory_run(
    checklist: Checklist,
    sources: list[Source],
    serial: list[PolicyResult],
    tmp_path: Path,
) -> None:
    with Spool(tmp_path) as spool:
        run = run_audit(checklist, sources, jobs=2, spool=spool)
        view = run.policies
        assert len(view) == len(serial)
        assert list(view) == serial
        assert list(view) == serial  # a reporter may read it again
        assert view[0] == serial[0] and view[-1] == serial[-1]
        assert view[3:7] == serial[3:7] and view[::50] == serial[::50]
        assert run.status_counts() == run.model_copy(update={"policies": serial}).status_counts()
        with pytest.raises(IndexError):
            view[len(serial)]
        spool_file = spool.path
        assert spool_file.parent == tmp_path and spool_file.name.startswith(".")
    assert not spool_file.exists()


def test_an_empty_spool_reads_as_no_results(tmp_path: Path) -> None:
    with Spool(tmp_path) as spool:
        view = spool.view()
        assert len(view) == 0 and list(view) == [] and view[0:3] == []


def _audit(out: Path, *args: str) -> None:
    result = CliRunner().invoke(
        cli,
        ["audit", *map(str, CLI_PATHS), "--checklist", str(BASELINE), "--out", str(out), "-q"]
        + ["--format", "json,csv", *args],
    )
    assert result.exit_code in (0, 1), result.output


@pytest.fixture(scope="module")
def cli_serial(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("serial")
    _audit(out, "--jobs", "1")
    return out


def test_cli_reports_are_identical_for_any_jobs(cli_serial: Path, tmp_path: Path) -> None:
    _audit(tmp_path, "--jobs", "2")
    assert (tmp_path / "findings.csv").read_bytes() == (cli_serial / "findings.csv").read_bytes()
    one = json.loads((cli_serial / "results.json").read_text("utf-8"))
    two = json.loads((tmp_path / "results.json").read_text("utf-8"))
    assert _strip_times(one) == _strip_times(two)


def test_cli_spools_big_runs_with_identical_reports(
    cli_serial: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_module, "SPOOL_AFTER", 2)  # every run here counts as big
    _audit(tmp_path, "--jobs", "2")
    assert (tmp_path / "findings.csv").read_bytes() == (cli_serial / "findings.csv").read_bytes()
    one = json.loads((cli_serial / "results.json").read_text("utf-8"))
    two = json.loads((tmp_path / "results.json").read_text("utf-8"))
    assert _strip_times(one) == _strip_times(two)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["findings.csv", "results.json"]


def test_a_spooled_parallel_run_stores_each_result_as_its_json_line(
    checklist: Checklist, sources: list[Source], serial: list[PolicyResult], tmp_path: Path
) -> None:
    # With workers, the spool takes each result's JSON as the worker sent it, unparsed: the file
    # must hold exactly the lines of the one-process results, in input order.
    with Spool(tmp_path) as spool:
        run = run_audit(checklist, sources, jobs=2, spool=spool)
        assert list(run.policies) == serial
        expected = b"".join(r.model_dump_json().encode() + b"\n" for r in serial)
        assert spool.path.read_bytes() == expected


def test_notices_arrive_with_the_results_in_input_order(
    checklist: Checklist, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    samples = sorted((ROOT / "policies").iterdir())
    for i in range(2 * BATCH):  # workers get more than one batch
        (folder / f"p{i:02}.md").write_bytes(samples[i % len(samples)].read_bytes())
    (folder / "p03.md").write_bytes(b"")
    (folder / "p20.md").write_bytes("Caf\u00e9 policy \u2013 We use SSL.".encode("cp1252"))
    (folder / "p21.md").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    sources = discover([folder])
    expected = [
        f"{folder / 'p03.md'}: ERROR: empty file",
        f"{folder / 'p20.md'}: warning: not valid UTF-8; decoded as cp1252",
        f"{folder / 'p21.md'}: ERROR: binary file (PNG)",
    ]
    serial: list[str] = []
    run_audit(checklist, sources, jobs=1, notices=serial)
    assert serial == expected
    parallel: list[str] = []
    with Spool(tmp_path) as spool:
        run = run_audit(checklist, sources, jobs=2, spool=spool, notices=parallel)
        assert len(run.policies) == 2 * BATCH
    assert parallel == expected


def _cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every sheet's values but the Run sheet's and the audit date (times of the run)."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    sheets = {
        ws.title: [row for row in ws.iter_rows(values_only=True) if row[0] != "Audit date"]
        for ws in workbook.worksheets
        if ws.title != "Run"
    }
    workbook.close()
    return sheets


def test_cli_with_jobs_spools_and_writes_reports_in_workers_above_the_threshold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    _audit(serial, "--jobs", "1", "--format", "json,csv,xlsx")
    monkeypatch.setattr(reporters, "PARALLEL_AFTER", 3)  # the 20 files here count as many
    spooled: list[int] = []
    original = reporters._write_parallel

    def recording(run: AuditRun, *args: Any) -> None:
        spooled.append(len(run.policies) if isinstance(run.policies, SpooledResults) else -1)
        original(run, *args)

    monkeypatch.setattr(reporters, "_write_parallel", recording)
    _audit(parallel, "--jobs", "2", "--format", "json,csv,xlsx")
    assert spooled == [len(discover(CLI_PATHS))]  # written by workers, from a spool
    assert sorted(p.name for p in parallel.iterdir()) == sorted(p.name for p in serial.iterdir())
    assert (parallel / "findings.csv").read_bytes() == (serial / "findings.csv").read_bytes()
    one = json.loads((serial / "results.json").read_text("utf-8"))
    two = json.loads((parallel / "results.json").read_text("utf-8"))
    assert _strip_times(one) == _strip_times(two)
    assert _cells(parallel / "scorecard.xlsx") == _cells(serial / "scorecard.xlsx")


def test_a_spool_left_by_a_killed_run_is_removed_by_the_next(tmp_path: Path) -> None:
    # A run killed with SIGKILL cannot remove its spool; the next run in that folder finds the
    # file unlocked and removes it, but never the spool of a run still going.
    code = (
        "import os, sys, pathlib\n"
        "from auditor.spool import Spool\n"
        "spool = Spool(pathlib.Path(sys.argv[1]))\n"
        "spool.append_json(b'{}', ('', '', '', ()))\n"
        "print(spool.path, flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True
    )
    assert proc.returncode == -signal.SIGKILL
    abandoned = Path(proc.stdout.strip())
    assert abandoned.parent == tmp_path and abandoned.exists()
    with Spool(tmp_path):  # a spool this young may be one not yet locked: it stays
        assert abandoned.exists()
    old = time.time() - 60
    os.utime(abandoned, (old, old))
    with Spool(tmp_path) as running:
        assert not abandoned.exists()
        os.utime(running.path, (old, old))
        assert remove_abandoned(tmp_path) == []  # the running one is held
        assert running.path.exists()
        (tmp_path / "results.json").write_text("{}")  # other files are never touched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json"]


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found.update(int(c) for c in (task / "children").read_text().split())
        except OSError:  # the thread ended
            continue
    return found


@pytest.mark.parametrize(
    ("documents", "sizes"),
    [
        (17, [4, 4, 4, 4, 1]),
        (162, [10, 9, 8, 8, 7, 7, 7, 6, 6, 5, 5, 5] + [4] * 19 + [3]),
        (1000, [62, 58, 55, 51, 48, 45]),  # ... down to 4s
        (10000, [64] * 140),  # ... then as for 1,000
    ],
)
def test_tasks_shrink_towards_the_end_and_keep_every_document_in_order(
    documents: int, sizes: list[int]
) -> None:
    sources = [Source(Path(f"{i}.md"), f"{i}.md") for i in range(documents)]
    cut = batches(sources, 2)
    assert [len(b) for b in cut[: len(sizes)]] == sizes
    assert [s for b in cut for s in b] == sources
    assert all(BATCH_LEAST <= len(b) <= BATCH_MOST for b in cut[:-1])
    assert len(cut[-2]) == BATCH_LEAST and 1 <= len(cut[-1]) <= BATCH_LEAST


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_jobs_beyond_the_work_fork_no_idle_processes(tmp_path: Path) -> None:
    # 150 policies: 10 batches for the audit, then JSON, CSV and 4 scorecard tasks in workers.
    batches = -(-len(discover([CORPUS / "md"])) // BATCH)
    assert batches == 10
    cmd = [sys.executable, "-m", "auditor", "audit", str(CORPUS / "md"), "-q", "--jobs", "64"]
    proc = subprocess.Popen([*cmd, "--out", str(tmp_path)], cwd=ROOT)
    seen: set[int] = set()
    most = 0
    while proc.poll() is None:
        try:
            children = _children(proc.pid)
        except OSError:  # the process has just ended
            break
        seen |= children
        most = max(most, len(children))
        time.sleep(0.005)
    assert proc.returncode in (0, 1)
    assert 2 <= most <= batches  # 64 before: a forking pool starts all its processes at once
    assert len(seen) <= batches + 6
