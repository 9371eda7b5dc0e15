"""`auditor eval`: measure a checklist against hand labels and print the figures as markdown.

The text output is markdown so the same bytes read well in a terminal and in
`docs/accuracy.md` (which `scripts/update_accuracy.py` refreshes from this output).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from auditor.cli_options import checklist_option, load_or_exit
from auditor.evaluate import (
    CHANNELS,
    STATUSES,
    Counts,
    EvalReport,
    LabelError,
    evaluate,
    load_labels,
    parse_maps,
)
from auditor.reporters.atomic import atomic_output

EXIT_OK, EXIT_BELOW, EXIT_USAGE, EXIT_OUTPUT = 0, 1, 2, 3


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _frac(n: int, d: int) -> str:
    return f"{_pct(n / d if d else None)} ({n}/{d})"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("`", "'")


def render(report: EvalReport, *, disagreements: bool = True) -> str:
    """The report as markdown: tables per check, values, channels, pairs, then disagreements."""
    subsets = [s for s in report.scores if s != "all"]
    everything = report.scores["all"]
    per_format = ", ".join(f"{report.scores[s].documents} {s}" for s in subsets)
    out = [
        f"Labels `{report.labels}` ({everything.documents} documents: {per_format}); "
        f"checklist `{report.checklist}`.",
        "",
    ]

    out += ["### Status accuracy per check", ""]
    header = [
        "check",
        "accuracy",
        *[f"{s} accuracy" for s in subsets],
        "PASS precision",
        "PASS recall",
    ]
    rows = []
    for check in report.checks:
        c = everything.checks[check]
        rows.append(
            [
                f"`{check}`",
                _frac(c.correct, c.total),
                *[
                    _frac(
                        report.scores[s].checks[check].correct, report.scores[s].checks[check].total
                    )
                    for s in subsets
                ],
                _pct(c.pass_counts.precision),
                _pct(c.pass_counts.recall),
            ]
        )
    out += [*_table(header, rows), ""]

    if everything.values:
        out += [
            "### Extracted values: exact match",
            "",
            "Over the documents where the label or the auditor has a value.",
            "",
        ]
        rows = [
            [
                name,
                _frac(v.exact, v.compared),
                *[
                    _frac(
                        report.scores[s].values[name].exact, report.scores[s].values[name].compared
                    )
                    for s in subsets
                ],
            ]
            for name, v in everything.values.items()
        ]
        out += [*_table(["value", "exact", *[f"{s} exact" for s in subsets]], rows), ""]

    if everything.channels:
        out += [
            "### Contact channels",
            "",
            "A channel is found when the contact-address finding lists at least one value.",
            "",
        ]

        def cells(c: Counts) -> list[str]:
            return [_pct(c.precision), _pct(c.recall), f"{c.tp}/{c.fp}/{c.fn}/{c.tn}"]

        rows = [
            [name, *cells(everything.channels[name])]
            for name in CHANNELS
            if name in everything.channels
        ]
        out += [*_table(["channel", "precision", "recall", "tp/fp/fn/tn"], rows), ""]

    out += ["### Confusion matrices", "", "Rows: the label's status; columns: the auditor's.", ""]
    for check in report.checks:
        matrix = everything.checks[check].matrix
        actual_cols = [
            *STATUSES,
            *sorted({a for row in matrix.values() for a in row} - set(STATUSES)),
        ]
        rows = [
            [f"**{exp}**", *[str(matrix.get(exp, {}).get(act, 0)) for act in actual_cols]]
            for exp in STATUSES
            if exp in matrix or exp != "REVIEW"
        ]
        out += [f"`{check}`", "", *_table(["label \\ auditor", *actual_cols], rows), ""]

    if report.pairs:
        out += [
            "### Same-snapshot pairs",
            "",
            "Markdown and HTML copies of one archived snapshot (same site and archive date).",
            "",
        ]
        rows = []
        for p in report.pairs:
            differing = ", ".join(
                f"{c}: md {p.statuses[0][c]}, html {p.statuses[1][c]}" for c in p.differing
            )
            rows.append([f"{p.site} ({p.archived})", differing or "agree"])
        out += [*_table(["snapshot", "statuses"], rows), ""]

    if disagreements:
        out += [f"### Disagreements ({len(report.disagreements)})", ""]
        if not report.disagreements:
            out += ["None.", ""]
        for d in report.disagreements:
            out.append(
                f"- `{d.file}` · `{d.check}` · {d.what}: label "
                f"{_show(d.expected)}, auditor {_show(d.actual)}"
            )
            for cite in d.evidence:
                out.append(f'  - evidence, line {cite.line}: "{_md_escape(cite.quote)}"')
            for cite in d.near_misses:
                out.append(
                    f'  - near miss, line {cite.line}: "{_md_escape(cite.quote)}" '
                    f"({_md_escape(cite.reason)})"
                )
            if d.label_evidence:
                out.append(f'  - label evidence: "{_md_escape(d.label_evidence)}"')
            if d.notes:
                out.append(f"  - label notes: {_md_escape(d.notes)}")
        out.append("")
    return "\n".join(out)


def _show(value: Any) -> str:
    if (isinstance(value, str) and value in STATUSES) or value == "ERROR":
        return f"**{value}**"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


# Values held to the floor besides the statuses: the accuracy bar (issue 4) is set on statuses
# and dates; ages are reported next to them but not held to it.
FLOORED_VALUES = ("date",)


def below(report: EvalReport, floor: float) -> list[str]:
    """Figures under `floor`: status accuracy per check and format, and the date exact rate."""
    low = []
    for subset, scores in report.scores.items():
        for check, c in scores.checks.items():
            if c.accuracy is not None and c.accuracy < floor:
                low.append(f"{check} ({subset}): {_pct(c.accuracy)}")
        for name, v in scores.values.items():
            if name in FLOORED_VALUES and v.rate is not None and v.rate < floor:
                low.append(f"{name} exact ({subset}): {_pct(v.rate)}")
    return low


@click.command()
@click.argument("labels_path", metavar="LABELS", type=click.Path(path_type=Path))
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="Folder the label paths are relative to. A path not found there is looked "
    "for under ROOT/bench/ (the project's copy of the corpus).",
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="OLD=NEW",
    help="Rewrite a label path prefix before joining it to --root, e.g. "
    "corpus/=bench/corpus/ (repeatable; the first match wins).",
)
@checklist_option
@click.option(
    "--json",
    "json_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the report as JSON to this file ('-' for stdout, instead of the text report).",
)
@click.option("--summary", is_flag=True, help="Print the tables only, not the disagreements.")
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    default=None,
    metavar="PERCENT",
    help="Exit 1 if any check's status accuracy or the date exact rate, overall or for one "
    "format, is below PERCENT (ages are reported, not held to it).",
)
def eval_command(
    labels_path: Path,
    root: Path,
    maps: tuple[str, ...],
    checklist_path: Path,
    json_path: Path | None,
    summary: bool,
    fail_under: float | None,
) -> None:
    """Audit the documents labelled in LABELS and compare every verdict with its label."""
    checklist = load_or_exit(checklist_path)
    try:
        labels = load_labels(labels_path)
        report = evaluate(checklist, labels, root, parse_maps(maps), labels_name=str(labels_path))
    except LabelError as exc:
        click.echo(f"auditor eval: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    for _, result in report.results:
        if result.error:
            click.echo(f"{result.path}: ERROR: {result.error}", err=True)
    if json_path is not None:
        text = json.dumps(report.as_dict(), indent=1, ensure_ascii=False) + "\n"
        if str(json_path) == "-":
            click.echo(text, nl=False)
        else:
            try:
                with atomic_output(json_path, "w", encoding="utf-8") as stream:
                    stream.write(text)
            except OSError as exc:
                click.echo(
                    f"auditor eval: cannot write {json_path}: {exc.strerror or exc}", err=True
                )
                sys.exit(EXIT_OUTPUT)
    if json_path is None or str(json_path) != "-":
        click.echo(render(report, disagreements=not summary))
    if fail_under is not None and (low := below(report, fail_under / 100)):
        click.echo(f"auditor eval: below {fail_under:g}%: " + "; ".join(low), err=True)
        sys.exit(EXIT_BELOW)
