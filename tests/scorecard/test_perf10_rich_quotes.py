"""Rich evidence is worked out once per distinct quote and terms (`_RichQuotes`).

Each snippet's cell must be what `_rich_evidence` gives its own quote and terms, rendered,
whether it comes from the table, after the table was emptied, or (a quote too long for the
table) from the policy's own snippets; and the workbook must not change by a byte whatever
the table's size.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from auditor.models import AuditRun, Evidence, PolicyResult
from auditor.reporters import xlsx_report as X


def _plain(evidence: Evidence) -> X._RichText | str:
    runs = X._rich_evidence(evidence.quote, evidence.terms)
    return runs if isinstance(runs, str) else X._rendered(runs)


@pytest.mark.parametrize(("kept", "length"), [(X.RICH_KEPT, X._RICH_KEPT_LENGTH), (7, 300), (0, 0)])
def test_every_snippet_of_the_real_corpus(
    real_run: AuditRun, monkeypatch: pytest.MonkeyPatch, kept: int, length: int
) -> None:
    monkeypatch.setattr(X, "_RICH_KEPT_LENGTH", length)
    quotes = X._RichQuotes(kept)
    snippets = rich = 0
    for _ in range(2):  # the second time round, the first policies' quotes were emptied out
        for policy in real_run.policies:
            for finding in policy.findings:
                for evidence in finding.evidence:
                    expected = _plain(evidence)
                    assert quotes(policy, evidence) == expected, evidence.quote
                    snippets += 1
                    rich += isinstance(expected, X._RichText)
    assert snippets > 1000 and rich > snippets // 2


def _evidence(quote: str, terms: list[str]) -> Evidence:
    return Evidence(quote=quote, line=1, section=["S"], start=0, end=len(quote), terms=terms)


def test_same_quote_other_terms_and_long_quotes() -> None:
    quotes = X._RichQuotes(X.RICH_KEPT)
    policy = PolicyResult.model_construct(id="p")
    a = _evidence("We never sell your data.", ["sell"])
    b = _evidence("We never sell your data.", ["data"])
    assert quotes(policy, a) == _plain(a) and quotes(policy, b) == _plain(b)
    assert quotes(policy, a) != quotes(policy, b)
    long = _evidence("We encrypt your data. " * 40, ["encrypt"])  # past the table's length
    cell = quotes(policy, long)
    assert cell == _plain(long) and quotes(policy, long) is cell
    other = PolicyResult.model_construct(id="q")
    assert quotes(other, long) == cell  # worked out again for another policy


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_any_table_size_gives_the_same_workbook(
    real_run: AuditRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _parts(X.write_xlsx(real_run, tmp_path / "default.xlsx"))
    for kept, length in ((7, 300), (0, 0)):
        monkeypatch.setattr(X, "RICH_KEPT", kept)
        monkeypatch.setattr(X, "_RICH_KEPT_LENGTH", length)
        assert _parts(X.write_xlsx(real_run, tmp_path / f"{kept}.xlsx")) == expected, kept
