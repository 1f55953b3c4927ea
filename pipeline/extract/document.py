"""Run every extractor over one source text and gather a ``DocumentExtraction``."""

from __future__ import annotations

from pipeline.extract.citations import CitationContext, extract_citations
from pipeline.extract.concepts import extract_mentions
from pipeline.extract.meetings import extract_initiatives, extract_meetings, extract_priorities
from pipeline.extract.roles import extract_roles
from pipeline.extract.structure import STRUCTURED_KINDS, annex_parts, provisions
from pipeline.extract.view import matching_view
from pipeline.identifiers import Identifiers
from pipeline.model import DocumentExtraction
from pipeline.sources.documents import SourceText
from pipeline.sources.reference import Reference


def family_of(key: str) -> str:
    """UN or ITU: decides what 大会 and 理事会 mean in the text."""
    return "un" if key.startswith("un/") else "itu"


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
    provs = tuple(provisions(source, ref, regions, family))
    adopting = ref.conference_by_slug.get(entry.adopted_by or entry.issued_for or "")
    ctx = CitationContext(
        source=source, view=view, ref=ref, ids=ids, document_iri=doc, family=family,
        adopting=adopting, citing_at=container_at, provisions=provs,
    )
    citations, warnings = extract_citations(ctx)
    meetings = extract_meetings(source, view, ref)
    initiatives, ri_warnings = extract_initiatives(source, view, meetings)
    return DocumentExtraction(
        key=entry.key,
        iri=doc,
        provisions=provs,
        parts=tuple(parts),
        citations=tuple(citations),
        mentions=tuple(extract_mentions(source, view, ref, container_at, provs)),
        roles=tuple(extract_roles(source, view, ref)),
        meetings=tuple(meetings),
        initiatives=tuple(initiatives),
        priorities=tuple(extract_priorities(source, view, meetings)),
        warnings=tuple(sorted((*warnings, *ri_warnings), key=lambda w: (w.line, w.message))),
    )
