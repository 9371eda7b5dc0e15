"""Sixth-session shortcuts of sentence building give what the plain code gives: the splitter's
one-sentence path (no candidate boundary in the block) and sentences handed their field dict."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from load_reference import segment as old_segment

from auditor.document import loader, segment
from auditor.document.blocks import BlockKind
from auditor.document.encoding import decode
from auditor.document.html import parse_html
from auditor.document.markdown import parse_markdown
from auditor.document.model import Sentence

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted(
    path
    for folder in ("bench/corpus", "policies")
    for path in (ROOT / folder).rglob("*")
    if path.suffix.lower() in loader.FORMATS and path.is_file()
)


def _one_sentence_path(text: str) -> bool:
    """Whether `split_sentences` answers `text` without its regex pass."""
    if "?" in text or "!" in text or "…" in text:
        return False
    period = text.find(".")
    return period < 0 or period == len(text) - 1


def _block_texts(path: Path) -> list[str]:
    source = decode(path.read_bytes()).text
    if loader.FORMATS[path.suffix.lower()] == "html":
        blocks = parse_html(source).blocks
    else:
        blocks = parse_markdown(source)
    return [block.text for block in blocks if block.kind is not BlockKind.HEADING]


def test_every_corpus_block_splits_as_the_plain_splitter() -> None:
    texts = [text for path in CORPUS for text in _block_texts(path)]
    shortcut = [text for text in texts if _one_sentence_path(text)]
    # Both paths are taken many times over, so both are compared here.
    assert len(shortcut) > 2000 and len(texts) - len(shortcut) > 2000
    for text in texts:
        assert segment.split_sentences(text) == old_segment.split_sentences(text), text


# Short texts around the shortcut: a final period or none, white space at either end, the
# other terminators, and a period followed by a capital without a space.
near_shortcut = st.text(alphabet=" \xa0\n\t.aAW?!…)\"", max_size=14)


@settings(max_examples=2000, deadline=None)
@given(near_shortcut)
def test_short_texts_split_as_the_plain_splitter(text: str) -> None:
    assert segment.split_sentences(text) == old_segment.split_sentences(text)


def test_shortcut_cases() -> None:
    cases = {
        "": [],
        " ": [],
        ".": [(0, 1)],
        "We sell data": [(0, 12)],
        "We sell data.": [(0, 13)],
        "  We sell data.": [(2, 15)],
        "We sell data. ": [(0, 13)],
        "We sell data .": [(0, 14)],
        "\xa0We sell data\n": [(1, 13)],
        "See example.com": [(0, 15)],
        "We sell data. We keep it.": [(0, 13), (14, 25)],
    }
    for text, spans in cases.items():
        assert segment.split_sentences(text) == spans, text
        assert old_segment.split_sentences(text) == spans, text


def test_a_sentence_has_no_instance_dict() -> None:
    # Its ten fields live in the tuple itself: no dict per sentence (a million-sentence policy
    # took 630 MB with one, 494 MB without).
    sentence = Sentence(0, "We sell data.", 0, 4, 17, 1, ("Sharing",), 2, BlockKind.PARAGRAPH)
    assert not hasattr(sentence, "__dict__")
    assert sentence.links == ()
    assert sentence.end == 13
