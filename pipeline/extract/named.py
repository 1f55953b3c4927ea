"""Text → citations of instruments cited by title: 《突尼斯议程》, 《组织法》第141款, 《…》第72段.

The rules are those of docs/identifiers.md, "Instruments cited by name", with the curated titles of
``seeds/reference/instruments.yaml`` (``Reference.title_index``):

* a 《title》 is looked up by its full titles and short forms; a numbered provision (第141款)
  or paragraph (第72段) written right after it is cited as that provision or paragraph
  (``{instrument}/no/{n}``, ``{instrument}/para/{n}``), a list (第42和213款) as one citation per
  number, a range (第113-118段) as the whole instrument;
* a full title also counts inside quotation marks (“…”, "…"), and a few titles that texts
  write without any marks (the WSIS+10 outcome document) count in running text;
* a short form that only the citing text makes clear (《契约》 after 《全球数字契约》, 《行动计划》
  in a sentence on the Geneva phase of the WSIS) resolves inside that text only;
* a title followed by 缔约方大会 is part of a body's name; titles known not to be instruments
  (reports), the document's own title and the document itself are not cited;
* a title naming the same instrument as a numbered citation of the same sentence is that
  citation's title (“变革我们的世界…”的第70/1号决议), not a second citation.

Whatever is not sure is a ``BuildWarning`` (file:line) and no citation: an unknown 《title》, a
short form the text does not define, a title shared by several instruments whose year the
sentence does not give. Every scan is one left-to-right pass of bounded patterns, so the work
is linear in the length of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.extract.citations import CitationContext, ProvisionIndex
from pipeline.extract.view import SENTENCE_END, span
from pipeline.identifiers import Identifiers
from pipeline.model import BuildWarning, Citation, Instrument
from pipeline.sources.reference import NamedInstrument, Reference, TitleUse, title_key

_BOOK_TITLE = re.compile(r"《([^《》\n]{1,160})》")
_QUOTED = re.compile(r"“([^“”\n]{1,160})”|\"([^\"\n]{1,160})\"")
_SEP = r"[ \t]*(?:、|,|和|及|与)[ \t]*(?:第[ \t]*)?"
_PART = re.compile(
    r"[ \t]*(?:的[ \t]*)?第[ \t]*(?P<first>\d{1,4})"
    r"(?P<more>(?:[ \t]*[款段]?" + _SEP + r"\d{1,4}){0,30})"
    r"(?:[ \t]*[款段]?[ \t]*(?:-|–|—|~|至|到)[ \t]*(?:第[ \t]*)?(?P<last>\d{1,4}))?[ \t]*(?P<unit>款|段)"
)
_NUMBER = re.compile(r"\d{1,4}")


@dataclass(frozen=True)
class _Hit:
    """A title seen in the text: its characters (with marks) and how it was marked."""

    start: int
    end: int
    key: str
    marks: str  # "book" (《》), "quote" (“” or ""), "plain"


def instrument_of(entry: NamedInstrument, ref: Reference, ids: Identifiers) -> Instrument:
    """The ``Instrument`` a catalogue entry names, with the IRI its template gives.

    Raises ``ValueError`` for an ITU version whose conference is not unique in the reference data.
    """
    res = entry.resolution
    if res is not None:
        if res.body == "unga":
            return Instrument(kind="unga_resolution", iri=ids.unga_resolution(res.number), number=res.number, named=entry.id)
        if res.body == "ecosoc":
            year, n = (int(x) for x in res.number.split("/"))
            return Instrument(kind="ecosoc_resolution", iri=ids.ecosoc_resolution(year, n), number=res.number, named=entry.id)
        n = int(res.number)
        work = ids.itu_work(res.body, "res", n)
        if res.year is None:
            return Instrument(kind="itu_resolution", iri=work, number=res.number, organ=res.body, named=entry.id)
        conference = [c for c in ref.conferences if c.organ == res.body and c.year == res.year]
        return Instrument(
            kind="itu_resolution", iri=ids.itu_version(res.body, "res", n, res.year), work_iri=work, number=res.number,
            organ=res.body, year=res.year, conference=conference[0].slug if len(conference) == 1 else None, named=entry.id,
        )
    number = entry.symbol or entry.id
    if entry.kind == "wtdc-declaration":
        assert entry.year is not None  # checked when loaded
        return Instrument(kind="wtdc_declaration", iri=ids.wtdc_declaration(entry.year), number=str(entry.year), organ="wtdc", year=entry.year, named=entry.id)
    if entry.kind == "wtdc-action-plan":
        assert entry.year is not None
        iri = ids.wtdc_action_plan(entry.year)
    elif entry.kind == "wsis":
        iri = ids.wsis_outcome(entry.slug or "")
    elif entry.kind == "itu-basic-text":
        iri = ids.itu_basic_text(entry.slug or "")
    else:
        iri = ids.named_instrument(entry.issuer, entry.slug or "")
    return Instrument(kind="named_instrument", iri=iri, number=number, year=entry.year, named=entry.id)


def _context_ok(groups: tuple[str, ...], sentence: str) -> bool:
    return all(any(word in sentence for word in group.split("|")) for group in groups)


class _Reader:
    """One text's named citations, read title by title in text order."""

    def __init__(self, ctx: CitationContext, numbered: Sequence[Citation], own_title: str) -> None:
        self.ctx = ctx
        self.sentence_ends = [m.start() for m in re.finditer(f"[{re.escape(SENTENCE_END)}]", ctx.view)]
        self.numbered = sorted(numbered, key=lambda c: c.span.start)
        self.numbered_starts = [c.span.start for c in self.numbered]
        self.numbered_by_sentence: dict[int, tuple[set[str], set[str]]] = {}
        self.own_key = title_key(own_title)
        self.cited_ids: set[str] = set()
        self.citations: list[Citation] = []
        self.warnings: list[BuildWarning] = []
        self.provisions = ProvisionIndex(ctx.provisions)

    def warn(self, offset: int, message: str) -> None:
        ctx = self.ctx
        self.warnings.append(BuildWarning(file=ctx.source.entry.file, line=ctx.source.line_of(offset), message=message))

    def read(self, hit: _Hit) -> None:
        ctx, ref = self.ctx, self.ctx.ref
        if hit.key == self.own_key or hit.key in ref.not_instrument_keys:
            return
        if hit.marks == "book" and any(ctx.view.startswith(s, _skip_blanks(ctx.view, hit.end)) for s in ref.catalogue.body_name_suffixes):
            return
        written = ctx.source.text[hit.start:hit.end]
        left, right = self.sentence(hit.start, hit.end)
        entry = self._resolve(hit, written, ctx.view[left:right])
        if entry is None:
            return
        self.cited_ids.add(entry.id)
        instrument = instrument_of(entry, ref, ctx.ids)
        part = _PART.match(ctx.view, hit.end) if hit.marks == "book" else None
        whole = part is not None and (part.group("last") is not None or len(set(re.findall("[款段]", part.group()))) > 1)
        if part is not None and not whole and (part.group("unit") == "段" or entry.numbered_provisions):
            self._parts(hit, part, entry, instrument)
            return
        end = part.end() if part is not None and whole else hit.end  # a range, or 款 and 段 mixed: the instrument
        if self._numbered_in_sentence(instrument, left, right):
            return  # the title of a numbered citation of the same sentence
        self._add(hit.start, end, instrument)

    def _numbered_in_sentence(self, instrument: Instrument, left: int, right: int) -> bool:
        """Whether a numbered citation of ``[left, right)`` names ``instrument`` (a version counts
        as its work), from sets built once per sentence (a scan of every numbered citation per
        title was quadratic)."""
        if left not in self.numbered_by_sentence:
            lo, hi = bisect_left(self.numbered_starts, left), bisect_left(self.numbered_starts, right)
            cited = [c.cited for c in self.numbered[lo:hi]]
            self.numbered_by_sentence[left] = ({a.iri for a in cited}, {a.work_iri for a in cited if a.work_iri})
        iris, works = self.numbered_by_sentence[left]
        return instrument.iri in iris or instrument.iri in works or (instrument.work_iri is not None and instrument.work_iri in iris)

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """``view.sentence_bounds`` from an index of sentence ends: O(log n), not a scan per title."""
        i = bisect_left(self.sentence_ends, start)
        left = self.sentence_ends[i - 1] + 1 if i else 0
        j = bisect_left(self.sentence_ends, end)
        right = self.sentence_ends[j] + 1 if j < len(self.sentence_ends) else len(self.ctx.view)
        return left, right

    def _resolve(self, hit: _Hit, written: str, sentence: str) -> NamedInstrument | None:
        """The one instrument a title names here, or None (with a warning when unsure)."""
        uses = [u for u in self.ctx.ref.title_index.get(hit.key, []) if _usable(u, hit.marks, self.ctx.family)]
        if not uses:
            if hit.marks == "book":
                self.warn(hit.start, f"unknown title {written!r}: neither an instrument nor a known non-instrument title in seeds/reference/instruments.yaml; not cited")
            return None
        direct = [u.instrument for u in uses if u.form != "local"]
        local = [u.instrument for u in uses if u.form == "local" and (u.instrument.id in self.cited_ids or (u.context and _context_ok(u.context, sentence)))]
        candidates = direct or local
        if not candidates:
            self.warn(hit.start, f"short title {written!r} is not defined in this text (no earlier full title, no context naming it); not cited")
            return None
        if len(candidates) > 1:
            dated = [c for c in candidates if c.year is not None and f"{c.year}年" in sentence]
            if len(dated) != 1:
                names = ", ".join(c.id for c in candidates)
                self.warn(hit.start, f"ambiguous title {written!r}: {names}; the sentence does not say which year; not cited")
                return None
            candidates = dated
        return candidates[0]

    def _parts(self, hit: _Hit, part: re.Match[str], entry: NamedInstrument, instrument: Instrument) -> None:
        """One citation per provision or paragraph number written after the title."""
        ids = self.ctx.ids
        unit = part.group("unit")
        numbers = [(part.start("first"), part.end("first"))]
        numbers += [(m.start(), m.end()) for m in _NUMBER.finditer(self.ctx.view, part.start("more"), part.end("more"))]
        for k, (s, e) in enumerate(numbers):
            n = int(self.ctx.view[s:e])
            iri = ids.numbered_provision(instrument.iri, n) if unit == "款" else ids.instrument_paragraph(instrument.iri, n)
            if unit == "款":
                cited = Instrument(kind="numbered_provision", iri=iri, number=str(n), part_of=instrument.iri, named=entry.id)
            else:
                cited = Instrument(kind="instrument_paragraph", iri=iri, number=str(n), part_of=instrument.iri, named=entry.id)
            start = hit.start if k == 0 else s
            end = part.end() if len(numbers) == 1 else e
            self._add(start, end, cited)

    def _add(self, start: int, end: int, cited: Instrument) -> None:
        ctx = self.ctx
        citing = ctx.citing_at(start)
        if {cited.iri, cited.part_of} & {citing, ctx.document_iri}:
            return  # a text does not cite itself
        index, verb = self.provisions.at(start)
        self.citations.append(Citation(citing=citing, cited=cited, span=span(ctx.source, start, end), verb=verb, provision=index))


