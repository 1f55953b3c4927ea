"""Incremental builds: only changed documents are extracted again, and the bytes are a clean build's."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

from pipeline import layout
from pipeline.build import build, default_cache
from pipeline.identifiers import Identifiers

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


def _build_stderr(tmp_path: Path, terminal: bool) -> str:
    """What `wsis-kg build` writes to stderr, when stderr is a pipe or a terminal (a pty)."""
    command = [sys.executable, "-m", "pipeline.cli", "build", "--out", str(tmp_path / f"out-{terminal}"), "--no-cache", "--no-validate"]
    if not terminal:
        return subprocess.run(command, capture_output=True, text=True, check=True).stderr
    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a 100-column terminal
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=secondary)
    os.close(secondary)
    seen = b""
    while True:
        ready, _, _ = select.select([main], [], [], 60)
        try:
            chunk = os.read(main, 65536) if ready else b""
        except OSError:  # the child closed the terminal
            chunk = b""
        if not chunk:
            break
        seen += chunk
    os.close(main)
    assert process.wait(60) == 0
    return seen.decode("utf-8", "replace")


def test_progress_bar_only_on_a_terminal(tmp_path):
    """tqdm draws the bar (done/total, rate) on a terminal; logs and pipes get none."""
    piped = _build_stderr(tmp_path, terminal=False)
    assert "extracting" not in piped
    assert "\r" not in piped
    shown = _build_stderr(tmp_path, terminal=True)
    assert re.search(r"extracting: +[0-9]+%\|.*\| [0-5]/5 \[", shown), shown  # done/total, then time and rate
