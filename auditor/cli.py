"""Command line: parse options, build objects, run, return an exit code (STYLE.md 8)."""

from __future__ import annotations

import contextlib
import functools
import gc
import importlib
import itertools
import os
import shlex
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, NoReturn

import click

from auditor import __version__
from auditor.audit import Engine, EngineError, InputError, Limits, discover, run_audit
from auditor.checklist.compiled import load_checklist
from auditor.checklist.loader import ChecklistError
from auditor.cli_options import checklist_option, load_or_exit
from auditor.models import AuditRun, Severity, Status
from auditor.records import final_counts, final_statuses, reviewed_score
from auditor.reporters import DEFAULT_FORMATS, REPORTERS, write_reports, writes_in_parallel
from auditor.spool import SPOOL_AFTER, Spool, SpoolError

if TYPE_CHECKING:
    from rich.console import Console

EXIT_OK, EXIT_FAIL_ON, EXIT_USAGE, EXIT_OUTPUT = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # the shell's convention for Ctrl-C
STATUS_STYLE = {
    "PASS": "green",
    "FAIL": "red",
    "REVIEW": "yellow",
    "ERROR": "bright_black",
    "N/A": "bright_black",
}


@functools.cache
def console(stderr: bool = False) -> Console:
    """The rich console of stdout (or stderr), made on first use: `audit -q` prints nothing
    through rich, and importing rich costs about 20 ms of start-up."""
    from rich.console import Console

    made = Console(stderr=stderr, highlight=False)
    if not stderr and not made.is_terminal:  # piped or logged: 80 columns would fold names
        made.width = max(made.width, 140)
    return made


