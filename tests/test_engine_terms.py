"""The terms an evidence row lists: the distinct words its spans cover, in the order they stand,
however many there are (a sentence can hold thousands of e-mail addresses)."""

from __future__ import annotations

from auditor.document.blocks import BlockKind
from auditor.document.model import Sentence
from auditor.engine import _terms


def _sentence(text: str) -> Sentence:
    return Sentence(0, text, 0, 0, len(text), 1, (), 0, BlockKind.PARAGRAPH)


def test_distinct_terms_in_the_order_they_stand() -> None:
    sentence = _sentence("Opt out: email optout@x.com or OPT OUT by post; opt out here.")
    spans = [(48, 55), (0, 7), (15, 27), (31, 38), (0, 7), (15, 27), (0, 3)]
    assert _terms(sentence, spans) == ["Opt", "Opt out", "optout@x.com", "OPT OUT", "opt out"]


def test_thousands_of_distinct_terms() -> None:
    addresses = [f"a{i}@example.com" for i in range(5_000)]
    text = " ".join(addresses + addresses[:10])
    spans, at = [], 0
    for word in text.split(" "):
        spans.append((at, at + len(word)))
        at += len(word) + 1
    assert _terms(_sentence(text), spans[::-1]) == addresses
