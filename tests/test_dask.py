"""The Dask engine on a real LocalCluster of two worker processes equals the single-process run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from auditor.audit import Limits, Source, discover, run_audit
from auditor.checklist.compiled import Checklist, load_checklist
from auditor.cli import cli
from auditor.models import PolicyResult
from auditor.spool import Spool

distributed = pytest.importorskip("dask.distributed")

from auditor.dask_engine import DaskEngine  # noqa: E402  (only once dask is known to exist)

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "checklists" / "baseline.yaml"
# Sample policies, markdown and HTML from the corpus; a missing file shows the error path.
PATHS = [ROOT / "policies", ROOT / "bench" / "corpus" / "html"]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as running:
        yield running


@pytest.fixture(scope="module")
def checklist() -> Checklist:
    return load_checklist(BASELINE)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> list[Source]:
    found = discover(PATHS)
    gone = tmp_path_factory.mktemp("gone") / "removed.md"
    return [*found, Source(gone, "removed.md")]


@pytest.fixture(scope="module")
def local(checklist: Checklist, sources: list[Source]) -> list[PolicyResult]:
    return list(run_audit(checklist, sources, jobs=1).policies)


def test_cluster_run_equals_single_process_run(
    cluster: Any, checklist: Checklist, sources: list[Source], local: list[PolicyResult]
) -> None:
    engine = DaskEngine(cluster.scheduler_address, window=2)  # small window: many round trips
    run = run_audit(checklist, sources, engine=engine)
    assert [p.id for p in run.policies] == [s.policy_id for s in sources]
    assert list(run.policies) == local
    assert run.policies[-1].error == "file disappeared before it could be read"


def test_a_spooled_cluster_run_stores_each_result_as_its_json_line(
    cluster: Any,
    checklist: Checklist,
    sources: list[Source],
    local: list[PolicyResult],
    tmp_path: Path,
) -> None:
    # Spooled, the client writes the workers' JSON as it came, unparsed: the same lines as the
    # one-process results, with their errors as terminal notices.
    engine = DaskEngine(cluster.scheduler_address, window=2)
    notices: list[str] = []
    with Spool(tmp_path) as spool:
        run = run_audit(checklist, sources, engine=engine, spool=spool, notices=notices)
        assert list(run.policies) == local
        expected = b"".join(r.model_dump_json().encode() + b"\n" for r in local)
        assert spool.path.read_bytes() == expected
    assert notices == [f"{sources[-1].path}: ERROR: file disappeared before it could be read"]


def test_both_workers_take_part(cluster: Any, checklist: Checklist, sources: list[Source]) -> None:
    engine = DaskEngine(cluster.scheduler_address, window=4)
    with distributed.Client(cluster.scheduler_address) as client:
        with distributed.get_task_stream(client) as stream:
            list(run_audit(checklist, sources * 4, engine=engine).policies)
        workers = {task["worker"] for task in stream.data}
    assert len(workers) == 2


def _audit(out: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli,
        ["audit", *map(str, PATHS), "--checklist", str(BASELINE), "--out", str(out), "-q"]
        + ["--format", "json,csv", *args],
    )
    return result.exit_code, result.output


def _same_reports(a: Path, b: Path) -> None:
    assert (a / "findings.csv").read_bytes() == (b / "findings.csv").read_bytes()
    drop = ("generated_at", "started_at", "command")
    one = {k: v for k, v in json.loads((a / "results.json").read_text("utf-8")).items()}
    two = {k: v for k, v in json.loads((b / "results.json").read_text("utf-8")).items()}
    assert {k: v for k, v in one.items() if k not in drop} == {
        k: v for k, v in two.items() if k not in drop
    }


def test_cli_with_scheduler_writes_the_same_reports(cluster: Any, tmp_path: Path) -> None:
    code, output = _audit(tmp_path / "local", "--jobs", "1")
    assert code in (0, 1), output
    code, output = _audit(
        tmp_path / "dask", "--engine", "dask", "--scheduler", cluster.scheduler_address
    )
    assert code in (0, 1), output
    _same_reports(tmp_path / "local", tmp_path / "dask")


def test_cli_without_scheduler_starts_its_own_local_cluster(tmp_path: Path) -> None:
    code, output = _audit(tmp_path / "local", "--jobs", "1")
    assert code in (0, 1), output
    code, output = _audit(tmp_path / "dask", "--engine", "dask", "--jobs", "2")
    assert code in (0, 1), output
    _same_reports(tmp_path / "local", tmp_path / "dask")


def test_scheduler_needs_the_dask_engine(tmp_path: Path) -> None:
    code, output = _audit(tmp_path / "out", "--scheduler", "tcp://127.0.0.1:1")
    assert code == 2
    assert "--scheduler needs --engine dask" in output
    assert not (tmp_path / "out").exists()


def test_the_time_budget_holds_in_dask_worker_threads(
    cluster: Any, checklist: Checklist, tmp_path: Path
) -> None:
    slow = tmp_path / "slow.md"
    slow.write_bytes(b"lorem ipsum dolor sit amet " * 400_000)  # one 10 MB line
    quick = ROOT / "policies"
    sources = [Source(slow, "slow.md"), *discover([quick])[:2]]
    engine = DaskEngine(cluster.scheduler_address)
    run = run_audit(checklist, sources, engine=engine, limits=Limits(timeout=0.3))
    assert [p.error for p in run.policies] == [
        "took longer than the 0.3 s budget (--timeout)",
        "",
        "",
    ]


def test_the_memory_budget_holds_in_dask_worker_threads(
    cluster: Any, checklist: Checklist, tmp_path: Path
) -> None:
    hog = tmp_path / "hog.md"
    hog.write_bytes(b"A b. " * 400_000)  # 400,000 tiny sentences: about 280 MB of objects
    sources = [*discover([ROOT / "policies"])[:2], Source(hog, "hog.md")]
    engine = DaskEngine(cluster.scheduler_address)
    run = run_audit(checklist, sources, engine=engine, limits=Limits(max_memory=40 * 2**20))
    assert [p.error for p in run.policies] == [
        "",
        "",
        "needed more than 40 MB of memory (--max-memory)",
    ]


def test_a_cluster_of_our_own_has_no_idle_worker_nor_the_workers_profiler() -> None:
    import dask.config

    # Three workers asked for, one batch of work: one worker started.
    with DaskEngine(workers=3)._client(batches=1) as client:
        settings = client.run(lambda: dask.config.get("distributed.worker.profile.enabled"))
    assert list(settings.values()) == [False]
    assert dask.config.get("distributed.worker.profile.enabled") is True  # only for its workers
