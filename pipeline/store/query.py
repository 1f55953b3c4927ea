"""Canned SPARQL queries (``queries/*.rq``) that describe themselves, run on the embedded store.

Each file starts with a comment header::

    # title: Instruments cited by a document
    # description: …
    # param: doc iri   (IRI in our namespace; bound as ?doc)
    # page: 20 documents   (listings page: default page size, and what a page counts)

Parameters are validated against their type before anything runs (NFKC, then a pattern; IRIs
only in our namespace), then made into RDF terms by pyoxigraph's term constructors. The terms are
bound by a ``VALUES`` clause written from those terms' own N-Triples form, never by pasting the
user's string into the query: the embedded store and a remote endpoint run the very same query
text, so their answers can be compared. The clause goes where the query has the comment line
``# @values`` (at the start of the pattern it selects, so the store starts from the bound
value: at a million triples a trailing ``VALUES``, joined last, made lookups take seconds), else
at the end (a trailing ``VALUES`` joins after grouping, so in a ``GROUP BY`` query a parameter
must then be one of the group keys; ``tests/test_queries.py`` checks every canned query).

Listings page: a query with a ``# page:`` header selects one page of what it lists (source
documents, by their ``wsis:listingPosition`` in graph/statistics) in a sub-select ordered by that
number, and ``# @page`` marks where ``LIMIT n OFFSET m`` goes; only the page, not the whole
graph, is then joined and sorted, so a listing stays fast at any size (sorting IRIs in the store
costs a string look-up each). ``limit=0`` lists everything. Lines starting ``#?unbound `` or
``#?bound `` are kept only for calls without or with parameters (:func:`variant`).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, QuerySolutions, RdfFormat, Store, Variable

from pipeline import layout
from pipeline.errors import QueryError
from pipeline.identifiers import Identifiers
from pipeline.store.endpoint import Endpoint
from pipeline.store.local import open_built
from pipeline.store.guard import NotLocal, require_local

log = logging.getLogger(__name__)

_HEADER = re.compile(r"^#\s*(title|description|param|page):\s*(.+)$")
VALUES_MARK = "# @values"
PAGE_MARK = "# @page"
_TYPES = {
    "iri": None,
    "code": re.compile(r"^C([1-9]|1[01])$"),
    "year": re.compile(r"^(19|20)\d{2}$"),
    "region": re.compile(r"^(AFR|AMS|ARB|ASP|CIS|EUR)$"),
    "goal": re.compile(r"^([1-9]|1[0-7])$"),
}


@dataclass(frozen=True)
class Param:
    """A declared parameter: name (the SPARQL variable), type, and a human description."""

    name: str
    type: str
    description: str


@dataclass(frozen=True)
class CannedQuery:
    """A query file with its header."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: Path = field(compare=False)
    page: int | None = None  # default page size of a listing (None: the query does not page)
    page_unit: str = ""  # what a page counts, e.g. "documents, in IRI order"


def load_query(path: Path) -> CannedQuery:
    meta: dict[str, str] = {}
    params = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _HEADER.match(line)
        if not m:
            continue
        if m.group(1) == "param":
            name, typ, *desc = m.group(2).split(None, 2)
            if typ not in _TYPES:
                raise QueryError(f"{path}: parameter {name} has unknown type {typ!r}")
            params.append(Param(name, typ, desc[0] if desc else ""))
        else:
            meta[m.group(1)] = m.group(2).strip()
    if "title" not in meta or "description" not in meta:
        raise QueryError(f"{path}: header needs '# title:' and '# description:' lines")
    text = path.read_text(encoding="utf-8")
    try:
        # pyoxigraph, like the server, would call any SERVICE address. The keyword can only be
        # written as letters or \u/\U escapes: a text with neither needs no parse (importing
        # rdflib and parsing cost most of a cold `wsis-kg query`).
        if re.search(r"service|\\u", text, re.IGNORECASE):
            require_local(text)
    except NotLocal as exc:
        raise NotLocal(f"{path}: {exc}") from None
    page, unit = None, ""
    if "page" in meta:
        size, _, unit = meta["page"].partition(" ")
        if not size.isdigit() or PAGE_MARK not in text:
            raise QueryError(f"{path}: '# page: N what' needs a number and a '{PAGE_MARK}' line where LIMIT/OFFSET go")
        page = int(size)
    return CannedQuery(path.stem, meta["title"], meta["description"], tuple(params), text, path, page, unit.strip())


