"""The fast validator must report exactly what pyshacl (the reference) reports, result by result.

Compared per result: focus node, result path, source shape, constraint component, value and the
set of messages, as a multiset (pyshacl reports a shared property shape once per parent shape).
Both engines see the same shapes triples (so blank-node shapes have the same ids) and the same
data triples.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate
from rdflib.namespace import RDF, SH

from pipeline.shacl.arbiter import to_rdflib
from pipeline.shacl.compile import (
    CANONICAL_LEXICAL,
    ShapesGraph,
    UnsupportedShape,
    compile_shapes,
    python_regex_to_rust,
    read_shapes,
)
from pipeline.shacl.fast import load_store, shapes_graph, validate_store

ROOT = Path(__file__).parent.parent
FIXTURES = sorted((ROOT / "tests" / "shapes" / "invalid").glob("*.ttl")) + sorted((ROOT / "tests" / "shapes" / "valid").glob("*.ttl"))
ID = "https://w3id.org/wsis-kg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"

Key = tuple[str | None, str | None, str | None, str, str | None, frozenset]


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Identifier:
    """The same conversion the arbiter uses, so both engines read literals alike."""
    return to_rdflib(term)


@cache
def shapes_for_pyshacl() -> rdflib.Graph:
    """The fast validator's shapes triples as an rdflib graph, blank-node ids kept."""
    g = rdflib.Graph()
    for subject, predicates in shapes_graph().index.items():
        for predicate, objects in predicates.items():
            for o in objects:
                g.add((rdflib_term(subject), rdflib.URIRef(predicate), rdflib_term(o)))
    return g


def data_for_pyshacl(data: bytes, fmt: ox.RdfFormat) -> rdflib.Graph:
    """The data triples as an rdflib graph, blank-node ids kept."""
    g = rdflib.Graph()
    for q in ox.parse(data, format=fmt):
        g.add((rdflib_term(q.subject), rdflib.URIRef(q.predicate.value), rdflib_term(q.object)))
    return g


def term_text(term: rdflib.term.Identifier | None) -> str | None:
    """N-Triples text of an rdflib term, language tags lower-cased (pyoxigraph's convention)."""
    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return f"<{term}>"
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    assert isinstance(term, rdflib.Literal), term
    if term.language:
        return str(ox.Literal(str(term), language=term.language.lower()))
    return str(ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD + "string"))))


