"""Curated reference data from ``seeds/reference/``: concepts, bodies, places, conferences.

Everything here is typed in by a person from sure sources (not extracted), so it is loaded
strictly: an unknown field or a missing label is an error naming the file. The loaded
``Reference`` also offers the look-ups extraction needs (a conference by year and city, an
organ by its prefix words, a place by its Chinese name).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipeline.errors import InputError
from pipeline.sources.yamlfile import safe_load

Family = Literal["un", "itu"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ActionLine(_Strict):
    """A WSIS action line C1–C11 (Geneva Plan of Action)."""

    code: str = Field(pattern=r"^C([1-9]|1[01])$", description="Code, C1 to C11.")
    label_en: str = Field(min_length=1, description="Official English title.")
    label_zh: str = Field(min_length=1, description="Chinese title.")
    aliases_zh: list[str] = Field(default_factory=list, description="Other Chinese names the texts use.")


class SubLine(_Strict):
    """One of the eight C7 e-applications (e-health, …)."""

    slug: str = Field(pattern=r"^e-[a-z]+$", description="IRI slug under C7, e.g. e-health.")
    label_en: str = Field(min_length=1, description="English name.")
    label_zh: str = Field(min_length=1, description="Chinese name.")
    aliases_zh: list[str] = Field(default_factory=list, description="Other Chinese names the texts use.")


class Goal(_Strict):
    """A Sustainable Development Goal."""

    goal: int = Field(ge=1, le=17, description="Goal number.")
    label_en: str = Field(min_length=1, description="Short English name.")
    title_en: str = Field(min_length=1, description="Full English goal text.")
    label_zh: str = Field(min_length=1, description="Short Chinese name.")
    title_zh: str = Field(min_length=1, description="Full Chinese goal text.")


class Region(_Strict):
    """An ITU-D region."""

    code: Literal["AFR", "AMS", "ARB", "ASP", "CIS", "EUR"] = Field(description="ITU-D region code.")
    label_en: str = Field(min_length=1, description="English name.")
    label_zh: str = Field(min_length=1, description="Chinese name.")
    aliases_zh: list[str] = Field(default_factory=list, description="Other Chinese names the texts use.")


class ContextAlias(_Strict):
    """An alias whose meaning depends on the citing text (理事会 = ECOSOC in UN texts)."""

    alias: str = Field(min_length=1, description="The alias as written.")
    family: Family = Field(description="Family of citing documents where this meaning holds.")


class Organization(_Strict):
    """A body, organ or agency."""

    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", description="IRI slug under id/org/.")
    acronym: str | None = Field(default=None, description="Usual acronym, e.g. UNGA.")
    label_en: str = Field(min_length=1, description="English name.")
    label_zh: str = Field(min_length=1, description="Chinese name.")
    aliases_en: list[str] = Field(default_factory=list, description="Other English names.")
    aliases_zh: list[str] = Field(default_factory=list, description="Unambiguous other Chinese names.")
    context_aliases: list[ContextAlias] = Field(default_factory=list, description="Aliases that depend on context.")
    part_of: str | None = Field(default=None, description="Slug of the parent body.")
    kind: str = Field(description="Rough kind: un-organ, itu-organ, itu-bureau, forum, …")


class Place(_Strict):
    """A city or country."""

    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", description="IRI slug under id/place/.")
    label_en: str = Field(min_length=1, description="English name.")
    label_zh: str = Field(min_length=1, description="Chinese name.")
    kind: Literal["city", "country"] = Field(description="City or country.")
    country: str | None = Field(default=None, description="Slug of the country a city is in.")
    aliases_zh: list[str] = Field(default_factory=list, description="Other Chinese names.")


class Conference(_Strict):
    """An ITU conference or session, keyed by organ, year and city."""

    slug: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", description="IRI slug under id/event/.")
    organ: Literal["pp", "wtdc", "wtsa", "ra", "wrc", "wcit", "wtpf", "wsis", "council"] = Field(description="Organ that meets.")
    year: int = Field(ge=1865, le=2100, description="Calendar year it was held.")
    city: str | None = Field(default=None, description="Place slug of the host city.")
    label_en: str = Field(min_length=1, description="English name.")
    label_zh: str = Field(min_length=1, description="Chinese name.")
    start: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="First day, if sure.")
    end: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="Last day, if sure.")
    session_codes: list[str] = Field(default_factory=list, description="Short codes such as C24.")
    cycle: str | None = Field(default=None, pattern=r"^\d{4}-\d{4}$", description="Cycle its outcomes cover.")
    source: str = Field(min_length=1, description="Where the entry was read (ITU page, document, seed text).")


class OrganPrefix(_Strict):
    """Words before 第N号决议 that name the adopting ITU organ."""

    text: str = Field(min_length=1, description="The words as written.")
    organ: str = Field(description="pp, wtdc, wtsa, ra, council, or @adopting (the citing text's conference).")


class UnOrganPrefix(_Strict):
    """Words before a UN-style number (第70/125号决议) that name the organ whose number it is."""

    text: str = Field(min_length=1, description="The words as written.")
    organ: Literal["unga", "ecosoc", "hrc", "sc", "other"] = Field(
        description="unga, ecosoc, hrc (Human Rights Council), sc (Security Council), or other: an organ "
        "with no identifier template, whose numbers are warned about instead of read as the GA's."
    )
    family: Family | None = Field(default=None, description="Only in citing texts of this family (理事会 = ECOSOC in UN texts).")


class ItuOrgan(_Strict):
    """An ITU organ that adopts resolutions or decisions."""

    organ: str = Field(description="Organ code used in IRIs.")
    org: str = Field(description="Its organization slug.")
    label_en: str = Field(min_length=1, description="English name for minted labels.")
    label_zh: str = Field(min_length=1, description="Chinese name for minted labels.")


class RoleTerm(_Strict):
    """A phrase that states ITU's role in an action line."""

    text: str = Field(min_length=1, description="The phrase as written.")
    role: Literal["facilitator", "co-facilitator", "partner"] = Field(description="The role it states.")


