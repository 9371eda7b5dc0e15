"""Turn an HTML page into blocks of visible text, each character mapped to its source offset.

Why the standard library's `html.parser.HTMLParser` (with `convert_charrefs=False`):

- **Exact offsets for citations.** Every text run, entity and character reference arrives as its
  own event, and the tokenizer's position (kept as an offset, see `updatepos`) says where it
  starts. Text maps character by character; a decoded reference (`&amp;`,
  `&#8217;`, `&nbsp;`) maps to the offset of its `&`.
- **A real, tolerant tokenizer**, not regular expressions over the page: unclosed tags, stray end
  tags, unquoted attributes and broken comments are tokenized roughly as the HTML specification
  says. It builds no tree and never recurses, so 100,000 nested `<div>`s are no problem, and it
  is linear: a 5 MB page takes about a second.
- **Its loop, faster.** With the html.parser and _markupbase of CPython 3.11.7 (checked by the
  SHA-256 of their sources) a copy of `HTMLParser.goahead` runs that reads plain tags with one
  pattern and keeps its position as an offset: the same events at the same offsets
  (`tests/document/test_html_tokenizer.py`), for fewer instructions. With any other version
  HTMLParser's own loop runs.
- No dependency, and no C tree builder that would hide where text came from.

Blocks:

- Block-level tags (p, div, section, article, header, footer, main, aside, li, dt, dd, table, tr,
  td, th, ul, ol, dl, blockquote, pre, form, address, center, fieldset, figure, hr, h1-h6, ...)
  end the current block at their start and at their end.
- Kinds: `h1`-`h6` give HEADING blocks with their level; text directly in `li`, `dt`, `dd`,
  `address` (also inside a `p` or `div` in them) or in a data cell (`td`, `th`) gives ITEM;
  everything else PARAGRAPH. A cell that holds block elements or `<br>` lines is page layout, and
  its text is PARAGRAPH. A short `<b>`/`<strong>` paragraph stays PARAGRAPH: headings are not
  guessed from styling here.
- `<br>` ends the block, so address lines are one block each (PARAGRAPH, or ITEM in a list item),
  except a soft wrap: when the line before does not end in `.!?:;`, a link, an e-mail address or
  a URL, and the next one starts with a lower-case letter ("including by farming<br>or similar
  means"), the `<br>` is a space and the sentence stays whole. Two `<br>` in a row always end the
  block; in a heading a `<br>` is a space.
- White space runs (newlines, `&nbsp;` included) become one space, mapped to the first character
  of the run; blocks are stripped, empty ones dropped. In `pre` and `textarea` a blank line ends
  the block, since plain-text policies are pasted into them.
- `<a href>` text becomes a `Link` span (href as unescaped by the tokenizer, stripped;
  `javascript:` kept). An `<a>` without text (an image link in running text, or one whose image
  has no alt text) or with an empty href gives none. A link cut by a block boundary gives a span
  in each block.

Skipped: script, style, noscript, template, svg, math, head (its `<title>` is returned apart),
iframe, object, applet, noembed, audio, video, canvas, select, option, optgroup, datalist, nav,
comments, `alt` text (except that of an image link that opens its block, a navigation button or
a linked image in a cell: its alt text is the link's name, so an image link with alt "Contact
Us" is a link with that text; an image link inside running text is decoration). Kept: header,
footer and aside (footers hold "Last updated" lines), buttons (accordion policies put section
titles in them; they end the block), textarea (some pages show the policy in one), and elements
hidden by CSS or `hidden` (collapsed accordion sections are policy).

Malformed markup: only structural elements are kept on a stack (not `b`, `span`, `font`, ...).
An end tag closes the nearest open element of its name within HTML's scope rules (not across a
table cell); a stray one is ignored but still ends the block. A start tag closes what HTML implies
(`li` an open `li`, `td` an open `td`, a block an open `p`, `a` an open `a`). An unclosed skipped
element ends when its parent closes; an unclosed `nav` also ends at `<main>` or `<article>` (not
at a heading: site logos are `<h1>`s inside navigation), and `head` at `<body>`, at any tag that
does not belong in a head, or at text. An unclosed heading ends at the first block-level tag after
its text. An unclosed comment or script runs to the end of the page, as in a browser.
"""

from __future__ import annotations

import _markupbase
import hashlib
import html.parser
import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

from auditor.document.blocks import Block, BlockKind, Link, offset_run

__all__ = ["HtmlResult", "parse_html"]


