"""Write the dumps (Turtle, N-Triples, TriG, JSON-LD, VoID/DCAT) byte-identically and atomically.

Determinism: quads are de-duplicated and sorted before serializing, and nothing time- or
machine-dependent is written. Atomicity: everything goes to a sibling temporary folder which
replaces the output folder only once complete, so a failed build leaves the previous output.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import cast

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, parse, serialize

from pipeline.errors import WsisKgError
from pipeline.folders import publish_folder
from pipeline.identifiers import Identifiers
from pipeline.rdf.rdf_map import DCT, DESCRIPTIONS, PREFIXES, RDF, RDFS, XSD
from pipeline.rdf.statistics import STATISTICS

log = logging.getLogger(__name__)

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DUMPS = {
    "wsis-kg.ttl": (RdfFormat.TURTLE, "text/turtle"),
    "wsis-kg.nt": (RdfFormat.N_TRIPLES, "application/n-triples"),
    "wsis-kg.trig": (RdfFormat.TRIG, "application/trig"),
    "wsis-kg.jsonld": (RdfFormat.JSON_LD, "application/ld+json"),
    "wsis-kg.graphs.jsonld": (RdfFormat.JSON_LD, "application/ld+json"),
}
#: Dumps that keep the named graphs; every other one holds the union in its default graph, so
#: that any RDF library reads it as one graph (``rdflib.Graph().parse("wsis-kg.jsonld")``).
GRAPH_DUMPS = {"wsis-kg.trig", "wsis-kg.graphs.jsonld"}


def graph_lines(triples: list[Triple] | list[Quad]) -> bytes:
    """One graph as sorted, unique N-Triples lines: its canonical, cacheable form.

    Sorting the serialized lines (bytes, in C) instead of term tuples in Python is what keeps
    a million-triple build fast; it orders by subject, predicate, object.
    """
    data = cast(bytes, serialize((t.triple if isinstance(t, Quad) else t for t in triples), format=RdfFormat.N_TRIPLES))
    return b"".join(sorted(set(data.splitlines(keepends=True))))


def as_nquads(ntriples: bytes, graph: str) -> bytes:
    """N-Triples lines (each ending in space, dot, newline) as N-Quads lines of ``graph``."""
    suffix = b" " + str(NamedNode(graph)).encode() + b" .\n"
    return b"".join(line[:-3] + suffix for line in ntriples.splitlines(keepends=True))


def merge_lines(parts: Iterable[bytes]) -> bytes:
    """Sorted, unique N-Triples lines of several canonical parts (:func:`graph_lines`) as one."""
    return b"".join(sorted({line for lines in parts for line in lines.splitlines(keepends=True)}))


def union_lines(graphs: list[tuple[str, bytes]]) -> bytes:
    """The union of all graphs as sorted, unique N-Triples lines (the ``.nt`` dump)."""
    return merge_lines(lines for _, lines in graphs)


def parse_canonical(graphs: list[tuple[str, bytes]], union: bytes) -> tuple[list[Quad], list[Triple]]:
    """The quads (graph by graph) and the union triples, parsed strictly.

    The strict parse is the build's check that every term the mapper made is valid RDF. (Making
    each graph's quads from the parsed union's terms instead cost more than this parse: a
    million ``Quad`` objects built in Python, and a line-to-triple map, the profile showed.)
    """
    nquads = b"".join(as_nquads(lines, name) for name, lines in graphs)
    try:
        quads = list(parse(nquads, format=RdfFormat.N_QUADS))
        triples = list(parse(union, format=RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise WsisKgError(f"the mapper produced invalid RDF: {exc}") from None
    return quads, triples


SPDX_CHECKSUM = "http://spdx.org/rdf/terms#checksumValue"
#: What the graphs shared by all documents hold (ontology/MODEL.md), said in void.ttl.
SHARED_GRAPHS = {
    "reference": "Curated reference data: WSIS action lines, SDGs, ITU-D regions, organizations, places, conferences.",
    DESCRIPTIONS: "What every instrument, source document and meeting is (types, labels, titles, identifiers), once, from all documents.",
    STATISTICS: "Aggregates computed at build time: citation counts and ranks per instrument, mentions per concept, "
    "listing positions of source documents (pipeline/rdf/statistics.py).",
}


def void_description(
    ids: Identifiers, quads: list[Quad], triples: list[Triple], files: dict[str, bytes], graph_sums: dict[str, str] | None = None
) -> list[Triple]:
    """VoID/DCAT description with counts, without blank nodes.

    Each graph also gets the SHA-256 of its canonical lines (:func:`graph_lines`), so a loader
    can tell which graphs a new build changed and move only those.
    """
    ds = NamedNode(ids.dataset())
    n = lambda v: Literal(str(v), datatype=NamedNode(XSD + "integer"))  # noqa: E731
    out = [
        Triple(ds, NamedNode(RDF + "type"), NamedNode(VOID + "Dataset")),
        Triple(ds, NamedNode(RDF + "type"), NamedNode(DCAT + "Dataset")),
        Triple(ds, NamedNode(DCT + "title"), Literal("wsis-kg: knowledge graph of digital-development policy", language="en")),
        Triple(ds, NamedNode(DCT + "title"), Literal("wsis-kg：数字发展政策知识图谱", language="zh")),
        Triple(ds, NamedNode(VOID + "triples"), n(len(triples))),
        Triple(ds, NamedNode(VOID + "entities"), n(len({t.subject for t in triples}))),
    ]
    classes = Counter(cast(NamedNode, t.object) for t in triples if t.predicate == NamedNode(RDF + "type"))
    for cls, count in sorted(classes.items(), key=lambda kv: str(kv[0])):
        part = NamedNode(f"{ids.dataset()}/class/{hashlib.sha1(cls.value.encode()).hexdigest()[:12]}")
        out += [
            Triple(ds, NamedNode(VOID + "classPartition"), part),
            Triple(part, NamedNode(VOID + "class"), cls),
            Triple(part, NamedNode(VOID + "entities"), n(count)),
        ]
    graphs = Counter(cast(NamedNode, q.graph_name) for q in quads)  # the dumps have no default graph
    for graph, count in sorted(graphs.items(), key=lambda kv: str(kv[0])):
        out += [
            Triple(ds, NamedNode(VOID + "subset"), graph),
            Triple(graph, NamedNode(RDF + "type"), NamedNode(VOID + "Dataset")),
            Triple(graph, NamedNode(VOID + "triples"), n(count)),
        ]
        shared = {ids.graph(key): text for key, text in SHARED_GRAPHS.items()}
        if graph.value in shared:
            out.append(Triple(graph, NamedNode(DCT + "description"), Literal(shared[graph.value], language="en")))
        if graph_sums and graph.value in graph_sums:
            out.append(Triple(graph, NamedNode(SPDX_CHECKSUM), Literal(graph_sums[graph.value])))
    for name, data in sorted(files.items()):
        dist = NamedNode(f"{ids.dataset()}/distribution/{name}")
        out += [
            Triple(ds, NamedNode(DCAT + "distribution"), dist),
            Triple(dist, NamedNode(RDF + "type"), NamedNode(DCAT + "Distribution")),
            Triple(dist, NamedNode(RDFS + "label"), Literal(name)),
            Triple(dist, NamedNode(DCAT + "mediaType"), Literal(DUMPS[name][1])),
            Triple(dist, NamedNode(DCAT + "byteSize"), n(len(data))),
            Triple(dist, NamedNode(SPDX_CHECKSUM), Literal(hashlib.sha256(data).hexdigest())),
        ]
    return sorted(out, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def render_graphs(ids: Identifiers, graphs: list[tuple[str, bytes]], union: bytes | None = None) -> dict[str, bytes]:
    """Every output file's bytes from each named graph's canonical lines (:func:`graph_lines`)."""
    graphs = sorted(graphs)
    union = union if union is not None else union_lines(graphs)
    quads, triples = parse_canonical(graphs, union)
    prefixes = {**PREFIXES, "id": ids.id("")}
    files: dict[str, bytes] = {}
    for name, (fmt, _) in DUMPS.items():
        if fmt == RdfFormat.N_TRIPLES:
            files[name] = union  # the canonical lines are already pyoxigraph's N-Triples
            continue
        data = quads if name in GRAPH_DUMPS else triples
        with_prefixes = prefixes if fmt in (RdfFormat.TURTLE, RdfFormat.TRIG) else None
        files[name] = cast(bytes, serialize(data, format=fmt, prefixes=with_prefixes))
    sums = {name: hashlib.sha256(lines).hexdigest() for name, lines in graphs}
    void = void_description(ids, quads, triples, files, sums)
    files["void.ttl"] = cast(bytes, serialize(void, format=RdfFormat.TURTLE, prefixes={"void": VOID, "dcat": DCAT, **PREFIXES}))
    return files


def write_atomically(out: Path, files: dict[str, bytes], then: Callable[[Path], None] | None = None) -> None:
    """Write ``files`` into ``out`` so that readers see the old folder or the new one, never a mix.

    ``then``, if given, is called with the new folder once the files are in it (the build writes
    its query store there, and waits for its SHACL check); if it raises, nothing is switched.

    ``out`` stays a real folder; see :mod:`pipeline.folders` for how the switch is one step.
    """
    out = out.resolve()

    def fill(folder: Path) -> None:
        for name, data in sorted(files.items()):
            (folder / name).write_bytes(data)
        if then is not None:
            then(folder)

    publish_folder(out, fill)
    log.info("wrote %d files to %s", len(files), out)
