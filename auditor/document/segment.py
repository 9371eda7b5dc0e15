"""Split the text of one block (paragraph, list item or heading) into sentences.

`split_sentences(text)` returns the `(start, end)` span (end exclusive) of every sentence, stripped
of surrounding whitespace, in order; together the spans cover every non-space character.

Algorithm: one compiled regex finds candidate boundaries, a run of terminators (`.` `?` `!` `…`)
plus any closing quotes or brackets, followed by whitespace (or, for the scraped-text case below,
directly by a capitalised word). Dots inside URLs, e-mail addresses, decimals and version numbers
("example.com/a.html", "1.5", "v2.0.1") are never followed by a space, so they are never
candidates. Each candidate then goes through cheap checks on the word after it and the token
before it (at most `_MAX_TOKEN` characters back, which keeps the whole pass linear):

1. The next word starts with a lowercase letter (unless it is an item marker such as "a)" or
   "(iv)", or a brand written with an inner capital such as "iNaturalist" or "eBay", which opens
   sentences like any name), or is `,` `;` `:` `)`: no break ("etc. are", "a.m. and", "data?
   and"). Semicolons and colons never end a sentence.
2. `?`, `!`, an ellipsis or a run of terminators: break (before a capital, digit or symbol).
3. A single `.` after
   - a title or Latin abbreviation (Mr., Dr., e.g., i.e., vs., approx., cf. ...): no break;
   - a numbering abbreviation or month (No., Art., Sec., Fig., para., Jan. ...) before a digit:
     no break ("No. 5", "Art. 6", "Jan. 1");
   - an enumerator ("2", "4.1", "II", "a") that opens the sentence: no break, so "2. How we use
     data" and "A. Definitions" stay whole;
   - a company suffix, address or other abbreviation that may also end a sentence (Inc., Ltd.,
     Co., St., Ave., Dept., Jr.), any dotted abbreviation (U.S., L.L.C., a.m.) or a single initial
     ("J."): break only before a common sentence opener ("We", "The", "If" ...), so "U.S.
     Department of Commerce", "Google Inc. (Google)", "J. Smith" and "123 Main St. 5th floor" stay
     whole while "stored in the U.S. We" splits; after a closing bracket or quote ("(Acme Inc.)
     Next") any capital breaks;
   - any other word, number, URL or e-mail address: break.
4. Scraped text with a missing space ("personal data.We use"): a `.` directly followed by a
   capitalised word ("We", not "IO") breaks when the token before it is a lowercase word of two or
   more letters that is not an abbreviation; tokens with dots, digits, `@` or `/` (domains, URLs,
   "e.g.The") and capitalised tokens ("ASP.NET", "Inc.The") never break there.

Known limits: a sentence that starts with an all-lowercase word ("bitcoin is ...") is joined to
the one before; "Yahoo! Inc." breaks after the "!"; a company suffix ending a sentence before a name
("... by Google Inc. Google uses ...") does not break; CJK terminators are not handled.
"""

from __future__ import annotations

import re

# Closing quotes and brackets that may follow a terminator and belong to its sentence.
_CLOSERS = "\"'\u201d\u2019)]}\u00bb\u203a"  # right quotes, guillemets
# Opening quotes and brackets that may precede the first word of a sentence (or token).
_OPENERS = "\"'\u201c\u2018([{\u00ab\u2039\u00bf\u00a1"  # left quotes, guillemets, ¿ ¡

# The lookbehind lets a match start only at the first terminator of a run: without it a long run
# of terminators not followed by a space would be retried from every position (quadratic time).
# It follows the first terminator rather than preceding it so that the pattern opens with a
# character class, which `re` uses to skip straight to the next terminator (three times faster).
# Group 1: the closers. When white space follows, the lookahead also reads the next word, so that
# the boundary tests need no second match: group 2 is the white space (the next sentence starts
# after it), group 3 the word after it and any opening brackets ("" if only white space or
# opening brackets follow: an empty alternative, where an optional group costs `re` a repeat).
_CANDIDATE_REST = (
    r"(?<![.?!…][.?!…])[.?!…]*([" + re.escape(_CLOSERS) + r"]*)"
    r"(?:(?=(\s+)[" + re.escape(_OPENERS) + r"]*(\w+|\S|))|(?=[A-Z][a-z])|\Z)"
)
_CANDIDATE = re.compile(r"[.?!…]" + _CANDIDATE_REST)
# The same for text whose only terminator is "." (most blocks): every match of _CANDIDATE then
# opens on a "."; opening with that one literal character, the pattern lets `re` skip to the
# next "." several times faster than to the next character of a class.
_CANDIDATE_DOT = re.compile(r"\." + _CANDIDATE_REST)
_NON_SPACE = re.compile(r"\S")
# "2", "4.1", roman numerals up to 39 ("II", "xiv") and single letters ("a", "B").
_ENUMERATOR = re.compile(
    r"\d{1,3}(?:\.\d{1,3})*|x{0,3}(?:ix|iv|v?i{0,3})|X{0,3}(?:IX|IV|V?I{0,3})|[^\W\d_]"
)
_DOTTED = re.compile(r"[^\W\d_](?:\.[^\W\d_])+|[^\W\d_]")