@contextlib.contextmanager
def _progress_bar(total: int, show: bool) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr, advanced by n per call; None (and no rich) when not shown."""
    if not show:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("auditing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console(stderr=True),
    ) as bar:
        task = bar.add_task("audit", total=total)
        yield lambda n: bar.advance(task, n)


def _formats(value: str) -> list[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in REPORTERS]
    if unknown or not names:
        raise click.BadParameter(
            f"unknown format {', '.join(unknown) or value!r}; choose from {', '.join(REPORTERS)}"
        )
    return names


class _Commands(click.Group):
    """The commands; those in LAZY are imported only to run them or when --help lists them
    (`eval` and its modules take about 10 ms to import, which every audit would pay)."""

    LAZY: ClassVar[dict[str, str]] = {"eval": "auditor.eval_cli:eval_command"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.LAZY and cmd_name not in self.commands:
            module, name = self.LAZY[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module), name), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="auditor")
def cli() -> None:
    """Audit privacy policies against a declarative checklist, citing evidence for every verdict."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@checklist_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder for the reports.",
)
@click.option(
    "--format",
    "formats",
    default=",".join(DEFAULT_FORMATS),
    show_default=True,
    help=f"Comma-separated report formats: {', '.join(REPORTERS)}.",
)
@click.option(
    "--fail-on",
    type=click.Choice([s.value for s in Severity]),
    default=None,
    help="Exit 1 if a check of this severity or higher is not PASS.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary table.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: all cores).",
)
@click.option(
    "--max-size",
    type=click.FloatRange(min=0.001),
    default=64.0,
    show_default=True,
    help="Largest policy file to read, in MB; larger ones are an ERROR.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Seconds one policy may take; 0 for no limit. Over it is an ERROR.",
)
@click.option(
    "--max-memory",
    type=click.FloatRange(min=0),
    default=1024.0,
    show_default=True,
    help="MB of memory one policy may take (growth of its process's resident memory); "
    "0 for no limit. Over it is an ERROR.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where documents are processed: local worker processes, or a Dask cluster "
    "(pip install 'auditor[dask]').",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Dask scheduler to use, e.g. tcp://10.0.0.5:8786 (workers read the files from shared "
    "storage at the same paths); without it --engine dask starts a local cluster of --jobs "
    "workers.",
)
def audit(
    paths: tuple[Path, ...],
    checklist_path: Path,
    out_dir: Path,
    formats: str,
    fail_on: str | None,
    quiet: bool,
    jobs: int | None,
    max_size: float,
    timeout: float,
    max_memory: float,
    engine: str,
    scheduler: str | None,
) -> None:
    """Audit PATHS (files or folders, default policies/) and write reports to --out."""
    names = _formats(formats)
    if scheduler is not None and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    checklist = load_or_exit(checklist_path)
    if "xlsx" in names:
        # Refuse before the audit, not after it: a workbook open in Excel stays untouched.
        refuse_if_open(out_dir / SCORECARD)
    try:
        sources = discover(list(paths) or [Path("policies")])
    except InputError as exc:
        click.echo(f"auditor: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    command = " ".join(shlex.quote(a) for a in ["auditor", *sys.argv[1:]])
    show_progress = not quiet and len(sources) > 5 and console(stderr=True).is_terminal
    with _progress_bar(len(sources), show_progress) as advance:
        limits = Limits(
            max_bytes=int(max_size * 1024 * 1024),
            timeout=timeout,
            max_memory=int(max_memory * 1024 * 1024),
        )
        workers = jobs or os.cpu_count() or 1
        notices: list[str] = []  # errors and warnings, shown once the progress bar is gone
        try:
            # Big runs keep their results on disk, not in memory, and so does any run whose
            # reports worker processes will write (a spool is handed to them for nothing); the
            # file goes when the command ends.
            spool = (
                click.get_current_context().with_resource(Spool(out_dir))
                if len(sources) > SPOOL_AFTER or writes_in_parallel(len(sources), workers)
                else None
            )
            run = run_audit(
                checklist,
                sources,
                command=command,
                progress=advance,
                jobs=workers,
                limits=limits,
                engine=_engine(engine, scheduler, workers),
                spool=spool,
                notices=notices,
            )
        except KeyboardInterrupt:
            click.echo("auditor: interrupted; no report was written", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except EngineError as exc:
            click.echo(f"auditor: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except SpoolError as exc:  # the results of a big run could not be kept on disk
            _cannot_write(out_dir, exc.reason)
    for line in notices:
        click.echo(line, err=True)
    try:
        # Carry the previous scorecard's reviews (refusing if it is open; backing it up).
        run = prepare_scorecard(run, out_dir, writing="xlsx" in names)
        written = write_reports(run, out_dir, names, jobs=workers)
    except KeyboardInterrupt:
        click.echo("auditor: interrupted; no report was written", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except OSError as exc:
        _cannot_write(out_dir, exc.strerror or str(exc))
    if not quiet:
        try:
            _summary(run)
        except KeyboardInterrupt:
            click.echo("auditor: interrupted; the reports were written", err=True)
            sys.exit(EXIT_INTERRUPTED)
        for path in written:
            console(stderr=True).print(f"wrote {path}")
    if fail_on is not None and _fails(run, Severity(fail_on)):
        sys.exit(EXIT_FAIL_ON)


def _cannot_write(out_dir: Path, reason: str) -> NoReturn:
    click.echo(
        f"auditor: cannot write reports in {out_dir}: {reason}; previous reports are unchanged",
        err=True,
    )
    sys.exit(EXIT_OUTPUT)


def _engine(name: str, scheduler: str | None, workers: int) -> Engine | None:
    """The engine for --engine; None for the local process pool."""
    if name != "dask":
        return None
    from auditor.dask_engine import DaskEngine

    try:
        return DaskEngine(scheduler, workers)
    except EngineError as exc:
        click.echo(f"auditor: {exc}", err=True)
        sys.exit(EXIT_USAGE)


def _fails(run: AuditRun, threshold: Severity) -> bool:
    severity = {c.id: c.severity for c in run.checks}
    return any(
        f.status is not Status.PASS and severity[f.check_id].rank >= threshold.rank
        for p in run.policies
        for f in p.findings
    )


def _summary(run: AuditRun) -> None:
    from rich.table import Table  # here, as rich itself: a quiet audit does not need it

    table = Table(title=f"{run.checklist.title} {run.checklist.version}", title_justify="left")
    table.add_column("policy", overflow="fold", ratio=3)
    table.add_column("score", justify="right", no_wrap=True)
    for check in run.checks:
        # Break ids at hyphens so the table fits a terminal without cutting words.
        table.add_column(check.id.replace("-", "-\n"), no_wrap=True)
    shown = list(itertools.islice(run.policies, 40))
    for policy in shown:
        # Final statuses: what the scorecard shows once reviewers' verdicts are applied.
        score = reviewed_score(run, policy)
        cells = [policy.id, "—" if score is None else f"{score:.0%}"]
        for status in final_statuses(run, policy):
            cells.append(f"[{STATUS_STYLE[status]}]{status}[/]")
        table.add_row(*cells)
    if len(run.policies) > len(shown):
        table.caption = f"first {len(shown)} of {len(run.policies)} policies"
    console().print(table)
    counts = final_counts(run)
    console().print("  ".join(f"[{STATUS_STYLE[k]}]{k} {v}[/]" for k, v in counts.items()))


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Validate checklist FILES; print one line per problem."""
    bad = False
    for path in files:
        try:
            checklist = load_checklist(path)
        except ChecklistError as exc:
            bad = True
            for line in exc.lines:
                click.echo(line, err=True)
            continue
        click.echo(f"{path}: ok ({len(checklist.checks)} checks)")
    sys.exit(EXIT_USAGE if bad else EXIT_OK)


@cli.command()
@checklist_option
def checks(checklist_path: Path) -> None:
    """List the checks of a checklist."""
    from rich.table import Table

    checklist = load_or_exit(checklist_path)
    table = Table(title=f"{checklist.spec.title} {checklist.spec.version}", title_justify="left")
    for column in ("id", "title", "severity", "weight", "regulation"):
        table.add_column(column, overflow="fold")
    for check in checklist.checks:
        s = check.spec
        table.add_row(s.id, s.title, s.severity.value, f"{s.weight:g}", s.regulation)
    console().print(table)


@cli.command()
@click.argument("policy", type=click.Path(path_type=Path))
@click.option("--check", "check_id", required=True, help="Id of the check to explain.")
@checklist_option
def explain(policy: Path, check_id: str, checklist_path: Path) -> None:
    """Show, for one POLICY, every candidate sentence and what each rule decided on it."""
    from auditor.explain import explain_check

    checklist = load_or_exit(checklist_path)
    check = checklist.check(check_id)
    if check is None:
        known = ", ".join(c.spec.id for c in checklist.checks)
        click.echo(f"auditor: no check '{check_id}' in {checklist_path}; checks: {known}", err=True)
        sys.exit(EXIT_USAGE)
    if not policy.exists() or policy.is_dir():
        what = "is a folder; explain takes one policy file" if policy.is_dir() else "no such file"
        click.echo(f"auditor: {policy}: {what}", err=True)
        sys.exit(EXIT_USAGE)
    code = explain_check(checklist, check, policy, console())
    sys.exit(code)


def main() -> None:
    """Console-script entry point."""
    # What the imports made lives as long as the process: the cyclic collector need not walk
    # it again at each full collection, nor at exit (1.4 % of the instructions of an audit of
    # the real corpus, 2.3 % of one policy's), and a forked worker's collector leaves those
    # pages unwritten. Only here, in a process of our own: a program or test that calls `cli`
    # keeps its collector as it is. `python -m auditor` imports the commands with the collector
    # off (see __main__.py); it is on from here.
    gc.freeze()
    gc.enable()
    cli()


from auditor.review_cli import (  # noqa: E402  (a late import keeps cli.py's layout)
    SCORECARD,
    prepare_scorecard,
    refuse_if_open,
    review,
)

cli.add_command(review)