def list_queries(folder: Path = layout.QUERIES) -> list[CannedQuery]:
    return [load_query(p) for p in sorted(folder.glob("*.rq"))]


def get_query(name: str, folder: Path = layout.QUERIES) -> CannedQuery:
    path = folder / f"{name}.rq"
    if not path.is_file():
        known = ", ".join(q.name for q in list_queries(folder))
        raise QueryError(f"no canned query {name!r}; known: {known}")
    return load_query(path)


def bind(query: CannedQuery, values: dict[str, str], ids: Identifiers) -> dict[Variable, NamedNode | Literal]:
    """Validate every value against its declared type and make it an RDF term."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise QueryError(f"{query.name}: unknown parameter(s) {', '.join(unknown)}; declared: {', '.join(declared) or 'none'}")
    out: dict[Variable, NamedNode | Literal] = {}
    for name, raw in values.items():
        param = declared[name]
        value = unicodedata.normalize("NFKC", raw).strip()
        if param.type == "iri":
            if not value.startswith(ids.id("")) or re.search(r"[\s<>\"{}|\\^`]", value):
                raise QueryError(f"{query.name}: {name} must be an IRI under {ids.id('')}, got {raw!r}")
            try:
                out[Variable(name)] = NamedNode(value)
            except ValueError as exc:
                raise QueryError(f"{query.name}: {name} is not a valid IRI ({exc}), got {raw!r}") from None
            continue
        pattern = _TYPES[param.type]
        if pattern is None or not pattern.match(value):
            raise QueryError(f"{query.name}: {name} must match {pattern.pattern if pattern else param.type}, got {raw!r}")
        out[Variable(name)] = Literal(value)
    return out


def bound_text(
    query: CannedQuery, values: dict[str, str] | None = None, ids: Identifiers | None = None, *, limit: int | None = None, offset: int = 0
) -> str:
    """The query text with every given parameter bound by a VALUES clause of RDF terms, and, for
    a listing, one page selected: ``limit`` items (default: the query's ``# page:`` size; 0 for
    all) after the first ``offset``. Raises ``QueryError`` for paging a query that does not page."""
    terms = bind(query, values or {}, ids or Identifiers.from_environment())
    text = variant(query.text, bound=bool(terms))
    pages = any(PAGE_MARK in line and not line.lstrip().startswith("#") for line in text.splitlines())
    if query.page is None or not pages:
        if limit is not None or offset:
            raise QueryError(f"{query.name} does not page {'with a parameter' if query.page else '(it lists few rows)'}; drop --limit/--offset")
    else:
        if (limit is not None and limit < 0) or offset < 0:
            raise QueryError(f"{query.name}: limit and offset are counts (0 or more)")
        size = query.page if limit is None else limit
        page = " ".join(([f"LIMIT {size}"] if size else []) + ([f"OFFSET {offset}"] if offset else []))
        text = text.replace(PAGE_MARK, page, 1)
    if not terms:
        return text
    names = sorted(terms, key=lambda v: v.value)
    head = " ".join(str(v) for v in names)
    row = " ".join(str(terms[v]) for v in names)
    clause = f"VALUES ({head}) {{ ({row}) }}"
    if VALUES_MARK in text:
        return text.replace(VALUES_MARK, clause, 1)
    return f"{text.rstrip()}\n{clause}\n"


def open_store(dump: Path) -> Store:
    """An in-memory store loaded from a TriG dump (named graphs kept): seconds at a million
    triples; the CLI opens the build's on-disk store instead (:func:`open_output`)."""
    store = Store()
    store.bulk_load(path=str(dump), format=RdfFormat.TRIG)
    return store


