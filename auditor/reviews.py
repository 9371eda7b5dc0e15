"""Reviewer verdicts: read them from a scorecard or a review file, merge them into a run.

Data flows one way: reviews are read here and attached to the AuditRun before any reporter
runs; the reporters only show them. Nothing a reviewer typed is dropped: a review whose finding
still exists is carried (and marked stale if its evidence changed), any other is orphaned.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from auditor.models import AuditRun, Finding, PolicyResult, Review, Verdict
from auditor.records import FINDING_COLUMNS, REVIEW_STALE, evidence_fingerprint
from auditor.xlsx_read import Workbook

# The workbook contract between the xlsx reporter (writer) and this module (reader).
FINDINGS_SHEET = "Findings"
ORPHANS_SHEET = "Orphaned reviews"
# Findings sheet headers: the shared record headers, except that the machine status is named as
# such, since it stands beside the final status.
FINDINGS_HEADERS: dict[str, str] = {**dict(FINDING_COLUMNS), "status": "Machine status"}
ID_HEADER = FINDINGS_HEADERS["finding_id"]
# Orphaned-reviews sheet columns: (Review field, header).
ORPHAN_COLUMNS: list[tuple[str, str]] = [
    ("finding_id", ID_HEADER),
    ("policy_id", "Policy"),
    ("check_id", "Check"),
    ("verdict", "Verdict"),
    ("comment", "Comment"),
    ("reviewer", "Reviewer"),
    ("reviewed_on", "Reviewed on"),
    ("status", "Last machine status"),
    ("quote", "Last evidence"),
    ("fingerprint", "Reviewed fingerprint"),
]
# Review file columns (CSV) and keys (JSON), in this order.
REVIEW_FIELDS = [
    "finding_id",
    "policy_id",
    "check_id",
    "verdict",
    "comment",
    "reviewer",
    "reviewed_on",
    "fingerprint",
    "stale",
    "status",
    "quote",
]
# The columns a reviewer types into: a row with none of them filled in holds no review.
_CONTENT_KEYS = ("verdict", "comment", "reviewer", "reviewed_on")
_SPLIT_SHEET = re.compile(r"\((\d+)\)$")
_FORMULA_START = tuple("=+-@\t\r\uff1d\uff0b\uff0d\uff20'")


class ReviewFileError(Exception):
    """A scorecard or review file cannot be read; the message is one line naming the file."""


def parse_verdict(text: str) -> Verdict | None:
    """The verdict a cell's text names (case and spacing ignored), or None."""
    wanted = " ".join(text.replace("-", " ").split()).casefold()
    for verdict in Verdict:
        if " ".join(verdict.value.replace("-", " ").split()).casefold() == wanted:
            return verdict
    return None


def has_content(review: Review) -> bool:
    """A review worth keeping: the reviewer wrote something."""
    return bool(review.verdict or review.comment or review.reviewer or review.reviewed_on)


def all_reviews(run: AuditRun) -> list[Review]:
    """Every review of the run: attached ones in finding order, then the orphaned ones."""
    return [*run.reviews.values(), *run.orphaned_reviews]


def merge_reviews(run: AuditRun, reviews: Iterable[Review]) -> AuditRun:
    """The run with `reviews` attached by finding id (later ones win for the same id).

    A review of an existing finding is stale when its fingerprint differs from the finding's
    evidence fingerprint; a review without a fingerprint is taken as made on the current
    evidence. A review whose finding is gone is orphaned, in the order given.
    """
    by_id: dict[str, Review] = {}
    for review in reviews:
        if has_content(review):
            by_id[review.finding_id] = review
    # One streaming pass that keeps only the reviewed findings: a run of 100,000 policies
    # (spooled to disk) must not be loaded whole to attach a handful of reviews.
    findings: dict[str, tuple[PolicyResult, Finding]] = {}
    order: dict[str, int] = {}
    position = 0
    if by_id:
        for p in run.policies:
            for f in p.findings:
                if f.id in by_id:
                    findings[f.id] = (p, f)
                    order[f.id] = position
                position += 1
    attached: dict[str, Review] = {}
    orphaned: list[Review] = []
    for finding_id, review in by_id.items():
        if finding_id not in findings:
            orphaned.append(review.model_copy(update={"stale": False}))
            continue
        policy, finding = findings[finding_id]
        current = evidence_fingerprint(finding)
        fingerprint = review.fingerprint or current
        attached[finding_id] = review.model_copy(
            update={
                "fingerprint": fingerprint,
                "stale": fingerprint != current,
                "policy_id": policy.id,
                "check_id": finding.check_id,
                "status": finding.status.value,
                "quote": finding.evidence[0].quote if finding.evidence else "",
            }
        )
    ordered = dict(sorted(attached.items(), key=lambda kv: order[kv[0]]))
    return run.model_copy(update={"reviews": ordered, "orphaned_reviews": orphaned})


