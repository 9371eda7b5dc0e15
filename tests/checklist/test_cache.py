"""The checklist cache: a file accepted once is not parsed or schema-checked again, and nothing
the cache holds (or fails to hold) changes what a checklist means or how its errors read."""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

import pytest
from test_perf5_start_imports import _modules_after

from auditor.checklist import cache
from auditor.checklist.compiled import Checklist, load_checklist
from auditor.checklist.loader import ChecklistError
from auditor.document.loader import load_document
from auditor.engine import evaluate_document

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "checklists" / "baseline.yaml"
POLICY = ROOT / "policies" / "smithmicro.com_2010-12-29.md"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache" / "checklists"


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.exists() else []


def _copy(tmp_path: Path, text: str | None = None, name: str = "x.yaml") -> Path:
    path = tmp_path / name
    path.write_text(BASELINE.read_text("utf-8") if text is None else text, "utf-8")
    return path


def _same(a: Checklist, b: Checklist) -> None:
    """Two loads of one file give the same checklist, and it audits a policy alike."""
    assert a.spec == b.spec and a.sha256 == b.sha256 and a.path == b.path
    assert list(a.leaves._by_source) == list(b.leaves._by_source)
    document = load_document(POLICY)
    first = evaluate_document(a, document, POLICY.name).model_dump()
    assert first == evaluate_document(b, document, POLICY.name).model_dump()


def test_an_accepted_checklist_is_kept_and_recalled_alike(folder: Path, tmp_path: Path) -> None:
    path = _copy(tmp_path)
    cold = load_checklist(path)
    [entry] = _entries(folder)
    kept = json.loads(entry.read_text("utf-8"))["data"]
    assert kept["id"] == cold.spec.id and len(kept["checks"]) == 5
    warm = load_checklist(path)
    assert _entries(folder) == [entry]
    _same(cold, warm)


def test_a_recalled_entry_is_what_the_run_uses(folder: Path, tmp_path: Path) -> None:
    path = _copy(tmp_path)
    load_checklist(path)
    [entry] = _entries(folder)
    kept = json.loads(entry.read_text("utf-8"))
    kept["data"]["title"] = "Recalled, not parsed"
    entry.write_text(json.dumps(kept), "utf-8")
    assert load_checklist(path).spec.title == "Recalled, not parsed"


def test_a_warm_audit_imports_neither_yaml_nor_jsonschema_and_writes_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    found = []
    for run in ("cold", "warm"):
        out = str(tmp_path / run)
        modules = _modules_after(tmp_path, "audit", "policies", "--out", out, "--format", "csv")
        found.append(("yaml" in modules, "jsonschema" in modules))
    assert found == [(True, True), (False, False)]
    assert (tmp_path / "cold" / "findings.csv").read_bytes() == (
        tmp_path / "warm" / "findings.csv"
    ).read_bytes()


@pytest.mark.parametrize(
    "content",
    [b"", b"{", b"\xff\xfe", b"[]", b'{"data": 1}', b'{"data": {"checks": "none"}}'],
    ids=["empty", "cut", "not-utf8", "a-list", "not-a-mapping", "invalid-data"],
)
def test_a_broken_entry_is_a_miss_and_is_written_again(
    folder: Path, tmp_path: Path, content: bytes
) -> None:
    path = _copy(tmp_path)
    cold = load_checklist(path)
    [entry] = _entries(folder)
    good = entry.read_bytes()
    entry.write_bytes(content)
    _same(cold, load_checklist(path))
    assert entry.read_bytes() == good


def test_an_entry_that_fails_to_compile_falls_back_to_the_file(
    folder: Path, tmp_path: Path
) -> None:
    path = _copy(tmp_path)
    cold = load_checklist(path)
    [entry] = _entries(folder)
    kept = json.loads(entry.read_text("utf-8"))
    kept["data"]["checks"].append(kept["data"]["checks"][0])  # a duplicate check id
    entry.write_text(json.dumps(kept), "utf-8")
    _same(cold, load_checklist(path))


def test_a_rejected_checklist_is_never_kept_and_its_errors_keep_their_lines(
    folder: Path, tmp_path: Path
) -> None:
    text = BASELINE.read_text("utf-8")
    broken = text.replace("id: opt-out-mechanism", "id: coppa-age-statement", 1)
    path = _copy(tmp_path, broken)
    lines = []
    for _ in range(2):
        with pytest.raises(ChecklistError) as info:
            load_checklist(path)
        lines.append(info.value.lines)
    assert lines[0] == lines[1]
    assert any("duplicate check id 'coppa-age-statement'" in line for line in lines[0])
    assert all(line.startswith(f"{path}:") for line in lines[0])
    assert _entries(folder) == []


