"""SHACL validation against shapes/, and a report people can read (focus node, path, message).

Two engines give the same results (tests/test_shacl_fast.py holds them to it):

- ``fast`` (default): the shapes compiled to SPARQL and run by pyoxigraph
  (:mod:`pipeline.shacl_fast`); seconds for a million triples, and no rdflib import.
- ``pyshacl``: the reference implementation, for checking the fast engine or any doubt.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import layout
from pipeline.errors import InputError, ValidationFailed

if TYPE_CHECKING:
    from rdflib import Graph

ENGINES = ("fast", "pyshacl")
SH = "http://www.w3.org/ns/shacl#"


def load_shapes(folder: Path = layout.SHAPES) -> Graph:
    """All ``*.ttl`` files of the shapes folder as one rdflib graph (for the pyshacl engine)."""
    from rdflib import Graph

    shapes = Graph()
    for path in sorted(folder.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


def readable_report(results: Graph) -> list[str]:
    """One line per pyshacl result: focus node, path, message, sorted so reports diff well."""
    from rdflib import Namespace

    sh = Namespace(SH)
    lines = []
    for result in results.subjects(sh.resultSeverity, None):
        focus = results.value(result, sh.focusNode)
        path = results.value(result, sh.resultPath)
        message = results.value(result, sh.resultMessage)
        lines.append(f"{focus} | path {path} | {message}")
    return sorted(lines)


def validate_graph(data: Graph, shapes: Graph | None = None) -> list[str]:
    """Violations of an rdflib graph by pyshacl (empty list = conforms)."""
    import pyshacl

    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=shapes if shapes is not None else load_shapes(), inference="none", advanced=False
    )
    return [] if conforms else readable_report(results)


def validate_bytes(data: bytes, *, turtle: bool = False, engine: str = "fast", trusted: bool = False) -> list[str]:
    """Violations of a serialized graph (N-Triples, or Turtle) by the chosen engine.

    ``trusted``: the bytes were just parsed strictly, so the fast engine may load leniently.
    """
    if engine == "pyshacl":
        from rdflib import Graph

        graph = Graph()
        graph.parse(data=data, format="turtle" if turtle else "nt")
        return validate_graph(graph)
    if engine != "fast":
        raise ValueError(f"unknown SHACL engine {engine!r}; use one of {ENGINES}")
    from pyoxigraph import RdfFormat

    from pipeline.shacl.fast import validate_bytes as fast

    violations = fast(data, RdfFormat.TURTLE if turtle else RdfFormat.N_TRIPLES, lenient=trusted)
    return sorted(v.readable() for v in violations)


#: Dump formats ``validate`` reads, by file suffix, and their names in messages.
DUMP_SUFFIXES = {".nt": "N_TRIPLES", ".ttl": "TURTLE", ".trig": "TRIG", ".nq": "N_QUADS", ".jsonld": "JSON_LD"}
_FORMAT_NAMES = {"N_TRIPLES": "N-Triples", "TURTLE": "Turtle", "TRIG": "TriG", "N_QUADS": "N-Quads", "JSON_LD": "JSON-LD"}


def validate_file(path: Path, engine: str = "fast") -> list[str]:
    """Violations of a dump in any format the build writes, chosen by suffix (see DUMP_SUFFIXES).

    Datasets (.trig, .nq, .jsonld) are validated as the union of their graphs, as the build
    validates them. Raises InputError (``path[:line]: …``) for an unknown suffix, a missing
    file or a dump that does not parse (strict RDF 1.1, pyoxigraph).
    """
    from pyoxigraph import RdfFormat, parse, serialize

    if path.is_dir():
        raise InputError(path, "is a folder: give one dump, e.g. dist/wsis-kg.trig")
    key = DUMP_SUFFIXES.get(path.suffix.lower())
    if key is None:
        known = ", ".join(DUMP_SUFFIXES)
        raise InputError(path, f"cannot tell the format from the suffix {path.suffix or '(none)'!r}: validate reads {known}")
    if not path.is_file():
        raise InputError(path, "not found (run `wsis-kg build` first, or give a dump's path)")
    try:
        triples = (q.triple for q in parse(path=str(path), format=getattr(RdfFormat, key)))
        ntriples = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
    except SyntaxError as exc:
        raise InputError(path, f"not valid {_FORMAT_NAMES[key]}: {exc.msg}", exc.lineno) from None
    except (OSError, ValueError) as exc:
        raise InputError(path, f"cannot read it as {_FORMAT_NAMES[key]}: {exc}") from None
    return validate_bytes(ntriples, engine=engine, trusted=True)


def require_conformance(ntriples: bytes, engine: str = "fast") -> None:
    """Raise ``ValidationFailed`` with the readable report when the N-Triples do not conform."""
    raise_for(validate_bytes(ntriples, engine=engine, trusted=True))


def raise_for(problems: list[str]) -> None:
    """``ValidationFailed`` listing the first 50 problems, if there are any."""
    if problems:
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        raise ValidationFailed(f"the graph does not conform to shapes/ ({len(problems)} violations):\n{shown}{more}")


#: Below this size a forked checker costs more than the overlap saves.
BACKGROUND_FROM_BYTES = 5_000_000


def conformance_in_background(ntriples: bytes, engine: str = "fast") -> Callable[[], None]:
    """Start the SHACL check in a forked process, so the build can serialize dumps meanwhile.

    Returns ``wait``: it blocks until the check is done and raises ``ValidationFailed`` (or the
    checker's error) exactly as :func:`require_conformance` would. Small graphs are checked
    in-process when ``wait`` is called.
    """
    if len(ntriples) < BACKGROUND_FROM_BYTES or "fork" not in multiprocessing.get_all_start_methods():
        return lambda: require_conformance(ntriples, engine)
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    checker = ctx.Process(target=_check_and_send, args=(ntriples, engine, send), name="shacl-check")  # not daemonic: the fast engine forks too
    checker.start()
    send.close()

    def wait() -> None:
        try:
            kind, payload = receive.recv()
        except EOFError:
            checker.join()
            raise ValidationFailed(f"the SHACL check process died (exit code {checker.exitcode})") from None
        checker.join()
        if kind == "error":
            raise ValidationFailed(f"the SHACL check failed: {payload}")
        raise_for(payload)

    return wait


def _check_and_send(ntriples: bytes, engine: str, send: Connection) -> None:
    try:
        send.send(("problems", validate_bytes(ntriples, engine=engine, trusted=True)))
    except BaseException as exc:
        send.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        send.close()
