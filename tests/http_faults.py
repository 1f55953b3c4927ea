"""A loopback HTTP proxy that forwards to a real server and injects faults on cue.

Tests use it to make a load fail at an exact request: stall it (so the test can kill the
loader mid-way), answer 500, or run a hook (kill the server) before forwarding.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

#: What to do with a request: "forward", "stall" (never answer), "fail" (HTTP 500),
#: "unsupported" (HTTP 415, as a store that does not take that content type).
Action = str


@dataclass
class FaultyProxy:
    """Forward to ``upstream``; ``decide(n, method, path)`` picks the action for request ``n`` (1-based)."""

    upstream: str
    decide: Callable[[int, str, str], Action] = lambda n, method, path: "forward"
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    stalled: threading.Event = field(default_factory=threading.Event)
    _release: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        proxy = self
        target = urlsplit(self.upstream)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep pytest output clean
                pass

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.requests.append((self.command, self.path, dict(self.headers)))
                action = proxy.decide(len(proxy.requests), self.command, self.path)
                if action == "stall":
                    proxy.stalled.set()
                    proxy._release.wait(60)
                    self.close_connection = True
                    return
                if action in ("fail", "unsupported"):
                    payload = b"injected failure"
                    self.send_response(500 if action == "fail" else 415)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                try:
                    conn.request(self.command, self.path, body=body, headers=headers)
                    response = conn.getresponse()
                    payload = response.read()
                except OSError:
                    self.close_connection = True  # upstream gone: drop the client connection
                    return
                finally:
                    conn.close()
                self.send_response(response.status)
                for k, v in response.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FaultyProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def count(self, method: str) -> int:
        return sum(1 for m, _, _ in self.requests if m == method)
