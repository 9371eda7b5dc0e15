"""`auditor eval`: labels -> expected statuses, path resolution, the figures, the CLI, and the
accuracy floor of the baseline checklist on the in-project labelled corpus."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from auditor.checklist.compiled import load_checklist
from auditor.cli import cli
from auditor.evaluate import (
    LabelError,
    evaluate,
    load_labels,
    parse_maps,
    resolve,
)

ROOT = Path(__file__).resolve().parents[1]
CHECKLIST = load_checklist(ROOT / "checklists" / "baseline.yaml")
DEV_LABELS = ROOT / "bench" / "corpus" / "labels" / "dev.json"
FLOOR = 0.97

POLICY = """# Example privacy policy

Last updated: March 3, 2015

We do not knowingly collect personal information from children under 13.

To unsubscribe, click the link at the bottom of any e-mail.

We use encryption to protect your personal information.

Contact us at privacy@example.org.
"""
BARE = """# About us

We sell garden tools.
"""


def label(file: str, **changes: Any) -> dict[str, Any]:
    """A label for POLICY, with some fields changed."""
    out: dict[str, Any] = {
        "file": file,
        "children": {"statement": True, "age": 13},
        "opt_out": True,
        "security": True,
        "contact": {"email": True, "postal": False, "phone": False, "form": False},
        "last_updated": "2015-03-03",
        "not_a_policy": False,
        "evidence": {},
    }
    out.update(changes)
    return out


def write_corpus(tmp_path: Path, labels: list[dict[str, Any]]) -> Path:
    (tmp_path / "corpus" / "md").mkdir(parents=True)
    (tmp_path / "corpus" / "md" / "good.md").write_text(POLICY, "utf-8")
    (tmp_path / "corpus" / "md" / "bare.md").write_text(BARE, "utf-8")
    path = tmp_path / "labels.json"
    path.write_text(json.dumps(labels), "utf-8")
    return path


NO_DISCLOSURES: dict[str, Any] = {
    "children": {"statement": False, "age": None},
    "opt_out": False,
    "security": False,
    "contact": {"email": False, "postal": False, "phone": False, "form": False},
    "last_updated": None,
}


# --- labels ---------------------------------------------------------------------------------


def test_expected_statuses_follow_the_labels_readme(tmp_path: Path) -> None:
    path = write_corpus(
        tmp_path,
        [
            label("a.md"),
            label(
                "b.md",
                children={"statement": True, "age": None},
                contact={"email": False, "postal": False, "phone": True, "form": False},
                opt_out=False,
                security=False,
                last_updated=None,
            ),
        ],
    )
    a, b = load_labels(path)
    assert a.statuses == {
        "coppa-age-statement": "PASS",
        "opt-out-mechanism": "PASS",
        "security-disclosure": "PASS",
        "contact-address": "PASS",
        "last-updated-date": "PASS",
    }
    assert b.statuses == {
        "coppa-age-statement": "REVIEW",
        "opt-out-mechanism": "FAIL",
        "security-disclosure": "FAIL",
        "contact-address": "REVIEW",
        "last-updated-date": "FAIL",
    }
    assert b.values == {
        "date": None,
        "age": None,
        "email": False,
        "postal": False,
        "phone": True,
        "form": False,
    }


def test_labels_may_be_wrapped_in_an_object(tmp_path: Path) -> None:
    path = tmp_path / "labels.json"
    path.write_text(json.dumps({"provenance": "x", "labels": [label("a.md")]}), "utf-8")
    assert [x.file for x in load_labels(path)] == ["a.md"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[{"file": "a.md"}]', "missing"),
        ("{}", "non-empty JSON list"),
        ("not json", "not a JSON labels file"),
    ],
)
def test_bad_labels_are_one_line_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "labels.json"
    path.write_text(content, "utf-8")
    with pytest.raises(LabelError, match=message):
        load_labels(path)


def test_a_file_labelled_twice_is_an_error(tmp_path: Path) -> None:
    path = write_corpus(tmp_path, [label("a.md"), label("a.md")])
    with pytest.raises(LabelError, match="labelled twice"):
        load_labels(path)


# --- paths ----------------------------------------------------------------------------------


def test_resolve_tries_root_then_the_bench_copy(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "p.md").write_text("x", "utf-8")
    (tmp_path / "bench" / "corpus" / "md").mkdir(parents=True)
    (tmp_path / "bench" / "corpus" / "md" / "x.md").write_text("x", "utf-8")
    assert resolve("policies/p.md", tmp_path) == tmp_path / "policies" / "p.md"
    assert resolve("corpus/md/x.md", tmp_path) == tmp_path / "bench" / "corpus" / "md" / "x.md"
    assert resolve("corpus/md/none.md", tmp_path) == tmp_path / "corpus" / "md" / "none.md"


def test_resolve_applies_the_first_matching_map(tmp_path: Path) -> None:
    maps = parse_maps(["corpus/=data/c/", "corpus/md/=never/"])
    assert resolve("corpus/md/x.md", tmp_path, maps) == tmp_path / "data" / "c" / "md" / "x.md"
    with pytest.raises(LabelError, match="OLD=NEW"):
        parse_maps(["corpus"])


def test_a_missing_labelled_file_is_an_error_not_a_skip(tmp_path: Path) -> None:
    path = write_corpus(tmp_path, [label("corpus/md/good.md"), label("corpus/md/gone.md")])
    with pytest.raises(LabelError, match=r"1 labelled file\(s\) not found.*gone\.md"):
        evaluate(CHECKLIST, load_labels(path), tmp_path)


# --- figures --------------------------------------------------------------------------------


def test_figures_and_disagreements(tmp_path: Path) -> None:
    path = write_corpus(
        tmp_path,
        [
            label("corpus/md/good.md"),
            # Wrong on purpose: the bare page has none of the disclosures, but this label says the
            # date and the contact address are there.
            label(
                "corpus/md/bare.md",
                **{
                    **NO_DISCLOSURES,
                    "last_updated": "2015-01-01",
                    "contact": {"email": True, "postal": False, "phone": False, "form": False},
                },
            ),
        ],
    )
    report = evaluate(CHECKLIST, load_labels(path), tmp_path)
    scores = report.scores["all"]
    assert scores.documents == 2 and set(report.scores) == {"all", "md"}
    updated = scores.checks["last-updated-date"]
    assert updated.matrix == {"PASS": {"PASS": 1, "FAIL": 1}}
    assert (updated.correct, updated.total, updated.accuracy) == (1, 2, 0.5)
    assert (updated.pass_counts.precision, updated.pass_counts.recall) == (1.0, 0.5)
    assert scores.checks["security-disclosure"].accuracy == 1.0
    date = scores.values["date"]
    assert (date.exact, date.compared) == (1, 2)
    age = scores.values["age"]
    assert (age.exact, age.compared) == (1, 1)  # agreeing on "no age" is not counted
    email = scores.channels["email"]
    assert (email.tp, email.fp, email.fn, email.tn) == (1, 0, 1, 0)
    assert [(d.file, d.check, d.what, d.expected, d.actual) for d in report.disagreements] == [
        ("corpus/md/bare.md", "contact-address", "status", "PASS", "FAIL"),
        ("corpus/md/bare.md", "contact-address", "channel:email", True, []),
        ("corpus/md/bare.md", "last-updated-date", "status", "PASS", "FAIL"),
    ]


def test_a_wrong_value_with_the_right_status_is_a_disagreement(tmp_path: Path) -> None:
    path = write_corpus(tmp_path, [label("corpus/md/good.md", last_updated="2015-03-04")])
    report = evaluate(CHECKLIST, load_labels(path), tmp_path)
    [d] = report.disagreements
    assert (d.check, d.what, d.expected, d.actual) == (
        "last-updated-date",
        "date",
        "2015-03-04",
        "2015-03-03",
    )
    assert d.evidence and d.evidence[0].quote == "Last updated: March 3, 2015"


# --- command line ---------------------------------------------------------------------------


def test_cli_prints_tables_and_writes_json(tmp_path: Path) -> None:
    path = write_corpus(tmp_path, [label("corpus/md/good.md")])
    out = tmp_path / "eval.json"
    result = CliRunner().invoke(
        cli,
        [
            "eval",
            str(path),
            "--root",
            str(tmp_path),
            "--checklist",
            str(ROOT / "checklists" / "baseline.yaml"),
            "--json",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "| `contact-address` | 100.0% (1/1) | 100.0% (1/1) | 100.0% | 100.0% |" in result.output
    assert "### Disagreements (0)" in result.output
    data = json.loads(out.read_text("utf-8"))
    assert data["scores"]["all"]["checks"]["coppa-age-statement"]["accuracy"] == 1.0
    assert data["scores"]["md"]["values"]["date"] == {"exact": 1, "compared": 1, "rate": 1.0}
    assert data["disagreements"] == []


def test_cli_fail_under_and_usage_errors(tmp_path: Path) -> None:
    bare = label("corpus/md/bare.md", **{**NO_DISCLOSURES, "opt_out": True})
    path = write_corpus(tmp_path, [label("corpus/md/good.md"), bare])
    checklist = str(ROOT / "checklists" / "baseline.yaml")
    runner = CliRunner()
    low = runner.invoke(
        cli,
        [
            "eval",
            str(path),
            "--root",
            str(tmp_path),
            "--checklist",
            checklist,
            "--fail-under",
            "97",
            "--summary",
        ],
    )
    assert low.exit_code == 1
    assert "below 97%: opt-out-mechanism (all): 50.0%" in low.output
    assert "### Disagreements" not in low.output
    missing = runner.invoke(
        cli,
        ["eval", str(tmp_path / "nope.json"), "--root", str(tmp_path), "--checklist", checklist],
    )
    assert missing.exit_code == 2 and "cannot read labels" in missing.output


def test_update_accuracy_script_splices_between_markers() -> None:
    spec = importlib.util.spec_from_file_location(
        "update_accuracy", ROOT / "scripts" / "update_accuracy.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    doc = f"intro\n{module.BEGIN}\nold\n{module.END}\nafter\n"
    assert module.splice(doc, "new\n") == f"intro\n{module.BEGIN}\n\nnew\n\n{module.END}\nafter\n"
    with pytest.raises(ValueError, match="markers"):
        module.splice("no markers", "x")


# --- the accuracy floor ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def dev_report() -> Any:
    return evaluate(CHECKLIST, load_labels(DEV_LABELS), ROOT)


def test_every_check_meets_the_floor_on_the_dev_labels(dev_report: Any) -> None:
    """The issue's bar: at least 97% status accuracy per check, for markdown and HTML alike."""
    low = [
        f"{subset} {check}: {score.correct}/{score.total}"
        for subset, scores in dev_report.scores.items()
        for check, score in scores.checks.items()
        if score.accuracy < FLOOR
    ]
    assert not low, low
    # HTML pages must score as well as markdown, not hide behind the overall figure.
    assert {"md", "html"} <= set(dev_report.scores)


def test_extracted_dates_meet_the_floor(dev_report: Any) -> None:
    date = dev_report.scores["all"].values["date"]
    assert date.compared >= 25 and date.rate >= FLOOR, (date.exact, date.compared)


def test_same_snapshot_pairs_are_found(dev_report: Any) -> None:
    """dafont.com and spacepaintings.com are the same snapshot in both forms (PROVENANCE.md)."""
    assert sorted(p.site for p in dev_report.pairs) == ["dafont.com", "spacepaintings.com"]
