"""Time one validation of an N-Triples file: wall seconds and peak RSS (parent and child).

    python benchmarks/validate_speed.py /tmp/1m.nt                  # fast engine
    python benchmarks/validate_speed.py /tmp/100k.nt --engine pyshacl
"""

from __future__ import annotations

import argparse
import logging
import resource
import time
from pathlib import Path

from pipeline.shacl.validate import validate_file

log = logging.getLogger("validate_speed")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dump", type=Path)
    p.add_argument("--engine", choices=("fast", "pyshacl"), default="fast")
    args = p.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    started = time.perf_counter()
    problems = validate_file(args.dump, engine=args.engine)
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    log.info("%s: %s engine, %d violations, %.2f s (load included), peak RSS %.0f MB (child %.0f MB)",
             args.dump, args.engine, len(problems), seconds, own, child)


if __name__ == "__main__":
    main()
