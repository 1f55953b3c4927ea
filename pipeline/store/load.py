"""Load a build into a SPARQL 1.1 store so that readers never see a half-loaded graph.

The built dumps hold one named graph per source document plus ``graph/reference`` and ``graph/descriptions``; the
store also gets the build's VoID description in the graph named by the dataset IRI, so that
clients can learn which graphs are live and how big they are.

A load goes:

1. **plan**: split the TriG dump into one N-Triples body per graph and check each graph's
   size against ``void.ttl`` (a dump that disagrees with its own description is not sent);
2. **refuse** an empty plan, or one much smaller than what the store holds now (a typo'd
   ``--out`` must not wipe a production graph);
3. **clean up** staging graphs an earlier, interrupted load left behind;
4. **stage** every graph the new build changed (its SHA-256 in ``void.ttl`` differs from the
   one the store's description holds): a graph the store already holds under a staging name
   (``{base}staging/…``), a graph the store does not hold at all (a first load, a new
   document) directly under its own name, which no reader of the live dataset sees yet: the
   store's description does not list it. Sent as N-Quads ``POST``s of at most
   :data:`CHUNK_QUADS` quads where the store takes datasets (Oxigraph, Fuseki; Oxigraph gets
   ``no_transaction``: its bulk loader, nothing of which is live yet), else one Graph Store
   ``PUT`` per graph;
5. **check** that every graph sent holds exactly the triples VoID promises;
6. **switch** in one SPARQL update request: ``MOVE`` each staged graph (the dataset
   description among them) onto its live name and ``DROP`` live graphs the new build no
   longer has. Oxigraph and Fuseki run one update request as one transaction, so readers of
   the live dataset (the graphs the description lists: ``query --dataset live``) see the old
   graph set or the new one. Unchanged graphs are neither sent nor moved: a daily rebuild
   moves only what changed, and a first load moves only the description.

Killed at any step before 6, the live graphs are untouched and the next load starts with 3
(a new graph an interrupted load left is then replaced through staging, or dropped).
Readers of a store's raw union default graph (all graphs, listed or not) see new graphs
appear chunk by chunk during step 4; ``serve`` never loads this way (it is read-only).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    RdfFormat,
    Triple,
    parse,
    serialize,
)

from pipeline.errors import WsisKgError
from pipeline.identifiers import Identifiers
from pipeline.rdf.write import SPDX_CHECKSUM, VOID, as_nquads, graph_lines
from pipeline.store.endpoint import Endpoint

log = logging.getLogger(__name__)

#: Refuse a load whose triples are fewer than this share of what the store holds now.
DEFAULT_MIN_RATIO = 0.5
#: Quads per POST: bounds the server's memory (one 1M-quad POST peaked at 5 GB in Oxigraph).
CHUNK_QUADS = 100_000


class LoadRefused(WsisKgError):
    """The load would lose data (empty dump, much smaller dump, inconsistent dumps)."""


@dataclass(frozen=True)
class GraphDump:
    """One named graph ready to send."""

    name: str
    body: bytes  # canonical N-Triples lines (write.graph_lines)
    triples: int
    sha256: str = ""  # of ``body``; equal sums, equal graphs


@dataclass(frozen=True)
class LoadPlan:
    """Everything a load sends: the data graphs and the dataset description graph."""

    graphs: tuple[GraphDump, ...]
    description: GraphDump

    @property
    def triples(self) -> int:
        """Triples in the data graphs (the description is not counted)."""
        return sum(g.triples for g in self.graphs)


@dataclass(frozen=True)
class LoadReport:
    """What a load did, for the log and the closing figures."""

    graphs: int
    triples: int
    replaced_triples: int
    dropped_graphs: int
    seconds: float
    unchanged_graphs: int = 0
    sent_triples: int = 0


def staging_prefix(ids: Identifiers) -> str:
    """Where graphs wait before the switch; everything under it is a load's leftover or in flight."""
    return f"{ids.base}staging/"


