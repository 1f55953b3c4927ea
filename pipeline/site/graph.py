"""Built dump (``wsis-kg.trig``) → an in-memory index of the graph that the site's pages read.

The site is written from what the build wrote, never from the extractor's records: what a
reader sees is what a SPARQL client would get. The index keeps, per subject, its predicates
and objects, per IRI the statements pointing at it, and which subjects the curated reference
graph describes (their facts come from ``seeds/reference/``, not from a text).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse

from pipeline.errors import WsisKgError
from pipeline.rdf.rdf_map import DCT, ELI, OA, PROV, RDF, RDFS, SKOS, W

log = logging.getLogger(__name__)

Term = NamedNode | Literal
#: Predicates whose literal values name a node, best first (the page title).
LABELS = (SKOS + "prefLabel", RDFS + "label", DCT + "title")
TYPE = RDF + "type"
DERIVED = PROV + "wasDerivedFrom"
TEXT_SPAN = W + "TextSpan"
EXPRESSION = ELI + "LegalExpression"
SUBDIVISION = ELI + "LegalResourceSubdivision"


@dataclass
class SiteGraph:
    """The graph as the site reads it: forward and backward adjacency over IRIs.

    ``out[s][p]`` lists the objects of ``s p ?o`` in dump order; ``into[o]`` lists ``(p, s)`` for
    every ``s p o`` whose object is the IRI ``o``; ``curated`` holds the subjects described in
    the reference graph; ``base`` is the dataset base the IRIs were minted under.
    """

    base: str
    out: dict[str, dict[str, list[Term]]] = field(default_factory=lambda: defaultdict(dict))
    into: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    curated: set[str] = field(default_factory=set)
    spans: set[str] = field(default_factory=set)  # subjects typed wsis:TextSpan
    triples: int = 0
    _labels: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    _types: dict[str, list[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, dist: Path, base: str) -> SiteGraph:
        """Read ``dist/wsis-kg.trig`` (named graphs: reference vs documents) into the index.

        Raises ``WsisKgError`` naming the file when it is missing (no build yet) or unreadable.
        """
        path = dist / "wsis-kg.trig"
        if not path.is_file():
            raise WsisKgError(f"{path} not found: run `wsis-kg build` first")
        graph = cls(base)
        reference = NamedNode(f"{base}graph/reference")
        out, into, curated = graph.out, graph.into, graph.curated
        count = 0
        try:
            for q in parse(path=str(path), format=RdfFormat.TRIG):  # the hot loop of a large site
                s, p, o = q.subject.value, q.predicate.value, q.object
                if q.graph_name == reference:
                    curated.add(s)
                objects = out[s].setdefault(p, [])
                if o in objects:  # the same triple in two graphs is one statement
                    continue
                objects.append(o)
                count += 1
                if isinstance(o, NamedNode):
                    into[o.value].append((p, s))
                    if p == TYPE and o.value == TEXT_SPAN:
                        graph.spans.add(s)
        except SyntaxError as exc:
            raise WsisKgError(f"{path}: {exc}") from None
        graph.triples = count
        log.info("read %d triples about %d subjects from %s", graph.triples, len(graph.out), path)
        return graph

    # ------------------------------------------------------------------ look-ups
    def types(self, s: str) -> list[str]:
        """The classes of ``s``, sorted (memoized: pages ask again and again)."""
        found = self._types.get(s)
        if found is None:
            found = self._types[s] = sorted(t.value for t in self.out.get(s, {}).get(TYPE, ()))
        return found

    def objects(self, s: str, p: str) -> list[Term]:
        return self.out.get(s, {}).get(p, [])

    def first(self, s: str, p: str) -> Term | None:
        values = self.objects(s, p)
        return values[0] if values else None

    def iri_objects(self, s: str, p: str) -> list[str]:
        return [o.value for o in self.objects(s, p) if isinstance(o, NamedNode)]

    def labels(self, s: str) -> dict[str, str]:
        """``{"zh": …, "en": …, "": …}``: the best label per language tag (first predicate of
        :data:`LABELS` that has one), ``""`` for an untagged literal."""
        cached = self._labels.get(s)
        if cached is not None:
            return cached
        found: dict[str, str] = {}
        predicates = self.out.get(s, {})
        for p in LABELS:
            for o in predicates.get(p, ()):
                if isinstance(o, Literal):
                    found.setdefault(o.language or "", o.value)
        self._labels[s] = found
        return found

    def has_label(self, s: str) -> bool:
        return any(isinstance(o, Literal) for p in LABELS for o in self.objects(s, p))

    def is_span(self, s: str) -> bool:
        return s in self.spans

    def span_of(self, s: str) -> tuple[str, int, int] | None:
        """A span IRI's text IRI, start and end (code points), read from its own triples."""
        text, start, end = self.first(s, DCT + "isPartOf"), self.first(s, OA + "start"), self.first(s, OA + "end")
        if text is None or start is None or end is None:
            return None
        return text.value, int(start.value), int(end.value)

    def exact(self, s: str) -> str:
        value = self.first(s, OA + "exact")
        return value.value if value is not None else ""

    def subject_triples(self, s: str) -> list[Triple]:
        """Every triple whose subject is ``s`` (its own triples, for its Turtle download)."""
        node = NamedNode(s)
        return [Triple(node, NamedNode(p), o) for p, objects in sorted(self.out.get(s, {}).items()) for o in objects]
