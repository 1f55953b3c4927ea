"""Shared fixtures: one build of the seeds per test session (it takes a few seconds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import layout
from pipeline.build import BuildResult, build
from pipeline.identifiers import Identifiers
from pipeline.model import DocumentExtraction
from pipeline.query import open_store

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
    return open_store(built[1] / "wsis-kg.trig")
