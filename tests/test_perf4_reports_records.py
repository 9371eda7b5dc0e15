"""The record layer's shortcuts give what the plain code gave: spreadsheet_safe skips the
XML-illegal substitution on printable text, the evidence fingerprint skips re-spacing text that
has nothing to squeeze."""

from __future__ import annotations

import hashlib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor import records
from auditor.audit import discover, run_audit
from auditor.checklist.compiled import load_checklist
from auditor.models import Finding

ROOT = Path(__file__).resolve().parents[1]
# Every kind of white space str.split knows, controls, surrogates, non-characters.
_ODD = " \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2003\u2028\u2029\u202f\u3000\x00\ud800\ufffe\uffff"
_TEXTS = st.one_of(st.text(), st.text(alphabet=_ODD + "=+-@a é😀\uff1d"))


def _plain_safe(text: str, limit: int = records.EXCEL_CELL_LIMIT) -> str:
    text = records._XML_ILLEGAL.sub("\ufffd", text)
    if text.startswith(records._FORMULA_START):
        text = "'" + text
    if len(text) > limit:
        text = text[: limit - len(records.TRUNCATION_MARK)] + records.TRUNCATION_MARK
    return text


def _plain_fingerprint(finding: Finding) -> str:
    parts = [finding.status.value, finding.reason]
    parts += [" ".join(e.quote.split()) for e in finding.evidence]
    parts += ["~" + " ".join(n.quote.split()) for n in finding.near_misses]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


@given(_TEXTS, st.sampled_from([2**62, records.EXCEL_CELL_LIMIT, 5]))
@settings(max_examples=500)
def test_spreadsheet_safe(text: str, limit: int) -> None:
    assert records.spreadsheet_safe(text, limit) == _plain_safe(text, limit)


@given(_TEXTS)
@settings(max_examples=500)
def test_squeezed(text: str) -> None:
    assert records._squeezed(text) == " ".join(text.split())


def test_fingerprints_and_cells_of_the_real_corpus() -> None:
    checklist = load_checklist(str(ROOT / "checklists" / "baseline.yaml"))
    run = run_audit(
        checklist, discover([ROOT / "bench" / "corpus" / "md", ROOT / "bench" / "corpus" / "html"])
    )
    findings = [f for p in run.policies for f in p.findings]
    assert len(findings) > 500
    for finding in findings:
        assert records.evidence_fingerprint(finding) == _plain_fingerprint(finding)
    for policy in run.policies:
        for finding in policy.findings:
            for value in records.finding_record(run, policy, finding).values():
                if isinstance(value, str):
                    assert records.spreadsheet_safe(value, 2**62) == _plain_safe(value, 2**62)


def test_counts_in_one_pass() -> None:
    checklist = load_checklist(str(ROOT / "checklists" / "baseline.yaml"))
    run = run_audit(checklist, discover([ROOT / "policies"]))
    doc = records.results_document(run, policies=False)
    assert doc["counts"] == run.status_counts()
    plain = dict.fromkeys(records.FINAL_STATUSES, 0)
    for policy in run.policies:
        for status in records.final_statuses(run, policy):
            plain[status] += 1
    assert doc["final_counts"] == plain == records.final_counts(run)
