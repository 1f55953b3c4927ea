"""Turn the raw figures of a run into the markdown tables people read, and the results files.

Kept apart from the measuring so the tables can be re-rendered from a saved ``.json``
(``python benchmarks/report.py RESULTS.json``) without re-running anything.

Targets (issue 10) are checked only at the size they are stated for (10k documents ≈ 1M
triples), except load rates and ratios, which are checked from 100k triples up: below that,
fixed costs (process start, HTTP round trips) dominate. Most targets are ratios to an anchor
measured in the same run (`oxigraph load` of the build's own TriG, Apache Jena SHACL), because
the machine the reference runs on is shared: seconds move with the load, ratios much less.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

MB_PER_GB = 1024
TARGET_DOCS = 10_000
ABOUT_1M = 900_000  # "~1M triples": a 10k-document build makes about a million
RATE_FROM = 100_000
MAX_EXPONENT = 1.2


@dataclass(frozen=True)
class Row:
    """One stage at one size, as printed."""

    stage: str
    size: str
    triples: int | None
    seconds: float | None
    throughput: str
    peak_mb: float | None
    ratio: str = ""
    target: str = ""
    status: str = ""
    note: str = ""


def _status(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _rate(count: float, seconds: float, unit: str) -> str:
    return f"{count / seconds:,.0f} {unit}/s" if seconds > 0 else "-"


def _x(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else "-"


def rows_for_size(fig: dict) -> list[Row]:
    """The table rows of one corpus size from its raw figures (targets of issue 10)."""
    docs, triples, size = fig["docs"], fig["triples"], str(fig["docs"])
    at_target, at_1m, rated = docs >= TARGET_DOCS, triples >= ABOUT_1M, triples >= RATE_FROM
    rows: list[Row] = []
    gen = fig["generate"]
    rows.append(Row("generate + fidelity check", size, None, gen["seconds"], _rate(docs, gen["seconds"], "docs"), gen["peak_mb"],
                    note=f"fidelity {'pass' if gen['passed'] else 'FAIL'}, {gen['differences']} differences"))
    anchor = (fig.get("oxigraph_load") or {}).get("seconds")
    if anchor:
        rows.append(Row("anchor: `oxigraph load` of the build's TriG", size, triples, anchor, _rate(triples, anchor, "triples"),
                        fig["oxigraph_load"]["peak_mb"], note="cold CLI into an empty folder; the ratios below divide by this"))
    b = fig["build"]
    ok = anchor is not None and b["seconds"] <= 1.5 * anchor and b["peak_mb"] <= 1.5 * MB_PER_GB
    rows.append(Row("build (validated, cold CLI)", size, triples, b["seconds"],
                    f"{_rate(docs, b['seconds'], 'docs')}; {_rate(triples, b['seconds'], 'triples')}", b["peak_mb"], ratio=f"{_x(b['seconds'], anchor)} oxigraph load",
                    target="≤ 1.5× oxigraph load, ≤ 1.5 GB @10k docs", status=_status(ok) if at_target else "n/a"))
    nv = fig["build_no_validate"]
    share = (b["seconds"] - nv["seconds"]) / nv["seconds"] if nv["seconds"] else 0.0
    rows.append(Row("build --no-validate", size, triples, nv["seconds"], _rate(triples, nv["seconds"], "triples"), nv["peak_mb"],
                    ratio=f"validation adds {share:+.0%}", target="validation adds ≤ 20 % @10k docs", status=_status(share <= 0.20) if at_target else "n/a",
                    note=f"validation ≈ {b['seconds'] - nv['seconds']:.2f} s of the build"))
    v, base, jena = fig["validate_fast"], fig.get("validate_pyshacl"), fig.get("validate_jena") or {}
    jena_s = jena.get("seconds") if not jena.get("error") else None
    ratio = f"{jena_s / v['seconds']:.1f}× faster than Jena" if jena_s else "Jena not run"
    if base:
        ratio += f"; {base['seconds'] / v['seconds']:.1f}× faster than pyshacl"
    rows.append(Row("validate (fast engine)", size, triples, v["seconds"], _rate(triples, v["seconds"], "triples"), v["peak_mb"], ratio=ratio,
                    target="≥ 2× ahead of Jena SHACL @~1M triples", status=_status(bool(jena_s) and jena_s >= 2 * v["seconds"]) if at_1m else "n/a",
                    note=f"{v['violations']} violations"))
    if jena_s:
        rows.append(Row("validate (Apache Jena SHACL, Debian)", size, triples, jena_s, _rate(triples, jena_s, "triples"), jena["peak_mb"],
                        note=f"`shacl validate` (Jena 4.5, JVM start included); conforms: {jena.get('conforms')}"))
    elif jena:
        rows.append(Row("validate (Apache Jena SHACL, Debian)", size, triples, None, "-", None, note=f"skipped: {jena.get('skipped') or jena.get('error', '')[:120]}"))
    if base:
        parity = fig.get("parity") or {}
        verdict = ("equal" if parity.get("equal") else "DIFFERENT") if parity.get("available") else f"not run ({parity.get('error', 'skipped')})"
        rows.append(Row("validate (pyshacl baseline)", size, triples, base["seconds"], _rate(triples, base["seconds"], "triples"), base["peak_mb"],
                        ratio=f"{base['peak_mb'] / v['peak_mb']:.1f}× the memory", target="parity: equal",
                        status=_status(bool(parity.get("equal"))) if parity.get("available") else "n/a",
                        note=f"{base['violations']} violations; injected-error parity: {verdict}"
                        + (f" ({parity['fast_results']} results each)" if parity.get("equal") else "")))
    off = fig["load_offline"]
    rows.append(Row("serve's store ready (prepare_store)", size, triples, off["seconds"], _rate(triples, off["seconds"], "triples"), off["peak_mb"],
                    ratio=f"{_x(off['seconds'], anchor)} oxigraph load", target="≤ 1.2× oxigraph load",
                    status=_status(anchor is not None and off["seconds"] <= 1.2 * anchor) if rated else "n/a",
                    note="copies the store the build wrote (the build paid its load: see the build row)"))
    pl = fig["load_protocol"]
    for label, secs, peak, gated in (("load: protocol, first", pl["first_seconds"], pl["server_peak_mb_first"], True),
                                     ("load: protocol, replace (nothing changed)", pl["replace_seconds"], pl["server_peak_mb_replace"], False)):
        sent = pl["triples"]
        ok = sent / secs >= 50_000 and (peak or 0) <= 2 * MB_PER_GB
        rows.append(Row(label, size, sent, secs, _rate(sent, secs, "triples"), peak, ratio=f"{_x(secs, anchor)} oxigraph load",
                        target="≥ 50k triples/s, server ≤ 2 GB" if gated else "", status=(_status(ok) if rated else "n/a") if gated else "",
                        note=f"server VmHWM; {pl['graphs']} graphs; plan {pl['plan_seconds']:.2f} s not included"))
    cold = fig.get("cold_query")
    if cold:
        ok = cold["query_seconds"] <= 0.5 and cold["query_seconds"] <= 5 * cold["list_seconds"]
        rows.append(Row("cold `wsis-kg query most-cited`", size, triples, cold["query_seconds"], "", None,
                        ratio=f"{_x(cold['query_seconds'], cold['list_seconds'])} `query --list`", target="≤ 0.5 s and ≤ 5× `query --list` @~1M",
                        status=_status(ok) if at_1m else "n/a", note=f"median of {cold['runs']}; `query --list` {cold['list_seconds']:.2f} s"))
    q = fig["queries"]
    for mode, label in (("embedded", "queries: embedded"), ("union", "queries: HTTP union"), ("live", "queries: HTTP live")):
        if mode not in q:
            continue
        p50, p95 = q[mode]["overall_p50"], q[mode]["overall_p95"]
        worst = max((x["p50"] for x in q[mode]["per_query"] if x["p50"] is not None), default=None)
        slowest = max((x for x in q[mode]["per_query"] if x["p50"] is not None), key=lambda x: x["p50"], default=None)
        failed = q[mode].get("failed") or []
        gate = mode != "live"
        rows.append(Row(label, size, triples, worst, _ms("overall p50 ", p50) + _ms("; p95 ", p95), None,
                        target="every query p50 ≤ 50 ms @~1M triples" if gate else "",
                        status=(_status(worst is not None and worst <= 0.050 and not failed) if at_1m else "n/a") if gate else "",
                        note=f"wall = the slowest query's p50 ({slowest['query'] if slowest else '-'}); {len(q[mode]['per_query'])} calls × ≤{q['reps']}"
                        + (f"; FAILED: {', '.join(failed)}" if failed else "")))
    return rows


def seed_row(seeds: dict) -> Row:
    """The five seed documents, cold CLI build, median of several runs."""
    med = seeds["median_seconds"]
    return Row("build (validated, cold CLI)", "5 seeds", seeds["triples"], med, _rate(5, med, "docs"), seeds["peak_mb"],
               target="≤ 2 s cold", status=_status(med <= 2), note=f"median of {len(seeds['seconds'])}: " + ", ".join(f"{s:.2f}" for s in seeds["seconds"]))


#: (stage, how to get seconds, how to get peak MB) for the scaling table.
SCALED = (
    ("build (validated)", lambda f: f["build"]["seconds"], lambda f: f["build"]["peak_mb"]),
    ("build --no-validate", lambda f: f["build_no_validate"]["seconds"], lambda f: f["build_no_validate"]["peak_mb"]),
    ("validate fast", lambda f: f["validate_fast"]["seconds"], lambda f: f["validate_fast"]["peak_mb"]),
    ("validate pyshacl", lambda f: (f.get("validate_pyshacl") or {}).get("seconds"), lambda f: (f.get("validate_pyshacl") or {}).get("peak_mb")),
    ("oxigraph load (anchor)", lambda f: (f.get("oxigraph_load") or {}).get("seconds"), lambda f: (f.get("oxigraph_load") or {}).get("peak_mb")),
    ("validate Jena", lambda f: (f.get("validate_jena") or {}).get("seconds"), lambda f: (f.get("validate_jena") or {}).get("peak_mb")),
    ("serve's store ready", lambda f: f["load_offline"]["seconds"], lambda f: f["load_offline"]["peak_mb"]),
    ("load protocol", lambda f: f["load_protocol"]["first_seconds"], lambda f: f["load_protocol"]["server_peak_mb_first"]),
    ("load replace", lambda f: f["load_protocol"]["replace_seconds"], lambda f: f["load_protocol"]["server_peak_mb_replace"]),
    ("query embedded p50", lambda f: f["queries"]["embedded"]["overall_p50"], lambda f: None),
    ("query HTTP p50", lambda f: f["queries"]["union"]["overall_p50"], lambda f: None),
)


def exponent(n1: float, n2: float, y1: float | None, y2: float | None) -> float | None:
    """log(y2/y1) / log(n2/n1): 1 is linear, 2 quadratic; None when a figure is missing."""
    if not y1 or not y2 or n1 == n2:  # missing, failed or zero
        return None
    return math.log(y2 / y1) / math.log(n2 / n1)


def scaling_rows(figures: list[dict]) -> list[list[str]]:
    """Scaling exponents between consecutive sizes (by triples), and a projection to 10k documents."""
    out = []
    for stage, secs, mem in SCALED:
        for a, b in itertools.pairwise(figures):
            t = exponent(a["triples"], b["triples"], secs(a), secs(b))
            m = exponent(a["triples"], b["triples"], mem(a), mem(b))
            if t is None:
                continue
            projected = secs(b) * (TARGET_DOCS / b["docs"]) ** max(t, 1.0) if b["docs"] < TARGET_DOCS else None
            out.append([stage, f"{a['docs']}→{b['docs']}", f"{t:.2f}", "-" if m is None else f"{m:.2f}",
                        "-" if projected is None else f"{projected:.1f} s", _status(t <= MAX_EXPONENT and (m is None or m <= MAX_EXPONENT))])
    return out


def _ms(prefix: str, seconds: float | None) -> str:
    return "-" if seconds is None else f"{prefix}{seconds * 1000:,.1f} ms"


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def markdown(result: dict) -> str:
    """All tables of one run."""
    figures = sorted(result["sizes"], key=lambda f: f["docs"])
    rows = ([seed_row(result["seeds"])] if result.get("seeds") else []) + [r for f in figures for r in rows_for_size(f)]
    order: dict[str, int] = {}
    for r in rows[1 if result.get("seeds") else 0:] + rows[:1]:  # stage order as per size; seeds sorts into its stage
        order.setdefault(r.stage, len(order))
    rows.sort(key=lambda r: order[r.stage])  # stable: stage by stage, sizes ascending (seeds first)
    missing = [str(n) for n in result.get("requested_sizes", []) if n not in {f["docs"] for f in figures}]
    lines = [f"# wsis-kg benchmark, {result['started_utc']}" + (f" (partial: {', '.join(missing)} documents not done yet)" if missing else ""), "",
             f"sizes {', '.join(str(f['docs']) for f in figures)} documents, seed {result['seed']}, "
             f"{result['machine']['nproc']} CPUs, {result['machine']['memory_gb']:.0f} GB, Python {result['machine']['python']}, "
             f"wsis-kg {result['machine']['git']}", "",
             *([f"**Interrupted:** {result['interrupted']}", ""] if result.get("interrupted") else []),
             "| stage | docs | triples | wall s | throughput | peak MB | vs baseline | target | status | notes |",
             "|---|---:|---:|---:|---|---:|---|---|---|---|"]
    for r in rows:
        secs = _ms("", r.seconds) if r.stage.startswith("queries") else _fmt(r.seconds)
        lines.append(f"| {r.stage} | {r.size} | {'-' if r.triples is None else f'{r.triples:,}'} | {secs} | {r.throughput} | "
                     f"{_fmt(r.peak_mb, 0)} | {r.ratio} | {r.target} | {r.status} | {r.note} |")
    scale = scaling_rows(figures)
    if scale:
        lines += ["", "## Scaling (exponent of time and peak memory against triples; 1 = linear, target ≤ 1.2)", "",
                  "| stage | docs | time exp. | memory exp. | projected @10k docs | status |", "|---|---|---:|---:|---:|---|"]
        lines += ["| " + " | ".join(r) + " |" for r in scale]
    lines += ["", "## Canned queries, without parameters and with the README's (ms; warm-up excluded)", "",
              "| query | docs | rows | embedded p50 | embedded p95 | HTTP union p50 | HTTP union p95 | HTTP live p50 | HTTP live p95 |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for f in figures:
        q = f["queries"]
        live = {x["query"]: x for x in q.get("live", {}).get("per_query", [])}
        for e, u in zip(q["embedded"]["per_query"], q["union"]["per_query"], strict=True):
            lv = live.get(e["query"])
            cells = [_ms("", x and x[k]).removesuffix(" ms") for x in (e, u, lv) for k in ("p50", "p95")]
            lines.append(f"| {e['query']} | {f['docs']} | {e['rows']} | " + " | ".join(cells) + " |")
    skipped = [str(f["docs"]) for f in figures if not f.get("validate_pyshacl")]
    if skipped:
        lines += ["", f"pyshacl baseline and parity skipped at {', '.join(skipped)} documents (--skip-baseline-above)."]
    return "\n".join(lines) + "\n"


def machine_facts() -> dict:
    """What the figures depend on: CPUs, memory, Python and the packages that do the work."""
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    root = Path(__file__).resolve().parent.parent
    git = subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty"], capture_output=True, text=True, check=False).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "memory_gb": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": {p: version(p) for p in ("pyoxigraph", "oxigraph", "pyshacl", "rdflib", "SPARQLWrapper", "pydantic", "wsis-kg")},
        "git": git or "unknown",
    }


def write_results(result: dict, folder: Path) -> tuple[Path, Path]:
    """``<UTC timestamp>-<sizes>.md`` (the tables) and ``.json`` (every raw figure)."""
    folder.mkdir(parents=True, exist_ok=True)
    # The requested sizes, not the finished ones: the partial files of a long run are rewritten in place.
    stem = f"{result['started_utc'].replace(':', '').replace('-', '')}-{'-'.join(str(n) for n in result.get('requested_sizes') or [f['docs'] for f in result['sizes']])}"
    md, js = folder / f"{stem}.md", folder / f"{stem}.json"
    md.write_text(markdown(result), encoding="utf-8")
    js.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return md, js


if __name__ == "__main__":
    sys.stdout.write(markdown(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
