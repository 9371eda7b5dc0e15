"""Gates of the eighth session's extractor fast paths, compared with the searches they replace
on the real policies and on generated text."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.document.loader import load_document
from auditor.extract import emails, phones, urls

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    [
        *(ROOT / "bench" / "corpus" / "md").iterdir(),
        *(ROOT / "bench" / "corpus" / "html").iterdir(),
        *(ROOT / "policies").glob("*.md"),
    ]
)
TEXTS = [load_document(path, str(path)).text for path in FILES]
EMAIL_CASES = [
    case["text"]
    for case in yaml.safe_load((ROOT / "tests" / "extract" / "cases" / "emails.yaml").read_text())
]


def test_bracketed_at_as_the_search_on_real_policies_and_the_cases() -> None:
    texts = TEXTS + EMAIL_CASES
    answers = [emails._bracketed_at(text) for text in texts]
    assert answers == [bool(emails._BRACKETED_AT.search(text)) for text in texts]
    assert any(answers)  # the cases hold "name [at] domain" forms


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["[", "(", "{", "<", "]", ")", "}", ">", "at", "AT", "aT", " ", "\n", "\t", "x", "é"]
        ),
        max_size=20,
    ).map("".join)
)
def test_bracketed_at_as_the_search_on_generated_text(text: str) -> None:
    assert emails._bracketed_at(text) == bool(emails._BRACKETED_AT.search(text))


def _urls_as_before(text: str) -> list[tuple[int, int, str | int]]:
    """Each URL's value as it was read before the backslash gate: always unescaped."""
    return [
        (v.start, v.end, urls._ESCAPE.sub(r"\1", text[v.start : v.end]))
        for v in urls.find_urls(text)
    ]


URL_CASES = [
    case["text"]
    for case in yaml.safe_load((ROOT / "tests" / "extract" / "cases" / "urls.yaml").read_text())
]


def test_url_values_as_before_on_real_policies_and_the_cases() -> None:
    texts = TEXTS + URL_CASES
    assert any("\\" in text[v.start : v.end] for text in texts for v in urls.find_urls(text))
    for text in texts:
        assert [(v.start, v.end, v.value) for v in urls.find_urls(text)] == _urls_as_before(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["https://a.b/", "www.x.y", "\\_", "\\", "_", "(", ")", "x", " ", "é"]),
        max_size=12,
    ).map("".join)
)
def test_url_values_as_before_on_generated_text(text: str) -> None:
    assert [(v.start, v.end, v.value) for v in urls.find_urls(text)] == _urls_as_before(text)


def test_phone_candidate_start_as_with_ignorecase_on_every_code_point() -> None:
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    folded = re.compile(phones._CANDIDATE_START.pattern, phones._CANDIDATE.flags)
    assert folded.flags & re.IGNORECASE
    starts = [m.start() for m in phones._CANDIDATE_START.finditer(every)]
    assert starts == [m.start() for m in folded.finditer(every)]
    assert len(starts) > 600  # the decimal digits of every script, brackets and plus signs
