"""Run the audit on a Dask distributed cluster: `auditor audit --engine dask [--scheduler ADDR]`.

The workers run the same per-document function as a local run (`audit_source`) on batches of
files they read themselves from shared storage (so every worker must see the files at the same
absolute paths); results stream back to this process, which yields them in input order and
writes the reports. The compiled checklist is sent to every worker once and reused for every
document (warm start). Without a scheduler address a local cluster of `workers` processes is
started and stopped around the run.

Dask is an optional extra: `pip install 'auditor[dask]'`.

Limits: the per-document budgets apply (`--max-size`, `--timeout`, `--max-memory`); Dask runs
tasks in worker threads, where the budgets are watched by a thread instead of a signal (see
auditor.budget); the memory budget only while a worker runs one task at a time.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from auditor.audit import (
    BATCH,
    Encoded,
    EngineError,
    Limits,
    Source,
    audit_source,
    encode,
)
from auditor.checklist.compiled import Checklist
from auditor.models import PolicyResult


def _distributed() -> Any:
    try:
        import dask.distributed
    except ImportError:
        raise EngineError(
            "the dask engine needs dask.distributed: pip install 'auditor[dask]'"
        ) from None
    return dask.distributed


def _work(
    checklist: Checklist, batch: list[tuple[str, str, str]], limits: Limits
) -> list[Encoded]:
    """Audit a batch on a worker: (absolute path to read, path as given, policy id) each.

    Results travel as a local worker's do, JSON with their notices: half the cost of pickling
    the models on the worker, and none on the client when it only spools them (the client is
    the one process every result of a cluster goes through)."""
    out = []
    for absolute, given, policy_id in batch:
        result = audit_source(checklist, Source(Path(absolute), policy_id), limits)
        if result.path != given:  # report the path as the user gave it, as a local run does
            result = result.model_copy(update={"path": given})
        out.append(encode(result))
    return out


class DaskEngine:
    """An `Engine` (see auditor.audit) backed by a Dask cluster."""

    def __init__(
        self, scheduler: str | None = None, workers: int = 1, window: int | None = None
    ) -> None:
        _distributed()  # fail now, before any document is read, if Dask is missing
        self.scheduler = scheduler
        self.workers = workers
        # Batches in flight at once: enough to keep every worker busy while results are
        # written, few enough that memory stays flat however many documents there are.
        self.window = window

    @contextlib.contextmanager
    def _client(self, batches: int) -> Iterator[Any]:
        """A client of the scheduler, or of a local cluster of at most one worker per batch."""
        distributed = _distributed()
        if self.scheduler:
            try:
                client = distributed.Client(self.scheduler, timeout="30s")
            except (OSError, TimeoutError) as exc:
                raise EngineError(
                    f"cannot reach the Dask scheduler {self.scheduler}: {exc}"
                ) from None
            with client:
                yield client
            return
        import dask.config

        # A worker's statistical profiler samples every task thread's stack 100 times a second,
        # for a dashboard nobody reads here: on a cluster of our own it is off (about 3 % of
        # the CPU of a 1k audit on one worker). Worker processes take the settings in force
        # when they start.
        with (
            dask.config.set({"distributed.worker.profile.enabled": False}),
            distributed.LocalCluster(
                n_workers=min(self.workers, batches),  # a worker with no batch is waste
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # any free port: never clash with another cluster
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            yield client

    def __call__(
        self, checklist: Checklist, sources: Sequence[Source], limits: Limits
    ) -> Iterator[PolicyResult]:
        """Results in input order."""
        for encoded, _, _ in self.encoded(checklist, sources, limits):
            yield PolicyResult.model_validate_json(encoded)

    def encoded(
        self, checklist: Checklist, sources: Sequence[Source], limits: Limits
    ) -> Iterator[Encoded]:
        """Results in input order, each as its worker sent it (see `_work`)."""
        batches = [
            [(str(s.path.absolute()), str(s.path), s.policy_id) for s in sources[i : i + BATCH]]
            for i in range(0, len(sources), BATCH)
        ]
        if not batches:
            return
        with self._client(len(batches)) as client:
            cores = sum(client.nthreads().values()) or self.workers
            window = self.window or max(4, cores * 4)
            # One copy of the compiled checklist per worker, deserialised once and kept.
            (shared,) = client.scatter([checklist], broadcast=True, hash=False)
            pending = deque(batches)
            inflight: deque[Any] = deque()
            while pending or inflight:
                while pending and len(inflight) < window:
                    batch = pending.popleft()
                    inflight.append(client.submit(_work, shared, batch, limits, pure=False))
                future = inflight.popleft()
                yield from future.result()
                future.release()
