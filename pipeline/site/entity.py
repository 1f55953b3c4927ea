"""One entity IRI → what its page shows: names, types, statements, and every statement or
extracted fact that points at it, grouped (by predicate and kind, then by clause verb).

Generic by class: nothing here names an instrument, event or concept class, so a class the
pipeline starts writing (mandates, named instruments, new document kinds) gets pages with its
statements and facts as soon as its nodes carry labels.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from pipeline.rdf.rdf_map import DCT, ELI, RDF, SKOS, W
from pipeline.site.graph import DERIVED, LABELS, SUBDIVISION, TEXT_SPAN, TYPE
from pipeline.site.links import Links, Value

#: Shown in the page head, not in the statements table.
HEAD = {TYPE, *LABELS, SKOS + "altLabel", SKOS + "notation", DCT + "identifier"}
#: Links a fact row does not repeat: where it came from is its evidence.
FACT_SKIP = {TYPE, DERIVED, W + "sentence", W + "inProvision"}
CLAUSE_VERB = W + "clauseVerb"
#: Rows a section shows on the entity page itself; the rest go to its listing pages.
INLINE_ROWS = 100


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: the text's document, the exact characters, the anchor of the span."""

    document: Value
    exact: str
    href: str | None
    line: str = ""


@dataclass
class Row:
    """One statement or fact pointing at the entity: what it links (other than the entity),
    its clause verb, its evidence spans, and its own class when it is a fact."""

    links: list[tuple[Value, Value]]  # (predicate, value)
    verb: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    kind: Value | None = None
    literals: list[tuple[Value, Value]] = field(default_factory=list)

    @property
    def sort_key(self) -> tuple:
        first = self.links[0][1].sort_key if self.links else ("", "")
        ev = self.evidence[0] if self.evidence else None
        return (self.verb, first, ev.document.iri if ev else "", ev.href or "" if ev else "")


@dataclass
class Section:
    """Rows that point at the entity by one predicate, from one kind of node."""

    key: str  # a file-name-safe id, unique on the page
    predicate: Value
    kind: Value | None
    heading: dict[str, str] | None
    rows: list[Row]
    pages: list[str] = field(default_factory=list)  # listing pages beyond the inline rows

    @property
    def verbs(self) -> list[tuple[str, list[Row]]]:
        """Inline rows grouped by clause verb, in order ("" first: rows without one)."""
        groups: dict[str, list[Row]] = defaultdict(list)
        for row in self.rows[:INLINE_ROWS]:
            groups[row.verb].append(row)
        return list(groups.items())


@dataclass
class EntityPage:
    """Everything an entity page shows."""

    iri: str
    file: str
    labels: dict[str, str]
    alt_labels: list[Value]
    identifiers: list[tuple[Value, Value]]
    types: list[Value]
    statements: list[tuple[Value, list[Value]]]
    sections: list[Section]
    curated: bool
    text: Value | None  # the document page, for a source document


def entity_page(links: Links, iri: str, file: str, headings: dict[str, dict[str, str]]) -> EntityPage:
    """The page model of ``iri`` written at the site file ``file``.

    ``headings`` maps a predicate IRI to the section heading (zh/en) used when nodes point at
    the entity by it (``cito:hasCitedEntity`` → "Cited by"); other sections are titled by the
    predicate and the kind of node.
    """
    g = links.g
    out = g.out.get(iri, {})
    identifiers = [(links.term(p, file), links.value(o, file)) for p in (DCT + "identifier", SKOS + "notation") for o in out.get(p, [])]
    statements = [
        (links.term(p, file), sorted((links.value(o, file) for o in objs), key=lambda v: v.sort_key))
        for p, objs in sorted(out.items())
        if p not in HEAD
    ]
    texts = [t for t in g.iri_objects(iri, W + "text") if t in links.texts]
    return EntityPage(
        iri=iri,
        file=file,
        labels=links.labels(iri),
        alt_labels=[links.value(o, file) for o in out.get(SKOS + "altLabel", [])],
        identifiers=identifiers,
        types=[links.term(t, file) for t in g.types(iri)],
        statements=statements,
        sections=_sections(links, iri, file, headings),
        curated=iri in g.curated,
        text=Value(links.labels(texts[0]), links.href(texts[0], file), texts[0]) if texts else None,
    )


def _sections(links: Links, iri: str, file: str, headings: dict[str, dict[str, str]]) -> list[Section]:
    g = links.g
    grouped: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for p, s in g.into.get(iri, ()):
        if p == RDF + "type":
            continue
        types = g.types(s)
        if SUBDIVISION in types or TEXT_SPAN in types or s in links.texts:
            continue  # provisions and spans are shown on the document page, in the text
        if s in links.entities:
            grouped[(p, "")].append(Row([(links.term(p, file), Value(links.labels(s), links.href(s, file), s))]))
        elif s in g.out:
            kind = next((t for t in types if links.vocab.is_own(t)), types[0] if types else "")
            grouped[(p, kind)].append(_fact_row(links, s, iri, file, kind))
    sections = []
    for n, ((p, kind), rows) in enumerate(sorted(grouped.items())):
        rows.sort(key=lambda r: r.sort_key)
        sections.append(Section(f"s{n + 1}", links.term(p, file), links.term(kind, file) if kind else None, headings.get(p), rows))
    return sections


def _fact_row(links: Links, fact: str, entity: str, file: str, kind: str) -> Row:
    """A page-less node pointing at the entity (a citation, mention, role statement…)."""
    g = links.g
    row = Row([], kind=links.term(kind, file) if kind else None)
    for p, objs in sorted(g.out.get(fact, {}).items()):
        if p in FACT_SKIP:
            continue
        for o in objs:
            if p == CLAUSE_VERB:
                row.verb = o.value
            elif getattr(o, "value", None) == entity:
                continue
            elif isinstance(o, NamedNode):
                row.links.append((links.term(p, file), links.value(o, file)))
            else:
                row.literals.append((links.term(p, file), links.value(o, file)))
    if not row.verb:  # a citation's verb may sit on its provision, or only be its concept
        for holder in [*g.iri_objects(fact, W + "inProvision"), fact]:
            verb = g.first(holder, CLAUSE_VERB)
            concept = g.iri_objects(holder, W + "clauseVerbConcept")
            if verb is not None:
                row.verb = verb.value
            elif concept:
                row.verb = g.labels(concept[0]).get("zh", "")
            if row.verb:
                break
    for span in g.iri_objects(fact, DERIVED):
        where = g.span_of(span)
        if where is None:
            continue
        docs = g.iri_objects(where[0], ELI + "realizes")
        doc = Value(links.labels(docs[0]), links.href(docs[0], file), docs[0]) if docs else Value({"": where[0]})
        line = g.first(span, W + "line")
        row.evidence.append(Evidence(doc, g.exact(span), links.href(span, file), line.value if line is not None else ""))
    return row
