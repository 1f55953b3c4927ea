"""The build's own on-disk store (``dist/oxigraph/``): written once by the build, read by queries.

Why: an embedded ``wsis-kg query`` used to parse the whole TriG into a fresh in-memory store,
seconds at a million triples before the first row. The build already holds every graph's
canonical lines, so it bulk-loads them (plus ``void.ttl`` in the dataset graph, as ``serve``
and ``load`` do) into a pyoxigraph RocksDB store inside the output folder it is writing; the
folder switch that publishes the dumps publishes the store with them (never one without the
other). Queries open it read-only in milliseconds; ``serve`` copies it instead of loading the
dump again. The store is the pinned Oxigraph version's format (``pyoxigraph`` = ``oxigraph``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Store

from pipeline.errors import WsisKgError

log = logging.getLogger(__name__)

#: The store's folder inside the output folder.
STORE_DIR = "oxigraph"


def write_store(folder: Path, nquads: bytes, void: bytes, dataset: str) -> None:
    """Bulk-load ``nquads`` (every named graph) and ``void`` (Turtle, into graph ``dataset``)
    into a new store at ``folder``; optimized (compacted) for reading.

    ``folder`` must not exist yet: the build writes it inside its temporary output folder.
    Raises ``WsisKgError`` if the data does not parse (the build checked it already).
    """
    store = Store(str(folder))
    try:
        store.bulk_load(nquads, format=RdfFormat.N_QUADS)
        store.bulk_load(void, format=RdfFormat.TURTLE, to_graph=NamedNode(dataset))
        store.optimize()
        store.flush()
    except SyntaxError as exc:
        raise WsisKgError(f"the store could not load the build's own dumps: {exc}") from None
    finally:
        del store


def open_built(out: Path) -> Store | None:
    """The build's store in ``out``, opened read-only; None if that build wrote none."""
    folder = out / STORE_DIR
    if not folder.is_dir():
        return None
    try:
        return Store.read_only(str(folder))
    except OSError as exc:
        raise WsisKgError(f"cannot open the build's store {folder}: {exc}") from None
