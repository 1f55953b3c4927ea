"""Canned SPARQL queries (``queries/*.rq``) that describe themselves, run on the embedded store.

Each file starts with a comment header::

    # title: Instruments cited by a document
    # description: …
    # param: doc iri optional IRI of the citing document (bound as ?doc); unset: every document
    # page: 20 documents   (listings page: default page size, and what a page counts)

Each parameter says whether a query needs it (``required``: refused when missing) or only
narrows its answer (``optional``: unset, the query answers for every value).
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

import csv
import json
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pyoxigraph import Literal, NamedNode, QuerySolutions, RdfFormat, Store, Variable

from pipeline import layout
from pipeline.errors import QueryError
from pipeline.identifiers import Identifiers
from pipeline.store.guard import NotLocal, require_local
from pipeline.store.local import open_built

if TYPE_CHECKING:  # the protocol client (SPARQLWrapper) is imported only by the calls that use it
    from pipeline.store.endpoint import Endpoint

log = logging.getLogger(__name__)

_HEADER = re.compile(r"^#\s*(title|description|param|page|example):\s*(.+)$")
VALUES_MARK = "# @values"
PAGE_MARK = "# @page"
#: Each parameter type: its pattern (ASCII only: after NFKC, full-width digits are 0-9, but
#: other scripts' digits such as ٢ stay what they are and are refused) and what a user is told.
_TYPES: dict[str, tuple[re.Pattern[str] | None, str]] = {
    "iri": (None, "an IRI"),
    "code": (re.compile(r"C([1-9]|1[01])", re.ASCII), "an action line code, C1 to C11"),
    "year": (re.compile(r"(19|20)[0-9]{2}", re.ASCII), "a year, 1900 to 2099, in digits 0-9"),
    "region": (re.compile(r"AFR|AMS|ARB|ASP|CIS|EUR", re.ASCII), "an ITU-D region: AFR, AMS, ARB, ASP, CIS or EUR"),
    "goal": (re.compile(r"[1-9]|1[0-7]", re.ASCII), "an SDG number, 1 to 17"),
}
_PRESENCE = ("required", "optional")
#: A canned query's name: its file name in queries/ without .rq (never a path).
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*", re.ASCII)


@dataclass(frozen=True)
class Param:
    """A declared parameter: name (the SPARQL variable), type, and a human description."""

    name: str
    type: str
    description: str
    required: bool = False


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
    examples: tuple[tuple[str, str], ...] = ()  # ``# example: name=value``: a call that answers

    def required_examples(self) -> dict[str, str]:
        """The example values of the required parameters: the smallest call that runs."""
        needed = {p.name for p in self.params if p.required}
        return {name: value for name, value in self.examples if name in needed}


def load_query(path: Path) -> CannedQuery:
    meta: dict[str, str] = {}
    params = []
    examples: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _HEADER.match(line)
        if not m:
            continue
        if m.group(1) == "example":
            for item in m.group(2).split():
                name, sep, value = item.partition("=")
                if not sep:
                    raise QueryError(f"{path}: '# example:' takes name=value pairs, got {item!r}")
                examples.append((name, value))
        elif m.group(1) == "param":
            name, typ, presence, *desc = [*m.group(2).split(None, 3), "", ""][:4]
            if typ not in _TYPES:
                raise QueryError(f"{path}: parameter {name} has unknown type {typ!r}; known: {', '.join(_TYPES)}")
            if presence not in _PRESENCE:
                raise QueryError(f"{path}: parameter {name}: say 'required' or 'optional' after its type ({typ}), got {presence!r}")
            params.append(Param(name, typ, desc[0], required=presence == "required"))
        else:
            meta[m.group(1)] = m.group(2).strip()
    if "title" not in meta or "description" not in meta:
        raise QueryError(f"{path}: header needs '# title:' and '# description:' lines")
    for param in params:
        if param.required and param.name not in dict(examples):
            raise QueryError(f"{path}: parameter {param.name} is required: give an '# example: {param.name}=…' line")
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
    return CannedQuery(path.stem, meta["title"], meta["description"], tuple(params), text, path, page, unit.strip(), tuple(examples))


def list_queries(folder: Path = layout.QUERIES) -> list[CannedQuery]:
    return [load_query(p) for p in sorted(folder.glob("*.rq"))]


def get_query(name: str, folder: Path = layout.QUERIES) -> CannedQuery:
    """The canned query ``folder/NAME.rq``; a name is never a path (nothing outside ``folder``).

    Raises QueryError naming the known queries, or saying how to run a query of one's own.
    """
    if not _NAME.fullmatch(name):
        raise QueryError(
            f"{name!r} is not a canned query name: `wsis-kg query` runs queries/NAME.rq only (see --list). "
            "To run a query of your own, add it to queries/ with its # title:, # description: and "
            "# param: header, or send it to `wsis-kg serve` with any SPARQL client"
        )
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
    missing = [p for p in query.params if p.required and p.name not in values]
    if missing:
        needs = "; ".join(f"--param {p.name}=… ({p.description or p.type})" for p in missing)
        raise QueryError(f"{query.name}: missing required parameter: {needs}")
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
        pattern, what = _TYPES[param.type]
        if pattern is None or not pattern.fullmatch(value):
            raise QueryError(f"{query.name}: {name} must be {what}, got {raw!r}")
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
    if not rows and dataset == "union":
        refuse_empty_default_graph(endpoint, ids)
    return names, rows


def refuse_empty_default_graph(endpoint: Endpoint, ids: Identifiers) -> None:
    """Raise QueryError if no rows came because the store's default graph is empty while it
    holds the graphs ``wsis-kg load`` puts (a store not serving the union as default graph)."""
    if endpoint.ask("ASK { ?s ?p ?o }"):
        return  # the default graph has data: no rows is the answer
    live = live_graphs(endpoint, ids)
    if live:
        raise QueryError(
            f"0 rows, and that says nothing: the default graph of {endpoint.query_url} is empty while the store "
            f"holds {len(live)} graphs loaded by `wsis-kg load`. Use --dataset live (the default), which queries "
            "exactly those graphs, or serve the store with the union of its graphs as default graph"
        )


#: How ``wsis-kg query`` writes rows.
ROW_FORMATS = ("tsv", "csv", "json")
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def write_rows(stream: TextIO, names: Sequence[str], rows: Sequence[Sequence[str]], fmt: str = "tsv") -> None:
    """Write a header and rows of plain values (unbound = empty) in ``fmt``.

    ``tsv``: one line per row, whatever the values hold: tab, newline, carriage return and
    backslash are written ``\\t \\n \\r \\\\`` (the escapes of the "linear TSV" convention that
    PostgreSQL's COPY and most TSV readers use). ``csv``: RFC 4180, values with a comma, quote
    or line break quoted. ``json``: an array of objects, one per row, keys in column order.
    """
    if fmt == "tsv":
        for row in (names, *rows):
            stream.write("\t".join(value.translate(_TSV_ESCAPES) for value in row) + "\n")
    elif fmt == "csv":
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(names)
        writer.writerows(rows)
    elif fmt == "json":
        stream.write("[" + ",".join("\n" + json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False) for row in rows) + "\n]\n")
    else:
        raise QueryError(f"unknown row format {fmt!r}; use one of {', '.join(ROW_FORMATS)}")


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
