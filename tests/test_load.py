"""Loads into a real Oxigraph server never leave it half-loaded, whatever breaks and when."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from http_faults import FaultyProxy

from pipeline.identifiers import Identifiers
from pipeline.store import load as load_module
from pipeline.store.endpoint import Endpoint, EndpointError
from pipeline.store.load import (
    LoadRefused,
    graph_sizes,
    live_sizes,
    load,
    plan_from_dumps,
    staging_prefix,
)
from pipeline.store.query import get_query, list_queries, live_graphs, run_remote
from pipeline.store.server import OxigraphServer

IDS = Identifiers()
STAGING = staging_prefix(IDS)


def snapshot(endpoint: Endpoint) -> tuple[dict[str, int], dict[str, list]]:
    """What readers see: live graph sizes and the answers of every canned query."""
    answers = {q.name: sorted(run_remote(endpoint, q, q.required_examples())[1]) for q in list_queries()}
    return live_sizes(endpoint, IDS), answers


def expected_sizes(out: Path) -> dict[str, int]:
    return {g.name: g.triples for g in plan_from_dumps(out, IDS).graphs}


@pytest.fixture
def loaded(oxigraph, built):
    """A server holding the seed build, and its endpoint."""
    endpoint = Endpoint.from_url(oxigraph.root, environ={})
    load(endpoint, plan_from_dumps(built[1], IDS), IDS)
    return oxigraph, endpoint


def test_load_puts_every_graph_of_the_trig_under_its_name(loaded, built):
    _, endpoint = loaded
    assert live_sizes(endpoint, IDS) == expected_sizes(built[1])
    assert graph_sizes(endpoint, STAGING) == {}
    assert graph_sizes(endpoint, IDS.dataset())  # the VoID description is there for clients


def test_reload_replaces_and_drops_graphs_no_longer_built(loaded, built_smaller):
    _, endpoint = loaded
    report = load(endpoint, plan_from_dumps(built_smaller, IDS), IDS)
    assert live_sizes(endpoint, IDS) == expected_sizes(built_smaller)
    assert report.dropped_graphs == 1
    assert IDS.graph("itu/wtdc/2025/declaration") not in live_sizes(endpoint, IDS)


def is_staging_post(method: str, path: str) -> bool:
    return method == "POST" and path.startswith("/store")


def is_switch(method: str, path: str, proxy: FaultyProxy) -> bool:
    """The update request that comes after the staging POST."""
    return path.endswith("/update") and any(is_staging_post(m, p) for m, p, _ in proxy.requests)


def test_reload_sends_and_moves_only_changed_graphs(loaded, built_smaller):
    _, endpoint = loaded
    report = load(endpoint, plan_from_dumps(built_smaller, IDS), IDS)
    assert (report.unchanged_graphs, report.dropped_graphs) == (4, 1)  # reference, 002-004 kept; 001 changed; 000 gone
    assert report.sent_triples < report.triples / 2
    assert live_sizes(endpoint, IDS) == expected_sizes(built_smaller)


def test_killed_loader_leaves_previous_graph_and_next_load_recovers(loaded, built, built_smaller):
    """SIGKILL the `wsis-kg load` process after staging, while its switch request hangs."""
    _, endpoint = loaded
    before = snapshot(endpoint)
    holder: list[FaultyProxy] = []
    decide = lambda n, method, path: "stall" if is_switch(method, path, holder[0]) else "forward"  # noqa: E731
    with FaultyProxy(endpoint.query_url.rsplit("/", 1)[0], decide=decide) as proxy:
        holder.append(proxy)
        loader = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "load", "--endpoint", proxy.url, "--out", str(built_smaller)],
            env={**os.environ, "NO_PROXY": "127.0.0.1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert proxy.stalled.wait(60), loader.communicate(timeout=5)[1]
        loader.send_signal(signal.SIGKILL)
        loader.wait(10)
    assert graph_sizes(endpoint, STAGING), "the kill should have left staging graphs behind"
    assert snapshot(endpoint) == before  # 0 triples lost, nothing partial visible
    load(endpoint, plan_from_dumps(built_smaller, IDS), IDS)
    assert graph_sizes(endpoint, STAGING) == {}
    assert live_sizes(endpoint, IDS) == expected_sizes(built_smaller)


@pytest.mark.parametrize("when", ["staging", "switch"])
def test_server_killed_mid_load_keeps_previous_graph(tmp_path, built, built_smaller, when):
    """The server dies (SIGKILL) as a request arrives; restarted on its store, it answers as before."""
    location = tmp_path / "store"
    server = OxigraphServer(location, read_only=False).start()
    try:
        endpoint = Endpoint.from_url(server.root, environ={})
        load(endpoint, plan_from_dumps(built[1], IDS), IDS)
        before = snapshot(endpoint)
        holder: list[FaultyProxy] = []

        def decide(n: int, method: str, path: str) -> str:
            hit = is_staging_post(method, path) if when == "staging" else is_switch(method, path, holder[0])
            if hit:
                server.kill()
            return "forward"

        with FaultyProxy(server.root, decide=decide) as proxy:
            holder.append(proxy)
            with pytest.raises(EndpointError):
                load(Endpoint.from_url(proxy.url, timeout=10, environ={}), plan_from_dumps(built_smaller, IDS), IDS)
    finally:
        server.stop()
    with OxigraphServer(location, read_only=False, port=server.port) as again:
        endpoint = Endpoint.from_url(again.root, environ={})
        assert snapshot(endpoint) == before
        load(endpoint, plan_from_dumps(built_smaller, IDS), IDS)
        assert live_sizes(endpoint, IDS) == expected_sizes(built_smaller)
        assert graph_sizes(endpoint, STAGING) == {}


@pytest.mark.parametrize("failing", ["staging", "switch"])
def test_http_error_mid_load_keeps_previous_graph(loaded, built_smaller, failing):
    _, endpoint = loaded
    before = snapshot(endpoint)
    holder: list[FaultyProxy] = []

    def decide(n: int, method: str, path: str) -> str:
        hit = is_staging_post(method, path) if failing == "staging" else is_switch(method, path, holder[0])
        return "fail" if hit else "forward"

    with FaultyProxy(endpoint.query_url.rsplit("/", 1)[0], decide=decide) as proxy:
        holder.append(proxy)
        with pytest.raises(EndpointError, match=r"HTTP 500|injected failure"):
            load(Endpoint.from_url(proxy.url, environ={}), plan_from_dumps(built_smaller, IDS), IDS)
    assert snapshot(endpoint) == before
    load(endpoint, plan_from_dumps(built_smaller, IDS), IDS)
    assert live_sizes(endpoint, IDS) == expected_sizes(built_smaller)


def test_stores_without_dataset_posts_get_one_put_per_graph(oxigraph, built):
    """A store that refuses N-Quads at its Graph Store endpoint still gets a standard load."""
    decide = lambda n, method, path: "unsupported" if is_staging_post(method, path) else "forward"  # noqa: E731
    with FaultyProxy(oxigraph.root, decide=decide) as proxy:
        report = load(Endpoint.from_url(proxy.url, environ={}), plan_from_dumps(built[1], IDS), IDS)
        assert proxy.count("PUT") == report.graphs + 1  # the data graphs and the description
    assert live_sizes(Endpoint.from_url(oxigraph.root, environ={}), IDS) == expected_sizes(built[1])


def test_refuses_a_much_smaller_build(loaded, built, tmp_path):
    _, endpoint = loaded
    plan = plan_from_dumps(built[1], IDS)
    tiny = type(plan)(plan.graphs[:1], plan.description)  # the 945-triple Council document alone
    before = live_sizes(endpoint, IDS)
    with pytest.raises(LoadRefused, match="pass --min-ratio 0"):
        load(endpoint, tiny, IDS)
    assert live_sizes(endpoint, IDS) == before
    load(endpoint, tiny, IDS, min_ratio=0)
    assert sum(live_sizes(endpoint, IDS).values()) == tiny.triples


def test_refuses_an_empty_or_inconsistent_dump(built, tmp_path):
    (tmp_path / "wsis-kg.trig").write_bytes(b"")
    (tmp_path / "void.ttl").write_bytes((built[1] / "void.ttl").read_bytes())
    with pytest.raises(LoadRefused, match="disagree"):
        plan_from_dumps(tmp_path, IDS)
    (tmp_path / "void.ttl").write_bytes(b"")
    with pytest.raises(LoadRefused, match="empty"):
        plan_from_dumps(tmp_path, IDS)
    with pytest.raises(LoadRefused, match="not found"):
        plan_from_dumps(tmp_path / "nowhere", IDS)


def test_empty_put_is_refused_before_sending(oxigraph):
    endpoint = Endpoint.from_url(oxigraph.root, environ={})
    with endpoint.graph_store() as gsp, pytest.raises(EndpointError, match="empty"):
        gsp.put(IDS.graph("reference"), b"  \n")


# -- Oxigraph behaviour the loader relies on (pinned version; these fail if it changes) --------

NT = b'<http://example.org/s> <http://example.org/p> "%d" .\n'


def _count(endpoint: Endpoint, graph: str) -> int:
    return graph_sizes(endpoint, graph).get(graph, 0)


def test_put_whose_body_breaks_mid_way_leaves_the_graph_unchanged(oxigraph):
    endpoint = Endpoint.from_url(oxigraph.root, environ={})
    graph = "http://example.org/g"
    with endpoint.graph_store() as gsp:
        gsp.put(graph, NT % 1 + NT % 2)
    body = b"".join(NT % i for i in range(10, 1000))
    head = (
        f"PUT /store?graph={graph} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/n-triples\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", oxigraph.port)) as raw:  # connection dies half-way
        raw.sendall(head + body[: len(body) // 2])
    with endpoint.graph_store() as gsp, pytest.raises(EndpointError, match="HTTP 400"):
        gsp.put(graph, NT % 3 + b'<http://example.org/s> <http://example.org/p> "unterminated .\n')
    assert _count(endpoint, graph) == 2


def test_one_update_request_is_one_transaction(oxigraph):
    endpoint = Endpoint.from_url(oxigraph.root, environ={})
    with endpoint.graph_store() as gsp:
        gsp.put("http://example.org/a", NT % 1)
    with pytest.raises(EndpointError):
        endpoint.update("DROP GRAPH <http://example.org/a> ; MOVE GRAPH <http://example.org/missing> TO GRAPH <http://example.org/b>")
    assert _count(endpoint, "http://example.org/a") == 1


def test_canned_queries_on_live_graphs_ignore_staging(loaded):
    """A reader of the live dataset never sees what a load is still staging."""
    _, endpoint = loaded
    before = snapshot(endpoint)
    with endpoint.graph_store() as gsp:
        staged = STAGING + "graph/itu/wtdc/res/30/2022"
        gsp.put(
            staged,
            b"<https://w3id.org/wsis-kg/id/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/wsis-kg/ontology#SourceDocument> .\n"
            b"<https://w3id.org/wsis-kg/id/x> <http://data.europa.eu/eli/ontology#cites> <https://w3id.org/wsis-kg/id/y> .\n"
            b"<https://w3id.org/wsis-kg/id/x> <https://w3id.org/wsis-kg/ontology#listingPosition> \"0\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n",
        )
    assert snapshot(endpoint) == before
    assert run_remote(endpoint, get_query("cited-by-document"), dataset="union")[1] != before[1]["cited-by-document"]


@pytest.mark.parametrize("foreign", [
    "http://127.0.0.1:9/elsewhere",                         # another site
    "https://example.org/wsis-kg/graph/reference",          # another dataset base
    f"{IDS.graph('')}itu/../../staging/x",                  # dot-segments out of graph/
    f"{IDS.graph('')}reference?x=1",                        # a query part
])
def test_load_refuses_a_graph_outside_the_dataset_before_staging(oxigraph, built, tmp_path, foreign):
    """A graph listed in void.ttl but outside {base}graph/ was staged, switched live and never
    removed; now the whole load is refused before anything is sent (issue 12, item 5)."""
    out = tmp_path / "forged"
    out.mkdir()
    (out / "wsis-kg.trig").write_bytes((built[1] / "wsis-kg.trig").read_bytes()
                                       + f"\nGRAPH <{foreign}> {{ <urn:x:s> <urn:x:p> <urn:x:o> . }}\n".encode())
    (out / "void.ttl").write_bytes((built[1] / "void.ttl").read_bytes()
                                   + f"\n<{IDS.dataset()}> <http://rdfs.org/ns/void#subset> <{foreign}> .\n"
                                     f"<{foreign}> <http://rdfs.org/ns/void#triples> 1 .\n".encode())
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "load", "--endpoint", oxigraph.root, "--out", str(out)],
                          capture_output=True, text=True, check=False, env={**os.environ, "NO_PROXY": "127.0.0.1"})
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        f"ERROR {out / 'wsis-kg.trig'}: graph <{foreign}> is not a graph of this dataset (every graph must be "
        f"{IDS.graph('')}…, without '.' or '..' segments, '?' or '#'); nothing was loaded. Built with another --base?"
    )
    endpoint = Endpoint.from_url(oxigraph.root, environ={})
    assert endpoint.select("SELECT ?g WHERE { GRAPH ?g { } }")[1] == []  # nothing staged, nothing live


@pytest.mark.parametrize("failing", ["staging", "switch"])
def test_first_load_shows_nothing_to_live_readers_until_its_switch(oxigraph, built, failing, monkeypatch):
    """A first load writes the data graphs under their own names (no reader of the live dataset
    sees a graph its description does not list) and switches by moving the description; broken
    mid-way (the second of several POSTs) or at the switch, the live dataset stays empty and the
    next load completes it."""
    monkeypatch.setattr(load_module, "CHUNK_QUADS", 2_000)
    endpoint = Endpoint.from_url(oxigraph.root, environ={})
    holder: list[FaultyProxy] = []

    def decide(n: int, method: str, path: str) -> str:
        if failing == "staging":
            return "fail" if is_staging_post(method, path) and sum(is_staging_post(m, p) for m, p, _ in holder[0].requests) > 1 else "forward"
        return "fail" if is_switch(method, path, holder[0]) else "forward"

    with FaultyProxy(endpoint.query_url.rsplit("/", 1)[0], decide=decide) as proxy:
        holder.append(proxy)
        with pytest.raises(EndpointError, match=r"HTTP 500|injected failure"):
            load(Endpoint.from_url(proxy.url, environ={}), plan_from_dumps(built[1], IDS), IDS)
    assert live_graphs(endpoint, IDS) == ()  # what `query --dataset live` reads from: no graph is live yet
    report = load(endpoint, plan_from_dumps(built[1], IDS), IDS)
    assert live_sizes(endpoint, IDS) == expected_sizes(built[1])
    assert graph_sizes(endpoint, STAGING) == {}
    assert set(live_graphs(endpoint, IDS)) == set(expected_sizes(built[1]))
    assert report.triples == sum(expected_sizes(built[1]).values())


def test_first_load_moves_only_the_description(oxigraph, built, monkeypatch):
    """Into an empty store nothing is staged but the dataset description: the switch is one MOVE."""
    endpoint = Endpoint.from_url(oxigraph.root, environ={})
    switches: list[str] = []
    original = load_module.switch_update

    def recording(*args, **kwargs) -> str:
        switches.append(original(*args, **kwargs))
        return switches[-1]

    monkeypatch.setattr(load_module, "switch_update", recording)
    load(endpoint, plan_from_dumps(built[1], IDS), IDS)
    assert len(switches) == 1
    assert switches[0].count("MOVE") == 1
    assert f"TO GRAPH <{IDS.dataset()}>" in switches[0]
    assert live_sizes(endpoint, IDS) == expected_sizes(built[1])
