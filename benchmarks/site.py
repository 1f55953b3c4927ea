"""Benchmark of the static site (``wsis-kg site``) against the build it is made from.

    python benchmarks/site.py                          # the seeds, 1,000 and 10,000 documents
    python benchmarks/site.py --sizes seeds,100 --work /tmp/site-bench

For each size it generates the synthetic corpus (``generate-corpus``, seed 0; ``seeds`` is the
five real texts), builds it and then writes its site, each as a cold child process as users run
them (see ``measure.py``), and prints per size: pages (HTML files), files, bytes, the largest
HTML page and the largest file, the site's wall time and peak memory, and its ratio to the
build's time measured in the same run (the target: "about the time the build takes", no page
past a few MB); then the scaling exponents of time and bytes between sizes.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import shutil
import sys
import tempfile
from pathlib import Path

from measure import Measured, run_measured
from report import exponent

from pipeline import layout

log = logging.getLogger("bench")


def wsis_kg() -> list[str]:
    script = Path(sys.executable).parent / "wsis-kg"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "pipeline.cli"]


def checked(done: Measured, what: str) -> Measured:
    if done.returncode != 0:
        raise RuntimeError(f"{what} exited with {done.returncode}: {done.tail()}")
    log.info("%s: %.1f s, peak %.0f MB", what, done.seconds, done.peak_rss_mb)
    return done


def site_size(folder: Path) -> dict:
    """Pages, files, bytes, and the largest page and file of a written site."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    pages = [p for p in files if p.suffix == ".html"]
    largest_page = max(pages, key=lambda p: p.stat().st_size)
    largest_file = max(files, key=lambda p: p.stat().st_size)
    return {
        "pages": len(pages),
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        "largest_page": (largest_page.stat().st_size, str(largest_page.relative_to(folder))),
        "largest_file": (largest_file.stat().st_size, str(largest_file.relative_to(folder))),
    }


def bench(size: str, work: Path) -> dict:
    """Corpus → build → site for one size; the figures."""
    cli = wsis_kg()
    if size == "seeds":
        docs, n = layout.DOCUMENTS, 5
    else:
        n = int(size)
        docs = work / f"corpus-{n}"
        shutil.rmtree(docs, ignore_errors=True)
        checked(run_measured([*cli, "-q", "generate-corpus", "--docs", str(n), "--out", str(docs), "--seed", "0"]), f"generate {n}")
    dist = work / f"dist-{size}"
    built = checked(run_measured([*cli, "-q", "build", "--documents", str(docs), "--out", str(dist), "--no-cache"]), f"build {size}")
    site = work / f"site-{size}"
    shutil.rmtree(site, ignore_errors=True)
    made = checked(run_measured([*cli, "-q", "site", "--dist", str(dist), "--documents", str(docs), "--out", str(site)]), f"site {size}")
    return {"size": size, "documents": n, "build_s": built.seconds, "site_s": made.seconds, "site_peak_mb": made.peak_rss_mb, **site_size(site)}


def table(rows: list[dict]) -> str:
    lines = [
        "| size | documents | pages | files | MB | largest page (kB) | largest file (kB) | build s | site s | site/build | site peak MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']} | {r['documents']} | {r['pages']} | {r['files']} | {r['bytes'] / 1e6:.1f} | "
            f"{r['largest_page'][0] / 1e3:.0f} ({r['largest_page'][1]}) | {r['largest_file'][0] / 1e3:.0f} ({r['largest_file'][1]}) | "
            f"{r['build_s']:.1f} | {r['site_s']:.1f} | {r['site_s'] / r['build_s']:.2f} | {r['site_peak_mb']:.0f} |"
        )
    numbered = [r for r in rows if r["size"] != "seeds"]
    for a, b in itertools.pairwise(numbered):
        t = exponent(a["documents"], b["documents"], a["site_s"], b["site_s"])
        s = exponent(a["documents"], b["documents"], a["bytes"], b["bytes"])
        lines.append(f"\nscaling {a['documents']} → {b['documents']} documents: site time exponent {t:.2f}, bytes exponent {s:.2f}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="seeds,1000,10000", help="comma-separated: 'seeds' and/or document counts")
    ap.add_argument("--work", type=Path, default=None, help="folder for corpora, builds and sites (default: a temporary one)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    work = args.work or Path(tempfile.mkdtemp(prefix="wsis-kg-site-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = [bench(size.strip(), work) for size in args.sizes.split(",") if size.strip()]
    print(table(rows))


if __name__ == "__main__":
    main()
