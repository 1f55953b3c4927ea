"""Run the real Oxigraph SPARQL server (the ``oxigraph`` PyPI package's binary) on a store folder.

Why Oxigraph's own binary and not a Python server: analysts and tests must talk to the same
server they would run in production, over the real SPARQL protocol. The version is pinned in
``pyproject.toml`` and checked here, because the on-disk store format and the HTTP behaviour we
rely on (atomic update requests, ``PUT`` that parses before it replaces) are version facts.

Safety: Oxigraph executes ``SERVICE`` and ``LOAD`` against any address, loopback included, and
that cannot be switched off. So the server people query is started read-only
(``serve-read-only``), bound to 127.0.0.1 unless asked otherwise, with a server-side query
timeout. A writable server is only for ``wsis-kg load`` and tests.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import layout
from pipeline.errors import WsisKgError
from pipeline.folders import publish_folder
from pipeline.identifiers import Identifiers
from pipeline.store.local import STORE_DIR

log = logging.getLogger(__name__)

PINNED_VERSION = "0.5.13"
#: A file in the store folder naming the build it holds, so a second ``serve`` can reuse it.
BUILD_MARKER = "wsis-kg-build.sha256"
LOOPBACK = ("127.0.0.1", "::1", "localhost")


class ServerError(WsisKgError):
    """The Oxigraph server is missing, the wrong version, or would not start."""


def oxigraph_binary() -> Path:
    """The ``oxigraph`` executable installed next to this Python (or on PATH), version-checked."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = beside if beside.is_file() else (Path(p) if (p := shutil.which("oxigraph")) else None)
    if found is None:
        raise ServerError(f"the oxigraph server is not installed: pip install oxigraph=={PINNED_VERSION}")
    version = subprocess.run([str(found), "--version"], capture_output=True, text=True, check=False).stdout.split()
    if version[-1:] != [PINNED_VERSION]:
        raise ServerError(f"{found} is oxigraph {' '.join(version[1:]) or '?'}, this project needs {PINNED_VERSION}: pip install oxigraph=={PINNED_VERSION}")
    return found


