"""The whole build: sources → extract → map → check (strict parse, SHACL) → write."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import RdfFormat, parse
from . import layout
from .extract.document import extract_document
from .identifiers import Identifiers
from .model import BuildWarning, DocumentExtraction
from .rdf_map import map_all
from .reference import Reference
from .sources import read_folder
from .validate import require_conformance
from .write import DUMPS, render, write_atomically

log = logging.getLogger(__name__)
REPORT = "build-report.txt"


@dataclass(frozen=True)
class BuildResult:
    """What a build produced, for the CLI and the closing figures."""

    files: dict[str, bytes]
    extractions: list[DocumentExtraction]
    warnings: list[BuildWarning]
    seconds: float


def extract_all(documents: Path, ids: Identifiers) -> tuple[Reference, list, list[DocumentExtraction]]:
    """Read the reference data and the documents, and extract every document."""
    ref = Reference.load(layout.REFERENCE)
    sources = read_folder(documents)
    extractions = []
    for i, source in enumerate(sources, 1):
        extractions.append(extract_document(source, ref, ids))
        log.info("extracted %d/%d %s", i, len(sources), source.entry.file)
    return ref, sources, extractions


def strict_check(files: dict[str, bytes]) -> None:
    """Every dump must parse under pyoxigraph (stricter than rdflib)."""
    for name, (fmt, _) in DUMPS.items():
        for _ in parse(files[name], format=fmt):
            pass
    for _ in parse(files["void.ttl"], format=RdfFormat.TURTLE):
        pass


def build(documents: Path = layout.DOCUMENTS, out: Path = layout.DEFAULT_OUT, ids: Identifiers | None = None, *, validate: bool = True, engine: str = "fast") -> BuildResult:
    """Build the graph from ``documents`` into ``out``; the previous output stays on any failure."""
    started = time.perf_counter()
    ids = ids or Identifiers.from_environment()
    ref, sources, extractions = extract_all(documents, ids)
    files = render(ids, list(map_all(ref, ids, sources, extractions)))
    strict_check(files)
    if validate:
        require_conformance(files["wsis-kg.nt"], engine)
        log.info("the graph conforms to shapes/ (%s engine)", engine)
    warnings = [w for ex in extractions for w in ex.warnings]
    files[REPORT] = report_text(extractions).encode("utf-8")
    write_atomically(out, files)
    return BuildResult(files=files, extractions=extractions, warnings=warnings, seconds=time.perf_counter() - started)


def report_text(extractions: list[DocumentExtraction]) -> str:
    """Per-document counts and every warning (file:line: message)."""
    lines = ["# wsis-kg build report", ""]
    for ex in extractions:
        lines.append(
            f"{ex.key}: {len(ex.citations)} citations of {len({c.cited.iri for c in ex.citations})} instruments, "
            f"{len(ex.mentions)} mentions, {len(ex.roles)} role statements, {len(ex.provisions)} provisions, "
            f"{len(ex.initiatives)} regional initiatives, {len(ex.warnings)} warnings"
        )
    lines += ["", "## warnings", ""]
    lines += [str(w) for ex in extractions for w in ex.warnings] or ["(none)"]
    return "\n".join(lines) + "\n"
