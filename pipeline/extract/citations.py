"""Citations in every notation the seeds use, normalized to the IRIs of IDENTIFIERS.md.

Notations handled (on the matching view, so full-width digits are already folded):

* UN resolutions, alone or in footnote lists: 第70/125号决议, 第 78/132 号决议, ES-10/23,
  第 217 A(III)号决议, 第 56/183、57/238、…和 77/150 号决议. A four-digit session is a year,
  so 2006/46 is an ECOSOC resolution; anything else is the General Assembly's.
* ITU resolutions and Council decisions: 第71号决议（2018年，迪拜，修订版） resolves through the
  (year, city) pair to PP-18; without brackets the organ comes from the nearest organ name
  before it in the sentence (全权代表大会, WTDC, ITU-R, 理事会, 本届大会 = the conference adopting
  the citing text) and the citation points at the work; 第611号决定（理事会2020年会议，修订版）
  and 第637号决定（C24） name Council sessions.
* WTPF opinions: 意见2（2013年，日内瓦）.
* Document symbols: UN (A/79/62-E/2024/3, E/CN.16/2018/CRP.3) and ITU (C24/30(Rev.1),
  TDAG-25/18(Rev.1), CL-24/61).

Anything that carries a citation marker (号决议, 号决定, …) but is not normalized becomes a
``BuildWarning`` with file and line, never a silent drop.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.extract.structure import provision_at
from pipeline.extract.view import sentence_bounds, span
from pipeline.identifiers import Identifiers, clean_symbol
from pipeline.model import BuildWarning, Citation, Instrument, InstrumentKind, Provision
from pipeline.sources.documents import SourceText
from pipeline.sources.reference import Conference, Reference

_UN_NUMBER = r"(?:ES-\d+/\d+|\d{1,4}/\d+|\d{1,3}\s*[A-Z]\s*\([IVXLC]+\))"
_UN_LIST = re.compile(rf"(?P<list>{_UN_NUMBER}(?:\s*(?:、|,|和|及)\s*{_UN_NUMBER})*)\s*号决议")
_UN_ITEM = re.compile(_UN_NUMBER)
_ROMAN_SESSION = re.compile(r"^(\d+)\s*[A-Z]\s*(\([IVXLC]+\))$")
_ITU = re.compile(r"第\s*(?P<n>\d+)(?:-\d+)?\s*号(?P<type>决议|决定)(?:\s*\((?P<paren>[^()]{1,60})\))?")
_OPINION = re.compile(r"意见\s*(?P<n>\d+)\s*\((?P<year>\d{4})年,(?P<city>[^(),]+?)\)")
_UN_SYMBOL = re.compile(r"(?<![A-Za-z0-9/.\-])(?P<s>[AE](?:/[A-Za-z0-9.]+)+)(?:-(?P<alt>[AE](?:/[A-Za-z0-9.]+)+))?")
_ITU_SYMBOL = re.compile(r"(?<![A-Za-z0-9])(?P<s>(?:C\d{2}|TDAG-\d{2}|CL[- ]\d{2})/\d+(?:\(Rev\.\d+\))?)")
_YEAR_CITY = re.compile(r"^(?P<year>\d{4})年,(?P<city>[^,]+?)(?:,修订版)?$")
_SESSION_CODE = re.compile(r"^(?P<code>C\d{2})$")
_FIRST_ECOSOC_YEAR = 1946
_MARKER_REACH = 3


@dataclass(frozen=True)
class CitationContext:
    """What a citation needs to know about the text it stands in."""

    source: SourceText
    view: str
    ref: Reference
    ids: Identifiers
    document_iri: str
    family: str
    adopting: Conference | None
    citing_at: Callable[[int], str]
    provisions: tuple[Provision, ...]


class _Found:
    """Citations and warnings collected while scanning."""

    def __init__(self, ctx: CitationContext) -> None:
        self.ctx = ctx
        self.citations: list[Citation] = []
        self.warnings: list[BuildWarning] = []
        self.claimed: list[tuple[int, int]] = []

    def warn(self, offset: int, message: str) -> None:
        ctx = self.ctx
        self.warnings.append(BuildWarning(file=ctx.source.entry.file, line=ctx.source.line_of(offset), message=message))

    def claim(self, start: int, end: int) -> None:
        self.claimed.append((start, end))

    def add(self, start: int, end: int, cited: Instrument) -> None:
        self.claim(start, end)
        ctx = self.ctx
        citing = ctx.citing_at(start)
        if cited.iri in (citing, ctx.document_iri):
            return
        index, verb = _provision_at(ctx.provisions, start)
        self.citations.append(
            Citation(citing=citing, cited=cited, span=span(ctx.source, start, end), verb=verb, provision=index)
        )


def _provision_at(provisions: tuple[Provision, ...], offset: int) -> tuple[int | None, str | None]:
    """Index and clause verb of the provision holding ``offset``; footnotes take their caller's verb."""
    i = provision_at(provisions, offset)
    if i is None:
        return None, None
    p = provisions[i]
    if p.kind != "footnote":
        return i, p.verb
    caller = next((q for q in provisions if q.container == p.container and p.marker in q.footnote_refs), None)
    return i, caller.verb if caller else None


