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
_CANDIDATE = re.compile(
    r"[.?!…](?<![.?!…][.?!…])[.?!…]*([" + re.escape(_CLOSERS) + r"]*)(?=\s|\Z|[A-Z][a-z])"
)
_FOLLOW = re.compile(r"\s+[" + re.escape(_OPENERS) + r"]*(\w+|\S)?")
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
    """Spans `(start, end)` of the sentences of one block's text, stripped, in order."""
    spans: list[tuple[int, int]] = []
    first = _NON_SPACE.search(text)
    if first is None:
        return spans
    start = first.start()
    for match in _CANDIDATE.finditer(text):
        end = match.end()
        if end >= len(text) or not _is_boundary(text, match, start):
            continue
        spans.append((start, end))
        following = _NON_SPACE.search(text, end)
        if following is None:  # unreachable: a boundary needs a following word
            return spans
        start = following.start()
    stop = len(text.rstrip())
    if stop > start:
        spans.append((start, stop))
    return spans


def _is_boundary(text: str, match: re.Match[str], sentence_start: int) -> bool:
    """Whether the candidate `match` (terminators and closers) ends the current sentence."""
    period_at = match.start()
    end = match.end()
    closers = match.group(1)
    terminators = text[period_at : match.start(1)]

    if not text[end].isspace():
        # The regex guarantees a capitalised word follows directly: "data.We".
        if terminators != "." or closers:
            return False
        token = _token_before(text, period_at)[0]
        return (
            len(token) >= 2
            and token.isalpha()
            and token.islower()
            and token.lower() not in _ABBREVIATIONS
        )

    follow = _FOLLOW.match(text, end)
    if follow is None or not follow.group(1):  # only whitespace or opening brackets remain
        return False
    word = follow.group(1)
    initial = word[0]
    if initial in ",;:)]}" or (
        initial.islower() and not _opens_item(text, follow) and not _inner_capital(word)
    ):
        return False
    if terminators != ".":
        return True
    # Only a single period needs the token before it: found this late, most "?", "!" and
    # lowercase continuations are decided without it.
    token, token_start = _token_before(text, period_at)
    lowered = token.lower()
    if lowered in _NEVER_END:
        return False
    if initial.isdigit() and (
        lowered in _BEFORE_NUMBER or lowered in _AMBIGUOUS or _DOTTED.fullmatch(lowered)
    ):
        return False
    if token and token_start == sentence_start and _ENUMERATOR.fullmatch(token):
        return False
    if closers:
        return True
    if lowered in _AMBIGUOUS or _DOTTED.fullmatch(lowered):
        return word in _STARTERS or (token.isupper() and word in _STARTERS_UPPER)
    return True


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


def _opens_item(text: str, follow: re.Match[str]) -> bool:
    """Whether the word matched by `follow` is an item marker like "a)", "(b)" or "iv)"."""
    end = follow.end()
    return end < len(text) and text[end] == ")" and bool(_ENUMERATOR.fullmatch(follow.group(1)))
