"""Reporters behind one interface, and the name -> reporter map that also feeds the CLI."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from auditor.models import AuditRun
from auditor.reporters.csv_report import write_csv
from auditor.reporters.json_report import write_json
from auditor.reporters.xlsx_report import write_xlsx

Reporter = Callable[[AuditRun, Path], Path]

# Format name -> (file name, writer). Every writer replaces its file atomically.
REPORTERS: dict[str, tuple[str, Reporter]] = {
    "json": ("results.json", write_json),
    "csv": ("findings.csv", write_csv),
    "xlsx": ("scorecard.xlsx", write_xlsx),
}


def write_reports(run: AuditRun, out_dir: Path, names: Sequence[str]) -> list[Path]:
    """Write every requested report, all or nothing.

    Each report is first written in full beside its final name; only when all of them exist
    are they moved into place, so a failure (disk full, read-only folder, a crash) leaves the
    previous set of reports as it was, never a mix of old and new.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name in names:
            file_name, writer = REPORTERS[name]
            partial = out_dir / f".{file_name}.{os.getpid()}.partial"
            writer(run, partial)
            staged.append((partial, out_dir / file_name))
    except BaseException:
        for partial, _ in staged:
            with contextlib.suppress(OSError):
                partial.unlink()
        raise
    for partial, final in staged:
        os.replace(partial, final)
    return [final for _, final in staged]
