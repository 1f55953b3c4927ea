"""End-to-end benchmark of wsis-kg on synthetic corpora: generate, build, validate, load, query.

    python benchmarks/run.py                                   # sizes 10,1000,10000, seed 0
    python benchmarks/run.py --sizes 10,100 --results /tmp/bench
    python benchmarks/run.py --sizes 10,1000,10000 --skip-baseline-above 1000

Every stage a user runs from the command line is run the same way here, as a cold child process
(``wsis-kg build``, ``wsis-kg validate``), so start-up and imports are counted and each child's
peak memory is measured on its own (see ``measure.py``). Loading and querying go through the
real Oxigraph server on 127.0.0.1 (see ``serving.py``). Progress goes to stderr; the tables go
to stdout and, with the raw figures and machine facts, to ``--results``. See
``benchmarks/README.md`` for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import jena
from measure import Measured, percentile, run_measured
from pyoxigraph import NamedNode, RdfFormat, parse
from report import machine_facts, markdown, write_results
from serving import (
    Latency,
    cold_cli,
    embedded_latencies,
    offline_load,
    oxigraph_load,
    protocol_load,
    remote_latencies,
)

from pipeline import layout
from pipeline.identifiers import Identifiers

log = logging.getLogger("bench")
HERE = Path(__file__).resolve().parent
VOID_TRIPLES = NamedNode("http://rdfs.org/ns/void#triples")


def wsis_kg() -> list[str]:
    """The installed console script next to this Python, as users run it (else ``-m``)."""
    script = Path(sys.executable).parent / "wsis-kg"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "pipeline.cli"]


def checked(done: Measured, what: str, ok: tuple[int, ...] = (0,)) -> Measured:
    """Stop the benchmark when a stage failed for real (a figure of a failed run means nothing)."""
    if done.returncode not in ok:
        raise RuntimeError(f"{what} exited with {done.returncode}: {done.tail()}")
    log.info("%s: %.2f s, peak %.0f MB", what, done.seconds, done.peak_rss_mb)
    return done


def void_triples(out: Path, ids: Identifiers) -> int:
    """The dataset's ``void:triples`` from the build's own description."""
    dataset = NamedNode(ids.dataset())
    for t in parse(path=str(out / "void.ttl"), format=RdfFormat.TURTLE):
        if t.subject == dataset and t.predicate == VOID_TRIPLES:
            return int(t.object.value)
    raise RuntimeError(f"{out}/void.ttl has no void:triples for {dataset}")


def figures(done: Measured) -> dict:
    return {"seconds": done.seconds, "peak_mb": done.peak_rss_mb, "returncode": done.returncode}


def latency_summary(latencies: list[Latency], reps: int) -> dict:
    """Per query, and overall: the percentiles of every sample of every query together."""
    every = [s for x in latencies for s in x.samples]
    return {"per_query": [x.as_json() for x in latencies], "overall_p50": percentile(every, 50) if every else None,
            "overall_p95": percentile(every, 95) if every else None, "failed": [x.query for x in latencies if x.error], "reps": reps}


def bench_seeds(work: Path, ids: Identifiers, runs: int) -> dict:
    """The five seed documents, cold CLI build with validation, ``runs`` times (median reported)."""
    seconds, peaks = [], []
    for k in range(runs):
        out = work / f"seeds-{k}"
        done = checked(run_measured([*wsis_kg(), "build", "--documents", str(layout.DOCUMENTS), "--out", str(out)]), f"seed build {k + 1}/{runs}")
        seconds.append(done.seconds)
        peaks.append(done.peak_rss_mb)
    return {"seconds": seconds, "median_seconds": statistics.median(seconds), "peak_mb": max(peaks), "triples": void_triples(out, ids)}


def bench_size(docs: int, seed: int, work: Path, ids: Identifiers, *, reps: int, budget_s: float, timeout_s: int, baseline: bool, live: bool) -> dict:
    """Every stage at one corpus size; returns the raw figures."""
    cli = wsis_kg()
    corpus, out = work / "corpus", work / "dist"
    gen = checked(run_measured([*cli, "generate-corpus", "--docs", str(docs), "--seed", str(seed), "--out", str(corpus), "--check"]),
                  f"[{docs}] generate-corpus --check", ok=(0, 1))
    differences = [line for line in gen.stdout.splitlines() if line.strip()]
    result: dict = {"docs": docs, "generate": {**figures(gen), "passed": gen.returncode == 0, "differences": len(differences), "first_differences": differences[:10]}}

    build = checked(run_measured([*cli, "build", "--documents", str(corpus), "--out", str(out)]), f"[{docs}] build")
    result["build"] = figures(build)
    result["triples"] = triples = void_triples(out, ids)
    log.info("[%d] %d triples", docs, triples)
    no_validate = checked(run_measured([*cli, "build", "--documents", str(corpus), "--out", str(work / "dist-nv"), "--no-validate"]), f"[{docs}] build --no-validate")
    result["build_no_validate"] = figures(no_validate)
    shutil.rmtree(work / "dist-nv", ignore_errors=True)

    anchor = oxigraph_load(out, work / "anchor-store")
    shutil.rmtree(work / "anchor-store", ignore_errors=True)
    result["oxigraph_load"] = figures(anchor)
    log.info("[%d] anchor: oxigraph load of the TriG %.2f s", docs, anchor.seconds)

    dump = out / "wsis-kg.nt"
    fast = checked(run_measured([*cli, "validate", str(dump)]), f"[{docs}] validate (fast)", ok=(0, 1))
    result["validate_fast"] = {**figures(fast), "violations": len(fast.stdout.splitlines())}
    cp, why = jena.classpath(work.parent)
    if cp is None:
        result["validate_jena"] = {"skipped": why}
        log.info("[%d] Jena SHACL skipped: %s", docs, why)
    else:
        ref = run_measured(jena.command(cp, layout.SHAPES / "wsis-kg-shapes.ttl", dump))
        result["validate_jena"] = {**figures(ref), "conforms": jena.conforms(ref.stdout)}
        if ref.returncode != 0:
            result["validate_jena"]["error"] = ref.tail()
        log.info("[%d] Jena SHACL: %.2f s, peak %.0f MB", docs, ref.seconds, ref.peak_rss_mb)
    if baseline:
        ref = checked(run_measured([*cli, "validate", "--engine", "pyshacl", str(dump)]), f"[{docs}] validate (pyshacl)", ok=(0, 1))
        result["validate_pyshacl"] = {**figures(ref), "violations": len(ref.stdout.splitlines())}
        parity = checked(run_measured([sys.executable, str(HERE / "parity.py"), str(dump)]), f"[{docs}] parity (injected errors)")
        result["parity"] = {**json.loads(parity.stdout), **figures(parity)}
        log.info("[%d] parity: %s", docs, "equal" if result["parity"].get("equal") else result["parity"])

    store = work / "store"
    result["load_offline"] = figures(offline_load(out, store))
    log.info("[%d] offline load: %.2f s", docs, result["load_offline"]["seconds"])
    result["load_protocol"] = vars(protocol_load(out, work / "rw-store", ids))
    shutil.rmtree(work / "rw-store", ignore_errors=True)

    result["cold_query"] = cold_cli(cli, out)
    log.info("[%d] cold CLI: query %.2f s, --list %.2f s", docs, result["cold_query"]["query_seconds"], result["cold_query"]["list_seconds"])
    opened, embedded = embedded_latencies(out, ids, reps, budget_s)
    remote = remote_latencies(store, ids, reps, budget_s, timeout_s, ("union", "live") if live else ("union",))
    result["queries"] = {"reps": reps, "budget_s": budget_s, "http_timeout_s": timeout_s, "embedded_open_seconds": opened, "embedded": latency_summary(embedded, reps),
                         **{mode: latency_summary(lat, reps) for mode, lat in remote.items()}}
    log.info("[%d] queries p50: embedded %s s, HTTP union %s s", docs, result["queries"]["embedded"]["overall_p50"], result["queries"]["union"]["overall_p50"])
    return result


def sizes_arg(text: str) -> list[int]:
    sizes = sorted({int(s) for s in text.split(",") if s.strip()})
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError(f"sizes are positive document counts, got {text!r}")
    return sizes


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=sizes_arg, default=[10, 1000, 10000], help="corpus sizes in documents (default 10,1000,10000)")
    p.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    p.add_argument("--results", type=Path, default=HERE / "results", help="folder for the .md and .json results (default benchmarks/results)")
    p.add_argument("--skip-baseline-above", type=int, metavar="N", help="no pyshacl baseline or parity check above N documents (it takes minutes at 1M triples)")
    p.add_argument("--reps", type=int, default=20, help="timed repetitions per query, after one warm-up (default 20)")
    p.add_argument("--query-budget", type=float, default=60, metavar="SECONDS", help="stop repeating a query after this long, keeping at least 3 runs (default 60)")
    p.add_argument("--query-timeout", type=int, default=120, metavar="SECONDS", help="server-side limit per HTTP query; slower ones are reported as failed (default 120)")
    p.add_argument("--seed-runs", type=int, default=5, help="cold builds of the seed documents; the median is reported (default 5)")
    p.add_argument("--live-max-docs", type=int, default=10, help="also query dataset=live up to this size (default 10; slow with thousands of graphs)")
    p.add_argument("--workdir", type=Path, help="keep corpora, dumps and stores here instead of a deleted temporary folder")
    args = p.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)

    ids = Identifiers.from_environment()
    result: dict = {"started_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "seed": args.seed,
                    "args": {k: str(v) for k, v in vars(args).items()}, "machine": machine_facts(), "requested_sizes": args.sizes, "sizes": []}
    with tempfile.TemporaryDirectory(prefix="wsis-kg-bench-") as tmp:
        root = args.workdir or Path(tmp)
        result["seeds"] = bench_seeds(root / "seeds", ids, args.seed_runs)
        for docs in args.sizes:
            baseline = args.skip_baseline_above is None or docs <= args.skip_baseline_above
            work = root / f"docs-{docs}"
            shutil.rmtree(work, ignore_errors=True)  # our own folder: generate-corpus refuses to overwrite a corpus
            result["sizes"].append(bench_size(docs, args.seed, work, ids, reps=args.reps, budget_s=args.query_budget, timeout_s=args.query_timeout, baseline=baseline, live=docs <= args.live_max_docs))
            if not args.workdir:
                shutil.rmtree(work, ignore_errors=True)
            md, js = write_results(result, args.results)  # after every size: a long run that dies keeps what it measured
    log.info("results: %s and %s", md, js)
    sys.stdout.write(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