# --- reading a scorecard -------------------------------------------------------------------


def _text(value: Any, *, strip: bool = True) -> str:
    """A cell's value as the text the reviewer typed (ids and choices stripped of spaces)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if strip else str(value)


def _row_review(cells: dict[str, Any], where: str) -> Review | None:
    """The review in one Findings or Orphaned-reviews row, or None if the row has none."""
    verdict_text = _text(cells.get("verdict"))
    verdict = parse_verdict(verdict_text) if verdict_text else None
    comment = _text(cells.get("comment"), strip=False)
    if verdict_text and verdict is None:
        # Keep what was typed rather than lose it: it moves into the comment, visibly.
        comment = f"[verdict {verdict_text!r} not recognised] {comment}".rstrip()
    review = Review(
        finding_id=_text(cells.get("finding_id")),
        verdict=verdict,
        comment=comment,
        reviewer=_text(cells.get("reviewer")),
        reviewed_on=_text(cells.get("reviewed_on")),
        fingerprint=_text(cells.get("fingerprint")),
        policy_id=_text(cells.get("policy_id")),
        check_id=_text(cells.get("check_id")),
        status=_text(cells.get("status")),
        quote=_text(cells.get("quote")),
    )
    if not has_content(review):
        return None
    if not review.finding_id:
        raise ReviewFileError(f"{where}: a review without a finding id")
    return review


def _sheet_rows(
    wb: Workbook, sheet: str, columns: dict[str, str], where: str, required: Iterable[str]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {key: value}) for the data rows that may hold a review, columns found by
    their header text. A row with no value in any reviewer column cannot hold one, so the
    reader may leave it out (it then never parses it: the speed of reading a big scorecard)."""
    index = {_text(h): i for i, h in enumerate(wb.header(sheet)) if h is not None}
    for key in required:
        if columns[key] not in index:
            raise ReviewFileError(
                f"{where}: no {columns[key]!r} column in row 1; "
                "is this a scorecard written by auditor?"
            )
    wanted = {key: index[h] for key, h in columns.items() if h in index}
    content = {wanted[k] + 1 for k in _CONTENT_KEYS if k in wanted}
    for number, row in wb.rows(sheet, content):
        if number >= 2:
            yield number, {k: row[i] if i < len(row) else None for k, i in wanted.items()}


def _findings_sheets(names: list[str]) -> list[str]:
    """Findings, then its continuation sheets Findings (2), Findings (3) ... in order."""
    split = [n for n in names if n.startswith(FINDINGS_SHEET + " (") and _SPLIT_SHEET.search(n)]
    split.sort(key=lambda n: int(_SPLIT_SHEET.search(n).group(1)))  # type: ignore[union-attr]
    return [FINDINGS_SHEET, *split] if FINDINGS_SHEET in names else split


def read_scorecard(path: Path) -> list[Review]:
    """Every review in a scorecard: Findings rows (all split sheets), then Orphaned reviews.

    Raises ReviewFileError (one line) when the file is not a workbook, has no Findings sheet or
    no finding id column, or names the same finding twice.
    """
    try:
        wb = Workbook(path)
    except zipfile.BadZipFile as exc:
        raise ReviewFileError(f"{path}: cannot read reviews: not an Excel workbook") from exc
    except Exception as exc:  # a damaged part raises one of many types; all mean "stop"
        raise ReviewFileError(f"{path}: cannot read reviews: {type(exc).__name__}: {exc}") from exc
    try:
        return _workbook_reviews(path, wb)
    except ReviewFileError:
        raise
    except Exception as exc:  # a damaged sheet: one line too, never a traceback
        raise ReviewFileError(f"{path}: cannot read reviews: {type(exc).__name__}: {exc}") from exc
    finally:
        wb.close()