def require_free_port(host: str, port: int) -> None:
    """Raise ServerError naming the address if nothing can listen on ``host:port`` now."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT is not "in use"
        try:
            s.bind((host, port))
        except OSError as exc:
            raise ServerError(f"cannot serve on {host}:{port}: {exc.strerror} "
                              "(another `wsis-kg serve` or program is using it? pick another with --port)") from None


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def build_fingerprint(out: Path) -> str:
    """sha256 over the dumps a store is loaded from: equal fingerprints, equal store content."""
    digest = hashlib.sha256()
    for name in ("wsis-kg.trig", "void.ttl"):
        path = out / name
        if not path.is_file():
            raise ServerError(f"{path} not found: run `wsis-kg build` first")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def prepare_store(location: Path, out: Path, ids: Identifiers) -> bool:
    """Make ``location`` hold the build in ``out``; False if it already did (reused as is).

    A fresh store is a copy of the store the build wrote (``out/oxigraph``, see
    ``pipeline.store.local``: the same pinned Oxigraph format, already loaded and optimized),
    or for a build without one, bulk-loaded offline (``oxigraph load``) from the dumps; either
    way into a sibling folder that replaces ``location`` in one step (:mod:`pipeline.folders`)
    only when complete, so a failed or killed load keeps the old store.
    """
    fingerprint = build_fingerprint(out)
    marker = location / BUILD_MARKER
    if marker.is_file() and marker.read_text(encoding="ascii").strip() == fingerprint:
        log.info("store %s already holds this build; reusing it", location)
        return False
    binary = oxigraph_binary()
    built = out / STORE_DIR

    def fill(staging: Path) -> None:
        if built.is_dir():  # a copy: the server must not hold files a rebuild replaces
            shutil.copytree(built, staging, dirs_exist_ok=True)
        else:
            _run_load(binary, staging, out / "wsis-kg.trig", None)
            _run_load(binary, staging, out / "void.ttl", ids.dataset())
            _run(binary, "optimize", "--location", str(staging))  # compacted: queries ~40 % faster
        (staging / BUILD_MARKER).write_text(fingerprint + "\n", encoding="ascii")

    publish_folder(location.resolve(), fill)
    log.info("loaded %s into store %s", out, location)
    return True


def _run_load(binary: Path, location: Path, path: Path, graph: str | None) -> None:
    # --lenient skips re-validating IRIs: the build parsed every dump strictly already
    args = ["load", "--lenient", "--location", str(location), "--file", str(path)]
    _run(binary, *args, *(["--graph", graph] if graph else []))


def _run(binary: Path, *args: str) -> None:
    done = subprocess.run([str(binary), *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ServerError(f"oxigraph {' '.join(args)} failed: {done.stderr.strip()[-500:]}")


@dataclass
class OxigraphServer:
    """One Oxigraph server process; a context manager that always stops it."""

    location: Path = field(metadata={"description": "store folder (created if missing)"})
    host: str = field(default="127.0.0.1", metadata={"description": "address to bind; loopback unless you mean it"})
    port: int = field(default=0, metadata={"description": "TCP port; 0 picks a free one"})
    read_only: bool = field(default=True, metadata={"description": "serve-read-only: no update, no Graph Store writes"})
    timeout_s: int = field(default=30, metadata={"description": "server-side limit on each query, seconds"})
    log_path: Path | None = field(default=None, metadata={"description": "where the server's own output goes"})
    union_default_graph: bool = field(default=True, metadata={"description": "the default graph is the union of all graphs"})
    process: subprocess.Popen | None = field(default=None, init=False, repr=False)

    @property
    def root(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.root}/query"

    def start(self, wait: float = 30.0) -> OxigraphServer:
        """Start the server and return once it answers a query (or raise with its output)."""
        binary = oxigraph_binary()
        self.location.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port(self.host)
        args = [
            str(binary),
            "serve-read-only" if self.read_only else "serve",
            "--location", str(self.location),
            "--bind", f"{self.host}:{self.port}" if ":" not in self.host else f"[{self.host}]:{self.port}",
            "--timeout-s", str(self.timeout_s),
            *(["--union-default-graph"] if self.union_default_graph else []),
        ]  # fmt: skip
        self.log_path = self.log_path or self.location.parent / f"{self.location.name}.server.log"
        with open(self.log_path, "ab") as sink:
            self.process = subprocess.Popen(args, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"oxigraph exited with {self.process.returncode}: {self._tail()}")
            if self.ready():
                log.info("oxigraph %s serving %s at %s", "read-only" if self.read_only else "read-write", self.location, self.root)
                return self
            time.sleep(0.05)
        self.stop()
        raise ServerError(f"oxigraph did not answer on {self.root} within {wait:g} s: {self._tail()}")

    def ready(self) -> bool:
        """Does the server answer a trivial query?"""
        request = urllib.request.Request(
            self.query_url, data=b"ASK {}", headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
        )
        try:
            with _loopback_opener().open(request, timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return False

    def stop(self, wait: float = 5.0) -> None:
        """Ask the server to stop (SIGTERM; SIGINT may be ignored in background jobs), then kill."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(wait)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """Stop the server the hard way (what a crash or OOM-kill looks like to clients)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def _tail(self) -> str:
        if self.log_path and self.log_path.is_file():
            return self.log_path.read_text(encoding="utf-8", errors="replace").strip()[-500:]
        return ""

    def __enter__(self) -> OxigraphServer:
        return self.start() if self.process is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _loopback_opener() -> urllib.request.OpenerDirector:
    """An opener that ignores $http_proxy: a readiness probe must never leave the machine."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def default_store() -> Path:
    """Where ``serve`` keeps its store unless told otherwise (outside dist/, which builds replace)."""
    return layout.ROOT / "store"
