"""Written in one process, the three reports share one pass over the results (each is a sink
fed a policy at a time): the same bytes as each writer on its own, and a failure half-way
leaves nothing. The two passes that read no quote (the JSON counts, the scorecard's tally)
parse a spool's lines as outlines: the same ids, names, statuses and evidence counts as the
whole results, on a real audit and on generated results, and the same counts and tally."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import auditor.reporters.csv_report as csv_report
from auditor.audit import discover, run_audit
from auditor.checklist.compiled import load_checklist
from auditor.models import AuditRun, Evidence, Finding, PolicyResult, Review, Status, Verdict
from auditor.records import _both_counts
from auditor.reporters import REPORTERS, write_reports
from auditor.reporters.xlsx_report import _Tally
from auditor.reviews import merge_reviews
from auditor.spool import PolicyOutline, Spool, SpooledResults, outlines

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


def _count_passes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Each pass over a spool from now on: (what it parses, its length)."""
    passes: list[tuple[str, int]] = []
    for name, what in (("__iter__", "results"), ("outlines", "outlines")):
        read = getattr(SpooledResults, name)

        def counted(view: SpooledResults, read: Any = read, what: str = what) -> Any:
            passes.append((what, len(view)))
            return read(view)

        monkeypatch.setattr(SpooledResults, name, counted)
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
    n = len(spooled.policies)
    assert passes == [("outlines", n), ("outlines", n), ("results", n)]
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


def _outline(policy: PolicyResult | PolicyOutline) -> tuple[Any, ...]:
    """What an outline holds, from either."""
    findings = [(f.id, f.check_id, f.status, len(f.evidence)) for f in policy.findings]
    return policy.id, policy.path, policy.title, policy.metadata, findings


def _same_outlines(view: SpooledResults) -> None:
    assert [_outline(o) for o in outlines(view)] == [_outline(p) for p in view]


def test_outlines_of_a_real_audit(spooled: AuditRun) -> None:
    assert isinstance(spooled.policies, SpooledResults)
    _same_outlines(spooled.policies)
    in_memory = spooled.model_copy(update={"policies": list(spooled.policies)})
    assert outlines(in_memory.policies) is in_memory.policies  # nothing to skip in memory
    assert _both_counts(spooled) == _both_counts(in_memory)
    spooled_tally, tally = _Tally(spooled), _Tally(in_memory)
    assert vars(spooled_tally) == vars(tally)


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_evidence = st.builds(
    Evidence,
    quote=_text,
    line=st.integers(1, 99),
    section=st.lists(_text, max_size=2),
    start=st.integers(0, 99),
    end=st.integers(0, 99),
    terms=st.lists(_text, max_size=2),
)
_finding = st.builds(
    Finding,
    id=_text,
    check_id=_text,
    status=st.sampled_from(Status),
    evidence=st.lists(_evidence, max_size=3),
    extracted=st.dictionaries(_text, st.one_of(_text, st.lists(_text, max_size=2)), max_size=2),
)
_policy = st.builds(
    PolicyResult,
    id=_text,
    path=_text,
    sha256=_text,
    format=st.sampled_from(["md", "txt", "html"]),
    title=_text,
    metadata=st.dictionaries(_text, _text, max_size=3),
    warnings=st.lists(_text, max_size=2),
    score=st.one_of(st.none(), st.floats(0, 1)),
    findings=st.lists(_finding, max_size=4),
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(policies=st.lists(_policy, max_size=4))
def test_outlines_of_generated_results(
    policies: list[PolicyResult], tmp_path_factory: pytest.TempPathFactory
) -> None:
    with Spool(tmp_path_factory.mktemp("gen")) as spool:
        for policy in policies:
            spool.append(policy)
        _same_outlines(spool.view())
