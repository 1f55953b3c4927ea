"""Mentions of WSIS action lines (C1–C11, C7 sub-lines) and of numbered SDGs.

A bare "C5" is only an action line in a sentence that speaks of WSIS (the words are in
``extraction.yaml``), which keeps Council session codes such as C24 and other codes out.
A C7 sub-line counts when its name stands in the brackets right after C7
(C7行动方面（电子环境保护）). Only numbered SDGs are mentions (可持续发展目标9, SDG 3);
"all 17 goals" names no goal in particular.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pipeline.extract.structure import ProvisionIndex
from pipeline.extract.view import Sentences, span
from pipeline.model import ConceptMention, ConceptScheme, Provision, Span
from pipeline.sources.documents import SourceText
from pipeline.sources.reference import Reference

_CODE = re.compile(r"(?<![A-Za-z0-9])C(1[01]|[1-9])(?![0-9/])")
_AFTER_C7 = re.compile(r"\s*(?:行动方面)?\s*\((?P<inner>[^()]{1,20})\)")
_SDG = re.compile(r"(?:可持续发展目标\s*(?:\(SDG\)\s*)?|SDG\s*)(?P<goal>1[0-7]|[1-9])(?![0-9])")


def extract_mentions(
    source: SourceText,
    view: str,
    ref: Reference,
    container_at: Callable[[int], str],
    provisions: tuple[Provision, ...],
) -> list[ConceptMention]:
    """Every action-line, sub-line and SDG mention of a text, in text order.

    Linear in the text: sentences and provisions are looked up by bisection, and whether a
    sentence speaks of WSIS is decided once per sentence, not once per code in it.
    """
    context = ref.vocabulary.action_line_context
    out: list[ConceptMention] = []
    sentences = Sentences(view)
    holding = ProvisionIndex(provisions).holding
    speaks_of_wsis: dict[int, bool] = {}
    sentence_spans: dict[int, Span] = {}  # one Span per sentence: its text is not copied per mention

    def add(scheme: ConceptScheme, code: str, start: int, end: int) -> None:
        left, right = sentences.bounds(start, end)
        if left not in sentence_spans:
            sentence_spans[left] = span(source, left, right)
        out.append(
            ConceptMention(
                container=container_at(start),
                scheme=scheme,
                code=code,
                span=span(source, start, end),
                sentence=sentence_spans[left],
                provision=holding(start),
            )
        )

    for m in _CODE.finditer(view):
        left, right = sentences.bounds(m.start(), m.end())
        if left not in speaks_of_wsis:
            speaks_of_wsis[left] = any(word in view[left:right] for word in context)
        if not speaks_of_wsis[left]:
            continue
        add("action-line", m.group(), m.start(), m.end())
        if m.group() == "C7":
            bracket = _AFTER_C7.match(view, m.end())
            if bracket:
                inner = bracket.group("inner")
                for name, sub in ref.sub_line_names:
                    at = inner.find(name)
                    if at != -1:
                        start = bracket.start("inner") + at
                        add("sub-line", sub.slug, start, start + len(name))
                        break
    for m in _SDG.finditer(view):
        add("sdg", m.group("goal"), m.start(), m.end())
    return sorted(out, key=lambda x: (x.span.start, x.scheme, x.code))
