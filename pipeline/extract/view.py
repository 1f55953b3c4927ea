"""A matching view of a text: same length, so every offset found in it is an offset in the text.

Two things get in the way of simple patterns: full-width digits and punctuation (第７１号,
（２０１８年，迪拜）) and Markdown left over from conversion (``**重申**``, ``[第611号决定（理事会](#)``).
The view folds full-width ASCII characters one by one (NFKC would turn ① into 1 and change
lengths, so only U+FF01–U+FF5E and the ideographic space are folded) and blanks markup with
spaces. The evidence kept in the graph is always cut from the original text, never the view.
"""

from __future__ import annotations

import re

from pipeline.model import Span
from pipeline.sources.documents import SourceText

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
_MARKUP = re.compile(r"\]\(#\)|\[(?=[^\]\n]*\]\(#\))|\*\*|<sup>&</sup>lt;sup>|</?sup>|\$\^|\\\*|\\_")
SENTENCE_END = "。；;\n"


def fold(text: str) -> str:
    """Full-width ASCII to ASCII, one character for one (lengths unchanged)."""
    return text.translate(_FULLWIDTH)


def matching_view(text: str) -> str:
    """Folded text with Markdown markup replaced by spaces of the same length."""
    return _MARKUP.sub(lambda m: " " * len(m.group()), fold(text))


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
