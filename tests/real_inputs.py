"""The real inputs that tests of fast paths compare the plain behaviour on (one definition)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from auditor.checklist.compiled import Checklist, load_checklist
from auditor.document.loader import load_document
from auditor.document.model import Document

ROOT = Path(__file__).resolve().parents[1]
CORPUS = [ROOT / "bench" / "corpus" / "md", ROOT / "bench" / "corpus" / "html"]  # 150 + 12
# The real corpus and the sample policies.
REAL_FILES = sorted(
    [*CORPUS[0].glob("*.md")] + [*CORPUS[1].glob("*.html")] + [*(ROOT / "policies").iterdir()]
)


@cache
def baseline() -> Checklist:
    """The baseline checklist, compiled once per test process (do not modify it)."""
    return load_checklist(ROOT / "checklists" / "baseline.yaml")


@cache
def real_documents() -> list[Document]:
    """REAL_FILES loaded, each with its path as id, once per test process."""
    return [load_document(path, str(path)) for path in REAL_FILES]


def real_texts() -> list[str]:
    """The text of each of real_documents()."""
    return [d.text for d in real_documents()]


def plain_path(find: Callable[[], Any], module: Any, name: str, value: Any) -> Any:
    """What `find` gives with `module.name` set to `value` for the call: a fast path switched
    off, to compare with."""
    old = getattr(module, name)
    setattr(module, name, value)
    try:
        return find()
    finally:
        setattr(module, name, old)