class LabelTemplate(_Strict):
    """Label templates (str.format placeholders) for a kind of minted instrument."""

    zh: str = Field(min_length=1, description="Chinese template.")
    en: str = Field(min_length=1, description="English template.")


class ExtractionVocabulary(_Strict):
    """The words extractors look for (seeds/reference/extraction.yaml)."""

    preamble_verbs: list[str] = Field(description="Preamble headings (忆及, 认识到, …).")
    operative_verbs: list[str] = Field(description="Operative headings or their openings (做出决议, 请, …).")
    itu_organ_prefixes: list[OrganPrefix] = Field(description="Organ names before 第N号决议.")
    un_organ_prefixes: list[UnOrganPrefix] = Field(description="Organ names before UN-style numbers.")
    itu_organs: list[ItuOrgan] = Field(description="Organs that adopt ITU resolutions/decisions.")
    council_session_pattern: str = Field(description="Regex with one group (the year) for a Council session.")
    role_terms: list[RoleTerm] = Field(description="Role phrases.")
    action_line_context: list[str] = Field(description="Words that make C1–C11 an action line.")
    citation_markers: list[str] = Field(description="Words that make a span look like a citation.")
    labels: dict[str, LabelTemplate] = Field(description="Label templates by instrument kind.")


# -- instruments cited by name (seeds/reference/instruments.yaml) ------------------------------

ResolutionBody = Literal["unga", "ecosoc", "pp", "wtdc", "wtsa", "ra", "council"]
NamedKind = Literal["resolution", "wsis", "itu-basic-text", "wtdc-action-plan", "wtdc-declaration", "other"]
_RESERVED_ITU_SEGMENTS = {"pp", "wtdc", "wtsa", "ra", "council", "doc", "region", "regional-initiative", "wtpf"}
_RESERVED_WSIS_SEGMENTS = {"action-line"}


