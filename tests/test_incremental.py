"""Incremental builds: only changed documents are extracted again, and the bytes are a clean build's."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from pipeline import layout
from pipeline.build import build, default_cache
from pipeline.identifiers import Identifiers
from pipeline.progress import Progress

IDS = Identifiers()


def copy_seeds(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    shutil.copytree(layout.DOCUMENTS, docs)
    return docs


def test_rebuild_after_one_change_extracts_one_document_and_equals_a_clean_build(tmp_path):
    docs = copy_seeds(tmp_path)
    first = build(docs, tmp_path / "out", IDS, validate=False)
    assert (first.reused, len(first.extractions)) == (0, 5)
    again = build(docs, tmp_path / "out", IDS, validate=False)
    assert (again.reused, len(again.extractions)) == (5, 0)
    assert again.files == first.files

    text = next(docs.glob("000_*.txt"))  # append a sentence naming an action line to the declaration
    text.write_text(text.read_text(encoding="utf-8") + "\n我们重申C5行动方面的重要性。\n", encoding="utf-8")
    changed = build(docs, tmp_path / "out", IDS, validate=False)
    assert (changed.reused, [ex.key for ex in changed.extractions]) == (4, ["itu/wtdc/2025/declaration"])
    clean = build(docs, tmp_path / "clean", IDS, validate=False, cache=False)
    assert changed.files == clean.files
    assert changed.files["wsis-kg.nt"] != first.files["wsis-kg.nt"]
    assert not (tmp_path / ".clean.cache").exists()


def test_damaged_or_stale_entries_are_misses_and_pruned(tmp_path):
    docs = copy_seeds(tmp_path)
    first = build(docs, tmp_path / "out", IDS, validate=False)
    cache = default_cache(tmp_path / "out")
    victim = sorted(cache.glob("*.nt"))[0]
    victim.write_bytes(victim.read_bytes()[:-10])
    (cache / "stale.nt").write_bytes(b"left by an older build")
    again = build(docs, tmp_path / "out", IDS, validate=False)
    assert again.reused == 4
    assert again.files == first.files
    assert not (cache / "stale.nt").exists()


def test_progress_is_quiet_without_a_terminal_and_says_rate_and_eta():
    stream = io.StringIO()
    progress = Progress("extracting", 10, stream)
    for _ in range(10):
        progress.advance()
    progress.close()
    assert stream.getvalue() == ""  # StringIO is not a TTY
    line = progress.line(progress.started + 2.0)
    assert line.startswith("extracting 10/10 (100%) 5/s ETA 0 s")
