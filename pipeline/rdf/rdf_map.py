"""Map reference data and extraction records to RDF quads (ontology/MODEL.md is the spec).

Quads are pyoxigraph terms: the same terms feed the dumps, the embedded store and the
strict parser check, with no blank nodes (every node has a stable IRI, so reloading is
idempotent).

Named graphs, each fact written once:

- ``graph/reference``: the curated reference data (concepts, bodies, places, conferences);
- ``graph/descriptions``: what each instrument, source document and meeting *is* (types,
  labels, titles, identifiers, issuing body, work of a version), one description per node
  however many documents name it. A document's mapping emits these into
  :attr:`MappedDocument.descriptions` (call :meth:`Mapper.describe_instrument`, or
  ``out.descriptions.add/types/labels``); the build merges them over all documents;
- ``graph/{manifest key}``: only what one document says (its text, spans, provisions,
  citations, mentions, role statements, dated meetings, initiatives), with provenance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from pyoxigraph import Literal, NamedNode, Quad

from pipeline.errors import WsisKgError
from pipeline.extract.named import instrument_of
from pipeline.identifiers import ONTOLOGY_NS, Identifiers, clean_symbol
from pipeline.model import Citation, DocumentExtraction, Instrument, InstrumentKind, Mandate, Span
from pipeline.sources.documents import SourceText
from pipeline.sources.reference import NamedInstrument, Reference

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
ELI = "http://data.europa.eu/eli/ontology#"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
CITO = "http://purl.org/spar/cito/"
W = ONTOLOGY_NS
UN_SDG = "http://metadata.un.org/sdg/"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"

PREFIXES = {
    "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "skos": SKOS, "dcterms": DCT, "eli": ELI, "prov": PROV,
    "oa": OA, "org": ORG, "schema": SCHEMA, "cito": CITO, "wsis": W,
}
#: Genre classes a manifest ``kind`` adds to a source document (the main class is the key's).
_KIND_CLASS = {"draft resolution": "DraftResolution", "report": "Report", "council document": "CouncilDocument"}
#: The instrument kind (model.InstrumentKind) a key template describes, for numbered instruments.
_TEMPLATE_INSTRUMENT: dict[str, InstrumentKind] = {
    "unga-resolution": "unga_resolution", "ecosoc-resolution": "ecosoc_resolution",
    "ecosoc-decision": "ecosoc_decision", "sc-resolution": "sc_resolution",
    "itu-resolution": "itu_resolution", "council-decision": "council_decision",
    "wtpf-opinion": "wtpf_opinion", "wtdc-declaration": "wtdc_declaration",
    "un-document": "un_document", "itu-document": "itu_document",
}
_INSTRUMENT_CLASS = {
    "unga_resolution": "UNGAResolution", "ecosoc_resolution": "ECOSOCResolution", "wtpf_opinion": "WTPFOpinion",
    "ecosoc_decision": "ECOSOCDecision", "sc_resolution": "SecurityCouncilResolution",
    "wtdc_declaration": "Declaration", "un_document": "UNDocument", "itu_document": "ITUDocument",
}
_NAMED_CLASS = {"wsis": "WSISOutcomeDocument", "itu-basic-text": "ITUBasicText", "wtdc-action-plan": "ActionPlan", "other": "NamedInstrument"}
_PART_CLASS = {"numbered_provision": ("NumberedProvision", "第{n}款", "No. {n}"), "instrument_paragraph": ("InstrumentParagraph", "第{n}段", "paragraph {n}")}
_ROLE = {"facilitator": "Facilitator", "co-facilitator": "CoFacilitator", "partner": "Partner"}


def _n(iri: str) -> NamedNode:
    return NamedNode(iri)


def _lit(value: str, lang: str | None = None, datatype: str | None = None) -> Literal:
    if lang:
        return Literal(value, language=lang)
    return Literal(value, datatype=NamedNode(XSD + datatype)) if datatype else Literal(value)


class _Graph:
    """Collects quads of one named graph."""

    def __init__(self, graph: str) -> None:
        self.g = _n(graph)
        self.quads: list[Quad] = []

    def add(self, s: str, p: str, o: NamedNode | Literal | str) -> None:
        self.quads.append(Quad(_n(s), _n(p), _n(o) if isinstance(o, str) else o, self.g))

    def types(self, s: str, *classes: str) -> None:
        for c in classes:
            self.add(s, RDF + "type", c)

    def labels(self, s: str, zh: str, en: str | None, *, pref: bool = False) -> None:
        for p in ([RDFS + "label", SKOS + "prefLabel"] if pref else [RDFS + "label"]):
            self.add(s, p, _lit(zh, "zh"))
            if en:
                self.add(s, p, _lit(en, "en"))


#: The graph that describes, once, every node the document graphs name (MODEL.md).
DESCRIPTIONS = "descriptions"


@dataclass
class MappedDocument:
    """One document's quads, split by where they belong.

    ``statements``: what the document says (its own named graph). ``descriptions``: what the
    nodes it names are (types, labels, identifiers), in ``graph/descriptions``; the same
    description coming from many documents is one set of triples there.
    """

    statements: _Graph
    descriptions: _Graph


class Mapper:
    """Turns reference data and extractions into quads, minting IRIs with ``Identifiers``."""

    def __init__(self, ref: Reference, ids: Identifiers) -> None:
        self.ref = ref
        self.ids = ids

    # ------------------------------------------------------------------ reference graph
    def reference(self) -> list[Quad]:
        g, ids, ref = _Graph(self.ids.graph("reference")), self.ids, self.ref
        schemes = [
            (ids.action_line_scheme(), "信息社会世界峰会行动方面", "WSIS action lines"),
            (ids.sdg_scheme(), "可持续发展目标", "Sustainable Development Goals"),
            (ids.region_scheme(), "国际电联电信发展部门区域", "ITU-D regions"),
            (ids.clause_verb_scheme(), "引导动词", "Clause verbs"),
        ]
        for iri, zh, en in schemes:
            g.types(iri, SKOS + "ConceptScheme")
            g.labels(iri, zh, en, pref=True)
        for al in ref.action_lines:
            iri = ids.action_line(al.code)
            self._concept(g, iri, W + "ActionLine", ids.action_line_scheme(), al.code, al.label_zh, al.label_en)
            for alias in al.aliases_zh:
                g.add(iri, SKOS + "altLabel", _lit(alias, "zh"))
        for sub in ref.sub_lines:
            iri = ids.sub_line(sub.slug)
            self._concept(g, iri, W + "ActionLineSubLine", ids.action_line_scheme(), f"C7 {sub.slug}", sub.label_zh, sub.label_en)
            g.add(iri, SKOS + "broader", ids.action_line("C7"))
            for alias in sub.aliases_zh:
                g.add(iri, SKOS + "altLabel", _lit(alias, "zh"))
        for goal in ref.goals:
            iri = ids.sdg(goal.goal)
            self._concept(g, iri, W + "SustainableDevelopmentGoal", ids.sdg_scheme(), str(goal.goal), goal.label_zh, goal.label_en)
            g.add(iri, SKOS + "definition", _lit(goal.title_zh, "zh"))
            g.add(iri, SKOS + "definition", _lit(goal.title_en, "en"))
            g.add(iri, SKOS + "exactMatch", f"{UN_SDG}{goal.goal}")
        for region in ref.regions:
            self._concept(g, ids.region(region.code), W + "Region", ids.region_scheme(), region.code, region.label_zh, region.label_en)
        for v in ref.clause_verbs.clause_verbs:
            iri = ids.clause_verb(v.slug)
            cls = "PreambularVerb" if v.kind == "preambular" else "OperativeVerb"
            self._concept(g, iri, W + "ClauseVerb", ids.clause_verb_scheme(), v.slug, v.label_zh, v.label_en)
            g.types(iri, W + cls)
            for form in v.forms_zh:
                if form != v.label_zh:
                    g.add(iri, SKOS + "altLabel", _lit(form, "zh"))
            for form in v.further_forms_zh:
                g.add(iri, W + "furtherLabel", _lit(form, "zh"))
            g.add(iri, W + "asksToAct", _lit("true" if v.mandate else "false", datatype="boolean"))
        for o in ref.organizations:
            iri = ids.org(o.slug)
            g.types(iri, ORG + "Organization")
            g.labels(iri, o.label_zh, o.label_en, pref=True)
            if o.acronym:
                g.add(iri, SKOS + "notation", _lit(o.acronym))
            for alias in o.aliases_zh:
                g.add(iri, SKOS + "altLabel", _lit(alias, "zh"))
            for alias in o.aliases_en:
                g.add(iri, SKOS + "altLabel", _lit(alias, "en"))
            if o.part_of:
                g.add(iri, ORG + "subOrganizationOf", ids.org(o.part_of))
        for p in ref.places:
            iri = ids.place(p.slug)
            g.types(iri, SCHEMA + "Place", SCHEMA + ("City" if p.kind == "city" else "Country"))
            g.labels(iri, p.label_zh, p.label_en)
            if p.country:
                g.add(iri, SCHEMA + "containedInPlace", ids.place(p.country))
        self._named_instruments(g)
        for c in ref.conferences:
            iri = ids.event(c.slug)
            g.types(iri, SCHEMA + "Event", W + "Conference")
            g.labels(iri, c.label_zh, c.label_en)
            g.add(iri, W + "year", _lit(str(c.year), datatype="gYear"))
            organ = ref.organ_by_code.get(c.organ)
            g.add(iri, W + "organ", ids.org(organ.org if organ else c.organ))
            if c.city:
                g.add(iri, SCHEMA + "location", ids.place(c.city))
            if c.start:
                g.add(iri, SCHEMA + "startDate", _lit(c.start, datatype="date"))
            if c.end:
                g.add(iri, SCHEMA + "endDate", _lit(c.end, datatype="date"))
        return g.quads

    @staticmethod
    def _concept(g: _Graph, iri: str, cls: str, scheme: str, notation: str, zh: str, en: str) -> None:
        g.types(iri, SKOS + "Concept", cls)
        g.labels(iri, zh, en, pref=True)
        g.add(iri, SKOS + "inScheme", scheme)
        g.add(iri, SKOS + "notation", _lit(notation))

    # ------------------------------------------------------------------ document graphs
    def document(self, source: SourceText, ex: DocumentExtraction) -> MappedDocument:
        """One document's statements (its own graph) and the descriptions of what it names."""
        ids, entry = self.ids, source.entry
        out = MappedDocument(_Graph(ids.graph(ex.key)), _Graph(ids.graph(DESCRIPTIONS)))
        g, d = out.statements, out.descriptions
        doc, text = ex.iri, ids.text(ex.iri, entry.language)
        d.types(doc, ELI + "LegalResource", W + "SourceDocument")
        if entry.kind in _KIND_CLASS:
            d.types(doc, W + _KIND_CLASS[entry.kind])
        if not self._source_instrument(d, doc, source) and doc not in self.named_iris:
            d.labels(doc, entry.title_zh, entry.title_en)  # a named instrument has its catalogue labels
        d.add(doc, DCT + "title", _lit(entry.title_zh, "zh"))
        d.add(doc, DCT + "title", _lit(entry.title_en, "en"))
        g.add(doc, W + "text", text)
        if entry.date:
            g.add(doc, DCT + "date", _lit(entry.date.isoformat(), datatype="date"))
        if entry.adopted_by:
            g.add(doc, W + "adoptedAt", ids.event(entry.adopted_by))
        if entry.issued_for:
            g.add(doc, W + "issuedFor", ids.event(entry.issued_for))
        g.types(text, ELI + "LegalExpression")
        g.add(text, ELI + "realizes", doc)
        g.add(text, DCT + "language", _lit(entry.language, datatype="language"))
        g.add(text, W + "sha256", _lit(source.sha256))
        g.add(text, W + "characterCount", _lit(str(len(source.text)), datatype="nonNegativeInteger"))
        g.add(text, DCT + "source", _lit(entry.file))
        spans: dict[tuple[int, int], Span] = {}

        def prov(s: str, sp: Span) -> None:
            spans[(sp.start, sp.end)] = sp
            g.add(s, PROV + "wasDerivedFrom", ids.span(text, sp.start, sp.end))

        for part in ex.parts:
            self.describe_instrument(d, Instrument(kind="wtpf_opinion", iri=part.iri, number=str(part.number), organ="wtpf", year=part.year))
            g.add(part.iri, DCT + "isPartOf", doc)
            g.add(part.iri, DCT + "title", _lit(part.title, "zh"))
        provision_iris = self._provisions(g, ex, prov)
        for c in (*ex.citations, *ex.named_citations):
            self._citation(g, c, provision_iris, prov)
            self.describe_instrument(d, c.cited)
        for md in ex.mandates:
            self._mandate(g, md, ex, provision_iris, prov, spans, text)
        for m in ex.mentions:
            iri = ids.mention(doc, m.span.start, m.span.end)
            concept = {"action-line": ids.action_line, "sub-line": ids.sub_line, "sdg": lambda c: ids.sdg(int(c))}[m.scheme](m.code)
            g.types(iri, W + "ConceptMention")
            g.add(iri, W + "mentionedIn", m.container)
            g.add(iri, W + "concept", concept)
            if m.provision is not None:
                g.add(iri, W + "inProvision", provision_iris[m.provision])
            spans[(m.sentence.start, m.sentence.end)] = m.sentence
            g.add(iri, W + "sentence", ids.span(text, m.sentence.start, m.sentence.end))
            prov(iri, m.span)
            g.add(m.container, W + "mentions", concept)
        for b in ex.bodies:
            iri = ids.body_mention(doc, b.span.start, b.span.end)
            g.types(iri, W + "BodyMention")
            g.add(iri, W + "mentionedIn", b.container)
            g.add(iri, W + "organization", ids.org(b.org))
            if b.provision is not None:
                g.add(iri, W + "inProvision", provision_iris[b.provision])
            prov(iri, b.span)
            g.add(b.container, W + "mentionsOrganization", ids.org(b.org))
        for r in ex.roles:
            iri = ids.role(doc, r.code, r.span.start, r.span.end)
            g.types(iri, W + "RoleStatement")
            g.add(iri, W + "agent", ids.org(r.agent))
            g.add(iri, W + "actionLine", ids.action_line(r.code))
            g.add(iri, W + "role", W + _ROLE[r.role])
            prov(iri, r.span)
        for mt in ex.meetings:
            iri = ids.event(mt.slug)
            if mt.slug not in self.ref.conference_by_slug:
                d.types(iri, SCHEMA + "Event", W + "Meeting")
                label_en = f"{mt.label} ({mt.start.year})"
                d.labels(iri, f"{mt.label}（{mt.start.year}年）", label_en)
                if mt.region:  # the text says BDT organized each regional preparatory meeting
                    d.add(iri, SCHEMA + "organizer", ids.org("bdt"))
            g.add(iri, SCHEMA + "startDate", _lit(mt.start.isoformat(), datatype="date"))
            g.add(iri, SCHEMA + "endDate", _lit(mt.end.isoformat(), datatype="date"))
            if mt.city:
                g.add(iri, SCHEMA + "location", ids.place(mt.city))
            if mt.region:
                g.add(iri, W + "region", ids.region(mt.region))
            prov(iri, mt.span)
        for ri in ex.initiatives:
            iri = ids.regional_initiative(ri.cycle, ri.code)
            g.types(iri, W + "RegionalInitiative")
            g.add(iri, SKOS + "notation", _lit(ri.code))
            g.add(iri, RDFS + "label", _lit(ri.title, "zh"))
            if ri.description:
                g.add(iri, DCT + "description", _lit(ri.description, "zh"))
            g.add(iri, W + "region", ids.region(ri.region))
            g.add(iri, W + "cycle", _lit(ri.cycle))
            g.add(iri, W + "adoptedAt", ids.event(ri.meeting))
            prov(iri, ri.span)
        for pr in ex.priorities:
            meeting = ids.event(pr.meeting)
            iri = ids.priority(meeting, pr.number)
            g.types(iri, W + "RegionalPriority")
            g.add(iri, RDFS + "label", _lit(pr.title, "zh"))
            g.add(iri, W + "region", ids.region(pr.region))
            g.add(iri, W + "agreedAt", meeting)
            g.add(iri, W + "sequence", _lit(str(pr.number), datatype="positiveInteger"))
            prov(iri, pr.span)
        for (start, end), sp in sorted(spans.items()):
            iri = ids.span(text, start, end)
            g.types(iri, W + "TextSpan", OA + "TextPositionSelector")
            g.add(iri, OA + "start", _lit(str(start), datatype="nonNegativeInteger"))
            g.add(iri, OA + "end", _lit(str(end), datatype="nonNegativeInteger"))
            g.add(iri, OA + "exact", _lit(sp.exact))
            g.add(iri, W + "line", _lit(str(sp.line), datatype="positiveInteger"))
            g.add(iri, DCT + "isPartOf", text)
        return out

    def _source_instrument(self, g: _Graph, doc: str, source: SourceText) -> bool:
        """The class, identifier, issuer and labels a source document has by its key's template;
        whether it got labels (False: the manifest titles label it).

        ``itu/pp/res/71/2018`` is a version (and its work is minted), ``un/A/RES/70/125`` a General
        Assembly resolution, ``itu/doc/C18/35`` an ITU document… (docs/identifiers.md). Such a
        document is labelled exactly as any text citing it labels it ("联合国大会第70/125号决议"),
        so that a source that is also cited keeps one label per language in the union graph (the
        manifest titles stay its ``dcterms:title``). A symbol the manifest gives for a numbered
        instrument is kept as its identifier; the second symbol of a joint symbol becomes an
        alternative identifier.
        """
        entry = source.entry
        t = entry.template
        kind = _TEMPLATE_INSTRUMENT.get(t.template)
        written = clean_symbol(entry.symbol) if entry.symbol else None
        if kind is None:
            if written:  # refused on load for documents without a symbol key; kept for named ones
                g.add(doc, DCT + "identifier", _lit(written))
            return False
        alt = None
        if written and t.template == "un-document" and "-" in written and written.partition("-")[2][:2] in ("A/", "E/", "S/"):
            alt = written.partition("-")[2]
        number = t.number or t.symbol or ""
        if kind in ("itu_resolution", "council_decision"):
            res_kind = "res" if kind == "itu_resolution" else "dec"
            work = self.ids.itu_work(t.organ or "", res_kind, int(number))
            ins = Instrument(kind=kind, iri=doc, work_iri=work if t.year else None, number=number, organ=t.organ, year=t.year)
        else:
            ins = Instrument(kind=kind, iri=doc, number=number, year=t.year, alt_symbol=alt)
        self.describe_instrument(g, ins)
        if written and kind not in ("un_document", "itu_document", "unga_resolution", "ecosoc_resolution", "ecosoc_decision", "sc_resolution"):
            g.add(doc, DCT + "identifier", _lit(written))
        return True

    def _provisions(self, g: _Graph, ex: DocumentExtraction, prov: Callable[[str, Span], None]) -> list[str]:
        iris = []
        for p in ex.provisions:
            if p.kind == "footnote":
                iri = self.ids.footnote(ex.iri, p.marker or str(p.sequence))
                cls = "Footnote"
            else:
                iri = self.ids.provision(p.container, p.sequence)
                cls = {"preamble": "PreambularClause", "operative": "OperativeParagraph", "paragraph": "NumberedParagraph"}[p.kind]
            iris.append(iri)
            g.types(iri, ELI + "LegalResourceSubdivision", W + cls)
            g.add(iri, ELI + "is_part_of", p.container)
            g.add(iri, W + "sequence", _lit(str(p.sequence), datatype="positiveInteger"))
            if p.marker:
                g.add(iri, W + "marker", _lit(p.marker))
            if p.verb:
                g.add(iri, W + "clauseVerb", _lit(p.verb, "zh"))
            if p.verb_concept:
                g.add(iri, W + "clauseVerbConcept", self.ids.clause_verb(p.verb_concept))
            if p.further:
                g.add(iri, W + "further", _lit("true", datatype="boolean"))
            prov(iri, p.span)
        return iris

    def _citation(self, g: _Graph, c: Citation, provision_iris: list[str], prov: Callable[[str, Span], None]) -> None:
        iri = self.ids.citation(c.citing, c.span.start, c.span.end)
        g.types(iri, CITO + "Citation")
        g.add(iri, CITO + "hasCitingEntity", c.citing)
        g.add(iri, CITO + "hasCitedEntity", c.cited.iri)
        if c.provision is not None:
            g.add(iri, W + "inProvision", provision_iris[c.provision])
        if c.verb:
            g.add(iri, W + "clauseVerb", _lit(c.verb, "zh"))
        if c.verb_concept:
            g.add(iri, W + "clauseVerbConcept", self.ids.clause_verb(c.verb_concept))
        prov(iri, c.span)
        g.add(c.citing, ELI + "cites", c.cited.iri)

    def _mandate(self, g: _Graph, md: Mandate, ex: DocumentExtraction, provision_iris: list[str],
                 prov: Callable[[str, Span], None], spans: dict[tuple[int, int], Span], text: str) -> None:
        """One addressee asked to act by one provision (MODEL.md, Facts: wsis:Mandate)."""
        ids = self.ids
        provision = provision_iris[md.provision]
        iri = ids.mandate(provision, md.sequence)
        g.types(iri, W + "Mandate")
        g.add(iri, W + "inProvision", provision)
        g.add(iri, W + "issuingDocument", ex.provisions[md.provision].container)
        if md.issuer:
            g.add(iri, W + "issuingBody", ids.org(md.issuer))
        if md.year is not None:
            g.add(iri, W + "year", _lit(str(md.year), datatype="gYear"))
        g.add(iri, W + "sequence", _lit(str(md.sequence), datatype="positiveInteger"))
        g.add(iri, W + "clauseVerbConcept", ids.clause_verb(md.verb))
        g.add(iri, W + "clauseVerb", _lit(md.verb_text, "zh"))
        if md.further:
            g.add(iri, W + "further", _lit("true", datatype="boolean"))
        if md.embedded:
            g.add(iri, W + "embedded", _lit("true", datatype="boolean"))
        g.add(iri, W + "addressee", ids.org(md.addressee))
        spans[(md.addressee_span.start, md.addressee_span.end)] = md.addressee_span
        g.add(iri, W + "addresseeText", ids.span(text, md.addressee_span.start, md.addressee_span.end))
        if md.reports_to:
            g.add(iri, W + "reportsTo", ids.org(md.reports_to))
        for body in md.reports_through:
            g.add(iri, W + "reportsThrough", ids.org(body))
        if md.deadline:
            g.add(iri, W + "deadline", _lit(md.deadline, "zh"))
        if md.deadline_date:
            g.add(iri, W + "deadlineDate", _lit(md.deadline_date.isoformat(), datatype="date"))
        if md.deadline_event:
            g.add(iri, W + "deadlineEvent", ids.event(md.deadline_event))
        if md.frequency:
            g.add(iri, W + "frequency", EU_FREQUENCY + md.frequency)
        for code in md.action_lines:
            g.add(iri, W + "concernsActionLine", ids.action_line(code))
        for goal in md.sdgs:
            g.add(iri, W + "concernsGoal", ids.sdg(goal))
        for value in md.fingerprint:
            g.add(iri, W + "minHash", _lit(value))
        prov(iri, md.span)

    def describe_instrument(self, g: _Graph, ins: Instrument) -> None:
        """Type, label and identify an instrument (and the work of a version) in ``g``.

        ``g`` is a document's :attr:`MappedDocument.descriptions`: an instrument is described
        in ``graph/descriptions`` only, never in the graph of a document that cites it.
        Labels follow the templates of ``seeds/reference/extraction.yaml`` (``labels``).
        An instrument cited by name with an IRI of its own is described in ``graph/reference``
        (``_named_instruments``); a provision or paragraph of one is described here.
        """
        if ins.named:
            self._cited_by_name(g, ins)
            if ins.kind in ("named_instrument", *_PART_CLASS):
                return
        labels = self.ref.vocabulary.labels
        organ = self.ref.organ_by_code.get(ins.organ or "")
        fields = {"number": ins.number, "n": ins.number, "year": ins.year, "symbol": ins.number,
                  "organ_zh": organ.label_zh if organ else "", "organ_en": organ.label_en if organ else ""}
        if ins.kind in ("itu_resolution", "council_decision"):
            work = ins.work_iri or ins.iri
            cls = "ITUResolution" if ins.kind == "itu_resolution" else "CouncilDecision"
            g.types(work, ELI + "LegalResource", W + cls)
            t = labels[ins.kind]
            g.labels(work, t.zh.format(**fields), t.en.format(**fields))
            g.add(work, DCT + "identifier", _lit(t.en.format(**fields)))
            if organ is None:
                raise WsisKgError(f"{work}: ITU organ {ins.organ!r} is not in seeds/reference (vocabulary itu_organs)")
            g.add(work, W + "issuedBy", self.ids.org(organ.org))
            if ins.work_iri:
                t = labels[f"{ins.kind}_version"]
                g.types(ins.iri, ELI + "LegalResource", W + "InstrumentVersion")
                g.labels(ins.iri, t.zh.format(**fields), t.en.format(**fields))
                g.add(ins.iri, ELI + "is_member_of", work)
                g.add(ins.iri, W + "year", _lit(str(ins.year), datatype="gYear"))
                if ins.conference:
                    g.add(ins.iri, W + "adoptedAt", self.ids.event(ins.conference))
            return
        g.types(ins.iri, ELI + "LegalResource", W + _INSTRUMENT_CLASS[ins.kind])
        t = labels[ins.kind]
        g.labels(ins.iri, t.zh.format(**fields), t.en.format(**fields))
        if ins.kind == "unga_resolution":
            g.add(ins.iri, DCT + "identifier", _lit(f"A/RES/{ins.number}"))
            g.add(ins.iri, W + "issuedBy", self.ids.org("unga"))
        elif ins.kind == "ecosoc_resolution":
            g.add(ins.iri, DCT + "identifier", _lit(f"E/RES/{ins.number}"))
            g.add(ins.iri, W + "issuedBy", self.ids.org("ecosoc"))
        elif ins.kind == "ecosoc_decision":
            g.add(ins.iri, DCT + "identifier", _lit(f"E/DEC/{ins.number}"))
            g.add(ins.iri, W + "issuedBy", self.ids.org("ecosoc"))
        elif ins.kind == "sc_resolution":
            g.add(ins.iri, DCT + "identifier", _lit(f"S/RES/{ins.number}"))
            g.add(ins.iri, W + "issuedBy", self.ids.org("unsc"))
        elif ins.kind == "wtpf_opinion":
            g.add(ins.iri, W + "issuedBy", self.ids.org("wtpf"))
        elif ins.kind in ("un_document", "itu_document"):
            g.add(ins.iri, DCT + "identifier", _lit(ins.number))
            if ins.alt_symbol:
                g.add(ins.iri, W + "alternativeIdentifier", _lit(ins.alt_symbol))

    # ------------------------------------------------------------ instruments cited by name
    @cached_property
    def named_iris(self) -> dict[str, NamedInstrument]:
        """Catalogue instruments with an IRI of their own (not a resolution's), by IRI."""
        entries = ((instrument_of(e, self.ref, self.ids), e) for e in self.ref.catalogue.instruments)
        return {ins.iri: e for ins, e in entries if ins.kind == "named_instrument"}

    def _named_instruments(self, g: _Graph) -> None:
        """Reference graph: every curated instrument whose IRI is its own (not a resolution's).

        Its titles are ``rdfs:label`` and ``dcterms:alternative``: ``dcterms:title`` is left to
        the manifest when the instrument is also a source document (wsis/tunis-agenda).
        """
        for iri, entry in self.named_iris.items():
            classes = {W + "NamedInstrument", W + _NAMED_CLASS[entry.kind]}
            g.types(iri, ELI + "LegalResource", *sorted(classes))
            g.labels(iri, entry.title_zh, entry.title_en)
            self._alternative_titles(g, iri, entry.id)
            g.add(iri, W + "issuedBy", self.ids.org(entry.issuer))
            if entry.symbol:
                g.add(iri, DCT + "identifier", _lit(entry.symbol))
            if entry.year is not None:
                g.add(iri, W + "year", _lit(str(entry.year), datatype="gYear"))
            if entry.adopted_at:
                g.add(iri, W + "adoptedAt", self.ids.event(entry.adopted_at))

    def _alternative_titles(self, g: _Graph, iri: str, entry_id: str) -> None:
        """``dcterms:alternative``: every title and short form a text may cite the instrument by."""
        entry = self.ref.instrument_by_id[entry_id]
        titles = [entry.title_zh, *entry.titles_zh, *entry.plain_titles_zh,
                  *(s.text for s in entry.short_forms), *(s.text for s in entry.local_short_forms)]
        for title in dict.fromkeys(titles):
            g.add(iri, DCT + "alternative", _lit(title, "zh"))
        g.add(iri, DCT + "alternative", _lit(entry.title_en, "en"))

    def _cited_by_name(self, g: _Graph, ins: Instrument) -> None:
        """A cited provision or paragraph (typed, labelled, part of its instrument), or the title
        a numbered resolution or declaration was cited by (``dcterms:alternative``)."""
        assert ins.named is not None
        entry = self.ref.instrument_by_id[ins.named]
        if ins.kind in _PART_CLASS and ins.part_of:
            cls, zh, en = _PART_CLASS[ins.kind]
            g.types(ins.iri, ELI + "LegalResource", ELI + "LegalResourceSubdivision", W + cls)
            g.labels(ins.iri, entry.title_zh + zh.format(n=ins.number), f"{entry.title_en}, {en.format(n=ins.number)}")
            g.add(ins.iri, ELI + "is_part_of", ins.part_of)
            g.add(ins.iri, W + "marker", _lit(ins.number))
            whole = instrument_of(entry, self.ref, self.ids)
            if whole.kind != "named_instrument":
                self.describe_instrument(g, whole)
        elif ins.kind != "named_instrument":
            self._alternative_titles(g, ins.iri, entry.id)