class ResolutionRef(_Strict):
    """The numbered resolution an instrument is, or is annexed to (its IRI is the resolution's)."""

    body: ResolutionBody = Field(description="unga, ecosoc, or the ITU organ (pp, wtdc, wtsa, ra, council).")
    number: str = Field(pattern=r"^(\d{1,4}/\d+|\d+\([IVXLC]+\)|\d+)$", description="70/1, 217(III), or an ITU number (71).")
    year: int | None = Field(default=None, description="ITU only: the conference year of the version meant (None = the work).")
    relation: Literal["adopted", "annex"] = Field(description="The resolution adopts the instrument as its own text, or annexes it.")


class ShortForm(_Strict):
    """A short title that names the instrument wherever it stands in 《》 (in texts of ``family``)."""

    text: str = Field(min_length=1, description="The short title, without 《》.")
    family: Family | None = Field(default=None, description="Only in UN or only in ITU texts (None: both).")


class LocalShortForm(_Strict):
    """A short title that names the instrument only where the citing text makes that clear."""

    text: str = Field(min_length=1, description="The short title, without 《》 (《契约》, 《行动计划》).")
    context: list[str] = Field(
        default_factory=list,
        description="Word groups ('A|B' = A or B), one of each must be in the sentence; without them the "
        "text must have cited the instrument by a title or short form earlier.",
    )


