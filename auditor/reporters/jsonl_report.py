"""results.jsonl: the run as JSON Lines, for large runs read one record at a time.

The first line holds every key of results.json but "policies"; each line after it is one entry
of results.json's "policies", in the same order. So a reader streams a run of any size with
`for line in file`, and `{**first, "policies": rest}` is exactly the results.json document.
Compact JSON in UTF-8; every line break inside a string is escaped, including U+0085, U+2028
and U+2029, which JSON allows raw but line splitters such as Python's `str.splitlines` break
lines on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auditor.models import AuditRun, PolicyResult
from auditor.records import policy_document, results_document
from auditor.reporters.atomic import atomic_output
from auditor.reporters.sinks import Sink, feed


def write_jsonl(run: AuditRun, path: Path) -> Path:
    """Write the run as JSON Lines to `path`, one policy at a time."""
    return feed([jsonl_sink(run, path)], run.policies)[0]


def jsonl_sink(run: AuditRun, path: Path) -> Sink[PolicyResult, Path]:
    """write_jsonl as a sink: the results are sent to it one at a time (see sinks)."""
    head = results_document(run, policies=False)
    del head["policies"]
    with atomic_output(path, "w", encoding="utf-8") as out:
        out.write(json_line(head))
        while (policy := (yield)) is not None:
            out.write(json_line(policy_document(run, policy)))
    return path


def json_line(value: Any) -> str:
    """`value` as one line of compact JSON, with its line break."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if not text.isascii():
        # Outside strings compact JSON has no such characters: only string content changes.
        text = text.translate(_LINE_BREAKS)
    return text + "\n"


# The line breaks json.dumps leaves raw (it escapes those below U+0020).
_LINE_BREAKS = {ord(c): f"\\u{ord(c):04x}" for c in "\x85\u2028\u2029"}
