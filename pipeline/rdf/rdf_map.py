"""Map reference data and extraction records to RDF quads (ontology/MODEL.md is the spec).

Quads are pyoxigraph terms: the same terms feed the dumps, the embedded store and the
strict parser check, with no blank nodes (every node has a stable IRI, so reloading is
idempotent). Named graphs: one per source document, one for reference data.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Quad

from pipeline.identifiers import ONTOLOGY_NS, Identifiers
from pipeline.model import Citation, DocumentExtraction, Instrument, Mandate, Span
from pipeline.sources.reference import Reference
from pipeline.sources.documents import SourceText

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
_KIND_CLASS = {
    "declaration": "Declaration", "resolution": "InstrumentVersion", "draft resolution": "DraftResolution",
    "report": "Report", "council document": "CouncilDocument",
}
_INSTRUMENT_CLASS = {
    "unga_resolution": "UNGAResolution", "ecosoc_resolution": "ECOSOCResolution", "wtpf_opinion": "WTPFOpinion",
    "wtdc_declaration": "Declaration", "un_document": "UNDocument", "itu_document": "ITUDocument",
}
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
    def document(self, source: SourceText, ex: DocumentExtraction) -> list[Quad]:
        g, ids, entry = _Graph(self.ids.graph(ex.key)), self.ids, source.entry
        doc, text = ex.iri, ids.text(ex.iri, entry.language)
        cls = _KIND_CLASS[entry.kind]
        g.types(doc, ELI + "LegalResource", W + "SourceDocument", W + cls)
        if entry.kind == "resolution":
            self._version_of_source(g, doc)  # labels come from the manifest titles
        if entry.symbol:
            g.types(doc, W + "UNDocument")
            g.add(doc, DCT + "identifier", _lit(entry.symbol))
        g.labels(doc, entry.title_zh, entry.title_en)
        g.add(doc, DCT + "title", _lit(entry.title_zh, "zh"))
        g.add(doc, DCT + "title", _lit(entry.title_en, "en"))
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
            self._instrument(g, Instrument(kind="wtpf_opinion", iri=part.iri, number=str(part.number), organ="wtpf", year=part.year))
            g.add(part.iri, DCT + "isPartOf", doc)
            g.add(part.iri, DCT + "title", _lit(part.title, "zh"))
        provision_iris = self._provisions(g, ex, prov)
        for c in ex.citations:
            self._citation(g, c, provision_iris, prov)
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
                g.types(iri, SCHEMA + "Event", W + "Meeting")
                label_en = f"{mt.label} ({mt.start.year})"
                g.labels(iri, f"{mt.label}（{mt.start.year}年）", label_en)
                if mt.region:  # the text says BDT organized each regional preparatory meeting
                    g.add(iri, SCHEMA + "organizer", ids.org("bdt"))
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
        return g.quads

    def _version_of_source(self, g: _Graph, doc: str) -> None:
        """A source text that is a resolution version (key itu/{organ}/res/{n}/{year}) and its work."""
        organ, kind, n, year = doc.split("/id/itu/")[1].split("/")
        self._instrument(g, Instrument(kind="itu_resolution", iri=doc, work_iri=self.ids.itu_work(organ, kind, int(n)), number=n, organ=organ, year=int(year)), label_version=False)

    def _provisions(self, g: _Graph, ex: DocumentExtraction, prov) -> list[str]:
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

    def _citation(self, g: _Graph, c: Citation, provision_iris: list[str], prov) -> None:
        iri = self.ids.citation(c.citing, c.span.start, c.span.end)
        self._instrument(g, c.cited)
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

    def _mandate(self, g: _Graph, md: Mandate, ex: DocumentExtraction, provision_iris: list[str], prov,
                 spans: dict[tuple[int, int], Span], text: str) -> None:
        """One addressee asked to act by one provision (MODEL.md, Mandates)."""
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
        prov(iri, md.span)

    def _instrument(self, g: _Graph, ins: Instrument, *, label_version: bool = True) -> None:
        """Type and label a cited instrument (and the work of a version)."""
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
            g.add(work, W + "issuedBy", self.ids.org(organ.org))
            if ins.work_iri:
                t = labels[f"{ins.kind}_version"]
                g.types(ins.iri, ELI + "LegalResource", W + "InstrumentVersion")
                if label_version:
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
        elif ins.kind == "wtpf_opinion":
            g.add(ins.iri, W + "issuedBy", self.ids.org("wtpf"))
        elif ins.kind in ("un_document", "itu_document"):
            g.add(ins.iri, DCT + "identifier", _lit(ins.number))
            if ins.alt_symbol:
                g.add(ins.iri, W + "alternativeIdentifier", _lit(ins.alt_symbol))
