"""Reporters behind one interface, and the name -> reporter map that also feeds the CLI."""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.models import AuditRun, PolicyResult
from auditor.reporters.csv_report import FindingRecords, csv_sink, write_csv
from auditor.reporters.json_report import json_sink, write_json
from auditor.reporters.jsonl_report import jsonl_sink, write_jsonl
from auditor.reporters.sinks import Sink, feed
from auditor.reporters.xlsx_report import (
    HEAVY,
    HEAVY_PAIRS,
    Companion,
    ScorecardJob,
    write_xlsx,
    xlsx_sink,
)

if TYPE_CHECKING:
    from concurrent.futures import Future

Reporter = Callable[[AuditRun, Path], Path]

# Format name -> (file name, writer). Every writer replaces its file atomically.
REPORTERS: dict[str, tuple[str, Reporter]] = {
    "json": ("results.json", write_json),
    "csv": ("findings.csv", write_csv),
    "xlsx": ("scorecard.xlsx", write_xlsx),
    "jsonl": ("results.jsonl", write_jsonl),
}
DEFAULT_FORMATS = ("json", "csv", "xlsx")
"""What an audit writes unless --format says otherwise (JSON Lines is asked for by name)."""
# Format name -> the same writer as a sink: written in one process, the reports share one pass
# over the results (on a spooled run, one read of the file instead of one each).
SINKS: dict[str, Callable[..., Sink[PolicyResult, Path]]] = {
    "json": json_sink,
    "csv": csv_sink,
    "xlsx": xlsx_sink,
    "jsonl": jsonl_sink,
}
TAKE_RECORDS = frozenset({"csv", "xlsx"})
"""The sinks that also take a FindingRecords, shared so that each record is built once."""


PARALLEL_AFTER = 100
"""Runs with more policies than this write their reports with worker processes (--jobs > 1).

The workers are handed the run by pickling it: cheap for a spooled run (a file name and the
lines' offsets), costly for results held in memory, so the CLI spools every run it writes this
way. Below this, forking the workers costs about what they would save.
"""


def writes_in_parallel(policies: int, jobs: int) -> bool:
    """Whether write_reports hands a run of `policies` results to worker processes."""
    return jobs > 1 and policies > PARALLEL_AFTER


def write_reports(run: AuditRun, out_dir: Path, names: Sequence[str], jobs: int = 1) -> list[Path]:
    """Write every requested report, all or nothing.

    Each report is first written in full beside its final name; only when all of them exist
    are they moved into place, so a failure (disk full, read-only folder, a crash) leaves the
    previous set of reports as it was, never a mix of old and new. In one process the reports
    are written side by side, in one pass over the results. With `jobs` > 1 on a run of more
    than PARALLEL_AFTER policies they are written at the same time by `jobs` worker processes:
    for two workers, the scorecard's large sheets in two balanced pairs, each written in one
    pass with one of the other reports; for more, the JSON and CSV files each as a task of
    their own, and the large sheets one task each.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: dict[str, tuple[Path, Path]] = {}
    for name in names:
        file_name = REPORTERS[name][0]
        staged[name] = (out_dir / f".{file_name}.{os.getpid()}.partial", out_dir / file_name)
    try:
        if writes_in_parallel(len(run.policies), jobs):
            _write_parallel(run, staged, jobs)
        else:
            # The CSV and the scorecard's Findings sheet take the same record of each finding.
            records = FindingRecords(run)
            sinks = [
                SINKS[name](run, partial, records)
                if name in TAKE_RECORDS
                else SINKS[name](run, partial)
                for name, (partial, _) in staged.items()
            ]
            feed(sinks, run.policies)
    except BaseException:
        for partial, _ in staged.values():
            with contextlib.suppress(OSError):
                partial.unlink()
        raise
    for partial, final in staged.values():
        os.replace(partial, final)
    return [final for _, final in staged.values()]


def _write_parallel(run: AuditRun, staged: dict[str, tuple[Path, Path]], jobs: int) -> None:
    # fork, as the audit's pool: no re-import of the caller's main module, and the workers are
    # all started at the first submit, before this process starts any thread of its own.
    # Imported here: a run of one process never needs them (about 10 ms of every start).
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, wait

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    # Two workers: two tasks, each a pair of large sheets written in one pass with the other
    # reports, the CSV beside the Findings sheet, whose finding records it shares. Each pass
    # over a spool parses every result again: four passes instead of two cost a tenth more CPU.
    companions: dict[tuple[str, ...], list[Companion]] = {}
    if "xlsx" in staged and jobs == 2:
        for name, (partial, _) in staged.items():
            if name != "xlsx":
                group = HEAVY_PAIRS[0] if name in TAKE_RECORDS else HEAVY_PAIRS[1]
                make = functools.partial(_companion, name, partial)
                companions.setdefault(group, []).append(make)
    alone = [] if companions else [name for name in staged if name != "xlsx"]
    # A forking pool starts all its processes at once: never more than there are tasks.
    tasks = len(alone) + (len(HEAVY) if "xlsx" in staged else 0)
    with ProcessPoolExecutor(min(jobs, tasks), mp_context=context) as pool:
        scorecard: ScorecardJob | None = None
        futures: list[Future[Path]] = []
        try:
            # Reports written on their own go first: the workers write them while this process
            # plans the scorecard's layout (a pass over the results if reviews are to apply).
            futures = [pool.submit(_write_one, name, run, staged[name][0]) for name in alone]
            if "xlsx" in staged:
                scorecard = ScorecardJob(run, staged["xlsx"][0])
                # Two workers: the two pairs; more: a task per sheet group, more at a time.
                scorecard.submit(pool, HEAVY_PAIRS if jobs == 2 else None, companions)
                scorecard.finish()
            for future in futures:
                future.result()
        except BaseException:
            if scorecard is not None:
                scorecard.cancel()
            for future in futures:
                future.cancel()
            wait(futures)
            raise


def _write_one(name: str, run: AuditRun, path: Path) -> Path:
    return REPORTERS[name][1](run, path)


def _companion(
    name: str, path: Path, run: AuditRun, records: FindingRecords
) -> Sink[PolicyResult, Path]:
    """Report `name` as a sink into `path`, sharing `records` if it takes them."""
    if name in TAKE_RECORDS:
        return SINKS[name](run, path, records)
    return SINKS[name](run, path)
