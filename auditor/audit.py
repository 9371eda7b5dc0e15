"""Run an audit: find the policy files, evaluate each, collect an AuditRun."""

from __future__ import annotations

import datetime as dt
import os
import platform
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from auditor import TOOL_NAME, __version__
from auditor.budget import OutOfMemory, OutOfTime, within_budget
from auditor.checklist.compiled import Checklist
from auditor.document.loader import DocumentError, load_document
from auditor.engine import error_findings, evaluate_document
from auditor.models import AuditRun, CheckInfo, ChecklistInfo, PolicyResult
from auditor.spool import Counted, Spool, counted

if TYPE_CHECKING:
    from concurrent.futures import Future


@dataclass(frozen=True)
class Source:
    """A file to audit and its stable policy id."""

    path: Path
    policy_id: str


class InputError(Exception):
    """A path given on the command line does not exist."""


def discover(paths: Sequence[Path]) -> list[Source]:
    """Files to audit: given files, and every non-hidden file under given folders, sorted.

    Folder symlinks are not followed, so a symlink loop cannot trap the walk; every file,
    whatever its type, is listed so an unsupported one is reported rather than skipped.
    """
    sources: list[Source] = []
    many = len(paths) > 1
    for root in paths:
        if not root.exists() and not root.is_symlink():
            raise InputError(f"{root}: no such file or folder")
        if root.is_dir():
            # (path relative to root with "/", path): strings, made once per folder and file;
            # a Path per file costs several times more, which a folder of 100,000 notices.
            found: list[tuple[str, str]] = []
            for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                folder = os.path.relpath(dirpath, root).replace(os.sep, "/")
                prefix = "" if folder == "." else folder + "/"
                for name in filenames:
                    if not name.startswith(".") and not name.startswith("~$"):
                        found.append((prefix + name, os.path.join(dirpath, name)))
            found.sort()
            for rel, path in found:
                sources.append(Source(Path(path), f"{root.name}/{rel}" if many else rel))
        else:
            sources.append(Source(root, root.name))
    return sources


@dataclass(frozen=True)
class Limits:
    """Per-document budgets: going over one is an ERROR finding with the reason, not a hang."""

    max_bytes: int = 64 * 1024 * 1024
    timeout: float = 60.0  # seconds; 0 disables
    max_memory: int = 1024 * 1024 * 1024  # growth of resident memory, in bytes; 0 disables


Encoded = tuple[bytes, list[str], Counted]
"""A result as a worker sends it: its JSON (`model_dump_json`, UTF-8), its notices, and what
the scorecard's layout counts of it (see `LayoutCounts`)."""

Engine = Callable[[Checklist, Sequence[Source], Limits], Iterator[PolicyResult]]
"""Runs the per-document function (`audit_source`) somewhere; yields results in input order."""


@runtime_checkable
class EncodingEngine(Protocol):
    """An Engine that can also give each result as its worker sent it (see `Encoded`)."""

    def __call__(
        self, checklist: Checklist, sources: Sequence[Source], limits: Limits
    ) -> Iterator[PolicyResult]: ...

    def encoded(
        self, checklist: Checklist, sources: Sequence[Source], limits: Limits
    ) -> Iterator[Encoded]: ...


class EngineError(Exception):
    """An engine cannot run: its package is missing or its cluster cannot be reached."""


def _error_result(checklist: Checklist, source: Source, reason: str) -> PolicyResult:
    return PolicyResult(
        id=source.policy_id,
        path=str(source.path),
        sha256="",
        format=source.path.suffix.lstrip(".").lower(),
        error=reason,
        score=None,
        findings=error_findings(checklist, source.policy_id, reason),
    )


def _load_and_evaluate(checklist: Checklist, source: Source, limits: Limits) -> PolicyResult:
    document = load_document(source.path, str(source.path), max_bytes=limits.max_bytes)
    return evaluate_document(checklist, document, source.policy_id)


def audit_source(
    checklist: Checklist, source: Source, limits: Limits | None = None
) -> PolicyResult:
    """Load and evaluate one file; an unreadable file gives ERROR findings, not an exception."""
    limits = limits or Limits()
    try:
        return within_budget(
            lambda: _load_and_evaluate(checklist, source, limits),
            limits.timeout,
            limits.max_memory,
        )
    except DocumentError as exc:
        return _error_result(checklist, source, str(exc))
    except OutOfTime:
        return _error_result(
            checklist, source, f"took longer than the {limits.timeout:g} s budget (--timeout)"
        )
    except OutOfMemory:
        return _error_result(
            checklist,
            source,
            f"needed more than {limits.max_memory / 2**20:g} MB of memory (--max-memory)",
        )
    except (MemoryError, RecursionError) as exc:
        return _error_result(checklist, source, f"too complex to process ({type(exc).__name__})")