def _un_resolution(ids: Identifiers, raw: str) -> Instrument:
    number = clean_symbol(raw)
    roman = _ROMAN_SESSION.match(raw.strip())
    if roman:
        number = f"{roman.group(1)}{roman.group(2)}"
    first = number.split("/")[0]
    if first.isdigit() and len(first) == 4 and int(first) >= _FIRST_ECOSOC_YEAR:
        year, n = (int(x) for x in number.split("/"))
        return Instrument(kind="ecosoc_resolution", iri=ids.ecosoc_resolution(year, n), number=number)
    return Instrument(kind="unga_resolution", iri=ids.unga_resolution(number), number=number)


def _version_from_paren(ctx: CitationContext, paren: str) -> Conference | None:
    """The conference a bracket such as （2018年，迪拜，修订版） or （C24） names, if any."""
    cleaned = re.sub(r"[\s\[\]#]", "", paren)
    m = _YEAR_CITY.match(cleaned)
    if m:
        return ctx.ref.conference_at(int(m.group("year")), m.group("city"))
    m = re.match(ctx.ref.vocabulary.council_session_pattern, cleaned)
    if m:
        return ctx.ref.council_session(year=int(m.group(1)))
    m = _SESSION_CODE.match(cleaned)
    if m:
        return ctx.ref.council_session(code=m.group("code"))
    return None


def _names_version(paren: str | None) -> bool:
    """Whether a bracket is meant as a version (year and place, or a session), not an aside."""
    return bool(paren) and bool(re.search(r"\d{4}年|^\s*C\d{2}\s*$", paren or ""))


def _prefix_before(ctx: CitationContext, start: int) -> str | None:
    """The organ words nearest before ``start`` in the same sentence (全权代表大会, 本届大会, …)."""
    left, _ = sentence_bounds(ctx.view, start, start)
    hits = list(ctx.ref.organ_prefix_regex.finditer(ctx.view, left, start))
    return hits[-1].group() if hits else None


def _itu(ctx: CitationContext, found: _Found) -> None:
    if ctx.family == "un":
        return
    for m in _ITU.finditer(ctx.view):
        n, is_decision, paren = int(m.group("n")), m.group("type") == "决定", m.group("paren")
        versioned = _names_version(paren)
        end = m.end() if versioned else m.end("type")
        written = ctx.source.text[m.start():end]
        conference = _version_from_paren(ctx, paren or "") if versioned else None
        if versioned and conference is None:
            found.claim(m.start(), end)
            found.warn(m.start(), f"no known conference matches the bracket of {written!r}; add it to seeds/reference/conferences.yaml")
            continue
        prefix = _prefix_before(ctx, m.start())
        prefix_organ = ctx.ref.organ_for_prefix(prefix) if prefix else None
        if prefix_organ == "@adopting":
            prefix_organ = ctx.adopting.organ if ctx.adopting else None
            if conference is None:
                conference = ctx.adopting
        organ = "council" if is_decision else (conference.organ if conference else prefix_organ)
        if organ is None:
            found.claim(m.start(), end)
            found.warn(m.start(), f"cannot tell which ITU organ adopted {written!r} (no organ named before it, no year and place)")
            continue
        if conference and prefix_organ and prefix_organ != conference.organ and not is_decision:
            found.warn(m.start(), f"{written!r}: the organ named before it ({prefix_organ}) differs from the bracket's conference ({conference.slug}); used the bracket")
        kind = "dec" if is_decision else "res"
        work = ctx.ids.itu_work(organ, kind, n)
        instrument_kind: InstrumentKind = "council_decision" if is_decision else "itu_resolution"
        if conference is None:
            cited = Instrument(kind=instrument_kind, iri=work, number=str(n), organ=organ)
        else:
            cited = Instrument(
                kind=instrument_kind,
                iri=ctx.ids.itu_version(organ, kind, n, conference.year),
                work_iri=work,
                number=str(n),
                organ=organ,
                year=conference.year,
                conference=conference.slug,
            )
        found.add(m.start(), end, cited)


