"""Results spooled to disk as they arrive, read back lazily: flat memory for big runs.

A `Spool` appends each PolicyResult as one JSON line to a hidden temporary file in the output
folder; `Spool.view()` is a read-only `Sequence[PolicyResult]` over that file, which every
reporter can iterate as often as it needs (each pass reads the file again, one line at a time),
so an audit of 100,000 policies never holds more than one policy's result in memory. The file
is removed when the spool is closed, whether the run succeeded or not. A pass that needs only
counts and names reads `outlines` instead: the same lines parsed without their quotes.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import tempfile
import time
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import TypeVar, overload

from pydantic import BaseModel, ConfigDict, Field

try:
    import fcntl
except ImportError:  # Windows: abandoned spool files are not detected
    fcntl = None  # type: ignore[assignment]

from auditor.models import PolicyResult, Status, empty_dict, empty_list

_M = TypeVar("_M", bound=BaseModel)

SPOOL_AFTER = 1000
"""Runs with more documents than this spool their results instead of keeping them in memory."""


class _Outline(BaseModel):
    # Fields not named here are skipped by the JSON parser, never built into objects. The
    # validators are built when first used: only a spooled run reads outlines.
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)


class _Skipped(_Outline):
    """An item only counted: none of its fields is kept."""


class FindingOutline(_Outline):
    """A Finding without its quotes and values: what counts and tallies read."""

    id: str
    check_id: str
    status: Status
    evidence: list[_Skipped] = Field(default_factory=empty_list)


class PolicyOutline(_Outline):
    """A PolicyResult without its quotes: its names and its findings' statuses."""

    id: str
    path: str
    title: str = ""
    metadata: dict[str, str] = Field(default_factory=empty_dict)
    findings: list[FindingOutline]


def policy_name(policy: PolicyResult | PolicyOutline) -> str:
    """What readers call a policy: its site (corpus metadata), else its title, else its id."""
    return policy.metadata.get("site") or policy.title or policy.id


NAMES_KEPT = 2000
"""Policies whose names, paths and ids a LayoutCounts keeps: the first ones, on which the
scorecard sizes its columns."""

Counted = tuple[str, str, str, tuple[tuple[str, str, int], ...]]
"""What LayoutCounts takes of a result: its name, path and id, and each finding's check id,
machine status and number of evidence snippets."""


def counted(result: PolicyResult) -> Counted:
    """The result as LayoutCounts takes it: small, sent by a worker with the result's JSON."""
    findings = tuple((f.check_id, f.status._value_, len(f.evidence)) for f in result.findings)
    return policy_name(result), result.path, result.id, findings


class LayoutCounts:
    """What the scorecard's layout counts of the results (rows, statuses per check, the first
    names), kept as they are appended to a spool: the layout of a spooled run then needs no
    pass of its own over the file (a parse of every line, about 0.25 s for 10,000 policies,
    while report workers wait)."""

    def __init__(self) -> None:
        self.findings_per_policy = array("l")
        self.evidence_per_finding = array("l")
        self.statuses: dict[tuple[str, str], int] = {}  # (check id, machine status) -> findings
        self.names: list[str] = []
        self.paths: list[str] = []
        self.ids: list[str] = []

    def add(self, result: Counted) -> None:
        name, path, policy_id, findings = result
        self.findings_per_policy.append(len(findings))
        if len(self.names) < NAMES_KEPT:
            self.names.append(name)
            self.paths.append(path)
            self.ids.append(policy_id)
        statuses = self.statuses
        for check_id, status, evidence in findings:
            self.evidence_per_finding.append(evidence)
            statuses[check_id, status] = statuses.get((check_id, status), 0) + 1

    def copy(self) -> LayoutCounts:
        """A copy that later additions leave as it is."""
        other = LayoutCounts()
        other.findings_per_policy = self.findings_per_policy[:]
        other.evidence_per_finding = self.evidence_per_finding[:]
        other.statuses = dict(self.statuses)
        other.names, other.paths, other.ids = self.names[:], self.paths[:], self.ids[:]
        return other


def outlines(policies: Sequence[PolicyResult]) -> Iterable[PolicyResult | PolicyOutline]:
    """The policies for a pass that reads no quote (PolicyOutline's fields): outlines of a
    spool (parsed in about half the time of whole results), the results themselves otherwise."""
    if isinstance(policies, SpooledResults):
        return policies.outlines()
    return policies


_PREFIX, _SUFFIX = ".results.", ".spool.jsonl"


# A spool file is created, then locked: one younger than this may be a running audit's, caught
# between the two.
_SETTLED = 10.0  # seconds


