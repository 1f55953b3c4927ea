"""`wsis-kg serve` offers an endpoint that reaches nothing but its own store, answers a query
it could not finish with an HTTP error, and still speaks SPARQL 1.1 to every client (issue 12,
item 6). A listener on another loopback port stands for every other address: it must see no
request, whatever the query."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.errors import QueryError
from pipeline.store.endpoint import Endpoint
from pipeline.store.guard import SERVICE_REFUSED, require_local
from pipeline.store.query import bound_text, get_query, list_queries, run
from pipeline.store.server import free_port

TIMEOUT = 3  # the served endpoint's --timeout in these tests


class Canary:
    """A TCP listener on a loopback port of its own: any connection to it is a leak."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.seen: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.seen.append(conn.recv(4096) or b"(connected)")
                except OSError:
                    self.seen.append(b"(connected)")

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    c = Canary()
    yield c
    c.close()


@pytest.fixture(autouse=True)
def nothing_leaks(canary: Canary) -> Iterator[None]:
    before = len(canary.seen)
    yield
    time.sleep(0.3)  # a leaked request would be on its way by now
    assert canary.seen[before:] == [], "the store reached another address"


@pytest.fixture(scope="module")
def serving(built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`wsis-kg serve` on the seed build, as a user starts it; its root URL."""
    location = tmp_path_factory.mktemp("served") / "store"
    command = [sys.executable, "-m", "pipeline.cli", "serve", "--out", str(built[1]), "--store", str(location),
               "--port", str(free_port()), "--timeout", str(TIMEOUT)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("SPARQL endpoint: "), first + (process.stderr.read() if process.stderr else "")
    yield first.split(": ", 1)[1].strip().removesuffix("/query")
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=30)


def request(root: str, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None,
            timeout: float = 30) -> tuple[int, bytes]:
    """One HTTP request; the status and the whole body."""
    conn = http.client.HTTPConnection(urllib.parse.urlsplit(root).netloc, timeout=timeout)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


def federated(canary: Canary) -> list[str]:
    """SERVICE in every place and spelling the grammar allows."""
    url = canary.url
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {{ ?s ?q ?x }} }} }} LIMIT 1",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?q ?x }} }} }} LIMIT 1",
        f"SELECT * WHERE {{ VALUES ?endpoint {{ <{url}> }} SERVICE ?endpoint {{ ?s ?p ?o }} }}",
        f"ASK {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"PREFIX x: <{url.removesuffix('sparql')}> SELECT * WHERE {{ GRAPH ?g {{ ?s ?p ?o }} SERVICE x:sparql {{ ?s ?p ?o }} }}",
    ]


def how(kind: str, query: str) -> tuple[str, str, bytes, dict[str, str]]:
    """The three ways of the SPARQL 1.1 protocol to send a query (and Oxigraph UI's /sparql)."""
    if kind == "GET link":
        return "GET", "/query?" + urllib.parse.urlencode({"query": query}), b"", {}
    if kind == "POST form":
        return "POST", "/query", urllib.parse.urlencode({"query": query}).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
    if kind == "POST sparql-query":
        return "POST", "/query", query.encode(), {"Content-Type": "application/sparql-query"}
    return "POST", "/sparql", urllib.parse.urlencode({"query": query}).encode(), {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize("kind", ["GET link", "POST form", "POST sparql-query", "UI /sparql"])
def test_service_is_refused_with_400_and_never_reaches_the_address(serving, canary, kind):
    for query in federated(canary):
        method, path, body, headers = how(kind, query)
        status, answer = request(serving, method, path, body, {**headers, "Accept": "application/sparql-results+json"})
        assert (status, answer.decode()) == (400, SERVICE_REFUSED + "\n"), query


@pytest.mark.parametrize(("method", "path", "body", "headers", "expected"), [
    ("POST", "/update", b"update=LOAD+%3Curl%3E", {"Content-Type": "application/x-www-form-urlencoded"},
     (403, "/update: this endpoint is read-only and answers SPARQL queries at /query only\n")),
    ("POST", "/sparql", b"update=LOAD+%3Curl%3E", {"Content-Type": "application/x-www-form-urlencoded"},
     (403, "this endpoint is read-only: updates are not accepted\n")),
    ("PUT", "/store?default", b"<urn:a> <urn:b> <urn:c> .", {"Content-Type": "application/n-triples"},
     (405, "PUT is not allowed: this endpoint is read-only (GET or POST /query)\n")),
    ("GET", "/store?default", b"", {}, (404, "/store: not here (this endpoint answers SPARQL queries at /query, its UI is at /)\n")),
    ("POST", "/query", b"not a query", {"Content-Type": "application/sparql-query"},
     (400, "not a SPARQL 1.1 query (Expected {SelectQuery | ConstructQuery | DescribeQuery | AskQuery} at line 1, column 1)\n")),
    ("POST", "/query", b"query=ASK+%7B%7D&query=ASK+%7B%7D", {"Content-Type": "application/x-www-form-urlencoded"},
     (400, "give exactly one 'query' parameter (SPARQL 1.1 protocol)\n")),
])
def test_only_queries_are_accepted(serving, canary, method, path, body, headers, expected):
    body = body.replace(b"%3Curl%3E", urllib.parse.quote(f"<{canary.url}>").encode())
    status, answer = request(serving, method, path, body, headers)
    assert (status, answer.decode()) == expected


def test_sparqlwrapper_curl_and_the_ui_still_work(serving, store):
    query = get_query("itu-roles")
    expected = sorted(run(store, query, {"code": "C5"})[1])
    names, bindings = Endpoint.from_url(serving + "/query", environ={}).select(bound_text(query, {"code": "C5"}))
    assert sorted(tuple(b[n]["value"] if n in b else "" for n in names) for b in bindings) == expected
    if shutil.which("curl"):
        done = subprocess.run(["curl", "-sS", "--fail", "-X", "POST", serving + "/query", "-H", "Accept: text/tab-separated-values",
                               "--data-urlencode", f"query={bound_text(query, {'code': 'C5'})}"],
                              capture_output=True, text=True, check=False, env={**os.environ, "NO_PROXY": "127.0.0.1"})
        assert done.returncode == 0, done.stderr
        assert len(done.stdout.strip().splitlines()) == len(expected) + 1  # header + rows
    for path, kind in (("/", "text/html"), ("/yasgui.min.js", "javascript"), ("/yasgui.min.css", "text/css")):
        conn = http.client.HTTPConnection(urllib.parse.urlsplit(serving).netloc, timeout=10)
        conn.request("GET", path)
        answer = conn.getresponse()
        assert answer.status == 200, path
        assert kind in (answer.getheader("Content-Type") or ""), path
        assert answer.read()
        conn.close()
    status, _ = request(serving, "GET", "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}))
    assert status == 200  # the UI's own endpoint


def test_a_query_over_the_limit_is_an_http_error_not_an_answer(serving):
    """A query Oxigraph cannot finish: 503 before the first byte, on time (Oxigraph itself took
    72 s for a 2 s limit, then sent 200 with "cancelled" inside the body)."""
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    status, body = request(serving, "POST", "/query", urllib.parse.urlencode({"query": slow}).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})
    assert (status, body.decode()) == (503, f"query cancelled: not finished within {TIMEOUT} s (the server's limit, wsis-kg serve --timeout)\n")
    assert time.monotonic() - started < TIMEOUT + 2


def test_an_answer_cut_by_the_limit_is_incomplete_for_the_client(serving):
    """A long answer already streaming when the limit passes: the connection breaks before the
    end of the chunked body, so the client reports an error, never a complete answer."""
    endless = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    with pytest.raises(http.client.IncompleteRead):
        request(serving, "POST", "/query", urllib.parse.urlencode({"query": endless}).encode(),
                {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})
    assert time.monotonic() - started < TIMEOUT + 2


def test_embedded_queries_never_reach_the_network(tmp_path: Path, store, canary):
    """`wsis-kg query` runs query files on pyoxigraph, which would call SERVICE addresses too."""
    (tmp_path / "federated.rq").write_text(
        f"# title: t\n# description: d\nSELECT * WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}\n", encoding="utf-8")
    with pytest.raises(QueryError) as refused:
        run(store, get_query("federated", tmp_path))
    assert str(refused.value) == f"{tmp_path / 'federated.rq'}: {SERVICE_REFUSED}"


def test_every_canned_query_passes_the_guard():
    for query in list_queries():
        require_local(bound_text(query, query.required_examples()))


@pytest.mark.parametrize("writable", [False, True])
def test_serve_on_a_taken_port_says_so_before_loading(built, tmp_path, writable):
    """It used to print the endpoint as if serving, then fail with the cause in a log file."""
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        location = tmp_path / "store"
        done = subprocess.run([sys.executable, "-m", "pipeline.cli", "serve", "--out", str(built[1]), "--store", str(location),
                               "--port", str(port), *(["--writable"] if writable else [])],
                              capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().splitlines()[-1] == (
        f"ERROR cannot serve on 127.0.0.1:{port}: Address already in use "
        "(another `wsis-kg serve` or program is using it? pick another with --port)"
    )
    assert not location.exists()  # refused before any loading
