"""The SHACL shapes and the ontology are tested against small fixtures, LinkML style.

A shape that never fires on a known mistake, or fires on correct data, is worse than no shape:
the pipeline would either ship bad triples or be blocked on good ones. So every NodeShape has at
least one fixture that breaks it and nothing else, and the valid fixtures exercise every shape.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pyoxigraph
import pytest
from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from pipeline.shacl.fast import load_store, shapes_graph, validate_store

ROOT = Path(__file__).parent.parent
SHAPES_FILE = ROOT / "shapes" / "wsis-kg-shapes.ttl"
ONTOLOGY_FILE = ROOT / "ontology" / "wsis-kg.ttl"
MODEL_FILE = ROOT / "ontology" / "MODEL.md"
FIXTURES = ROOT / "tests" / "shapes"
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))

WSIS = "https://w3id.org/wsis-kg/ontology#"
SHAPE = Namespace("https://w3id.org/wsis-kg/shapes#")
DECLARATION_TYPES = {
    OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual
}


@cache
def graph(path: Path) -> Graph:
    """Parse a Turtle file once per session."""
    return Graph().parse(path, format="turtle")


def node_shapes() -> set[URIRef]:
    """The named NodeShapes of the shapes file (anonymous operands of sh:or are not shapes of their own)."""
    return {s for s in graph(SHAPES_FILE).subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}


def shape_of(fixture: Path) -> URIRef:
    """The NodeShape an invalid fixture is about: the file name up to '--'."""
    return SHAPE[fixture.stem.split("--")[0]]


def run(data: Path) -> tuple[bool, Graph, str]:
    """Validate as the pipeline does: no inference (it asserts every type), core SHACL only."""
    conforms, report, text = validate(
        graph(data), shacl_graph=graph(SHAPES_FILE), inference="none", advanced=False
    )
    return bool(conforms), report, str(text)


# (a) ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
@pytest.mark.parametrize("fixture", VALID, ids=lambda p: p.stem)
def test_valid_fixture_conforms(fixture: Path, engine: str) -> None:
    """Correct data must pass, or the shapes would block a correct pipeline."""
    if engine == "pyshacl":
        conforms, _, text = run(fixture)
    else:
        conforms, _, _, text = run_fast(fixture, SHAPE.LegalResourceShape)
    assert conforms, text


# (b) ------------------------------------------------------------------------------------------

def run_fast(data: Path, target: URIRef) -> tuple[bool, set[str], set[str], str]:
    """The fast engine on a fixture: conforms, source shapes reported, the target's own shapes, text."""
    shapes = shapes_graph()
    node = pyoxigraph.NamedNode(str(target))
    own = {str(node), *(str(p) for p in shapes.objects(node, str(SH.property)))}
    results = validate_store(load_store(data.read_bytes(), pyoxigraph.RdfFormat.TURTLE))
    return not results, {v.shape for v in results}, own, "\n".join(v.readable() for v in results)


@pytest.mark.parametrize("engine", ["pyshacl", "fast"])
@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_breaks_only_its_shape(fixture: Path, engine: str) -> None:
    """Each mistake must be caught, and by the shape the file names: a fixture that fails for
    another reason would hide a shape that does not work. Both engines must agree."""
    target = shape_of(fixture)
    shapes = graph(SHAPES_FILE)
    assert target in node_shapes(), f"{fixture.name}: no NodeShape {target} in {SHAPES_FILE.name}"
    if engine == "pyshacl":
        conforms, report, text = run(fixture)
        reported = {str(s) for s in report.objects(None, SH.sourceShape)}
        own = {str(target), *(str(p) for p in shapes.objects(target, SH.property))}
    else:
        conforms, reported, own, text = run_fast(fixture, target)
    assert not conforms, f"{fixture.name}: the mistake was not caught"
    stray = reported - own
    assert not stray, f"{fixture.name}: results from other shapes {sorted(stray)}:\n{text}"


# (c) ------------------------------------------------------------------------------------------

def test_every_node_shape_has_an_invalid_fixture() -> None:
    """A shape without a failing fixture is untested: it may never fire."""
    covered = {shape_of(p) for p in INVALID}
    missing = sorted(str(s).removeprefix(str(SHAPE)) for s in node_shapes() - covered)
    assert not missing, "add tests/shapes/invalid/<Shape>--<mistake>.ttl for: " + ", ".join(missing)


def test_every_node_shape_is_exercised_by_valid_fixtures() -> None:
    """A shape whose targets never occur in the valid set could reject all correct data unnoticed."""
    valid = Graph()
    for path in VALID:
        valid += graph(path)
    shapes = graph(SHAPES_FILE)
    idle = sorted(
        str(s).removeprefix(str(SHAPE))
        for s in node_shapes()
        if not any((None, RDF.type, c) in valid for c in shapes.objects(s, SH.targetClass))
        and not any((None, p, None) in valid for p in shapes.objects(s, SH.targetSubjectsOf))
    )
    assert not idle, "add instances to tests/shapes/valid/ for: " + ", ".join(idle)


def test_every_shape_has_a_message() -> None:
    """The report is read by a data engineer: each result must say what is wrong in words."""
    shapes = graph(SHAPES_FILE)
    reporting = node_shapes() | set(shapes.objects(None, SH.property)) | set(shapes.objects(None, SH.sparql))
    silent = sorted(str(s) for s in reporting if shapes.value(s, SH.message) is None)
    assert not silent, f"shapes without sh:message: {silent}"


# (d) ------------------------------------------------------------------------------------------

def test_ontology_parses_with_rdflib_and_oxigraph() -> None:
    """The pipeline and the triple store load the ontology; a strict parser must accept it."""
    assert len(graph(ONTOLOGY_FILE)) > 0
    quads = list(pyoxigraph.parse(path=ONTOLOGY_FILE, format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(graph(ONTOLOGY_FILE))


def wsis_terms(g: Graph) -> set[URIRef]:
    """Every IRI of our namespace that occurs anywhere in a graph."""
    return {t for triple in g for t in triple if isinstance(t, URIRef) and str(t).startswith(WSIS)}


def test_ontology_declares_every_wsis_term_used() -> None:
    """A term that MODEL.md, the shapes or the fixtures use but the ontology lacks is a typo or an
    undocumented addition."""
    ontology = graph(ONTOLOGY_FILE)
    declared = {s for t in DECLARATION_TYPES for s in ontology.subjects(RDF.type, t)}
    model = MODEL_FILE.read_text(encoding="utf-8")
    used = {URIRef(WSIS + name) for name in re.findall(r"\bwsis:(\w+)", model)}
    used |= wsis_terms(graph(SHAPES_FILE))
    for path in VALID + INVALID:
        used |= wsis_terms(graph(path))
    missing = sorted(str(t) for t in used - declared)
    assert not missing, f"declare in {ONTOLOGY_FILE.name}: {missing}"


def test_every_wsis_term_has_en_and_zh_label_and_comment() -> None:
    """The graph is bilingual; so is its vocabulary."""
    ontology = graph(ONTOLOGY_FILE)
    lacking: list[str] = []
    for term in sorted(wsis_terms(ontology)):
        for prop in (RDFS.label, RDFS.comment):
            langs = {getattr(v, "language", None) for v in ontology.objects(term, prop)}
            lacking += [f"{term} {prop} @{lang}" for lang in ("en", "zh") if lang not in langs]
    assert not lacking, "\n".join(lacking)
