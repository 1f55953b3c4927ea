"""Build outputs: deterministic, strict, blank-node free, atomic; bad input named by file and line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import cast

import pytest
from pyoxigraph import BlankNode, NamedNode, RdfFormat, parse

from pipeline import layout
from pipeline.build import build
from pipeline.errors import InputError, ValidationFailed
from pipeline.identifiers import ONTOLOGY_NS, Identifiers
from pipeline.rdf.rdf_map import DCT, DESCRIPTIONS
from pipeline.rdf.statistics import STATISTICS
from pipeline.rdf.write import DUMPS

IDS = Identifiers()


def test_two_builds_are_byte_identical(built, tmp_path):
    first = built[0].files
    second = build(layout.DOCUMENTS, tmp_path / "again", IDS).files
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], f"{name} differs between two builds"


@pytest.mark.parametrize("name", sorted(DUMPS))
def test_dumps_parse_strictly_without_blank_nodes(built, name):
    fmt = DUMPS[name][0]
    quads = list(parse(built[0].files[name], format=fmt))
    assert len(quads) > 10_000
    for q in quads:
        assert not isinstance(q.subject, BlankNode)
        assert not isinstance(q.object, BlankNode)


def test_trig_has_one_graph_per_document_plus_the_shared_graphs(built):
    graphs = {q.graph_name.value for q in parse(built[0].files["wsis-kg.trig"], format=RdfFormat.TRIG)}
    keys = [ex.key for ex in built[0].extractions]
    assert graphs == {IDS.graph(k) for k in keys} | {IDS.graph(g) for g in ("reference", DESCRIPTIONS, STATISTICS)}


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABELS = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel")
#: MODEL.md: nodes of these classes have no label (their span's oa:exact is their text).
UNLABELLED = {
    "http://data.europa.eu/eli/ontology#LegalExpression", ONTOLOGY_NS + "TextSpan", ONTOLOGY_NS + "PreambularClause",
    ONTOLOGY_NS + "OperativeParagraph", ONTOLOGY_NS + "Footnote", "http://purl.org/spar/cito/Citation",
    ONTOLOGY_NS + "ConceptMention", ONTOLOGY_NS + "RoleStatement", ONTOLOGY_NS + "NumberedParagraph", ONTOLOGY_NS + "Mandate",
    ONTOLOGY_NS + "BodyMention",
}


def _graphs(built) -> dict[str, set]:
    graphs: dict[str, set] = {}
    for q in parse(built[0].files["wsis-kg.trig"], format=RdfFormat.TRIG):
        graphs.setdefault(q.graph_name.value, set()).add(q.triple)
    return graphs


def test_each_description_is_written_once(built):
    """Types, labels, titles and identifiers stand in one graph only: no document graph repeats
    what an instrument, body, event or concept is (copies slowed every union query)."""
    seen: dict = {}
    for graph, triples in _graphs(built).items():
        for t in triples:
            if t.predicate.value in (RDF_TYPE, *LABELS, DCT + "identifier", DCT + "title"):
                assert seen.setdefault(t, graph) == graph, f"{t} is in {seen[t]} and {graph}"


@pytest.mark.parametrize("key", ["itu/wtdc/2025/declaration", "itu/wtdc/res/30/2022", "itu/wtpf/2021/sg-report",
                                 "un/A/C.2/79/L.33", "itu/council/2025/wtdc-25-preparations"])
def test_one_document_graph_with_the_shared_graphs_has_every_label_it_needs(built, key):
    """A consumer loading one document's graph adds graph/descriptions and graph/reference
    (MODEL.md) and finds the type and label of every node the document names."""
    graphs = _graphs(built)
    own = graphs[IDS.graph(key)]
    loaded = own | graphs[IDS.graph(DESCRIPTIONS)] | graphs[IDS.graph("reference")]
    types: dict[str, set[str]] = {}
    labels: dict[str, set[str]] = {}
    for t in loaded:
        if t.predicate.value == RDF_TYPE:
            types.setdefault(t.subject.value, set()).add(t.object.value)
        elif t.predicate.value in LABELS:
            labels.setdefault(t.subject.value, set()).add(t.object.language)
    named = {term.value for t in own for term in (t.subject, t.object) if isinstance(term, NamedNode)}
    named = {iri for iri in named if iri.startswith(IDS.id(""))}
    assert len(named) > 20
    for iri in sorted(named):
        assert iri in types, f"{iri} (named in graph {key}) has no type in the loaded graphs"
        if types[iri] & UNLABELLED:
            continue
        assert "zh" in labels.get(iri, set()), f"{iri} ({sorted(types[iri])}) has no @zh label in the loaded graphs"


def test_void_counts_match_the_dump(built):
    void = built[0].files["void.ttl"].decode()
    triples = sum(1 for _ in parse(built[0].files["wsis-kg.nt"], format=RdfFormat.N_TRIPLES))
    assert f"void:triples {triples}" in void


def test_data_uses_no_undeclared_term_of_ours(built):
    ontology = (layout.ONTOLOGY / "wsis-kg.ttl").read_text(encoding="utf-8")
    declared = set(re.findall(r"\bwsis:([A-Za-z0-9]+)\s+a\s", ontology))
    used = set(re.findall(re.escape(ONTOLOGY_NS) + r"([A-Za-z0-9]+)", built[0].files["wsis-kg.nt"].decode()))
    assert used - declared == set(), "declare these terms in ontology/wsis-kg.ttl"


def _docs(tmp_path: Path, texts: dict[str, bytes], manifest: str | None = None) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, data in texts.items():
        (folder / name).write_bytes(data)
    entries = manifest or "".join(
        f"  - {{file: {name}, key: itu/doc/T{i}, kind: report, language: zh, title_zh: 测试, title_en: Test}}\n"
        for i, name in enumerate(texts)
    )
    (folder / "manifest.yaml").write_text("documents:\n" + entries, encoding="utf-8")
    return folder


@pytest.fixture
def previous(built, tmp_path) -> Path:
    """An output folder holding a good previous build."""
    out = tmp_path / "out"
    shutil.copytree(built[1], out)
    return out


def _unchanged(out: Path, built) -> None:
    assert (out / "wsis-kg.ttl").read_bytes() == built[0].files["wsis-kg.ttl"]


@pytest.mark.parametrize(
    ("texts", "message", "line"),
    [
        ({"a.txt": b""}, "the document is empty", None),
        ({"a.txt": "第一行\n第二行\n".encode() + b"\xff\xfe bad\n"}, "not valid utf-8", 3),
    ],
)
def test_bad_text_is_named_and_previous_output_kept(tmp_path, previous, built, texts, message, line):
    with pytest.raises(InputError) as err:
        build(_docs(tmp_path, texts), previous, IDS)
    assert err.value.path.name == "a.txt"
    assert message in str(err.value)
    assert err.value.line == line
    _unchanged(previous, built)


def test_file_without_manifest_entry(tmp_path, previous, built):
    folder = _docs(tmp_path, {"a.txt": "正文。".encode()})
    (folder / "stray.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match=r"no entry in manifest\.yaml") as err:
        build(folder, previous, IDS)
    assert err.value.path.name == "stray.txt"
    _unchanged(previous, built)


def test_manifest_lists_missing_document(tmp_path, previous, built):
    manifest = "  - {file: gone.txt, key: itu/doc/X, kind: report, language: zh, title_zh: 测试, title_en: Test}\n"
    with pytest.raises(InputError, match="listed but not present"):
        build(_docs(tmp_path, {}, manifest), previous, IDS)
    _unchanged(previous, built)


def test_duplicate_manifest_keys_are_named(tmp_path, previous, built):
    """Regression: the check was rewritten from O(n²) list.count to a Counter; it must still bite."""
    entry = "  - {{file: {f}, key: itu/doc/X, kind: report, language: zh, title_zh: 测试, title_en: Test}}\n"
    folder = _docs(tmp_path, {"a.txt": "正文。".encode(), "b.txt": "正文。".encode()}, entry.format(f="a.txt") + entry.format(f="b.txt"))
    with pytest.raises(InputError, match="duplicate key: itu/doc/X"):
        build(folder, previous, IDS)
    _unchanged(previous, built)


def test_bom_is_stripped_and_gb18030_only_when_declared(tmp_path):
    from pipeline.sources.documents import read_folder

    text = "理事会通过了第637号决定（C24）。"
    folder = _docs(tmp_path, {"a.txt": b"\xef\xbb\xbf" + text.encode()})
    assert read_folder(folder)[0].text == text
    gb = tmp_path / "gb"
    gb.mkdir()
    (gb / "b.txt").write_bytes(text.encode("gb18030"))
    entry = "  - {file: b.txt, key: itu/doc/Y, kind: report, language: zh, title_zh: 测试, title_en: Test, encoding: gb18030}\n"
    (gb / "manifest.yaml").write_text("documents:\n" + entry, encoding="utf-8")
    assert read_folder(gb)[0].text == text
    (gb / "manifest.yaml").write_text("documents:\n" + entry.replace(", encoding: gb18030", ""), encoding="utf-8")
    with pytest.raises(InputError, match="not valid utf-8"):
        read_folder(gb)


def test_full_width_digits_fold_in_identifiers_but_not_in_evidence(tmp_path):
    text = "忆及\n\n- a) 有关战略规划的全权代表大会第７１号决议（２０１８年，迪拜，修订版）；\n"
    manifest = "  - {file: a.txt, key: itu/wtdc/res/99/2022, kind: resolution, language: zh, title_zh: 测试, title_en: Test, adopted_by: wtdc-22}\n"
    out = tmp_path / "out"
    result = build(_docs(tmp_path, {"a.txt": text.encode()}, manifest), out, IDS)
    (c,) = result.extractions[0].citations
    assert c.cited.iri == IDS.itu_version("pp", "res", 71, 2018)
    assert c.span.exact == "第７１号决议（２０１８年，迪拜，修订版）"
    assert c.verb == "忆及"


def test_unknown_citation_form_is_a_warning_with_line(tmp_path):
    text = "忆及\n\n- a) 第2号决议的规定；\n"
    manifest = "  - {file: a.txt, key: itu/wtdc/res/98/2022, kind: resolution, language: zh, title_zh: 测试, title_en: Test}\n"
    result = build(_docs(tmp_path, {"a.txt": text.encode()}, manifest), tmp_path / "out", IDS)
    assert [str(w) for w in result.warnings] == [
        "a.txt:3: cannot tell which ITU organ adopted '第2号决议' (no organ named before it, no year and place)"
    ]


def test_background_shacl_check_reports_like_the_inline_one(monkeypatch):
    """Big builds check SHACL in a forked process while serializing: same verdict, same report."""
    from pyoxigraph import RdfFormat, parse, serialize

    from pipeline.shacl import validate

    fixture = sorted((layout.ROOT / "tests" / "shapes" / "invalid").glob("*.ttl"))[0]
    nt = cast(bytes, serialize(parse(path=str(fixture), format=RdfFormat.TURTLE), format=RdfFormat.N_TRIPLES))
    monkeypatch.setattr(validate, "BACKGROUND_FROM_BYTES", 0)
    with pytest.raises(ValidationFailed) as inline:
        validate.require_conformance(nt)
    wait = validate.conformance_in_background(nt)
    with pytest.raises(ValidationFailed) as background:
        wait()
    assert str(background.value) == str(inline.value)
    valid = sorted((layout.ROOT / "tests" / "shapes" / "valid").glob("*.ttl"))[0]
    validate.conformance_in_background(cast(bytes, serialize(parse(path=str(valid), format=RdfFormat.TURTLE), format=RdfFormat.N_TRIPLES)))()


def test_statistics_count_what_the_graph_says(built, store):
    """graph/statistics equals counting the citation and mention records at query time (a node
    counts the citations of itself and of its versions, provisions and paragraphs)."""
    w = "https://w3id.org/wsis-kg/ontology#"
    counted = store.query(
        "PREFIX cito: <http://purl.org/spar/cito/> PREFIX eli: <http://data.europa.eu/eli/ontology#> "
        "SELECT ?work (COUNT(DISTINCT ?citing) AS ?d) (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c cito:hasCitedEntity ?cited ; cito:hasCitingEntity ?citing . "
        "?cited (eli:is_member_of|eli:is_part_of)? ?work } GROUP BY ?work", use_default_graph_as_union=True)
    expected = {(r["work"].value, int(r["d"].value), int(r["n"].value)) for r in counted}
    stored = store.query(
        f"SELECT ?work ?d ?n WHERE {{ GRAPH <{IDS.graph(STATISTICS)}> {{ ?work <{w}citingEntityCount> ?d ; <{w}citationCount> ?n }} }}")
    assert {(r["work"].value, int(r["d"].value), int(r["n"].value)) for r in stored} == expected
    mentions = store.query(
        f"SELECT ?k (COUNT(?m) AS ?n) WHERE {{ ?m <{w}concept> ?k }} GROUP BY ?k", use_default_graph_as_union=True)
    stored = store.query(f"SELECT ?k ?n WHERE {{ GRAPH <{IDS.graph(STATISTICS)}> {{ ?k <{w}mentionCount> ?n }} }}")
    assert {(r["k"].value, int(r["n"].value)) for r in stored} == {(r["k"].value, int(r["n"].value)) for r in mentions}
    positions = store.query(f"SELECT ?doc ?p WHERE {{ ?doc <{w}listingPosition> ?p }} ORDER BY ?p", use_default_graph_as_union=True)
    docs = [r["doc"].value for r in positions]
    assert docs == sorted(docs)
    assert len(docs) == 5


def test_build_writes_a_query_store_with_every_graph(built, store):
    """dist/oxigraph/ holds the TriG's quads plus void.ttl in the dataset graph."""
    quads = sum(1 for _ in parse(built[0].files["wsis-kg.trig"], format=RdfFormat.TRIG))
    void = sum(1 for _ in parse(built[0].files["void.ttl"], format=RdfFormat.TURTLE))
    assert len(store) == quads + void


def test_jsonld_dump_reads_as_one_graph_and_keeps_the_named_graphs_beside_it(built):
    """``rdflib.Graph().parse("wsis-kg.jsonld")`` gives the whole graph (it once gave 0 triples:
    everything sat in named graphs); ``wsis-kg.graphs.jsonld`` holds the graphs of the TriG."""
    import rdflib

    out = built[1]
    union = rdflib.Graph().parse(out / "wsis-kg.jsonld")
    nt = rdflib.Graph().parse(out / "wsis-kg.nt", format="nt")
    assert len(union) == len(nt) > 10_000
    assert set(union) == set(nt)  # no blank nodes: equal triples, equal graphs
    graphs = rdflib.Dataset().parse(out / "wsis-kg.graphs.jsonld", format="json-ld")
    trig = rdflib.Dataset().parse(out / "wsis-kg.trig", format="trig")
    named = lambda ds: {str(g.identifier): len(g) for g in ds.graphs() if len(g)}  # noqa: E731
    assert named(graphs) == named(trig)
    assert len(named(graphs)) >= 6
