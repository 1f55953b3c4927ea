"""SHACL validation with plain pyshacl, and a report people can read (focus node, path, message)."""

from __future__ import annotations

from pathlib import Path

import pyshacl
from rdflib import Graph, Namespace

from . import layout
from .errors import ValidationFailed

SH = Namespace("http://www.w3.org/ns/shacl#")


def load_shapes(folder: Path = layout.SHAPES) -> Graph:
    """All ``*.ttl`` files of the shapes folder as one graph."""
    shapes = Graph()
    for path in sorted(folder.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


def readable_report(results: Graph) -> list[str]:
    """One line per violation: focus node, path, message, sorted so reports diff well."""
    lines = []
    for result in results.subjects(SH.resultSeverity, None):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        lines.append(f"{focus} | path {path} | {message}")
    return sorted(lines)


def validate_graph(data: Graph, shapes: Graph | None = None) -> list[str]:
    """Violations of ``data`` against the shapes (empty list = conforms)."""
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=shapes if shapes is not None else load_shapes(), inference="none", advanced=False
    )
    return [] if conforms else readable_report(results)


def validate_file(path: Path, shapes: Graph | None = None) -> list[str]:
    """Validate a dump (N-Triples or Turtle, by extension)."""
    data = Graph()
    data.parse(path, format="nt" if path.suffix == ".nt" else "turtle")
    return validate_graph(data, shapes)


def require_conformance(data: Graph) -> None:
    """Raise ``ValidationFailed`` with the readable report when ``data`` does not conform."""
    problems = validate_graph(data)
    if problems:
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        raise ValidationFailed(f"the graph does not conform to shapes/ ({len(problems)} violations):\n{shown}{more}")
