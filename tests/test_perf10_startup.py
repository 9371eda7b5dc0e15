"""Start-up: a plain audit neither imports ctypes nor builds the validators of models it never
uses (reviews, spool outlines); those still work when a run does use them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from auditor.models import Review, Verdict
from auditor.spool import PolicyOutline

ROOT = Path(__file__).resolve().parents[1]

# A quiet one-policy audit in a fresh interpreter; then what it imported and built.
_PROBE = """
import json, sys
from auditor.cli import cli
from auditor.models import Review
from auditor.spool import FindingOutline, PolicyOutline
try:
    cli.main(sys.argv[2:], standalone_mode=False)
except SystemExit:
    pass
built = {m.__name__: m.__pydantic_complete__ for m in (Review, PolicyOutline, FindingOutline)}
with open(sys.argv[1], "w") as f:
    json.dump({"ctypes": "ctypes" in sys.modules, "built": built}, f)
"""


def test_a_plain_audit_skips_ctypes_and_unused_validators(tmp_path: Path) -> None:
    listing = tmp_path / "probe.json"
    policy = str(ROOT / "policies" / "strongmail.com_2007-12-26.md")
    args = [policy, "--out", str(tmp_path / "out"), "--jobs", "1", "-q"]
    subprocess.run(
        [sys.executable, "-c", _PROBE, str(listing), "audit", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
    )
    probe = json.loads(listing.read_text())
    assert (tmp_path / "out" / "scorecard.xlsx").exists()
    assert probe == {
        "ctypes": False,
        "built": {"Review": False, "PolicyOutline": False, "FindingOutline": False},
    }


def test_deferred_models_validate_as_before() -> None:
    review = Review.model_validate(
        {"finding_id": "p::c", "verdict": "False positive", "comment": " as typed "}
    )
    assert review.verdict is Verdict.FALSE_POSITIVE and review.comment == " as typed "
    assert review.model_dump()["stale"] is False
    outline = PolicyOutline.model_validate_json(
        '{"id": "a.md", "path": "p/a.md", "quote": "skipped", "findings": '
        '[{"id": "a.md::x", "check_id": "x", "status": "PASS", "evidence": [{"quote": "q"}]}]}'
    )
    assert outline.model_dump(mode="json") == {
        "id": "a.md",
        "path": "p/a.md",
        "title": "",
        "metadata": {},
        "findings": [{"id": "a.md::x", "check_id": "x", "status": "PASS", "evidence": [{}]}],
    }


def test_a_budget_in_a_worker_thread_still_ends_the_work() -> None:
    from auditor.budget import OutOfTime, within_budget

    caught: list[BaseException] = []

    def endless() -> None:
        while True:
            pass

    def run() -> None:
        try:
            within_budget(endless, 0.05)
        except OutOfTime as exc:
            caught.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive() and len(caught) == 1


def test_the_shared_stylesheet_is_left_as_built(tmp_path: Path) -> None:
    from auditor.audit import Limits, discover, run_audit
    from auditor.reporters import write_reports
    from auditor.reporters.xlsx_report import _stylesheet
    from tests.real_inputs import baseline

    sources = discover([ROOT / "policies"])
    run = run_audit(baseline(), sources, limits=Limits(timeout=0, max_memory=0))
    for out in ("a", "b"):  # books, sheets and the workbook all read the one stylesheet
        write_reports(run, tmp_path / out, ["xlsx"], jobs=1)
    shared, fresh = _stylesheet(), _stylesheet.__wrapped__()
    assert _stylesheet() is shared
    assert (shared.xml(), shared.ids, shared.wrapping) == (fresh.xml(), fresh.ids, fresh.wrapping)
    assert len(shared.ids) == 17 and len(shared.dxfs) == 5
