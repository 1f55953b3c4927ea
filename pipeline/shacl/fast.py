"""The fast SHACL validator: compiled queries (:mod:`pipeline.shacl_compile`) over pyoxigraph.

Why a second engine: pyshacl needs about three minutes for a million triples; this one loads the
N-Triples into an in-memory pyoxigraph store and runs a few hundred SPARQL queries, split over
two processes that share the loaded store (fork, copy-on-write). Its results are those of pyshacl
(the reference, still reachable as ``wsis-kg validate --engine pyshacl``); the parity tests in
``tests/test_shacl_fast.py`` hold it to that.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Lock
from pathlib import Path
from typing import Any, cast

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    parse,
    serialize,
)

from pipeline import layout
from pipeline.errors import WsisKgError
from pipeline.shacl.compile import (
    ASK,
    FAIL,
    SH,
    VERBATIM,
    XSD,
    Check,
    Message,
    ShapesGraph,
    UnsupportedShape,
    compile_shapes,
    native,
    read_shapes,
    subclass_closure,
)

log = logging.getLogger(__name__)

PARALLEL_FROM_TRIPLES = 200_000  # below this, forking costs more than it saves
INTERNAL_VARIABLES = re.compile(r"^(g|cls_.*|targetObject|targetSubject)$")


@dataclass(frozen=True)
class Violation:
    """One validation result, terms in N-Triples syntax so results compare across engines."""

    focus: str
    path: str | None
    shape: str
    component: str
    value: str | None
    messages: tuple[Message, ...]
    severity: str = SH + "Violation"

    def key(self) -> tuple[str, str | None, str, str, str | None]:
        """What the parity tests compare: focus, path, source shape, component, value."""
        return (self.focus, self.path, self.shape, self.component, self.value)

    def sort_key(self) -> tuple[str, ...]:
        """A total order (paths and values may be missing) so reports diff well."""
        return (self.focus, self.path or "", self.shape, self.component, self.value or "")

    def readable(self) -> str:
        """``focus | path p | message``, as the report has always printed it."""
        path = self.path[1:-1] if self.path and self.path.startswith("<") and self.path.endswith(">") else self.path
        message = self.messages[0].text if self.messages else self.component.removeprefix(SH)
        return f"{display(self.focus)} | path {path} | {message}"


def display(term: str) -> str:
    """An IRI without its brackets, anything else as written."""
    return term[1:-1] if term.startswith("<") and term.endswith(">") else term


@cache
def shapes_graph(folder: Path = layout.SHAPES) -> ShapesGraph:
    """The shapes folder, parsed once per process."""
    return read_shapes(folder)


def protect_literals(ntriples: bytes) -> bytes:
    """Move XSD datatype IRIs (but xsd:string) under VERBATIM so the store keeps literals as written.

    In N-Triples a datatype IRI always follows ``"^^<``; that sequence can only occur inside a
    lexical form as ``\\"^^<``, which is checked for (and then handled term by term).
    """
    if b'\\"^^<' in ntriples:
        return cast(bytes, serialize([protect_triple(t) for t in parse(ntriples, format=RdfFormat.N_TRIPLES)], format=RdfFormat.N_TRIPLES))
    out = ntriples.replace(b'"^^<' + XSD.encode(), b'"^^<' + (VERBATIM + XSD).encode())
    string = (VERBATIM + XSD + "string>").encode()
    return out.replace(string, (XSD + "string>").encode()) if string in out else out


def protect_triple(triple: Triple | Quad) -> Triple:
    """One triple with its object's datatype moved under VERBATIM (the slow, exact way)."""
    o = triple.object
    if isinstance(o, Literal) and o.language is None and o.datatype.value.startswith(XSD) and o.datatype.value != XSD + "string":
        o = Literal(o.value, datatype=NamedNode(VERBATIM + o.datatype.value))
    return Triple(triple.subject, triple.predicate, o)


def load_store(data: bytes, fmt: RdfFormat = RdfFormat.N_TRIPLES, *, lenient: bool = False) -> Store:
    """An in-memory store holding ``data`` (N-Triples or Turtle) in its default graph.

    ``lenient`` skips IRI validation (a second faster per million triples); the build uses it
    on dumps it has just parsed strictly.
    """
    if fmt != RdfFormat.N_TRIPLES:
        data = cast(bytes, serialize(parse(data, format=fmt), format=RdfFormat.N_TRIPLES))
    store = Store()
    store.load(input=protect_literals(data), format=RdfFormat.N_TRIPLES, lenient=lenient)
    return store


