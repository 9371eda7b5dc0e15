"""E-mail addresses, including `mailto:` targets, archive placeholders and spelled-out forms.

* "privacy@example.com" -> "privacy@example.com" (the whole address lower-cased; label "").
* "mailto:Privacy@Example.com?subject=Hi" -> "privacy@example.com"; the span covers the whole
  target from "mailto:" to the end of the query (label "mailto").
* "[email protected]", the text an archive shows where it hid an address, -> "[email protected]"
  (label "placeholder"); it counts as an e-mail (CHECKS.md, contact-address).
* "name [at] domain [dot] com", "name(at)domain.com", "name {at} domain.com" and, with the
  words in capitals in mixed-case text, "name AT domain DOT com" -> "name@domain.com" (label
  "obfuscated"). Lower-case "at" and "dot" without brackets, and all-capitals text, are prose.

Trailing punctuation is never part of a match: the top-level domain must end in a letter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.extract.base import LazyPattern, ValueMatch, finditer_at, resolve_overlaps

PLACEHOLDER = "[email protected]"

_LOCAL = r"[A-Za-z0-9_%+-](?:[A-Za-z0-9._%+-]{0,63})"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})"
_TLD = r"[A-Za-z]{2,24}(?![A-Za-z0-9]|-[A-Za-z0-9])"
# The look-behind pins the start to a token boundary, so a long run of letters is scanned once.
_PLAIN = re.compile(rf"(?<![A-Za-z0-9._%+-])(?P<local>{_LOCAL})@(?P<domain>(?:{_LABEL}\.)+{_TLD})")
_MAILTO = re.compile(
    rf"mailto:\s*(?P<local>{_LOCAL})@(?P<domain>(?:{_LABEL}\.)+{_TLD})"
    r"(?:\?[^\s<>\"'()\[\]]*)?",
    re.IGNORECASE,
)
_PLACEHOLDER_RE = re.compile(r"\[email(?:\s|&#160;|&nbsp;)protected\]", re.IGNORECASE)

_AT = r"\s*[\[({<]\s*at\s*[\])}>]\s*"
_DOT = r"(?:\.|\s*[\[({<]\s*dot\s*[\])}>]\s*)"
# The spelled-out forms are tried only behind their gates (below), which hardly any policy
# passes: compiled when first tried.
_BRACKETED = LazyPattern(
    rf"(?<![A-Za-z0-9._%+-])(?P<local>{_LOCAL}){_AT}"
    rf"(?P<domain>{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}{_TLD})",
    re.IGNORECASE,
)
_CAPITALS = LazyPattern(
    rf"(?<![A-Za-z0-9._%+-])(?P<local>{_LOCAL})\s+AT\s+"
    rf"(?P<domain>{_LABEL}(?:\s+DOT\s+{_LABEL})*\s+DOT\s+{_TLD})"
)
_DOT_WORD = re.compile(r"\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+DOT\s+", re.IGNORECASE)


# What the spelled-out forms cannot do without; a text lacking it is spared the full pattern.
_BRACKETED_AT = re.compile(r"[\[({<]\s*at\s*[\])}>]", re.IGNORECASE)
# A space, "AT" and a space: opening with the literal (the look-behind checks the space before
# it) lets `re` skip ahead to "AT" instead of trying `\s` at every offset.
_CAPITAL_AT = re.compile(r"AT(?<=\sAT)\s")
_CAPITAL_DOT = re.compile(r"DOT(?<=\sDOT)\s")
_LOCAL_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")
_LOCAL_MAX = 64  # characters in _LOCAL


def _local_starts(text: str) -> Iterator[int]:
    """Where a plain address may start: the start of the run of local-part characters before
    each "@" (the look-behind of _PLAIN allows no other), in ascending order."""
    at = text.find("@")
    while at >= 0:
        start = at
        while start > 0 and at - start <= _LOCAL_MAX and text[start - 1] in _LOCAL_CHARS:
            start -= 1
        yield start
        at = text.find("@", at + 1)


def _mailto_starts(text: str) -> Iterator[int]:
    """Where a `mailto:` target may start: six characters before each colon, in ascending order
    (no character folds to a colon, whatever the case of the rest)."""
    colon = text.find(":", 6)
    while colon >= 0:
        yield colon - 6
        colon = text.find(":", colon + 1)


def _bracketed_at(text: str) -> bool:
    """Whether `_BRACKETED_AT` matches in `text`, tried only at its opening brackets: `re` would
    try its leading class at every character, and a policy has few brackets."""
    for bracket in "[({<":
        at = text.find(bracket)
        while at >= 0:
            if _BRACKETED_AT.match(text, at):
                return True
            at = text.find(bracket, at + 1)
    return False


def _matches(text: str) -> Iterator[tuple[re.Match[str], str]]:
    """The matches of each pattern in turn, as `finditer` gives them, with their labels."""
    if "@" in text:
        for m in finditer_at(_MAILTO, text, _mailto_starts(text)):
            yield m, "mailto"
        for m in finditer_at(_PLAIN, text, _local_starts(text)):
            yield m, ""
    if _bracketed_at(text):
        for m in _BRACKETED.finditer(text):
            yield m, "obfuscated"
    if _CAPITAL_AT.search(text) and _CAPITAL_DOT.search(text):
        for m in _CAPITALS.finditer(text):
            if not (m.group("local") + m.group("domain")).isupper():
                yield m, "obfuscated"
            # else "LOOK AT THE DOT COM": in all-capitals text AT and DOT are prose


def _address(m: re.Match[str]) -> str:
    domain = _DOT_WORD.sub(".", m.group("domain"))
    return f"{m.group('local')}@{domain}".lower()


# Every match holds one of these: "@" (plain and mailto), an opening bracket (the bracketed
# "at" and the placeholder) or "AT" (the capitals form). Most link targets hold none of them.
_NEEDED = ("@", "[", "(", "{", "<", "AT")


def find_emails(text: str) -> list[ValueMatch]:
    """Every e-mail address in `text` (see the module doc), sorted and non-overlapping."""
    if not any(needed in text for needed in _NEEDED):
        return []
    candidates = [
        ValueMatch(m.start(), m.end(), _address(m), "email", label) for m, label in _matches(text)
    ]
    for m in _PLACEHOLDER_RE.finditer(text) if "[" in text else ():
        candidates.append(ValueMatch(m.start(), m.end(), PLACEHOLDER, "email", "placeholder"))
    return resolve_overlaps(candidates)
