"""Markdown -> blocks: the YAML cases, and the offset map on every sample policy."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.document.blocks import Block
from auditor.document.markdown import parse_markdown

ROOT = Path(__file__).resolve().parents[2]
CASES = yaml.safe_load((Path(__file__).parent / "cases" / "markdown.yaml").read_text("utf-8"))


def assert_offsets_point_at_source(source: str, block: Block) -> None:
    """Every visible character maps to the same character in the source (or to the entity,
    escape or white space it stands for)."""
    assert len(block.offsets) == len(block.text)
    assert block.offsets == sorted(block.offsets)
    for ch, offset in zip(block.text, block.offsets, strict=True):
        src = source[offset]
        if ch == src:
            continue
        if ch.isspace():
            # a space may stand for a line break, a <br> tag, an entity or a link's end
            assert src.isspace() or src in "<&)", (ch, src, offset)
        else:
            tail = source[offset : offset + 12]
            assert src in "&\\" and (ch in html.unescape(tail) or src == "\\"), (ch, tail)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_markdown_case(case: dict[str, Any]) -> None:
    blocks = parse_markdown(case["source"])
    got = []
    for block in blocks:
        item: dict[str, Any] = {"kind": block.kind.value, "text": block.text}
        if block.level:
            item["level"] = block.level
        if block.links:
            item["links"] = [[link.start, link.end, link.target] for link in block.links]
        got.append(item)
        assert_offsets_point_at_source(case["source"], block)
    assert got == case["blocks"]


@pytest.mark.parametrize("path", sorted((ROOT / "policies").glob("*.md")), ids=lambda p: p.name)
def test_offsets_on_sample_policies(path: Path) -> None:
    source = path.read_text("utf-8")
    blocks = parse_markdown(source)
    assert blocks
    for block in blocks:
        assert_offsets_point_at_source(source, block)


def test_plain_text_keeps_markup_characters() -> None:
    blocks = parse_markdown("Rates *may* apply.\n\n# not a heading\n", plain=True)
    assert [(b.kind.value, b.text) for b in blocks] == [
        ("paragraph", "Rates *may* apply."),
        ("paragraph", "# not a heading"),
    ]