def term_text(term: NamedNode | BlankNode | Literal | None) -> str | None:
    """N-Triples text of a solution term, as it was in the data."""
    return None if term is None else str(native(term))


def solutions(store: Store, query: str) -> QuerySolutions:
    """The solutions of a SELECT query (every compiled check is one); anything else is a bug."""
    result = store.query(query)
    if not isinstance(result, QuerySolutions):
        raise WsisKgError(f"compiled query is not a SELECT query:\n{query}")
    return result


def value_rows(store: Store, check: Check) -> Iterator[Violation]:
    """Results of a ``values`` check: a row per value with at least one failing component."""
    for row in solutions(store, check.query):
        focus, value = row["this"], row["v"]
        for component, var in zip(check.components, check.variables, strict=True):
            verdict = int(row[var].value)
            if verdict == ASK:
                if component.parameter == "or":
                    raise UnsupportedShape(f"{check.shape}: sh:or operand cannot be decided in SPARQL for {value}")
                from pipeline.shacl.arbiter import value_fails

                if not value_fails(component, value):
                    continue
            elif verdict != FAIL:
                continue
            yield Violation(str(focus), check.path, check.shape, component.iri, term_text(value) if component.reports_value else None,
                            check.messages, check.severity)


def count_rows(store: Store, check: Check) -> Iterator[Violation]:
    """Results of a ``counts`` check (no sh:value, as pyshacl reports cardinality)."""
    for row in solutions(store, check.query):
        for component, var, limit in check.bounds:
            got = row[var[1:]]
            n = int(got.value) if got is not None else 0
            if component == "ask":
                if n:
                    raise UnsupportedShape(f"{check.shape}: a value of {row['this']} needs rdflib to decide its sh:qualifiedValueShape")
                continue
            failed = {
                "MinCountConstraintComponent": n < limit, "MaxCountConstraintComponent": n > limit,
                "QualifiedMinCountConstraintComponent": n < limit, "QualifiedMaxCountConstraintComponent": n > limit,
                "HasValueConstraintComponent": n == 0,
            }[component.removeprefix(SH)]
            if failed:
                yield Violation(str(row["this"]), check.path, check.shape, component, None, check.messages, check.severity)


def pair_rows(store: Store, check: Check) -> Iterator[Violation]:
    """Results of a ``pairs`` check (sh:lessThan, sh:lessThanOrEquals): one per failing pair."""
    component = check.components[0]
    for row in solutions(store, check.query):
        if int(row["c"].value) == ASK:
            from pipeline.shacl.arbiter import pair_fails

            if not pair_fails(row["v"], row["w"], component.parameter == "lessThanOrEquals"):
                continue
        yield Violation(str(row["this"]), check.path, check.shape, component.iri, term_text(row["v"]), check.messages, check.severity)


def lang_rows(store: Store, check: Check) -> Iterator[Violation]:
    """Results of a ``langs`` check: one per duplicated language, without a value (as pyshacl)."""
    for row in solutions(store, check.query):
        yield Violation(str(row["this"]), check.path, check.shape, check.components[0].iri, None, check.messages, check.severity)


def format_message(message: Message, bindings: dict[str, str]) -> Message:
    """pyshacl's substitution of ``{?var}`` / ``{$var}`` in SPARQL-based messages."""
    text = message.text
    for var, val in bindings.items():
        text = re.sub(f"{{[?$]{var}}}", val, text)
    return Message(text, message.language)


def plain(term: NamedNode | BlankNode | Literal) -> str:
    """``str()`` of the rdflib term pyshacl would substitute into a message."""
    return native(term).value


