"""Run an audit: find the policy files, evaluate each, collect an AuditRun."""

from __future__ import annotations

import datetime as dt
import os
import platform
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor import TOOL_NAME, __version__
from auditor.checklist.compiled import Checklist
from auditor.document.loader import DocumentError, load_document
from auditor.engine import error_findings, evaluate_document
from auditor.models import AuditRun, CheckInfo, ChecklistInfo, PolicyResult


@dataclass(frozen=True)
class Source:
    """A file to audit and its stable policy id."""

    path: Path
    policy_id: str


class InputError(Exception):
    """A path given on the command line does not exist."""


def discover(paths: Sequence[Path]) -> list[Source]:
    """Files to audit: given files, and every non-hidden file under given folders, sorted.

    Folder symlinks are not followed, so a symlink loop cannot trap the walk; every file,
    whatever its type, is listed so an unsupported one is reported rather than skipped.
    """
    sources: list[Source] = []
    many = len(paths) > 1
    for root in paths:
        if not root.exists() and not root.is_symlink():
            raise InputError(f"{root}: no such file or folder")
        if root.is_dir():
            found = []
            for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in filenames:
                    if not name.startswith(".") and not name.startswith("~$"):
                        found.append(Path(dirpath) / name)
            for path in sorted(found, key=lambda p: p.relative_to(root).as_posix()):
                rel = path.relative_to(root).as_posix()
                sources.append(Source(path, f"{root.name}/{rel}" if many else rel))
        else:
            sources.append(Source(root, root.name))
    return sources


def audit_source(checklist: Checklist, source: Source) -> PolicyResult:
    """Load and evaluate one file; an unreadable file gives ERROR findings, not an exception."""
    try:
        document = load_document(source.path, str(source.path))
    except DocumentError as exc:
        return PolicyResult(
            id=source.policy_id,
            path=str(source.path),
            sha256="",
            format=source.path.suffix.lstrip(".").lower(),
            error=str(exc),
            score=None,
            findings=error_findings(checklist, source.policy_id, str(exc)),
        )
    return evaluate_document(checklist, document, source.policy_id)


def checklist_info(checklist: Checklist) -> tuple[ChecklistInfo, list[CheckInfo]]:
    """What reports say about the checklist and its checks."""
    spec = checklist.spec
    info = ChecklistInfo(
        id=spec.id,
        title=spec.title,
        version=spec.version,
        path=checklist.path,
        sha256=checklist.sha256,
    )
    checks = []
    for check in checklist.checks:
        rules = []
        for rule in check.rules:
            line = f"{rule.id} [{rule.kind}] {rule.primitive.describe()}"
            if rule.within:
                line += f"; within {', '.join(rule.within)}"
            if rule.unless is not None:
                line += f"; unless {rule.unless.describe()}"
            rules.append(line)
        logic = f"PASS if {check.passes.describe()}"
        if check.review is not None:
            logic += f"; REVIEW if {check.review.describe()}"
        logic += "; otherwise FAIL"
        checks.append(
            CheckInfo(
                id=check.spec.id,
                title=check.spec.title,
                description=check.spec.description,
                regulation=check.spec.regulation,
                severity=check.spec.severity,
                weight=check.spec.weight,
                rules=rules,
                status_logic=logic,
            )
        )
    return info, checks


def now() -> str:
    """Current UTC time, ISO 8601 to the second."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def run_audit(
    checklist: Checklist,
    sources: Sequence[Source],
    *,
    command: str = "",
    progress: Callable[[int], None] | None = None,
) -> AuditRun:
    """Evaluate every source in order and return the run."""
    started = now()
    results = []
    for result in iter_results(checklist, sources):
        results.append(result)
        if progress:
            progress(1)
    info, checks = checklist_info(checklist)
    return AuditRun(
        tool_name=TOOL_NAME,
        tool_version=__version__,
        checklist=info,
        checks=checks,
        command=command,
        python=platform.python_version(),
        started_at=started,
        finished_at=now(),
        policies=results,
    )


def iter_results(checklist: Checklist, sources: Sequence[Source]) -> Iterator[PolicyResult]:
    """Results in input order."""
    for source in sources:
        yield audit_source(checklist, source)
