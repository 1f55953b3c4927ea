"""Reading YAML fast: libyaml's C loader when PyYAML has it (it does in the PyPI wheels).

A 10,000-document manifest takes seconds with the pure-Python loader and a tenth of that
with the C one; both accept exactly the same safe subset, so results do not change.
"""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` through the fastest safe loader available."""
    return yaml.load(text, Loader=SafeLoader)
