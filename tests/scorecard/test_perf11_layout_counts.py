"""A spool counts what the scorecard's layout needs as results arrive (from workers, with their
JSON, or appended here): the layout of a spooled run without reviews takes those counts instead
of a pass over the file, and they are exactly what the pass counts."""

from __future__ import annotations

from pathlib import Path

import pytest

import auditor.reporters.xlsx_report as xlsx_report
import auditor.spool as spool_module
from auditor.audit import Source, discover, run_audit
from auditor.checklist.compiled import Checklist, load_checklist
from auditor.models import AuditRun, Review, Verdict
from auditor.reviews import merge_reviews
from auditor.spool import Spool, SpooledResults

ROOT = Path(__file__).resolve().parents[2]
# Every format, pages that fail to parse as ERROR findings, and checks that come out N/A.
PATHS = [ROOT / "policies", ROOT / "bench" / "corpus" / "md", ROOT / "bench" / "corpus" / "html"]
FIELDS = [
    "findings_per_policy",
    "evidence_per_finding",
    "machine",
    "final",
    "passed",
    "counted",
    "names",
    "paths",
    "ids",
    "policies",
    "findings",
    "evidence",
]


@pytest.fixture(scope="module")
def checklist() -> Checklist:
    return load_checklist(ROOT / "checklists" / "baseline.yaml")


@pytest.fixture(scope="module")
def sources() -> list[Source]:
    return discover(PATHS)


@pytest.fixture(scope="module")
def in_memory(checklist: Checklist, sources: list[Source]) -> AuditRun:
    return run_audit(checklist, sources, jobs=1)


def _tally(run: AuditRun) -> dict[str, object]:
    tally = xlsx_report._Tally(run)
    return {name: getattr(tally, name) for name in FIELDS}


def _no_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: SpooledResults) -> None:
        raise AssertionError("the layout read the spool")

    monkeypatch.setattr(SpooledResults, "outlines", refuse)
    monkeypatch.setattr(SpooledResults, "__iter__", refuse)


@pytest.mark.parametrize("jobs", [1, 2])  # appended here; sent by workers with their JSON
def test_a_spools_counts_are_what_a_pass_counts(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    checklist: Checklist,
    sources: list[Source],
    in_memory: AuditRun,
    jobs: int,
) -> None:
    expected = _tally(in_memory)
    assert expected["machine"] == {"PASS": 448, "FAIL": 362, "REVIEW": 25, "ERROR": 0}
    assert len(expected["names"]) == len(sources) == 167  # type: ignore[arg-type]
    with Spool(tmp_path) as spool:
        run = run_audit(checklist, sources, jobs=jobs, spool=spool)
        with monkeypatch.context() as m:
            _no_pass(m)
            assert _tally(run) == expected


def test_only_the_first_names_are_kept(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    checklist: Checklist,
    sources: list[Source],
    in_memory: AuditRun,
) -> None:
    monkeypatch.setattr(spool_module, "NAMES_KEPT", 40)
    monkeypatch.setattr(xlsx_report, "SAMPLE", 40)
    expected = _tally(in_memory)
    with Spool(tmp_path) as spool:
        run = run_audit(checklist, sources, jobs=2, spool=spool)
        _no_pass(monkeypatch)
        counted = _tally(run)
    assert counted == expected
    assert counted["ids"] == [s.policy_id for s in sources[:40]]


def test_with_reviews_the_layout_counts_final_statuses_in_a_pass(
    tmp_path: Path, checklist: Checklist, sources: list[Source], in_memory: AuditRun
) -> None:
    passing = next(f for p in in_memory.policies for f in p.findings if f.status.value == "PASS")
    reviews = [Review(finding_id=passing.id, verdict=Verdict.FALSE_POSITIVE)]
    expected = _tally(merge_reviews(in_memory, reviews))
    plain = _tally(in_memory)
    assert expected["final"]["FAIL"] == plain["final"]["FAIL"] + 1  # type: ignore[index]
    assert expected["passed"] != plain["passed"]
    with Spool(tmp_path) as spool:
        run = merge_reviews(run_audit(checklist, sources, jobs=2, spool=spool), reviews)
        assert isinstance(run.policies, SpooledResults) and run.policies.counts is not None
        assert _tally(run) == expected
