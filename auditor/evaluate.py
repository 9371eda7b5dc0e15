"""Measure a checklist against hand labels: per-check confusion matrices, value exact-match rates
and every disagreement, computed through the same engine as `auditor audit`.

The label format is the one of `corpus/labels/README.md`; expected statuses follow from a label
as that README says. Data flows one way: labels -> resolve files -> `audit_source` -> compare ->
an `EvalReport` that the CLI prints and serialises; nothing here prints or writes files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from auditor.audit import Source, audit_source
from auditor.checklist.compiled import Checklist
from auditor.document.loader import FORMATS
from auditor.models import Evidence, Finding, NearMiss, PolicyResult

STATUSES = ("PASS", "REVIEW", "FAIL")
"""Statuses a label can imply, in the order matrices are printed."""
CHANNELS = ("email", "postal", "phone", "form")
"""Contact channels, each a boolean in a label and a list in the contact-address finding."""

CHILDREN, OPT_OUT, SECURITY, CONTACT, UPDATED = (
    "coppa-age-statement",
    "opt-out-mechanism",
    "security-disclosure",
    "contact-address",
    "last-updated-date",
)
LABELLED_CHECKS = (CHILDREN, OPT_OUT, SECURITY, CONTACT, UPDATED)
"""Check ids the label format describes (CHECKS.md fixes them)."""
# Label key of each check's evidence quote, for disagreement listings.
_EVIDENCE_KEY = {
    CHILDREN: "children",
    OPT_OUT: "opt_out",
    SECURITY: "security",
    UPDATED: "last_updated",
}
# Mirror folder tried when a label path is not under the root itself: the project keeps its copy
# of the shared corpus under bench/ (labels say corpus/md/x.md, the project has
# bench/corpus/md/x.md).
MIRROR = "bench"


class LabelError(Exception):
    """A labels file that cannot be used; the message is one line naming the file."""


@dataclass(frozen=True)
class Label:
    """One labelled document and what it implies."""

    file: str
    """The document's path as written in the labels file."""
    statuses: dict[str, str]
    """Expected status per check id."""
    values: dict[str, Any]
    """Expected extracted values: `date`, `age`, and a boolean per contact channel."""
    evidence: dict[str, str]
    """The labeller's quotes, by label key."""
    notes: str
    """The labeller's notes on borderline calls."""
    notes_second: str = ""
    """A second reading's notes, when the labels carry one."""


def _expect(raw: dict[str, Any], where: str) -> Label:
    try:
        children, contact = raw["children"], raw["contact"]
        has_age = children["age"] is not None
        statuses = {
            CHILDREN: (
                "PASS"
                if children["statement"] and has_age
                else "REVIEW"
                if children["statement"]
                else "FAIL"
            ),
            OPT_OUT: "PASS" if raw["opt_out"] else "FAIL",
            SECURITY: "PASS" if raw["security"] else "FAIL",
            CONTACT: (
                "PASS"
                if contact["email"] or contact["postal"]
                else "REVIEW"
                if contact["phone"] or contact["form"]
                else "FAIL"
            ),
            UPDATED: "PASS" if raw["last_updated"] else "FAIL",
        }
        values: dict[str, Any] = {"date": raw["last_updated"], "age": children["age"]}
        values.update({c: bool(contact[c]) for c in CHANNELS})
        file = raw["file"]
    except (KeyError, TypeError) as exc:
        raise LabelError(
            f"{where}: a label needs file, children.statement/age, opt_out, "
            f"security, contact.email/postal/phone/form and last_updated "
            f"(missing {exc})"
        ) from None
    evidence = {str(k): str(v) for k, v in (raw.get("evidence") or {}).items()}
    return Label(
        str(file),
        statuses,
        values,
        evidence,
        str(raw.get("notes") or ""),
        str(raw.get("notes_second") or ""),
    )


