"""results.json: the whole run, following schemas/results.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

from auditor.models import AuditRun
from auditor.records import results_document
from auditor.reporters.atomic import atomic_output


def write_json(run: AuditRun, path: Path) -> Path:
    """Write the run as JSON to `path`."""
    with atomic_output(path, "w", encoding="utf-8") as out:
        json.dump(results_document(run), out, ensure_ascii=False, indent=1)
        out.write("\n")
    return path
