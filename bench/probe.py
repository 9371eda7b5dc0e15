"""Run one real `auditor audit` in this process, with timing hooks on each stage.

`python -m bench.probe --stages-to FILE -- AUDIT-ARGS...` wraps the functions each stage goes
through (reading, decoding, parsing, sentence building, evaluation, each reporter) with timers that
only add up elapsed time; their arguments and results pass through untouched, so the run writes
the same reports it writes without the hooks. The hooks live in this process: with `--jobs 1` they
see every document; with more jobs the workers' time is not seen here, so only the report stages
and the whole run are timed. The parent (bench/run.py) measures wall time and peak memory from
outside, from the operating system.
"""

from __future__ import annotations

import functools
import json
import resource
import sys
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

TIMES: dict[str, float] = {}
CALLS: dict[str, int] = {}
MARKS: dict[str, int] = {}  # peak memory of this process (KB) when a stage began


def _timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if name in ("audit", "write") and f"vm_hwm_kb_before_{name}" not in MARKS:
            MARKS[f"vm_hwm_kb_before_{name}"] = _vm_hwm_kb()
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            TIMES[name] = TIMES.get(name, 0.0) + time.perf_counter() - start
            CALLS[name] = CALLS.get(name, 0) + 1
            if name == "audit":  # the audit's own peak, before anything reads the results
                MARKS.setdefault("vm_hwm_kb_after_audit", _vm_hwm_kb())

    return wrapper


def install() -> list[str]:
    """Wrap each stage's function where its caller looks it up; returns names not found."""
    import auditor.audit as audit
    import auditor.checklist.compiled as compiled
    import auditor.cli as cli
    import auditor.document.loader as loader
    import auditor.reporters as reporters

    missing = []
    targets: list[tuple[Any, str, str]] = [
        (loader, "_read", "read"),
        (loader, "decode", "decode"),
        (loader, "parse_markdown", "parse"),
        (loader, "parse_html", "parse"),
        (loader, "build_sentences", "segment"),
        (audit, "load_document", "load"),
        (audit, "evaluate_document", "evaluate"),
        (cli, "load_checklist", "checklist"),
        (compiled, "compile_checklist", "compile"),
        (cli, "run_audit", "audit"),
        (cli, "write_reports", "write"),
    ]
    for module, attr, stage in targets:
        fn = getattr(module, attr, None)
        if fn is None:
            missing.append(f"{module.__name__}.{attr}")
            continue
        setattr(module, attr, _timed(stage, fn))
    for name, (file_name, writer) in list(reporters.REPORTERS.items()):
        reporters.REPORTERS[name] = (file_name, _timed(f"write {name}", writer))
    # In one process the reports are sinks sharing one pass over the results: time each sink's
    # own work (reading the results is shared, and counted only in "write").
    for name, factory in list(getattr(reporters, "SINKS", {}).items()):
        reporters.SINKS[name] = _timed_sink(f"write {name}", factory)
    return missing


def _timed_sink(name: str, factory: Callable[..., Any]) -> Callable[..., Any]:
    """`factory` making sinks (primed generators fed with send) whose every step is timed."""

    def add(start: float) -> None:
        TIMES[name] = TIMES.get(name, 0.0) + time.perf_counter() - start

    def sink(inner: Any) -> Generator[None, Any, Any]:
        try:
            start = time.perf_counter()
            next(inner)
            add(start)
            while True:
                item = yield
                start = time.perf_counter()
                try:
                    inner.send(item)
                except StopIteration as stop:
                    return stop.value
                finally:
                    add(start)
        finally:
            inner.close()

    @functools.wraps(factory)
    def make(*args: Any, **kwargs: Any) -> Any:
        CALLS[name] = CALLS.get(name, 0) + 1
        start = time.perf_counter()
        inner = factory(*args, **kwargs)
        add(start)
        return sink(inner)

    return make


def _vm_hwm_kb() -> int:
    """Peak resident memory of this process (VmHWM), in KB; 0 where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main(argv: list[str]) -> int:
    """Parse `--stages-to FILE -- audit args`, run the audit, write timings as JSON."""
    split = argv.index("--")
    options, audit_args = argv[:split], argv[split + 1 :]
    stages_to = Path(options[options.index("--stages-to") + 1])
    missing = install()
    from auditor.cli import cli

    start = time.perf_counter()
    code = 0
    try:
        cli.main(args=["audit", *audit_args], prog_name="auditor", standalone_mode=False)
    except SystemExit as exc:  # --fail-on and usage errors exit through sys.exit
        code = int(exc.code or 0)
    wall = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    me = resource.getrusage(resource.RUSAGE_SELF)
    stages_to.write_text(
        json.dumps(
            {
                "exit": code,
                "wall": wall,
                "stages": TIMES,
                "calls": CALLS,
                "missing_hooks": missing,
                "vm_hwm_kb": _vm_hwm_kb(),
                "marks": MARKS,
                "maxrss_children_kb": children.ru_maxrss,
                "cpu_self": me.ru_utime + me.ru_stime,
                "cpu_children": children.ru_utime + children.ru_stime,
            }
        )
    )
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
