"""Property-based fuzzing of the document model and the engine: for any input, nothing raises,
every offset points at the quoted text and every line number is right."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.checklist.compiled import load_checklist
from auditor.document.loader import parse_document
from auditor.document.model import Document
from auditor.engine import evaluate_document

ROOT = Path(__file__).resolve().parents[2]
BASELINE = load_checklist(ROOT / "checklists" / "baseline.yaml")
LINE_BREAK = re.compile(r"\r\n|\r|\n")

# Pieces that stress the parsers: markdown and HTML syntax, entities, policy vocabulary,
# abbreviations, dates, addresses, odd white space and control characters.
TOKENS = [
    "We",
    "use",
    "SSL",
    "encryption",
    "children",
    "under",
    "13",
    "thirteen",
    "opt",
    "out",
    "unsubscribe",
    "link",
    "Last",
    "updated:",
    "June 5, 2002",
    "02/22/08",
    "Inc.",
    "U.S.",
    "e.g.",
    "No. 5",
    "privacy@example.com",
    "[email protected]",
    "(650) 421-4200",
    "1300 Island Drive, Suite 200",
    "Redwood City, CA 94065",
    "http://x.com/a.b?c=d",
    "www.example.com",
    ".",
    ",",
    "!",
    "?",
    ":",
    ";",
    "(",
    ")",
    '"',
    "'",
    "’",
    "*",
    "**",
    "_",
    "__",
    "`",
    "#",
    "## ",
    "> ",
    "* ",
    "1. ",
    "|",
    "---",
    "[",
    "]",
    "](",
    "![",
    "<",
    ">",
    "&amp;",
    "&nbsp;",
    "&#169;",
    "&bogus;",
    "&#",
    "\\",
    "<br>",
    "<b>",
    "</b>",
    "<p>",
    "</p>",
    "<h2>",
    "</h2>",
    "<li>",
    '<a href="mailto:a@b.co">',
    "</a>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "<nav>",
    "</nav>",
    "<![CDATA[",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\xa0",
    "\u2028",
    "\x00",
    "\x0b",
    "\x1b",
    "é",
    "日本",
    "\U0001f600",
    "\ufeff",
]
documents = st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join)
mixed = st.one_of(documents, st.text(max_size=200))


def check_document(doc: Document) -> None:
    starts = [0] + [m.end() for m in LINE_BREAK.finditer(doc.source)]
    previous = -1
    for sentence in doc.sentences:
        assert sentence.text and sentence.text == sentence.text.strip()
        assert 0 <= sentence.src_start < sentence.src_end <= len(doc.source)
        assert sentence.src_start >= previous
        previous = sentence.src_start
        line = sum(1 for s in starts if s <= sentence.src_start)
        assert sentence.line == line
        assert doc.text[sentence.start : sentence.end] == sentence.text
        quote = doc.quote(sentence)
        if doc.format != "html":
            assert quote == doc.source[sentence.src_start : sentence.src_end]
            # Every visible character of the sentence stands in its quote, in order.
            rest = iter(quote)
            assert all(
                ch.isspace() or ch in rest or not ch.isprintable()
                for ch in sentence.text
                if ch.isalnum()
            )
        for link in sentence.links:
            assert 0 <= link.start < link.end <= len(sentence.text)


def check_engine(doc: Document) -> None:
    result = evaluate_document(BASELINE, doc, "fuzz")
    assert [f.check_id for f in result.findings] == [c.spec.id for c in BASELINE.checks]
    for finding in result.findings:
        assert finding.status.value != "ERROR", finding.reason
        for ev in [*finding.evidence, *finding.near_misses]:
            assert 0 <= ev.start < ev.end <= len(doc.source)
            if doc.format != "html":
                assert doc.source[ev.start : ev.end] == ev.quote


FUZZ = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(mixed, st.sampled_from(["md", "txt", "html"]))
def test_document_model_properties(text: str, fmt: str) -> None:
    doc = parse_document(text, fmt, "fuzz")
    check_document(doc)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.sampled_from(["md", "html"]))
def test_engine_never_errors_and_cites_exact_offsets(text: str, fmt: str) -> None:
    check_engine(parse_document(text, fmt, "fuzz"))


@pytest.mark.slow
@settings(max_examples=50_000, deadline=None, suppress_health_check=list(HealthCheck))
@given(mixed, st.sampled_from(["md", "txt", "html"]))
def test_long_fuzz(text: str, fmt: str) -> None:
    doc = parse_document(text, fmt, "fuzz")
    check_document(doc)
    check_engine(doc)
