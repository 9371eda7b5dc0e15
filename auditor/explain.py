"""`auditor explain`: every candidate sentence of one document and what each rule said of it."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from auditor.checklist.compiled import Checklist, CompiledCheck
from auditor.document.loader import DocumentError, load_document
from auditor.engine import evaluate_check
from auditor.rules.base import Scan

STYLE = {"PASS": "green", "FAIL": "red", "REVIEW": "yellow", "ERROR": "bright_black"}


def explain_check(checklist: Checklist, check: CompiledCheck, path: Path, out: Console) -> int:
    """Print the trace of one check on one policy; returns an exit code."""
    try:
        document = load_document(path)
    except DocumentError as exc:
        out.print(f"{escape(str(path))}: ERROR: {escape(str(exc))}")
        return 2
    trace = evaluate_check(check, Scan(document), path.name)
    finding = trace.finding
    status = finding.status.value
    out.print(
        f"[bold]{escape(check.spec.id)}[/] on {escape(str(path))}: "
        f"[{STYLE[status]}]{status}[/]  ({escape(finding.decided_by)})"
    )
    for name, value in finding.extracted.items():
        out.print(f"  {name} = {value!r}")
    out.print("\nrules:")
    for rule in check.rules:
        result = trace.outputs[rule.id]
        mark = "[green]✓[/]" if result.matched else "[red]✗[/]"
        scope = f" within {', '.join(rule.within)}" if rule.within else ""
        out.print(
            f"  {mark} {escape(rule.id)} {escape(f'[{rule.kind}]')} "
            f"{escape(rule.primitive.describe())}{escape(scope)}: "
            f"{len(result.hits)} sentence(s)"
        )
    rows: dict[int, list[str]] = {}
    spans: dict[int, set[tuple[int, int]]] = {}
    for rule in check.rules:
        result = trace.outputs[rule.id]
        for hit in result.hits:
            values = f" values={list(hit.values)!r}" if hit.values else ""
            rows.setdefault(hit.sentence, []).append(f"[green]✓ {rule.id}[/]{escape(values)}")
            spans.setdefault(hit.sentence, set()).update(hit.spans)
        for cand in result.candidates:
            rows.setdefault(cand.sentence, []).append(f"[red]✗ {rule.id}[/]: {escape(cand.reason)}")
            spans.setdefault(cand.sentence, set()).update(cand.spans)
    out.print(f"\ncandidate sentences ({len(rows)}):")
    if not rows:
        out.print("  none: no sentence holds any term of this check's rules")
    for i in sorted(rows):
        sentence = document.sentences[i]
        text = Text(sentence.text)
        for a, b in spans.get(i, ()):
            text.stylize("bold magenta", a, b)
        section = " > ".join(sentence.section) or "(no heading)"
        out.print(f"\n  line {sentence.line} · {escape(section)}")
        out.print(Text("    ") + text)
        for row in rows[i]:
            out.print(f"    {row}")
    return 0