def staging_name(ids: Identifiers, graph: str) -> str:
    """Where ``graph`` waits before the switch: the same path under :func:`staging_prefix`."""
    return staging_prefix(ids) + graph.removeprefix(ids.base)


def plan_from_dumps(out: Path, ids: Identifiers) -> LoadPlan:
    """Split ``out/wsis-kg.trig`` into graphs and check them against ``out/void.ttl``."""
    trig, void = out / "wsis-kg.trig", out / "void.ttl"
    for path in (trig, void):
        if not path.is_file():
            raise LoadRefused(f"{path} not found: run `wsis-kg build` first")
    by_graph: dict[str, list[Triple]] = defaultdict(list)
    try:
        for quad in parse(path=str(trig), format=RdfFormat.TRIG):
            if isinstance(quad.graph_name, DefaultGraph):
                raise LoadRefused(f"{trig}: triple outside any named graph: {quad.triple}")
            by_graph[quad.graph_name.value].append(quad.triple)
        description = list(parse(path=str(void), format=RdfFormat.TURTLE))
    except SyntaxError as exc:
        raise LoadRefused(f"{exc.filename or trig}: {exc}") from None
    refuse_foreign_graphs(by_graph, ids, trig)
    promised = void_graph_sizes(description, ids)
    if set(promised) != set(by_graph):
        raise LoadRefused(f"{trig} and {void} disagree on the graphs: {sorted(set(promised) ^ set(by_graph))}")
    for name, triples in by_graph.items():
        if len(triples) != promised[name]:
            raise LoadRefused(f"{trig}: graph <{name}> has {len(triples)} triples, {void} says {promised[name]}")
    sums = void_graph_sums(description, ids)
    dumps = []
    for name, triples in sorted(by_graph.items()):
        body = graph_lines(triples)
        digest = hashlib.sha256(body).hexdigest()
        if name in sums and sums[name] != digest:
            raise LoadRefused(f"{trig}: graph <{name}> does not match its checksum in {void}")
        dumps.append(GraphDump(name, body, len(triples), digest))
    graphs = tuple(dumps)
    if not graphs or not sum(g.triples for g in graphs):
        raise LoadRefused(f"{trig} is empty: nothing to load")
    return LoadPlan(graphs, GraphDump(ids.dataset(), cast(bytes, serialize(description, format=RdfFormat.N_TRIPLES)), len(description)))


