"""The head of a clause: its verb (a concept of id/clause-verb) and the addressees that follow it.

Takes a provision's text (or its heading) and the clause-verb vocabulary of
``seeds/reference/clause-verbs.yaml``; gives the verb concept, whether it is a "further" form
(又回顾, 进一步责成, 再次请) and, after an operative verb, the addressees as organization slugs.

Chinese clause verbs do not map one to one onto English ones: 请 is "invites" before ITU
Member States but "requests" before the Secretary-General, and 重申 is "reaffirming" in a
preamble but "reaffirms" in an operative paragraph. Both rules are data (``renderings`` and
each concept's ``kind``), read here. Matching runs on a *compact* copy of the matching view
(white space and markup dropped, full-width folded) that keeps each character's offset in
the original, because UN texts break words with stray spaces (利益攸 关方) and page footers.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from pipeline.extract.view import fold
from pipeline.model import Citation, Provision
from pipeline.sources.documents import SourceText
from pipeline.sources.reference import ClauseVerb, Organization, Reference

_MODIFIER_MAX = 30  # characters of a modifier before an addressee (协助实施…行动方针的联合国系统实体)
_YEAR = re.compile(r"\d{4}年")
_CLAUSE_STOP = ",;:。《"  # a modifier of an addressee stops at a clause end or a title (《2015年后的WSIS愿景》)
_PAREN_MAX = 12
#: After a name: 大会第70/125号决议, 大会ES-11/26号决议, 秘书长的报告, 大会关于…的决议 make it an owner, not an addressee.
_NOT_ADDRESSEE_AFTER = re.compile(r"(?:的|第|有关|关于|ES-\d|\d)")


@dataclass(frozen=True)
class Compact:
    """A region of the matching view without white space, with each character's original offset."""

    text: str
    offsets: tuple[int, ...]

    @classmethod
    def of(cls, view: str, start: int, end: int, skip: list[tuple[int, int]] = ()) -> Compact:  # type: ignore[assignment]
        """Characters of ``view[start:end]`` that are not white space and not inside a ``skip`` range.

        ``skip`` is sorted and its ranges do not overlap; the ranges before ``start`` are skipped by
        bisection (walking them for every provision made texts with many footnotes quadratic).
        """
        chars, offsets = [], []
        skips = skip  # sorted, not overlapping: start at the first that can reach the region
        k = max(bisect_left(skips, (start, start)) - 1, 0)
        for i in range(start, end):
            while k < len(skips) and skips[k][1] <= i:
                k += 1
            if k < len(skips) and skips[k][0] <= i < skips[k][1]:
                continue
            ch = view[i]
            if not ch.isspace():
                chars.append(ch)
                offsets.append(i)
        return cls("".join(chars), tuple(offsets))

    def start_of(self, i: int) -> int:
        """Original offset of compact position ``i``."""
        return self.offsets[i]

    def end_of(self, i: int) -> int:
        """Original offset just after compact position ``i - 1`` (exclusive end of ``[.., i)``)."""
        return self.offsets[i - 1] + 1


@dataclass(frozen=True)
class VerbMatch:
    """A clause verb read at a position of a compact text."""

    form: str  # as matched (还促请)
    base: str  # without its further prefix (促请)
    further: bool
    start: int
    end: int
    candidates: tuple[ClauseVerb, ...]


@dataclass(frozen=True)
class Addressee:
    """An addressee named after a verb: organization and compact positions of its name."""

    org: Organization
    start: int
    end: int


def _unique(concepts: Iterable[ClauseVerb]) -> tuple[ClauseVerb, ...]:
    out: dict[str, ClauseVerb] = {}
    for c in concepts:
        out.setdefault(c.slug, c)
    return tuple(out.values())


def _ascii_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "-&")