def sparql_rows(store: Store, check: Check) -> Iterator[Violation]:
    """Results of an sh:sparql constraint, de-duplicated per focus node as pyshacl does."""
    results = solutions(store, check.query)
    names = [v.value for v in results.variables]
    seen = set()
    for row in results:
        bound = {n: row[n] for n in names if row[n] is not None}
        others = tuple(sorted((n, str(t)) for n, t in bound.items() if n not in ("this", "path", "value") and not INTERNAL_VARIABLES.match(n)))
        focus, path, value = bound.get("this"), bound.get("path"), bound.get("value")
        if focus is None:
            raise UnsupportedShape(f"{check.shape}: the sh:sparql solution does not bind $this")
        key = (str(bound.get("g")), str(focus), str(path), str(value), others)
        if key in seen:
            continue
        seen.add(key)
        if value is None and check.path is None:
            value = focus
        variables = {"this": plain(focus)}
        if path is not None:
            variables["path"] = plain(path)
        if value is not None:
            variables["value"] = plain(value)
        variables.update({n: plain(bound[n]) for n, _ in others})
        extra = [format_message(m, variables) for m in check.extra_messages if m not in check.messages]
        own = [format_message(m, variables) for m in check.messages]
        yield Violation(str(focus), str(path) if path is not None else check.path, check.shape, SH + "SPARQLConstraintComponent",
                        term_text(value), tuple(extra + own), check.severity)


RUNNERS = {"values": value_rows, "counts": count_rows, "pairs": pair_rows, "langs": lang_rows, "sparql": sparql_rows}


def run_check(store: Store, check: Check) -> list[Violation]:
    """One compiled check, with the failing query named if pyoxigraph rejects it."""
    try:
        return list(RUNNERS[check.kind](store, check))
    except SyntaxError as exc:
        raise WsisKgError(f"compiled query for {check.shape} ({check.kind}) is invalid: {exc}\n{check.query}") from exc


def run_share(store: Store, checks: list[Check], counter: Any, lock: Lock) -> list[Violation]:
    """Take checks off the shared counter until none are left (both processes do this)."""
    out: list[Violation] = []
    while True:
        with lock:
            i = counter.value
            counter.value += 1
        if i >= len(checks):
            return out
        out += run_check(store, checks[i])


def child_main(store: Store, checks: list[Check], counter: Any, lock: Lock, conn: Connection) -> None:
    """The forked worker: its share of results, or the error, back through the pipe."""
    try:
        conn.send(("ok", run_share(store, checks, counter, lock)))
    except BaseException as exc:
        conn.send(("error", exc))
    finally:
        conn.close()


def run_parallel(store: Store, checks: list[Check]) -> list[Violation]:
    """Both cores: the parent and one forked child pull checks from a shared counter.

    Forking after the load shares the store's memory copy-on-write; queries only read it.
    """
    ctx = multiprocessing.get_context("fork")
    counter, lock = ctx.Value("i", 0, lock=False), ctx.Lock()
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=child_main, args=(store, checks, counter, lock, send), daemon=True)
    child.start()
    send.close()
    try:
        mine = run_share(store, checks, counter, lock)
    finally:
        status, answer = receive.recv()
        child.join()
    if status == "error":
        raise answer
    theirs: list[Violation] = answer
    return mine + theirs


def validate_store(store: Store, shapes: ShapesGraph | None = None, *, parallel: bool | None = None) -> list[Violation]:
    """Every result of the shapes on the store's default graph, sorted."""
    started = time.perf_counter()
    checks = compile_shapes(shapes or shapes_graph(), subclass_closure(store))
    checks.sort(key=lambda c: -c.cost)
    if parallel is None:
        parallel = len(store) >= PARALLEL_FROM_TRIPLES and "fork" in multiprocessing.get_all_start_methods()
    results = run_parallel(store, checks) if parallel else [v for c in checks for v in run_check(store, c)]
    log.debug("%d checks, %d results in %.2f s", len(checks), len(results), time.perf_counter() - started)
    return sorted(results, key=Violation.sort_key)


def validate_bytes(data: bytes, fmt: RdfFormat = RdfFormat.N_TRIPLES, *, lenient: bool = False) -> list[Violation]:
    """Load a serialization and validate it."""
    return validate_store(load_store(data, fmt, lenient=lenient))


def validate_path(path: Path) -> list[Violation]:
    """Validate a dump (N-Triples or Turtle, by extension)."""
    fmt = RdfFormat.N_TRIPLES if path.suffix == ".nt" else RdfFormat.TURTLE
    return validate_bytes(path.read_bytes(), fmt)
