"""Bodies a text names: text → ``BodyMention`` records (organization slug, span, provision).

Every name of every organization in ``seeds/reference/organizations.yaml`` (Chinese label and
aliases, acronym, and the aliases that hold in texts of this family: 理事会 is ECOSOC in a UN
text, the ITU Council in an ITU text) is looked for in the matching view, longest name first
at each position, so 国际电联电信发展部门 is one mention of ITU-D, not one of ITU. Offices and
collectives (秘书长, 成员国, 私营部门) are addressees of mandates, not bodies, and are left out.
An acronym counts only as a whole word (WTDC in WTDC-25 is the conference's name, not a
mention of the organ; CSTD in CSTD's is).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from pipeline.extract.structure import ProvisionIndex
from pipeline.extract.view import fold, span
from pipeline.model import BodyMention, Provision
from pipeline.sources.documents import SourceText
from pipeline.sources.reference import Organization, Reference

#: Organization kinds that are not bodies a text "mentions" (they are mandate addressees).
NOT_BODIES = frozenset({"office", "collective"})


@cache
def _pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """One alternation of every name, longest first (compiled once per set of names)."""
    return re.compile("|".join(re.escape(n) for n in names))


def _names(ref: Reference, family: str) -> tuple[tuple[str, Organization], ...]:
    return tuple((fold(n), o) for n, o in ref.org_names(family) if o.kind not in NOT_BODIES)


def _word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "-&")


def extract_bodies(
    source: SourceText, view: str, ref: Reference, family: str,
    container_at: Callable[[int], str], provisions: tuple[Provision, ...],
) -> list[BodyMention]:
    """Every mention of a known body in a text, in text order (one per non-overlapping name)."""
    names = _names(ref, family)
    by_name = dict(names)
    pattern = _pattern(tuple(n for n, _ in names))
    index = ProvisionIndex(provisions)
    out: list[BodyMention] = []
    for m in pattern.finditer(view):
        name, start, end = m.group(), m.start(), m.end()
        if (name[0].isascii() and start > 0 and _word(view[start - 1])) or (name[-1].isascii() and end < len(view) and _word(view[end])):
            continue
        out.append(BodyMention(container=container_at(start), org=by_name[name].slug, span=span(source, start, end),
                               provision=index.holding(start)))
    return out
