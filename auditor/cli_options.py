"""Command-line options shared by several commands, defined once."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from auditor.checklist.compiled import Checklist, load_checklist
from auditor.checklist.loader import ChecklistError

DEFAULT_CHECKLIST = Path("checklists/baseline.yaml")

checklist_option = click.option(
    "--checklist",
    "checklist_path",
    type=click.Path(path_type=Path),
    default=DEFAULT_CHECKLIST,
    show_default=True,
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
