"""What extraction reads out of a text: typed records, each with the span it came from.

These records are the boundary between extraction (which knows Chinese and notation) and
RDF mapping (which knows vocabularies). Every record carries a ``Span`` so the graph can
point at the exact characters a fact rests on.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Span(_Record):
    """Characters ``[start, end)`` of a source text (code points), with the line of ``start``."""

    start: int = Field(ge=0, description="Offset of the first character.")
    end: int = Field(gt=0, description="Offset after the last character (exclusive).")
    line: int = Field(ge=1, description="1-based line number of ``start``, for people and warnings.")
    exact: str = Field(min_length=1, description="The characters themselves, unnormalized (evidence).")

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end <= self.start:
            raise ValueError(f"span end {self.end} is not after start {self.start}")
        return self


ProvisionKind = Literal["preamble", "operative", "footnote", "paragraph"]
ConceptScheme = Literal["action-line", "sub-line", "sdg"]
RoleName = Literal["facilitator", "co-facilitator", "partner"]


class Provision(_Record):
    """A preamble clause, operative paragraph, numbered paragraph (reports, Council documents)
    or footnote of a container (document or annex part)."""

    kind: ProvisionKind = Field(description="Which part of the text's structure this is.")
    container: str = Field(description="IRI of the document or annex part it belongs to.")
    sequence: int = Field(ge=1, description="1-based order among the container's provisions (footnotes: own series).")
    marker: str | None = Field(default=None, description="Its label as printed: a), 1, ii), or the footnote number.")
    verb: str | None = Field(default=None, description="Heading verb it sits under (忆及, 做出决议，请…), if any.")
    span: Span = Field(description="Where the whole provision is.")
    footnote_refs: tuple[str, ...] = Field(default=(), description="Footnote numbers it calls (<sup>1</sup>).")
    verb_concept: str | None = Field(default=None, description="Slug of its clause-verb concept (id/clause-verb/{slug}), if read.")
    further: bool = Field(default=False, description="Its verb repeats an earlier clause's (又回顾, 进一步责成, 再次).")


class AnnexPart(_Record):
    """A part of a document's annex that is an instrument of its own (a WTPF draft opinion)."""

    iri: str = Field(description="IRI of the part (e.g. id/itu/wtpf/2021/opinion/3).")
    number: int = Field(ge=1, description="Its number (Opinion 3 → 3).")
    year: int = Field(description="Year of the forum the part belongs to (WTPF-21 → 2021).")
    title: str = Field(min_length=1, description="Its title as printed, markup removed.")
    span: Span = Field(description="From its heading to the end of the part.")


InstrumentKind = Literal[
    "unga_resolution",
    "ecosoc_resolution",
    "ecosoc_decision",
    "sc_resolution",
    "itu_resolution",
    "council_decision",
    "wtpf_opinion",
    "wtdc_declaration",
    "un_document",
    "itu_document",
    "named_instrument",
    "numbered_provision",
    "instrument_paragraph",
]


class Instrument(_Record):
    """A cited instrument after normalization to the identifiers of docs/identifiers.md."""

    kind: InstrumentKind = Field(description="What sort of instrument.")
    iri: str = Field(description="Its IRI: for ITU resolutions/decisions the version if a year is known, else the work.")
    work_iri: str | None = Field(default=None, description="The work of a version (None when iri is the work).")
    number: str = Field(description="Number as normalized: 70/125, 2024/13, 71, A/79/62, …")
    organ: str | None = Field(default=None, description="ITU organ code (pp, wtdc, wtsa, ra, council, wtpf).")
    year: int | None = Field(default=None, description="Year of the adopting/revising conference (versions).")
    conference: str | None = Field(default=None, description="Slug of that conference, when known.")
    alt_symbol: str | None = Field(default=None, description="Second symbol of a joint UN symbol (A/…-E/…).")
    named: str | None = Field(default=None, description="Id of its entry in seeds/reference/instruments.yaml, when cited by name.")
    part_of: str | None = Field(default=None, description="For a cited numbered provision or paragraph: the IRI of the instrument it is part of.")


