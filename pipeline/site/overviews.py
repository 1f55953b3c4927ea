"""The graph → overview pages people look at rather than read: the citation network, concept ×
document matrices (action lines, SDGs), the timeline of events, regional initiatives by region.

The network is laid out here, at build time, by networkx's spring layout (seeded: the same
graph gives the same picture) and drawn as SVG: no layout library runs in the browser, the page
works without script, and a thousand-node view is a few hundred kB. Instruments are grouped
into clusters by who issued them (UN, ITU organs, WSIS, others, read from the IRI templates of
docs/identifiers.md); each cluster starts around its own point, so UN and ITU clusters stay apart.
Large graphs are split: the overview shows the most connected nodes, one page per cluster the
rest (``MAX_NODES`` each).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from pipeline.rdf.rdf_map import ELI, SCHEMA, SKOS, W
from pipeline.site.graph import TYPE, SiteGraph
from pipeline.site.links import Links, Value
from pipeline.site.paths import href

#: Nodes drawn on one network page (the most cited and citing first).
MAX_NODES = 400
#: Rows of a matrix page (documents), most mentions first.
MATRIX_ROWS = 200
#: Clusters by IRI path under id/ (longest prefix wins), with their colour.
CLUSTERS = (
    ("un/A/RES/", "UN General Assembly", "#1f77b4"),
    ("un/E/", "ECOSOC", "#17becf"),
    ("un/", "UN documents", "#6baed6"),
    ("itu/pp/", "ITU Plenipotentiary", "#d62728"),
    ("itu/wtdc/", "ITU WTDC", "#ff7f0e"),
    ("itu/council/", "ITU Council", "#e377c2"),
    ("itu/wtpf/", "ITU WTPF", "#bcbd22"),
    ("itu/doc/", "ITU documents", "#8c564b"),
    ("itu/", "ITU other", "#9467bd"),
    ("wsis/", "WSIS", "#2ca02c"),
    ("", "other", "#7f7f7f"),
)


def cluster_of(links: Links, iri: str) -> int:
    path = iri[len(links.g.base) + len("id/"):]
    return next(i for i, (prefix, _, _) in enumerate(CLUSTERS) if path.startswith(prefix))


@dataclass
class NetNode:
    iri: str
    x: float
    y: float
    r: float
    color: str
    labels: dict[str, str]
    href: str | None
    degree: int
    n: int  # index, for the edges' data attributes
    show_label: bool = False


@dataclass
class NetworkPage:
    file: str
    title: str
    nodes: list[NetNode]
    edges: list[tuple[NetNode, NetNode]]
    width: int
    height: int
    legend: list[tuple[str, str, int]]
    pages: list[tuple[str, str]] = field(default_factory=list)  # other network pages (href, name)
    total_nodes: int = 0


def citation_edges(links: Links) -> Counter:
    """(citing, cited) → citations, from the ``eli:cites`` shortcut, between nodes with pages."""
    g = links.g
    edges: Counter = Counter()
    for s, preds in g.out.items():
        for o in preds.get(ELI + "cites", ()):
            if s in links.entities and o.value in links.entities and o.value != s:
                edges[(s, o.value)] += 1
    return edges


def network_pages(links: Links) -> list[NetworkPage]:
    """The overview network, and one page per cluster when the graph has more than ``MAX_NODES``."""
    edges = citation_edges(links)
    degree: Counter = Counter()
    for a, b in edges:
        degree[a] += 1
        degree[b] += 1
    ranked = sorted(degree, key=lambda n: (-degree[n], n))
    pages = [("overviews/network.html", "all", ranked[:MAX_NODES])]
    if len(ranked) > MAX_NODES:
        by_cluster: dict[int, list[str]] = defaultdict(list)
        for n in ranked:
            by_cluster[cluster_of(links, n)].append(n)
        for c, members in sorted(by_cluster.items()):
            pages.append((f"overviews/network-{c + 1}.html", CLUSTERS[c][1], members[:MAX_NODES]))
    out = []
    for file, name, members in pages:
        out.append(_layout(links, file, name, members, edges, degree))
    for page in out:
        page.pages = [(href(p.file, page.file), p.title) for p in out]
        page.total_nodes = len(ranked)
    return out


def _layout(links: Links, file: str, name: str, members: list[str], edges: Counter, degree: Counter) -> NetworkPage:
    import networkx as nx

    chosen = set(members)
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(sorted(chosen))
    kept = sorted((a, b) for (a, b) in edges if a in chosen and b in chosen)
    graph.add_edges_from(kept, weight=1.0)
    clusters = sorted({cluster_of(links, n) for n in chosen})
    centre = {c: (math.cos(2 * math.pi * i / len(clusters)), math.sin(2 * math.pi * i / len(clusters))) for i, c in enumerate(clusters)}
    start = {}
    for i, n in enumerate(sorted(chosen)):  # around the cluster's point, spread deterministically
        cx, cy = centre[cluster_of(links, n)]
        angle = 2.399963 * i  # golden angle
        start[n] = (cx + 0.25 * math.cos(angle), cy + 0.25 * math.sin(angle))
    # a hidden hub per cluster, tied weakly to its members, keeps clusters together and
    # disconnected pieces near their kin instead of drifting to the corners
    for c in clusters:
        hub = f"cluster:{c}"
        start[hub] = centre[c]
        graph.add_edges_from(((hub, n) for n in chosen if cluster_of(links, n) == c), weight=0.15)
    for c, d in zip(clusters, clusters[1:] + clusters[:1], strict=True):
        if c != d:
            graph.add_edge(f"cluster:{c}", f"cluster:{d}", weight=0.5)
    laid = nx.spring_layout(graph, pos=start, seed=0, iterations=50, k=1.5 / math.sqrt(max(len(chosen), 1))) if len(chosen) > 1 else start
    pos = {n: laid[n] for n in chosen}
    width, height, margin = 1100, 800, 30
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    sx = (width - 2 * margin) / ((max(xs) - min(xs)) or 1)
    sy = (height - 2 * margin) / ((max(ys) - min(ys)) or 1)
    top = set(sorted(chosen, key=lambda n: (-degree[n], n))[:25])
    nodes: dict[str, NetNode] = {}
    for i, n in enumerate(sorted(chosen)):
        x, y = pos[n]
        nodes[n] = NetNode(
            n, round(margin + (x - min(xs)) * sx, 1), round(margin + (y - min(ys)) * sy, 1),
            round(3 + 2.2 * math.sqrt(degree[n]), 1), CLUSTERS[cluster_of(links, n)][2],
            links.labels(n), links.href(n, file), degree[n], i, n in top,
        )  # fmt: skip
    legend = sorted(Counter(cluster_of(links, n) for n in chosen).items())
    return NetworkPage(
        file, name, list(nodes.values()), [(nodes[a], nodes[b]) for a, b in kept], width, height,
        [(CLUSTERS[c][1], CLUSTERS[c][2], k) for c, k in legend],
    )  # fmt: skip


# ------------------------------------------------------------------ matrices


@dataclass
class Matrix:
    """Concepts (columns) × mentioning documents (rows): counts, each cell linking to the first
    mention's highlight."""

    file: str
    title: str
    columns: list[Value]
    rows: list[tuple[Value, list[tuple[int, str | None]]]]
    pages: list[str]
    number: int
    total: int


