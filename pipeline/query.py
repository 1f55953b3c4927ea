"""Canned SPARQL queries (``queries/*.rq``) that describe themselves, run on the embedded store.

Each file starts with a comment header::

    # title: Instruments cited by a document
    # description: …
    # param: doc iri   (IRI in our namespace; bound as ?doc)

Parameters are validated against their type before anything runs, then bound as RDF terms
(pyoxigraph substitutions), never pasted into the query text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, QuerySolutions, RdfFormat, Store, Variable

from . import layout
from .errors import QueryError
from .identifiers import Identifiers

_HEADER = re.compile(r"^#\s*(title|description|param):\s*(.+)$")
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
    return CannedQuery(path.stem, meta["title"], meta["description"], tuple(params), path.read_text(encoding="utf-8"), path)


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
            out[Variable(name)] = NamedNode(value)
            continue
        pattern = _TYPES[param.type]
        if not pattern.match(value):
            raise QueryError(f"{query.name}: {name} must match {pattern.pattern}, got {raw!r}")
        out[Variable(name)] = Literal(value)
    return out


def open_store(dump: Path) -> Store:
    """An in-memory store loaded from a TriG dump (named graphs kept)."""
    store = Store()
    store.bulk_load(path=str(dump), format=RdfFormat.TRIG)
    return store


def run(store: Store, query: CannedQuery, values: dict[str, str] | None = None, ids: Identifiers | None = None) -> tuple[list[str], list[tuple[str, ...]]]:
    """Run a canned query over the union of all graphs: header and rows of plain strings."""
    ids = ids or Identifiers.from_environment()
    substitutions = bind(query, values or {}, ids)
    result = store.query(query.text, use_default_graph_as_union=True, substitutions=substitutions)
    if not isinstance(result, QuerySolutions):
        raise QueryError(f"{query.name}: only SELECT queries are canned")
    names = [v.value for v in result.variables]
    rows = [tuple("" if s[n] is None else s[n].value for n in names) for s in result]
    return names, rows