def load_labels(path: Path) -> list[Label]:
    """Read a labels file: a JSON list of labels, or an object holding one under `labels`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LabelError(f"{path}: cannot read labels: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LabelError(f"{path}: not a JSON labels file: {exc}") from None
    except RecursionError:  # json's decoder recurses once per level of nesting
        raise LabelError(f"{path}: not a JSON labels file: nested too deeply") from None
    if isinstance(data, dict):
        data = data.get("labels")
    if not isinstance(data, list) or not data:
        raise LabelError(
            f"{path}: expected a non-empty JSON list of labels (or {{'labels': [...]}}}})"
        )
    labels = [_expect(raw, f"{path}: label {i}") for i, raw in enumerate(data)]
    seen: set[str] = set()
    for label in labels:
        if label.file in seen:
            raise LabelError(f"{path}: '{label.file}' is labelled twice")
        seen.add(label.file)
    return labels


def parse_maps(items: Iterable[str]) -> list[tuple[str, str]]:
    """`OLD=NEW` prefix rewrites for label paths, e.g. `corpus/=bench/corpus/`."""
    out = []
    for item in items:
        old, sep, new = item.partition("=")
        if not sep or not old:
            raise LabelError(f"--map {item!r}: write it as OLD=NEW, e.g. corpus/=bench/corpus/")
        out.append((old, new))
    return out


def resolve(file: str, root: Path, maps: Sequence[tuple[str, str]] = ()) -> Path:
    """Where a label's file is: the first `--map` whose prefix matches rewrites it, relative to
    `root`; without a matching map, `root/file`, else `root/bench/file` (the in-project copy)."""
    for old, new in maps:
        if file.startswith(old):
            return root / (new + file[len(old) :])
    direct = root / file
    if direct.exists():
        return direct
    mirrored = root / MIRROR / file
    return mirrored if mirrored.exists() else direct


@dataclass
class Counts:
    """Hits and misses of one yes/no quantity."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, expected: bool, actual: bool) -> None:
        if expected and actual:
            self.tp += 1
        elif actual:
            self.fp += 1
        elif expected:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class CheckScore:
    """Status agreement of one check over a set of documents."""

    check: str
    matrix: dict[str, dict[str, int]] = field(default_factory=dict)
    """expected status -> actual status -> documents (actual may also be ERROR)."""
    pass_counts: Counts = field(default_factory=Counts)
    """PASS as the positive class: precision and recall of PASS."""

    def add(self, expected: str, actual: str) -> None:
        row = self.matrix.setdefault(expected, {})
        row[actual] = row.get(actual, 0) + 1
        self.pass_counts.add(expected == "PASS", actual == "PASS")

    @property
    def total(self) -> int:
        return sum(n for row in self.matrix.values() for n in row.values())

    @property
    def correct(self) -> int:
        return sum(row.get(status, 0) for status, row in self.matrix.items())

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None


@dataclass
class ValueScore:
    """Exact-match rate of one extracted value, over documents where the label or the auditor
    has a value (agreeing on "none" is not counted, so a rate cannot be inflated by it)."""

    name: str
    exact: int = 0
    compared: int = 0

    def add(self, expected: Any, actual: Any) -> None:
        if expected is None and actual is None:
            return
        self.compared += 1
        self.exact += expected == actual

    @property
    def rate(self) -> float | None:
        return self.exact / self.compared if self.compared else None


@dataclass
class Scores:
    """Every figure over one set of documents (all, markdown only, HTML only)."""

    documents: int = 0
    checks: dict[str, CheckScore] = field(default_factory=dict)
    values: dict[str, ValueScore] = field(default_factory=dict)
    channels: dict[str, Counts] = field(default_factory=dict)


@dataclass(frozen=True)
class Citation:
    """A quoted sentence shown with a disagreement: evidence, or a near miss and its reason."""

    line: int
    quote: str
    reason: str = ""


@dataclass(frozen=True)
class Disagreement:
    """One place where the auditor and the label differ."""

    file: str
    check: str
    what: str
    """`status`, `date`, `age` or `channel:<name>`."""
    expected: Any
    actual: Any
    evidence: tuple[Citation, ...] = ()
    near_misses: tuple[Citation, ...] = ()
    label_evidence: str = ""
    notes: str = ""
    notes_second: str = ""


@dataclass(frozen=True)
class PairResult:
    """The two forms (markdown and HTML) of one archived snapshot and the checks they differ on."""

    site: str
    archived: str
    files: tuple[str, str]
    statuses: tuple[dict[str, str], dict[str, str]]

    @property
    def differing(self) -> list[str]:
        a, b = self.statuses
        return [check for check in a if a[check] != b.get(check)]


