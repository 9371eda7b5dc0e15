"""Auditing a document leaves no reference cycle behind: its objects are freed at once.

With a cycle (a per-document cache holding an object that points back to the scan) every
document's text, sentences and blocks waited for the cyclic garbage collector; with results
kept in memory, as the CLI keeps them, that collector then ran often over many live objects.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from auditor.audit import discover
from auditor.checklist.compiled import load_checklist
from auditor.document.loader import load_document
from auditor.document.model import Sentence
from auditor.engine import evaluate_document

ROOT = Path(__file__).resolve().parents[1]
_CHECKLIST = load_checklist(ROOT / "checklists" / "baseline.yaml")
_SOURCES = discover([ROOT / "bench" / "corpus" / "md", ROOT / "bench" / "corpus" / "html"])


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _live_sentences() -> int:
    return sum(1 for o in gc.get_objects() if type(o) is Sentence)


@pytest.mark.parametrize("source", _SOURCES[::10], ids=lambda s: s.policy_id)
def test_document_freed_without_the_cyclic_collector(source: object) -> None:
    path = source.path  # type: ignore[attr-defined]
    with _no_cyclic_gc():
        # Sentences are tuples, which take no weak reference: the live ones are counted.
        before = _live_sentences()
        document = load_document(path, str(path))
        alive = weakref.ref(document)
        loaded = _live_sentences()
        assert loaded - before == len(document.sentences)
        result = evaluate_document(_CHECKLIST, document, "p")
        assert _live_sentences() == loaded  # evaluation keeps none of its own
        del document
        assert alive() is None
        assert _live_sentences() == before
    assert result.findings


def test_no_garbage_cycles_from_an_audit() -> None:
    """Every object an audit drops is freed by reference counting: the collector finds none."""
    for source in _SOURCES[:3]:  # warm: imports, compiled sets, module caches
        evaluate_document(_CHECKLIST, load_document(source.path, str(source.path)), "p")
    with _no_cyclic_gc():
        results = [
            evaluate_document(_CHECKLIST, load_document(s.path, str(s.path)), "p")
            for s in _SOURCES[::7]
        ]
        assert gc.collect() == 0
    assert len(results) == len(_SOURCES[::7])