def _workbook_reviews(path: Path, wb: Workbook) -> list[Review]:
    sheets = _findings_sheets(wb.sheetnames)
    if not sheets:
        raise ReviewFileError(f"{path}: cannot read reviews: no {FINDINGS_SHEET!r} sheet")
    columns = {
        key: FINDINGS_HEADERS[key]
        for key in (
            "finding_id",
            "policy_id",
            "check_id",
            "status",
            "quote",
            "verdict",
            "comment",
            "reviewer",
            "reviewed_on",
            "review_state",
            "fingerprint",
            "reviewed_fingerprint",
        )
    }
    reviews: list[Review] = []
    seen: dict[str, str] = {}
    for name in sheets:
        where = f"{path}: sheet {name!r}"
        for number, cells in _sheet_rows(wb, name, columns, where, ["finding_id"]):
            if _text(cells.get("review_state")).casefold().startswith(REVIEW_STALE):
                # Still marked stale: the review was made on the older evidence.
                cells["fingerprint"] = cells.get("reviewed_fingerprint")
            review = _row_review(cells, f"{where} row {number}")
            if review is None:
                continue
            if review.finding_id in seen:
                raise ReviewFileError(
                    f"{where} row {number}: finding {review.finding_id!r} "
                    f"appears twice (first at {seen[review.finding_id]})"
                )
            seen[review.finding_id] = f"{name!r} row {number}"
            reviews.append(review)
    if ORPHANS_SHEET in wb.sheetnames:
        where = f"{path}: sheet {ORPHANS_SHEET!r}"
        for number, cells in _sheet_rows(
            wb, ORPHANS_SHEET, dict(ORPHAN_COLUMNS), where, ["finding_id"]
        ):
            review = _row_review(cells, f"{where} row {number}")
            # A review typed into Findings after its orphan was written wins over the orphan.
            if review is not None and review.finding_id not in seen:
                seen[review.finding_id] = f"{ORPHANS_SHEET!r} row {number}"
                reviews.append(review)
    return reviews


# --- review files (JSON or CSV, for version control) ----------------------------------------


def _csv_guard(text: str) -> str:
    """CSV text a spreadsheet keeps as text; `'` itself is escaped so reading back is exact."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_unguard(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def review_document(reviews: Iterable[Review]) -> dict[str, Any]:
    """The JSON review file: every review, attached and orphaned, sorted by finding id."""
    return {
        "reviews": [r.model_dump(mode="json") for r in sorted(reviews, key=lambda r: r.finding_id)]
    }


def write_review_file(reviews: Iterable[Review], path: Path) -> None:
    """Write reviews as JSON (.json) or CSV (any other suffix), atomically."""
    from auditor.reporters.atomic import atomic_output

    doc = review_document(reviews)
    if path.suffix.lower() == ".json":
        with atomic_output(path, "w", encoding="utf-8") as out:
            json.dump(doc, out, ensure_ascii=False, indent=1)
            out.write("\n")
        return
    with atomic_output(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(REVIEW_FIELDS)
        for review in doc["reviews"]:
            writer.writerow(
                [
                    _csv_guard(str(review[k]))
                    if isinstance(review[k], str)
                    else ("" if review[k] is None else str(review[k]).lower())
                    for k in REVIEW_FIELDS
                ]
            )


def read_review_file(path: Path) -> list[Review]:
    """Reviews from a JSON or CSV review file; ReviewFileError (one line) if malformed."""
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReviewFileError(f"{path}: cannot read: {exc}") from exc
    if path.suffix.lower() == ".json":
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ReviewFileError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from exc
        except RecursionError:  # json's decoder recurses once per level of nesting
            raise ReviewFileError(f"{path}: not a review file: nested too deeply") from None
        items = raw.get("reviews") if isinstance(raw, dict) else None
        if not isinstance(items, list):
            raise ReviewFileError(f"{path}: expected an object with a 'reviews' list")
        rows: list[tuple[str, dict[str, Any]]] = [(f"reviews[{i}]", r) for i, r in enumerate(items)]
    else:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if not reader.fieldnames or "finding_id" not in reader.fieldnames:
            raise ReviewFileError(f"{path}: no 'finding_id' column in the header row")
        rows = []
        for number, row in enumerate(reader, start=2):
            item: dict[str, Any] = {
                k: _csv_unguard(v or "") for k, v in row.items() if k in REVIEW_FIELDS
            }
            item["stale"] = item.get("stale", "").lower() == "true"
            verdict = item.get("verdict", "")
            item["verdict"] = (parse_verdict(verdict) or verdict) if verdict else None
            rows.append((f"line {number}", item))
    reviews = []
    for where, item in rows:
        try:
            review = Review.model_validate(item)
        except ValidationError as exc:
            first = exc.errors()[0]
            key = ".".join(str(p) for p in first["loc"])
            raise ReviewFileError(f"{path}: {where}: {key}: {first['msg']}") from exc
        reviews.append(review)
    return reviews
