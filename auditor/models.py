"""Frozen result models: what an audit produces, independent of any report format."""

# No `from __future__ import annotations` here: pydantic would then evaluate each field's
# annotation from its text (a compile and an eval each; 0.5 % of a one-policy audit for the
# result and checklist models together).

import enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Status(str, enum.Enum):
    """Outcome of one check on one policy."""

    PASS = "PASS"
    FAIL = "FAIL"
    REVIEW = "REVIEW"
    ERROR = "ERROR"


class Severity(str, enum.Enum):
    """How much a failed check matters; ordered low to critical."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Position in the order low < medium < high < critical."""
        return list(Severity).index(self)


def empty_list() -> list[Any]:
    """A new empty list, as a default factory. Pydantic reads each factory's signature, and
    for the built-in `list` or `dict` that means tokenizing its text signature, the first time
    with a compile of the tokenizer's pattern: 1.2 % of a one-policy audit."""
    return []


def empty_dict() -> dict[str, Any]:
    """A new empty dict, as a default factory (see `empty_list`)."""
    return {}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Evidence(_Frozen):
    """One quoted sentence that supports a verdict."""

    quote: str = Field(description="The sentence as it stands in the original file.")
    line: int = Field(description="1-based line of the quote's first character in the file.")
    section: list[str] = Field(description="Heading path the sentence stands under.")
    start: int = Field(description="Character offset of the quote's start in the decoded file.")
    end: int = Field(description="Character offset just past the quote's end.")
    terms: list[str] = Field(
        default_factory=empty_list, description="Words that matched, in order."
    )
    rule: str = Field(default="", description="Id of the rule whose match this is.")


class NearMiss(_Frozen):
    """A candidate sentence that was considered for a FAIL but did not qualify."""

    quote: str = Field(description="The candidate sentence.")
    line: int = Field(description="1-based line of the candidate.")
    section: list[str] = Field(description="Heading path of the candidate.")
    start: int = Field(description="Character offset of the candidate's start.")
    end: int = Field(description="Character offset just past the candidate's end.")
    reason: str = Field(description="Why it did not qualify.")


class Finding(_Frozen):
    """The verdict of one check on one policy, with its evidence."""

    id: str = Field(description="Stable id derived from the policy id and the check id.")
    check_id: str = Field(description="Id of the check in the checklist.")
    status: Status = Field(description="Machine verdict.")
    decided_by: str = Field(default="", description="Status clause and rules that decided.")
    evidence: list[Evidence] = Field(default_factory=empty_list, description="Supporting quotes.")
    extracted: dict[str, Any] = Field(default_factory=empty_dict, description="Extracted values.")
    near_misses: list[NearMiss] = Field(
        default_factory=empty_list, description="Rejected candidates."
    )
    reason: str = Field(default="", description="Why the document could not be read (ERROR).")


class PolicyResult(_Frozen):
    """All findings for one policy document."""

    id: str = Field(description="Stable policy id: the path relative to the audit root.")
    path: str = Field(description="Path of the file as given on the command line.")
    sha256: str = Field(description="SHA-256 of the file's bytes (empty if unreadable).")
    format: str = Field(description="md, txt or html.")
    size: int = Field(default=0, description="Size of the file in bytes.")
    words: int = Field(default=0, description="Words of policy text.")
    sections: int = Field(default=0, description="Number of headings.")
    title: str = Field(default="", description="First heading or HTML title.")
    metadata: dict[str, str] = Field(
        default_factory=empty_dict, description="Site, archive date, URL."
    )
    warnings: list[str] = Field(default_factory=empty_list, description="Load warnings.")
    error: str = Field(default="", description="Why the document could not be read.")
    score: float | None = Field(description="Weighted share of passed checks, 0..1.")
    findings: list[Finding] = Field(description="One finding per check, in checklist order.")


class ChecklistInfo(_Frozen):
    """Which checklist an audit ran."""

    id: str = Field(description="Checklist id.")
    title: str = Field(description="Checklist title.")
    version: str = Field(description="Checklist version.")
    path: str = Field(description="Checklist file as given.")
    sha256: str = Field(description="SHA-256 of the checklist file.")
    review_credit: float = Field(
        default=0.5, description="Share of a check's weight a REVIEW status earns in the score."
    )


class CheckInfo(_Frozen):
    """A check as reports show it."""

    id: str = Field(description="Check id.")
    title: str = Field(description="Check title.")
    description: str = Field(default="", description="What the check requires.")
    regulation: str = Field(default="", description="Regulation reference.")
    severity: Severity = Field(description="Severity of a failure.")
    weight: float = Field(description="Weight in the score.")
    rules: list[str] = Field(default_factory=empty_list, description="One readable line per rule.")
    status_logic: str = Field(default="", description="The pass/review conditions, readable.")


class Verdict(str, enum.Enum):
    """A reviewer's verdict on a finding (the scorecard's dropdown, in this order)."""

    CONFIRMED = "Confirmed"
    FALSE_POSITIVE = "False positive"
    FALSE_NEGATIVE = "False negative"
    NOT_APPLICABLE = "Not applicable"
    FOLLOW_UP = "Needs follow-up"


class Review(_Frozen):
    """What a reviewer recorded on one finding; never dropped, only carried or orphaned."""

    # Its validator is built when first used: an audit whose previous scorecard holds no
    # reviews never uses it (with the spool's outlines, 0.3 % of a one-policy audit).
    model_config = ConfigDict(defer_build=True)

    finding_id: str = Field(description="Id of the finding the review belongs to.")
    verdict: Verdict | None = Field(default=None, description="The verdict, if one was chosen.")
    comment: str = Field(default="", description="Free text, exactly as typed.")
    reviewer: str = Field(default="", description="Who reviewed.")
    reviewed_on: str = Field(default="", description="ISO date of the review, or the text typed.")
    fingerprint: str = Field(
        default="", description="Evidence fingerprint the review was made against."
    )
    stale: bool = Field(
        default=False, description="The evidence changed since the review: re-check it."
    )
    policy_id: str = Field(default="", description="Policy id when last seen.")
    check_id: str = Field(default="", description="Check id when last seen.")
    status: str = Field(default="", description="Machine status when last seen.")
    quote: str = Field(default="", description="Primary evidence when last seen.")


class AuditRun(_Frozen):
    """One audit: what ran, on what, and every policy's result."""

    tool_name: str = Field(description="Name of the tool.")
    tool_version: str = Field(description="Version of the tool.")
    checklist: ChecklistInfo = Field(description="The checklist that ran.")
    checks: list[CheckInfo] = Field(description="The checks, in checklist order.")
    command: str = Field(default="", description="Command line of the run.")
    python: str = Field(default="", description="Python version.")
    started_at: str = Field(description="ISO time the run started (UTC).")
    finished_at: str = Field(description="ISO time the run finished (UTC).")
    policies: list[PolicyResult] = Field(description="Results, in input order.")
    reviews: dict[str, Any] = Field(
        default_factory=empty_dict, description="Reviewer verdicts by finding id (see reviews.py)."
    )
    orphaned_reviews: list[Any] = Field(
        default_factory=empty_list, description="Reviews whose finding no longer exists."
    )
    notes: list[str] = Field(
        default_factory=empty_list, description="Run notes (e.g. sheet splits)."
    )

    def status_counts(self) -> dict[str, int]:
        """How many findings have each status."""
        counts = {s.value: 0 for s in Status}
        for policy in self.policies:
            for finding in policy.findings:
                counts[finding.status.value] += 1
        return counts
