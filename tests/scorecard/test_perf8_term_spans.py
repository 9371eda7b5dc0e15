"""The bold spans of evidence quotes are found without a pattern per term, with the same spans.

`_term_spans` finds an ASCII term in an ASCII quote with `str.find` over the quote lowercased and
its white-space runs collapsed; `_regex_spans` below is the code it replaced (a case-insensitive
pattern per term, words joined by `\\s+`). Every quote of a real-corpus audit is checked with its
own terms and with every term of its policy, then generated text with awkward white space and
case.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.audit import discover, run_audit
from auditor.checklist.compiled import load_checklist
from auditor.reporters import xlsx_report as X

ROOT = Path(__file__).resolve().parents[2]


def _regex_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for term in terms:
        pattern = X._term_pattern(term)
        if pattern is not None:
            spans.extend(m.span() for m in pattern.finditer(text))
    return spans


def test_real_corpus_quotes_and_terms() -> None:
    checklist = load_checklist(str(ROOT / "checklists" / "baseline.yaml"))
    sources = discover(
        [ROOT / "bench" / "corpus" / "md", ROOT / "bench" / "corpus" / "html", ROOT / "policies"]
    )
    run = run_audit(checklist, sources)
    quotes = found = folded = 0
    for policy in run.policies:
        evidence = [ev for finding in policy.findings for ev in finding.evidence]
        every_term = sorted({term for ev in evidence for term in ev.terms})
        for ev in evidence:
            text = X.excel_text(ev.quote)
            for terms in (ev.terms, every_term):
                spans = X._term_spans(text, terms)
                assert spans == _regex_spans(text, terms), (ev.quote, terms)
                found += len(spans)
            quotes += 1
            folded += text.isascii() and X._ODD_SPACE.search(text.lower()) is not None
    # The corpus exercises both paths and the collapsed white space (no vacuous pass).
    assert quotes > 800 and found > 3000 and folded > 20


def test_examples() -> None:
    text = "Contact  Us\n by E-mail:\tcontact us AT a@b.c, or CONTACT\r\nus."
    terms = ["contact us", "a@b.c", "e-mail", "us", "", "  ", "\u212a", "é"]
    spans = X._term_spans(text, terms)
    assert spans == _regex_spans(text, terms)
    assert [text[a:b] for a, b in spans] == [
        "Contact  Us",
        "contact us",
        "CONTACT\r\nus",
        "a@b.c",
        "E-mail",
        "Us",
        "us",
        "us",
    ]
    # Occurrences do not overlap: the next search starts where a match ended.
    assert X._term_spans("AaA a a a", ["aa", "a a"]) == [(0, 2), (2, 5), (6, 9)]
    assert _regex_spans("AaA a a a", ["aa", "a a"]) == [(0, 2), (2, 5), (6, 9)]


_ASCII_TEXT = st.text(alphabet="aAbB sS kK\t\n\r\x0b\x0c\x1c\x1f.-@", max_size=40)
_TERM = st.one_of(
    st.text(alphabet="aAbB sSkK\t\n\x1c.-@", max_size=8),
    st.sampled_from(["ab", "a b", "A  B", "b.a", "s", "k", "\u212a", "\u017f", "ı", "é b"]),
)


@given(st.one_of(_ASCII_TEXT, st.text(max_size=30)), st.lists(_TERM, max_size=4))
@settings(max_examples=1000, deadline=None)
def test_generated(text: str, terms: list[str]) -> None:
    assert X._term_spans(text, terms) == _regex_spans(text, terms)
