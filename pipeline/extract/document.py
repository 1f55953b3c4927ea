"""Run every extractor over one source text and gather a ``DocumentExtraction``."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.extract.bodies import extract_bodies
from pipeline.extract.citations import CitationContext, extract_citations
from pipeline.extract.clauses import citation_verb_concepts, with_verb_concepts
from pipeline.extract.concepts import extract_mentions
from pipeline.extract.mandates import extract_mandates
from pipeline.extract.meetings import (
    extract_initiatives,
    extract_meetings,
    extract_priorities,
)
from pipeline.extract.named import extract_named
from pipeline.extract.roles import extract_roles
from pipeline.extract.structure import (
    NUMBERED_KINDS,
    STRUCTURED_KINDS,
    annex_parts,
    numbered_paragraphs,
    provisions,
)
from pipeline.extract.view import matching_view
from pipeline.identifiers import Identifiers
from pipeline.model import AnnexPart, DocumentExtraction
from pipeline.sources.documents import ManifestEntry, SourceText
from pipeline.sources.reference import Reference


def family_of(key: str) -> str:
    """UN or ITU: decides what 大会 and 理事会 mean in the text."""
    return "un" if key.startswith("un/") else "itu"


def issuer_of(entry: ManifestEntry, ref: Reference, doc: str, parts: list[AnnexPart]) -> Callable[[str], tuple[str | None, int | None]]:
    """The body that issues each container and the year it was adopted or dated.

    A WTPF opinion is the forum's (year of the forum); a resolution or declaration is its
    conference organ's (year of the conference); a UN draft resolution is the General
    Assembly's (大会, its opening word; year of its date); a report or Council document names no
    issuing body. Either is None when the text and the manifest do not say.
    """
    wtpf = {p.iri: p.year for p in parts}
    conference = ref.conference_by_slug.get(entry.adopted_by or (entry.issued_for if entry.kind == "declaration" else None) or "")
    organ = ref.organ_by_code.get(conference.organ) if conference else None
    own = organ.org if organ else ("unga" if family_of(entry.key) == "un" and entry.kind == "draft resolution" else None)
    year = conference.year if conference else (entry.date.year if entry.date else None)

    def of(container: str) -> tuple[str | None, int | None]:
        if container in wtpf:
            return "wtpf", wtpf[container]
        return (own, year) if container == doc else (None, None)

    return of


def extract_document(source: SourceText, ref: Reference, ids: Identifiers) -> DocumentExtraction:
    """All facts of one text, each with its span."""
    entry = source.entry
    doc = ids.id(entry.key)
    family = family_of(entry.key)
    view = matching_view(source.text)
    parts = annex_parts(source, ref, ids)

    def container_at(offset: int) -> str:
        return next((p.iri for p in parts if p.span.start <= offset < p.span.end), doc)

    regions: list[tuple[str, int, int]] = []
    if entry.kind in STRUCTURED_KINDS:
        regions.append((doc, 0, len(source.text)))
    regions += [(p.iri, p.span.start, p.span.end) for p in parts]
    body: list = []
    if entry.kind in NUMBERED_KINDS:
        body = numbered_paragraphs(source, doc, 0, parts[0].span.start if parts else len(source.text))
    provs = with_verb_concepts(tuple(body + provisions(source, ref, regions, family)), source, view, ref, family)
    adopting = ref.conference_by_slug.get(entry.adopted_by or entry.issued_for or "")
    ctx = CitationContext(
        source=source, view=view, ref=ref, ids=ids, document_iri=doc, family=family,
        adopting=adopting, citing_at=container_at, provisions=provs,
    )
    citations, warnings = extract_citations(ctx)
    named, named_warnings = extract_named(ctx, citations, entry.title_zh)
    citations = citation_verb_concepts(citations, provs, ref, family)
    named = citation_verb_concepts(named, provs, ref, family)
    mentions = tuple(extract_mentions(source, view, ref, container_at, provs))
    mandates, m_warnings = extract_mandates(source, view, ref, family, provs, mentions, issuer_of(entry, ref, doc, parts), adopting)
    meetings = extract_meetings(source, view, ref)
    initiatives, ri_warnings = extract_initiatives(source, view, meetings)
    return DocumentExtraction(
        key=entry.key,
        iri=doc,
        provisions=provs,
        parts=tuple(parts),
        citations=tuple(citations),
        named_citations=tuple(named),
        mentions=mentions,
        roles=tuple(extract_roles(source, view, ref)),
        meetings=tuple(meetings),
        initiatives=tuple(initiatives),
        priorities=tuple(extract_priorities(source, view, meetings)),
        mandates=tuple(mandates),
        bodies=tuple(extract_bodies(source, view, ref, family, container_at, provs)),
        warnings=tuple(sorted((*warnings, *named_warnings, *ri_warnings, *m_warnings), key=lambda w: (w.line, w.message))),
    )