def _un(ctx: CitationContext, found: _Found) -> None:
    for m in _UN_LIST.finditer(ctx.view):
        for item in _UN_ITEM.finditer(ctx.view, m.start("list"), m.end("list")):
            found.add(item.start(), item.end(), _un_resolution(ctx.ids, item.group()))
        found.claim(m.start(), m.end())


def _opinions(ctx: CitationContext, found: _Found) -> None:
    for m in _OPINION.finditer(ctx.view):
        conference = ctx.ref.conference_at(int(m.group("year")), m.group("city").strip())
        if conference is None or conference.organ != "wtpf":
            found.claim(m.start(), m.end())
            found.warn(m.start(), f"{m.group()!r}: no WTPF held in that year and city in seeds/reference/conferences.yaml")
            continue
        n = int(m.group("n"))
        cited = Instrument(
            kind="wtpf_opinion",
            iri=ctx.ids.wtpf_opinion(conference.year, n),
            number=str(n),
            organ="wtpf",
            year=conference.year,
            conference=conference.slug,
        )
        found.add(m.start(), m.end(), cited)


def _symbols(ctx: CitationContext, found: _Found) -> None:
    for m in _UN_SYMBOL.finditer(ctx.view):
        symbol = m.group("s").rstrip(".")
        alt = m.group("alt").rstrip(".") if m.group("alt") else None
        end = m.start() + len(m.group()) - (len(m.group()) - len(m.group().rstrip(".")))
        cited = Instrument(kind="un_document", iri=ctx.ids.un_document(symbol), number=symbol, alt_symbol=alt)
        found.add(m.start(), end, cited)
    for m in _ITU_SYMBOL.finditer(ctx.view):
        symbol = re.sub(r"^CL\s+", "CL-", m.group("s"))
        cited = Instrument(kind="itu_document", iri=ctx.ids.itu_document(symbol), number=clean_symbol(symbol))
        found.add(m.start(), m.end(), cited)


def _unclaimed_markers(ctx: CitationContext, found: _Found) -> None:
    """Warn about every citation marker no normalized citation accounts for."""
    for marker in ctx.ref.vocabulary.citation_markers:
        for m in re.finditer(re.escape(marker), ctx.view):
            p = m.start()
            if not any(s <= p < e or 0 <= p - e <= _MARKER_REACH for s, e in found.claimed):
                left, _ = sentence_bounds(ctx.view, p, p)
                snippet = ctx.source.text[max(left, p - 20):m.end()].strip()
                found.warn(p, f"looks like a citation but no known notation matches: {snippet!r}")


def extract_citations(ctx: CitationContext) -> tuple[list[Citation], list[BuildWarning]]:
    """All citations of a text, in text order, and the warnings about what was not normalized."""
    found = _Found(ctx)
    for step in (_un, _itu, _opinions, _symbols):
        step(ctx, found)
    _unclaimed_markers(ctx, found)
    citations = sorted(found.citations, key=lambda c: (c.span.start, c.span.end, c.cited.iri))
    warnings = sorted(found.warnings, key=lambda w: (w.line, w.message))
    return citations, warnings

