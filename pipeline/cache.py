"""Per-document build cache, so a rebuild re-extracts only the documents that changed.

An entry holds one document's graph (sorted, unique N-Triples lines) and its build-report
line and warnings. Its key is a hash of everything the graph depends on: the document's bytes
and manifest entry, plus a fingerprint of the code and reference data (``pipeline/**.py``,
``seeds/reference/*.yaml``) and the base IRI. Change any of them and the entry is not found,
so a cached build is byte-identical to a clean one (a test checks it).

Entries are written atomically (temporary file, then rename): a killed build leaves whole
entries or none. Entries no build used last time are pruned, so the folder does not grow.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from pipeline import layout
from pipeline.identifiers import Identifiers
from pipeline.model import BuildWarning
from pipeline.sources.documents import SourceText

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CachedDocument:
    """What the build needs of a document it does not re-extract."""

    ntriples: bytes  # the document's own graph: what it says
    descriptions: bytes  # its share of graph/descriptions: what the nodes it names are
    summary: str
    warnings: tuple[BuildWarning, ...]


def code_fingerprint(ids: Identifiers) -> str:
    """Hash of the code and reference data every document's graph depends on."""
    digest = hashlib.sha256(ids.base.encode())
    paths = sorted((layout.ROOT / "pipeline").rglob("*.py")) + sorted(layout.REFERENCE.glob("*.yaml"))
    for path in paths:
        digest.update(path.relative_to(layout.ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class DocumentCache:
    """A folder of entries ``{key}.nt`` + ``{key}.d.nt`` + ``{key}.json``; ``folder=None`` caches nothing."""

    def __init__(self, folder: Path | None, ids: Identifiers) -> None:
        self.folder = folder
        self.fingerprint = code_fingerprint(ids) if folder else ""
        self.used: set[str] = set()

    def key(self, source: SourceText) -> str:
        entry = source.entry.model_dump_json()
        return hashlib.sha256(f"{self.fingerprint}\0{source.sha256}\0{entry}".encode()).hexdigest()

    def get(self, source: SourceText) -> CachedDocument | None:
        if self.folder is None:
            return None
        key = self.key(source)
        nt, desc, meta = self.folder / f"{key}.nt", self.folder / f"{key}.d.nt", self.folder / f"{key}.json"
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            data, descriptions = nt.read_bytes(), desc.read_bytes()
        except (OSError, ValueError):
            return None
        if hashlib.sha256(data).hexdigest() != info.get("sha256") or hashlib.sha256(descriptions).hexdigest() != info.get("descriptions_sha256"):
            return None  # a damaged entry is a miss, never wrong output
        self.used.add(key)
        warnings = tuple(BuildWarning.model_validate(w) for w in info["warnings"])
        return CachedDocument(data, descriptions, info["summary"], warnings)

    def put(self, source: SourceText, doc: CachedDocument) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        key = self.key(source)
        info = {
            "sha256": hashlib.sha256(doc.ntriples).hexdigest(), "descriptions_sha256": hashlib.sha256(doc.descriptions).hexdigest(),
            "summary": doc.summary, "warnings": [w.model_dump(mode="json") for w in doc.warnings],
        }
        _write(self.folder / f"{key}.nt", doc.ntriples)
        _write(self.folder / f"{key}.d.nt", doc.descriptions)
        _write(self.folder / f"{key}.json", json.dumps(info, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        self.used.add(key)

    def prune(self) -> None:
        """Remove entries this build did not use."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name.split(".", 1)[0] not in self.used:
                path.unlink(missing_ok=True)


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