class Citation(_Record):
    """One citation in a text: who cites what, where, under which clause verb."""

    citing: str = Field(description="IRI of the citing document or annex part.")
    cited: Instrument = Field(description="The cited instrument, normalized.")
    span: Span = Field(description="The citation as written (one number of a list is its own span).")
    verb: str | None = Field(default=None, description="Clause verb of the provision that makes the citation.")
    provision: int | None = Field(default=None, description="Index into the document's provisions, if inside one.")
    verb_concept: str | None = Field(default=None, description="Slug of the clause-verb concept of ``verb``, if read.")


class ConceptMention(_Record):
    """A WSIS action line, C7 sub-line or SDG named in a text."""

    container: str = Field(description="IRI of the document or annex part that mentions it.")
    scheme: ConceptScheme = Field(description="Which concept scheme.")
    code: str = Field(description="C5, e-environment, or the goal number.")
    span: Span = Field(description="The mention as written.")
    sentence: Span = Field(description="The sentence (or list clause) it stands in.")
    provision: int | None = Field(default=None, description="Index into the document's provisions, if inside one.")


class BodyMention(_Record):
    """An organization (body, organ, agency) named in a text."""

    container: str = Field(description="IRI of the document or annex part that names it.")
    org: str = Field(description="Organization slug (id/org/{slug}).")
    span: Span = Field(description="The name as written.")
    provision: int | None = Field(default=None, description="Index into the document's provisions, if inside one.")


class RoleStatement(_Record):
    """A statement of ITU's role in a WSIS action line (facilitator, co-facilitator, partner)."""

    agent: str = Field(description="Organization slug (itu).")
    code: str = Field(pattern=r"^C([1-9]|1[01])$", description="Action line code.")
    role: RoleName = Field(description="The role stated.")
    span: Span = Field(description="The phrase that states it (evidence).")


class Meeting(_Record):
    """A meeting whose date and place the text states (e.g. a regional preparatory meeting)."""

    slug: str = Field(description="Event slug under id/event/.")
    label: str = Field(description="The code the text uses (RPM-EUR, IRM-1, WTDC-25).")
    region: str | None = Field(default=None, description="ITU-D region code, for regional meetings.")
    start: dt.date = Field(description="First day.")
    end: dt.date = Field(description="Last day.")
    city: str | None = Field(default=None, description="Place slug of the city (None for virtual meetings).")
    country: str | None = Field(default=None, description="Place slug of the host country.")
    virtual: bool = Field(default=False, description="Held online only.")
    span: Span = Field(description="The sentence stating date and place.")

    @model_validator(mode="after")
    def _dates(self) -> Meeting:
        if self.end < self.start:
            raise ValueError(f"{self.label}: end {self.end} before start {self.start}")
        return self


class RegionalInitiative(_Record):
    """A regional initiative adopted by a regional preparatory meeting."""

    code: str = Field(pattern=r"^(AFR|AMS|ARB|ASP|CIS|EUR)\d+$", description="Code without spaces: EUR1, CIS1.")
    region: str = Field(description="Region code.")
    title: str = Field(min_length=1, description="Title as printed.")
    description: str | None = Field(default=None, description="Explanation after the title, if printed.")
    cycle: str = Field(pattern=r"^\d{4}-\d{4}$", description="Implementation cycle, e.g. 2026-2029.")
    meeting: str = Field(description="Slug of the adopting meeting.")
    span: Span = Field(description="The list item.")


class RegionalPriority(_Record):
    """A regional priority agreed by a meeting (ARB's six, not yet initiatives)."""

    number: int = Field(ge=1, description="Its number in the list.")
    region: str = Field(description="Region code.")
    title: str = Field(min_length=1, description="Title as printed.")
    meeting: str = Field(description="Slug of the meeting that agreed it.")
    span: Span = Field(description="The list item.")