def remove_abandoned(folder: Path) -> list[Path]:
    """Delete the spool files in `folder` that no live process holds (left by a run killed with
    SIGKILL, which could not remove its own); the ones removed. Needs flock (not on Windows)."""
    if fcntl is None:
        return []
    removed = []
    for path in folder.glob(f"{_PREFIX}*{_SUFFIX}"):
        try:
            if time.time() - path.stat().st_mtime < _SETTLED:
                continue
            with path.open("rb") as f:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                path.unlink()  # still locked by us: no run can have taken it up meanwhile
            removed.append(path)
        except OSError:  # held by a running audit (BlockingIOError), or already gone
            continue
    return removed


class SpoolError(Exception):
    """The spool file could not be created or written (a full disk, a read-only folder)."""

    def __init__(self, folder: Path, error: OSError) -> None:
        self.folder = folder
        self.reason = error.strerror or str(error)
        super().__init__(f"{folder}: {self.reason}")


class Spool:
    """Append-only JSON Lines file of PolicyResults; use as a context manager.

    A file that cannot be created or written raises SpoolError; whatever happens, closing the
    spool removes its file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
            remove_abandoned(folder)
            fd, name = tempfile.mkstemp(prefix=_PREFIX, suffix=_SUFFIX, dir=folder)
        except OSError as exc:
            raise SpoolError(folder, exc) from exc
        self.path = Path(name)
        self._file = os.fdopen(fd, "w+b")
        if fcntl is not None:
            # Held while the file is open, by this process and the workers it forks: a run that
            # finds the file unlocked knows its owner was killed (see remove_abandoned). Where
            # the file system has no locks, neither can that run lock the file: it leaves it.
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_EX)
        # Offset of each line: 8 bytes per policy, so a view can also index and slice.
        self._offsets = array("q")
        self.counts = LayoutCounts()

    def append(self, result: PolicyResult) -> None:
        """Write one result at the end of the file."""
        self.append_json(result.model_dump_json().encode("utf-8"), counted(result))

    def append_json(self, encoded: bytes, result: Counted) -> None:
        """Write one result given as its `model_dump_json()` text in UTF-8 (one line: that
        compact JSON escapes every line break) and `counted` of it; it is validated when read
        back."""
        try:
            self._offsets.append(self._file.tell())
            self._file.write(encoded + b"\n")
        except OSError as exc:
            raise SpoolError(self.folder, exc) from exc
        self.counts.add(result)

    def __len__(self) -> int:
        return len(self._offsets)

    def view(self) -> SpooledResults:
        """A lazy sequence of everything appended so far."""
        try:
            self._file.flush()
        except OSError as exc:
            raise SpoolError(self.folder, exc) from exc
        return SpooledResults(self.path, self._offsets[:], self.counts.copy())

    def close(self) -> None:
        """Close and delete the file (what a failed write left in its buffer is dropped)."""
        with contextlib.suppress(OSError):
            self._file.close()
        with contextlib.suppress(OSError):
            self.path.unlink()

    def __enter__(self) -> Spool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class SpooledResults(Sequence[PolicyResult]):
    """Read-only view of a spool file: each access parses the lines it needs."""

    def __init__(self, path: Path, offsets: array[int], counts: LayoutCounts | None = None) -> None:
        self._path = path
        self._offsets = offsets
        self.counts = counts
        """What the scorecard's layout counts of these results, if known."""

    def __len__(self) -> int:
        return len(self._offsets)

    def __iter__(self) -> Iterator[PolicyResult]:
        return self._parsed(PolicyResult)

    def outlines(self) -> Iterator[PolicyOutline]:
        """Each result's outline, in order: one pass that skips the quotes."""
        return self._parsed(PolicyOutline)

    def _parsed(self, model: type[_M]) -> Iterator[_M]:
        count = len(self._offsets)
        if not count:
            return
        with self._path.open("rb") as f:
            for line in itertools.islice(f, count):  # lines appended after the view: not ours
                yield model.model_validate_json(line)

    @overload
    def __getitem__(self, index: int) -> PolicyResult: ...

    @overload
    def __getitem__(self, index: slice) -> list[PolicyResult]: ...

    def __getitem__(self, index: int | slice) -> PolicyResult | list[PolicyResult]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            if start >= stop:
                return []
            with self._path.open("rb") as f:  # one seek, then the lines in order
                f.seek(self._offsets[start])
                return [
                    PolicyResult.model_validate_json(line)
                    for line in itertools.islice(f, stop - start)
                ]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("spooled result index out of range")
        with self._path.open("rb") as f:
            f.seek(self._offsets[index])
            return PolicyResult.model_validate_json(f.readline())

    def __repr__(self) -> str:
        return f"SpooledResults({len(self)} results in {self._path.name})"
