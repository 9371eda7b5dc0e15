"""results.json's encoder writes exactly what `json.dumps(indent=1, ensure_ascii=False)` writes.

json_report.dumps replaced json.dumps (whose indented mode runs the pure-Python encoder) for
speed; these tests hold it to the library's text on every policy document of the real corpus,
on the whole file, and on generated JSON values, including the types it hands back to json.
"""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.models import AuditRun
from auditor.records import policy_documents, results_document
from auditor.reporters.json_report import dumps, write_json


def _library(value: Any, depth: int = 0) -> str:
    """The previous writer's text: json.dumps, re-indented to `depth`."""
    return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + " " * depth)


def test_every_policy_document_of_the_real_corpus(real_run: AuditRun) -> None:
    documents = list(policy_documents(real_run))
    assert len(documents) > 100
    for doc in documents:
        assert dumps(doc) == _library(doc)
        assert dumps(doc, 2) == _library(doc, 2)


def test_the_whole_file_is_json_dump(real_run: AuditRun, tmp_path: Path) -> None:
    write_json(real_run, tmp_path / "results.json")
    expected = json.dumps(results_document(real_run), ensure_ascii=False, indent=1) + "\n"
    assert (tmp_path / "results.json").read_text("utf-8") == expected


class _Colour(enum.IntEnum):
    RED = 1


class _Name(str, enum.Enum):
    A = "a\nb"


class _Text(str):
    pass


_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and the infinities included
    | st.text()
    | st.sampled_from([_Colour.RED, _Name.A, _Text('x"\n'), 2**70, -0.0, 1e-7, 1e22])
)
_KEYS = st.text() | st.sampled_from(["", "a", "é", "\n", '"'])
_ODD_KEYS = st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none()
_VALUES = st.recursive(
    _LEAVES,
    lambda children: (
        st.lists(children, max_size=4)
        | st.lists(children, max_size=3).map(tuple)
        | st.dictionaries(_KEYS, children, max_size=4)
        | st.dictionaries(_KEYS | _ODD_KEYS, children, max_size=3)
    ),
    max_leaves=30,
)


@given(_VALUES, st.integers(min_value=0, max_value=3))
@settings(max_examples=1000, deadline=None)
def test_generated_values(value: Any, depth: int) -> None:
    try:
        expected = _library(value, depth)
    except (TypeError, ValueError) as exc:  # e.g. keys json.dumps cannot sort out
        with pytest.raises(type(exc)):
            dumps(value, depth)
        return
    assert dumps(value, depth) == expected


@pytest.mark.parametrize(
    "value",
    [[], {}, [[]], {"a": {}}, {"a": [], "b": [{}]}, [1.5, float("nan"), float("-inf")], ""],
)
def test_empty_containers_and_floats(value: Any) -> None:
    assert dumps(value, 1) == _library(value, 1)