def checklist_info(checklist: Checklist) -> tuple[ChecklistInfo, list[CheckInfo]]:
    """What reports say about the checklist and its checks."""
    spec = checklist.spec
    info = ChecklistInfo(
        id=spec.id,
        title=spec.title,
        version=spec.version,
        path=checklist.path,
        sha256=checklist.sha256,
        review_credit=spec.review_credit,
    )
    checks = []
    for check in checklist.checks:
        rules = []
        for rule in check.rules:
            line = f"{rule.id} [{rule.kind}] {rule.primitive.describe()}"
            if rule.within:
                line += f"; within {', '.join(rule.within)}"
            if rule.unless is not None:
                line += f"; unless {rule.unless.describe()}"
            rules.append(line)
        logic = f"PASS if {check.passes.describe()}"
        if check.review is not None:
            logic += f"; REVIEW if {check.review.describe()}"
        logic += "; otherwise FAIL"
        checks.append(
            CheckInfo(
                id=check.spec.id,
                title=check.spec.title,
                description=check.spec.description,
                regulation=check.spec.regulation,
                severity=check.spec.severity,
                weight=check.spec.weight,
                rules=rules,
                status_logic=logic,
            )
        )
    return info, checks


def result_notices(result: PolicyResult) -> list[str]:
    """What the terminal says of one result: its error, then its warnings, a line each."""
    lines = [f"{result.path}: ERROR: {result.error}"] if result.error else []
    lines += [f"{result.path}: warning: {warning}" for warning in result.warnings]
    return lines


def now() -> str:
    """Current UTC time, ISO 8601 to the second."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def run_audit(
    checklist: Checklist,
    sources: Sequence[Source],
    *,
    command: str = "",
    progress: Callable[[int], None] | None = None,
    jobs: int = 1,
    limits: Limits | None = None,
    engine: Engine | None = None,
    spool: Spool | None = None,
    notices: list[str] | None = None,
) -> AuditRun:
    """Evaluate every source, in input order whatever `jobs` or `engine` is, and return the run.

    `engine` replaces the local process pool (the Dask engine); with a `spool` the results go to
    disk as they arrive and the run's `policies` is a lazy view of that file (flat memory).
    `notices`, if given, gets each policy's error and warnings as terminal lines (see
    `result_notices`), as the results arrive: no second pass over a spool to find them.
    """
    started = now()
    limits = limits or Limits()
    results: list[PolicyResult] = []
    encoded_results: Iterator[Encoded] | None = None
    if spool is not None and engine is None and _in_workers(jobs, sources):
        encoded_results = _parallel_encoded(checklist, sources, jobs, limits)
    elif spool is not None and isinstance(engine, EncodingEngine):
        encoded_results = engine.encoded(checklist, sources, limits)
    if spool is not None and encoded_results is not None:
        # The workers' JSON goes to the spool as it came: parsing it here only to write the
        # same text again would cost this process, which shares the cores with them (or takes
        # every result of a cluster), ~0.05 ms a policy.
        for encoded, lines, counts in encoded_results:
            spool.append_json(encoded, counts)
            if notices is not None:
                notices += lines
            if progress:
                progress(1)
    else:
        if engine is not None:
            found = engine(checklist, sources, limits)
        else:
            found = iter_results(checklist, sources, jobs=jobs, limits=limits)
        for result in found:
            if spool is not None:
                spool.append(result)
            else:
                results.append(result)
            if notices is not None:
                notices += result_notices(result)
            if progress:
                progress(1)
    info, checks = checklist_info(checklist)
    fields: dict[str, Any] = {
        "tool_name": TOOL_NAME,
        "tool_version": __version__,
        "checklist": info,
        "checks": checks,
        "command": command,
        "python": platform.python_version(),
        "started_at": started,
        "finished_at": now(),
    }
    if spool is not None:
        # Validation would copy the lazy view into a list: everything in it was validated
        # when it was parsed back, so skip it.
        return AuditRun.model_construct(**fields, policies=spool.view())
    return AuditRun(**fields, policies=results)


# Documents per task sent to a worker: large enough to amortise inter-process traffic, small
# enough that every worker stays busy and results stream back steadily. BATCH is also the
# fewest documents worth starting workers for, and one worker more is started for each BATCH.
BATCH = 16
# A local pool's tasks grow to BATCH_MOST documents while many remain (each task costs the
# main process about 0.5 ms in the pool's threads, which share the cores with the workers)
# and shrink to BATCH_LEAST as the end nears, so that the workers finish together.
BATCH_MOST, BATCH_LEAST = 64, 4

_worker_checklist: Checklist | None = None
_worker_limits: Limits | None = None


def _init_worker(checklist: Checklist | str, limits: Limits) -> None:
    """Set up a worker process once (warm start), not once per document: a forked worker is
    handed the parent's compiled checklist; a spawned one gets its path and compiles it."""
    global _worker_checklist, _worker_limits
    if isinstance(checklist, str):
        from auditor.checklist.compiled import load_checklist

        checklist = load_checklist(checklist)
    _worker_checklist = checklist
    _worker_limits = limits


