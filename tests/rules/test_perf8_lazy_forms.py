"""A leaf's other compiled forms are made only when a scan uses them.

Each leaf can have a relaxed form (without its leading `\\b`) and a folded form (for lowercased
text) with a relaxed form of its own; each is an RE2 compile made on first use. A document with
no long s or Kelvin sign scans every leaf that has a folded form with that form, so the plain
relaxed form of such a leaf is never needed (about 17 ms of compiles for the baseline), and a
document with one never needs the folded forms.
"""

from __future__ import annotations

from pathlib import Path

from auditor.checklist.compiled import Checklist, load_checklist
from auditor.document.loader import load_document
from auditor.engine import evaluate_document
from auditor.models import Status
from auditor.rules.expr import Leaf

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "policies" / "smithmicro.com_2010-12-29.md"


def _fresh() -> tuple[Checklist, list[Leaf]]:
    checklist = load_checklist(ROOT / "checklists" / "baseline.yaml")
    return checklist, list(checklist.leaves._by_source.values())


def _made(leaf: Leaf, form: str) -> bool:
    return form in vars(leaf)  # a cached_property is stored in the instance once computed


def test_a_plain_document_compiles_no_plain_relaxed_form_beside_a_folded_one() -> None:
    checklist, leaves = _fresh()
    document = load_document(POLICY)
    result = evaluate_document(checklist, document, "smithmicro.com_2010-12-29.md")
    assert all(f.status is not Status.ERROR for f in result.findings)
    scanned = [leaf for leaf in leaves if _made(leaf, "folded")]
    assert scanned  # the document did scan leaves
    with_folded = [leaf for leaf in scanned if leaf.folded is not None]
    assert with_folded
    assert not any(_made(leaf, "relaxed") for leaf in with_folded)
    # A leaf without a folded form still gets its relaxed form when it opens with `\b`.
    for leaf in scanned:
        if leaf.folded is None:
            assert _made(leaf, "relaxed")


def test_a_document_with_a_kelvin_sign_compiles_no_folded_form(tmp_path: Path) -> None:
    checklist, leaves = _fresh()
    text = POLICY.read_text("utf-8") + "\nIt is 300 \u212a.\n"
    path = tmp_path / "kelvin.md"
    path.write_text(text, "utf-8")
    evaluate_document(checklist, load_document(path), "kelvin.md")
    assert not any(_made(leaf, "folded") for leaf in leaves)
    assert any(_made(leaf, "relaxed") for leaf in leaves)
