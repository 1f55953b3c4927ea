"""ITU's role in each WSIS action line, as a text states it, with the phrase as evidence.

The seeds state roles in three word orders, all read here:

* codes, then role: 国际电联为落实WSIS C2和C5行动方面的协调方/推进方和C1、…和C11行动方面
  以及C8和C9行动方面的伙伴 — each run of codes takes the next role phrase after it;
* role, then codes: 国际电联作为唯一推进方的WSIS C2、C4、C5和C6行动方面 (also 行动方面（C2、…）
  and 行动方面C5的主要推进方);
* a bracket after the code: C11行动方面（国际电联现已被确定为该行动方面的共同推进方）.

Role phrases and the role each states are data (``role_terms`` in extraction.yaml). Only
sentences that name ITU (国际电联) as the one holding the role are read.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from pipeline.extract.view import Sentences, span
from pipeline.model import RoleStatement
from pipeline.sources.documents import SourceText
from pipeline.sources.reference import Reference

_CODES = re.compile(r"C(?:1[01]|[1-9])(?:\s*(?:、|和|及|以及|,)\s*C(?:1[01]|[1-9]))*(?![0-9/])")
_CODE = re.compile(r"C(1[01]|[1-9])(?![0-9])")
_AGENT = "国际电联"
_AGENT_SLUG = "itu"
_BRACKET_REACH = 40
#: How far a role phrase may stand from its codes (the seeds' longest gap, 行动方面以及C8和C9行动方面的,
#: is 15 characters); farther, the phrase is not read as theirs. Also keeps each statement's span
#: short, so a sentence of thousands of codes cannot make spans of quadratic total size.
_ROLE_REACH = 200


_ROLE_AFTER = re.compile(r"\s*(?:行动方面)?(?:\s*以及\s*C[C0-9、和\s]*行动方面)*\s*的\s*")
_ROLE_BEFORE = re.compile(r"的\s*(?:WSIS|信息社会世界峰会\s*\(WSIS\))?\s*(?:行动方面)?\s*\(?\s*")
_BRACKET = re.compile(r"\s*(?:行动方面)?\s*\(([^()]*)\)")


def extract_roles(source: SourceText, view: str, ref: Reference) -> list[RoleStatement]:
    """Role statements of a text, one per (action line, role, phrase).

    Linear in the text: role phrases are found in one pass, sentences and the phrases nearest
    a run of codes by bisection, and whether ITU is named once per sentence.
    """
    terms = sorted(ref.vocabulary.role_terms, key=lambda t: (-len(t.text), t.text))
    term_re = re.compile("|".join(re.escape(t.text) for t in terms))
    role_of = {t.text: t.role for t in terms}
    found: dict[tuple[str, int, int], RoleStatement] = {}
    sentences = Sentences(view)
    phrases = list(term_re.finditer(view))
    starts = [p.start() for p in phrases]
    ends = [p.end() for p in phrases]
    names_agent: dict[int, bool] = {}

    def add(codes: str, term: str, start: int, end: int) -> None:
        for code in _CODE.finditer(codes):
            key = (code.group(), start, end)
            found.setdefault(
                key,
                RoleStatement(agent=_AGENT_SLUG, code=code.group(), role=role_of[term], span=span(source, start, end)),
            )

    for run in _CODES.finditer(view):
        left, right = sentences.bounds(run.start(), run.end())
        bracket = _BRACKET.match(view, run.end(), min(right, run.end() + _BRACKET_REACH))
        if bracket and _AGENT in bracket.group(1) and (term := term_re.search(bracket.group(1))):
            add(run.group(), term.group(), run.start(), bracket.end())
            continue
        if left not in names_agent:
            names_agent[left] = _AGENT in view[left:right]
        if not names_agent[left]:
            continue
        k = bisect_left(starts, run.end())  # the first phrase after the run, in its sentence
        after = phrases[k] if k < len(phrases) and ends[k] <= right and starts[k] - run.end() <= _ROLE_REACH else None
        if after and _ROLE_AFTER.fullmatch(view, run.end(), after.start()):
            add(run.group(), after.group(), run.start(), after.end())
            continue
        k = bisect_right(ends, run.start()) - 1  # the last phrase before the run, in its sentence
        before = phrases[k] if k >= 0 and starts[k] >= left and run.start() - ends[k] <= _ROLE_REACH else None
        if before and _ROLE_BEFORE.fullmatch(view, before.end(), run.start()):
            add(run.group(), before.group(), before.start(), run.end())
    return sorted(found.values(), key=lambda r: (r.span.start, r.code, r.role))