class ClauseReader:
    """Reads verbs and addressees with the vocabulary of one ``Reference``."""

    def __init__(self, ref: Reference) -> None:
        self.ref = ref
        cv = ref.clause_verbs
        forms: dict[str, list[tuple[ClauseVerb, bool]]] = {}
        for v in cv.clause_verbs:
            for f in v.forms_zh:
                forms.setdefault(fold(f), []).append((v, False))
            for f in v.further_forms_zh:
                forms.setdefault(fold(f), []).append((v, True))
        self.renderings = [r.model_copy(update={"form": fold(r.form)}) for r in cv.renderings]
        for r in self.renderings:
            forms.setdefault(r.form, []).append((ref.clause_verb_by_slug[r.verb], False))
        self.forms = forms
        self.sorted_forms = sorted(forms, key=lambda f: (-len(f), f))
        self.prefixes = sorted((fold(p) for p in cv.further_prefixes), key=lambda p: (-len(p), p))
        self.openers = sorted((fold(o) for o in cv.clause_openers), key=lambda o: (-len(o), o))
        self.separators = sorted((fold(s) for s in [*cv.addressee_inclusions, *cv.addressee_separators]), key=lambda s: (-len(s), s))

    # ---------------------------------------------------------------- verbs
    def skip_openers(self, text: str, pos: int) -> int:
        """Past words such as 并, 在这方面, 我们 that may precede a clause's verb."""
        moved = True
        while moved:
            moved = False
            for o in self.openers:
                if text.startswith(o, pos):
                    pos += len(o)
                    pos += text.startswith(",", pos)
                    moved = True
                    break
        return pos

    def verb_at(self, text: str, pos: int) -> VerbMatch | None:
        """The longest clause verb starting at ``pos`` (a listed form, or a further prefix + a form)."""
        for f in self.sorted_forms:
            if text.startswith(f, pos):
                listed = self.forms[f]
                further = any(fu for _, fu in listed)
                base = self._base(f) if further else f
                return VerbMatch(f, base, further, pos, pos + len(f), _unique(c for c, _ in listed))
        for p in self.prefixes:
            if text.startswith(p, pos):
                inner = next((f for f in self.sorted_forms if text.startswith(f, pos + len(p))), None)
                if inner is not None:
                    cands = _unique(c for c, _ in self.forms[inner])
                    return VerbMatch(p + inner, self._base(inner), True, pos, pos + len(p) + len(inner), cands)
        return None

    def _base(self, form: str) -> str:
        for p in self.prefixes:
            if form.startswith(p) and form[len(p):] in self.forms:
                return self._base(form[len(p):])
        return form

    def concept(self, m: VerbMatch, kind: str, family: str, addressee: Organization | None = None) -> ClauseVerb | None:
        """The concept a verb stands for in a provision of ``kind`` in a ``family`` text.

        Family- and addressee-dependent renderings come first (data: clause-verbs.yaml,
        renderings); otherwise the concept whose kind matches the provision's (重申 =
        reaffirming in a preamble, reaffirms in an operative paragraph), else the only one.
        """
        for r in self.renderings:
            if r.form == m.base and r.family == family and (not r.addressee_kinds or (addressee and addressee.kind in r.addressee_kinds)):
                return self.ref.clause_verb_by_slug[r.verb]
        base = [c for c, _ in self.forms.get(m.base, [])] or list(m.candidates)
        want = "preambular" if kind == "preamble" else "operative"
        same = [c for c in base if c.kind == want]
        pick = same or base
        return pick[0] if pick else None

    def is_mandate_verb(self, m: VerbMatch) -> bool:
        return any(c.mandate for c in m.candidates) or any(r.form == m.base for r in self.renderings)

    # ---------------------------------------------------------------- addressees
    @cached_property
    def _names(self) -> dict[str, list[tuple[str, Organization]]]:
        return {f: [(fold(n), o) for n, o in self.ref.org_names(f)] for f in ("un", "itu")}

    def name_at(self, text: str, pos: int, family: str) -> Addressee | None:
        """The longest organization name starting exactly at ``pos``."""
        if pos > 0 and _ascii_word(text[pos - 1]) and _ascii_word(text[pos:pos + 1]):
            return None
        for name, org in self._names[family]:
            if text.startswith(name, pos):
                end = pos + len(name)
                if name[-1].isascii() and end < len(text) and _ascii_word(text[end]):
                    continue
                return Addressee(org, pos, end)
        return None

    def addressee_after_verb(self, text: str, pos: int, family: str) -> Addressee | None:
        """The first addressee after a verb: right at ``pos``, or after a modifier (…的, 2025年).

        A name followed by 的, 第, 有关, 关于 or a resolution number is not an addressee but the
        owner of what follows (请大会第70/125号决议…, 大会ES-11/26号决议, 秘书长的报告…, 大会有关…的
        决议: a citation or a possessive after the verb); a modifier never spans a title
        (鼓励《2015年后的WSIS愿景》 names no addressee).
        """
        def usable(hit: Addressee | None) -> Addressee | None:
            return hit if hit and not _NOT_ADDRESSEE_AFTER.match(text, hit.end) else None

        hit = usable(self.name_at(text, pos, family))
        if hit:
            return hit
        year = _YEAR.match(text, pos)
        if year and (hit := usable(self.name_at(text, year.end(), family))):
            return hit
        limit = min(len(text), pos + _MODIFIER_MAX)
        for i in range(pos, limit):
            if text[i] in _CLAUSE_STOP:
                return None
            if text[i] == "的" and (hit := usable(self.name_at(text, i + 1, family))):
                return hit
        return None

    def addressees(self, text: str, pos: int, family: str) -> tuple[list[Addressee], int]:
        """Every addressee of a list starting at ``pos`` (成员国、部门成员和学术成员; A，包括B) and
        the position after the list; an empty list when no known addressee starts there."""
        first = self.addressee_after_verb(text, pos, family)
        if first is None:
            return [], pos
        out = [first]
        pos = first.end
        while True:
            if text.startswith("(", pos):
                close = text.find(")", pos, pos + _PAREN_MAX)
                if close != -1:
                    pos = close + 1
            nxt = None
            for sep in self.separators:
                if text.startswith(sep, pos) and (nxt := self.name_at(text, pos + len(sep), family)):
                    break
            if nxt is None:
                return out, pos
            out.append(nxt)
            pos = nxt.end


