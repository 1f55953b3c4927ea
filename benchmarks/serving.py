"""Loading a build into the real Oxigraph server, and canned-query latency, the ways users do it.

- offline bulk load: ``pipeline.server.prepare_store`` (what ``wsis-kg serve`` runs before it
  starts the server), in a child process so that its memory (and that of the ``oxigraph load``
  processes it runs) is measured apart from the benchmark's;
- over the protocol: ``pipeline.load.load`` into a writable server, first into an empty store,
  then again (a replace: stage, check, switch, with the old graphs live);
- queries: every canned query without parameters and with the README's parameters, embedded
  (the build's own on-disk store, read-only, what ``wsis-kg query`` opens) and over HTTP
  against a read-only server on the offline-loaded store; plus a cold ``wsis-kg query`` CLI
  against ``wsis-kg query --list`` (the CLI's own start-up).

Every server is bound to 127.0.0.1 on a free port and stopped when its stage ends.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

from measure import Measured, percentile, run_measured, vmhwm_mb

from pipeline.errors import WsisKgError
from pipeline.identifiers import Identifiers
from pipeline.store.endpoint import Endpoint
from pipeline.store.load import load, plan_from_dumps
from pipeline.store.query import list_queries, open_output, run, run_remote
from pipeline.store.server import OxigraphServer

log = logging.getLogger("bench")

_PREPARE = (
    "import sys; from pathlib import Path; from pipeline.identifiers import Identifiers; "
    "from pipeline.store.server import prepare_store; "
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
    """One query's latency samples (seconds) in one setting, how many rows it answered, or its error."""

    query: str
    rows: int
    samples: list[float]
    error: str | None = None

    @property
    def p50(self) -> float | None:
        return percentile(self.samples, 50) if self.samples else None

    @property
    def p95(self) -> float | None:
        return percentile(self.samples, 95) if self.samples else None

    def as_json(self) -> dict:
        return {**asdict(self), "p50": self.p50, "p95": self.p95}


def time_query(name: str, call: Callable[[], tuple[list[str], list[tuple[str, ...]]]], reps: int, budget_s: float) -> Latency:
    """One warm-up (caches, connection, query parsing paths), then up to ``reps`` timed runs.

    Runs stop early once ``budget_s`` is spent, keeping at least 3 samples (1 when the warm-up
    alone took longer than the budget): a query that takes minutes over HTTP at a million
    triples would otherwise hold a run for an hour. A query that fails (server timeout) is
    recorded with its error, so one slow query does not lose the figures of the whole run.
    """
    try:
        started = time.perf_counter()
        _, rows = call()
        warm_up = time.perf_counter() - started
        least = 1 if warm_up > budget_s else 3
        samples: list[float] = []
        while len(samples) < reps and (len(samples) < least or sum(samples) < budget_s):
            started = time.perf_counter()
            call()
            samples.append(time.perf_counter() - started)
    except WsisKgError as exc:
        log.warning("query %s failed: %s", name, exc)
        return Latency(name, 0, [], error=str(exc)[:300])
    latency = Latency(name, len(rows), samples)
    log.info("query %s: %d rows, %d runs, p50 %.1f ms", name, latency.rows, len(samples), (latency.p50 or 0) * 1000)
    return latency


#: The parameters of the README's worked examples (one per canned query that takes any).
README_PARAMS = {
    "cited-by-document": {"doc": "https://w3id.org/wsis-kg/id/itu/wtdc/res/30/2022"},
    "citing-instrument": {"work": "https://w3id.org/wsis-kg/id/itu/pp/res/71"},
    "itu-roles": {"code": "C5"},
    "action-lines-per-document": {"code": "C5"},
    "regional-initiatives": {"region": "EUR"},
    "events-timeline": {"year": "2022"},
    "sdgs-per-document": {"goal": "9"},
}


def _short(value: str) -> str:
    """An IRI parameter shown by its path under id/, anything else as is."""
    return value.split("/id/", 1)[-1]


def calls() -> list[tuple[str, dict[str, str]]]:
    """(label, parameters): every canned query without parameters, then with the README's."""
    out: list[tuple[str, dict[str, str]]] = []
    for q in list_queries():
        out.append((q.name, {}))
        if q.name in README_PARAMS:
            shown = ", ".join(f"{k}={_short(v)}" for k, v in README_PARAMS[q.name].items())
            out.append((f"{q.name} ({shown})", README_PARAMS[q.name]))
    return out


def embedded_latencies(out: Path, ids: Identifiers, reps: int, budget_s: float) -> tuple[float, list[Latency]]:
    """Seconds to open the build's store (``open_output``, as ``wsis-kg query`` does), and every
    canned query's latency, without and with the README's parameters."""
    started = time.perf_counter()
    store = open_output(out)
    opened = time.perf_counter() - started
    queries = {q.name: q for q in list_queries()}
    return opened, [time_query(label, partial(run, store, queries[label.split(" ")[0]], values, ids), reps, budget_s) for label, values in calls()]


def cold_cli(cli: list[str], out: Path, runs: int = 3) -> dict:
    """Median wall time of a cold ``wsis-kg query most-cited`` and of ``wsis-kg query --list``."""
    def median(argv: list[str]) -> float:
        times = []
        for _ in range(runs):
            done = run_measured(argv)
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(argv)} failed: {done.tail()}")
            times.append(done.seconds)
        return sorted(times)[len(times) // 2]

    return {"query_seconds": median([*cli, "query", "most-cited", "--out", str(out)]),
            "list_seconds": median([*cli, "query", "--list"]), "runs": runs}


def remote_latencies(store: Path, ids: Identifiers, reps: int, budget_s: float, timeout_s: int, datasets: tuple[str, ...]) -> dict[str, list[Latency]]:
    """Every canned query over HTTP against a read-only server, per ``dataset`` mode.

    ``timeout_s`` is the server-side limit per query (``wsis-kg serve --timeout``, 30 s by
    default there); a query over it is recorded as failed, as a user would see it fail.
    """
    results: dict[str, list[Latency]] = {}
    with OxigraphServer(store, read_only=True, timeout_s=timeout_s) as server:
        endpoint = Endpoint.from_url(server.query_url, timeout=timeout_s + 30)
        queries = {q.name: q for q in list_queries()}
        for dataset in datasets:
            results[dataset] = [
                time_query(label, partial(run_remote, endpoint, queries[label.split(" ")[0]], values, ids, dataset=dataset), reps, budget_s)
                for label, values in calls()
            ]
    return results


def oxigraph_load(out: Path, store: Path) -> Measured:
    """The anchor: ``oxigraph load`` of the build's own TriG into an empty folder (cold CLI)."""
    from pipeline.store.server import oxigraph_binary

    done = run_measured([str(oxigraph_binary()), "load", "--location", str(store), "--file", str(out / "wsis-kg.trig")])
    if done.returncode != 0:
        raise RuntimeError(f"oxigraph load failed: {done.tail()}")
    return done
