"""Shared fixtures: one build of the seeds per test session (it takes a few seconds)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from pipeline import layout
from pipeline.build import BuildResult, build
from pipeline.identifiers import Identifiers
from pipeline.model import DocumentExtraction
from pipeline.store.endpoint import Endpoint
from pipeline.store.load import load, plan_from_dumps
from pipeline.store.query import open_output, open_store
from pipeline.store.server import OxigraphServer

IDS = Identifiers()


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, Path]:
    out = tmp_path_factory.mktemp("build") / "dist"
    return build(layout.DOCUMENTS, out, IDS), out


@pytest.fixture(scope="session")
def extraction(built: tuple[BuildResult, Path]):
    """Extraction of a seed document by manifest key."""
    by_key = {ex.key: ex for ex in built[0].extractions}

    def get(key: str) -> DocumentExtraction:
        return by_key[key]

    return get


@pytest.fixture(scope="session")
def store(built):
    """The build's own on-disk store, read-only: what `wsis-kg query` answers from."""
    return open_output(built[1])


@pytest.fixture(scope="session")
def trig_store(built):
    """The TriG dump loaded into memory (what a consumer of the dump gets)."""
    return open_store(built[1] / "wsis-kg.trig")


# -- a real Oxigraph server (the pinned binary from the `oxigraph` package) -------------------

os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"  # loopback never via a proxy


@pytest.fixture
def oxigraph(tmp_path: Path):
    """A writable Oxigraph server on a free loopback port with an empty temporary store."""
    with OxigraphServer(tmp_path / "store", read_only=False, timeout_s=30) as server:
        yield server


@pytest.fixture(scope="session")
def served(built, tmp_path_factory: pytest.TempPathFactory):
    """A writable Oxigraph server holding the seed build, loaded the way users load it."""
    store = tmp_path_factory.mktemp("served") / "store"
    with OxigraphServer(store, read_only=False, timeout_s=30) as server:
        endpoint = Endpoint.from_url(server.root, environ={})
        load(endpoint, plan_from_dumps(built[1], IDS), IDS)
        yield server, endpoint


@pytest.fixture(scope="session")
def built_smaller(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second, different build: the seeds without the Baku declaration draft (000), and with
    one more sentence in WTDC Resolution 30 (001): one graph goes, one changes, four stay."""
    docs = tmp_path_factory.mktemp("docs4")
    manifest = yaml.safe_load((layout.DOCUMENTS / "manifest.yaml").read_text(encoding="utf-8"))
    manifest["documents"] = [d for d in manifest["documents"] if not d["file"].startswith("000_")]
    for entry in manifest["documents"]:
        shutil.copy(layout.DOCUMENTS / entry["file"], docs / entry["file"])
    changed = next(docs.glob("001_*.txt"))
    changed.write_text(changed.read_text(encoding="utf-8") + "\n我们重申C5行动方面的重要性。\n", encoding="utf-8")
    (docs / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    out = tmp_path_factory.mktemp("build4") / "dist"
    build(docs, out, IDS, validate=False)
    return out