# ------------------------------------------------------------------ provisions and citations
def provision_compact(p: Provision, view: str, skip: list[tuple[int, int]]) -> tuple[Compact, int]:
    """Compact text of a provision and the position after its marker (- 1. / 1 / i) / 2.5)."""
    c = Compact.of(view, p.span.start, p.span.end, skip)
    pos = 1 if c.text.startswith("-") else 0
    if p.marker and c.text.startswith(p.marker, pos):
        pos += len(p.marker)
        if c.text.startswith((".", ")"), pos) and not p.marker.endswith(")"):
            pos += 1
    return c, pos


def _heading_style(p: Provision, family: str) -> bool:
    """ITU texts put the verb on a heading line above the items; UN texts open each paragraph with it."""
    return family == "itu" and p.verb is not None


def head_of(reader: ClauseReader, p: Provision, view: str, family: str, skip: list[tuple[int, int]]) -> tuple[str, int] | None:
    """The compact text whose start is the provision's clause head, and that start."""
    if _heading_style(p, family):
        return fold("".join((p.verb or "").split())), 0
    c, pos = provision_compact(p, view, skip)
    return c.text, reader.skip_openers(c.text, pos)


def with_verb_concepts(
    provisions: tuple[Provision, ...], source: SourceText, view: str, ref: Reference, family: str
) -> tuple[Provision, ...]:
    """The provisions with ``verb_concept`` and ``further`` set where a clause verb opens them.

    The verb is read from the heading in ITU texts (责成电信发展局局长 → instructs) and from
    the paragraph's first words in UN texts, declarations and reports (**又回顾** → recalling,
    further; 在这方面**强调** → emphasizes). 请 is rendered through its first addressee.
    """
    reader = ClauseReader(ref)
    skip = sorted((p.span.start, p.span.end) for p in provisions if p.kind == "footnote")
    out = []
    for p in provisions:
        if p.kind == "footnote":
            out.append(p)
            continue
        head = head_of(reader, p, view, family, skip)
        m = reader.verb_at(head[0], head[1]) if head else None
        concept = None
        if head and m:
            first = reader.addressee_after_verb(head[0], m.end, family)
            concept = reader.concept(m, p.kind, family, first.org if first else None)
        out.append(p.model_copy(update={"verb_concept": concept.slug if concept else None, "further": bool(m and m.further and concept)}))
    return tuple(out)


def citation_verb_concepts(
    citations: list[Citation], provisions: tuple[Provision, ...], ref: Reference, family: str
) -> list[Citation]:
    """Citations with the verb concept of the provision that makes them (a footnote's: its caller's)."""
    out = []
    callers: dict[tuple[str, str], Provision] = {}  # (container, marker) → first calling provision
    for q in provisions:
        if q.kind != "footnote":
            for marker in q.footnote_refs:
                callers.setdefault((q.container, marker), q)
    for c in citations:
        concept = None
        if c.provision is not None:
            p = provisions[c.provision]
            if p.kind == "footnote":
                p = callers.get((p.container, p.marker or ""), p)
            concept = p.verb_concept
        out.append(c.model_copy(update={"verb_concept": concept}) if concept else c)
    return out
