"""Checklist models: what the YAML says, after schema validation."""

# No `from __future__ import annotations` here: pydantic would then evaluate each field's
# annotation from its text (a compile and an eval each; 0.5 % of a one-policy audit for the
# result and checklist models together).

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from auditor.models import Severity, empty_dict, empty_list


def _listify(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


IdList = Annotated[list[str], BeforeValidator(_listify)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Position(_Spec):
    """Restrict a rule to the first or last N sentences of a document."""

    first: int | None = None
    last: int | None = None


class RuleSpec(_Spec):
    """One rule as written: its primitive kind, options and scope."""

    id: str
    kind: Literal["pattern", "near", "section", "extract"]
    description: str = ""
    within: IdList = Field(default_factory=empty_list)
    window: int = 0
    unless: Any = None
    in_section: Any = None
    position: Position | None = None
    match: Any = None
    terms: list[Any] | None = None
    distance: int | None = None
    heading: Any = None
    extractor: Literal["date", "email", "phone", "postal", "url", "age", "link"] | None = None
    near: Any = None
    day_first: bool | None = None
    allow_year: bool = False
    alone: bool = False
    region: str = "US"
    target: Any = None
    text: Any = None


class ValueSpec(_Spec):
    """Where a reported value comes from: the first listed rule that found values."""

    rule: IdList
    pick: Literal["first", "last", "min", "max", "all"] = "first"


class StatusSpec(_Spec):
    """PASS when `pass_` holds, else REVIEW when `review` holds, else FAIL."""

    pass_: Any = Field(alias="pass")
    review: Any = None


class CheckSpec(_Spec):
    """One check of a checklist."""

    id: str
    title: str
    description: str = ""
    regulation: str = ""
    severity: Severity
    weight: float = 1.0
    rules: list[RuleSpec]
    status: StatusSpec
    values: dict[str, ValueSpec] = Field(default_factory=empty_dict)


class ChecklistSpec(_Spec):
    """A checklist file."""

    schema_: str | None = Field(default=None, alias="$schema")
    id: str
    title: str
    version: str
    description: str = ""
    review_credit: float = 0.5
    checks: list[CheckSpec]