def _worker_setup(checklist: Checklist, limits: Limits, context: Any) -> tuple[Any, ...]:
    """`initargs` for `_init_worker`. Under fork they reach the child in its copy of this
    process's memory, never pickled, so the compiled checklist costs nothing to hand over (and
    saves each worker ~45 ms of compiling); spawn pickles them, so it gets the path."""
    if context.get_start_method() == "fork":
        return (checklist, limits)
    return (checklist.path, limits)


def _work(batch: list[Source]) -> list[Encoded]:
    """Audit a batch in a worker. Results travel as JSON: dumping and parsing it costs a third
    of pickling the models, and the parent process, which also feeds both workers on two
    cores, is where that time counts. Their notices and layout counts come along, so that a
    parent that only spools the JSON need not parse it."""
    assert _worker_checklist is not None
    return [encode(audit_source(_worker_checklist, s, _worker_limits)) for s in batch]


def encode(result: PolicyResult) -> Encoded:
    """The result as a worker sends it (see `Encoded`)."""
    return result.model_dump_json().encode(), result_notices(result), counted(result)


def _parse(results: Iterable[Encoded]) -> Iterator[PolicyResult]:
    for raw, _, _ in results:
        yield PolicyResult.model_validate_json(raw)


def _in_workers(jobs: int, sources: Sequence[Source]) -> bool:
    """Whether iter_results runs these sources in worker processes."""
    return jobs > 1 and len(sources) > BATCH


def iter_results(
    checklist: Checklist,
    sources: Sequence[Source],
    *,
    jobs: int = 1,
    limits: Limits | None = None,
) -> Iterator[PolicyResult]:
    """Results in input order; with jobs > 1 documents are processed by worker processes."""
    limits = limits or Limits()
    if not _in_workers(jobs, sources):
        for source in sources:
            yield audit_source(checklist, source, limits)
        return
    yield from _parse(_parallel_encoded(checklist, sources, jobs, limits))


def _parallel_encoded(
    checklist: Checklist, sources: Sequence[Source], jobs: int, limits: Limits
) -> Iterator[Encoded]:
    """iter_results in worker processes, each result as its worker sent it."""
    # A forking pool starts all its processes at once: a worker per BATCH documents at most
    # (`--jobs 1000` on a small folder would otherwise fork a thousand idle copies).
    jobs = min(jobs, -(-len(sources) // BATCH))
    return _parallel(checklist, batches(sources, jobs), jobs, limits)


def batches(sources: Sequence[Source], jobs: int) -> list[list[Source]]:
    """`sources` in order, cut into tasks for `jobs` workers: each an eighth of a worker's
    share of what remains (guided scheduling), between BATCH_LEAST and BATCH_MOST documents."""
    cut: list[list[Source]] = []
    start = 0
    while start < len(sources):
        size = min(BATCH_MOST, max(BATCH_LEAST, (len(sources) - start) // (8 * jobs)))
        cut.append(list(sources[start : start + size]))
        start += size
    return cut


def _parallel(
    checklist: Checklist, batches: list[list[Source]], jobs: int, limits: Limits
) -> Iterator[Encoded]:
    """Run batches in a process pool, a bounded window ahead, yielding in input order.

    A worker that dies (killed, out of memory) breaks the pool and every batch in flight with
    it. The batch at the head is then run one document per process, so only a document that
    kills its worker becomes an ERROR; the others go back to the queue for a fresh pool.
    """
    # Imported here: a run of one process never needs them (about 10 ms of every start).
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    # A forking pool starts all its processes at once: never more than there are batches.
    jobs = min(jobs, len(batches))
    pending = deque(batches)
    window = jobs * 4  # bounded look-ahead keeps memory flat however many documents there are
    while pending:
        broken: list[list[Source]] = []
        pool = ProcessPoolExecutor(
            jobs,
            mp_context=context,
            initializer=_init_worker,
            initargs=_worker_setup(checklist, limits, context),
        )
        try:
            inflight: deque[tuple[list[Source], Future[list[Encoded]]]] = deque()
            try:
                while pending or inflight:
                    while pending and len(inflight) < window:
                        batch = pending.popleft()
                        inflight.append((batch, pool.submit(_work, batch)))
                    results = inflight[0][1].result()
                    inflight.popleft()
                    yield from results
            except BrokenProcessPool:
                broken = [batch for batch, _ in inflight]
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if broken:
            yield from _isolate(checklist, broken[0], limits, context)
            pending = deque(broken[1:] + list(pending))


def _isolate(
    checklist: Checklist, batch: list[Source], limits: Limits, context: Any
) -> Iterator[Encoded]:
    """Process each document of a batch that broke a worker in its own process."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    for source in batch:
        with ProcessPoolExecutor(
            1,
            mp_context=context,
            initializer=_init_worker,
            initargs=_worker_setup(checklist, limits, context),
        ) as pool:
            try:
                (encoded,) = pool.submit(_work, [source]).result()
            except BrokenProcessPool:
                result = _error_result(
                    checklist, source, "the worker process died while reading this document"
                )
                encoded = encode(result)
        yield encoded