@dataclass(frozen=True)
class HtmlResult:
    """What `parse_html` found in a page."""

    blocks: list[Block]
    """Headings, paragraphs and items of visible text, in document order."""
    title: str
    """The `<title>` text, whitespace-normalised; '' if there is none."""
    header_comment: str
    """Text of an HTML comment that opens the file (only whitespace before it); '' if none."""
    header_span: tuple[int, int] | None
    """Offsets of that whole comment, `<!--` to `-->`, in the source; None if there is none."""


def parse_html(source: str) -> HtmlResult:
    """Parse decoded HTML into blocks of visible text; never raises on any input."""
    return _BlockBuilder(source).run()


_fast: bool | None = None


def _fast_loop() -> bool:
    """Whether the standard library's tokenizer is the one `_fast_goahead` copies."""
    global _fast
    if _fast is None:
        _fast = _tokenizer_digest() == _CHECKED_SOURCES
    return _fast


def _tokenizer_digest() -> str:
    """SHA-256 of the sources of html.parser and _markupbase; '' if they cannot be read."""
    digest = hashlib.sha256()
    for module in (html.parser, _markupbase):
        try:
            with open(module.__file__ or "", "rb") as f:
                digest.update(f.read())
        except OSError:
            return ""
    return digest.hexdigest()


# Text contexts, kept per open element: what kind of block text directly inside it makes.
_PARA, _ITEM, _CELL = 0, 1, 2
_HEADING_BASE = 10  # context 10 + N: inside an <hN>

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_ITEMS = frozenset({"li", "dt", "dd", "address"})
_CELLS = frozenset({"td", "th"})
# Structural elements whose direct text is a plain paragraph, whatever they sit in.
_RESETS = frozenset(
    {"html", "body", "table", "caption", "tr", "thead", "tbody", "tfoot", "ul", "ol", "dl",
     "menu", "dir"}
)
# Block containers: they inherit their parent's context, except that a cell's is layout.
_CONTAINERS = frozenset(
    {"p", "div", "section", "article", "header", "footer", "main", "aside", "blockquote", "pre",
     "form", "center", "fieldset", "legend", "figure", "figcaption", "details", "summary",
     "dialog", "hgroup", "search", "noframes", "marquee", "listing", "xmp", "plaintext",
     "textarea"}
)
# Preformatted text: a blank line inside it ends the block (plain-text policies pasted in <pre>).
_PREFORMATTED = ("pre", "listing", "xmp", "plaintext", "textarea")
_SKIPPED = frozenset(
    {"script", "style", "noscript", "template", "svg", "math", "head", "title", "iframe",
     "object", "applet", "noembed", "audio", "video", "canvas", "select", "option", "optgroup",
     "datalist", "nav"}
)
# Start and end tags that end the current block.
_BOUNDARY = _HEADINGS | _ITEMS | _CELLS | _RESETS | _CONTAINERS | {"nav", "button"}
_TRACKED = _BOUNDARY | _SKIPPED | {"a"}
_VOID = frozenset(
    {"br", "hr", "img", "input", "meta", "link", "base", "area", "col", "embed", "param",
     "source", "track", "wbr", "keygen", "basefont", "bgsound", "frame", "image", "isindex"}
)
# Start tags that close an open <p> (HTML's "close a p element").
_CLOSES_P = (_BOUNDARY - _CELLS - {"tr", "thead", "tbody", "tfoot", "caption", "button"}) | {"hr"}
_HEAD_CONTENT = frozenset(
    {"title", "meta", "link", "base", "style", "script", "noscript", "template", "basefont",
     "bgsound"}
)
_NAV_BREAKERS = frozenset({"main", "article"})