class NamedInstrument(_Strict):
    """An instrument texts cite by title (docs/identifiers.md, "Instruments cited by name")."""

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", description="Key of the entry (entries are sorted by it).")
    kind: NamedKind = Field(description="Which IRI template applies (see the head of instruments.yaml).")
    slug: str | None = Field(default=None, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", description="IRI slug (kinds wsis, itu-basic-text, other).")
    resolution: ResolutionRef | None = Field(default=None, description="Kind resolution: the numbered resolution.")
    title_zh: str = Field(min_length=1, description="Chinese title as the issuer publishes it.")
    title_en: str = Field(min_length=1, description="English title as the issuer publishes it.")
    titles_zh: list[str] = Field(default_factory=list, description="Other full Chinese titles (in 《》 or quotation marks).")
    plain_titles_zh: list[str] = Field(default_factory=list, description="Full titles recognised in running text without marks.")
    short_forms: list[ShortForm] = Field(default_factory=list, description="Short titles valid in any text (of a family).")
    local_short_forms: list[LocalShortForm] = Field(default_factory=list, description="Short titles valid only where the text makes them clear.")
    numbered_provisions: bool = Field(default=False, description="Its provisions are numbered (款, 'No.'): 第141款 → {iri}/no/141.")
    issuer: str = Field(description="Organization slug of the body that adopted or issued it.")
    year: int | None = Field(default=None, ge=1800, le=2100, description="Year of adoption, if sure.")
    symbol: str | None = Field(default=None, description="Document symbol, if it has one.")
    adopted_at: str | None = Field(default=None, description="Event slug (conferences.yaml) of the conference that adopted it.")
    source: str = Field(min_length=1, description="Where the entry's facts come from (and the seed lines that cite it).")

    @model_validator(mode="after")
    def _template_fields(self) -> NamedInstrument:
        if (self.kind == "resolution") != (self.resolution is not None):
            raise ValueError("`resolution:` is required for kind resolution and only for it")
        if self.kind in ("wsis", "itu-basic-text", "other") and not self.slug:
            raise ValueError(f"kind {self.kind} needs a `slug:`")
        if self.kind in ("wtdc-action-plan", "wtdc-declaration") and self.year is None:
            raise ValueError(f"kind {self.kind} needs the conference `year:`")
        if self.kind == "itu-basic-text" and self.slug in _RESERVED_ITU_SEGMENTS:
            raise ValueError(f"slug {self.slug!r} is a reserved path segment under id/itu/")
        if self.kind == "wsis" and self.slug in _RESERVED_WSIS_SEGMENTS:
            raise ValueError(f"slug {self.slug!r} is a reserved path segment under id/wsis/")
        return self


class NotAnInstrument(_Strict):
    """A title that looks like an instrument's but is not one (a report, a theme): never cited."""

    title_zh: str = Field(min_length=1, description="The title as written, without 《》.")
    kind: Literal["report", "publication", "theme", "programme"] = Field(description="What it is.")
    source: str = Field(min_length=1, description="What it is, and where it was seen.")


class InstrumentCatalogue(_Strict):
    """The whole of seeds/reference/instruments.yaml."""

    body_name_suffixes: list[str] = Field(description="Words after 《title》 that make it part of a body's name.")
    instruments: list[NamedInstrument] = Field(description="Instruments cited by name, sorted by id.")
    not_instruments: list[NotAnInstrument] = Field(description="Titles known not to be instruments.")


TitleForm = Literal["title", "plain", "short", "local"]


@dataclass(frozen=True)
class TitleUse:
    """One way of writing one instrument's title, as indexed for look-up."""

    instrument: NamedInstrument
    form: TitleForm
    family: Family | None = None
    context: tuple[str, ...] = ()


def title_key(title: str) -> str:
    """How titles are compared: NFKC (full-width folded), white space removed."""
    return "".join(unicodedata.normalize("NFKC", title).split())


class ClauseVerb(_Strict):
    """A concept of the clause-verb scheme (id/clause-verb/{slug}) and the Chinese forms it covers."""

    slug: str = Field(pattern=r"^[a-z]+(-[a-z]+)*$", description="IRI slug: participle (preambular) or third person (operative).")
    kind: Literal["preambular", "operative"] = Field(description="Which part of a text the verb opens.")
    label_en: str = Field(min_length=1, description="English label, as UN/ITU texts write it.")
    label_zh: str = Field(min_length=1, description="Chinese preferred label.")
    forms_zh: list[str] = Field(min_length=1, description="Chinese forms that always mean this concept.")
    further_forms_zh: list[str] = Field(default_factory=list, description="Forms repeating an earlier verb (又回顾).")
    mandate: bool = Field(description="Operative verb that asks an addressee to act.")


class Rendering(_Strict):
    """How a Chinese verb reads in one family of texts before one kind of addressee (请成员国 = invites)."""

    form: str = Field(min_length=1, description="The Chinese verb as written.")
    family: Family = Field(description="UN or ITU texts.")
    addressee_kinds: list[str] = Field(default_factory=list, description="Organization kinds it applies to; empty = any.")
    verb: str = Field(description="Slug of the clause-verb concept it renders.")


class Frequency(_Strict):
    """A frequency word and its code in the EU Publications Office frequency table."""

    text: str = Field(min_length=1, description="The word as written (每年).")
    code: str = Field(pattern=r"^[A-Z_]+$", description="Code under http://publications.europa.eu/resource/authority/frequency/.")


class ClauseVerbs(_Strict):
    """The clause-verb vocabulary and the words mandate extraction reads (seeds/reference/clause-verbs.yaml)."""

    further_prefixes: list[str] = Field(description="Prefixes that mark a repeated verb (又, 还, 再次).")
    clause_openers: list[str] = Field(description="Words allowed between a clause boundary and a verb (并, 在这方面).")
    reported_request_cues: list[str] = Field(description="Words showing a request is reported from another text.")
    addressee_like_heads: list[str] = Field(description="Head nouns of addressees the reference data may not know.")
    addressee_separators: list[str] = Field(description="Separators in a list of addressees.")
    addressee_inclusions: list[str] = Field(description="Words singling a named addressee out of the one before.")
    reporting_words: list[str] = Field(description="Words that make 向X a reporting line.")
    frequencies: list[Frequency] = Field(description="Frequency words.")
    deadline_words: list[str] = Field(description="Words that mark a deadline.")
    renderings: list[Rendering] = Field(description="Family- and addressee-dependent renderings, first match wins.")
    clause_verbs: list[ClauseVerb] = Field(description="The concepts, sorted by slug.")


M = TypeVar("M", bound=BaseModel)


def _load(path: Path, key: str, model: type[M]) -> list[M]:
    """Load the list under ``key`` of one YAML file, naming the file and entry on error."""
    try:
        raw = safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(path, f"cannot read reference data: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get(key), list):
        raise InputError(path, f"expected a top-level list `{key}:`")
    items = []
    for i, item in enumerate(raw[key]):
        try:
            items.append(model.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            raise InputError(path, f"{key}[{i}].{'.'.join(map(str, first['loc']))}: {first['msg']}") from exc
    return items


def _load_catalogue(path: Path) -> InstrumentCatalogue:
    """Read instruments.yaml; entries must be sorted by id and unique (the file stays canonical)."""
    try:
        catalogue = InstrumentCatalogue.model_validate(safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(path, f"cannot read reference data: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(path, f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from exc
    ids = [i.id for i in catalogue.instruments]
    if ids != sorted(set(ids)):
        raise InputError(path, "instruments must be sorted by id, each id once")
    return catalogue


class Reference(BaseModel):
    """All reference data, with the look-ups extraction and mapping use."""

    model_config = ConfigDict(frozen=True)

    action_lines: list[ActionLine] = Field(description="C1–C11.")
    sub_lines: list[SubLine] = Field(description="The eight C7 sub-lines.")
    goals: list[Goal] = Field(description="The 17 SDGs.")
    regions: list[Region] = Field(description="The six ITU-D regions.")
    organizations: list[Organization] = Field(description="Bodies and organs.")
    places: list[Place] = Field(description="Cities and countries.")
    conferences: list[Conference] = Field(description="ITU conferences and sessions.")
    vocabulary: ExtractionVocabulary = Field(description="Words the extractors look for.")
    catalogue: InstrumentCatalogue = Field(description="Instruments cited by name, and titles that are not instruments.")
    clause_verbs: ClauseVerbs = Field(description="Clause-verb concepts and mandate words.")

    @classmethod
    def load(cls, folder: Path) -> Reference:
        """Read every reference file of ``folder`` and check cross-references between them."""
        vocab_path = folder / "extraction.yaml"
        try:
            vocabulary = ExtractionVocabulary.model_validate(safe_load(vocab_path.read_text(encoding="utf-8")))
        except (OSError, yaml.YAMLError, ValidationError) as exc:
            raise InputError(vocab_path, f"cannot load extraction vocabulary: {exc}") from exc
        verbs_path = folder / "clause-verbs.yaml"
        try:
            clause_verbs = ClauseVerbs.model_validate(safe_load(verbs_path.read_text(encoding="utf-8")))
        except (OSError, yaml.YAMLError, ValidationError) as exc:
            raise InputError(verbs_path, f"cannot load clause verbs: {exc}") from exc
        ref = cls(
            action_lines=_load(folder / "action-lines.yaml", "action_lines", ActionLine),
            sub_lines=_load(folder / "action-lines.yaml", "sub_lines", SubLine),
            goals=_load(folder / "sdgs.yaml", "goals", Goal),
            regions=_load(folder / "regions.yaml", "regions", Region),
            organizations=_load(folder / "organizations.yaml", "organizations", Organization),
            places=_load(folder / "places.yaml", "places", Place),
            conferences=_load(folder / "conferences.yaml", "conferences", Conference),
            vocabulary=vocabulary,
            catalogue=_load_catalogue(folder / "instruments.yaml"),
            clause_verbs=clause_verbs,
        )
        ref._check_links(folder)
        return ref

    def _check_links(self, folder: Path) -> None:
        """Every slug one file names must exist in the file that defines it."""
        orgs = {o.slug for o in self.organizations}
        places = {p.slug for p in self.places}
        for o in self.organizations:
            if o.part_of and o.part_of not in orgs:
                raise InputError(folder / "organizations.yaml", f"{o.slug}: part_of {o.part_of!r} is not an organization")
        for p in self.places:
            if p.country and p.country not in places:
                raise InputError(folder / "places.yaml", f"{p.slug}: country {p.country!r} is not a place")
        for c in self.conferences:
            if c.city and c.city not in places:
                raise InputError(folder / "conferences.yaml", f"{c.slug}: city {c.city!r} is not a place")
        for ins in self.catalogue.instruments:
            if ins.issuer not in orgs:
                raise InputError(folder / "instruments.yaml", f"{ins.id}: issuer {ins.issuer!r} is not an organization")
            if ins.adopted_at and ins.adopted_at not in {c.slug for c in self.conferences}:
                raise InputError(folder / "instruments.yaml", f"{ins.id}: adopted_at {ins.adopted_at!r} is not a conference")
        for organ in self.vocabulary.itu_organs:
            if organ.org not in orgs:
                raise InputError(folder / "extraction.yaml", f"itu_organs: {organ.org!r} is not an organization")
        slugs = [v.slug for v in self.clause_verbs.clause_verbs]
        if len(set(slugs)) != len(slugs):
            raise InputError(folder / "clause-verbs.yaml", "clause_verbs: a slug is listed twice")
        for r in self.clause_verbs.renderings:
            if r.verb not in slugs:
                raise InputError(folder / "clause-verbs.yaml", f"renderings: {r.verb!r} is not a clause verb")

    # look-ups -------------------------------------------------------------------------
    @cached_property
    def clause_verb_by_slug(self) -> dict[str, ClauseVerb]:
        return {v.slug: v for v in self.clause_verbs.clause_verbs}

    @cached_property
    def org_by_slug(self) -> dict[str, Organization]:
        return {o.slug: o for o in self.organizations}

    def org_names(self, family: str) -> list[tuple[str, Organization]]:
        """Every name of every organization a text of ``family`` may use, longest first.

        Chinese labels and aliases, the acronym and the context aliases of that family
        (秘书长 is the ITU Secretary-General in ITU texts, the UN's in UN texts).
        """
        return self._org_names[family]

    @cached_property
    def _org_names(self) -> dict[str, list[tuple[str, Organization]]]:
        out: dict[str, list[tuple[str, Organization]]] = {}
        for family in ("un", "itu"):
            names: dict[str, Organization] = {}
            for o in self.organizations:
                for n in [o.label_zh, *o.aliases_zh, *([o.acronym] if o.acronym else [])]:
                    names.setdefault(n, o)
                for c in o.context_aliases:
                    if c.family == family and not c.alias.isascii():
                        names[c.alias] = o
            out[family] = sorted(names.items(), key=lambda item: (-len(item[0]), item[0]))
        return out

    @cached_property
    def conference_by_slug(self) -> dict[str, Conference]:
        return {c.slug: c for c in self.conferences}

    @cached_property
    def organ_by_code(self) -> dict[str, ItuOrgan]:
        return {o.organ: o for o in self.vocabulary.itu_organs}

    @cached_property
    def place_by_slug(self) -> dict[str, Place]:
        return {p.slug: p for p in self.places}

    @cached_property
    def place_names(self) -> list[tuple[str, Place]]:
        """Every Chinese name of every place, longest first (so 吉尔吉斯共和国 beats 吉尔吉斯)."""
        names = [(n, p) for p in self.places for n in [p.label_zh, *p.aliases_zh]]
        return sorted(names, key=lambda item: (-len(item[0]), item[0], item[1].slug))

    def city_named(self, name: str) -> Place | None:
        """The city whose Chinese name is exactly ``name`` (cities win over same-named countries)."""
        hits = [p for n, p in self.place_names if n == name]
        return next((p for p in hits if p.kind == "city"), hits[0] if hits else None)

    def conference_at(self, year: int, city_name: str, organs: Collection[str] | None = None) -> Conference | None:
        """The one conference held in ``year`` in the city called ``city_name``, among those of
        ``organs`` when given (Geneva 2003 held RA-03 and the WSIS; only one adopts resolutions)."""
        city = self.city_named(city_name)
        if city is None:
            return None
        hits = [c for c in self.conferences if c.year == year and c.city == city.slug and (organs is None or c.organ in organs)]
        return hits[0] if len(hits) == 1 else None

    @cached_property
    def _conference_by_organ_year(self) -> dict[tuple[str, int], list[Conference]]:
        out: dict[tuple[str, int], list[Conference]] = {}
        for c in self.conferences:
            out.setdefault((c.organ, c.year), []).append(c)
        return out

    def conference_of(self, organ: str, year: int) -> Conference | None:
        """The one conference of ``organ`` held in ``year`` (None if none or several)."""
        hits = self._conference_by_organ_year.get((organ, year), [])
        return hits[0] if len(hits) == 1 else None

    def council_session(self, year: int | None = None, code: str | None = None) -> Conference | None:
        """A Council session by its year or its code (C24)."""
        for c in self.conferences:
            if c.organ == "council" and ((year is not None and c.year == year) or (code and code in c.session_codes)):
                return c
        return None

    @cached_property
    def region_by_code(self) -> dict[str, Region]:
        return {r.code: r for r in self.regions}

    @cached_property
    def sub_line_names(self) -> list[tuple[str, SubLine]]:
        names = [(n, s) for s in self.sub_lines for n in [s.label_zh, *s.aliases_zh]]
        return sorted(names, key=lambda item: (-len(item[0]), item[0]))

    @cached_property
    def organ_prefix_regex(self) -> re.Pattern[str]:
        """Alternation of organ prefixes, longest first, for the words before 第N号."""
        texts = sorted({p.text for p in self.vocabulary.itu_organ_prefixes}, key=lambda t: (-len(t), t))
        return re.compile("|".join(re.escape(t) for t in texts))

    def organ_for_prefix(self, text: str) -> str:
        return next(p.organ for p in self.vocabulary.itu_organ_prefixes if p.text == text)

    # instruments cited by name --------------------------------------------------------
    @cached_property
    def instrument_by_id(self) -> dict[str, NamedInstrument]:
        return {i.id: i for i in self.catalogue.instruments}

    @cached_property
    def title_index(self) -> dict[str, list[TitleUse]]:
        """Every way of writing every instrument's title (``title_key``) → its uses, in file order."""
        index: dict[str, list[TitleUse]] = {}
        for ins in self.catalogue.instruments:
            pairs = [(title_key(t), TitleUse(ins, "title")) for t in [ins.title_zh, *ins.titles_zh]]
            pairs += [(title_key(t), TitleUse(ins, "plain")) for t in ins.plain_titles_zh]
            pairs += [(title_key(s.text), TitleUse(ins, "short", family=s.family)) for s in ins.short_forms]
            pairs += [(title_key(s.text), TitleUse(ins, "local", context=tuple(s.context))) for s in ins.local_short_forms]
            for key, use in pairs:
                bucket = index.setdefault(key, [])
                if all(u.instrument.id != ins.id for u in bucket):
                    bucket.append(use)
        return index

    @cached_property
    def not_instrument_keys(self) -> frozenset[str]:
        return frozenset(title_key(n.title_zh) for n in self.catalogue.not_instruments)

    @cached_property
    def plain_title_regex(self) -> re.Pattern[str] | None:
        """Plain (unmarked) titles, longest first, white space allowed between any two characters."""
        titles = sorted({title_key(t) for i in self.catalogue.instruments for t in i.plain_titles_zh}, key=lambda t: (-len(t), t))
        if not titles:
            return None
        return re.compile("|".join(r"\s*".join(re.escape(ch) for ch in t) for t in titles))