def test_an_edited_checklist_is_a_new_entry(folder: Path, tmp_path: Path) -> None:
    path = _copy(tmp_path)
    load_checklist(path)
    edited = BASELINE.read_text("utf-8").replace("title:", "title: Edited -", 1)
    path.write_text(edited, "utf-8")
    assert load_checklist(path).spec.title.startswith("Edited -")
    assert len(_entries(folder)) == 2


def test_an_empty_setting_turns_the_cache_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, "")
    assert cache.cache_dir() is None
    load_checklist(_copy(tmp_path))
    assert not any(tmp_path.rglob("*.json"))


def test_the_default_folder_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cache.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "auditor" / "checklists"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "auditor" / "checklists"


def test_a_cache_that_cannot_be_written_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be", "utf-8")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker))
    path = _copy(tmp_path)
    _same(load_checklist(path), load_checklist(path))
    assert blocker.read_text("utf-8").startswith("a file")


@pytest.mark.skipif(
    not hasattr(os, "getuid") or os.getuid() != 0, reason="giving a file away needs root"
)
def test_an_entry_of_another_user_is_not_trusted(folder: Path, tmp_path: Path) -> None:
    path = _copy(tmp_path)
    cold = load_checklist(path)
    [entry] = _entries(folder)
    kept = json.loads(entry.read_text("utf-8"))
    kept["data"]["title"] = "Planted"
    entry.write_text(json.dumps(kept), "utf-8")
    os.chown(entry, 12345, 12345)
    warm = load_checklist(path)
    assert warm.spec.title == cold.spec.title != "Planted"
    _same(cold, warm)


@pytest.mark.parametrize(
    "data",
    [
        {"when": datetime.date(2024, 1, 2)},  # a YAML date: JSON cannot hold it
        {"items": (1, 2)},  # a tuple would come back a list
        {"ratio": float("nan")},
    ],
    ids=["date", "tuple", "nan"],
)
def test_data_json_cannot_hold_exactly_is_not_kept(folder: Path, data: object) -> None:
    cache.remember(b"checklist bytes", data)
    assert _entries(folder) == []
    assert cache.recall(b"checklist bytes") is None


def test_numbers_and_booleans_keep_their_types(folder: Path) -> None:
    data = {"a": 1, "b": 1.0, "c": True, "d": [None, "x", {"e": 2.5}]}
    cache.remember(b"checklist bytes", data)
    recalled = cache.recall(b"checklist bytes")
    assert recalled == data
    assert [type(recalled[k]) for k in "abc"] == [int, float, bool]


def test_the_oldest_entries_are_pruned(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    for i in range(5):
        cache.remember(f"checklist {i}".encode(), {"n": i})
        for entry in _entries(folder):  # file times a second apart, oldest first
            os.utime(entry, ns=(entry.stat().st_mtime_ns - 10**9,) * 2)
    assert len(_entries(folder)) == 3
    assert [cache.recall(f"checklist {i}".encode()) for i in range(5)] == [
        None,
        None,
        {"n": 2},
        {"n": 3},
        {"n": 4},
    ]


def test_a_hit_skips_the_nested_quantifier_check_a_miss_runs_it(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditor.checklist import compiled
    from auditor.rules.scope import nested_quantifier

    parsed: list[str] = []

    def counting(pattern: str) -> bool:
        parsed.append(pattern)
        return nested_quantifier(pattern)

    monkeypatch.setattr(compiled, "nested_quantifier", counting)
    path = _copy(tmp_path)
    cold = load_checklist(path)
    cold_count = len(parsed)
    warm = load_checklist(path)
    assert cold_count == len(parsed) > 0  # every regex of the baseline on the miss, none on the hit
    _same(cold, warm)
    edited = _copy(tmp_path, BASELINE.read_text("utf-8") + "\n# edited\n", "y.yaml")
    load_checklist(edited)
    assert len(parsed) == 2 * cold_count


def test_a_nested_quantifier_is_flagged_on_every_run(folder: Path, tmp_path: Path) -> None:
    # The baseline's first regex, now nesting quantifiers.
    text = BASELINE.read_text("utf-8").replace('{regex: "', '{regex: "(?:a+)+|', 1)
    path = _copy(tmp_path, text)
    messages = []
    for _ in range(2):
        with pytest.raises(ChecklistError) as raised:
            load_checklist(path)
        messages.append(raised.value.lines)
    assert messages[0] == messages[1]
    [message] = messages[0]
    assert message.startswith(f"{path}:32:") and "nests quantifiers" in message
    assert _entries(folder) == []


def test_the_fingerprint_covers_the_pattern_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditor.rules import scope

    before = cache._fingerprint()
    changed = tmp_path / "scope.py"
    changed.write_bytes(Path(scope.__file__).read_bytes() + b"\n# changed\n")
    monkeypatch.setattr(scope, "__file__", str(changed))
    cache._fingerprint.cache_clear()
    try:
        assert cache._fingerprint() != before
    finally:
        monkeypatch.undo()
        cache._fingerprint.cache_clear()
    assert cache._fingerprint() == before
