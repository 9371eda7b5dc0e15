"""discover builds its sources from strings, a Path per file only at the end: the same sources,
in the same order, as the plain walk with a Path per file and `relative_to` for each."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from auditor.audit import Source, discover

ROOT = Path(__file__).resolve().parent.parent


def plain_discover(paths: Sequence[Path]) -> list[Source]:
    """discover as it was written before (commit 6748672)."""
    sources: list[Source] = []
    many = len(paths) > 1
    for root in paths:
        if root.is_dir():
            found = []
            for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in filenames:
                    if not name.startswith(".") and not name.startswith("~$"):
                        found.append(Path(dirpath) / name)
            for path in sorted(found, key=lambda p: p.relative_to(root).as_posix()):
                rel = path.relative_to(root).as_posix()
                sources.append(Source(path, f"{root.name}/{rel}" if many else rel))
        else:
            sources.append(Source(root, root.name))
    return sources


def _tree(base: Path) -> Path:
    """Nested folders, names that sort differently as paths and as strings, hidden and
    Office lock files, a hidden folder, a folder symlink (never walked)."""
    root = base / "policies"
    for rel in [
        "a.md",
        "B.md",
        "a-b/x.md",
        "a/b.md",
        "a/c/d.txt",
        "a.b/e.html",
        "a b/f.md",
        "ü/g.md",
        ".hidden/h.md",
        "a/.i.md",
        "a/~$j.md",
        "k~$.md",
    ]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x")
    os.symlink("a", root / "link-to-a")
    return root


@pytest.mark.parametrize("spelling", ["as given", "trailing slash", "dot segments", "absolute"])
def test_same_sources_as_the_plain_walk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spelling: str
) -> None:
    root = _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    given = {
        "as given": Path("policies"),
        "trailing slash": Path("policies/"),
        "dot segments": Path("./policies/../policies"),
        "absolute": root,
    }[spelling]
    found = discover([given])
    assert found == plain_discover([given])
    assert [s.policy_id for s in found] == [
        "B.md",
        "a b/f.md",
        "a-b/x.md",
        "a.b/e.html",
        "a.md",
        "a/b.md",
        "a/c/d.txt",
        "k~$.md",
        "ü/g.md",
    ]


def test_same_sources_for_several_roots_and_files(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    paths = [root / "a", ROOT / "policies", root / "a.md", ROOT / "bench" / "corpus" / "html"]
    found = discover(paths)
    assert found == plain_discover(paths)
    assert found[0] == Source(root / "a" / "b.md", "a/b.md")
    assert len(found) == 2 + len(os.listdir(ROOT / "policies")) + 1 + len(
        os.listdir(ROOT / "bench" / "corpus" / "html")
    )
