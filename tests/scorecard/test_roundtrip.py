"""Nothing a reviewer types is lost: edits carried across re-runs (also stale and orphaned),
final statuses and scores, backups, lock files, malformed scorecards, review files."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from openpyxl import Workbook, load_workbook

from auditor.models import Review, Verdict
from auditor.records import reviewed_score
from auditor.review_cli import BACKUPS_KEPT, backup

from .conftest import BASELINE, audit, edit_findings, run_cli, sheet_rows, synthetic_run

# Ids of sample findings whose machine status the samples' labels fix (tests/data).
STRONG_DATE = "strongmail.com_2007-12-26.md::last-updated-date"  # FAIL: no date
SMITH_SECURITY = "smithmicro.com_2010-12-29.md::security-disclosure"  # PASS
EMAIL_COPPA = "emailcenterpro.com_2010-12-30.md::coppa-age-statement"  # FAIL: no children
SMITH_CONTACT = "smithmicro.com_2010-12-29.md::contact-address"  # PASS
SMART_OPTOUT = "smartertools.com_2008-12-16.md::opt-out-mechanism"  # PASS

EDITS: dict[str, dict[str, Any]] = {
    STRONG_DATE: {
        "Verdict": "False negative",
        "Comment": "=dated in the footer image",
        "Reviewer": "ana",
        "Reviewed on": dt.datetime(2024, 5, 1),
    },
    SMITH_SECURITY: {
        "Verdict": "False positive",
        "Comment": "SSL only, no policy",
        "Reviewer": "bo",
        "Reviewed on": "last Tuesday",
    },
    EMAIL_COPPA: {"Verdict": "Not applicable", "Comment": "B2B service"},
    SMITH_CONTACT: {"Verdict": "Confirmed", "Reviewer": "ana"},
    SMART_OPTOUT: {"Comment": "check the mailing-list page", "Verdict": "needs FOLLOW-up"},
}
# What each edit reads back as: verdict, comment, reviewer, reviewed on.
CARRIED = {
    STRONG_DATE: ("False negative", "=dated in the footer image", "ana", "2024-05-01"),
    SMITH_SECURITY: ("False positive", "SSL only, no policy", "bo", "last Tuesday"),
    EMAIL_COPPA: ("Not applicable", "B2B service", "", ""),
    SMITH_CONTACT: ("Confirmed", "", "ana", ""),
    SMART_OPTOUT: ("Needs follow-up", "check the mailing-list page", "", ""),
}


def results(out: Path) -> dict[str, Any]:
    return json.loads((out / "results.json").read_text("utf-8"))


def findings_by_id(out: Path) -> dict[str, dict[str, Any]]:
    return {f["id"]: f for p in results(out)["policies"] for f in p["findings"]}


def reviewed(policies: Path, out: Path) -> None:
    """Audit, type EDITS into the scorecard, audit again."""
    assert audit(policies, out).exit_code == 0
    edit_findings(out / "scorecard.xlsx", EDITS)
    result = audit(policies, out)
    assert result.exit_code == 0, result.output


def carried(rows: dict[str, dict[str, Any]], finding_id: str) -> tuple[str, str, str, str]:
    row = rows[finding_id]
    on = row["Reviewed on"]
    on = on.date().isoformat() if isinstance(on, dt.datetime) else (on or "")
    return (row["Verdict"] or "", row["Comment"] or "", row["Reviewer"] or "", on)


def test_machine_statuses_the_edits_rely_on(policies: Path, tmp_path: Path) -> None:
    assert audit(policies, tmp_path / "out").exit_code == 0
    found = findings_by_id(tmp_path / "out")
    assert [
        found[i]["status"]
        for i in (STRONG_DATE, SMITH_SECURITY, EMAIL_COPPA, SMITH_CONTACT, SMART_OPTOUT)
    ] == ["FAIL", "PASS", "FAIL", "PASS", "PASS"]


def test_every_edit_is_carried_and_applied(policies: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    reviewed(policies, out)
    rows = sheet_rows(out / "scorecard.xlsx")
    assert {i: carried(rows, i) for i in CARRIED} == CARRIED
    assert {i: rows[i]["Review state"] for i in CARRIED} == dict.fromkeys(CARRIED, "current")
    assert sum(1 for r in rows.values() if r["Verdict"] or r["Comment"]) == len(CARRIED)
    # Final status: FN on a FAIL -> PASS, FP on a PASS -> FAIL, N/A, the rest unchanged.
    assert {i: (rows[i]["Machine status"], rows[i]["Final status"]) for i in CARRIED} == {
        STRONG_DATE: ("FAIL", "PASS"),
        SMITH_SECURITY: ("PASS", "FAIL"),
        EMAIL_COPPA: ("FAIL", "N/A"),
        SMITH_CONTACT: ("PASS", "PASS"),
        SMART_OPTOUT: ("PASS", "PASS"),
    }
    # The same in results.json, with the review objects and the reviewed scores.
    doc = results(out)
    assert sorted(doc["reviews"]) == sorted(CARRIED)
    assert doc["reviews"][STRONG_DATE] | {"fingerprint": ""} == {
        "finding_id": STRONG_DATE,
        "verdict": "False negative",
        "comment": "=dated in the footer image",
        "reviewer": "ana",
        "reviewed_on": "2024-05-01",
        "fingerprint": "",
        "stale": False,
        "policy_id": "strongmail.com_2007-12-26.md",
        "check_id": "last-updated-date",
        "status": "FAIL",
        "quote": "",
    }
    found = findings_by_id(out)
    assert found[SMITH_SECURITY]["final_status"] == "FAIL"
    scores = {p["id"]: (p["score"], p["final_score"]) for p in doc["policies"]}
    # Weights 2,2,1,1,1 (baseline). strongmail: 6/7 -> 7/7. smithmicro 2010: 7/7 -> 6/7.
    # emailcenterpro: its FAIL coppa check (weight 2) leaves the score: 3/7 -> 3/5.
    assert scores["strongmail.com_2007-12-26.md"] == (round(6 / 7, 4), 1.0)
    assert scores["smithmicro.com_2010-12-29.md"] == (1.0, round(6 / 7, 4))
    assert scores["emailcenterpro.com_2010-12-30.md"] == (round(3 / 7, 4), 0.6)
    assert doc["final_counts"]["N/A"] == 1
    schema = json.loads(
        resources.files("auditor").joinpath("schemas/results.schema.json").read_text("utf-8")
    )
    jsonschema.Draft202012Validator(schema).validate(doc)
    # Summary shows the final statuses and scores.
    summary = load_workbook(out / "scorecard.xlsx")["Summary"]
    by_file = {summary.cell(r, 2).value: r for r in range(9, 14)}
    strong = by_file[str(policies / "strongmail.com_2007-12-26.md")]
    assert (summary.cell(strong, 5).value, summary.cell(strong, 10).value) == (1.0, "PASS")
    # And the CSV, from the same records.
    with (out / "findings.csv").open(encoding="utf-8-sig", newline="") as f:
        csv_rows = {r["Finding id"]: r for r in csv.DictReader(f)}
    assert (csv_rows[STRONG_DATE]["Final status"], csv_rows[STRONG_DATE]["Comment"]) == (
        "PASS",
        "'=dated in the footer image",
    )


def test_a_typed_formula_is_written_back_as_quote_prefixed_text(
    policies: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    reviewed(policies, out)
    ws = load_workbook(out / "scorecard.xlsx")["Findings"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[19].value == STRONG_DATE)
    comment = row[15]
    assert (comment.value, comment.data_type, comment.quotePrefix) == (
        "=dated in the footer image",
        "s",
        True,
    )
    assert row[17].value == dt.datetime(2024, 5, 1) and row[17].number_format == "yyyy-mm-dd"


def test_changed_evidence_makes_a_review_stale_until_cleared(
    policies: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    reviewed(policies, out)
    quote = findings_by_id(out)[SMITH_SECURITY]["evidence"][0]["quote"]
    policy = policies / "smithmicro.com_2010-12-29.md"
    text = policy.read_text("utf-8")
    assert quote in text and quote.endswith(".")
    policy.write_text(text.replace(quote, quote[:-1] + " at all times."), "utf-8")
    assert audit(policies, out).exit_code == 0
    rows = sheet_rows(out / "scorecard.xlsx")
    assert carried(rows, SMITH_SECURITY) == CARRIED[SMITH_SECURITY]
    assert rows[SMITH_SECURITY]["Review state"] == "stale"
    assert rows[SMITH_SECURITY]["Final status"] == "FAIL"  # the verdict still applies
    assert (
        rows[SMITH_SECURITY]["Reviewed fingerprint"] != rows[SMITH_SECURITY]["Evidence fingerprint"]
    )
    assert {i: rows[i]["Review state"] for i in CARRIED if i != SMITH_SECURITY} == dict.fromkeys(
        set(CARRIED) - {SMITH_SECURITY}, "current"
    )
    assert results(out)["reviews"][SMITH_SECURITY]["stale"] is True
    # Stays stale on the next run; the reviewer re-checks and clears the marker.
    assert audit(policies, out).exit_code == 0
    assert sheet_rows(out / "scorecard.xlsx")[SMITH_SECURITY]["Review state"] == "stale"
    edit_findings(out / "scorecard.xlsx", {SMITH_SECURITY: {"Review state": None}})
    assert audit(policies, out).exit_code == 0
    rows = sheet_rows(out / "scorecard.xlsx")
    assert rows[SMITH_SECURITY]["Review state"] == "current"
    assert carried(rows, SMITH_SECURITY) == CARRIED[SMITH_SECURITY]


def test_reviews_of_a_removed_policy_are_orphaned_then_restored(
    policies: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    reviewed(policies, out)
    removed = policies / "strongmail.com_2007-12-26.md"
    kept = tmp_path / removed.name
    shutil.move(removed, kept)
    assert audit(policies, out).exit_code == 0
    wb = load_workbook(out / "scorecard.xlsx")
    assert wb.sheetnames[-1] == "Orphaned reviews"
    assert list(wb["Orphaned reviews"].iter_rows(values_only=True)) == [
        (
            "Finding id",
            "Policy",
            "Check",
            "Verdict",
            "Comment",
            "Reviewer",
            "Reviewed on",
            "Last machine status",
            "Last evidence",
            "Reviewed fingerprint",
        ),
        (
            STRONG_DATE,
            "strongmail.com_2007-12-26.md",
            "last-updated-date",
            "False negative",
            "=dated in the footer image",
            "ana",
            dt.datetime(2024, 5, 1),
            "FAIL",
            None,
            wb["Orphaned reviews"]["J2"].value,
        ),
    ]
    assert STRONG_DATE not in sheet_rows(out / "scorecard.xlsx")
    doc = results(out)
    assert [r["finding_id"] for r in doc["orphaned_reviews"]] == [STRONG_DATE]
    assert STRONG_DATE not in doc["reviews"]
    run_notes = dict(load_workbook(out / "scorecard.xlsx")["Run"].iter_rows(values_only=True))
    assert run_notes["Reviews orphaned"] == 1
    # Kept through another run, and back on its finding when the policy returns.
    assert audit(policies, out).exit_code == 0
    assert [r["finding_id"] for r in results(out)["orphaned_reviews"]] == [STRONG_DATE]
    shutil.move(kept, removed)
    assert audit(policies, out).exit_code == 0
    rows = sheet_rows(out / "scorecard.xlsx")
    assert carried(rows, STRONG_DATE) == CARRIED[STRONG_DATE]
    assert rows[STRONG_DATE]["Review state"] == "current"
    assert "Orphaned reviews" not in load_workbook(out / "scorecard.xlsx").sheetnames


def test_previous_scorecard_is_backed_up(policies: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    reviewed(policies, out)
    (copy,) = sorted(out.glob("scorecard.*Z.xlsx"))
    assert sheet_rows(copy)[STRONG_DATE]["Verdict"] == "False negative"
    notes = [
        v
        for k, v in load_workbook(out / "scorecard.xlsx")["Run"].iter_rows(values_only=True)
        if k == "Note"
    ]
    assert notes == [f"Previous scorecard kept as {copy.name}"]
    assert results(out)["notes"] == notes


def test_backups_keep_the_newest_ten(tmp_path: Path) -> None:
    card = tmp_path / "scorecard.xlsx"
    card.write_bytes(b"v")
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    made = [backup(card, start + dt.timedelta(minutes=i))[0] for i in range(BACKUPS_KEPT)]
    again, removed = backup(card, start + dt.timedelta(minutes=BACKUPS_KEPT))
    assert removed == [made[0]] and again.name == "scorecard.20240101T001000Z.xlsx"
    same_second, _ = backup(card, start + dt.timedelta(minutes=BACKUPS_KEPT))
    assert same_second.name == "scorecard.20240101T001000Z-1.xlsx"
    assert len(list(tmp_path.glob("scorecard.2024*.xlsx"))) == BACKUPS_KEPT
    assert not list(tmp_path.glob(".*"))


@pytest.mark.parametrize("lock", ["~$scorecard.xlsx", "~$orecard.xlsx", ".~lock.scorecard.xlsx#"])
def test_an_open_scorecard_is_never_overwritten(policies: Path, tmp_path: Path, lock: str) -> None:
    out = tmp_path / "out"
    assert audit(policies, out).exit_code == 0
    edit_findings(out / "scorecard.xlsx", {STRONG_DATE: {"Comment": "unsaved? saved."}})
    (out / lock).write_text("owner", "utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = audit(policies, out)
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"auditor: {out / 'scorecard.xlsx'} is open in Excel or LibreOffice ({lock} exists): "
        f"save and close it, then run again (if no one has it open, delete {out / lock}); "
        "nothing was written"
    ]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_json_only_run_reads_reviews_even_if_the_scorecard_is_open(
    policies: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    reviewed(policies, out)
    (out / ".~lock.scorecard.xlsx#").write_text("owner", "utf-8")
    assert audit(policies, out, "--format", "json").exit_code == 0
    assert sorted(results(out)["reviews"]) == sorted(CARRIED)


def _not_a_zip(path: Path) -> None:
    path.write_text("this is not a workbook", "utf-8")


def _no_findings_sheet(path: Path) -> None:
    wb = Workbook()
    wb.active.title = "Summary"
    wb.save(path)


def _no_id_column(path: Path) -> None:
    wb = load_workbook(path)
    wb["Findings"].delete_cols(20)
    wb.save(path)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_not_a_zip, "{card}: cannot read reviews: not an Excel workbook"),
        (_no_findings_sheet, "{card}: cannot read reviews: no 'Findings' sheet"),
        (
            _no_id_column,
            "{card}: sheet 'Findings': no 'Finding id' column in row 1; is this a "
            "scorecard written by auditor?",
        ),
    ],
)
def test_a_malformed_scorecard_stops_the_run_and_changes_nothing(
    policies: Path, tmp_path: Path, damage: Any, message: str
) -> None:
    out = tmp_path / "out"
    assert audit(policies, out).exit_code == 0
    card = out / "scorecard.xlsx"
    damage(card)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = audit(policies, out)
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "auditor: " + message.format(card=card) + "; fix or move it away; nothing was written"
    ]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_duplicated_finding_row_is_reported(policies: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert audit(policies, out).exit_code == 0
    card = out / "scorecard.xlsx"
    wb = load_workbook(card)
    ws = wb["Findings"]
    ws["O2"], ws["O3"], ws["T3"] = "Confirmed", "Confirmed", ws["T2"].value
    wb.save(card)
    result = audit(policies, out)
    assert result.exit_code == 3
    assert result.stderr.strip() == (
        f"auditor: {card}: sheet 'Findings' row 3: finding {ws['T2'].value!r} appears twice "
        "(first at 'Findings' row 2); fix or move it away; nothing was written"
    )


def test_an_unknown_verdict_is_kept_in_the_comment(policies: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert audit(policies, out).exit_code == 0
    edit_findings(
        out / "scorecard.xlsx",
        {SMITH_CONTACT: {"Verdict": "Probably fine", "Comment": "see page 2"}},
    )
    assert audit(policies, out).exit_code == 0
    row = sheet_rows(out / "scorecard.xlsx")[SMITH_CONTACT]
    assert (row["Verdict"], row["Comment"], row["Final status"]) == (
        None,
        "[verdict 'Probably fine' not recognised] see page 2",
        "PASS",
    )


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_review_export_then_import_round_trips(policies: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / "out"
    reviewed(policies, out)
    file = tmp_path / f"reviews{suffix}"
    result = run_cli("review", "export", str(file), "--out", str(out))
    assert (result.exit_code, result.stderr.strip()) == (0, f"exported 5 reviews to {file}")
    exported = file.read_text("utf-8-sig")
    if suffix == ".csv":
        assert exported.splitlines()[0] == (
            "finding_id,policy_id,check_id,verdict,comment,reviewer,reviewed_on,fingerprint,"
            "stale,status,quote"
        )
        assert "'=dated in the footer image" in exported  # guarded, and read back exactly
    # A fresh audit elsewhere, then the reviews imported into it.
    fresh = tmp_path / "fresh"
    assert audit(policies, fresh).exit_code == 0
    result = run_cli("review", "import", str(file), "--out", str(fresh))
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"imported 5 reviews from {file} (0 replaced, 0 orphaned);")
    rows = sheet_rows(fresh / "scorecard.xlsx")
    assert {i: carried(rows, i) for i in CARRIED} == CARRIED
    assert sorted(results(fresh)["reviews"]) == sorted(CARRIED)
    assert len(list(fresh.glob("scorecard.*Z.xlsx"))) == 1
    # Exporting again gives the same file.
    again = tmp_path / f"again{suffix}"
    assert run_cli("review", "export", str(again), "--out", str(fresh)).exit_code == 0
    assert again.read_text("utf-8-sig") == exported


def test_import_needs_the_results_of_an_audit(tmp_path: Path) -> None:
    file = tmp_path / "r.json"
    file.write_text('{"reviews": []}', "utf-8")
    result = run_cli("review", "import", str(file), "--out", str(tmp_path / "none"))
    assert result.exit_code == 3
    assert result.stderr.strip() == (
        f"auditor: {tmp_path / 'none' / 'results.json'}: no such file (run `auditor audit` "
        "first); nothing was written"
    )


def test_a_malformed_review_file_is_one_line(tmp_path: Path) -> None:
    file = tmp_path / "r.json"
    file.write_text('{"reviews": [{"finding_id": "x", "verdict": "Maybe"}]}', "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").write_text("{}", "utf-8")
    result = run_cli("review", "import", str(file), "--out", str(out))
    assert result.exit_code == 3
    assert result.stderr.strip() == (
        f"auditor: {file}: reviews[0]: verdict: Input should be 'Confirmed', 'False positive', "
        "'False negative', 'Not applicable' or 'Needs follow-up'; nothing was written"
    )


def test_reviewed_score_uses_the_checklist_review_credit() -> None:
    run = synthetic_run()
    run = run.model_copy(
        update={
            "checklist": run.checklist.model_copy(update={"review_credit": 0.25}),
            "reviews": {
                "a.md::contact": Review(finding_id="a.md::contact", verdict=Verdict.CONFIRMED)
            },
        }
    )
    assert reviewed_score(run, run.policies[0]) == 0.3333  # nothing changed: the engine's
    run = run.model_copy(
        update={
            "reviews": {
                "a.md::security": Review(
                    finding_id="a.md::security", verdict=Verdict.NOT_APPLICABLE
                )
            }
        }
    )
    assert reviewed_score(run, run.policies[0]) == 0.0  # only the FAIL (weight 2) is left
    assert reviewed_score(run, run.policies[1]) is None  # all ERROR


def test_scorecard_zip_holds_no_external_links(policies: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    reviewed(policies, out)
    with zipfile.ZipFile(out / "scorecard.xlsx") as z:
        assert not [n for n in z.namelist() if "externalLink" in n]
        assert all(
            b'TargetMode="External"' not in z.read(n) for n in z.namelist() if n.endswith(".rels")
        )


def test_results_carry_the_checklists_review_credit(policies: Path, tmp_path: Path) -> None:
    checklist = tmp_path / "c.yaml"
    checklist.write_text(
        BASELINE.read_text("utf-8").replace("review_credit: 0.5", "review_credit: 0.25"), "utf-8"
    )
    result = run_cli(
        "audit",
        str(policies),
        "--checklist",
        str(checklist),
        "--out",
        str(tmp_path / "out"),
        "--quiet",
        "--format",
        "json",
    )
    assert result.exit_code == 0
    assert results(tmp_path / "out")["checklist"]["review_credit"] == 0.25