def _usable(use: TitleUse, marks: str, family: str) -> bool:
    """Whether a title use applies to a title marked so, in a text of ``family``."""
    if marks != "book" and use.form not in ("title", "plain"):
        return False
    return use.family is None or use.family == family


def _skip_blanks(view: str, pos: int) -> int:
    while pos < len(view) and view[pos] in " \t":
        pos += 1
    return pos


def _hits(view: str, ref: Reference) -> list[_Hit]:
    """Titles in 《》, full titles in quotation marks, plain titles; no two overlapping."""
    hits = [_Hit(m.start(), m.end(), title_key(m.group(1)), "book") for m in _BOOK_TITLE.finditer(view)]
    taken = _Taken(hits)
    for m in _QUOTED.finditer(view):
        key = title_key(m.group(1) or m.group(2))
        if key in ref.title_index and not taken.overlaps(m.start(), m.end()):
            hits.append(_Hit(m.start(), m.end(), key, "quote"))
    taken = _Taken(hits)
    if ref.plain_title_regex is not None:
        for m in ref.plain_title_regex.finditer(view):
            if not taken.overlaps(m.start(), m.end()):
                hits.append(_Hit(m.start(), m.end(), title_key(m.group()), "plain"))
    return sorted(hits, key=lambda h: h.start)


class _Taken:
    """Spans already read, for overlap tests in O(log n) (they never overlap one another)."""

    def __init__(self, hits: Iterable[_Hit]) -> None:
        spans = sorted((h.start, h.end) for h in hits)
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, end)
        return i > 0 and self.ends[i - 1] > start


def extract_named(ctx: CitationContext, numbered: Sequence[Citation], own_title: str) -> tuple[list[Citation], list[BuildWarning]]:
    """Citations by title in ``ctx``'s text, in text order, and warnings about unsure titles.

    ``numbered`` are the text's citations by number (a title naming the same instrument in the
    same sentence is theirs); ``own_title`` is the document's title (never cited by itself).
    """
    reader = _Reader(ctx, numbered, own_title)
    for hit in _hits(ctx.view, ctx.ref):
        reader.read(hit)
    citations = sorted(reader.citations, key=lambda c: (c.span.start, c.span.end, c.cited.iri))
    return citations, reader.warnings
