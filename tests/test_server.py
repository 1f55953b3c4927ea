"""The real Oxigraph server: `wsis-kg serve`, and every canned query over HTTP equals embedded."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from pipeline.store.endpoint import Endpoint, EndpointError
from pipeline.store.query import bound_text, get_query, list_queries, run, run_remote
from pipeline.store.server import free_port

ID = "https://w3id.org/wsis-kg/id/"
#: Parameter values the embedded tests use, so the HTTP comparison covers bound queries too.
PARAMS = {
    "cited-by-document": {"doc": ID + "itu/wtdc/res/30/2022"},
    "citing-instrument": {"work": ID + "itu/pp/res/71"},
    "itu-roles": {"code": "C11"},
    "action-lines-per-document": {"code": "C5"},
    "regional-initiatives": {"region": "EUR"},
    "events-timeline": {"year": "2025"},
    "sdgs-per-document": {"goal": "9"},
}
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def post_query(url: str, text: str) -> dict:
    """What `curl -X POST --data-urlencode query=… -H 'Accept: application/sparql-results+json'` does."""
    data = urllib.parse.urlencode({"query": text}).encode()
    request = urllib.request.Request(url, data=data, headers={"Accept": "application/sparql-results+json"})
    with NO_PROXY.open(request, timeout=30) as response:
        return json.load(response)


def as_rows(result: dict) -> list[tuple[str, ...]]:
    names = result["head"]["vars"]
    return [tuple(b[n]["value"] if n in b else "" for n in names) for b in result["results"]["bindings"]]


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
@pytest.mark.parametrize("bound", [False, True], ids=["all", "bound"])
def test_canned_query_same_over_http_as_embedded(store, served, name, bound):
    values = PARAMS.get(name, {}) if bound else get_query(name).required_examples()
    if bound and not values:
        pytest.skip(f"{name} has no parameter")
    _, endpoint = served
    query = get_query(name)
    embedded = run(store, query, values)
    for dataset in ("live", "union"):
        remote = run_remote(endpoint, query, values, dataset=dataset)
        assert remote[0] == embedded[0]
        assert sorted(remote[1]) == sorted(embedded[1]), f"{name} ({dataset}) differs over HTTP"
        assert remote[1], f"{name} returned nothing: the comparison would prove nothing"


def test_serve_answers_curl_like_clients_as_embedded_and_stops_cleanly(built, store, tmp_path):
    """`wsis-kg serve` in one process, a plain HTTP POST from another: the same rows."""
    out, location, port = built[1], tmp_path / "store", free_port()
    command = [sys.executable, "-m", "pipeline.cli", "serve", "--out", str(out), "--store", str(location), "--port", str(port)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}

    def serve() -> tuple[subprocess.Popen, str]:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert process.stdout is not None
        assert process.stderr is not None
        first = process.stdout.readline()
        assert first.startswith("SPARQL endpoint: "), first + process.stderr.read()
        return process, first.split(": ", 1)[1].strip()

    process, url = serve()
    try:
        assert url == f"http://127.0.0.1:{port}/query"
        query = get_query("itu-roles")
        text = bound_text(query, {"code": "C11"})
        assert sorted(as_rows(post_query(url, text))) == sorted(run(store, query, {"code": "C11"})[1])
        # people's endpoint is read-only: an update is refused and changes nothing
        update = urllib.request.Request(url.replace("/query", "/update"), data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            NO_PROXY.open(update, timeout=10)
        assert refused.value.code == 403
        assert as_rows(post_query(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))[0][0] != "0"
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        assert process.wait(30) == 0
    with pytest.raises(EndpointError, match="unreachable"):
        Endpoint.from_url(url, timeout=2, environ={}).ask("ASK {}")
    # a second serve reuses the store instead of loading it again
    process, url = serve()
    try:
        assert as_rows(post_query(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))[0][0] != "0"
    finally:
        process.terminate()
        _, log = process.communicate(timeout=30)
    assert "reusing it" in log
    assert process.returncode == 0


def test_server_side_timeout_is_set(served):
    server, _ = served
    args = server.process.args
    assert args[args.index("--timeout-s") + 1] == "30"
    assert args[args.index("--bind") + 1].startswith("127.0.0.1:")


def test_unreachable_endpoint_is_a_clear_error():
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(EndpointError, match=rf"{url}: unreachable"):
        run_remote(Endpoint.from_url(url, timeout=2, environ={}), get_query("most-cited"))


def test_failing_query_names_the_endpoint(served):
    _, endpoint = served
    with pytest.raises(EndpointError, match=endpoint.query_url):
        endpoint.select("SELECT * WHERE { this is not sparql }")


def test_endpoint_that_never_answers_times_out(oxigraph):
    from http_faults import FaultyProxy

    with FaultyProxy(oxigraph.root, decide=lambda n, m, p: "stall") as proxy:
        started = time.monotonic()
        with pytest.raises(EndpointError, match=r"no answer within 1 s|timed out"):
            Endpoint.from_url(proxy.url, timeout=1, environ={}).select("SELECT * WHERE { ?s ?p ?o }")
        assert time.monotonic() - started < 10


def test_credentials_come_from_the_environment_only(oxigraph, capsys):
    from http_faults import FaultyProxy

    from pipeline.cli import parser

    env = {"WSIS_KG_ENDPOINT_USER": "analyst", "WSIS_KG_ENDPOINT_PASSWORD": "s3cret"}
    with FaultyProxy(oxigraph.root) as proxy:
        endpoint = Endpoint.from_url(proxy.url, environ=env)
        endpoint.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
        with endpoint.graph_store() as gsp:
            gsp.put("http://example.org/g", b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n")
    assert [h.get("Authorization") for _, _, h in proxy.requests] == ["Basic YW5hbHlzdDpzM2NyZXQ="] * 2
    assert "s3cret" not in repr(endpoint)
    for command in ("load", "query"):
        with pytest.raises(SystemExit):
            parser().parse_args([command, "--help"])
        helptext = capsys.readouterr().out
        assert "--endpoint" in helptext
        assert "password" not in helptext.replace("WSIS_KG_ENDPOINT_PASSWORD", "")


def test_fuseki_style_endpoints_are_derived_or_given():
    e = Endpoint.from_url("http://127.0.0.1:3030/ds/query", store_url="http://127.0.0.1:3030/ds/data", environ={})
    assert (e.query_url, e.update_url, e.store_url) == (
        "http://127.0.0.1:3030/ds/query",
        "http://127.0.0.1:3030/ds/update",
        "http://127.0.0.1:3030/ds/data",
    )
    o = Endpoint.from_url("http://127.0.0.1:7878", environ={})
    assert (o.query_url, o.update_url, o.store_url) == ("http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update", "http://127.0.0.1:7878/store")
    with pytest.raises(EndpointError):
        Endpoint.from_url("file:///etc/passwd", environ={})


def test_build_is_needed_before_serving(tmp_path: Path):
    from pipeline.cli import main

    assert main(["serve", "--out", str(tmp_path / "nothing"), "--store", str(tmp_path / "s")]) == 2


def test_comment_words_do_not_make_a_select_an_update(served):
    """Regression: SPARQLWrapper read "addressee" in a header comment as ADD and sent the query
    as an update (Oxigraph: "expected VERSION"); select() now says it is a SELECT."""
    _, endpoint = served
    names, rows = endpoint.select("# param: addressee iri\n# note: drop, load, copy\nSELECT (1 AS ?one) WHERE {}\n")
    assert names == ["one"]
    assert rows[0]["one"]["value"] == "1"
