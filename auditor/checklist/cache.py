"""Checklists that passed validation, remembered so a later run can skip YAML and JSON Schema.

Parsing the YAML and validating it against the schema (with the imports of PyYAML and
jsonschema they need) is about a fifth of the start-up of an audit. Neither can change its
verdict while the file's bytes and the code that reads them stay the same, so the parsed data of
a file that was accepted is kept under a key made of both: the file's SHA-256, and a fingerprint
of the loader's and compiler's source (with the pattern check in `rules/scope.py`), the schema,
the Python version and the installed PyYAML and jsonschema files. Any change to one of them is a
miss, and a miss takes the full path.

What a hit skips is the parse, the schema check and the check that no regex nests quantifiers
(verdicts that depend only on the file's bytes and that code): the data is still validated into
the models and compiled, and if that finds any problem the full path runs again, so every
message keeps its file:line. An entry that cannot be read, parsed or written is a miss and never an
error; nothing else in the audit depends on the cache. An entry is trusted only if it belongs
to the user running the audit.

Where: `$AUDITOR_CACHE_DIR` if set (empty: no cache), else `$XDG_CACHE_HOME/auditor`, else
`~/.cache/auditor`. Each entry is one small JSON file; the oldest go past `MAX_ENTRIES`.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

CACHE_ENV = "AUDITOR_CACHE_DIR"
MAX_ENTRIES = 64
_SUBDIR = "checklists"


def cache_dir() -> Path | None:
    """The folder of the checklist cache, or None when it is turned off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen) / _SUBDIR if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "auditor" / _SUBDIR


@cache
def _fingerprint() -> bytes:
    """What, besides the file, decides whether a checklist parses and passes the schema."""
    from auditor.checklist import compiled, loader
    from auditor.rules import scope

    digest = hashlib.sha256(sys.version.encode())
    # compiled and scope: a hit also skips the nested-quantifier check of every regex.
    for source in (loader.__file__, compiled.__file__, scope.__file__):
        digest.update(Path(source).read_bytes())
    digest.update(json.dumps(loader.checklist_schema(), sort_keys=True).encode())
    for library in ("yaml", "jsonschema"):
        spec = importlib.util.find_spec(library)  # found, not imported
        origin = None if spec is None else spec.origin
        if origin is not None:
            stat = os.stat(origin)
            digest.update(f"{library}:{origin}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.digest()


def _entry(folder: Path, raw: bytes) -> Path:
    return folder / (hashlib.sha256(_fingerprint() + raw).hexdigest() + ".json")


def recall(raw: bytes) -> Any | None:
    """The parsed data of a checklist file with these bytes that passed validation, if kept."""
    folder = cache_dir()
    if folder is None:
        return None
    entry = _entry(folder, raw)
    try:
        with entry.open("rb") as kept_file:
            if hasattr(os, "getuid") and os.fstat(kept_file.fileno()).st_uid != os.getuid():
                return None  # another user's file, say in a shared folder: never trusted
            kept = json.loads(kept_file.read())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(kept, dict) or not isinstance(kept.get("data"), dict):
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: the last to be pruned
    return kept["data"]


def remember(raw: bytes, data: Any) -> None:
    """Keep the parsed data of a checklist that passed validation; quietly nothing if it
    cannot be kept exactly (a value JSON cannot hold) or the folder cannot be written."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        text = json.dumps({"data": data}, ensure_ascii=False, allow_nan=False)
        # JSON keeps str, int, float, bool, None, lists and string-keyed dicts exactly; a YAML
        # date or a tuple would come back as something else, and then nothing is kept.
        back = json.loads(text)["data"]
        if back != data or not _same_types(back, data):
            return
    except (TypeError, ValueError, RecursionError):
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, _entry(folder, raw))
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        _prune(folder)
    except OSError:
        return


def _same_types(a: Any, b: Any) -> bool:
    """Whether two equal values also have the same types throughout (1 == 1.0 == True)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return all(_same_types(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return all(_same_types(x, y) for x, y in zip(a, b, strict=True))
    return True


def _prune(folder: Path) -> None:
    entries = [p for p in folder.glob("*.json") if p.is_file()]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda p: p.stat().st_mtime_ns)
    for old in entries[: len(entries) - MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            old.unlink()
