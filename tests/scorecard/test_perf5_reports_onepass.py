"""Written in one process, the scorecard's large sheets (Summary, Findings, Evidence, Policies)
are rendered together in one pass over the results; each worker of a pool renders one of
them in a pass of its own. `_per_task` below is that straightforward way, one pass per sheet
group: both give the same bytes, on a spooled real audit and on generated runs, with tables
split across sheets; the one-process scorecard reads a spool twice (the tally, the sheets)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.audit import discover, run_audit
from auditor.checklist.compiled import load_checklist
from auditor.models import AuditRun, Review, Verdict
from auditor.reporters import xlsx_report as X
from auditor.reporters.xlsx_writer import assemble
from auditor.reviews import merge_reviews
from auditor.spool import Spool, SpooledResults

from .test_split import many_policies

ROOT = Path(__file__).resolve().parents[2]


def _per_task(run: AuditRun, path: Path, folder: Path) -> None:
    """The scorecard with every sheet group rendered on its own, one pass each."""
    writer = X._Writer(run)
    done = {task: writer.render([task], folder)[task] for task in X.TASKS}
    with path.open("wb") as out:
        assemble(out, [s for task in X.TASKS for s in done[task]], X._stylesheet(), writer.props())


def _same_bytes(run: AuditRun, tmp_path: Path) -> None:
    X.write_xlsx(run, tmp_path / "one.xlsx")
    parts = tmp_path / "parts"
    parts.mkdir(exist_ok=True)
    _per_task(run, tmp_path / "each.xlsx", parts)
    assert (tmp_path / "one.xlsx").read_bytes() == (tmp_path / "each.xlsx").read_bytes()


@pytest.fixture(scope="module")
def spooled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuditRun]:
    """The sample policies audited into a spool, a few findings reviewed."""
    checklist = load_checklist(ROOT / "checklists" / "baseline.yaml")
    sources = discover([ROOT / "policies"])
    with Spool(tmp_path_factory.mktemp("spool")) as spool:
        run = run_audit(checklist, sources, spool=spool)
        first = run.policies[0].findings
        reviews = [
            Review(finding_id=first[0].id, verdict=Verdict.FALSE_POSITIVE, comment="no"),
            Review(finding_id=first[1].id, verdict=Verdict.NOT_APPLICABLE, fingerprint="x"),
        ]
        yield merge_reviews(run, reviews)


@pytest.mark.parametrize("rows", [X.MAX_SHEET_ROWS, 40, 9])
def test_one_pass_equals_a_pass_per_sheet_on_a_spooled_audit(
    spooled: AuditRun, rows: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(X, "MAX_SHEET_ROWS", rows)  # 40, 9: every large table splits
    _same_bytes(spooled, tmp_path)


def test_the_one_process_scorecard_reads_a_spool_twice(
    spooled: AuditRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    passes = []
    for name in ("outlines", "__iter__"):
        read = getattr(SpooledResults, name)

        def counted(view: SpooledResults, read: Any = read, name: str = name) -> Any:
            passes.append(name)
            return read(view)

        monkeypatch.setattr(SpooledResults, name, counted)
    X.write_xlsx(spooled, tmp_path / "s.xlsx")
    assert passes == ["outlines", "__iter__"]  # the tally, then every large sheet


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    n=st.integers(0, 9),
    rows=st.integers(3, 14),
    links=st.integers(1, 6),
    bare=st.sets(st.integers(0, 8)),
)
def test_one_pass_equals_a_pass_per_sheet_on_generated_runs(
    n: int, rows: int, links: int, bare: set[int], tmp_path_factory: pytest.TempPathFactory
) -> None:
    run = many_policies(n)
    policies = [  # some policies without any evidence: fewer Evidence rows than findings
        p.model_copy(
            update={"findings": [f.model_copy(update={"evidence": []}) for f in p.findings]}
        )
        if i in bare
        else p
        for i, p in enumerate(run.policies)
    ]
    run = run.model_copy(update={"policies": policies})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(X, "MAX_SHEET_ROWS", rows)
        patch.setattr(X, "MAX_SHEET_LINKS", links)
        _same_bytes(run, tmp_path_factory.mktemp("gen"))