# Elements an end tag (or an implied close) does not search past, as HTML's "has in scope".
_SCOPE = frozenset(
    {"html", "body", "table", "td", "th", "caption", "template", "object", "applet", "marquee"}
)
_TABLE_SCOPE = frozenset({"html", "table", "template"})
# tag -> (names to look for, scope) for start tags that close a sibling left open.
_IMPLIED: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "li": (frozenset({"li"}), _SCOPE | {"ul", "ol", "menu", "dir"}),
    "dt": (frozenset({"dt", "dd"}), _SCOPE | {"dl"}),
    "dd": (frozenset({"dt", "dd"}), _SCOPE | {"dl"}),
    "td": (frozenset({"td", "th"}), _TABLE_SCOPE | {"tr"}),
    "th": (frozenset({"td", "th"}), _TABLE_SCOPE | {"tr"}),
    "tr": (frozenset({"tr"}), _TABLE_SCOPE),
    "thead": (frozenset({"thead", "tbody", "tfoot"}), _TABLE_SCOPE),
    "tbody": (frozenset({"thead", "tbody", "tfoot"}), _TABLE_SCOPE),
    "tfoot": (frozenset({"thead", "tbody", "tfoot"}), _TABLE_SCOPE),
}
_P = frozenset({"p"})
_P_SCOPE = _SCOPE | {"button"}
# Start tags that open table structure, or a button: they do not make a cell layout.
_TABLE_PARTS = _CELLS | {"tr", "thead", "tbody", "tfoot", "caption", "button"}
_END_SCOPE: dict[str, frozenset[str]] = {
    "table": frozenset({"html", "template"}),
    "caption": _TABLE_SCOPE,
    "p": _P_SCOPE,
    **{tag: scope for tag, (_, scope) in _IMPLIED.items()},
}
# tag -> (names an end tag closes, scope it searches within); any </hN> closes any open heading.
_END_RULES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    tag: (names, _END_SCOPE.get(tag, _SCOPE) - names)
    for tag in _TRACKED
    for names in [_HEADINGS if tag in _HEADINGS else frozenset((tag,))]
}
# How far down the stack a search for an open element goes: past this, markup is pathological
# and ignoring a stray end tag is better than quadratic time.
_SCAN_LIMIT = 512
# Where the tokenizer looks for markup. HTMLParser's own pattern stops at every "&"; on an "&#"
# that is not a number it gives up on the rest of its buffer, so such an "&#" is left in the text.
# A number cut by the end of the buffer is still handed over, to wait for the rest.
_INTERESTING = re.compile(
    r"<|&(?!#)|&#(?=[0-9]+[^0-9a-fA-F]|[xX][0-9a-fA-F]+[^0-9a-fA-F]|[0-9]*\Z|[xX][0-9a-fA-F]*\Z)"
)

# Any white space run other than one plain space: " \s+|[^\S ]\s*", written to open with a
# character class, so that `re` skips to white space instead of trying the pattern at every
# character (a one-character run must not be a plain space).
_ODD_SPACE = re.compile(r"\s(?:\s+|(?<! ))")
_HARD_END = frozenset(".!?:;")  # a line ending in these is not soft-wrapped across a <br>
_COMMENT_END = re.compile(r"--!?\s*>|-?>")
_REFERENCE = re.compile(r"&#?[-.a-zA-Z0-9]*;?")
# An img tag's alt attribute and its value, quoted or not (the tokenizer unescapes attribute
# values, so the value is read from the source to keep offsets).
_ALT = re.compile(r"""\salt\s*=\s*(?:"(?P<q2>[^"]*)"|'(?P<q1>[^']*)'|(?P<bare>[^\s"'>]+))""", re.I)

# The fast tokenizer loop (`_BlockBuilder._fast_goahead`) reads plain tags itself: a start tag
# whose name is letters, digits and `-.:_`, whose attributes are each preceded by ASCII white
# space, named without quotes, `<`, `=` or `/`, and valued by a quoted string or a bare word that
# does not open with a quote or `=`; and an end tag of such a name directly followed by `>`. On
# those, HTMLParser's own patterns (tagfind_tolerant, attrfind_tolerant,
# locatestarttagend_tolerant, endtagfind) find exactly the same name, attributes and end (no
# part of these patterns can give back characters to a later part: each stops where the next
# must start); any other tag goes to HTMLParser's methods.
# `tests/document/test_html_tokenizer.py` compares the event streams.
_PLAIN_START = re.compile(
    r"""<([a-zA-Z][-.a-zA-Z0-9:_]*)"""
    r"""((?:[ \t\n\r\f]+[^\s/>="'<][^\s/>="'<]*"""
    r"""(?:[ \t\n\r\f]*=[ \t\n\r\f]*(?:"[^"]*"|'[^']*'|[^\s"'=>][^\s>]*))?)*)"""
    r"""[ \t\n\r\f]*(/?)>"""
)
_PLAIN_ATTR = re.compile(
    r"""[ \t\n\r\f]+([^\s/>="'<][^\s/>="'<]*)"""
    r"""(?:[ \t\n\r\f]*(=)[ \t\n\r\f]*(?:"([^"]*)"|'([^']*)'|([^\s"'=>][^\s>]*)))?"""
)
_PLAIN_END = re.compile(r"</([a-zA-Z][-.a-zA-Z0-9:_]*)>")
_TAG_OPEN = re.compile(r"<[a-zA-Z]")  # html.parser's starttagopen
_CHARREF = re.compile("&#(?:[0-9]+|[xX][0-9a-fA-F]+)[^0-9a-fA-F]")  # html.parser's charref
_ENTITYREF = re.compile("&([a-zA-Z][-.a-zA-Z0-9]*)[^a-zA-Z0-9]")  # html.parser's entityref
_INCOMPLETE = re.compile("&[a-zA-Z#]")  # html.parser's incomplete
# SHA-256 of the html.parser and _markupbase sources the fast loop was checked against
# (CPython 3.11.7); with any other version HTMLParser's own loop runs.
_CHECKED_SOURCES = "c679a63e9a349553de6797dac8a05e51db06f817bc890deab96fd57a13146adc"


