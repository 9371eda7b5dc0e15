"""`parse_html` as it was: the live `_BlockBuilder` with its previous `_text` and `_close`."""

from __future__ import annotations

from auditor.document.html import _BOUNDARY, _ODD_SPACE, _PREFORMATTED, HtmlResult, _BlockBuilder


class _OldBlockBuilder(_BlockBuilder):
    def _close(self, index: int) -> None:
        stop = self._skip_at + 1 if self._skip_at >= 0 else len(self._tags)
        if any(tag in _BOUNDARY for tag in self._tags[index:stop]):
            self._flush()
        self._pop_to(index)

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
        pos = 0
        for m in _ODD_SPACE.finditer(s):
            start = m.start()
            if start > pos:
                self._run(s, pos, start, base, const)
            gap = m.group()
            if (gap.count("\n") > 1 or gap.count("\r") > 1) and any(
                self._open.get(tag) for tag in _PREFORMATTED
            ):
                self._flush()
            else:
                self._space(base if const else base + start)
            pos = m.end()
        if pos < len(s):
            self._run(s, pos, len(s), base, const)


def parse_html(source: str) -> HtmlResult:
    """Parse decoded HTML into blocks of visible text, as before."""
    return _OldBlockBuilder(source).run()