def refuse_foreign_graphs(names: Iterable[str], ids: Identifiers, source: Path | str) -> None:
    """Refuse, before anything is sent, any graph that is not one of this dataset's graphs.

    A load only ever replaces ``{base}graph/…`` graphs (and drops them); a graph elsewhere
    (another base, another site's IRI, a dot-segment or query part) would be written live and
    never removed by later loads, so the whole load is refused. Raises LoadRefused.
    """
    prefix = ids.graph("")
    foreign = sorted(n for n in names if not n.startswith(prefix) or _not_a_plain_path(n.removeprefix(prefix)))
    if foreign:
        shown = ", ".join(f"<{n}>" for n in foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise LoadRefused(
            f"{source}: graph {shown} is not a graph of this dataset (every graph must be {prefix}…, "
            "without '.' or '..' segments, '?' or '#'); nothing was loaded. Built with another --base?"
        )


def _not_a_plain_path(path: str) -> bool:
    return not path or "?" in path or "#" in path or any(seg in (".", "..", "") for seg in path.split("/"))


def void_graph_sizes(description: list[Triple], ids: Identifiers) -> dict[str, int]:
    """The ``void:triples`` of every ``void:subset`` of the dataset, by graph name."""
    subsets = {value_of(t.object) for t in description if t.subject == NamedNode(ids.dataset()) and t.predicate == NamedNode(VOID + "subset")}
    return {value_of(t.subject): int(value_of(t.object)) for t in description if t.predicate == NamedNode(VOID + "triples") and value_of(t.subject) in subsets}


def void_graph_sums(description: list[Triple], ids: Identifiers) -> dict[str, str]:
    """The SHA-256 ``void.ttl`` gives each graph's canonical lines, by graph name."""
    return {value_of(t.subject): value_of(t.object) for t in description if t.predicate == NamedNode(SPDX_CHECKSUM) and value_of(t.subject).startswith(ids.graph(""))}


def value_of(term: NamedNode | BlankNode | Literal | Triple) -> str:
    """The IRI or lexical form of a ``void.ttl`` term; a quoted triple there is refused."""
    if isinstance(term, Triple):
        raise LoadRefused(f"void.ttl: unexpected quoted triple {term}")
    return term.value


def live_sums(endpoint: Endpoint, ids: Identifiers) -> dict[str, str]:
    """The checksums of the live graphs, as the store's dataset description states them."""
    ds = NamedNode(ids.dataset())
    text = f"SELECT ?g ?sum WHERE {{ GRAPH {ds} {{ {ds} <{VOID}subset> ?g . ?g <{SPDX_CHECKSUM}> ?sum }} }}"
    _, rows = endpoint.select(text)
    return {row["g"]["value"]: row["sum"]["value"] for row in rows}


def graph_sizes(endpoint: Endpoint, prefix: str) -> dict[str, int]:
    """Triples per named graph whose name starts with ``prefix``, as the store holds them now."""
    # filtered here, not in SPARQL: a FILTER on STR(?g) decodes the graph name of every quad
    # (seconds at a million quads); grouping first decodes each name once
    _, rows = endpoint.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows if row["g"]["value"].startswith(prefix)}


def live_sizes(endpoint: Endpoint, ids: Identifiers) -> dict[str, int]:
    """The live data graphs (``{base}graph/…``) and their sizes."""
    return graph_sizes(endpoint, ids.graph(""))


def load(
    endpoint: Endpoint,
    plan: LoadPlan,
    ids: Identifiers,
    *,
    min_ratio: float = DEFAULT_MIN_RATIO,
    progress: Callable[[int, int], None] | None = None,
) -> LoadReport:
    """Replace the live graphs in ``endpoint`` by ``plan``, atomically as seen by readers."""
    started = time.perf_counter()
    refuse_foreign_graphs((g.name for g in plan.graphs), ids, "the load plan")
    live = live_sizes(endpoint, ids)
    live_total = sum(live.values())
    if plan.triples < min_ratio * live_total:
        raise LoadRefused(
            f"the new build has {plan.triples} triples, the store holds {live_total}: "
            f"below {min_ratio:.0%} of it, so this looks like the wrong dump; "
            "pass --min-ratio 0 to replace it anyway"
        )
    drop_staging(endpoint, ids)
    current = live_sums(endpoint, ids)
    changed = tuple(g for g in plan.graphs if current.get(g.name) != g.sha256 or live.get(g.name) != g.triples)
    fresh = tuple(g for g in changed if g.name not in live)  # no reader sees these names yet
    staged_graphs = (*(g for g in changed if g.name in live), plan.description)
    log.info("%d of %d graphs changed; sending %d under their own names (new), staging %d", len(changed), len(plan.graphs), len(fresh), len(staged_graphs))
    targets = [(staging_name(ids, g.name), g) for g in staged_graphs] + [(g.name, g) for g in fresh]
    log.info("sending (%.1f s)", time.perf_counter() - started)
    stage(endpoint, targets, progress)
    log.info("sent %d graphs (%.1f s)", len(targets), time.perf_counter() - started)
    sizes = graph_sizes(endpoint, ids.base)  # staged and new graphs alike, in one pass
    for name, graph in targets:
        got = sizes.get(name, 0)
        if got != graph.triples:
            raise WsisKgError(
                f"staged graph <{name}> holds {got} triples, the build has {graph.triples}; "
                "the live graphs are unchanged, run the load again"
            )
    gone = sorted(set(live) - {g.name for g in plan.graphs})
    log.info("checked the sizes of what was sent (%.1f s); switching", time.perf_counter() - started)
    endpoint.update(switch_update(ids, staged_graphs, gone))
    log.info("switched (%.1f s)", time.perf_counter() - started)
    now = live_sizes(endpoint, ids)
    expected = {g.name: g.triples for g in plan.graphs}
    if now != expected:
        raise WsisKgError(f"after the switch the store holds {sum(now.values())} triples in {len(now)} graphs, expected {plan.triples} in {len(expected)}")
    return LoadReport(
        len(plan.graphs), plan.triples, live_total, len(gone), time.perf_counter() - started,
        unchanged_graphs=len(plan.graphs) - len(changed), sent_triples=sum(g.triples for _, g in targets),
    )  # fmt: skip


