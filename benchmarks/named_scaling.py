"""How reading instruments cited by name scales with the length of a text (not part of pytest).

Texts of growing length, each read by ``extract_named`` as the build reads it, and, in the same
run, by a peer that every build pays anyway (``matching_view``: one pass over the text). Prints
seconds, the ratio to the peer and the scaling exponent between consecutive sizes (1.0 = linear).

Three kinds of text: the five seeds repeated (real titles, paragraphs, provisions, short forms),
unclosed marks (《 and “ by the thousand, the worst case for bounded title patterns), and one long
list of provision numbers after a title (第1和2和3…款).

    python benchmarks/named_scaling.py [--sizes 25000,100000,400000,1600000] [--reps 3]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import yaml

from pipeline import layout
from pipeline.extract.citations import CitationContext
from pipeline.extract.named import extract_named
from pipeline.extract.view import matching_view
from pipeline.identifiers import Identifiers
from pipeline.sources.documents import SourceText, read_folder
from pipeline.sources.reference import Reference

IDS = Identifiers()
_UNCLOSED = "《" * 300 + "“" * 300 + '"' * 300 + "突尼斯议程\n"


def _kinds() -> dict[str, Callable[[int], str]]:
    seeds = "".join(p.read_text(encoding="utf-8") for p in sorted(layout.DOCUMENTS.glob("*.txt")))
    return {
        "seeds": lambda n: (seeds * (n // len(seeds) + 1))[:n],
        "unclosed marks": lambda n: (_UNCLOSED * (n // len(_UNCLOSED) + 1))[:n],
        "provision list": lambda n: "《组织法》第" + "和".join(str(i % 9000 + 1) for i in range(n // 5)) + "款\n",
    }


def _source(folder: Path, text: str) -> SourceText:
    (folder / "t.txt").write_text(text, encoding="utf-8")
    manifest = {"documents": [{"file": "t.txt", "key": "itu/council/2099/bench", "kind": "council document",
                               "language": "zh", "title_zh": "基准", "title_en": "Benchmark"}]}
    (folder / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    (source,) = read_folder(folder)
    return source


def _best(fn: Callable[[], object], reps: int) -> float:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="25000,100000,400000,1600000", help="text lengths in characters")
    parser.add_argument("--reps", type=int, default=3, help="timed runs per size (the best is kept)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    ref = Reference.load(layout.REFERENCE)
    print("| text | characters | named (s) | view (s) | named / view | citations | exponent |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in _kinds().items():
            previous: tuple[int, float] | None = None
            for size in sizes:
                source = _source(Path(tmp), make(size))
                view = matching_view(source.text)
                ctx = CitationContext(source=source, view=view, ref=ref, ids=IDS, document_iri=IDS.id("itu/council/2099/bench"),
                                      family="itu", adopting=None, citing_at=lambda _o: IDS.id("itu/council/2099/bench"), provisions=())
                found = extract_named(ctx, [], "基准")[0]
                t_named = _best(partial(extract_named, ctx, [], "基准"), args.reps)
                t_view = _best(partial(matching_view, source.text), args.reps)
                n = len(source.text)
                slope = "" if previous is None else f"{math.log(t_named / previous[1]) / math.log(n / previous[0]):.2f}"
                print(f"| {name} | {n:,} | {t_named:.3f} | {t_view:.3f} | {t_named / t_view:.1f} | {len(found)} | {slope} |", flush=True)
                previous = (n, t_named)


if __name__ == "__main__":
    main()
