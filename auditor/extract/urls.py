"""Web addresses: "http://" and "https://" URLs and "www." host names, as written.

A markdown autolink "<https://example.com>" gives its inner URL, and a markdown link
"[text](https://example.com)" its target. Trailing punctuation (".,;:!?'\"*_") and closing
brackets without an opening one in the URL are left out, so "(see https://x.org/a_(b))." gives
"https://x.org/a_(b)". The value is the URL exactly as matched; markdown backslash escapes
("a\\_b") are removed from the value only.
"""

from __future__ import annotations

import re

from auditor.extract.base import LazyPattern, ValueMatch

# Spaces, angle brackets, quotes, braces and pipes end a URL; square brackets do too, since in
# markdown they delimit link text.
_URL = re.compile(r"\b(?:https?://|(?<![\w./:@-])www\.)[^\s<>\"'`{}|^\[\]]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"*_~"
# Every URL this module reads holds one of these: a text without them holds none, so callers
# may skip it (see rules/extract.py, which reads it for RE2). Keep it true.
CANDIDATE = LazyPattern(r"https?://|www\.", re.IGNORECASE)
_PAIRS = {")": "(", "]": "["}
_ESCAPE = LazyPattern(r"\\([\\_*\[\]()#+.!-])")  # only a URL with a backslash needs it


def _trim(url: str) -> str:
    while url:
        last = url[-1]
        unbalanced = last in _PAIRS and url.count(last) > url.count(_PAIRS[last])
        if last not in _TRAILING and last != "\\" and not unbalanced:
            break
        url = url[:-1]
    return url


def find_urls(text: str) -> list[ValueMatch]:
    """Every http(s) or www. URL in `text`, trailing punctuation stripped, sorted."""
    found: list[ValueMatch] = []
    for m in _URL.finditer(text):
        url = _trim(m.group())
        # "www." alone or a scheme with nothing after it is no address
        if len(url) <= len("https://") or url.lower() in ("www", "www."):
            continue
        if url.lower().startswith("www.") and "." not in url[4:]:
            continue
        value = _ESCAPE.sub(r"\1", url) if "\\" in url else url  # every escape has a backslash
        found.append(ValueMatch(m.start(), m.start() + len(url), value, "url"))
    return found
