"""Inject errors into a built N-Triples dump and compare the fast engine's results with pyshacl's.

Run by ``benchmarks/run.py`` in a subprocess (so its memory is measured apart); prints one JSON
object. It reuses the injection and the result keys of ``tests/test_shacl_fast.py`` rather than
a copy of them, so the benchmark checks parity exactly the way the test suite defines it (focus,
path, source shape, component, value, messages, as a multiset).

    python benchmarks/parity.py OUT/wsis-kg.nt
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
TEST_MODULE = ROOT / "tests" / "test_shacl_fast.py"


def parity_module() -> ModuleType:
    """``tests/test_shacl_fast.py`` as a module (tests/ is not a package; pytest must be installed)."""
    spec = importlib.util.spec_from_file_location("test_shacl_fast", TEST_MODULE)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {TEST_MODULE}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dump", type=Path, help="an N-Triples dump of a build")
    args = p.parse_args()
    try:
        tests = parity_module()
    except ImportError as exc:  # e.g. pytest not installed: say so, do not pretend parity
        print(json.dumps({"available": False, "error": str(exc)}))
        return 0
    injected = tests.inject_errors(args.dump.read_bytes())
    started = time.perf_counter()
    fast = tests.fast_keys(injected, ox.RdfFormat.N_TRIPLES)
    fast_s = time.perf_counter() - started
    started = time.perf_counter()
    reference = tests.pyshacl_keys(injected, ox.RdfFormat.N_TRIPLES)
    pyshacl_s = time.perf_counter() - started
    print(json.dumps({
        "available": True,
        "equal": fast == reference,
        "fast_results": sum(fast.values()),
        "pyshacl_results": sum(reference.values()),
        "only_fast": [str(k) for k in sorted((fast - reference).elements(), key=str)][:20],
        "only_pyshacl": [str(k) for k in sorted((reference - fast).elements(), key=str)][:20],
        "fast_seconds": fast_s,
        "pyshacl_seconds": pyshacl_s,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
