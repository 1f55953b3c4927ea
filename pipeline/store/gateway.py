"""HTTP requests → checked, then answered by a read-only Oxigraph server behind it, on time or not at all.

``wsis-kg serve`` puts this gateway on the public address and runs ``oxigraph
serve-read-only`` on a random loopback port behind it. The gateway speaks the SPARQL 1.1
protocol (``GET /query?query=…``, ``POST /query`` as a form or as ``application/sparql-query``,
``default-graph-uri``/``named-graph-uri`` passed through; ``/sparql`` is the same, for
Oxigraph's UI) and serves that query UI (``GET /`` and its script, style and logo), and,
given a site folder, the static explorer at every other ``GET`` path, so that an entity IRI's
path opens its page (:mod:`pipeline.store.sitefiles`). Everything else (``/update``, ``/store``, other methods) is refused: the endpoint only reads.

Why a gateway (each point is something Oxigraph's own server does not do):

- **no network**: every query is parsed (:mod:`pipeline.store.guard`) and one with ``SERVICE``
  gets ``400 Bad Request`` before Oxigraph sees it, so neither a client nor a web page the
  analyst opens (a plain GET link is a query) can make the store call another address;
- **a timeout that holds, and shows**: Oxigraph's ``--timeout-s`` is checked only now and then
  (a 2 s limit measured 72 s), and once it has started a ``200`` answer it reports the
  cancellation *inside* the body. The gateway keeps its own deadline: an answer is buffered (up
  to ``buffer_bytes``) so that a query not finished in time gets ``503 Service Unavailable``
  before the first byte; a longer answer is streamed (chunked) and, if the deadline passes
  mid-way, the connection is cut without the final chunk, which every HTTP client reports as
  an incomplete answer, never as a complete one.
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from pipeline.errors import WsisKgError
from pipeline.store.guard import NotLocal, require_local
from pipeline.store.sitefiles import SiteFiles

log = logging.getLogger(__name__)

#: What Oxigraph writes into a 200 body when it cancels a query it had started answering.
_OXIGRAPH_CANCELLED = b"The SPARQL operation has been cancelled"
_FORM = "application/x-www-form-urlencoded"
#: The query UI Oxigraph serves (its page, script, style and logo): passed on as they are.
_UI = ("/", "/yasgui.min.js", "/yasgui.min.css", "/logo.svg")
#: Oxigraph's query endpoints: /query, and /sparql, which its UI posts to.
_QUERY = ("/query", "/sparql")
_SPARQL_QUERY = "application/sparql-query"


class PortInUse(WsisKgError):
    """The address to serve on is taken."""


@dataclass
class Gateway:
    """The public SPARQL endpoint in front of a read-only Oxigraph server; a context manager.

    The listening socket is bound when the object is made (so a taken port is reported before
    any work); requests are served from ``start()`` (or entering the context) until ``stop()``.
    """

    host: str = field(default="127.0.0.1", metadata={"description": "address to bind"})
    port: int = field(default=0, metadata={"description": "TCP port; 0 picks a free one"})
    timeout_s: float = field(default=30, metadata={"description": "deadline of one query, seconds"})
    buffer_bytes: int = field(default=8 << 20, metadata={"description": "answers up to this size get an exact status"})
    max_request_bytes: int = field(default=1 << 20, metadata={"description": "larger request bodies get 413"})
    upstream: str = field(default="", metadata={"description": "root URL of the Oxigraph server behind, set before start()"})
    site: Path | None = field(default=None, metadata={"description": "static site folder (`wsis-kg site`) served at the other GET paths"})

    def __post_init__(self) -> None:
        handler = type("Handler", (_Handler,), {"gateway": self})
        server_class = _V6Server if ":" in self.host else ThreadingHTTPServer
        try:
            self._server = server_class((self.host, self.port), handler)
        except OSError as exc:
            raise PortInUse(f"cannot serve on {self.host}:{self.port}: {exc.strerror} "
                            "(another `wsis-kg serve` or program is using it? pick another with --port)") from None
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def root(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.root}/query"

    def start(self) -> Gateway:
        if not self.upstream:
            raise WsisKgError("the gateway needs the URL of the Oxigraph server behind it")
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Gateway:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _V6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    gateway: Gateway
    protocol_version = "HTTP/1.1"
    server_version = "wsis-kg"

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    # -- routing -------------------------------------------------------------------------------

    def do_GET(self) -> None:
        path, _, params = self.path.partition("?")
        if path in _UI:
            self._forward("GET", path, b"", {})  # the UI; parameters are never passed on
        elif path in _QUERY:
            self._query(parse_qs(params, keep_blank_values=True), b"", {})
        elif self.gateway.site is not None and (found := SiteFiles(self.gateway.site).find(path, self.headers.get("Accept", ""))):
            if isinstance(found, str):
                self.send_response(301)
                self.send_header("Location", found)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._file(*found)
        else:
            self._refuse(404, f"{path}: not here (this endpoint answers SPARQL queries at /query, its UI is at /)")

    def _file(self, path: Path, content_type: str) -> None:
        """A file of the static site, whole (pages are small; the largest is a few MB)."""
        data = path.read_bytes()
        self._head(200, content_type, len(data))
        self.wfile.write(data)

    def do_POST(self) -> None:
        path, _, params = self.path.partition("?")
        length = self.headers.get("Content-Length")
        if path not in _QUERY:
            self._discard_body(length)
            self._refuse(404 if path not in ("/update", "/store") else 403,
                         f"{path}: this endpoint is read-only and answers SPARQL queries at /query only")
            return
        if length is None or not length.isdigit():
            self._refuse(411, "a POST needs a Content-Length")
            return
        if int(length) > self.gateway.max_request_bytes:
            self._discard_body(length)
            self._refuse(413, f"request body over {self.gateway.max_request_bytes} bytes")
            return
        body = self.rfile.read(int(length))
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        fields = parse_qs(params, keep_blank_values=True)
        if kind == _FORM:
            for name, values in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                fields.setdefault(name, []).extend(values)
        elif kind == _SPARQL_QUERY:
            fields.setdefault("query", []).append(body.decode("utf-8", "replace"))
        else:
            self._refuse(415, f"POST {path} takes {_FORM} or {_SPARQL_QUERY}, not {kind or 'no content type'}")
            return
        self._query(fields, body, {"Content-Type": self.headers.get("Content-Type", kind)})

    def _refuse_method(self) -> None:
        self._discard_body(self.headers.get("Content-Length"))
        self._refuse(405, f"{self.command} is not allowed: this endpoint is read-only (GET or POST /query)")

    do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _refuse_method

    # -- the query ---------------------------------------------------------------------------

    def _query(self, fields: dict[str, list[str]], body: bytes, headers: dict[str, str]) -> None:
        queries = fields.get("query", [])
        if "update" in fields:
            self._refuse(403, "this endpoint is read-only: updates are not accepted")
            return
        if len(queries) != 1:
            self._refuse(400, "give exactly one 'query' parameter (SPARQL 1.1 protocol)")
            return
        try:
            require_local(queries[0])
        except NotLocal as exc:
            self._refuse(400, str(exc))
            return
        self._forward(self.command, self.path, body, headers)

    def _forward(self, method: str, target: str, body: bytes, headers: dict[str, str]) -> None:
        """Ask Oxigraph, then answer within the deadline (see the module docstring)."""
        gateway = self.gateway
        deadline = time.monotonic() + gateway.timeout_s
        up = urlsplit(gateway.upstream)
        conn = http.client.HTTPConnection(up.hostname or "127.0.0.1", up.port, timeout=gateway.timeout_s)
        sent_head = False
        try:
            accept = self.headers.get("Accept")
            conn.request(method, target, body=body or None, headers={**headers, **({"Accept": accept} if accept else {})})
            _remaining(conn, deadline)
            answer = conn.getresponse()
            pending = bytearray()  # read, not yet sent; its tail is held back until the end
            while True:
                _remaining(conn, deadline)
                chunk = answer.read1(65536)
                if not chunk:
                    break
                pending += chunk
                if len(pending) <= gateway.buffer_bytes and not sent_head:
                    continue
                if not sent_head:
                    self._head(answer.status, answer.getheader("Content-Type"), None)
                    sent_head = True
                keep = len(_OXIGRAPH_CANCELLED) + 16
                self._chunk(bytes(pending[:-keep]))
                del pending[:-keep]
            cancelled = answer.status == 200 and bytes(pending).rstrip().endswith(_OXIGRAPH_CANCELLED)
            if sent_head and cancelled:
                self._cut()
            elif sent_head:
                self._chunk(bytes(pending))
                self.wfile.write(b"0\r\n\r\n")
            elif cancelled:
                self._cancelled()
            else:
                self._head(answer.status, answer.getheader("Content-Type"), len(pending))
                self.wfile.write(bytes(pending))
        except TimeoutError:
            if sent_head:
                self._cut()
            else:
                self._cancelled()
        except (ConnectionError, http.client.HTTPException, OSError) as exc:
            if sent_head:
                self._cut()
            else:
                self._refuse(502, f"the store behind this endpoint failed: {type(exc).__name__}: {exc}")
        finally:
            conn.close()

    # -- writing answers ---------------------------------------------------------------------

    def _head(self, status: int, content_type: str | None, length: int | None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        if length is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def _chunk(self, data: bytes) -> None:
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _cut(self) -> None:
        """Break the connection mid-answer: the client sees an incomplete body, never a whole one."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _cancelled(self) -> None:
        self._refuse(503, f"query cancelled: not finished within {self.gateway.timeout_s:g} s "
                          "(the server's limit, wsis-kg serve --timeout)")

    def _refuse(self, status: int, message: str) -> None:
        data = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _discard_body(self, length: str | None) -> None:
        if length and length.isdigit() and int(length) <= self.gateway.max_request_bytes:
            self.rfile.read(int(length))
        elif length:
            self.close_connection = True


def _remaining(conn: http.client.HTTPConnection, deadline: float) -> None:
    """Let the next socket read wait only until the deadline (TimeoutError after it)."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    if conn.sock is not None:
        conn.sock.settimeout(left)
