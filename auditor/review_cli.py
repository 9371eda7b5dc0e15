"""`auditor review export|import`, and the scorecard step of `auditor audit`.

Before reports are written, the reviews of the previous scorecard are read and attached to the
run, so the new scorecard, results.json and findings.csv all carry them. The previous workbook
is kept as a timestamped backup, and a workbook open in Excel or LibreOffice is never replaced.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import re
import shutil
from pathlib import Path
from typing import IO, Any

import click

from auditor.models import AuditRun, Review
from auditor.records import run_from_document
from auditor.reporters import REPORTERS, write_reports
from auditor.reviews import (
    ReviewFileError,
    merge_reviews,
    read_review_file,
    read_scorecard,
    write_review_file,
)

EXIT_OUTPUT = 3  # the same code as cli.EXIT_OUTPUT: reports not written, nothing changed
SCORECARD = REPORTERS["xlsx"][0]
RESULTS = REPORTERS["json"][0]
BACKUPS_KEPT = 10
BACKUP_NOTE = "Previous scorecard kept as "


class ScorecardRefused(click.ClickException):
    """The scorecard cannot be replaced safely: one line on stderr, exit 3, nothing written."""

    exit_code = EXIT_OUTPUT

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the one-line reason."""
        click.echo(f"auditor: {self.message}", err=True)


def lock_files(path: Path) -> list[Path]:
    """Lock files that say `path` is open: Excel's owner file `~$name` (Office may also drop
    the name's first two characters) and LibreOffice's `.~lock.name#`."""
    names = [f"~${path.name}", f"~${path.name[2:]}", f".~lock.{path.name}#"]
    return [path.with_name(n) for n in dict.fromkeys(names) if path.with_name(n).exists()]


def refuse_if_open(path: Path) -> None:
    """Raise ScorecardRefused if Excel or LibreOffice has `path` open."""
    locks = lock_files(path)
    if locks:
        raise ScorecardRefused(
            f"{path} is open in Excel or LibreOffice ({locks[0].name} exists): save and close "
            f"it, then run again (if no one has it open, delete {locks[0]}); nothing was "
            "written"
        )


def _backup_pattern(path: Path) -> re.Pattern[str]:
    return re.compile(re.escape(path.stem) + r"\.\d{8}T\d{6}Z(?:-\d+)?" + re.escape(path.suffix))


def backup(path: Path, now: dt.datetime | None = None) -> tuple[Path, list[Path]]:
    """Copy `path` to `<stem>.<UTC time>.xlsx` beside it; remove all but the newest
    BACKUPS_KEPT such copies. Returns the copy and the removed ones."""
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.{stamp}{path.suffix}")
    n = 1
    while target.exists():  # two runs in one second
        target = path.with_name(f"{path.stem}.{stamp}-{n}{path.suffix}")
        n += 1
    # A copy, not a link: the backup must not change if someone later saves over the original
    # in place. Written beside it first, so a full disk never leaves half a backup behind.
    partial = target.with_name(f".{target.name}.partial")
    try:
        shutil.copy2(path, partial)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    pattern = _backup_pattern(path)
    # The timestamps sort as text; modification times would not survive a copy or checkout.
    copies = sorted(p for p in path.parent.iterdir() if pattern.fullmatch(p.name))
    removed = copies[:-BACKUPS_KEPT]
    for old in removed:
        old.unlink()
    return target, removed


def saved_reviews(out_dir: Path) -> list[Review]:
    """The reviews of the last reports in `out_dir`: the scorecard's (where reviewers type),
    or, with no scorecard, the ones results.json carries; ReviewFileError if unreadable."""
    scorecard = out_dir / SCORECARD
    if scorecard.exists():
        return read_scorecard(scorecard)
    results = out_dir / RESULTS
    if not results.exists():
        return []
    try:
        doc = json.loads(results.read_text("utf-8"))
        return [
            Review.model_validate(r)
            for r in [*doc.get("reviews", {}).values(), *doc.get("orphaned_reviews", [])]
        ]
    except (ValueError, AttributeError, OSError, RecursionError) as exc:
        raise ReviewFileError(f"{results}: cannot read its reviews: {exc}") from exc


def prepare_scorecard(run: AuditRun, out_dir: Path, *, writing: bool) -> AuditRun:
    """The run with the previous reviews attached, ready to be written.

    When the scorecard is to be written: refuse if it is open, and back it up first. A
    scorecard whose reviews cannot be read stops everything: it would otherwise be replaced
    and its reviews lost.
    """
    return _prepare(run, out_dir, writing=writing, extra=[])[0]


