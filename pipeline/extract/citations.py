"""Numbered citations in every notation UN and ITU texts use, normalized to docs/identifiers.md.

Takes a text's matching view and gives ``Citation`` records (one per cited item, each with its
own span) and ``BuildWarning``s (file:line) for whatever looks like a citation but cannot be
normalized for sure. The rule above all: never a wrong IRI; when unsure, warn and write nothing.

How a reader's text is read (on the matching view, so full-width characters are folded):

* **Invisible characters** (U+200B/C/D, U+2060, U+FEFF, U+00AD, U+FFFC) are taken out into a
  *compact* view that keeps, per character, its offset in the original; every span found is
  mapped back, so evidence is always the original characters. Numbers inside URLs are blanked.
* **Numbered items** (``第70/125号``, ``ES-10/23``, ``S-27/2``, ``217 A (III)``, ``1325 (2000)``,
  ``71``, ``61-2``) are lexed one by one with bounded patterns and chained when only a
  separator (、 , 和 及 与) stands between them; a chain is a citation when it ends in 号决议 or
  号决定 (each item may repeat 第…号: ``第2006/46号和第2007/8号决议``). Every pattern is bounded,
  so scanning is linear in the text, whatever the list length.
* **UN numbers**: ``{session}/{n}`` is a General Assembly resolution, ``{year}/{n}`` (a year from
  1946) an ECOSOC resolution, or with 决定 an ECOSOC decision; ``S-``/``ES-`` sessions and
  ``{n}({roman})`` are the General Assembly's; ``{n} ({year})`` is the Security Council's. The
  organ named nearest before the chain in the clause (seeds/reference/extraction.yaml,
  ``un_organ_prefixes``) must agree: 人权理事会第55/1号决议 is A/HRC/RES/55/1, and a number
  after an organ with no template (教科文组织大会, …) is warned about, never given a GA IRI.
* **ITU numbers**: one bracket after the chain applies to all its items: （2018年，迪拜，修订版）
  (year and city → the conference), （WTSA-08）/（PP-14） (conference code), （2018年） with an
  organ named before, （理事会2020年会议） or （C24） (Council session). Without a bracket the
  organ named before gives the work. A conference missing from seeds/reference/conferences.yaml
  still gives the version when organ and year are certain, with a warning.
* **WTPF opinions**: 意见2（2013年，日内瓦）.
* **Symbols**: UN (A/79/62-E/2024/3, E/CN.16/2018/CRP.3; a space after ``/`` or ``.`` before a
  digit is a break inside one symbol; A/C.2/66/SR.24、34和40 is three documents) and ITU
  (C24/30 (Rev.1), TDAG-25/18(Rev.1), CL-24/61, with a language suffix -E dropped). A symbol
  cut short (``A/C.2/79/L.`` with no number) is warned about.

Anything that carries a citation marker (号决议, 号决定, …) but is not normalized becomes a
warning with file and line, never a silent drop.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.extract.structure import ProvisionIndex
from pipeline.extract.view import span
from pipeline.identifiers import Identifiers, clean_symbol
from pipeline.model import BuildWarning, Citation, Instrument, InstrumentKind, Provision
from pipeline.sources.documents import SourceText
from pipeline.sources.reference import Conference, Reference

#: Characters a reader does not see: zero-width space/non-joiner/joiner, word joiner, BOM,
#: soft hyphen, object replacement character.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\ufffc"
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
_URL = re.compile(r"(?:https?://|www\.)[!-~]{1,2000}")
_SP = r"[ \t]{0,3}"
_HYPHEN = r"[-\u2010\u2011\u2012\u2013]"
_ITEM = re.compile(
    rf"(?P<di>第{_SP})?"
    rf"(?<![0-9A-Za-z/.\-])(?P<num>"
    rf"(?P<spec>E?S{_HYPHEN}\d{{1,3}}{_SP}/{_SP}\d{{1,4}})"
    rf"|(?P<sc>\d{{1,4}}{_SP}\({_SP}(?:19|20)\d\d{_SP}\))"
    rf"|(?P<roman>\d{{1,4}}{_SP}(?:[A-Z]{_SP})?\({_SP}[IVXLC]{{1,7}}{_SP}\))"
    rf"|(?P<slash>\d{{1,4}}{_SP}/{_SP}\d{{1,5}})"
    rf"|(?P<plain>\d{{1,4}})(?:{_HYPHEN}(?P<rev>\d{{1,2}}))?"
    rf")(?![0-9/])(?P<hao>{_SP}号)?"
)
_SEPARATOR = re.compile(rf"{_SP}(?:、|,|和|及|与|以及|或){_SP}")
_RANGE = re.compile(rf"{_SP}(?:至|到|—|–|~){_SP}")
_TERMINAL = re.compile(rf"{_SP}(?P<hao>号)?{_SP}(?P<type>决议|决定)(?P<draft>{_SP}草案)?")
_PAREN = re.compile(rf"{_SP}\((?P<paren>[^()]{{1,60}})\)")
_ROMAN = re.compile(r"^(\d+)[A-Z]?(\([IVXLC]+\))$")
_SC = re.compile(r"^(\d+)\(\d{4}\)$")
_OPINION = re.compile(rf"意见{_SP}(?P<n>\d{{1,2}}){_SP}\((?P<year>\d{{4}}){_SP}年{_SP},{_SP}(?P<city>[^(),]{{1,20}}?){_SP}\)")
_SYMBOL_ELEMENT = r"[A-Za-z0-9]+(?:(?:\.(?:[ \t](?=\d))?|-(?=\d))[A-Za-z0-9]+)*\.?"
_UN_SYMBOL = re.compile(
    rf"(?<![A-Za-z0-9/.\-])(?P<s>[AES](?:/[ \t]?{_SYMBOL_ELEMENT})+)"
    rf"(?:-(?P<alt>[AE](?:/{_SYMBOL_ELEMENT})+))?"
)
_ITU_SYMBOL = re.compile(
    rf"(?<![A-Za-z0-9/\-])(?P<s>(?:C\d{{2}}|TDAG-\d{{2}}|CL[- ]\d{{2}})/\d{{1,4}}"
    rf"(?:{_SP}\({_SP}Rev\.{_SP}\d{{1,2}}{_SP}\))?)(?:-[ACEFRS](?![A-Za-z0-9]))?(?![A-Za-z0-9/])"
)
_ITU_REVISION_LEFT = re.compile(rf"{_SP}\({_SP}(?:Rev|REV|rev|修订)")
_NEEDS_NUMBER = frozenset({"L", "CRP", "Add", "Rev", "Corr", "SR", "WP", "INF", "PV", "R", "Amend"})
_LIST_TAIL = re.compile(rf"(?P<sep>{_SP}(?:、|,|和|及|至|到|—|–){_SP})(?P<n>\d{{1,4}})(?![0-9/.A-Za-z])")
_LETTERED_LAST = re.compile(r"^(?P<head>.*/[A-Za-z]+\.)(?P<n>\d+)$")
_YEAR_CITY = re.compile(r"^(?P<year>\d{4})年,(?P<city>[^,]+?)$")
_YEAR_ONLY = re.compile(r"^(?P<year>\d{4})年$")
_SESSION_CODE = re.compile(r"^C(?P<yy>\d{2})$")
_CONFERENCE_CODE = re.compile(r"^(?P<organ>PP|WTDC|WTSA|RA|WRC|WTPF|WCIT)-(?P<yy>\d{2}|20\d{2})$")
_CLAUSE_END = "。;\n"
#: Organs whose meetings adopt numbered resolutions or decisions: a year-and-place bracket after
#: 第N号决议 names one of these (WSIS summits and WTPFs adopt none). WRC and WCIT are kept so
#: that a place and year they share with an RA or WTSA (every WRC meets with an RA; Dubai 2012
#: held WTSA-12 and WCIT-12) stays ambiguous without an organ named before it.
RESOLUTION_ORGANS = frozenset({"pp", "wtdc", "wtsa", "ra", "wrc", "wcit", "council"})
#: Organs whose resolutions have an identifier template (docs/identifiers.md).
TEMPLATED_ORGANS = frozenset({"pp", "wtdc", "wtsa", "ra", "council"})
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


class CompactView:
    """The matching view without invisible characters, URLs blanked, with offsets back.

    ``text[i]`` is the character at ``origin(i)`` of the source text; a span ``[i, j)`` of
    ``text`` is ``[origin(i), origin_end(j))`` there. Built in one pass (linear).
    """

    def __init__(self, view: str) -> None:
        self._pos: list[int] | None = None
        if _INVISIBLE_RE.search(view):
            self._pos = [i for i, ch in enumerate(view) if ch not in INVISIBLE]
            view = _INVISIBLE_RE.sub("", view)
        self.text = _URL.sub(lambda m: " " * len(m.group()), view)

    def origin(self, i: int) -> int:
        return i if self._pos is None else self._pos[i]

    def origin_end(self, j: int) -> int:
        return j if self._pos is None else self._pos[j - 1] + 1


@dataclass
class _Found:
    """Citations and warnings collected while scanning (compact offsets in, original out)."""

    ctx: CitationContext
    view: CompactView
    citations: list[Citation] = field(default_factory=list)
    warnings: list[BuildWarning] = field(default_factory=list)
    claimed: list[tuple[int, int]] = field(default_factory=list)
    provisions: ProvisionIndex = field(init=False)

    def __post_init__(self) -> None:
        self.provisions = ProvisionIndex(self.ctx.provisions)

    def warn(self, at: int, message: str) -> None:
        ctx = self.ctx
        line = ctx.source.line_of(self.view.origin(at))
        self.warnings.append(BuildWarning(file=ctx.source.entry.file, line=line, message=message))

    def written(self, start: int, end: int) -> str:
        return self.ctx.source.text[self.view.origin(start):self.view.origin_end(end)]

    def claim(self, start: int, end: int) -> None:
        self.claimed.append((start, end))

    def add(self, start: int, end: int, cited: Instrument) -> None:
        self.claim(start, end)
        ctx = self.ctx
        o_start, o_end = self.view.origin(start), self.view.origin_end(end)
        citing = ctx.citing_at(o_start)
        if cited.iri in (citing, ctx.document_iri):
            return
        index, verb = self.provision_at(o_start)
        self.citations.append(
            Citation(citing=citing, cited=cited, span=span(ctx.source, o_start, o_end), verb=verb, provision=index)
        )

    def provision_at(self, offset: int) -> tuple[int | None, str | None]:
        return self.provisions.at(offset)


@dataclass(frozen=True)
class _Item:
    start: int
    end: int
    kind: str  # spec | sc | roman | slash | plain
    number: str  # cleaned: 70/125, S-27/2, 217(III), 1325(2000), 71
    first: bool  # carries 第


class _Prefixes:
    """Organ words before citations: one scan of the text, then a bisect per citation."""

    def __init__(self, ctx: CitationContext, text: str) -> None:
        ref = ctx.ref
        words: dict[str, tuple[str, str]] = {}
        for p in ref.vocabulary.un_organ_prefixes:
            if p.family in (None, ctx.family):
                words[p.text] = ("un", p.organ)
        for q in ref.vocabulary.itu_organ_prefixes:
            words.setdefault(q.text, ("itu", q.organ))
        ordered = sorted(words, key=lambda t: (-len(t), t))
        self.hits: list[tuple[int, int, str, str]] = []
        if ordered:
            for m in re.finditer("|".join(re.escape(t) for t in ordered), text):
                side, organ = words[m.group()]
                self.hits.append((m.start(), m.end(), side, organ))
        self.ends = [h[1] for h in self.hits]
        self.clause_ends = [i for i, ch in enumerate(text) if ch in _CLAUSE_END]

    def clause_start(self, at: int) -> int:
        k = bisect_left(self.clause_ends, at) - 1
        return self.clause_ends[k] + 1 if k >= 0 else 0

    def before(self, at: int) -> tuple[str, str] | None:
        """(``un`` or ``itu``, organ) of the organ words nearest before ``at`` in its clause."""
        k = bisect_right(self.ends, at) - 1
        if k < 0 or self.hits[k][0] < self.clause_start(at):
            return None
        return self.hits[k][2], self.hits[k][3]


def _clean_number(raw: str) -> str:
    return re.sub(rf"[ \t]|{_HYPHEN}", lambda m: "-" if m.group().strip() else "", raw)


def _items(text: str) -> list[_Item]:
    out = []
    for m in _ITEM.finditer(text):
        kind = next(k for k in ("spec", "sc", "roman", "slash", "plain") if m.group(k))
        number = _clean_number(m.group(kind))
        if kind == "roman":
            r = _ROMAN.match(number)
            number = f"{r.group(1)}{r.group(2)}" if r else number
        out.append(_Item(m.start(), m.end(), kind, number, bool(m.group("di"))))
    return out


def _chains(text: str, items: list[_Item]) -> list[tuple[list[_Item], bool, re.Match[str]]]:
    """Runs of items joined by separators that end in 号决议/号决定: (items, is_range, terminal)."""
    chains = []
    run: list[_Item] = []
    ranged = False
    for item in items:
        if run:
            gap_start = run[-1].end
            if _SEPARATOR.fullmatch(text, gap_start, item.start) is None:
                joined_by_range = _RANGE.fullmatch(text, gap_start, item.start) is not None
                if not joined_by_range:
                    run, ranged = [], False
                else:
                    ranged = True
        run.append(item)
        terminal = _TERMINAL.match(text, item.end)
        if terminal and (bool(terminal.group("hao")) != bool(text[item.start:item.end].rstrip().endswith("号"))):
            chains.append((run, ranged, terminal))
            run, ranged = [], False
    return chains


def _ecosoc_year(number: str) -> bool:
    first = number.split("/")[0]
    return len(first) == 4 and int(first) >= _FIRST_ECOSOC_YEAR


def _un_instrument(ids: Identifiers, item: _Item, decision: bool, organ: str | None) -> Instrument | str:
    """The UN instrument an item names, or why it cannot be said for sure."""
    n = item.number
    if item.kind == "sc":
        if organ not in (None, "sc") or decision:
            return f"{n} reads as a Security Council resolution but the organ named before it is {organ}"
        sc = _SC.match(n)
        number = sc.group(1) if sc else n
        return Instrument(kind="sc_resolution", iri=ids.sc_resolution(int(number)), number=number)
    if item.kind == "slash" and _ecosoc_year(n):
        if organ not in (None, "ecosoc"):
            return f"{n} is numbered by year like ECOSOC's, but the organ named before it is {organ}"
        year, number = (int(x) for x in n.split("/"))
        if decision:
            return Instrument(kind="ecosoc_decision", iri=ids.ecosoc_decision(year, number), number=n)
        return Instrument(kind="ecosoc_resolution", iri=ids.ecosoc_resolution(year, number), number=n)
    if organ == "hrc" and item.kind == "slash" and not decision:
        symbol = f"A/HRC/RES/{n}"
        return Instrument(kind="un_document", iri=ids.un_document(symbol), number=symbol)
    if organ not in (None, "unga"):
        return f"{n} is numbered by session, but the organ named before it ({organ}) has no template for it"
    if decision:
        return f"General Assembly decision {n}: no identifier template for GA decisions"
    return Instrument(kind="unga_resolution", iri=ids.unga_resolution(n), number=n)


class _Scanner:
    """One text's numbered citations: chains of items, opinions, symbols, then unclaimed markers."""

    def __init__(self, ctx: CitationContext) -> None:
        self.ctx = ctx
        self.view = CompactView(ctx.view)
        self.text = self.view.text
        self.found = _Found(ctx, self.view)
        self.prefixes = _Prefixes(ctx, self.text)

    # ------------------------------------------------------------------ numbered chains
    def chains(self) -> None:
        for items, ranged, terminal in _chains(self.text, _items(self.text)):
            found = self.found
            start, end = items[0].start, terminal.end()
            if terminal.group("draft"):
                found.claim(start, end)
                found.warn(start, f"{found.written(start, end)!r} is a draft's number, not an adopted instrument: not cited")
                continue
            if ranged:
                found.claim(start, end)
                found.warn(start, f"{found.written(start, end)!r} is a range of numbers: cite each instrument, none was guessed")
                continue
            kinds = {i.kind for i in items}
            if kinds == {"plain"}:
                self._itu_chain(items, terminal)
            elif "plain" not in kinds:
                self._un_chain(items, terminal)
            else:
                found.claim(start, end)
                found.warn(start, f"{found.written(start, end)!r} mixes UN and ITU numbers: not cited")

    def _un_chain(self, items: list[_Item], terminal: re.Match[str]) -> None:
        found = self.found
        decision = terminal.group("type") == "决定"
        before = self.prefixes.before(items[0].start)
        organ = before[1] if before and before[0] == "un" else None
        for item in items:
            cited = _un_instrument(self.ctx.ids, item, decision, organ)
            if isinstance(cited, str):
                found.claim(item.start, item.end)
                found.warn(item.start, f"{found.written(item.start, item.end)!r}: {cited}; not cited")
                continue
            number_start = item.start + (len(self.text[item.start:item.end]) - len(self.text[item.start:item.end].lstrip("第 \t")))
            number_end = number_start + len(self.text[number_start:item.end].rstrip(" \t号"))
            found.add(number_start, number_end, cited)
        found.claim(items[0].start, terminal.end())

    def _itu_chain(self, items: list[_Item], terminal: re.Match[str]) -> None:
        ctx, found = self.ctx, self.found
        start = items[0].start
        is_decision = terminal.group("type") == "决定"
        paren_m = _PAREN.match(self.text, terminal.end())
        paren = paren_m.group("paren") if paren_m else None
        versioned = _names_version(paren)
        end = paren_m.end() if (versioned and paren_m) else terminal.end()
        written = found.written(start, end)
        if not items[0].first:
            return  # "71号决议" without 第: left to the unclaimed-marker warning
        if ctx.family == "un":
            found.claim(start, end)
            found.warn(start, f"{written!r}: an ITU-style number in a UN text; not cited")
            return
        before = self.prefixes.before(start)
        prefix_organ = before[1] if before and before[0] == "itu" else None
        if prefix_organ == "@adopting":
            prefix_organ = ctx.adopting.organ if ctx.adopting else None
        if prefix_organ in ("wrc", "wcit"):
            found.claim(start, end)
            found.warn(start, f"{written!r}: a {prefix_organ.upper()} resolution (no identifier template for its resolutions); not cited")
            return
        version = self._version(paren or "", prefix_organ, is_decision, written, start) if versioned else (None, None)
        if version is None:
            found.claim(start, end)
            return
        conference, year = version
        if before and before[1] == "@adopting" and conference is None and year is None and ctx.adopting:
            conference, year = ctx.adopting, ctx.adopting.year
        if is_decision:
            organ: str | None = "council"
            other = (conference.organ if conference else None) or (prefix_organ if prefix_organ != "council" else None)
            if other and other != "council":
                found.claim(start, end)
                found.warn(start, f"{written!r}: a decision of {other} (only Council decisions have an identifier template); not cited")
                return
        else:
            organ = conference.organ if conference else prefix_organ
        if organ is None:
            found.claim(start, end)
            found.warn(start, f"cannot tell which ITU organ adopted {written!r} (no organ named before it, no year and place)")
            return
        if organ not in TEMPLATED_ORGANS:
            found.claim(start, end)
            found.warn(start, f"{written!r}: a resolution of {organ} (no identifier template for its resolutions); not cited")
            return
        if conference and prefix_organ and prefix_organ != conference.organ and not is_decision:
            found.warn(start, f"{written!r}: the organ named before it ({prefix_organ}) differs from the bracket's conference ({conference.slug}); used the bracket")
        kind = "dec" if is_decision else "res"
        instrument_kind: InstrumentKind = "council_decision" if is_decision else "itu_resolution"
        for k, item in enumerate(items):
            n = int(item.number)
            work = ctx.ids.itu_work(organ, kind, n)
            if year is None:
                cited = Instrument(kind=instrument_kind, iri=work, number=str(n), organ=organ)
            else:
                cited = Instrument(kind=instrument_kind, iri=ctx.ids.itu_version(organ, kind, n, year), work_iri=work,
                                   number=str(n), organ=organ, year=year, conference=conference.slug if conference else None)
            last = k == len(items) - 1
            found.add(item.start, end if last else item.end, cited)
        found.claim(start, end)

    def _version(self, paren: str, prefix_organ: str | None, is_decision: bool, written: str,
                 at: int) -> tuple[Conference | None, int | None] | None:
        """(conference, year) a version bracket names; None (after a warning) when unsure."""
        ref, found = self.ctx.ref, self.found
        cleaned = re.sub(r"[\s\[\]#]", "", paren).replace(",修订版", "").replace("修订版", "").rstrip(",")
        organ_hint = "council" if is_decision else prefix_organ
        m = _YEAR_CITY.match(cleaned)
        if m:
            year = int(m.group("year"))
            conference = ref.conference_at(year, m.group("city"), RESOLUTION_ORGANS) or (
                ref.conference_at(year, m.group("city"), {organ_hint}) if organ_hint else None)
            if conference:
                return conference, conference.year
            return self._unknown_meeting(organ_hint, year, written, at, f"{year} in {m.group('city')}")
        m = _YEAR_ONLY.match(cleaned)
        if m:
            year = int(m.group("year"))
            conference = ref.conference_of(organ_hint, year) if organ_hint else None
            if conference:
                return conference, conference.year
            return self._unknown_meeting(organ_hint, year, written, at, str(year))
        m = re.match(ref.vocabulary.council_session_pattern, cleaned)
        if m:
            year = int(m.group(1))
            conference = ref.council_session(year=year)
            return (conference, year) if conference else self._unknown_meeting("council", year, written, at, f"Council {year}")
        m = _SESSION_CODE.match(cleaned)
        if m:
            conference = ref.council_session(code=cleaned)
            year = 2000 + int(m.group("yy"))
            return (conference, year) if conference else self._unknown_meeting("council", year, written, at, cleaned)
        m = _CONFERENCE_CODE.match(cleaned)
        if m:
            conference = ref.conference_by_slug.get(cleaned.lower())
            if conference:
                return conference, conference.year
            found.warn(at, f"{written!r}: conference {cleaned} is not in seeds/reference/conferences.yaml (its year is not certain: WTSA-20 met in 2022); not cited")
            return None
        found.warn(at, f"{written!r}: cannot read the bracket as a conference; not cited")
        return None

    def _unknown_meeting(self, organ: str | None, year: int, written: str, at: int,
                         what: str) -> tuple[None, int] | None:
        if organ is None:
            self.found.warn(at, f"no known conference matches the bracket of {written!r} ({what}) and no organ is named before it; not cited; add the conference to seeds/reference/conferences.yaml")
            return None
        self.found.warn(at, f"{written!r}: no {organ} meeting of {what} in seeds/reference/conferences.yaml; cited the {year} version (organ and year are certain)")
        return None, year

    # ------------------------------------------------------------------ opinions, symbols
    def opinions(self) -> None:
        ctx, found = self.ctx, self.found
        for m in _OPINION.finditer(self.text):
            conference = ctx.ref.conference_at(int(m.group("year")), m.group("city").strip(), {"wtpf"})
            if conference is None or conference.organ != "wtpf":
                found.claim(m.start(), m.end())
                found.warn(m.start(), f"{found.written(m.start(), m.end())!r}: no WTPF held in that year and city in seeds/reference/conferences.yaml")
                continue
            n = int(m.group("n"))
            cited = Instrument(kind="wtpf_opinion", iri=ctx.ids.wtpf_opinion(conference.year, n), number=str(n),
                               organ="wtpf", year=conference.year, conference=conference.slug)
            found.add(m.start(), m.end(), cited)

    def symbols(self) -> None:
        found, text = self.found, self.text
        for m in _UN_SYMBOL.finditer(text):
            raw = m.group("s")
            symbol = clean_symbol(raw).rstrip(".")
            end = m.start("s") + len(raw.rstrip("."))
            last = symbol.rsplit("/", 1)[-1]
            if not any(ch.isdigit() for ch in symbol):
                continue  # A/B, S/O: every UN symbol has a number
            if last.split(".")[-1] in _NEEDS_NUMBER:
                found.claim(m.start(), m.end())
                found.warn(m.start(), f"{found.written(m.start(), m.end())!r} looks like a UN symbol cut short; not cited")
                continue
            alt = clean_symbol(m.group("alt")).rstrip(".") if m.group("alt") else None
            if alt:
                end = m.start("alt") + len(m.group("alt").rstrip("."))
            found.add(m.start(), end, self._un_symbol(symbol, alt))
            if not alt:
                self._abbreviated_list(symbol, end)
        for m in _ITU_SYMBOL.finditer(text):
            symbol = clean_symbol(re.sub(r"^CL[ ]", "CL-", m.group("s")))
            if "(" not in symbol and _ITU_REVISION_LEFT.match(text, m.end()):
                found.claim(m.start(), m.end())
                found.warn(m.start(), f"{found.written(m.start(), m.end() + 8)!r}: a revision mark that is not (Rev.N); not cited")
                continue
            cited = Instrument(kind="itu_document", iri=self.ctx.ids.itu_document(symbol), number=symbol)
            found.add(m.start(), m.end("s"), cited)
            found.claim(m.start(), m.end())

    def _un_symbol(self, symbol: str, alt: str | None) -> Instrument:
        """A UN symbol; the symbol of a resolution or decision names that instrument."""
        ids = self.ctx.ids
        if m := re.fullmatch(r"A/RES/((?:E?S-)?\d+/\d+|\d+\([IVXLC]+\))", symbol):
            return Instrument(kind="unga_resolution", iri=ids.unga_resolution(m.group(1)), number=m.group(1))
        if m := re.fullmatch(r"E/(RES|DEC)/(\d{4})/(\d+)", symbol):
            year, n = int(m.group(2)), int(m.group(3))
            if m.group(1) == "RES":
                return Instrument(kind="ecosoc_resolution", iri=ids.ecosoc_resolution(year, n), number=f"{year}/{n}")
            return Instrument(kind="ecosoc_decision", iri=ids.ecosoc_decision(year, n), number=f"{year}/{n}")
        if m := re.fullmatch(r"S/RES/(\d+)(?:\(\d{4}\))?", symbol):
            return Instrument(kind="sc_resolution", iri=ids.sc_resolution(int(m.group(1))), number=m.group(1))
        return Instrument(kind="un_document", iri=ids.un_document(symbol), number=symbol, alt_symbol=alt)

    def _abbreviated_list(self, symbol: str, at: int) -> None:
        """A/C.2/66/SR.24、34和40: the numbers after a lettered last element are documents too."""
        lettered = _LETTERED_LAST.match(symbol)
        if not lettered:
            return
        found, text = self.found, self.text
        previous = int(lettered.group("n"))
        while m := _LIST_TAIL.match(text, at):
            n = int(m.group("n"))
            if m.group("sep").strip() in ("至", "到", "—", "–") and n - previous > 1:
                # the documents inside a range are written nowhere, so they have no span of their own
                found.warn(m.start(), f"{found.written(m.start(), m.end())!r}: the documents between {previous} and {n} are not cited one by one (no span of their own)")
            item = f"{lettered.group('head')}{n}"
            found.add(m.start("n"), m.end("n"), Instrument(kind="un_document", iri=self.ctx.ids.un_document(item), number=item))
            previous, at = n, m.end()

    # ------------------------------------------------------------------ what is left
    def unclaimed_markers(self) -> None:
        """Warn about every citation marker no normalized citation accounts for (one sorted pass)."""
        found = self.found
        merged: list[tuple[int, int]] = []
        for s, e in sorted(found.claimed):
            e += _MARKER_REACH + 1
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        starts = [s for s, _ in merged]
        markers = self.ctx.ref.vocabulary.citation_markers
        for m in re.finditer("|".join(re.escape(w) for w in sorted(markers, key=len, reverse=True)), self.text):
            p = m.start()
            k = bisect_right(starts, p) - 1
            if k >= 0 and p < merged[k][1]:
                continue
            left = max(self.prefixes.clause_start(p), p - 20)
            snippet = found.written(left, m.end()).strip()
            found.warn(p, f"looks like a citation but no known notation matches: {snippet!r}")


def _names_version(paren: str | None) -> bool:
    """Whether a bracket is meant as a version (year, place, session, conference), not an aside."""
    if not paren:
        return False
    cleaned = re.sub(r"\s", "", paren)
    return bool(re.search(r"\d{4}年", cleaned) or _SESSION_CODE.match(cleaned) or _CONFERENCE_CODE.match(cleaned))


def extract_citations(ctx: CitationContext) -> tuple[list[Citation], list[BuildWarning]]:
    """All numbered citations of a text, in text order, and the warnings about what was not normalized.

    Linear in the length of the text (bounded patterns, one pass each, bisect look-ups), so a
    list of thousands of numbers with no closing 号决议 costs what reading it costs.
    """
    scan = _Scanner(ctx)
    scan.chains()
    scan.opinions()
    scan.symbols()
    scan.unclaimed_markers()
    found = scan.found
    citations = sorted(found.citations, key=lambda c: (c.span.start, c.span.end, c.cited.iri))
    warnings = sorted(found.warnings, key=lambda w: (w.line, w.message))
    return citations, warnings
