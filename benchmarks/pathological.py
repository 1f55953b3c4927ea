"""Whole builds of one large document per shape: time, peak memory, throughput and scaling exponent.

Issue 12: a 1 MB text took 5 s and 350 MB, 4 MB 53 s and 1.2 GB (cost growing as n^1.8), and
some small shapes stalled the build. For each shape of ``pipeline.corpus.pathological``
(ordinary = the seed texts repeated, and every shape that once made a step quadratic) this
builds one document of each size in MB (10^6 UTF-8 bytes), as a cold ``wsis-kg build`` child
process with validation (what users run), and prints a markdown table: wall time, peak RSS,
MB/s, MB of memory per MB of text, and the scaling exponent ``log(t2/t1)/log(n2/n1)`` between
consecutive sizes (1 is linear), with PASS/FAIL against the targets (exponent <= 1.1,
>= 1 MB/s, <= 50 MB of memory per MB).

    python benchmarks/pathological.py --sizes 1,4,16            # all shapes; about an hour on 2 cores
    python benchmarks/pathological.py --sizes 1,4 --shapes ordinary,footnotes

Not part of pytest. See benchmarks/README.md for what the figures mean.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
from pathlib import Path

from measure import Measured, run_measured
from report import exponent

from pipeline.corpus.pathological import SHAPES, write_folder

log = logging.getLogger("bench")
MB = 1_000_000
TARGET_EXPONENT = 1.1
TARGET_MB_PER_S = 1.0
TARGET_MEMORY_PER_MB = 50.0


def build_one(work: Path, shape: str, mb: float, validate: bool, timeout_s: float) -> tuple[int, Measured]:
    """Write one document of ``mb`` MB in ``shape`` and build it cold; its bytes and the child's figures."""
    size = int(mb * MB)
    folder = write_folder(work / f"{shape}-{mb:g}MB", SHAPES[shape](size))
    nbytes = (folder / "doc.txt").stat().st_size
    out = work / f"{shape}-{mb:g}MB-out"
    shutil.rmtree(out, ignore_errors=True)
    argv = [sys.executable, "-m", "pipeline.cli", "-q", "build", "--documents", str(folder), "--out", str(out),
            "--no-cache", "--max-text-bytes", str(max(nbytes, 1))]  # fmt: skip
    if not validate:
        argv.append("--no-validate")
    argv = ["timeout", str(int(timeout_s)), *argv]
    return nbytes, run_measured(argv)


def _verdict(ok: bool | None) -> str:
    return "" if ok is None else ("PASS" if ok else "FAIL")


def table(rows: list[dict]) -> str:
    """The markdown table of every build, with exponents from the previous size of the same shape."""
    head = "| shape | MB | seconds | peak MB | MB/s | memory MB per MB | exponent (time) | exponent (memory) | verdict |"
    lines = [head, "|" + "---|" * 9]
    previous: dict[str, dict] = {}
    for r in rows:
        mb = r["bytes"] / MB
        failed = r["returncode"] != 0
        rate = mb / r["seconds"] if r["seconds"] else None
        per_mb = r["peak_mb"] / mb
        p = previous.get(r["shape"])
        e_t = exponent(p["bytes"], r["bytes"], p["seconds"], r["seconds"]) if p and not failed else None
        e_m = exponent(p["bytes"], r["bytes"], p["peak_mb"], r["peak_mb"]) if p and not failed else None
        checks = [rate is not None and rate >= TARGET_MB_PER_S, per_mb <= TARGET_MEMORY_PER_MB]
        if e_t is not None:
            checks.append(e_t <= TARGET_EXPONENT)
        verdict = f"exit {r['returncode']}" if failed else " ".join(
            f"{name} {_verdict(ok)}" for name, ok in zip(("rate", "memory", "exponent"), checks, strict=False)
        )
        lines.append(
            f"| {r['shape']} | {mb:.2f} | {r['seconds']:.1f} | {r['peak_mb']:.0f} | {rate:.2f} | {per_mb:.0f} | "
            f"{'' if e_t is None else f'{e_t:.2f}'} | {'' if e_m is None else f'{e_m:.2f}'} | {verdict} |"
        )
        if not failed:
            previous[r["shape"]] = r
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1,4,16", help="document sizes in MB (10^6 UTF-8 bytes), comma-separated (default: 1,4,16)")
    p.add_argument("--shapes", default=",".join(SHAPES), help=f"comma-separated, from: {', '.join(SHAPES)} (default: all)")
    p.add_argument("--no-validate", action="store_true", help="build without SHACL (default: validate, as users build)")
    p.add_argument("--timeout", type=float, default=1800, help="seconds before one build is stopped and recorded as failed (default: 1800)")
    p.add_argument("--workdir", type=Path, help="keep the documents and outputs here (default: a temporary folder)")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    sizes = [float(s) for s in args.sizes.split(",")]
    shapes = args.shapes.split(",")
    unknown = sorted(set(shapes) - set(SHAPES))
    if unknown:
        p.error(f"unknown shapes: {', '.join(unknown)}")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="wsis-kg-pathological-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for shape in shapes:
            for mb in sizes:
                nbytes, m = build_one(work, shape, mb, not args.no_validate, args.timeout)
                log.info("%s %g MB: %.1f s, %.0f MB peak, exit %d %s", shape, mb, m.seconds, m.peak_rss_mb, m.returncode, m.tail(300) if m.returncode else "")
                rows.append({"shape": shape, "bytes": nbytes, "seconds": m.seconds, "peak_mb": m.peak_rss_mb, "returncode": m.returncode})
                if m.returncode != 0:
                    break  # a larger size of a shape that failed would fail too
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
