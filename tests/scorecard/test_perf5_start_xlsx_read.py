"""The scorecard reader quotes namespace URIs itself (not with xml.sax.saxutils, whose module
imports the network stack): every value parses back to itself."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from auditor.xlsx_read import _quoteattr

# Characters XML 1.0 allows in a document.
_XML_CHARS = st.characters(
    blacklist_categories=["Cs"],
    blacklist_characters=[chr(c) for c in range(32) if c not in (9, 10, 13)] + ["\ufffe", "\uffff"],
)


@given(st.text(_XML_CHARS))
def test_a_quoted_value_parses_back_to_itself(value: str) -> None:
    assert ET.fromstring(f"<w a={_quoteattr(value)}/>").get("a") == value


def test_quotes_entities_and_line_breaks() -> None:
    quoted = _quoteattr("a&b<c>\"d'\n\r\t")
    assert quoted == '"a&amp;b&lt;c&gt;&quot;d\'&#10;&#13;&#9;"'