def concept_matrices(links: Links, scheme: str, folder: str, title: str) -> list[Matrix]:
    """Mentions of the concepts of ``scheme`` (and their narrower ones) per mentioning node."""
    g = links.g
    concepts = sorted((s for s, p in _subjects_with(g, SKOS + "inScheme", scheme)), key=lambda c: _notation_key(g, c))
    concept_set = set(concepts)
    cells: dict[str, dict[str, list[tuple[int, str]]]] = defaultdict(lambda: defaultdict(list))
    for c in concepts:
        for p, fact in g.into.get(c, ()):
            if p != W + "concept":
                continue
            for where in g.iri_objects(fact, W + "mentionedIn"):
                spans = g.iri_objects(fact, "http://www.w3.org/ns/prov#wasDerivedFrom")
                at = g.span_of(spans[0]) if spans else None
                cells[where][c].append((at[1] if at else 0, spans[0] if spans else ""))
    docs = sorted(cells, key=lambda d: (-sum(len(v) for v in cells[d].values()), d))
    chunks = [docs[i : i + MATRIX_ROWS] for i in range(0, len(docs), MATRIX_ROWS)] or [[]]
    files = [f"{folder}.html" if k == 0 else f"{folder}-{k + 1}.html" for k in range(len(chunks))]
    out = []
    for k, (chunk, file) in enumerate(zip(chunks, files, strict=True)):
        columns = [Value(_short(g, c), links.href(c, file), c) for c in concepts if c in concept_set]
        rows = []
        for d in chunk:
            row = []
            for c in concepts:
                hits = sorted(cells[d].get(c, []))
                row.append((len(hits), links.href(hits[0][1], file) if hits and hits[0][1] else None))
            rows.append((Value(links.labels(d), links.href(d, file), d), row))
        out.append(Matrix(file, title, columns, rows, [href(f, file) for f in files], k + 1, len(docs)))
    return out