class Mandate(_Record):
    """One addressee asked to act by one provision (docs/identifiers.md: ``{provision}/mandate/{k}``).

    A heading with several addressees gives one mandate each; a request embedded in a
    paragraph (…，请秘书长…) is a mandate like a heading's. Reporting line, deadline and
    frequency are recorded only where the request states them.
    """

    provision: int = Field(ge=0, description="Index into the document's provisions.")
    sequence: int = Field(ge=1, description="k: 1-based order of the mandate in its provision.")
    verb: str = Field(description="Slug of the operative clause-verb concept (instructs, requests, invites…).")
    verb_text: str = Field(min_length=1, description="The verb as written (责成, 请, 还促请).")
    further: bool = Field(default=False, description="The verb repeats an earlier one (进一步责成, 再次请).")
    addressee: str = Field(description="Organization slug of the addressee (id/org/{slug}).")
    addressee_span: Span = Field(description="The addressee as written.")
    span: Span = Field(description="The request: from the verb (or the item) to the end of what is asked.")
    embedded: bool = Field(default=False, description="Made inside a paragraph rather than by its heading or lead verb.")
    issuer: str | None = Field(default=None, description="Organization slug of the body that issues the text, when known.")
    year: int | None = Field(default=None, description="Year the issuing text was adopted or dated, when known.")
    reports_to: str | None = Field(default=None, description="Organization slug of the body it reports to, if stated.")
    reports_through: tuple[str, ...] = Field(default=(), description="Bodies the report goes through (通过A和B向C), in order.")
    deadline: str | None = Field(default=None, description="The deadline as written (下届全权代表大会, 2024年8月31日前).")
    deadline_date: dt.date | None = Field(default=None, description="The deadline as a date, when the text gives one.")
    deadline_event: str | None = Field(default=None, description="Event slug of the deadline, when it names a known conference.")
    frequency: str | None = Field(default=None, description="Code of the EU frequency table (ANNUAL), if stated.")
    action_lines: tuple[str, ...] = Field(default=(), description="Action line codes named in the same paragraph (C5).")
    sdgs: tuple[int, ...] = Field(default=(), description="SDG numbers named in the same paragraph.")
    fingerprint: tuple[str, ...] = Field(default=(), description="MinHash of the request's character bigrams ('i:hex'), for finding repeats.")


class BuildWarning(_Record):
    """Something that looked like a fact but was not normalized: never dropped silently."""

    file: str = Field(description="Source file name.")
    line: int = Field(ge=1, description="1-based line.")
    message: str = Field(description="What was seen and why it was not used.")

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class DocumentExtraction(_Record):
    """Everything read out of one source document."""

    key: str = Field(description="Manifest key.")
    iri: str = Field(description="Document IRI.")
    provisions: tuple[Provision, ...] = Field(default=(), description="Structure, in text order.")
    parts: tuple[AnnexPart, ...] = Field(default=(), description="Annex parts with identity of their own.")
    citations: tuple[Citation, ...] = Field(default=(), description="Citations by number or symbol, in text order.")
    named_citations: tuple[Citation, ...] = Field(default=(), description="Citations of instruments by title (《突尼斯议程》), in text order.")
    mentions: tuple[ConceptMention, ...] = Field(default=(), description="Concept mentions, in text order.")
    roles: tuple[RoleStatement, ...] = Field(default=(), description="Role statements.")
    meetings: tuple[Meeting, ...] = Field(default=(), description="Meetings with stated date and place.")
    initiatives: tuple[RegionalInitiative, ...] = Field(default=(), description="Regional initiatives.")
    priorities: tuple[RegionalPriority, ...] = Field(default=(), description="Regional priorities.")
    mandates: tuple[Mandate, ...] = Field(default=(), description="Mandates, in text order.")
    bodies: tuple[BodyMention, ...] = Field(default=(), description="Organizations named, in text order.")
    warnings: tuple[BuildWarning, ...] = Field(default=(), description="What could not be normalized.")