class _BlockBuilder(HTMLParser):
    """Tokenizer callbacks that build blocks; one instance parses one source."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self._src = source
        # The tokenizer's position: offset `_at` in its buffer, which starts at `_base` in source.
        self._base = 0
        self._at = 0
        self._blocks: list[Block] = []
        # the block being built
        self._parts: list[str] = []
        self._offs: list[int] = []
        self._len = 0
        self._ctx_of_block = _PARA
        self._links: list[Link] = []
        self._space_at = -1  # offset of a pending collapsed whitespace run
        self._break_at = -1  # offset of a pending <br> (soft wrap or block end)
        # open structural elements
        self._tags: list[str] = []
        self._ctxs: list[int] = []
        self._open: dict[str, int] = {}
        self._skip_at = -1  # stack index of the outermost skipped element
        self._heading_at = -1
        self._heading_has_text = False
        self._a_at = -1
        self._link_target: str | None = None
        self._link_start = -1
        # title and header comment
        self._title_at = -1
        self._title_parts: list[str] | None = None
        self._title: str | None = None
        self._seen_content = False
        self._header = ""
        self._header_span: tuple[int, int] | None = None

    # -- driving the tokenizer --------------------------------------------------------------

    def run(self) -> HtmlResult:
        """Feed the whole source, going on past constructs the tokenizer cannot finish."""
        src = self._src
        n = len(src)
        resume = 0
        while resume < n:
            if resume:
                self.reset()
            try:
                self._base, self._at = resume, 0
                self.feed(src[resume:] if resume else src)
                while self.rawdata:  # HTMLParser may stop early and wait for more data
                    left = len(self.rawdata)
                    self._base, self._at = n - left, 0
                    self.feed("")
                    if len(self.rawdata) == left:
                        break
            except AssertionError:
                # A safety net: _markupbase raises on markup it has no state for. Browsers
                # read such markup as a bogus comment up to the next ">", so skip that far.
                gt = src.find(">", self._pos())
                resume = n if gt < 0 else gt + 1
                continue
            if not self.rawdata:
                break
            resume = self._unstall(n - len(self.rawdata))
        self._flush()
        self._end_title()
        return HtmlResult(self._blocks, self._title or "", self._header, self._header_span)

    def _unstall(self, at: int) -> int:
        """Handle the construct the tokenizer cannot finish at the end of input; where to go on."""
        src = self._src
        n = len(src)
        if self.cdata_elem is not None:
            return n  # an unclosed <script> or <style> holds the rest of the page
        if src.startswith("&", at):
            # a reference cut by the end of input ("&amp" or "&#8217" as the last characters)
            m = _REFERENCE.match(src, at)
            end = m.end() if m else at + 1
            self._reference(src[at:end], at)
            return end
        if src.startswith("<!--", at):
            return n  # an unclosed comment runs to the end of the page
        if at + 1 >= n:
            self._route("<", at, False)
            return n
        gt = src.find(">", at)
        return n if gt < 0 else gt + 1

    def reset(self) -> None:
        super().reset()
        self.interesting = _INTERESTING

    def clear_cdata_mode(self) -> None:
        super().clear_cdata_mode()
        self.interesting = _INTERESTING

    def parse_html_declaration(self, i: int) -> int:
        # HTML (outside SVG and MathML, which are skipped) reads every "<![...", CDATA sections
        # and IE's "<![if ...]>" alike, as a bogus comment up to the next ">". HTMLParser looks
        # for "]]>" instead, which is quadratic when there is none, and before Python 3.13
        # raises on "<![foo".
        if self.rawdata.startswith("<![", i):
            return self.parse_bogus_comment(i)
        return super().parse_html_declaration(i)

    def _pos(self) -> int:
        return self._base + self._at

    def updatepos(self, i: int, j: int) -> int:
        # An offset instead of ParserBase's line and column, which cost a count of newlines
        # per event (getpos() is not kept up to date).
        if i < j:
            self._at = j
        return j

    def goahead(self, end: bool) -> None:
        if _fast_loop():
            self._fast_goahead(end)
        else:
            super().goahead(end)

    def _fast_goahead(self, end: bool) -> None:
        """HTMLParser.goahead (CPython 3.11.7, `convert_charrefs=False`), with plain start and
        end tags read in place (see `_PLAIN_START`; their attributes only for `<a>`) and the
        position kept inline."""
        rawdata = self.rawdata
        i = 0
        n = len(rawdata)
        startswith = rawdata.startswith
        plain_start = _PLAIN_START.match
        plain_end = _PLAIN_END.match
        while i < n:
            match = self.interesting.search(rawdata, i)  # < or &
            if match:
                j = match.start()
            else:
                if self.cdata_elem:
                    break
                j = n
            if i < j:
                self.handle_data(rawdata[i:j])
                self._at = i = j
            if i == n:
                break
            if startswith("<", i):
                m = plain_start(rawdata, i)
                if m is not None:
                    self.lasttag = tag = m.group(1).lower()
                    attrs: list[tuple[str, str | None]] = []
                    # Attributes are read for <a> only: handle_starttag reads no other tag's
                    # (an image's alt text comes from the source, to keep its offsets).
                    if tag == "a" and m.group(2):
                        for name, eq, dq, sq, bare in _PLAIN_ATTR.findall(m.group(2)):
                            value: str | None = None
                            if eq:
                                value = dq or sq or bare
                                if "&" in value:
                                    value = unescape(value)
                            attrs.append((name.lower(), value))
                    if m.group(3):
                        self.handle_startendtag(tag, attrs)
                    else:
                        self.handle_starttag(tag, attrs)
                        if tag in self.CDATA_CONTENT_ELEMENTS:
                            self.set_cdata_mode(tag)
                    self._at = i = m.end()
                    continue
                m = plain_end(rawdata, i)
                if m is not None:
                    self.handle_endtag(m.group(1).lower())
                    if self.cdata_elem is not None:
                        self.clear_cdata_mode()
                    self._at = i = m.end()
                    continue
                if _TAG_OPEN.match(rawdata, i):  # < + letter
                    k = self.parse_starttag(i)
                elif startswith("</", i):
                    k = self.parse_endtag(i)
                elif startswith("<!--", i):
                    k = self.parse_comment(i)
                elif startswith("<?", i):
                    k = self.parse_pi(i)
                elif startswith("<!", i):
                    k = self.parse_html_declaration(i)
                elif (i + 1) < n:
                    self.handle_data("<")
                    k = i + 1
                else:
                    break
                if k < 0:
                    if not end:
                        break
                    k = rawdata.find(">", i + 1)
                    if k < 0:
                        k = rawdata.find("<", i + 1)
                        if k < 0:
                            k = i + 1
                    else:
                        k += 1
                    self.handle_data(rawdata[i:k])
                if i < k:
                    self._at = k
                i = k
            elif startswith("&#", i):
                match = _CHARREF.match(rawdata, i)
                if match:
                    name = match.group()[2:-1]
                    self.handle_charref(name)
                    k = match.end()
                    if not startswith(";", k - 1):
                        k = k - 1
                    self._at = i = k
                    continue
                else:
                    if ";" in rawdata[i:]:  # bail by consuming &#
                        self.handle_data(rawdata[i : i + 2])
                        self._at = i = i + 2
                    break
            elif startswith("&", i):
                match = _ENTITYREF.match(rawdata, i)
                if match:
                    name = match.group(1)
                    self.handle_entityref(name)
                    k = match.end()
                    if not startswith(";", k - 1):
                        k = k - 1
                    self._at = i = k
                    continue
                match = _INCOMPLETE.match(rawdata, i)
                if match:
                    # match.group() will contain at least 2 chars
                    if end and match.group() == rawdata[i:]:
                        self._at = i = i + 1
                    # incomplete
                    break
                elif (i + 1) < n:
                    # not the end of the buffer, and can't be confused
                    # with some other construct
                    self.handle_data("&")
                    self._at = i = i + 1
                else:
                    break
            else:
                raise AssertionError("interesting.search() lied")
        # end while
        if end and i < n and not self.cdata_elem:
            self.handle_data(rawdata[i:n])
            self._at = i = n
        self.rawdata = rawdata[i:]

    # -- tokenizer callbacks -----------------------------------------------------------------

    def handle_data(self, data: str) -> None:
        self._route(data, self._base + self._at, False)

    def handle_entityref(self, name: str) -> None:
        at = self._pos()
        end = at + 1 + len(name)
        if self._src.startswith(";", end):
            end += 1
        self._reference(self._src[at:end], at)

    def handle_charref(self, name: str) -> None:
        at = self._pos()
        end = at + 2 + len(name)
        if self._src.startswith(";", end):
            end += 1
        self._reference(self._src[at:end], at)

    def handle_comment(self, data: str) -> None:
        if not self._seen_content:
            at = self._pos()
            if self._src.startswith("<!--", at):
                close = at + 4 + len(data)
                m = _COMMENT_END.match(self._src, close)
                self._header = data.strip()
                self._header_span = (at, m.end() if m else close)
        self._seen_content = True

    def handle_decl(self, decl: str) -> None:
        self._seen_content = True

    def handle_pi(self, data: str) -> None:
        self._seen_content = True

    def unknown_decl(self, data: str) -> None:
        self._seen_content = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # "<br/>" must not also count as "</br>", which HTML reads as a second <br>.
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._seen_content = True
        if self._skip_at >= 0:
            outer = self._tags[self._skip_at]
            if (outer == "head" and tag not in _HEAD_CONTENT) or (
                outer == "nav" and tag in _NAV_BREAKERS
            ):
                self._pop_to(self._skip_at)
        if tag in _VOID:
            if self._skip_at < 0:
                if tag == "br":
                    self._line_break()
                elif tag == "hr":
                    self._flush()
                    self._close_p()
                elif tag == "img" and self._link_target is not None and not self._len:
                    self._alt_text()
            return
        if tag not in _TRACKED:
            return
        if self._skip_at >= 0:
            # Inside skipped content only the stack is kept, so its end tags match up.
            if tag == "title" and self._title is None and self._title_parts is None:
                self._start_title()
            self._push(tag, _PARA)
            return
        if tag in _BOUNDARY:
            if tag not in _TABLE_PARTS:
                self._cell_is_layout()
            self._flush()
            if self._heading_at >= 0 and (self._heading_has_text or tag in _HEADINGS):
                self._pop_to(self._heading_at)
            if tag in _CLOSES_P:
                self._close_p()
            implied = _IMPLIED.get(tag)
            if implied is not None:
                at = self._find(*implied)
                if at >= 0:
                    self._pop_to(at)
        parent = self._ctxs[-1] if self._ctxs else _PARA
        if tag in _HEADINGS:
            self._heading_at = len(self._tags)
            self._heading_has_text = False
            self._push(tag, _HEADING_BASE + int(tag[1]))
        elif tag in _ITEMS:
            self._push(tag, _ITEM)
        elif tag in _CELLS:
            self._push(tag, _CELL)
        elif tag in _RESETS:
            self._push(tag, _PARA)
        elif tag in _CONTAINERS:
            self._push(tag, _PARA if parent == _CELL else parent)
        elif tag == "a":
            if self._a_at >= 0:
                self._close(self._a_at)  # an <a> inside an open <a> closes it
            self._a_at = len(self._tags)
            href = next((v for k, v in attrs if k == "href"), None)
            href = href.strip() if href else ""
            self._link_target = href or None
            self._link_start = -1
            self._push(tag, parent)
        else:  # a skipped element, or a button
            if tag in _SKIPPED:
                self._skip_at = len(self._tags)
                if tag == "title" and self._title is None and self._title_parts is None:
                    self._start_title()
            self._push(tag, parent)

    def handle_endtag(self, tag: str) -> None:
        self._seen_content = True
        if tag == "br":  # HTML reads "</br>" as "<br>"
            if self._skip_at < 0:
                self._line_break()
            return
        if tag not in _TRACKED:
            return
        tags = self._tags
        # Closing the innermost element is the usual case: what _find would say, without it.
        at = len(tags) - 1 if tags and tags[-1] == tag else self._find(*_END_RULES[tag])
        if at >= 0:
            self._close(at)
        elif tag in _BOUNDARY and self._skip_at < 0:
            self._flush()  # a stray </p> still ends a paragraph

    # -- the element stack -------------------------------------------------------------------

    def _push(self, tag: str, ctx: int) -> None:
        self._tags.append(tag)
        self._ctxs.append(ctx)
        self._open[tag] = self._open.get(tag, 0) + 1

    def _close(self, index: int) -> None:
        """Close the element at `index` and those inside it, ending the block if one of them
        (outside skipped content) is a block-level element."""
        stop = self._skip_at + 1 if self._skip_at >= 0 else len(self._tags)
        if not _BOUNDARY.isdisjoint(self._tags[index:stop]):
            self._flush()
        self._pop_to(index)

    def _pop_to(self, index: int) -> None:
        """Close the element at `index` and every element opened inside it."""
        tags = self._tags
        while len(tags) > index:
            tag = tags.pop()
            self._ctxs.pop()
            self._open[tag] -= 1
            i = len(tags)
            if i == self._a_at:
                self._end_link()
                self._a_at = -1
            if i == self._title_at:
                self._end_title()
            if i == self._skip_at:
                self._skip_at = -1
            if i == self._heading_at:
                self._heading_at = -1

    def _find(self, names: frozenset[str], scope: frozenset[str]) -> int:
        """Stack index of the nearest open element named in `names`, not past `scope`; or -1."""
        for name in names:  # a loop rather than any(): no generator for one or two names
            if self._open.get(name):
                break
        else:
            return -1
        tags = self._tags
        for i in range(len(tags) - 1, max(-1, len(tags) - 1 - _SCAN_LIMIT), -1):
            tag = tags[i]
            if tag in names:
                return i
            if tag in scope:
                return -1
        return -1

    def _cell_is_layout(self) -> None:
        """The open table cell holds paragraphs or lines: it is page layout, not a data cell.

        Its text, including the block being built, is then paragraphs, not items.
        """
        ctxs = self._ctxs
        i = len(ctxs) - 1
        while i >= 0 and ctxs[i] == _CELL:
            ctxs[i] = _PARA
            if self._tags[i] in _CELLS:
                break
            i -= 1
        if self._ctx_of_block == _CELL:
            self._ctx_of_block = _PARA

    def _close_p(self) -> None:
        at = self._find(_P, _P_SCOPE)
        if at >= 0:
            self._pop_to(at)

    # -- title -------------------------------------------------------------------------------

    def _start_title(self) -> None:
        if self._open.get("svg") or self._open.get("math"):
            return  # an SVG <title> is a tooltip, not the page title
        self._title_at = len(self._tags)
        self._title_parts = []

    def _end_title(self) -> None:
        if self._title_parts is not None:
            # an empty <title/> does not hide a later, real one
            self._title = " ".join("".join(self._title_parts).split()) or None
            self._title_parts = None
        self._title_at = -1

    # -- text --------------------------------------------------------------------------------

    def _reference(self, raw: str, at: int) -> None:
        """Text for a character or entity reference `raw` found at offset `at`."""
        decoded = unescape(raw)
        if decoded == raw:  # not a known reference: the characters stand for themselves
            self._route(raw, at, False)
        else:
            self._route(decoded, at, True)

    def _route(self, text: str, base: int, const: bool) -> None:
        """Send text to the title, to nowhere (skipped content) or to the current block.

        Character i of `text` comes from offset `base` if `const`, else from `base + i`.
        """
        if not self._seen_content and text.strip(" \t\n\r\f\ufeff"):
            self._seen_content = True
        if self._title_parts is not None:
            self._title_parts.append(text)
            return
        if (
            self._skip_at >= 0
            and self._skip_at == len(self._tags) - 1
            and self._tags[self._skip_at] == "head"
            and not text.isspace()
        ):
            self._pop_to(self._skip_at)  # text cannot be in a <head>: the body has begun
        if self._skip_at < 0:
            self._text(text, base, const)

    def _text(self, s: str, base: int, const: bool) -> None:
        if self._break_at >= 0:
            head = s.lstrip()
            if not head:
                return  # whitespace after a <br> changes nothing
            if head[0].islower() and self._soft_wrap():
                self._space(self._break_at)  # a soft wrap inside a sentence
                self._break_at = -1
            else:
                self._flush()
        if s.isspace():
            # White space alone (between tags, the most frequent data) is one run, as the loop
            # below would find it: a pending space, or the end of the block at a blank line in
            # preformatted text.
            if (s.count("\n") > 1 or ("\r" in s and s.count("\r") > 1)) and self._in_preformatted():
                self._flush()
            else:
                self._space(base)
            return
        pos = 0
        for m in _ODD_SPACE.finditer(s):
            start = m.start()
            if start > pos:
                self._run(s, pos, start, base, const)
            gap = m.group()
            # Whether a <pre> is open is asked only of a blank line: most runs are one newline.
            if (gap.count("\n") > 1 or ("\r" in gap and gap.count("\r") > 1)) and (
                self._in_preformatted()
            ):
                self._flush()
            else:
                self._space(base if const else base + start)
            pos = m.end()
        if pos < len(s):
            self._run(s, pos, len(s), base, const)

    def _in_preformatted(self) -> bool:
        # The names of _PREFORMATTED looked up one by one: any() over a generator costs more.
        open_ = self._open.get
        return bool(
            open_("pre")
            or open_("textarea")
            or open_("listing")
            or open_("xmp")
            or open_("plaintext")
        )

    def _run(self, s: str, a: int, b: int, base: int, const: bool) -> None:
        """Add s[a:b], whose only whitespace is single plain spaces."""
        if s[a] == " ":
            self._space(base if const else base + a)
            a += 1
            if a == b:
                return
        trailing = s[b - 1] == " "
        if trailing:
            b -= 1
        if self._len:
            if self._space_at >= 0:
                self._parts.append(" ")
                self._offs.append(self._space_at)
                self._len += 1
        else:
            self._ctx_of_block = self._ctxs[-1] if self._ctxs else _PARA
        self._space_at = -1
        if self._link_target is not None and self._link_start < 0:
            self._link_start = self._len
        self._parts.append(s[a:b])
        if const:
            self._offs.extend([base] * (b - a))
        else:
            self._offs += offset_run(base + a, base + b)
        self._len += b - a
        if trailing:
            self._space(base if const else base + b)

    def _soft_wrap(self) -> bool:
        """Whether the line before a <br> reads on into the next: no full stop, link or address."""
        if (self._links and self._links[-1].end == self._len) or self._link_start >= 0:
            return False
        last = self._parts[-1]
        if last[-1] in _HARD_END:
            return False
        word = last[last.rfind(" ") + 1 :]
        return "@" not in word and "/" not in word

    def _space(self, at: int) -> None:
        if self._space_at < 0:
            self._space_at = at

    def _line_break(self) -> None:
        ctx = self._ctxs[-1] if self._ctxs else _PARA
        if ctx == _CELL:
            self._cell_is_layout()
        if ctx > _HEADING_BASE:
            self._space(self._pos())
        elif self._break_at >= 0:
            self._flush()  # two <br> in a row always end the block
        elif self._len:
            self._break_at = self._pos()

    def _alt_text(self) -> None:
        """The alt text of an image link that opens a block, as link text mapped to the
        attribute value."""
        at = self._pos()
        tag_end = self._src.find(">", at)
        m = _ALT.search(self._src, at, len(self._src) if tag_end < 0 else tag_end)
        group = next((g for g in ("q2", "q1", "bare") if m is not None and m.group(g)), None)
        if m is None or group is None or not m.group(group).strip():
            return
        start, end = m.span(group)
        pos = start
        # Character references in the value map to their "&", as in text (see _reference).
        for ref in re.finditer(r"&#?[a-zA-Z0-9]+;?", self._src[start:end]):
            if ref.start() + start > pos:
                self._route(self._src[pos : start + ref.start()], pos, False)
            self._reference(ref.group(), start + ref.start())
            pos = start + ref.end()
        if pos < end:
            self._route(self._src[pos:end], pos, False)

    def _end_link(self) -> None:
        if self._link_target is not None and self._link_start >= 0:
            self._links.append(Link(self._link_start, self._len, self._link_target))
        self._link_target = None
        self._link_start = -1

    def _flush(self) -> None:
        """End the current block, keeping it if it has text."""
        self._break_at = -1
        self._space_at = -1
        if not self._len:
            return
        if self._link_target is not None and self._link_start >= 0:
            # the link goes on in the next block, as a span of its own
            self._links.append(Link(self._link_start, self._len, self._link_target))
            self._link_start = -1
        ctx = self._ctx_of_block
        if ctx > _HEADING_BASE:
            kind, level = BlockKind.HEADING, ctx - _HEADING_BASE
            if self._heading_at >= 0:
                self._heading_has_text = True
        else:
            kind, level = (BlockKind.PARAGRAPH if ctx == _PARA else BlockKind.ITEM), 0
        self._blocks.append(Block(kind, "".join(self._parts), self._offs, level, self._links))
        self._parts = []
        self._offs = []
        self._links = []
        self._len = 0
