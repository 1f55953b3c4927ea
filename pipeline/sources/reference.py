"""Curated reference data from ``seeds/reference/``: concepts, bodies, places, conferences.

Everything here is typed in by a person from sure sources (not extracted), so it is loaded
strictly: an unknown field or a missing label is an error naming the file. The loaded
``Reference`` also offers the look-ups extraction needs (a conference by year and city, an
organ by its prefix words, a place by its Chinese name).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cached_property
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

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
    organ: Literal["pp", "wtdc", "wtsa", "ra", "wcit", "wtpf", "wsis", "council"] = Field(description="Organ that meets.")
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

    @classmethod
    def load(cls, folder: Path) -> Reference:
        """Read every reference file of ``folder`` and check cross-references between them."""
        vocab_path = folder / "extraction.yaml"
        try:
            vocabulary = ExtractionVocabulary.model_validate(safe_load(vocab_path.read_text(encoding="utf-8")))
        except (OSError, yaml.YAMLError, ValidationError) as exc:
            raise InputError(vocab_path, f"cannot load extraction vocabulary: {exc}") from exc
        ref = cls(
            action_lines=_load(folder / "action-lines.yaml", "action_lines", ActionLine),
            sub_lines=_load(folder / "action-lines.yaml", "sub_lines", SubLine),
            goals=_load(folder / "sdgs.yaml", "goals", Goal),
            regions=_load(folder / "regions.yaml", "regions", Region),
            organizations=_load(folder / "organizations.yaml", "organizations", Organization),
            places=_load(folder / "places.yaml", "places", Place),
            conferences=_load(folder / "conferences.yaml", "conferences", Conference),
            vocabulary=vocabulary,
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
        for organ in self.vocabulary.itu_organs:
            if organ.org not in orgs:
                raise InputError(folder / "extraction.yaml", f"itu_organs: {organ.org!r} is not an organization")

    # look-ups -------------------------------------------------------------------------
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
