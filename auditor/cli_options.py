"""Command-line options shared by several commands, defined once."""

from __future__ import annotations

from pathlib import Path

import click

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
