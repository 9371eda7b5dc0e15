"""Written in one process, the three reports share one pass over the results (each is a sink
fed a policy at a time): the same bytes as each writer on its own, two reads of a spool in all
(the counts and the tally need one of their own), and a failure half-way leaves nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import auditor.reporters.csv_report as csv_report
from auditor.audit import discover, run_audit
from auditor.checklist.compiled import load_checklist
from auditor.models import AuditRun, PolicyResult, Review, Verdict
from auditor.reporters import REPORTERS, write_reports
from auditor.reviews import merge_reviews
from auditor.spool import Spool, SpooledResults

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["json", "csv", "xlsx"]


@pytest.fixture(scope="module")
def spooled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuditRun]:
    """The sample policies audited into a spool, two findings reviewed."""
    checklist = load_checklist(ROOT / "checklists" / "baseline.yaml")
    with Spool(tmp_path_factory.mktemp("spool")) as spool:
        run = run_audit(checklist, discover([ROOT / "policies"]), spool=spool)
        first = run.policies[0].findings
        reviews = [
            Review(finding_id=first[0].id, verdict=Verdict.FALSE_NEGATIVE, reviewer="r"),
            Review(finding_id=first[2].id, verdict=Verdict.CONFIRMED, fingerprint="old"),
        ]
        yield merge_reviews(run, reviews)


def _count_passes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    passes: list[int] = []
    read = SpooledResults.__iter__

    def counted(view: SpooledResults) -> Iterator[PolicyResult]:
        passes.append(len(view))
        return read(view)

    monkeypatch.setattr(SpooledResults, "__iter__", counted)
    return passes


def test_reports_in_one_pass_equal_each_writer_alone(
    spooled: AuditRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = []
    for name in NAMES:
        file_name, write = REPORTERS[name]
        alone.append(write(spooled, tmp_path / "alone" / file_name))
    passes = _count_passes(monkeypatch)
    together = write_reports(spooled, tmp_path / "together", NAMES, jobs=1)
    # The JSON counts and the scorecard's tally, then one pass for everything else.
    assert passes == [len(spooled.policies)] * 3
    for a, b in zip(alone, together, strict=True):
        assert a.name == b.name and a.read_bytes() == b.read_bytes(), a.name
    assert sorted(p.name for p in (tmp_path / "together").iterdir()) == sorted(
        p.name for p in together
    )


@pytest.mark.parametrize("names", [["json"], ["csv", "xlsx"], ["xlsx", "json"]])
def test_any_set_of_reports_equals_each_writer_alone(
    spooled: AuditRun, names: list[str], tmp_path: Path
) -> None:
    together = write_reports(spooled, tmp_path / "together", names, jobs=1)
    for name, path in zip(names, together, strict=True):
        alone = REPORTERS[name][1](spooled, tmp_path / name)
        assert alone.read_bytes() == path.read_bytes(), name


def test_a_failure_half_way_leaves_the_previous_reports_and_nothing_else(
    spooled: AuditRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").write_text("previous")
    third = spooled.policies[2].id
    record = csv_report.finding_record

    def failing(run: AuditRun, policy: PolicyResult, *args: Any) -> dict[str, Any]:
        if policy.id == third:  # the JSON and the scorecard are well under way by now
            raise OSError("disk full")
        return record(run, policy, *args)

    monkeypatch.setattr(csv_report, "finding_record", failing)
    threads = threading.active_count()
    with pytest.raises(OSError, match="disk full"):
        write_reports(spooled, out, NAMES, jobs=1)
    assert [p.name for p in out.iterdir()] == ["results.json"]  # no partial, no sheet parts
    assert (out / "results.json").read_text() == "previous"
    assert threading.active_count() == threads  # every sheet's compressor stopped