def _subjects_with(g: SiteGraph, p: str, o: str) -> list[tuple[str, str]]:
    return [(s, p) for (pp, s) in g.into.get(o, ()) if pp == p]


def _notation_key(g: SiteGraph, c: str) -> tuple:
    notation = g.first(c, SKOS + "notation")
    text = notation.value if notation is not None else c
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in text.replace("C", "C ").replace(".", " ").split())


def _short(g: SiteGraph, c: str) -> dict[str, str]:
    notation = g.first(c, SKOS + "notation")
    return {"": notation.value} if notation is not None else g.labels(c)


# ------------------------------------------------------------------ timeline and regions


@dataclass
class TimelineEntry:
    date: str
    event: Value
    place: Value | None
    kind: Value
    source: Value | None  # a meeting read from a text: where


def timeline(links: Links, file: str) -> list[tuple[str, list[TimelineEntry]]]:
    """Every ``schema:Event`` by year (start date, else ``wsis:year``), oldest first."""
    g = links.g
    entries = []
    for s in links.entities:
        types = g.types(s)
        if SCHEMA + "Event" not in types:
            continue
        start = g.first(s, SCHEMA + "startDate")
        year = g.first(s, W + "year")
        date = start.value if start is not None else (year.value if year is not None else "")
        place = g.first(s, SCHEMA + "location")
        kind = next((t for t in types if links.vocab.is_own(t)), types[0])
        entries.append(TimelineEntry(date, Value(links.labels(s), links.href(s, file), s), links.value(place, file) if place is not None else None, links.term(kind, file), None))
    entries.sort(key=lambda e: (e.date or "9999", e.event.iri))
    years: dict[str, list[TimelineEntry]] = defaultdict(list)
    for e in entries:
        years[e.date[:4] or "?"].append(e)
    return sorted(years.items())


@dataclass
class RegionBlock:
    region: Value
    items: list[tuple[Value, str, str, Value | None, Value]]  # node, notation, cycle, meeting, kind


def initiatives_by_region(links: Links, file: str) -> list[RegionBlock]:
    """Regional initiatives and priorities (whatever points at a region by ``wsis:region``)."""
    g = links.g
    blocks = []
    regions = sorted((s for s in links.entities if W + "Region" in g.types(s)), key=lambda r: _notation_key(g, r))
    for r in regions:
        items = []
        for p, s in g.into.get(r, ()):
            if p != W + "region" or s not in links.entities:
                continue
            notation = g.first(s, SKOS + "notation")
            cycle = g.first(s, W + "cycle")
            meeting = g.first(s, W + "adoptedAt") or g.first(s, W + "agreedAt")
            types = g.types(s)
            kind = next((t for t in types if links.vocab.is_own(t)), types[0])
            items.append((
                Value(links.labels(s), links.href(s, file), s), notation.value if notation is not None else "",
                cycle.value if cycle is not None else "", links.value(meeting, file) if meeting is not None else None, links.term(kind, file),
            ))  # fmt: skip
        items.sort(key=lambda i: (i[4].iri, i[2], _notation_key(g, i[0].iri) if not i[1] else tuple((0, int(x), "") if x.isdigit() else (1, 0, x) for x in _split(i[1]))))
        blocks.append(RegionBlock(Value(links.labels(r), links.href(r, file), r), items))
    return blocks


def _split(code: str) -> list[str]:
    import re

    return re.findall(r"\d+|\D+", code)


def has_type(links: Links, s: str, cls: str) -> bool:
    return any(t.value == cls for t in links.g.objects(s, TYPE))
