"""A matching view of a text: same length, so every offset found in it is an offset in the text.

Two things get in the way of simple patterns: full-width digits and punctuation (第７１号,
（２０１８年，迪拜）) and Markdown left over from conversion (``**重申**``, ``[第611号决定（理事会](#)``).
The view folds full-width ASCII characters one by one (NFKC would turn ① into 1 and change
lengths, so only U+FF01–U+FF5E and the ideographic space are folded) and blanks markup with
spaces. The evidence kept in the graph is always cut from the original text, never the view.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from pipeline.model import Span
from pipeline.sources.documents import SourceText

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
#: Markup blanked in one pass. The ``[`` of a link ``[text](#)`` is not here: a look-ahead from
#: every bracket to the end of its line made a line of 60,000 brackets take 10 s (issue 12).
_MARKUP = re.compile(r"\]\(#\)|\*\*|<sup>&</sup>lt;sup>|</?sup>|\$\^|\\\*|\\_")
#: A run of text up to the next ``]`` or line end, and the ``](#)`` closing it if there is one:
#: the brackets of a run so closed open a link. Each run is read once, so this is linear.
_LINK_RUN = re.compile(r"[^\]\n]*+(?:\]\(#\))?")
_SENTENCE_ENDS = re.compile(r"[。；;\n]")
SENTENCE_END = "。；;\n"


def fold(text: str) -> str:
    """Full-width ASCII to ASCII, one character for one (lengths unchanged)."""
    return text.translate(_FULLWIDTH)


def matching_view(text: str) -> str:
    """Folded text with Markdown markup replaced by spaces of the same length.

    Linear in the text: each pattern is one left-to-right pass, and a link's ``[`` is found
    from the run of text it stands in, never by looking ahead from every bracket.
    """
    folded = fold(text)
    if "](#)" in folded:
        folded = _LINK_RUN.sub(_blank_link_brackets, folded)
    return _MARKUP.sub(lambda m: " " * len(m.group()), folded)


def _blank_link_brackets(m: re.Match[str]) -> str:
    """The brackets of a run closed by ``](#)`` open a link: they become spaces (``]`` and the
    rest of the closing are blanked by ``_MARKUP``, which has no ``[`` in any pattern)."""
    return m.group().replace("[", " ") if m.group().endswith("](#)") else m.group()


def span(source: SourceText, start: int, end: int) -> Span:
    """A span of ``source`` with surrounding white space trimmed off."""
    text = source.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start=start, end=end, line=source.line_of(start), exact=text[start:end])


def sentence_bounds(view: str, start: int, end: int) -> tuple[int, int]:
    """The sentence or list clause around ``[start, end)``: from the last 。；or line break to the next."""
    left = max(view.rfind(ch, 0, start) for ch in SENTENCE_END) + 1
    rights = [i for i in (view.find(ch, end) for ch in SENTENCE_END) if i != -1]
    right = min(rights) + 1 if rights else len(view)
    return left, right


class Sentences:
    """``sentence_bounds`` for many offsets of one view: one scan for the sentence ends, then a
    bisection per look-up (a scan back and forth per mention made long sentences quadratic)."""

    def __init__(self, view: str) -> None:
        self.length = len(view)
        self.ends = [m.start() for m in _SENTENCE_ENDS.finditer(view)]

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """The same ``(left, right)`` as ``sentence_bounds(view, start, end)``."""
        i = bisect_left(self.ends, start)
        left = self.ends[i - 1] + 1 if i else 0
        j = bisect_left(self.ends, end)
        right = self.ends[j] + 1 if j < len(self.ends) else self.length
        return left, right
