"""Value extractors: pure functions that find dates, ages, e-mails, phones, postal addresses and
URLs in a plain string, each returning sorted, non-overlapping `ValueMatch`es with exact spans."""

from __future__ import annotations

from collections.abc import Callable

from auditor.extract.ages import find_ages
from auditor.extract.base import ValueMatch
from auditor.extract.dates import find_dates, parse_date
from auditor.extract.emails import find_emails
from auditor.extract.phones import find_phones
from auditor.extract.postal import find_postal
from auditor.extract.urls import find_urls

EXTRACTORS: dict[str, Callable[[str], list[ValueMatch]]] = {
    "date": find_dates,
    "age": find_ages,
    "email": find_emails,
    "phone": find_phones,
    "postal": find_postal,
    "url": find_urls,
}
"""Each `ValueMatch.kind` mapped to the extractor that produces it, with default options."""

__all__ = [
    "EXTRACTORS",
    "ValueMatch",
    "find_ages",
    "find_dates",
    "find_emails",
    "find_phones",
    "find_postal",
    "find_urls",
    "parse_date",
]
