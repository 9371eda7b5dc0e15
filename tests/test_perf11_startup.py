"""Start-up, eleventh session: the models' default factories are plain functions (pydantic
tokenizes the text signature of a built-in `list` or `dict`), with the same defaults, schemas
and validation as the built-ins."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tokenize
from pathlib import Path
from typing import Any, get_origin

import pytest
from pydantic import BaseModel, create_model

import auditor.checklist.model as checklist_model
import auditor.models as result_models
import auditor.spool as spool
from auditor.checklist.loader import load_checklist_data, read_checklist
from auditor.checklist.model import CheckSpec, RuleSpec
from auditor.models import AuditRun, Finding, PolicyResult, empty_dict, empty_list

ROOT = Path(__file__).resolve().parents[1]
PLAIN = {empty_list: list, empty_dict: dict}


def _models() -> list[type[BaseModel]]:
    """Every pydantic model the three model modules define."""
    found = []
    for module in (result_models, checklist_model, spool):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return found


def _with_factories(model: type[BaseModel]) -> bool:
    return any(f.default_factory is not None for f in model.model_fields.values())


def _plain(model: type[BaseModel]) -> type[BaseModel]:
    """`model` with the built-in `list` and `dict` as its own fields' default factories (nested
    models are left as they are)."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if info.default_factory in PLAIN and name in model.__annotations__:
            plain = copy.copy(info)  # with its metadata (the checklist's BeforeValidator)
            plain.default_factory = PLAIN[info.default_factory]
            fields[name] = (info.annotation, plain)
    assert fields, model
    twin: type[BaseModel] = create_model(
        model.__name__, __base__=model, __doc__=model.__doc__, **fields
    )
    return twin


def test_no_model_field_has_a_builtin_default_factory() -> None:
    models = [m for m in _models() if _with_factories(m)]
    assert len(models) >= 8  # the result, checklist and spool models with list or dict fields
    for model in models:
        for name, info in model.model_fields.items():
            factory = info.default_factory
            if factory is None:
                continue
            assert factory in PLAIN, (model, name)  # not the built-in: see empty_list
            made, again = factory(), factory()  # type: ignore[call-arg]
            assert made == PLAIN[factory]() and made is not again
            assert isinstance(made, get_origin(info.annotation) or info.annotation)


def test_schemas_and_defaults_as_with_the_builtins() -> None:
    for model in [m for m in _models() if _with_factories(m)]:
        twin = _plain(model)
        assert twin.model_json_schema() == model.model_json_schema(), model
        for name, info in model.model_fields.items():
            if info.default_factory is not None:
                default = info.get_default(call_default_factory=True)
                assert default == twin.model_fields[name].get_default(call_default_factory=True)


def _without_empty(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """`data` with the empty values at `keys` left out: left to the default factories."""
    return {k: v for k, v in data.items() if k not in keys or v}


def test_real_results_and_the_baseline_validate_as_with_the_builtins(real_run: AuditRun) -> None:
    plain_policy, plain_finding = _plain(PolicyResult), _plain(Finding)
    for policy in real_run.policies:
        data = _without_empty(json.loads(policy.model_dump_json()), ("metadata", "warnings"))
        made, plain = PolicyResult.model_validate(data), plain_policy.model_validate(data)
        assert made.model_dump() == plain.model_dump() == policy.model_dump()
        for finding in policy.findings:
            data = _without_empty(
                finding.model_dump(mode="json"), ("evidence", "extracted", "near_misses")
            )
            made_finding = Finding.model_validate(data)
            assert made_finding == finding
            assert made_finding.model_dump() == plain_finding.model_validate(data).model_dump()
    path = ROOT / "checklists" / "baseline.yaml"
    spec, _, raw = load_checklist_data(path, read_checklist(path))
    plain_check, plain_rule = _plain(CheckSpec), _plain(RuleSpec)
    for check, raw_check in zip(spec.checks, raw["checks"], strict=True):
        assert plain_check.model_validate(raw_check).model_dump() == check.model_dump()
        for rule, raw_rule in zip(check.rules, raw_check["rules"], strict=True):
            assert plain_rule.model_validate(raw_rule).model_dump() == rule.model_dump()


@pytest.mark.parametrize("audit", [False, True])
def test_start_up_never_tokenizes_a_signature(tmp_path: Path, audit: bool) -> None:
    """The mechanism of the saving: neither the imports nor a one-policy audit compile the
    tokenizer's pattern (which `inspect.signature` of a built-in needs)."""
    if not hasattr(tokenize, "_compile"):  # a Python whose tokenizer compiles no such pattern
        pytest.skip("tokenize has no _compile")
    policy = str(ROOT / "policies" / "strongmail.com_2007-12-26.md")
    probe = (
        "import sys, tokenize\n"
        "from auditor.cli import cli\n"
        "if sys.argv[1] == 'audit':\n"
        "    try:\n"
        "        cli.main(sys.argv[1:], standalone_mode=False)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(tokenize._compile.cache_info().currsize)\n"
    )
    args = (
        ["audit", policy, "--out", str(tmp_path / "out"), "--jobs", "1", "-q"] if audit else ["-"]
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["0"]
    assert not audit or (tmp_path / "out" / "scorecard.xlsx").exists()


def test_python_m_auditor_imports_with_the_collector_off_and_main_turns_it_on() -> None:
    """`python -m auditor` keeps the cyclic collector off while the commands are imported;
    `main` freezes what they made and turns the collector on before the command runs."""
    probe = (
        "import gc\n"
        "import auditor.__main__ as entry\n"  # not run as __main__: main() is not called
        "from auditor import cli\n"
        "print(gc.isenabled())\n"
        "cli.cli = lambda: print(gc.isenabled(), gc.get_freeze_count() > 10_000)\n"
        "entry.main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "True", "True"]
    version = subprocess.run(
        [sys.executable, "-m", "auditor", "--version"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.startswith("auditor, version ")


def test_the_console_script_is_the_entry_point_python_m_runs() -> None:
    """The installed `auditor` command starts where `python -m auditor` does, collector off."""
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="auditor")
    # Not loaded here: importing auditor.__main__ would turn this process's collector off.
    assert script.value == "auditor.__main__:main"