def stage(endpoint: Endpoint, targets: list[tuple[str, GraphDump]], progress: Callable[[int, int], None] | None) -> None:
    """Send each graph under the name it is paired with (a staging name, or its own name when
    no reader sees it yet): N-Quads POSTs of whole graphs up to :data:`CHUNK_QUADS` quads
    (a bigger graph goes alone), or one PUT per graph where the store takes no datasets.

    The POSTs ask Oxigraph for its bulk loader (``no_transaction``: not atomic, which is fine
    for graphs nobody reads until the switch; other stores ignore the parameter)."""
    with endpoint.graph_store() as store:
        sent = 0
        for chunk in _chunks(targets):
            body = b"".join(as_nquads(g.body, name) for name, g in chunk)
            if not store.post_dataset(body, bulk=True):
                if sent:
                    raise WsisKgError(f"{endpoint.store_url} stopped taking datasets mid-load; the live graphs are unchanged, run the load again")
                break
            sent += len(chunk)
            if progress:
                progress(sent, len(targets))
        else:
            return
        log.info("%s takes no datasets; sending one graph per request", endpoint.store_url)
        for i, (name, graph) in enumerate(targets, 1):
            store.put(name, graph.body)
            if progress:
                progress(i, len(targets))


def _chunks(targets: list[tuple[str, GraphDump]]) -> Iterable[list[tuple[str, GraphDump]]]:
    """Consecutive runs of whole graphs of at most :data:`CHUNK_QUADS` quads (or one bigger graph)."""
    chunk: list[tuple[str, GraphDump]] = []
    quads = 0
    for name, graph in targets:
        if chunk and quads + graph.triples > CHUNK_QUADS:
            yield chunk
            chunk, quads = [], 0
        chunk.append((name, graph))
        quads += graph.triples
    if chunk:
        yield chunk


def switch_update(ids: Identifiers, graphs: tuple[GraphDump, ...], gone: list[str]) -> str:
    """One update request: move every staged graph live, drop live graphs no longer built.

    ``MOVE`` without ``SILENT`` fails the whole request if a staged graph went missing, so a
    half switch cannot happen even then.
    """
    ops = [f"MOVE GRAPH {NamedNode(staging_name(ids, g.name))} TO GRAPH {NamedNode(g.name)}" for g in graphs]
    ops += [f"DROP SILENT GRAPH {NamedNode(name)}" for name in gone]
    return " ;\n".join(ops)


def drop_staging(endpoint: Endpoint, ids: Identifiers) -> int:
    """Drop staging graphs left by an interrupted load; how many there were."""
    leftovers = sorted(graph_sizes(endpoint, staging_prefix(ids)))
    if leftovers:
        log.warning("dropping %d staging graph(s) left by an interrupted load", len(leftovers))
        endpoint.update(" ;\n".join(f"DROP SILENT GRAPH {NamedNode(g)}" for g in leftovers))
    return len(leftovers)
