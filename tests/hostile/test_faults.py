"""Faults: a killed run, a full disk, a read-only output folder, an interrupt. The previous
reports always survive, readable; every failure is one clear line and a documented exit code."""

from __future__ import annotations

import csv
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from auditor.cli import EXIT_INTERRUPTED, EXIT_OUTPUT, cli
from auditor.reporters import PARALLEL_AFTER

ROOT = Path(__file__).resolve().parents[2]
CHECKLIST = str(ROOT / "checklists" / "baseline.yaml")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 real policies: enough for a run that lasts a moment."""
    folder = tmp_path_factory.mktemp("corpus")
    for path in sorted((ROOT / "bench" / "corpus" / "md").glob("*.md"))[:60]:
        shutil.copy(path, folder / path.name)
    return folder


def audit_cmd(corpus: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "auditor",
        "audit",
        str(corpus),
        "--checklist",
        CHECKLIST,
        "--out",
        str(out),
        "--quiet",
        "--jobs",
        "1",
    ]


def read_outputs(out: Path) -> tuple[dict[str, str], int]:
    """Parse every report; return the statuses by finding id and the CSV row count."""
    results = json.loads((out / "results.json").read_text("utf-8"))
    statuses = {f["id"]: f["status"] for p in results["policies"] for f in p["findings"]}
    with (out / "findings.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = sum(1 for _ in csv.DictReader(f))
    # The scorecard opens and lists the same findings (its hidden id column).
    workbook = openpyxl.load_workbook(out / "scorecard.xlsx", read_only=True)
    try:
        sheet = workbook["Findings"]
        header = [c.value for c in next(sheet.iter_rows(max_row=1))]
        id_col = header.index("Finding id")
        ids = {row[id_col] for row in sheet.iter_rows(min_row=2, values_only=True) if row[id_col]}
    finally:
        workbook.close()
    assert ids == set(statuses)
    return statuses, rows


@pytest.fixture(scope="module")
def previous(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    out = tmp_path_factory.mktemp("previous")
    subprocess.run(audit_cmd(corpus, out), check=True, capture_output=True)
    statuses, rows = read_outputs(out)
    assert rows == len(statuses) == 60 * 5
    return out, statuses


def _fresh_copy(previous: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    return out


def _wait_for_cpu(proc: subprocess.Popen[Any], seconds: float) -> None:
    """Wait until `proc` has used `seconds` of CPU (or has ended), so that a signal lands at the
    same point of the run however loaded the machine is: after a fixed wall-clock wait, a busy
    machine could still be starting the interpreter, an idle one have finished."""
    stat_path = Path(f"/proc/{proc.pid}/stat")
    if not stat_path.exists():  # no procfs: wall-clock time it is
        time.sleep(seconds)
        return
    ticks = os.sysconf("SC_CLK_TCK")
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        # Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
        fields = stat_path.read_text().rsplit(")", 1)[1].split()
        if (int(fields[11]) + int(fields[12])) / ticks >= seconds:
            return
        time.sleep(0.02)


def _kill_points(duration: float) -> Iterator[float]:
    for fraction in (0.05, 0.3, 0.6, 0.85, 0.95):
        yield duration * fraction


def test_kill_at_any_moment_keeps_previous_outputs(
    corpus: Path, previous: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    prev_out, prev_statuses = previous
    # The moments are fractions of the CPU time a whole run takes, not of its wall time: on a
    # machine whose load changes between runs, wall-clock moments could all fall after the end.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(audit_cmd(corpus, tmp_path / "timing"), check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    kills = 0
    for i, moment in enumerate(_kill_points(cpu)):
        out = _fresh_copy(prev_out, tmp_path / f"k{i}")
        proc = subprocess.Popen(
            audit_cmd(corpus, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _wait_for_cpu(proc, moment)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += proc.returncode == -signal.SIGKILL
        statuses, rows = read_outputs(out)  # readable, whole, whatever the moment
        assert statuses == prev_statuses
        assert rows == len(prev_statuses)
    assert kills >= 3  # most kills landed while the run was still going


def test_kill_during_report_write_keeps_previous_outputs(
    corpus: Path, previous: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    prev_out, prev_statuses = previous
    out = _fresh_copy(prev_out, tmp_path)
    proc = subprocess.Popen(
        audit_cmd(corpus, out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    caught = False
    while proc.poll() is None:
        # A staged report appears only while reports are being written: kill right then.
        if any(p.name.endswith(".partial") or p.name.endswith(".tmp") for p in out.iterdir()):
            proc.send_signal(signal.SIGKILL)
            caught = True
            break
    proc.wait()
    statuses, rows = read_outputs(out)
    assert statuses == prev_statuses and rows == len(prev_statuses)
    if caught:
        assert proc.returncode == -signal.SIGKILL


def _limit_file_size() -> None:
    # Writes past 64 KB fail with EFBIG, as on a full disk (SIGXFSZ would kill us instead).
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


# More policies than a run with --jobs 2 keeps in memory: their results go to a spool file.
SPOOLED = PARALLEL_AFTER + 20


@pytest.fixture(scope="module")
def spooled_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("spooled")
    for path in sorted((ROOT / "bench" / "corpus" / "md").glob("*.md"))[:SPOOLED]:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.mark.parametrize("spooled", [False, True], ids=["in-memory", "spooled-run"])
def test_full_disk_is_a_clear_error(
    corpus: Path,
    spooled_corpus: Path,
    previous: tuple[Path, dict[str, str]],
    tmp_path: Path,
    spooled: bool,
) -> None:
    prev_out, prev_statuses = previous
    out = _fresh_copy(prev_out, tmp_path)
    # A spooled run fills the disk during the audit, with the results of the first policies.
    cmd = audit_cmd(spooled_corpus, out)[:-1] + ["2"] if spooled else audit_cmd(corpus, out)
    proc = subprocess.run(cmd, capture_output=True, text=True, preexec_fn=_limit_file_size)
    assert proc.returncode == EXIT_OUTPUT
    assert proc.stderr.splitlines() == [
        f"auditor: cannot write reports in {out}: File too large; previous reports are unchanged"
    ]
    assert read_outputs(out) == (prev_statuses, len(prev_statuses))
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in prev_out.iterdir())


@pytest.mark.parametrize("spooled", [False, True], ids=["one-policy", "spooled-run"])
def test_read_only_output_folder_is_a_clear_error(
    previous: tuple[Path, dict[str, str]], spooled: bool
) -> None:
    prev_out, prev_statuses = previous
    base = Path(tempfile.mkdtemp())
    try:
        base.chmod(0o755)
        if spooled:  # a run that keeps its results in a file in the output folder
            policy = base / "policies"
            policy.mkdir(mode=0o755)
            for path in sorted((ROOT / "bench" / "corpus" / "md").glob("*.md"))[:SPOOLED]:
                shutil.copy(path, policy / path.name)
                (policy / path.name).chmod(0o644)
        else:
            policy = base / "p.md"
            shutil.copy(ROOT / "policies" / "strongmail.com_2007-12-26.md", policy)
            policy.chmod(0o644)
        # The unprivileged child reads its inputs from here: a clone in a private folder
        # (mktemp -d is 0700) would otherwise be unreadable to it.
        checklist = base / "baseline.yaml"
        shutil.copy(CHECKLIST, checklist)
        checklist.chmod(0o644)
        out = base / "out"
        shutil.copytree(prev_out, out)
        out.chmod(0o555)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            os.close(read)
            code = 1
            try:
                if os.geteuid() == 0:  # root writes anywhere: be an ordinary user
                    os.setgid(65534)
                    os.setuid(65534)
                result = CliRunner().invoke(
                    cli,
                    [
                        "audit",
                        str(policy),
                        "--checklist",
                        str(checklist),
                        "--out",
                        str(out),
                        "--quiet",
                        "--jobs",
                        "2" if spooled else "1",
                    ],
                )
                os.write(write, json.dumps([result.exit_code, result.stderr]).encode())
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        exit_code, stderr = json.loads(os.read(read, 10_000).decode())
        os.waitpid(pid, 0)
        assert exit_code == EXIT_OUTPUT
        assert stderr.splitlines() == [
            f"auditor: cannot write reports in {out}: Permission denied; "
            "previous reports are unchanged"
        ]
        assert read_outputs(out) == (prev_statuses, len(prev_statuses))
    finally:
        for path in base.rglob("*"):
            path.chmod(stat.S_IRWXU) if path.is_dir() else None
        base.chmod(stat.S_IRWXU)
        shutil.rmtree(base)


def test_interrupt_writes_nothing(
    corpus: Path, previous: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    prev_out, prev_statuses = previous
    out = _fresh_copy(prev_out, tmp_path)
    # Twelve copies of the corpus: a run that lasts well past the moment of the interrupt (four,
    # 240 policies, take little more than that second now).
    many = tmp_path / "many"
    for i in range(12):
        shutil.copytree(corpus, many / str(i))
    proc = subprocess.Popen(
        audit_cmd(many, out),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A test run started in the background by a shell ignores SIGINT, and so would the
        # audit, which inherits that: give it the default, as a terminal's Ctrl-C finds it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    _wait_for_cpu(proc, seconds=1.0)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    if proc.returncode == 0:  # the run beat the signal: nothing to check
        pytest.skip("the audit finished before the interrupt arrived")
    assert proc.returncode == EXIT_INTERRUPTED
    assert stderr.strip() == "auditor: interrupted; no report was written"
    assert read_outputs(out) == (prev_statuses, len(prev_statuses))
