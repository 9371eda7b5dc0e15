"""Command-line options shared by several commands, defined once."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

import click

from auditor.checklist.compiled import Checklist, load_checklist
from auditor.checklist.loader import ChecklistError

DEFAULT_CHECKLIST = Path("checklists/baseline.yaml")


def default_checklist() -> Path:
    """`checklists/baseline.yaml` in the current folder (a checkout of the project, or a
    reviewer's own), or else the baseline installed with the package (the same file:
    `auditor/data/baseline.yaml` links to it), so that `auditor audit` works anywhere."""
    if DEFAULT_CHECKLIST.exists():
        return DEFAULT_CHECKLIST
    shipped = resources.files("auditor") / "data" / "baseline.yaml"
    return Path(str(shipped)) if shipped.is_file() else DEFAULT_CHECKLIST


checklist_option = click.option(
    "--checklist",
    "checklist_path",
    type=click.Path(path_type=Path),
    default=default_checklist,
    show_default=f"{DEFAULT_CHECKLIST}, else the baseline installed with auditor",
    help="Checklist file (YAML or JSON).",
)
"""The --checklist option of every command that reads a checklist."""


def load_or_exit(path: Path) -> Checklist:
    """Load a checklist, or print its problems one per line and exit 2 (nothing is written)."""
    try:
        return load_checklist(path)
    except ChecklistError as exc:
        for line in exc.lines:
            click.echo(line, err=True)
        sys.exit(2)
