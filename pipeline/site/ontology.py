"""``ontology/`` and ``shapes/`` → their documentation pages: pyLODE's page of the ontology and
one page per SHACL shape listing its constraints.

pyLODE (3.2.1: 3.4.1 fails on import with rdflib 7.6) is the well-kept tool the field uses for
OWL documentation and writes one self-contained HTML file (its CSS inline, no script, no
remote asset). Its anchors are made from labels; we add one per term named by the term's local
name (``#ConceptMention``) so that ``…/ontology#ConceptMention`` maps onto the page the way an
IRI's fragment should. Shapes are read with rdflib, which keeps their blank nodes and lists.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from pipeline.identifiers import ONTOLOGY_NS, SHAPES_NS
from pipeline.site.vocabulary import curie

log = logging.getLogger(__name__)

_TERM_DIV = re.compile(r'<div class="property entity" id="([^"]+)">\s*<h3>.{0,600}?<code>([^<]+)</code>', re.S)


def ontology_page(ontology: Path, back: str) -> tuple[str, dict[str, str]]:
    """pyLODE's HTML for ``ontology/wsis-kg.ttl``, and the anchor of each of our terms in it.

    ``back`` is the relative link to the site's index, added at the top of the page.
    """
    from pylode import OntPub  # type: ignore[import-untyped]  # pylode ships no type hints

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)  # pyLODE logs its own progress on the root logger
    try:
        html = str(OntPub(ontology=str(ontology / "wsis-kg.ttl")).make_html())
    finally:
        root.setLevel(level)
    ids = set(re.findall(r'id="([^"]+)"', html))
    anchors: dict[str, str] = {}

    def add_anchor(m: re.Match[str]) -> str:
        pylode_id, iri = m.group(1), m.group(2)
        local = iri[len(ONTOLOGY_NS):] if iri.startswith(ONTOLOGY_NS) else ""
        anchors[iri] = pylode_id
        if local and local != pylode_id and local not in ids:
            ids.add(local)
            anchors[iri] = local
            return m.group(0).replace(f'id="{pylode_id}">', f'id="{pylode_id}"><span id="{local}"></span>', 1)
        return m.group(0)

    html = _TERM_DIV.sub(add_anchor, html)
    nav = f'<p style="margin:0;padding:.5em 1em;background:#14345c"><a style="color:#fff" href="{back}">← wsis-kg</a></p>'
    html = html.replace("<body>", "<body>" + nav, 1)
    if 'charset' not in html[:2000]:
        html = html.replace("<head>", '<head><meta charset="utf-8">', 1)
    return html, anchors


@dataclass
class ShapeValue:
    """A constraint's value as text, linked (site-relative file) when it names a page."""

    text: str
    file: str = ""


@dataclass
class PropertyRule:
    path: ShapeValue
    constraints: list[tuple[str, ShapeValue]]
    shape: ShapeValue | None = None  # a named, shared property shape


@dataclass
class ShapePage:
    """One shape: names, targets, node-level constraints and property rules."""

    iri: str
    name: str
    labels: dict[str, str]
    comments: list[str]
    kind: str  # sh:NodeShape or sh:PropertyShape
    targets: list[ShapeValue]
    constraints: list[tuple[str, ShapeValue]]
    properties: list[PropertyRule] = field(default_factory=list)

    @property
    def file(self) -> str:
        return f"shapes/{self.name}.html"


def shape_pages(shapes: Path, ontology_anchors: dict[str, str]) -> list[ShapePage]:
    """Every named shape of ``shapes/*.ttl``, with its constraints rendered generically."""
    g = Graph()
    for path in sorted(shapes.glob("*.ttl")):
        g.parse(path, format="turtle")
    named = {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(SHAPES_NS)}
    named |= {s for s in g.subjects(SH.property, None) if isinstance(s, URIRef)}
    render = _Renderer(g, named, ontology_anchors)
    pages = []
    for s in sorted(named, key=str):
        skip = {RDF.type, RDFS.label, RDFS.comment, SH.property}
        page = ShapePage(
            iri=str(s),
            name=str(s)[len(SHAPES_NS):] if str(s).startswith(SHAPES_NS) else curie(str(s)).replace(":", "-"),
            labels={(o.language or ""): str(o) for o in g.objects(s, RDFS.label) if isinstance(o, Literal)},
            comments=sorted(str(o) for o in g.objects(s, RDFS.comment)),
            kind=curie(str(next(iter(g.objects(s, RDF.type)), SH.NodeShape))),
            targets=[render.value(o) for o in sorted(g.objects(s, SH.targetClass), key=str)],
            constraints=[(curie(str(p)), render.value(o)) for p, o in sorted(g.predicate_objects(s), key=lambda po: (str(po[0]), str(po[1]))) if p not in skip and p != SH.targetClass],
        )
        for prop in sorted(g.objects(s, SH.property), key=lambda n: (str(g.value(n, SH.path)), str(n))):
            shape_path = g.value(prop, SH.path)
            rules = [(curie(str(p)), render.value(o)) for p, o in sorted(g.predicate_objects(prop), key=lambda po: (str(po[0]), str(po[1]))) if p not in (SH.path, RDF.type)]
            page.properties.append(PropertyRule(render.value(shape_path) if shape_path is not None else ShapeValue("?"), rules, render.value(prop) if isinstance(prop, URIRef) else None))
        pages.append(page)
    log.info("documented %d shapes", len(pages))
    return pages


@dataclass
class _Renderer:
    g: Graph
    named: set
    ontology_anchors: dict[str, str]

    def value(self, node: object) -> ShapeValue:
        if isinstance(node, URIRef):
            iri = str(node)
            if node in self.named and iri.startswith(SHAPES_NS):
                return ShapeValue(curie(iri).replace(SHAPES_NS, "shape:") if iri.startswith(SHAPES_NS) else curie(iri), f"shapes/{iri[len(SHAPES_NS):]}.html")
            if iri in self.ontology_anchors:
                return ShapeValue(curie(iri), f"ontology/index.html#{self.ontology_anchors[iri]}")
            return ShapeValue(curie(iri))
        return ShapeValue(self.text(node))

    def text(self, node: object, depth: int = 0) -> str:
        """A term as Turtle-like text: CURIEs, literals, lists ``( … )``, nodes ``[ p o ; … ]``."""
        if isinstance(node, URIRef):
            iri = str(node)
            return "shape:" + iri[len(SHAPES_NS):] if iri.startswith(SHAPES_NS) else curie(iri)
        if isinstance(node, Literal):
            text = repr(str(node)) if node.datatype is None else f'"{node}"^^{curie(str(node.datatype))}'
            return text + (f"@{node.language}" if node.language else "")
        if isinstance(node, BNode) and depth < 6:
            if (node, RDF.first, None) in self.g:
                return "( " + " ".join(self.text(x, depth + 1) for x in Collection(self.g, node)) + " )"
            parts = [f"{self.text(p)} {self.text(o, depth + 1)}" for p, o in sorted(self.g.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1])))]
            return "[ " + " ; ".join(parts) + " ]"
        return str(node)
