"""results.json: the whole run, following schemas/results.schema.json."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from auditor.models import AuditRun
from auditor.records import policy_documents, results_document
from auditor.reporters.atomic import atomic_output


def write_json(run: AuditRun, path: Path) -> Path:
    """Write the run as JSON to `path`, one policy at a time.

    The bytes are those of `json.dump(results_document(run), indent=1)`, but the policies are
    streamed, so a run of any size is written in the memory of one policy.
    """
    head = results_document(run, policies=False)
    with atomic_output(path, "w", encoding="utf-8") as out:
        out.write("{")
        for i, (key, value) in enumerate(head.items()):
            out.write(("," if i else "") + "\n " + _dumps(key, 1) + ": ")
            if key == "policies":
                _write_list(out, policy_documents(run), 1)
            else:
                out.write(_dumps(value, 1))
        out.write("\n}\n")
    return path


def _dumps(value: Any, depth: int) -> str:
    """`value` as json.dump(indent=1) writes it at nesting `depth`."""
    # JSON strings never hold a raw newline, so every newline is an indentation point.
    return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + " " * depth)


def _write_list(out: IO[str], items: Iterable[Any], depth: int) -> None:
    first = True
    for item in items:
        out.write(("[" if first else ",") + "\n" + " " * (depth + 1) + _dumps(item, depth + 1))
        first = False
    out.write("[]" if first else "\n" + " " * depth + "]")
