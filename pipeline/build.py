"""The whole build: sources → extract → map → check (strict parse, SHACL) → write.

Each document is extracted and mapped on its own (in worker processes when there are many)
into its graph's canonical N-Triples lines, which are cached by content hash: a rebuild after
one document changed extracts that document only, and writes the same bytes a clean build does.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Never

from tqdm import tqdm

from pipeline import layout
from pipeline.cache import CachedDocument, DocumentCache
from pipeline.extract.document import extract_document
from pipeline.identifiers import Identifiers
from pipeline.model import BuildWarning, DocumentExtraction
from pipeline.rdf.rdf_map import DESCRIPTIONS, Mapper
from pipeline.rdf.statistics import STATISTICS, statistics_lines
from pipeline.rdf.write import (
    as_nquads,
    graph_lines,
    merge_lines,
    render_graphs,
    union_lines,
    write_atomically,
)
from pipeline.shacl.validate import conformance_in_background
from pipeline.sources.documents import DEFAULT_LIMITS, Limits, SourceText, read_folder
from pipeline.sources.reference import Reference
from pipeline.store.local import STORE_DIR, write_store

log = logging.getLogger(__name__)
REPORT = "build-report.txt"


@dataclass(frozen=True)
class BuildResult:
    """What a build produced, for the CLI and the closing figures."""

    files: dict[str, bytes]
    extractions: list[DocumentExtraction]  # of the documents extracted this time, for small builds (< PARALLEL_FROM)
    warnings: list[BuildWarning]
    seconds: float
    documents: int = 0  # documents in the build
    reused: int = 0  # of which taken from the cache


def extract_all(documents: Path, ids: Identifiers) -> tuple[Reference, list[SourceText], list[DocumentExtraction]]:
    """Read the reference data and the documents, and extract every document (no cache)."""
    ref = Reference.load(layout.REFERENCE)
    sources = read_folder(documents, events=ref.conference_by_slug)
    return ref, sources, [extract_document(source, ref, ids) for source in sources]


#: Inherited by forked workers (copy-on-write) instead of being pickled for every document.
_WORKER: tuple[Reference, Identifiers, bool] | None = None
#: Below this many documents to extract, a second process costs more than it saves.
PARALLEL_FROM = 64


def process_document(source: SourceText) -> tuple[CachedDocument, DocumentExtraction | None]:
    """Extract and map one document: its graph's canonical lines, report line and warnings.

    The extraction itself goes back only when kept: pickling it costs as much as mapping.
    """
    if _WORKER is None:
        raise RuntimeError("process_document runs only inside process_all")
    ref, ids, keep = _WORKER
    ex = extract_document(source, ref, ids)
    mapped = Mapper(ref, ids).document(source, ex)
    lines, descriptions = graph_lines(mapped.statements.quads), graph_lines(mapped.descriptions.quads)
    return CachedDocument(lines, descriptions, summary_line(ex), tuple(ex.warnings)), ex if keep else None


def process_all(
    sources: list[SourceText], ref: Reference, ids: Identifiers, cache: DocumentCache
) -> tuple[list[CachedDocument], list[DocumentExtraction], int]:
    """Every document's output, from the cache where it is current, else extracted (on all cores);
    the extractions kept, and how many documents came from the cache."""
    global _WORKER
    outputs: list[CachedDocument | None] = [cache.get(source) for source in sources]
    todo = [i for i, out in enumerate(outputs) if out is None]
    if len(sources) - len(todo):
        log.info("reusing %d of %d documents from the cache", len(sources) - len(todo), len(sources))
    # a bar (done/total, rate, ETA) only when stderr is a terminal; CI logs keep the summary line
    progress: tqdm[Never] = tqdm(total=len(todo), desc="extracting", unit="doc", disable=None if len(todo) > 1 else True, leave=False, mininterval=0.2)
    extractions: list[DocumentExtraction] = []
    parallel = len(todo) >= PARALLEL_FROM
    _WORKER = (ref, ids, not parallel)
    try:
        workers = min(os.cpu_count() or 1, 4)
        if parallel and workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = pool.imap(process_document, (sources[i] for i in todo), chunksize=16)
                extractions = _collect(results, todo, sources, outputs, cache, progress)
        else:
            extractions = _collect(map(process_document, (sources[i] for i in todo)), todo, sources, outputs, cache, progress)
    finally:
        _WORKER = None
        progress.close()
    return [out for out in outputs if out is not None], extractions, len(sources) - len(todo)


def _collect(
    results: Iterable[tuple[CachedDocument, DocumentExtraction | None]],
    todo: list[int],
    sources: list[SourceText],
    outputs: list[CachedDocument | None],
    cache: DocumentCache,
    progress: tqdm[Never],
) -> list[DocumentExtraction]:
    extractions = []
    for i, (out, ex) in zip(todo, results, strict=True):
        outputs[i] = out
        cache.put(sources[i], out)
        if ex is not None:
            extractions.append(ex)
        progress.update()
    return extractions


def build(
    documents: Path = layout.DOCUMENTS,
    out: Path = layout.DEFAULT_OUT,
    ids: Identifiers | None = None,
    *,
    validate: bool = True,
    engine: str = "fast",
    cache: Path | bool | None = True,
    limits: Limits = DEFAULT_LIMITS,
) -> BuildResult:
    """Build the graph from ``documents`` into ``out``; the previous output stays on any failure.

    ``cache``: True for the default folder next to ``out`` (``.{out}.cache``), a path, or
    False/None to extract every document again. ``limits`` caps the number of documents and
    the bytes of one text (checked before reading them; ``InputError`` beyond).
    """
    started = time.perf_counter()
    ids = ids or Identifiers.from_environment()
    ref = Reference.load(layout.REFERENCE)
    sources = read_folder(documents, limits, events=ref.conference_by_slug)
    folder = default_cache(out) if cache is True else (cache or None)
    doc_cache = DocumentCache(folder, ids)
    log.info("read %d documents (%.1f s)", len(sources), time.perf_counter() - started)
    docs, extractions, reused = process_all(sources, ref, ids, doc_cache)
    log.info("extracted and mapped %d documents (%.1f s)", len(docs) - reused, time.perf_counter() - started)
    graphs = [(ids.graph("reference"), graph_lines(Mapper(ref, ids).reference()))]
    graphs.append((ids.graph(DESCRIPTIONS), merge_lines(d.descriptions for d in docs)))
    graphs += [(ids.graph(s.entry.key), d.ntriples) for s, d in zip(sources, docs, strict=True)]
    union = union_lines(graphs)
    statistics = statistics_lines(union)
    graphs.append((ids.graph(STATISTICS), statistics))
    union = merge_lines((union, statistics))
    check = conformance_in_background(union, engine) if validate else None
    log.info("serializing %d graphs", len(graphs))
    files = render_graphs(ids, graphs, union)
    log.info("serialized the dumps (%.1f s)", time.perf_counter() - started)
    warnings = [w for d in docs for w in d.warnings]
    files[REPORT] = report_text(docs).encode("utf-8")

    def finish(folder: Path) -> None:
        """In the new output folder: the query store, then the SHACL verdict before the switch."""
        write_store(folder / STORE_DIR, b"".join(as_nquads(lines, name) for name, lines in sorted(graphs)), files["void.ttl"], ids.dataset())
        log.info("wrote the query store %s (%.1f s)", STORE_DIR, time.perf_counter() - started)
        if check:
            check()
            log.info("the graph conforms to shapes/ (%s engine, %.1f s)", engine, time.perf_counter() - started)

    write_atomically(out, files, finish)
    doc_cache.prune()
    return BuildResult(files, extractions, warnings, time.perf_counter() - started, documents=len(docs), reused=reused)


def default_cache(out: Path) -> Path:
    """The cache folder of an output folder: a hidden sibling, outside what builds replace."""
    out = out.resolve()
    return out.parent / f".{out.name}.cache"


def summary_line(ex: DocumentExtraction) -> str:
    """A document's line in the build report."""
    return (
        f"{ex.key}: {len(ex.citations)} citations of {len({c.cited.iri for c in ex.citations})} instruments, "
        f"{len(ex.named_citations)} by name of {len({c.cited.part_of or c.cited.iri for c in ex.named_citations})}, "
        f"{len(ex.mentions)} mentions, {len(ex.roles)} role statements, {len(ex.provisions)} provisions, "
        f"{len(ex.initiatives)} regional initiatives, {len(ex.warnings)} warnings"
    )


def report_text(docs: list[CachedDocument]) -> str:
    """Per-document counts and every warning (file:line: message)."""
    lines = ["# wsis-kg build report", ""]
    lines += [d.summary for d in docs]
    lines += ["", "## warnings", ""]
    lines += [str(w) for d in docs for w in d.warnings] or ["(none)"]
    return "\n".join(lines) + "\n"
