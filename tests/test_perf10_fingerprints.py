"""The records of a report pass hash each distinct fingerprint text once (`Fingerprints`).

Every finding of a real-corpus run gets the fingerprint `evidence_fingerprint` gives it, from
the table, after the table was emptied, and for texts too long to keep; and the records are
the ones `finding_record` makes without the table.
"""

from __future__ import annotations

import pytest

from auditor.models import AuditRun, Evidence, Finding, Status
from auditor.records import Fingerprints, check_index, evidence_fingerprint, finding_record


@pytest.mark.parametrize("kept", [4096, 5, 0])
def test_every_finding_of_the_real_corpus(real_run: AuditRun, kept: int) -> None:
    fingerprints = Fingerprints(kept)
    seen: set[str] = set()
    for _ in range(2):  # the second time round, from the table (or after it was emptied)
        for policy in real_run.policies:
            for finding in policy.findings:
                expected = evidence_fingerprint(finding)
                assert fingerprints(finding) == expected, finding.id
                seen.add(expected)
    assert len(seen) > 300


def test_records_are_the_same(real_run: AuditRun) -> None:
    checks, fingerprints = check_index(real_run), Fingerprints(3)
    for policy in real_run.policies:
        for finding in policy.findings:
            assert finding_record(real_run, policy, finding, checks, fingerprints) == (
                finding_record(real_run, policy, finding)
            )


def _finding(quote: str, status: Status = Status.PASS) -> Finding:
    evidence = Evidence(quote=quote, line=1, section=[], start=0, end=len(quote))
    return Finding(id="p::c", check_id="c", status=status, evidence=[evidence])


def test_long_texts_and_statuses() -> None:
    fingerprints = Fingerprints()
    long = _finding("We keep your data safe.  " * 60)  # past the table's length
    assert fingerprints(long) == evidence_fingerprint(long) == fingerprints(long)
    passed, failed = _finding("We encrypt data."), _finding("We encrypt data.", Status.FAIL)
    assert fingerprints(passed) == evidence_fingerprint(passed)
    assert fingerprints(failed) == evidence_fingerprint(failed) != fingerprints(passed)
