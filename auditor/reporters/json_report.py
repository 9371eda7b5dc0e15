"""results.json: the whole run, following schemas/results.schema.json."""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import encode_basestring  # the C escaper when _json is built (it always is)
from pathlib import Path
from typing import Any

from pydantic_core import PydanticSerializationError

from auditor.models import AuditRun, PolicyResult
from auditor.records import final_statuses, policy_document, results_document, reviewed_score
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
    # Bytes, as policy_json gives them (UTF-8, as json.dump's text written in UTF-8).
    with atomic_output(path, "wb") as out:
        out.write(b"{")
        for i, (key, value) in enumerate(head.items()):
            out.write((("," if i else "") + "\n " + dumps(key, 1) + ": ").encode())
            if key != "policies":
                out.write(dumps(value, 1).encode())
                continue
            # The list as json.dump writes it at nesting 1: "[]" when empty.
            separator = b"[\n  "
            while (policy := (yield)) is not None:
                out.write(separator)
                out.write(policy_json(run, policy))
                separator = b",\n  "
            out.write(b"[]" if separator[:1] == b"[" else b"\n ]")
        out.write(b"\n}\n")
    return path


def policy_json(run: AuditRun, policy: PolicyResult) -> bytes:
    """`dumps(policy_document(run, policy), 2)` in UTF-8: a policy's entry of results.json.

    Written by the model's own pydantic serializer (in Rust, from the model: no dict of the
    policy is built), whose text with an indent of 1 is json.dumps's but for floats under 1e-4
    (0.00001 where Python writes 1e-05): a policy with such a float, a value of a type not
    seen in the records, or a lone surrogate (which pydantic refuses) goes the plain way. The
    two keys policy_document adds last, each finding's "final_status" and the policy's
    "final_score", are put in where their objects end: a finding's object is the only one
    whose closing brace stands on a line of its own indented two spaces.
    """
    findings = policy.findings
    if _plain_floats(policy):
        try:
            text = policy.__pydantic_serializer__.to_json(policy, indent=1)
        except PydanticSerializationError:
            text = b""
        pieces = text.split(b"\n  }")
        if len(pieces) == len(findings) + 1 and pieces[-1].endswith(b"\n}"):
            score = reviewed_score(run, policy)
            ends = [
                f',\n   "final_status": {encode_basestring(status)}\n  }}'.encode()
                for status in final_statuses(run, policy)
            ]
            ends.append(f',\n "final_score": {_SCALARS[type(score)](score)}\n}}'.encode())
            pieces[-1] = pieces[-1][:-2]
            return b"".join([x for pair in zip(pieces, ends, strict=True) for x in pair]).replace(
                b"\n", b"\n  "
            )
    return dumps(policy_document(run, policy), 2).encode()


def _plain_floats(policy: PolicyResult) -> bool:
    """Whether every number the policy's JSON holds is one pydantic writes as json.dumps does:
    the score, and the extracted values (str, int, None, or lists of them in the records)."""
    if not _plain(policy.score):
        return False
    for finding in policy.findings:
        for value in finding.extracted.values():
            if type(value) not in _TEXTS and not _plain(value):
                return False
    return True


_TEXTS = frozenset({str, type(None)})


def _plain(value: Any) -> bool:
    kind = type(value)
    if kind in _TEXTS or kind is int or kind is bool:
        return True
    if kind is float:  # pydantic writes 0 < |x| < 1e-4 as 0.00001 or 1e-7, json as 1e-05
        return not 0 < abs(value) < 1e-4
    if kind is list:
        return all(map(_plain, value))
    if kind is dict:
        return all(map(_plain, value.values()))
    return False


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
