"""The output folder switch: a build killed at any instant leaves a whole dist/ (old or new),
and the next run removes what the killed one left (issue 12, item 4)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store, parse

from pipeline import folders, layout
from pipeline.folders import ExchangeUnsupported, publish_folder, recover_and_clean
from pipeline.store.local import STORE_DIR

OTHER_BASE = "https://example.org/other-kg/"  # a second, different build of the same texts

#: Runs `wsis-kg build` in a child that SIGKILLs itself at one instant of the switch.
KILLER = """
import os, pathlib, signal, sys
from pipeline import folders
from pipeline.cli import main

point, out, base = sys.argv[1:4]
die = lambda: os.kill(os.getpid(), signal.SIGKILL)
exchange, sync_tree, write_bytes = folders.exchange, folders._sync_tree, pathlib.Path.write_bytes
written = []

def write_killing(path, data):
    if path.parent.name.startswith(f".{pathlib.Path(out).name}.tmp-"):
        written.append(path)
        if point == "mid-write" and len(written) == 3:
            die()
    return write_bytes(path, data)

def sync_killing(folder):
    sync_tree(folder)
    if point == "before-exchange":
        die()

def exchange_killing(a, b):
    if point == "no-exchange":
        raise folders.ExchangeUnsupported(22, "simulated file system without RENAME_EXCHANGE")
    exchange(a, b)
    if point == "after-exchange":
        die()

rename = pathlib.Path.rename

def rename_killing(path, target):
    result = rename(path, target)
    if point == "no-exchange" and str(path) == out:
        die()  # between the fallback's two renames: no target at all
    return result

pathlib.Path.write_bytes = write_killing
pathlib.Path.rename = rename_killing
folders._sync_tree = sync_killing
folders.exchange = exchange_killing
sys.exit(main(["-q", "build", "--out", out, "--base", base, "--no-validate"]))
"""


def _build(out: Path, base: str) -> None:
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "-q", "build", "--out", str(out), "--base", base, "--no-validate"],
                          cwd=layout.ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def _killed_build(point: str, out: Path, base: str) -> None:
    done = subprocess.run([sys.executable, "-c", KILLER, point, str(out), base], cwd=layout.ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == -signal.SIGKILL, f"the build was not killed at {point}: {done.returncode}\n{done.stderr}"


def _contents(folder: Path) -> dict[str, str]:
    """sha256 of each file; for the build's store folder (RocksDB files are not byte-stable),
    the number of quads it answers with."""
    return {p.name: f"quads:{len(Store.read_only(str(p)))}" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir())}


def _whole(folder: Path) -> dict[str, str]:
    """The folder's files, after checking they are the complete set void.ttl describes."""
    contents = _contents(folder)
    assert set(contents) == {"wsis-kg.ttl", "wsis-kg.nt", "wsis-kg.trig", "wsis-kg.jsonld", "wsis-kg.graphs.jsonld", "void.ttl", "build-report.txt", STORE_DIR}
    quads = sum(1 for _ in parse(path=str(folder / "wsis-kg.trig"), format=RdfFormat.TRIG))
    quads += sum(1 for _ in parse(path=str(folder / "void.ttl"), format=RdfFormat.TURTLE))
    assert contents[STORE_DIR] == f"quads:{quads}", "the store is not the dumps' dataset"
    void = (folder / "void.ttl").read_text(encoding="utf-8")
    for name in ("wsis-kg.ttl", "wsis-kg.nt", "wsis-kg.trig", "wsis-kg.jsonld", "wsis-kg.graphs.jsonld"):
        assert contents[name] in void, f"{name} is not the file void.ttl describes"
    return contents


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if re.match(rf"\.{re.escape(out.name)}\.(tmp|old|loading)-", p.name))


@pytest.fixture(scope="module")
def both_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], dict[str, str]]:
    """What the old (seed base) and the new (other base) build write, built normally."""
    root = tmp_path_factory.mktemp("references")
    _build(root / "old", "https://w3id.org/wsis-kg/")
    _build(root / "new", OTHER_BASE)
    return _whole(root / "old"), _whole(root / "new")


@pytest.mark.parametrize(("point", "expect"), [("mid-write", "old"), ("before-exchange", "old"), ("after-exchange", "new")])
def test_build_killed_at_the_switch_leaves_a_whole_output_folder(tmp_path, both_builds, point, expect):
    old, new = both_builds
    out = tmp_path / "dist"
    _build(out, "https://w3id.org/wsis-kg/")
    _killed_build(point, out, OTHER_BASE)
    assert _whole(out) == {"old": old, "new": new}[expect]
    assert _leftovers(out), "the killed build left nothing to clean (the test killed it too early or too late)"
    _build(out, OTHER_BASE)
    assert _whole(out) == new
    assert _leftovers(out) == []


def test_without_exchange_a_crash_between_renames_is_repaired_by_the_next_run(tmp_path, both_builds):
    """The fallback for systems without RENAME_EXCHANGE: the next run restores the old folder."""
    old, _ = both_builds
    out = tmp_path / "dist"
    _build(out, "https://w3id.org/wsis-kg/")
    _killed_build("no-exchange", out, OTHER_BASE)
    assert not out.exists()  # the window this fallback has (and the exchange has not)
    recover_and_clean(out)
    assert _whole(out) == old
    assert _leftovers(out) == []


def test_exchange_swaps_two_folders_in_one_call(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a", encoding="utf-8")
    (b / "x").write_text("b", encoding="utf-8")
    try:
        folders.exchange(a, b)
    except ExchangeUnsupported:
        pytest.skip("this file system has no RENAME_EXCHANGE")
    assert (a / "x").read_text(encoding="utf-8") == "b"
    assert (b / "x").read_text(encoding="utf-8") == "a"


def _writer(text: str) -> Callable[[Path], None]:
    def fill(folder: Path) -> None:
        (folder / "f").write_text(text, encoding="utf-8")

    return fill


def test_leftovers_of_any_earlier_run_are_removed_and_the_cache_kept(tmp_path):
    target = tmp_path / "store"
    for name in (".store.tmp-1", ".store.old-2", ".store.loading-abc", ".store.cache", ".stores.tmp-3"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "f").write_text("x", encoding="utf-8")
    publish_folder(target, _writer("new"))
    assert (target / "f").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".store.cache", ".store.lock", ".stores.tmp-3", "store"]


def test_a_failing_fill_keeps_the_folder_and_leaves_nothing(tmp_path):
    target = tmp_path / "dist"
    publish_folder(target, _writer("one"))

    def failing(folder: Path) -> None:
        (folder / "f").write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        publish_folder(target, failing)
    assert (target / "f").read_text(encoding="utf-8") == "one"
    assert _leftovers(target) == []


def test_serve_store_switch_cleans_leftovers(built, tmp_path):
    from pipeline.identifiers import Identifiers
    from pipeline.store.server import prepare_store

    location = tmp_path / "store"
    (tmp_path / f".store.old-{os.getpid() + 1}").mkdir()
    (tmp_path / ".store.loading-x1y2").mkdir()
    shutil.copytree(built[1], tmp_path / ".store.tmp-999")
    assert prepare_store(location, built[1], Identifiers())
    assert _leftovers(location) == []
