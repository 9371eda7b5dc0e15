"""results.json: the whole run, following schemas/results.schema.json."""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import encode_basestring  # the C escaper when _json is built (it always is)
from pathlib import Path
from typing import Any

from auditor.models import AuditRun, PolicyResult
from auditor.records import policy_document, results_document
from auditor.reporters.atomic import atomic_output
from auditor.reporters.sinks import Sink, feed


def write_json(run: AuditRun, path: Path) -> Path:
    """Write the run as JSON to `path`, one policy at a time.

    The bytes are those of `json.dump(results_document(run), indent=1)`, but the policies are
    streamed, so a run of any size is written in the memory of one policy.
    """
    return feed([json_sink(run, path)], run.policies)[0]


def json_sink(run: AuditRun, path: Path) -> Sink[PolicyResult, Path]:
    """write_json as a sink: the results are sent to it one at a time (see sinks)."""
    head = results_document(run, policies=False)
    with atomic_output(path, "w", encoding="utf-8") as out:
        out.write("{")
        for i, (key, value) in enumerate(head.items()):
            out.write(("," if i else "") + "\n " + dumps(key, 1) + ": ")
            if key != "policies":
                out.write(dumps(value, 1))
                continue
            # The list as json.dump writes it at nesting 1: "[]" when empty.
            separator = "[\n  "
            while (policy := (yield)) is not None:
                out.write(separator + dumps(policy_document(run, policy), 2))
                separator = ",\n  "
            out.write("[]" if separator[0] == "[" else "\n ]")
        out.write("\n}\n")
    return path


def dumps(value: Any, depth: int = 0) -> str:
    """`value` as `json.dumps(value, ensure_ascii=False, indent=1)` writes it, every line after
    the first indented `depth` more spaces (as json.dump writes it at nesting `depth`).

    With an indent the standard library encodes in Python, a generator per container; this
    encoder writes the same text with the C string escaper and one call per container, several
    times faster. Types other than dict (str keys), list, str, int, float, bool and None (never
    in the records) are left to json.dumps, so the text stays the same whatever the value.
    """
    out: list[str] = []
    _encode(value, "\n" + " " * depth, out)
    return "".join(out)


def _float(value: float) -> str:
    # json's floatstr with allow_nan: repr, or the JavaScript names of the non-finite values.
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


# Exact type -> its JSON text: the leaves. Subclasses (an IntEnum, a str Enum) are not here: they
# go to json.dumps, which treats them its own way.
_SCALARS: dict[type, Callable[[Any], str]] = {
    str: encode_basestring,
    int: int.__repr__,
    float: _float,
    bool: lambda value: "true" if value else "false",
    type(None): lambda value: "null",
}


def _encode(value: Any, newline: str, out: list[str]) -> None:
    """Append the JSON text of `value` to `out`; `newline` is a line break and the indentation
    of the line `value` starts on."""
    scalar = _SCALARS.get(type(value))
    if scalar is not None:
        out.append(scalar(value))
    else:
        _encode_container(value, newline, out)


def _encode_container(value: Any, newline: str, out: list[str]) -> None:
    if type(value) is dict:
        _encode_dict(value, newline, out)
    elif type(value) is list:
        _encode_list(value, newline, out)
    else:
        _fallback(value, newline, out)


def _encode_dict(value: dict[Any, Any], newline: str, out: list[str]) -> None:
    if not value:
        out.append("{}")
        return
    start = len(out)
    inner = newline + " "
    separator = "{" + inner
    scalars = _SCALARS
    for key, item in value.items():
        if type(key) is not str:  # json.dumps converts or refuses such keys: let it
            del out[start:]
            _fallback(value, newline, out)
            return
        scalar = scalars.get(type(item))
        if scalar is not None:
            out.append(separator + encode_basestring(key) + ": " + scalar(item))
        else:
            out.append(separator + encode_basestring(key) + ": ")
            _encode_container(item, inner, out)
        separator = "," + inner
    out.append(newline + "}")


def _encode_list(value: list[Any], newline: str, out: list[str]) -> None:
    if not value:
        out.append("[]")
        return
    inner = newline + " "
    separator = "[" + inner
    scalars = _SCALARS
    for item in value:
        scalar = scalars.get(type(item))
        if scalar is not None:
            out.append(separator + scalar(item))
        else:
            out.append(separator)
            _encode_container(item, inner, out)
        separator = "," + inner
    out.append(newline + "]")


def _fallback(value: Any, newline: str, out: list[str]) -> None:
    # JSON strings never hold a raw newline, so every newline is an indentation point.
    out.append(json.dumps(value, ensure_ascii=False, indent=1).replace("\n", newline))