def _prepare(
    run: AuditRun, out_dir: Path, *, writing: bool, extra: list[Review]
) -> tuple[AuditRun, list[Review]]:
    """prepare_scorecard, with `extra` reviews merged last; also returns the saved reviews."""
    scorecard = out_dir / SCORECARD
    if writing:
        refuse_if_open(scorecard)
        if scorecard.exists() and not os.access(out_dir, os.W_OK):
            # Fail on the real reason, before reading a scorecard that could not be replaced.
            raise ScorecardRefused(
                f"cannot write reports in {out_dir}: "
                f"{os.strerror(errno.EACCES)}; previous reports are unchanged"
            )
    try:
        reviews = saved_reviews(out_dir)
    except ReviewFileError as exc:
        raise ScorecardRefused(f"{exc}; fix or move it away; nothing was written") from exc
    run = merge_reviews(run, [*reviews, *extra])
    if writing and scorecard.exists():
        try:
            copy, removed = backup(scorecard)
        except OSError as exc:  # worded as a failed report write, which it is
            raise ScorecardRefused(
                f"cannot write reports in {out_dir}: "
                f"{exc.strerror or exc}; previous reports are unchanged"
            ) from exc
        notes = [n for n in run.notes if not n.startswith(BACKUP_NOTE)]
        notes.append(
            f"{BACKUP_NOTE}{copy.name}"
            + (
                f"; removed {len(removed)} older backup(s), keeping the newest {BACKUPS_KEPT}"
                if removed
                else ""
            )
        )
        run = run.model_copy(update={"notes": notes})
    return run, reviews


# --- auditor review ... --------------------------------------------------------------------


_out_option = click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder of the reports.",
)


@click.group()
def review() -> None:
    """Move reviewer verdicts between the scorecard and a JSON or CSV file."""


@review.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_out_option
def export_reviews(file: Path, out_dir: Path) -> None:
    """Write every review (carried and orphaned) to FILE: .json, or CSV for any other suffix."""
    try:
        reviews = saved_reviews(out_dir)
    except ReviewFileError as exc:
        raise ScorecardRefused(str(exc)) from exc
    try:
        write_review_file(reviews, file)
    except OSError as exc:
        raise ScorecardRefused(f"cannot write {file}: {exc.strerror or exc}") from exc
    click.echo(f"exported {len(reviews)} reviews to {file}", err=True)


@review.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_out_option
def import_reviews(file: Path, out_dir: Path) -> None:
    """Merge the reviews in FILE into the last audit's reports (FILE wins for a finding both
    have) and rewrite them: the scorecard, results.json and, if present, findings.csv."""
    results = out_dir / RESULTS
    try:
        incoming = read_review_file(file)
        run = run_from_document(json.loads(results.read_text("utf-8")))
    except ReviewFileError as exc:
        raise ScorecardRefused(f"{exc}; nothing was written") from exc
    except FileNotFoundError as exc:
        raise ScorecardRefused(
            f"{exc.filename}: no such file (run `auditor audit` first); nothing was written"
        ) from exc
    except (ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise ScorecardRefused(
            f"{results}: not the results of an audit ({exc}); nothing was written"
        ) from exc
    # The saved reviews come from the scorecard (or results.json), not from the run's copy.
    run, saved = _prepare(
        run.model_copy(update={"reviews": {}, "orphaned_reviews": []}),
        out_dir,
        writing=True,
        extra=incoming,
    )
    before = {r.finding_id for r in saved}
    names = [
        name
        for name, (file_name, _) in REPORTERS.items()
        if name in ("json", "xlsx") or (out_dir / file_name).exists()
    ]
    try:
        written = write_reports(run, out_dir, names)
    except OSError as exc:
        raise ScorecardRefused(
            f"cannot write reports in {out_dir}: {exc.strerror or exc}; "
            "previous reports are unchanged"
        ) from exc
    changed = sum(1 for r in incoming if r.finding_id in before)
    orphaned = {r.finding_id for r in run.orphaned_reviews}
    click.echo(
        f"imported {len(incoming)} reviews from {file} ({changed} replaced, "
        f"{sum(r.finding_id in orphaned for r in incoming)} orphaned); wrote "
        + ", ".join(str(p) for p in written),
        err=True,
    )
