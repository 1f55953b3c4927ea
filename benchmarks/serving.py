"""Loading a build into the real Oxigraph server, and canned-query latency, the ways users do it.

- offline bulk load: ``pipeline.server.prepare_store`` (what ``wsis-kg serve`` runs before it
  starts the server), in a child process so that its memory (and that of the ``oxigraph load``
  processes it runs) is measured apart from the benchmark's;
- over the protocol: ``pipeline.load.load`` into a writable server, first into an empty store,
  then again (a replace: stage, check, switch, with the old graphs live);
- queries: every canned query without parameters, embedded (pyoxigraph in memory, the TriG dump)
  and over HTTP against a read-only server on the offline-loaded store.

Every server is bound to 127.0.0.1 on a free port and stopped when its stage ends.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from measure import Measured, percentile, run_measured, vmhwm_mb
from pipeline.endpoint import Endpoint
from pipeline.identifiers import Identifiers
from pipeline.load import load, plan_from_dumps
from pipeline.query import list_queries, open_store, run, run_remote
from pipeline.server import OxigraphServer

log = logging.getLogger("bench")

_PREPARE = (
    "import sys; from pathlib import Path; from pipeline.identifiers import Identifiers; "
    "from pipeline.server import prepare_store; "
    "prepare_store(Path(sys.argv[1]), Path(sys.argv[2]), Identifiers.from_environment())"
)


def offline_load(out: Path, store: Path) -> Measured:
    """``prepare_store`` into a fresh store folder, in a measured child process."""
    done = run_measured([sys.executable, "-c", _PREPARE, str(store), str(out)])
    if done.returncode != 0:
        raise RuntimeError(f"prepare_store failed: {done.tail()}")
    return done


@dataclass(frozen=True)
class ProtocolLoad:
    """Both loads over the Graph Store Protocol, and the server's memory after each."""

    plan_seconds: float
    triples: int
    graphs: int
    first_seconds: float
    replace_seconds: float
    server_peak_mb_first: float | None
    server_peak_mb_replace: float | None


def protocol_load(out: Path, store: Path, ids: Identifiers) -> ProtocolLoad:
    """Plan once (as ``wsis-kg load`` does), then load into an empty writable server, then replace."""
    started = time.perf_counter()
    plan = plan_from_dumps(out, ids)
    plan_seconds = time.perf_counter() - started
    with OxigraphServer(store, read_only=False, timeout_s=3600) as server:
        assert server.process is not None
        endpoint = Endpoint.from_url(server.query_url, timeout=3600)
        first = load(endpoint, plan, ids)
        peak_first = vmhwm_mb(server.process.pid)
        log.info("protocol load: %d triples in %.2f s", first.triples, first.seconds)
        second = load(endpoint, plan, ids)
        peak_replace = vmhwm_mb(server.process.pid)
        log.info("protocol replace: %d triples in %.2f s", second.triples, second.seconds)
    return ProtocolLoad(plan_seconds, plan.triples, len(plan.graphs), first.seconds, second.seconds, peak_first, peak_replace)


@dataclass(frozen=True)
class Latency:
    """One query's latency samples (seconds) in one setting, and how many rows it answered."""

    query: str
    rows: int
    samples: list[float]

    @property
    def p50(self) -> float:
        return percentile(self.samples, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    def as_json(self) -> dict:
        return {**asdict(self), "p50": self.p50, "p95": self.p95}


def time_query(name: str, call: Callable[[], tuple[list[str], list[tuple[str, ...]]]], reps: int) -> Latency:
    """One warm-up (caches, connection, query parsing paths), then ``reps`` timed runs."""
    _, rows = call()
    samples = []
    for _ in range(reps):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return Latency(name, len(rows), samples)


def embedded_latencies(out: Path, ids: Identifiers, reps: int) -> tuple[float, list[Latency]]:
    """Seconds to open the in-memory store from the TriG dump, and every canned query's latency."""
    started = time.perf_counter()
    store = open_store(out / "wsis-kg.trig")
    opened = time.perf_counter() - started
    return opened, [time_query(q.name, lambda q=q: run(store, q, {}, ids), reps) for q in list_queries()]


def remote_latencies(store: Path, ids: Identifiers, reps: int, datasets: tuple[str, ...]) -> dict[str, list[Latency]]:
    """Every canned query over HTTP against a read-only server, per ``dataset`` mode."""
    results: dict[str, list[Latency]] = {}
    with OxigraphServer(store, read_only=True, timeout_s=600) as server:
        endpoint = Endpoint.from_url(server.query_url, timeout=600)
        for dataset in datasets:
            results[dataset] = [
                time_query(q.name, lambda q=q: run_remote(endpoint, q, {}, ids, dataset=dataset), reps) for q in list_queries()
            ]
    return results
