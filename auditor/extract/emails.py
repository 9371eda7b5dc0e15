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

from auditor.extract.base import ValueMatch, resolve_overlaps

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
_BRACKETED = re.compile(
    rf"(?<![A-Za-z0-9._%+-])(?P<local>{_LOCAL}){_AT}"
    rf"(?P<domain>{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}{_TLD})",
    re.IGNORECASE,
)
_CAPITALS = re.compile(
    rf"(?<![A-Za-z0-9._%+-])(?P<local>{_LOCAL})\s+AT\s+"
    rf"(?P<domain>{_LABEL}(?:\s+DOT\s+{_LABEL})*\s+DOT\s+{_TLD})"
)
_DOT_WORD = re.compile(r"\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+DOT\s+", re.IGNORECASE)


def _address(m: re.Match[str]) -> str:
    domain = _DOT_WORD.sub(".", m.group("domain"))
    return f"{m.group('local')}@{domain}".lower()


def find_emails(text: str) -> list[ValueMatch]:
    """Every e-mail address in `text` (see the module doc), sorted and non-overlapping."""
    candidates: list[ValueMatch] = []
    for pattern, label in (
        (_MAILTO, "mailto"),
        (_PLAIN, ""),
        (_BRACKETED, "obfuscated"),
        (_CAPITALS, "obfuscated"),
    ):
        for m in pattern.finditer(text):
            if pattern is _CAPITALS and (m.group("local") + m.group("domain")).isupper():
                continue  # "LOOK AT THE DOT COM": in all-capitals text AT and DOT are prose
            candidates.append(ValueMatch(m.start(), m.end(), _address(m), "email", label))
    for m in _PLACEHOLDER_RE.finditer(text):
        candidates.append(ValueMatch(m.start(), m.end(), PLACEHOLDER, "email", "placeholder"))
    return resolve_overlaps(candidates)