def normalized(text: str | None) -> str | None:
    """A fast-validator value as rdflib would hold it (rdflib normalizes lexical forms)."""
    if text is None:
        return None
    triple = next(iter(ox.parse(f"<urn:s> <urn:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES)))
    return term_text(rdflib_term(triple.object))


def path_text(report: rdflib.Graph, node: rdflib.term.Node | None) -> str | None:
    """A result path of the pyshacl report in the fast validator's SPARQL notation."""
    return None if node is None else path_of(report, node)


def path_of(report: rdflib.Graph, node: rdflib.term.Node) -> str:
    """One (sub)path node in SPARQL notation."""
    if isinstance(node, rdflib.URIRef):
        return f"<{node}>"
    if (node, RDF.first, None) in report:
        return "(" + "/".join(path_of(report, p) for p in rdflib.collection.Collection(report, node)) + ")"
    for predicate, template in ((SH.inversePath, "(^{})"), (SH.zeroOrMorePath, "({}*)"), (SH.oneOrMorePath, "({}+)"), (SH.zeroOrOnePath, "({}?)")):
        inner = report.value(node, predicate)
        if inner is not None:
            return template.format(path_of(report, inner))
    alternatives = report.value(node, SH.alternativePath)
    assert alternatives is not None, f"path node {node} is none of the SHACL path forms"
    return "(" + "|".join(path_of(report, p) for p in rdflib.collection.Collection(report, alternatives)) + ")"


def pyshacl_keys(data: bytes, fmt: ox.RdfFormat) -> Counter[Key]:
    """pyshacl's results as comparable keys."""
    _, report, _ = validate(data_for_pyshacl(data, fmt), shacl_graph=shapes_for_pyshacl(), inference="none", advanced=False)
    keys: Counter[Key] = Counter()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        messages = frozenset((str(m), m.language) for m in report.objects(r, SH.resultMessage))
        keys[(term_text(report.value(r, SH.focusNode)), path_text(report, report.value(r, SH.resultPath)),
              term_text(report.value(r, SH.sourceShape)), str(report.value(r, SH.sourceConstraintComponent)),
              term_text(report.value(r, SH.value)), messages)] += 1
    return keys


def fast_keys(data: bytes, fmt: ox.RdfFormat) -> Counter[Key]:
    """The fast validator's results as comparable keys."""
    keys: Counter[Key] = Counter()
    for v in validate_store(load_store(data, fmt), parallel=False):
        keys[(v.focus, v.path, v.shape, v.component, normalized(v.value), frozenset((m.text, m.language) for m in v.messages))] += 1
    return keys


def assert_same(data: bytes, fmt: ox.RdfFormat, name: str) -> Counter[Key]:
    """Equal multisets of results, or a diff naming every result only one engine reports."""
    reference, fast = pyshacl_keys(data, fmt), fast_keys(data, fmt)
    if reference != fast:
        only_ref = "\n".join(f"  {k} x{n}" for k, n in sorted((reference - fast).items(), key=str))
        only_fast = "\n".join(f"  {k} x{n}" for k, n in sorted((fast - reference).items(), key=str))
        pytest.fail(f"{name}: engines differ\nonly pyshacl:\n{only_ref or '  -'}\nonly fast:\n{only_fast or '  -'}")
    return reference


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture_parity(fixture: Path) -> None:
    assert_same(fixture.read_bytes(), ox.RdfFormat.TURTLE, fixture.name)


# --- Errors injected into the seed build -------------------------------------------------------

def nt(s: str, p: str, o: str) -> str:
    """One N-Triples line."""
    return f"{s} {p} {o} .\n"


def first_subject(lines: list[str], predicate: str, obj: str | None = None) -> str:
    """The first subject with ``predicate`` (and object) in the sorted dump."""
    for line in lines:
        s, p, rest = line.split(" ", 2)
        if p == predicate and (obj is None or rest.startswith(obj)):
            return s
    raise LookupError(predicate)


def inject_errors(data: bytes) -> bytes:
    """A copy of a built graph with a variety of mistakes, each of a kind a pipeline bug could make."""
    lines = data.decode("utf-8").splitlines(keepends=True)
    W, RDFT = "<https://w3id.org/wsis-kg/ontology#", "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    OA, SKOS = "<http://www.w3.org/ns/oa#", "<http://www.w3.org/2004/02/skos/core#"
    span = first_subject(lines, RDFT, W + "TextSpan>")
    citation = first_subject(lines, RDFT, "<http://purl.org/spar/cito/Citation>")
    version = first_subject(lines, RDFT, W + "InstrumentVersion>")
    provision = first_subject(lines, RDFT, W + "OperativeParagraph>")
    unga = first_subject(lines, RDFT, W + "UNGAResolution>")
    action_line = first_subject(lines, RDFT, W + "ActionLine>")
    region = first_subject(lines, RDFT, W + "Region>")
    org = first_subject(lines, RDFT, "<http://www.w3.org/ns/org#Organization>")
    event = first_subject(lines, "<https://schema.org/startDate>")
    drop = {
        (span, OA + "end>"),  # required property missing
        (citation, "<http://purl.org/spar/cito/hasCitedEntity>"),
        (org, "<http://www.w3.org/2000/01/rdf-schema#label>"),
    }
    kept = [line for line in lines if tuple(line.split(" ", 2)[:2]) not in drop]
    int_ = lambda v, t: f'"{v}"^^<{XSD}{t}>'  # noqa: E731
    extra = [
        nt(provision, W + "sequence>", int_(3, "integer")),  # wrong datatype, and a second value
        nt(span, OA + "start>", int_("+7", "nonNegativeInteger")),  # rdflib accepts "+7": arbiter path
        nt(span, W + "line>", int_("0", "positiveInteger")),  # ill-typed
        nt(span, OA + "exact>", '""'),  # too short
        nt(first_subject(lines, RDFT, W + "SourceDocument>"), "<http://purl.org/dc/terms/date>", int_("2099-02-30", "date")),  # no such day
        nt(event, "<https://schema.org/endDate>", int_("2020-01-01Z", "date")),  # time zone: arbiter
        nt(unga, "<http://purl.org/dc/terms/identifier>", '"A/RES/１/２"'),  # bad pattern, second value
        nt(unga, "<http://www.w3.org/2000/01/rdf-schema#label>", '"第二个"@zh'),  # not unique per language
        nt(unga, "<http://www.w3.org/2000/01/rdf-schema#label>", '"untagged"'),
        nt(citation, "<http://www.w3.org/ns/prov#wasDerivedFrom>", unga),  # wrong class
        nt(citation, W + "inProvision>", span),  # sh:or of classes fails
        nt(version, "<http://data.europa.eu/eli/ontology#is_member_of>", "<https://w3id.org/wsis-kg/id/itu/pp/res/1>"),
        nt(action_line, SKOS + "notation>", '"C5\\n"'),  # Python's $ matches before a final newline
        nt(region, SKOS + "notation>", '"XYZ"'),  # sh:in
        nt(region, SKOS + "prefLabel>", '"Region"@en-GB'),  # languageIn by first subtag, uniqueLang
        nt(provision, W + "clauseVerb>", '"recalls"@en'),  # languageIn
        nt(org, RDFT, SKOS + "Concept>"),  # a second parent for the label shapes: results twice
        nt(f"<{ID}org/Bad_Org>", RDFT, "<http://www.w3.org/ns/org#Organization>"),  # bad slug, no labels
        nt(f"<{ID}sdg/9.c>", RDFT, W + "SustainableDevelopmentGoal>"),  # target as goal
        nt(f"<{ID}sdg/9.c>", SKOS + "exactMatch>", '"http://metadata.un.org/sdg/9"'),  # literal, not IRI
        nt(W + "SpecialLine>", "<http://www.w3.org/2000/01/rdf-schema#subClassOf>", W + "ActionLine>"),
        nt(f"<{ID}wsis/action-line/C99>", RDFT, W + "SpecialLine>"),  # a target through rdfs:subClassOf
        nt(f"<{ID}dataset>", RDFT, "<http://rdfs.org/ns/void#Dataset>"),
        nt(f"<{ID}dataset>", "<http://rdfs.org/ns/void#triples>", int_("-5", "integer")),  # minInclusive
        nt(f"<{ID}dataset>", "<http://rdfs.org/ns/void#entities>", '"7"'),  # string against an integer bound
        nt(f"<{ID}dataset>", "<http://rdfs.org/ns/void#classPartition>", "_:part"),  # blank nodes, sequence path
        nt("_:part", "<http://rdfs.org/ns/void#class>", '"not an IRI"'),
        nt("_:part", "<http://rdfs.org/ns/void#entities>", int_("007", "integer")),
    ]
    return "".join(kept + extra).encode("utf-8")


def test_seed_build_with_injected_errors_parity(built) -> None:
    data = inject_errors(built[0].files["wsis-kg.nt"])
    results = assert_same(data, ox.RdfFormat.N_TRIPLES, "seed build with injected errors")
    components = {k[3].removeprefix(str(SH)) for k in results}
    assert len(components) >= 15, f"the injected errors exercise too few components: {sorted(components)}"


def test_seed_build_conforms_for_both(built) -> None:
    assert fast_keys(built[0].files["wsis-kg.nt"], ox.RdfFormat.N_TRIPLES) == Counter()


# --- The compiler's own promises ---------------------------------------------------------------

@pytest.mark.parametrize("datatype", sorted(CANONICAL_LEXICAL))
def test_canonical_lexical_forms_are_kept_by_rdflib(datatype: str) -> None:
    """A lexical form decided in SPARQL must be one rdflib accepts and keeps unchanged."""
    samples = ["0", "1", "7", "42", "-3", "2025", "2024-02-28", "2025-12-31", "2025-04-30", "zh", "en-GB", "true", "false"]
    for s in samples:
        if re.search(CANONICAL_LEXICAL[datatype], s):
            lit = rdflib.Literal(s, datatype=rdflib.URIRef(datatype))
            assert lit.ill_typed is not True, (datatype, s)
            assert str(lit) == s, (datatype, s)


def test_python_dollar_becomes_newline_tolerant() -> None:
    assert python_regex_to_rust("^C[0-9]$", "") == "^C[0-9](?:\\n?$)"
    assert python_regex_to_rust("^[$]x\\$$", "") == "^[$]x\\$(?:\\n?$)"


def unsupported(tmp_path: Path, body: str) -> None:
    (tmp_path / "s.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n" + body)
    shapes: ShapesGraph = read_shapes(tmp_path)
    with pytest.raises(UnsupportedShape):
        compile_shapes(shapes, {})


@pytest.mark.parametrize("body", [
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:node ex:T .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:equals ex:q ] .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:in ( 1 2 ) ] .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:pattern \"(?<=a)b\" .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select \"SELECT $this WHERE { $this ex:p ?v FILTER(?v > 3) }\" ] .",
])
def test_unsupported_features_are_refused(tmp_path: Path, body: str) -> None:
    unsupported(tmp_path, body)