def variant(text: str, *, bound: bool) -> str:
    """The query text for a call with (``bound``) or without parameters: lines starting
    ``#?bound `` or ``#?unbound `` are comments unless the call is of their kind (a listing may
    page by something other than what a parameter selects)."""
    mine = "#?bound " if bound else "#?unbound "
    return "".join(line[len(mine):] if line.startswith(mine) else line for line in text.splitlines(keepends=True))


def run(
    store: Store, query: CannedQuery, values: dict[str, str] | None = None, ids: Identifiers | None = None, *, limit: int | None = None, offset: int = 0
) -> tuple[list[str], list[tuple[str, ...]]]:
    """Run a canned query over the union of all graphs: header and rows of plain strings."""
    result = store.query(bound_text(query, values, ids, limit=limit, offset=offset), use_default_graph_as_union=True)
    if not isinstance(result, QuerySolutions):
        raise QueryError(f"{query.name}: only SELECT queries are canned")
    names = [v.value for v in result.variables]
    rows = [tuple("" if s[n] is None else s[n].value for n in names) for s in result]
    return names, rows


def live_graphs(endpoint: Endpoint, ids: Identifiers) -> tuple[str, ...]:
    """The data graphs the store's dataset description (loaded by ``wsis-kg load``) lists."""
    dataset = NamedNode(ids.dataset())
    text = f"SELECT ?g WHERE {{ GRAPH {dataset} {{ {dataset} <http://rdfs.org/ns/void#subset> ?g }} }} ORDER BY ?g"
    _, rows = endpoint.select(text)
    return tuple(row["g"]["value"] for row in rows)


def run_remote(
    endpoint: Endpoint,
    query: CannedQuery,
    values: dict[str, str] | None = None,
    ids: Identifiers | None = None,
    *,
    dataset: str = "live",
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[str], list[tuple[str, ...]]]:
    """Run a canned query on a SPARQL endpoint.

    ``dataset="live"``: the default graph is made of exactly the live graphs the store's dataset
    description lists (``default-graph-uri``), so the answers equal the embedded ones on any
    store and graphs a load is still staging stay invisible. Oxigraph evaluates every pattern
    once per listed graph, which is fine for dozens of graphs and slow for thousands.
    ``dataset="union"``: the store's own default graph, for stores that serve the union of their
    graphs (``wsis-kg serve``): fast at any size, but a load in progress shows through.
    """
    ids = ids or Identifiers.from_environment()
    text = bound_text(query, values, ids, limit=limit, offset=offset)  # validate before any traffic
    graphs: tuple[str, ...] = ()
    if dataset == "live":
        graphs = live_graphs(endpoint, ids)
        if not graphs:
            log.warning("%s has no dataset description graph <%s>; querying its default graph", endpoint.query_url, ids.dataset())
    elif dataset != "union":
        raise QueryError(f"dataset must be 'live' or 'union', got {dataset!r}")
    names, bindings = endpoint.select(text, default_graphs=graphs)
    rows = [tuple(b[n]["value"] if n in b else "" for n in names) for b in bindings]
    return names, rows


def open_output(out: Path) -> Store:
    """The store to query a build folder with: the build's own on-disk store, opened read-only
    in milliseconds (``pipeline.store.local``), or, for a build that wrote none, its TriG loaded
    into memory. Raises ``QueryError`` when there is no build in ``out``."""
    store = open_built(out)
    if store is not None:
        return store
    dump = out / "wsis-kg.trig"
    if not dump.is_file():
        raise QueryError(f"{dump} not found: run `wsis-kg build` first")
    log.info("%s has no query store (an older build); loading %s into memory", out, dump.name)
    return open_store(dump)
