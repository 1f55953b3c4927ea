"""``seeds/reference/*.yaml`` → pages of the curated reference data, line by line, and the entry
each curated entity comes from (so its page can link to the very lines).

An entity is matched to the list entry whose identifying field (``slug``, ``code``, ``goal``,
``id``) equals the last segment of its IRI; only a match found in exactly one entry is linked
(a wrong link would be worse than none).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

#: Fields that name a reference entry, as the IRI templates use them.
KEYS = ("slug", "code", "goal", "id")


@dataclass(frozen=True)
class ReferenceFile:
    """One YAML file as a page: its name, page file and lines."""

    name: str
    lines: list[str]

    @property
    def file(self) -> str:
        return f"reference/{self.name.removesuffix('.yaml')}.html"


def reference_files(folder: Path) -> tuple[list[ReferenceFile], dict[str, list[tuple[str, int]]]]:
    """The files, and for each key value the (page file, line) of the entries it names."""
    files = []
    entries: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for path in sorted(folder.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        ref = ReferenceFile(path.name, text.splitlines())
        files.append(ref)
        root = yaml.compose(text)
        if not isinstance(root, yaml.MappingNode):
            continue
        for _, value in root.value:
            if not isinstance(value, yaml.SequenceNode):
                continue
            for item in value.value:
                if not isinstance(item, yaml.MappingNode):
                    continue
                for k, v in item.value:
                    if isinstance(k, yaml.ScalarNode) and k.value in KEYS and isinstance(v, yaml.ScalarNode):
                        entries[str(v.value)].append((ref.file, item.start_mark.line + 1))
    return files, entries


def entry_of(iri: str, entries: dict[str, list[tuple[str, int]]]) -> tuple[str, int] | None:
    """The one entry an entity IRI's last segment names, or None (none or several)."""
    found = entries.get(iri.rstrip("/").rsplit("/", 1)[-1], [])
    return found[0] if len(found) == 1 else None