@dataclass
class EvalReport:
    """The whole measurement: scores over all documents and per format, disagreements, pairs."""

    labels: str
    checklist: str
    checks: list[str]
    scores: dict[str, Scores]
    """"all", then one entry per document format present ("md", "html", ...)."""
    disagreements: list[Disagreement]
    pairs: list[PairResult]
    results: list[tuple[Label, PolicyResult]] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready record of the report (the `--json` output)."""

        def ratio(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        def counts(c: Counts) -> dict[str, Any]:
            return {
                "tp": c.tp,
                "fp": c.fp,
                "fn": c.fn,
                "tn": c.tn,
                "precision": ratio(c.precision),
                "recall": ratio(c.recall),
            }

        scores = {}
        for subset, s in self.scores.items():
            scores[subset] = {
                "documents": s.documents,
                "checks": {
                    cid: {
                        "accuracy": ratio(c.accuracy),
                        "correct": c.correct,
                        "total": c.total,
                        "matrix": c.matrix,
                        "pass": counts(c.pass_counts),
                    }
                    for cid, c in s.checks.items()
                },
                "values": {
                    n: {"exact": v.exact, "compared": v.compared, "rate": ratio(v.rate)}
                    for n, v in s.values.items()
                },
                "channels": {n: counts(c) for n, c in s.channels.items()},
            }

        def cites(items: tuple[Citation, ...]) -> list[dict[str, Any]]:
            return [
                {"line": c.line, "quote": c.quote, **({"reason": c.reason} if c.reason else {})}
                for c in items
            ]

        return {
            "labels": self.labels,
            "checklist": self.checklist,
            "checks": self.checks,
            "scores": scores,
            "disagreements": [
                {
                    "file": d.file,
                    "check": d.check,
                    "what": d.what,
                    "expected": d.expected,
                    "actual": d.actual,
                    "evidence": cites(d.evidence),
                    "near_misses": cites(d.near_misses),
                    "label_evidence": d.label_evidence,
                    "notes": d.notes,
                    "notes_second": d.notes_second,
                }
                for d in self.disagreements
            ],
            "pairs": [
                {
                    "site": p.site,
                    "archived": p.archived,
                    "files": list(p.files),
                    "statuses": [dict(s) for s in p.statuses],
                    "differing": p.differing,
                }
                for p in self.pairs
            ],
        }


def _citations(items: Sequence[Evidence | NearMiss]) -> tuple[Citation, ...]:
    out = []
    for item in items:
        quote = " ".join(item.quote.split())
        out.append(
            Citation(
                item.line,
                quote[:400] + ("…" if len(quote) > 400 else ""),
                getattr(item, "reason", ""),
            )
        )
    return tuple(out)


def _format(path: Path) -> str:
    return FORMATS.get(path.suffix.lower(), path.suffix.lstrip(".").lower() or "?")


def _compare(
    label: Label,
    result: PolicyResult,
    checks: list[str],
    scores: list[Scores],
    disagreements: list[Disagreement],
) -> None:
    findings: dict[str, Finding] = {f.check_id: f for f in result.findings}
    for s in scores:
        s.documents += 1
    first = len(disagreements)

    def disagree(check: str, what: str, expected: Any, actual: Any) -> None:
        f = findings[check]
        evidence = f.evidence
        key = _EVIDENCE_KEY.get(check, "")
        if what.startswith("channel:"):
            channel = what.split(":", 1)[1]
            key = f"contact_{channel}"
            # Only the quotes of that channel's rule speak to it.
            evidence = [e for e in evidence if e.rule == channel]
        disagreements.append(
            Disagreement(
                label.file,
                check,
                what,
                expected,
                actual,
                _citations(evidence),
                _citations(f.near_misses),
                label.evidence.get(key, ""),
                label.notes,
                label.notes_second,
            )
        )

    for check in checks:
        expected, actual = label.statuses[check], findings[check].status.value
        for s in scores:
            s.checks.setdefault(check, CheckScore(check)).add(expected, actual)
        if expected != actual:
            disagree(check, "status", expected, actual)
    for check, name in ((UPDATED, "date"), (CHILDREN, "age")):
        if check not in checks:
            continue
        want, got = label.values[name], findings[check].extracted.get(name)
        for s in scores:
            s.values.setdefault(name, ValueScore(name)).add(want, got)
        # A status disagreement already lists this document; list a wrong value on its own.
        if want != got and label.statuses[check] == findings[check].status.value:
            disagree(check, name, want, got)
    if CONTACT in checks:
        extracted = findings[CONTACT].extracted
        for channel in CHANNELS:
            expected_b, actual_b = label.values[channel], bool(extracted.get(channel))
            for s in scores:
                s.channels.setdefault(channel, Counts()).add(expected_b, actual_b)
            if expected_b != actual_b:
                disagree(CONTACT, f"channel:{channel}", expected_b, extracted.get(channel) or [])
    # One document's disagreements in checklist order, its status before its values.
    disagreements[first:] = sorted(
        disagreements[first:], key=lambda d: (checks.index(d.check), d.what != "status")
    )


def _counterpart(path: Path) -> Path | None:
    """The other form of a corpus file: `md/x.md` <-> `html/x.html` in a sibling folder."""
    other = {"md": ("html", ".html"), "html": ("md", ".md")}.get(path.parent.name)
    if other is None:
        return None
    candidate = path.parent.parent / other[0] / (path.stem + other[1])
    return candidate if candidate.is_file() else None


def evaluate(
    checklist: Checklist,
    labels: Sequence[Label],
    root: Path,
    maps: Sequence[tuple[str, str]] = (),
    *,
    labels_name: str = "",
    progress: Callable[[int], None] | None = None,
) -> EvalReport:
    """Audit every labelled document with `audit_source` and compare it with its label.

    Raises LabelError when a labelled file does not exist: a silently skipped document would
    make the figures look better than they are.
    """
    paths = [resolve(label.file, root, maps) for label in labels]
    missing = [
        f"{label.file} (looked for {path})"
        for label, path in zip(labels, paths, strict=True)
        if not path.is_file()
    ]
    if missing:
        raise LabelError(
            f"{len(missing)} labelled file(s) not found under {root}: "
            + "; ".join(missing[:5])
            + (" ..." if len(missing) > 5 else "")
        )
    checks = [c.spec.id for c in checklist.checks if c.spec.id in LABELLED_CHECKS]
    scores: dict[str, Scores] = {"all": Scores()}
    disagreements: list[Disagreement] = []
    results: list[tuple[Label, PolicyResult]] = []
    by_path: dict[Path, PolicyResult] = {}
    for label, path in zip(labels, paths, strict=True):
        result = audit_source(checklist, Source(path, label.file))
        by_path[path.resolve()] = result
        results.append((label, result))
        subset = scores.setdefault(_format(path), Scores())
        _compare(label, result, checks, [scores["all"], subset], disagreements)
        if progress:
            progress(1)
    pairs = _pairs(checklist, paths, by_path, checks)
    return EvalReport(labels_name, checklist.path, checks, scores, disagreements, pairs, results)


def _pairs(
    checklist: Checklist,
    paths: Sequence[Path],
    by_path: dict[Path, PolicyResult],
    checks: list[str],
) -> list[PairResult]:
    """Same-snapshot pairs: a labelled file whose other form has the same site and archive date."""
    out: list[PairResult] = []
    seen: set[frozenset[Path]] = set()
    for path in paths:
        other = _counterpart(path)
        if other is None:
            continue
        key = frozenset({path.resolve(), other.resolve()})
        if key in seen:
            continue
        seen.add(key)
        mine = by_path[path.resolve()]
        theirs = by_path.get(other.resolve()) or audit_source(
            checklist, Source(other, PurePosixPath(other).name)
        )
        site, archived = mine.metadata.get("site", ""), mine.metadata.get("archived", "")
        if not archived or (site, archived) != (
            theirs.metadata.get("site", ""),
            theirs.metadata.get("archived", ""),
        ):
            continue  # another snapshot of the site: its answers may rightly differ
        md, html = (mine, theirs) if mine.format == "md" else (theirs, mine)
        status = [
            {f.check_id: f.status.value for f in r.findings if f.check_id in checks}
            for r in (md, html)
        ]
        out.append(PairResult(site, archived, (md.path, html.path), (status[0], status[1])))
    return out