# Longest token looked at before a period; longer tokens are no abbreviation.
_MAX_TOKEN = 64

# Abbreviations that never end a sentence (lowercase, without the final period).
_NEVER_END = frozenset(
    {
        "mr", "mrs", "ms", "mx", "dr", "prof", "rev", "hon", "messrs",
        "vs", "e.g", "i.e", "eg", "ie", "cf", "viz", "approx", "appx", "incl", "esp", "resp",
        "www",
    }
)  # fmt: skip
# Abbreviations that never end a sentence when a number follows ("No. 5", "Jan. 1").
_BEFORE_NUMBER = frozenset(
    {
        "no", "nos", "nr", "vol", "vols", "p", "pp", "para", "paras", "art", "arts", "sec", "secs",
        "fig", "figs", "ch", "chap", "ref", "lit", "subpara", "reg", "regs",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    }
)  # fmt: skip
# Abbreviations that may also end a sentence: break only before a common sentence opener.
_AMBIGUOUS = frozenset(
    {
        "inc", "ltd", "corp", "co", "llc", "llp", "plc", "pty", "pte", "bhd", "gmbh", "bros",
        "intl", "assn", "assoc", "dept", "univ", "govt", "ave", "blvd", "rd", "st", "ste", "fl",
        "hwy", "apt", "ft", "mt", "jr", "sr", "al", "tel", "fax", "ext", "attn", "ph.d",
        # statute citations ("Cal. Civ. Code § 1798.83", "Neb. Rev. Stat. § 84-712")
        "stat", "ann", "civ", "bus", "gen", "cal", "ariz", "colo", "conn", "del", "fla", "ga",
        "ill", "md", "mass", "mich", "minn", "neb", "nev", "ore", "pa", "tex", "va", "wash", "wis",
    }
)  # fmt: skip
_ABBREVIATIONS = _NEVER_END | _BEFORE_NUMBER | _AMBIGUOUS
# Words that commonly open a sentence in a policy; after an ambiguous abbreviation they signal a
# new sentence, any other capitalised word is taken as part of a name ("U.S. Department").
_STARTERS = frozenset(
    {
        "A", "An", "The", "This", "That", "These", "Those", "There", "Their", "They", "Then",
        "We", "Our", "You", "Your", "It", "Its", "I", "My", "He", "She", "His", "Her",
        "If", "In", "On", "At", "As", "By", "For", "From", "To", "With", "Without", "Within",
        "When", "Where", "Whether", "While", "Which", "What", "Who", "How", "Why",
        "Please", "Such", "Some", "Any", "All", "Each", "Every", "Other", "Most", "Many", "No",
        "None", "Only", "Also", "However", "Otherwise", "Additionally", "Furthermore",
        "Moreover", "Therefore", "Thus", "Note", "Unless", "Upon", "After", "Before", "During",
        "Although", "Because", "Since", "But", "And", "Or", "So", "Here", "See", "Under",
        "Like", "Unlike", "Unfortunately", "Accordingly", "Finally", "Currently",
    }
)  # fmt: skip
# All-caps openers for all-caps text ("ACME INC. WE ..."); "IT" and "US" are too often nouns.
_STARTERS_UPPER = frozenset(word.upper() for word in _STARTERS) - {"IT", "US"}


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans `(start, end)` of the sentences of one block's text, stripped, in order.

    The boundary tests of the module docstring, in the order that decides most candidates
    soonest; `_CANDIDATE` has already read the white space and the word after each candidate.
    """
    n = len(text)
    if not n:
        return []
    start = 0
    if text[0].isspace():  # blocks come stripped: search only when there is something to skip
        first = _NON_SPACE.search(text)
        if first is None:
            return []
        start = first.start()
    if "?" in text or "!" in text or "…" in text:
        candidates = _CANDIDATE.finditer(text, 0, _scan_end(text, n))
    else:
        # "in" before find(): most blocks have no period, and "in" is the cheaper call.
        period = text.find(".") if "." in text else -1
        if period < 0 or period == n - 1:
            # No period, or only the final one: no candidate can break (most blocks of a
            # policy), so the block is one sentence without a regex pass.
            stop = len(text.rstrip()) if text[-1].isspace() else n
            return [(start, stop)] if stop > start else []
        # (_scan_end without a call: "." is the only terminator here, and n > 1.)
        last = n - 1 if text[-1] == "." and text[-2].isalnum() else n
        candidates = _CANDIDATE_DOT.finditer(text, period, last)
    spans: list[tuple[int, int]] = []
    for match in candidates:
        # One call for the groups and one for the span: a call per position costs more.
        closers, space, word = match.groups()
        period_at, end = match.span()
        if space is None:
            if end >= n:
                continue  # the end of the text: the last span is added below
            # A capitalised word directly after: "data.We" (scraped text with a missing space),
            # after a single "." (no run of terminators, no "?" "!" "…") and no closers.
            if closers or end - period_at != 1 or text[period_at] != ".":
                continue
            token = _token_before(text, period_at)[0]
            if not (
                len(token) >= 2
                and token.isalpha()
                and token.islower()
                and token.lower() not in _ABBREVIATIONS
            ):
                continue
            spans.append((start, end))
            start = end
            continue
        if not word:  # only white space or opening brackets remain
            continue
        initial = word[0]
        if initial in ",;:)]}":
            continue
        if (
            initial.islower()
            and (word.islower() or not _inner_capital(word))
            and not _opens_item(text, match.end(3), word)
        ):
            continue
        if end - len(closers) - period_at == 1 and text[period_at] == ".":
            # Only a single "." (no run of terminators, no "?" "!" "…") needs the token before
            # it: found this late, most "?", "!" and lowercase continuations are decided
            # without it.
            if period_at and not text[period_at - 1].isspace():
                # The window's start without max(), a call that costs more than this test.
                window = period_at - _MAX_TOKEN if period_at > _MAX_TOKEN else 0
                raw = text[window:period_at].rsplit(None, 1)[-1]
                token = raw.lstrip(_OPENERS)
                token_start = period_at - len(raw)
            else:
                token = ""
                token_start = period_at
            lowered = token.lower()
            # Most tokens are plain words (no abbreviation, no dot, not one character, not the
            # sentence's first), which always break: only the others need `_joins`.
            if (
                lowered in _ABBREVIATIONS
                or "." in lowered
                or len(lowered) < 2
                or token_start == start
            ) and _joins(token, lowered, token_start == start, word, bool(closers)):
                continue
        spans.append((start, end))
        start = end + len(space)  # the next sentence opens after the white space
    stop = len(text.rstrip()) if text[-1].isspace() else n
    if stop > start:
        spans.append((start, stop))
    return spans


def _scan_end(text: str, n: int) -> int:
    """Where the candidate scan of `text` (of length `n`) may stop: before a final terminator
    just after a letter or digit (how most blocks end), else at the end.

    Such a terminator could only match as the text's end, which breaks nothing. No other match
    reads it: the letter or digit ends every part of the pattern that could reach it (a run of
    terminators or closers, white space, openers, a word, `[A-Z][a-z]`), and no match before it
    ends where `\\Z` would hold (at the text's end, or at the scan's).
    """
    return n - 1 if n > 1 and text[-1] in ".?!…" and text[-2].isalnum() else n


def _joins(token: str, lowered: str, opens: bool, word: str, closers: bool) -> bool:
    """Whether a single "." after `token` (`lowered` in lowercase; `opens`: it opens the
    sentence) and before `word` (`closers`: with closing quotes or brackets between) does not
    end the sentence: rule 3 of the module docstring."""
    if lowered in _NEVER_END:
        return True
    if word[0].isdigit() and (
        lowered in _BEFORE_NUMBER or lowered in _AMBIGUOUS or _dotted(lowered)
    ):
        return True
    if token and opens and _ENUMERATOR.fullmatch(token):
        return True
    return (
        not closers
        and (lowered in _AMBIGUOUS or _dotted(lowered))
        and word not in _STARTERS
        and not (token.isupper() and word in _STARTERS_UPPER)
    )


def _dotted(lowered: str) -> bool:
    """Whether `lowered` is a single letter or a dotted abbreviation ("u.s", "a.m")."""
    # Both need a dot or a single character: most words are decided without the regex.
    return (len(lowered) == 1 or "." in lowered) and _DOTTED.fullmatch(lowered) is not None


def _token_before(text: str, period_at: int) -> tuple[str, int]:
    """The token just before `period_at` without opening quotes or brackets, and where it starts
    (before those openers are stripped); ("", period_at) if white space precedes the period."""
    window = text[max(0, period_at - _MAX_TOKEN) : period_at]
    if not window or window[-1].isspace():
        return "", period_at
    token = window.rsplit(None, 1)[-1]  # the last word, without splitting the whole window
    return token.lstrip(_OPENERS), period_at - len(token)


def _inner_capital(word: str) -> bool:
    """Whether a lowercase-initial word is a name with an inner capital ("iPhone", "eBay")."""
    return any(c.isupper() for c in word[1:]) and not word.isupper()


def _opens_item(text: str, word_end: int, word: str) -> bool:
    """Whether `word`, which ends at `word_end`, is an item marker like "a)", "(b)" or "iv)"."""
    return word_end < len(text) and text[word_end] == ")" and bool(_ENUMERATOR.fullmatch(word))
