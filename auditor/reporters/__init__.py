"""Reporters behind one interface, and the name -> reporter map that also feeds the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from auditor.models import AuditRun
from auditor.reporters.csv_report import write_csv
from auditor.reporters.json_report import write_json

Reporter = Callable[[AuditRun, Path], Path]

# Format name -> (file name, writer). Every writer replaces its file atomically.
REPORTERS: dict[str, tuple[str, Reporter]] = {
    "json": ("results.json", write_json),
    "csv": ("findings.csv", write_csv),
}
