"""Where the project's folders are, so no module hard-codes a path twice.

The pipeline runs from a checkout (``pip install -e .``): seeds, ontology, shapes and
queries are data next to the package, not Python literals inside it.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DOCUMENTS = SEEDS / "documents"
REFERENCE = SEEDS / "reference"
ONTOLOGY = ROOT / "ontology"
SHAPES = ROOT / "shapes"
QUERIES = ROOT / "queries"
DEFAULT_OUT = ROOT / "dist"
