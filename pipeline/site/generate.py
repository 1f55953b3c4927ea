"""Built dumps + source texts → the static site (``wsis-kg site``, ``wsis-kg build --site``).

Writes, into a staging folder swapped in when complete: one page per entity (plus its
Turtle), one page per source text with its facts highlighted, listings per class (paginated),
the index, client-side search shards, overviews, ontology and shape documentation, and the
canned-query catalogue. Every page links only to files of the site; nothing is fetched.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from pyoxigraph import RdfFormat, serialize

from pipeline import layout
from pipeline.errors import WsisKgError
from pipeline.folders import publish_folder
from pipeline.identifiers import Identifiers
from pipeline.rdf.rdf_map import DCT, PREFIXES, W
from pipeline.site.entity import INLINE_ROWS, entity_page
from pipeline.site.graph import SiteGraph
from pipeline.site.links import Links, Value, is_text
from pipeline.site.ontology import ontology_page, shape_pages
from pipeline.site.overviews import concept_matrices, initiatives_by_region, network_pages, timeline
from pipeline.site.paths import PAGE, TURTLE, href, page_file
from pipeline.site.reference import entry_of, reference_files
from pipeline.site.render import Writer, environment, interface, json_script
from pipeline.site.text import check_source, text_page
from pipeline.site.vocabulary import EXTRA_PREFIXES, Vocabulary, curie
from pipeline.sources.documents import read_folder

log = logging.getLogger(__name__)

#: Entries per page of a class listing or of a section's listing pages.
LISTING_PAGE = 500
#: The query UI of `wsis-kg serve` on its default port (Oxigraph's YASGUI reads ``#query=``).
DEFAULT_QUERY_UI = "http://127.0.0.1:7878/"
#: Overview pages: (file, interface string key), in the header and on the index.
OVERVIEWS = [
    ("overviews/network.html", "network"),
    ("overviews/action-lines.html", "action_lines"),
    ("overviews/sdgs.html", "sdgs"),
    ("overviews/timeline.html", "timeline"),
    ("overviews/initiatives.html", "initiatives"),
]
NAV = [("overviews/network.html", "network"), ("overviews/index.html", "overviews"), ("ontology/index.html", "ontology"), ("shapes/index.html", "shapes"), ("queries.html", "queries")]
#: Characters per search shard (a <script> file each): small enough to load fast, few enough.
SHARD_CHARS = 400_000


@dataclass(frozen=True)
class SiteReport:
    """What ``write_site`` wrote: HTML pages, all files, bytes, the largest file, seconds."""

    pages: int
    files: int
    bytes: int
    largest: tuple[int, str]
    seconds: float
    entities: int
    texts: int


def write_site(
    dist: Path = layout.DEFAULT_OUT,
    out: Path | None = None,
    documents: Path = layout.DOCUMENTS,
    ids: Identifiers | None = None,
    query_ui: str = DEFAULT_QUERY_UI,
) -> SiteReport:
    """Write the site for the build in ``dist`` into ``out`` (default ``dist/site``).

    ``documents`` is the folder the build read (texts are checked against the SHA-256 in the
    graph). ``query_ui`` is the Oxigraph query page the canned-query links open (``wsis-kg
    serve``'s, pre-filled through its ``#query=`` parameter). Raises ``WsisKgError`` when the build is missing or a text differs from the one
    built; the previous site stays in place on any failure.
    """
    started = time.perf_counter()
    ids = ids or Identifiers.from_environment()
    out = (out or dist / "site").resolve()
    g = SiteGraph.load(dist, ids.base)
    vocab = Vocabulary.load(layout.ONTOLOGY)
    sources = {s.entry.file: s for s in read_folder(documents)} if (documents / "manifest.yaml").is_file() else {}
    texts: dict[str, object] = {}
    for s in list(g.out):
        if not is_text(g, s):
            continue
        name = g.first(s, DCT + "source")
        source = sources.get(name.value) if name is not None else None
        if source is None:
            raise WsisKgError(f"{documents}: no text {name.value if name else '?'} for {s}; give `--documents` the folder the build read")
        check_source(g, s, source)
        texts[s] = source
    strings, headings, page_classes = interface()
    links = Links.of(g, vocab, set(texts), page_classes)
    log.info("read the graph and %d texts (%.1f s)", len(texts), time.perf_counter() - started)
    onto_html, links.ontology = ontology_page(layout.ONTOLOGY, "../index.html")
    shapes = shape_pages(layout.SHAPES, links.ontology)
    by_class: dict[str, list[dict[str, str]]] = defaultdict(list)
    for shape in shapes:
        for target in shape.targets:
            by_class[_expand(target.text)].append({"file": shape.file, "name": shape.name})
    log.info("documented the ontology and %d shapes (%.1f s)", len(shapes), time.perf_counter() - started)
    ref_files, ref_entries = reference_files(layout.REFERENCE)
    context = {"triples": g.triples, "nav": NAV, "shapes_of": lambda iri: by_class.get(iri, []), "reference_of": lambda iri: entry_of(iri, ref_entries)}
    writer = Writer(Path("."), environment(strings), context)

    def fill(folder: Path) -> None:
        global _WORK
        writer.folder = folder
        writer.copy_static()
        _WORK = (writer, links, headings, texts)
        try:
            _in_parallel(writer, _entity_job, sorted(links.entities))
            log.info("wrote %d entity pages (%.1f s)", len(links.entities), time.perf_counter() - started)
            _in_parallel(writer, _text_job, sorted(texts))
            log.info("wrote %d document pages (%.1f s)", len(texts), time.perf_counter() - started)
        finally:
            _WORK = None
        _listings_and_index(writer, links)
        _search(writer, links, texts)
        log.info("wrote listings and search shards (%.1f s)", time.perf_counter() - started)
        _overviews(writer, links)
        log.info("wrote the overviews (%.1f s)", time.perf_counter() - started)
        writer.write("ontology/index.html", onto_html.encode("utf-8"))
        writer.pages += 1
        for shape in shapes:
            writer.page("shape.html", shape.file, shape=shape)
        writer.page("shapes_index.html", "shapes/index.html", shapes=shapes)
        _queries(writer, query_ui)
        for ref in ref_files:
            writer.page("reference.html", ref.file, ref=ref)

    out.parent.mkdir(parents=True, exist_ok=True)
    publish_folder(out, fill, durable=False)
    report = SiteReport(writer.pages, writer.files, writer.size, writer.largest, time.perf_counter() - started, len(links.entities), len(texts))
    log.info(
        "wrote the site to %s: %d pages, %d files, %.1f MB (largest %s, %.0f kB) in %.1f s",
        out, report.pages, report.files, report.bytes / 1e6, report.largest[1], report.largest[0] / 1e3, report.seconds,
    )  # fmt: skip
    return report


def _folder_file(links: Links, iri: str) -> str:
    return f"{links.folder(iri)}/{PAGE}"


#: Set in the parent before forking: what the page workers read (copy-on-write, not pickled).
_WORK: tuple[Writer, Links, dict[str, dict[str, str]], dict] | None = None
#: Below this many pages a second process costs more than it saves.
PARALLEL_FROM = 2000


def _in_parallel(writer: Writer, job: Callable[[Writer, list[str]], None], items: list[str]) -> None:
    """Run ``job`` over ``items`` split among forked workers (each writes its own files into the
    staging folder); the parent adds up what they wrote."""
    workers = min(os.cpu_count() or 1, 4)
    if len(items) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        job(writer, items)
        return
    chunks = [items[i::workers] for i in range(workers)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for pages, files, size, largest in pool.starmap(_work, [(job, c) for c in chunks]):
            writer.pages += pages
            writer.files += files
            writer.size += size
            writer.largest = max(writer.largest, largest)


def _work(job: Callable[[Writer, list[str]], None], items: list[str]) -> tuple[int, int, int, tuple[int, str]]:
    assert _WORK is not None
    parent = _WORK[0]
    writer = Writer(parent.folder, parent.env, parent.context)
    job(writer, items)
    return writer.pages, writer.files, writer.size, writer.largest


def _entity_job(writer: Writer, iris: list[str]) -> None:
    assert _WORK is not None
    _entities(writer, _WORK[1], _WORK[2], iris)


def _text_job(writer: Writer, iris: list[str]) -> None:
    assert _WORK is not None
    _texts(writer, _WORK[1], _WORK[3], iris)


def _entities(writer: Writer, links: Links, headings: dict[str, dict[str, str]], iris: list[str]) -> None:
    prefixes = {**PREFIXES, "id": links.g.base + "id/"}
    for iri in iris:
        file = _folder_file(links, iri)
        page = entity_page(links, iri, file, headings)
        folder = links.folder(iri)
        for section in page.sections:
            if len(section.rows) > INLINE_ROWS:
                chunks = [section.rows[i : i + LISTING_PAGE] for i in range(0, len(section.rows), LISTING_PAGE)]
                files = [f"{folder}/{section.key}-{k + 1}.html" for k in range(len(chunks))]
                section.pages = [href(f, file) for f in files]
                for k, (chunk, f) in enumerate(zip(chunks, files, strict=True)):
                    rows_page = entity_page(links, iri, f, headings) if k == 0 and f.count("/") != file.count("/") else None
                    writer.page("section.html", f, page=rows_page or page, section=section, rows=chunk, number=k + 1)
        writer.page("entity.html", file, page=page, inline=INLINE_ROWS)
        turtle = serialize(links.g.subject_triples(iri), format=RdfFormat.TURTLE, prefixes=prefixes)
        writer.write(f"{folder}/{TURTLE}", turtle or b"")


def _texts(writer: Writer, links: Links, texts: dict, iris: list[str]) -> None:
    for iri in iris:
        file = _folder_file(links, iri)
        page = text_page(links, iri, file, texts[iri])
        facts = [{"kind": f.kind, "links": f.links, "literals": f.literals, "exact": f.exact, "anchor": f.anchor} for f in page.facts]
        writer.page("text.html", file, page=page, facts_json=json_script(facts))


def _class_folder(cls: str) -> str:
    return "list/" + curie(cls).replace(":", "-").replace("/", "-").replace("#", "-")


def _listings_and_index(writer: Writer, links: Links) -> None:
    g = links.g
    members: dict[str, list[str]] = defaultdict(list)
    for iri in links.entities | links.texts:
        for cls in g.types(iri):
            members[cls].append(iri)
    classes = []
    for cls, iris in sorted(members.items()):
        folder = _class_folder(cls)
        files = [page_file(folder, k + 1) for k in range(max(1, -(-len(iris) // LISTING_PAGE)))]
        title = links.vocab.label(cls)
        ordered = sorted(iris, key=lambda i: Value(links.labels(i), None, i).sort_key)
        for k, f in enumerate(files):
            chunk = [Value(links.labels(i), links.href(i, f), i) for i in ordered[k * LISTING_PAGE : (k + 1) * LISTING_PAGE]]
            writer.page("listing.html", f, title=title, total=len(iris), items=chunk, pages=[href(p, f) for p in files], number=k + 1, cls=cls)
        classes.append({"href": files[0], "labels": title, "curie": curie(cls), "count": len(iris)})
    docs = sorted(
        (Value(links.labels(s), links.href(s, PAGE), s) for s in g.out if any(t.value == W + "SourceDocument" for t in g.objects(s, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")) and s in links.entities),
        key=lambda v: v.sort_key,
    )
    more = href(_class_folder(W + "SourceDocument") + "/" + PAGE, PAGE) if len(docs) > 50 else ""
    writer.page("index.html", PAGE, documents=docs[:50], more_documents=more, classes=classes, overviews=OVERVIEWS)


def _search(writer: Writer, links: Links, texts: dict) -> None:
    """Search shards: ``search/labels-N.js`` (every page's names) and ``search/texts-N.js``."""
    g = links.g
    rows = []
    for iri in sorted(links.entities):
        labels = g.labels(iri)
        other = [o.value for p in ("http://www.w3.org/2004/02/skos/core#notation", DCT + "identifier", "http://www.w3.org/2004/02/skos/core#altLabel") for o in g.objects(iri, p)]
        kinds = [curie(t) for t in g.types(iri) if links.vocab.is_own(t)] or [curie(t) for t in g.types(iri)[:1]]
        rows.append([labels.get("zh", ""), labels.get("en", ""), " ".join([labels.get("", ""), *other]).strip(), _folder_file(links, iri), ", ".join(kinds)])
    text_rows = []
    for iri in sorted(texts):
        labels = links.labels(iri)
        text_rows.append([labels.get("zh", ""), labels.get("en", ""), _folder_file(links, iri), texts[iri].text])
    counts = {kind: _shards(writer, kind, data) for kind, data in (("labels", rows), ("texts", text_rows))}
    writer.page("search.html", "search.html", label_shards=counts["labels"], text_shards=counts["texts"])


def _shards(writer: Writer, kind: str, rows: list[list[str]]) -> int:
    shards: list[list[list[str]]] = [[]]
    size = 0
    for row in rows:
        n = sum(len(x) for x in row)
        if size + n > SHARD_CHARS and shards[-1]:
            shards.append([])
            size = 0
        shards[-1].append(row)
        size += n
    for i, shard in enumerate(shards, 1):
        writer.write(f"search/{kind}-{i}.js", f'wsisSearch.add("{kind}", {json_script(shard)});\n'.encode())
    return len(shards)


def _overviews(writer: Writer, links: Links) -> None:
    g = links.g
    for net in network_pages(links):
        writer.page("network.html", net.file, net=net)
    for folder, key, scheme in (("overviews/action-lines", "action_lines", "wsis/action-line"), ("overviews/sdgs", "sdgs", "sdg")):
        for m in concept_matrices(links, g.base + "id/" + scheme, folder, key):
            writer.page("matrix.html", m.file, m=m)
    writer.page("timeline.html", "overviews/timeline.html", years=timeline(links, "overviews/timeline.html"))
    writer.page("regions.html", "overviews/initiatives.html", blocks=initiatives_by_region(links, "overviews/initiatives.html"))
    writer.page("overviews.html", "overviews/index.html", overviews=OVERVIEWS)


def _queries(writer: Writer, query_ui: str) -> None:
    """The canned queries, each with a link opening it pre-filled in the query UI."""
    from pipeline.store.query import list_queries

    rows = []
    for q in list_queries():
        text = q.text
        if q.params:
            names = " ".join(f"?{p.name}" for p in q.params)
            text += f"\n# To bind the parameters, add at the end: VALUES ({names}) {{ (…) }}\n"
        rows.append({"name": q.name, "title": q.title, "description": q.description, "params": q.params, "text": q.text, "link": query_ui + "#" + urlencode({"query": text}, quote_via=quote)})
    writer.page("queries.html", "queries.html", queries=rows, ui=query_ui)


def _expand(text: str) -> str:
    """A CURIE shown on a shape page back to its IRI (targets are classes of the ontology)."""
    prefix, _, local = text.partition(":")
    namespaces = {**PREFIXES, **EXTRA_PREFIXES}
    return namespaces[prefix] + local if prefix in namespaces else text
