"""The ninth session's report shortcuts give what the plain code gave.

* A policy's entry of results.json comes from pydantic's serializer with the final statuses
  and score put in (`json_report.policy_json`): the bytes of `dumps(policy_document(...), 2)`.
* Final statuses without reviews are the machine's; a finding record looks its check up by id.

Each is compared with the code it replaced on every policy of the real corpus, with and
without reviews of every verdict, and on policies made to take the fallbacks.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from auditor import records
from auditor.models import AuditRun, Evidence, Finding, PolicyResult, Review, Status, Verdict
from auditor.reporters.json_report import _plain_floats, dumps, policy_json


def _reviewed(run: AuditRun) -> AuditRun:
    """`run` with every third finding reviewed, through every verdict and none, some stale."""
    verdicts: list[Verdict | None] = [None, *Verdict]
    reviews: dict[str, Review] = {}
    k = 0
    for policy in run.policies:
        for finding in policy.findings:
            k += 1
            if k % 3 == 0:
                reviews[finding.id] = Review(
                    finding_id=finding.id,
                    verdict=verdicts[len(reviews) % len(verdicts)],
                    comment="=sum(1)" if k % 2 else "",
                    reviewer="ann" if k % 5 else "",
                    reviewed_on="2024-01-02" if k % 4 else "",
                    fingerprint="abc" if k % 7 == 0 else "",
                    stale=k % 7 == 0,
                )
    assert {r.verdict for r in reviews.values()} == set(verdicts)
    return run.model_copy(update={"reviews": reviews})


@pytest.fixture(scope="module", params=["machine", "reviewed"])
def run(request: pytest.FixtureRequest, real_run: AuditRun) -> AuditRun:
    return real_run if request.param == "machine" else _reviewed(real_run)


# --- the code these shortcuts replaced ------------------------------------------------------


def _plain_policy_document(run: AuditRun, policy: PolicyResult) -> dict[str, Any]:
    doc = policy.model_dump(mode="json")
    doc["final_score"] = _plain_reviewed_score(run, policy)
    for finding, record in zip(policy.findings, doc["findings"], strict=True):
        record["final_status"] = _plain_final_status(finding, run.reviews.get(finding.id))
    return doc


def _plain_reviewed_score(run: AuditRun, policy: PolicyResult) -> float | None:
    finals = [_plain_final_status(f, run.reviews.get(f.id)) for f in policy.findings]
    if finals == [f.status.value for f in policy.findings]:
        return policy.score
    credit = {"PASS": 1.0, "REVIEW": run.checklist.review_credit, "FAIL": 0.0}
    weights = {c.id: c.weight for c in run.checks}
    total = earned = 0.0
    for finding, status in zip(policy.findings, finals, strict=True):
        if status in credit:
            total += weights.get(finding.check_id, 1.0)
            earned += weights.get(finding.check_id, 1.0) * credit[status]
    return round(earned / total, 4) if total else None


def _plain_final_status(finding: Finding, review: Review | None) -> str:
    verdict = review.verdict if review is not None else None
    if verdict is Verdict.FALSE_POSITIVE:
        return "FAIL"
    if verdict is Verdict.FALSE_NEGATIVE:
        return "PASS"
    if verdict is Verdict.NOT_APPLICABLE:
        return "N/A"
    return finding.status.value


def _plain_finding_record(run: AuditRun, policy: PolicyResult, finding: Finding) -> dict[str, Any]:
    check = next((c for c in run.checks if c.id == finding.check_id), None)
    first = finding.evidence[0] if finding.evidence else None
    review = run.reviews.get(finding.id)
    parts = [finding.status.value, finding.reason]
    parts += [" ".join(e.quote.split()) for e in finding.evidence]
    parts += ["~" + " ".join(n.quote.split()) for n in finding.near_misses]
    fingerprint = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    fingerprint = fingerprint[:16]
    return {
        "policy_id": policy.id,
        "policy_path": policy.path,
        "check_id": finding.check_id,
        "check_title": check.title if check else "",
        "severity": check.severity.value if check else "",
        "status": finding.status.value,
        "quote": first.quote if first else "",
        "line": first.line if first else None,
        "section": records.format_section(first.section) if first else "",
        "start": first.start if first else None,
        "end": first.end if first else None,
        "terms": ", ".join(first.terms) if first else "",
        "extracted": records.format_extracted(finding.extracted),
        "decided_by": finding.decided_by,
        "near_misses": records.format_near_misses(finding.near_misses),
        "reason": finding.reason,
        "finding_id": finding.id,
        "final_status": _plain_final_status(finding, review),
        "verdict": review.verdict.value if review and review.verdict else "",
        "comment": review.comment if review else "",
        "reviewer": review.reviewer if review else "",
        "reviewed_on": review.reviewed_on if review else "",
        "review_state": records.review_state(finding, review),
        "evidence_count": len(finding.evidence),
        "fingerprint": fingerprint,
        "reviewed_fingerprint": (review.fingerprint or fingerprint) if review else "",
    }


# --- the real corpus ------------------------------------------------------------------------


def test_policy_json_of_the_real_corpus(run: AuditRun) -> None:
    assert len(run.policies) > 100
    for policy in run.policies:
        assert _plain_floats(policy)  # the fast path is the one tried here
        expected = dumps(_plain_policy_document(run, policy), 2).encode()
        assert policy_json(run, policy) == expected
        assert records.policy_document(run, policy) == _plain_policy_document(run, policy)


def test_final_statuses_and_records_of_the_real_corpus(run: AuditRun) -> None:
    checks = records.check_index(run)
    for policy in run.policies:
        plain = [_plain_final_status(f, run.reviews.get(f.id)) for f in policy.findings]
        assert records.final_statuses(run, policy) == plain
        assert records.reviewed_score(run, policy) == _plain_reviewed_score(run, policy)
        for finding in policy.findings:
            expected = _plain_finding_record(run, policy, finding)
            assert records.finding_record(run, policy, finding, checks) == expected
            assert records.finding_record(run, policy, finding) == expected


def test_check_index_keeps_the_first_check_of_an_id(real_run: AuditRun) -> None:
    first = real_run.checks[0]
    twin = first.model_copy(update={"title": "a second check with the same id"})
    run = real_run.model_copy(update={"checks": [*real_run.checks, twin]})
    assert records.check_index(run)[first.id] is first


# --- the fallbacks --------------------------------------------------------------------------


def _policy(score: float | None, findings: list[Finding]) -> PolicyResult:
    return PolicyResult(
        id="p.md",
        path="policies/p.md",
        sha256="0" * 64,
        format="md",
        metadata={"site": "example.com"},
        score=score,
        findings=findings,
    )


def _finding(check: str, extracted: dict[str, Any], quote: str = "We sell data.") -> Finding:
    evidence = [Evidence(quote=quote, line=3, section=["A", "B"], start=1, end=9, terms=["sell"])]
    return Finding(
        id=f"p.md::{check}",
        check_id=check,
        status=Status.PASS,
        evidence=evidence,
        extracted=extracted,
    )


@pytest.mark.parametrize(
    ("score", "extracted", "fast"),
    [
        (0.5, {"email": ["a@b.c"], "age": 13, "date": None, "x": True}, True),
        (0.0, {"nested": {"a": [1, "b", None]}}, True),
        (None, {"big": 10.0**300, "nan": float("nan"), "inf": float("-inf")}, True),
        (1e-5, {}, False),  # pydantic writes 0.00001, json.dumps 1e-05
        (0.5, {"tiny": 1e-7}, False),
        (0.5, {"tiny": [2.5e-5]}, False),
        (0.5, {"tiny": {"a": [-3e-6]}}, False),
        (0.5, {"a tuple": ("a", 1)}, False),  # a type the records never hold
    ],
)
def test_policy_json_falls_back_where_pydantic_writes_otherwise(
    real_run: AuditRun, score: float | None, extracted: dict[str, Any], fast: bool
) -> None:
    checks = [c.id for c in real_run.checks]
    policy = _policy(score, [_finding(checks[0], extracted), _finding(checks[1], {})])
    assert _plain_floats(policy) is fast
    for run in (real_run, _with_review(real_run, policy)):
        expected = dumps(_plain_policy_document(run, policy), 2).encode()
        assert policy_json(run, policy) == expected


def _with_review(run: AuditRun, policy: PolicyResult) -> AuditRun:
    finding = policy.findings[0]
    review = Review(finding_id=finding.id, verdict=Verdict.FALSE_POSITIVE)
    return run.model_copy(update={"reviews": {finding.id: review}})


def test_policy_json_without_findings(real_run: AuditRun) -> None:
    policy = _policy(None, [])
    expected = dumps(_plain_policy_document(real_run, policy), 2).encode()
    assert policy_json(real_run, policy) == expected


def test_a_lone_surrogate_fails_as_before(real_run: AuditRun) -> None:
    """pydantic refuses it; the plain path then fails where writing the text did."""
    policy = _policy(0.5, [_finding(real_run.checks[0].id, {}, quote="bad \ud800 byte")])
    with pytest.raises(UnicodeEncodeError):
        dumps(_plain_policy_document(real_run, policy), 2).encode()
    with pytest.raises(UnicodeEncodeError):
        policy_json(real_run, policy)


def test_the_float_check_sees_every_number_field() -> None:
    """_plain_floats looks at the score and the extracted values only: the result models have no
    other field that can hold a float. A new field fails here until policy_json checks it."""
    from auditor.models import NearMiss

    fields = {
        model.__name__: {name: str(field.annotation) for name, field in model.model_fields.items()}
        for model in (PolicyResult, Finding, Evidence, NearMiss)
    }
    numbers = {
        (model, name, kind)
        for model, kinds in fields.items()
        for name, kind in kinds.items()
        if "float" in kind or "Any" in kind
    }
    assert numbers == {
        ("PolicyResult", "score", "float | None"),
        ("Finding", "extracted", "dict[str, typing.Any]"),
    }, numbers
    plain = {"<class 'str'>", "<class 'int'>", "list[str]", "dict[str, str]"}
    nested = {"list[auditor.models.Evidence]", "list[auditor.models.NearMiss]"}
    nested |= {"list[auditor.models.Finding]", "<enum 'Status'>"}
    others = {
        kind for kinds in fields.values() for kind in kinds.values() if kind not in plain | nested
    }
    assert others <= {kind for _, _, kind in numbers}, others
