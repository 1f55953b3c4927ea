"""Replicate a built graph into a larger one that still conforms, to measure validation speed.

This is a measuring tool, not a corpus generator: it copies the text-derived records of a seed
build (provisions, footnotes, citations, mentions, role statements, text nodes and spans) under
``{document}/copy-{k}/…``. Those IRI templates allow any printable prefix before the record's own
segment, so every copy still matches the shapes' patterns. Reference data (concepts, bodies,
places, events, instruments) is shared by all copies: its IRI patterns leave no room for a suffix.

    python benchmarks/replicate_graph.py dist/wsis-kg.nt /tmp/1m.nt --triples 1000000
"""

from __future__ import annotations

import argparse
import logging
import re
from pathlib import Path

log = logging.getLogger("replicate_graph")

ID = "https://w3id.org/wsis-kg/id/"
# The first record segment of a text-derived IRI; the copy marker goes right before it.
RECORD = re.compile(r"<(" + re.escape(ID) + r"(?:un|itu)/[!-~]+?)/(provision|footnote|citation|mention|role|text)/")


def copy_lines(lines: list[str], k: int) -> list[str]:
    """One copy: every text-derived IRI gets ``/copy-{k}`` inserted before its record segment."""
    marker = rf"<\1/copy-{k}/\2/"
    return [RECORD.sub(marker, line) for line in lines]


def replicate(source: Path, target: Path, triples: int) -> int:
    """Write copies of ``source`` until ``target`` holds at least ``triples`` distinct triples."""
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    seen = set(lines)
    k = 0
    while len(seen) < triples:
        k += 1
        seen.update(copy_lines(lines, k))
    target.write_text("\n".join(sorted(seen)) + "\n", encoding="utf-8")
    log.info("%d copies, %d triples -> %s", k, len(seen), target)
    return len(seen)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("source", type=Path, help="an N-Triples dump of a build (dist/wsis-kg.nt)")
    p.add_argument("target", type=Path, help="where to write the larger N-Triples file")
    p.add_argument("--triples", type=int, default=1_000_000, help="minimum number of triples (default 1,000,000)")
    args = p.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    replicate(args.source, args.target, args.triples)


if __name__ == "__main__":
    main()
