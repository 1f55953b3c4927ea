"""Talking to any SPARQL 1.1 store over HTTP, the way the standards say.

- Queries and updates go through SPARQLWrapper, always by POST (long GET queries hit URL
  limits), with JSON results and an explicit timeout (SPARQLWrapper has none by default).
- Graph uploads use the SPARQL 1.1 Graph Store HTTP Protocol: ``PUT store_url?graph=IRI``
  with an N-Triples body, over one kept-alive connection (thousands of small graphs would
  otherwise pay a TCP handshake each).
- Credentials come from the environment only (``WSIS_KG_ENDPOINT_USER`` and
  ``WSIS_KG_ENDPOINT_PASSWORD``), never from the command line, where other users of the
  machine can read them in the process list.

Every failure becomes an :class:`EndpointError` naming the URL and what the server said.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import os
import urllib.error
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import quote, urlsplit

from SPARQLWrapper import ASK, JSON, POST, SELECT, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from pipeline.errors import WsisKgError

_R = TypeVar("_R")

log = logging.getLogger(__name__)

ENV_USER = "WSIS_KG_ENDPOINT_USER"
ENV_PASSWORD = "WSIS_KG_ENDPOINT_PASSWORD"
#: What a server may answer before we give up; long enough for a million-triple MOVE.
DEFAULT_TIMEOUT = 120.0


def _set_query(sparql: SPARQLWrapper, text: str, kind: str) -> None:
    """Set a query of a known type (SELECT, ASK) without letting SPARQLWrapper guess it.

    SPARQLWrapper takes the first SPARQL keyword in the text for the query type, in comments
    too (its comment pattern skips every other comment line), so a header such as "# param:
    addressee …" reads as ADD and the query is sent as an update, which the store refuses.
    """
    sparql.setQuery(text)
    sparql.queryType = kind


class EndpointError(WsisKgError):
    """The endpoint is unreachable, timed out, or answered with an error."""


@dataclass(frozen=True)
class Endpoint:
    """Where a SPARQL 1.1 store answers, and how to authenticate to it."""

    query_url: str = field(metadata={"description": "SPARQL query endpoint, e.g. http://127.0.0.1:7878/query"})
    update_url: str = field(metadata={"description": "SPARQL update endpoint (Oxigraph and Fuseki: …/update)"})
    store_url: str = field(metadata={"description": "Graph Store Protocol endpoint (Oxigraph: /store, Fuseki: /DATASET/data)"})
    timeout: float = field(default=DEFAULT_TIMEOUT, metadata={"description": "seconds to wait for any one answer"})
    user: str | None = field(default=None, metadata={"description": "basic-auth user, from $WSIS_KG_ENDPOINT_USER"})
    password: str | None = field(default=None, repr=False, metadata={"description": "basic-auth password, from $WSIS_KG_ENDPOINT_PASSWORD"})

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        update_url: str | None = None,
        store_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        environ: Mapping[str, str] = os.environ,
    ) -> Endpoint:
        """An endpoint from its query URL; update and store URLs default to its siblings.

        ``…/query`` gives ``…/update`` and ``…/store`` (Oxigraph's layout; for Fuseki pass
        ``store_url=…/data``). A bare server root such as ``http://127.0.0.1:7878`` is taken as
        an Oxigraph root.
        """
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EndpointError(f"endpoint must be an http(s) URL, got {url!r}")
        root = url.rstrip("/")
        query_url = root if root.endswith(("/query", "/sparql")) else f"{root}/query"
        parent = query_url.rsplit("/", 1)[0]
        return cls(
            query_url=query_url,
            update_url=update_url or f"{parent}/update",
            store_url=store_url or f"{parent}/store",
            timeout=timeout,
            user=environ.get(ENV_USER) or None,
            password=environ.get(ENV_PASSWORD) or None,
        )

    # -- SPARQL protocol -------------------------------------------------------------------

    def _wrapper(self) -> SPARQLWrapper:
        sparql = SPARQLWrapper(self.query_url, updateEndpoint=self.update_url)
        sparql.setMethod(POST)
        sparql.setTimeout(max(1, round(self.timeout)))
        if self.user:
            sparql.setCredentials(self.user, self.password or "")
        return sparql

    def select(self, text: str, default_graphs: tuple[str, ...] = ()) -> tuple[list[str], list[dict[str, dict]]]:
        """Run a SELECT query: variable names and the JSON bindings of each row.

        ``default_graphs`` become ``default-graph-uri`` parameters: the query's default graph is
        then the merge of exactly those graphs, on any conforming store.
        """
        sparql = self._wrapper()
        _set_query(sparql, text, SELECT)
        sparql.setReturnFormat(JSON)
        for graph in default_graphs:
            sparql.addParameter("default-graph-uri", graph)
        result = self._call(self.query_url, lambda: sparql.query().convert())
        if not isinstance(result, dict) or "head" not in result:
            raise EndpointError(f"{self.query_url}: the answer is not SPARQL JSON results")
        return list(result["head"].get("vars", [])), list(result.get("results", {}).get("bindings", []))

    def ask(self, text: str) -> bool:
        """Run an ASK query."""
        sparql = self._wrapper()
        _set_query(sparql, text, ASK)
        sparql.setReturnFormat(JSON)
        result = self._call(self.query_url, lambda: sparql.query().convert())
        if not isinstance(result, dict) or "boolean" not in result:
            raise EndpointError(f"{self.query_url}: the answer is not a SPARQL JSON boolean")
        return bool(result["boolean"])

    def update(self, text: str) -> None:
        """Run one SPARQL update request (one transaction on Oxigraph and Fuseki)."""
        sparql = self._wrapper()
        sparql.setQuery(text)
        self._call(self.update_url, lambda: sparql.query())

    def _call(self, url: str, request: Callable[[], _R]) -> _R:
        try:
            return request()
        except SPARQLWrapperException as exc:
            raise EndpointError(f"{url}: {str(exc).strip()}") from None
        except urllib.error.HTTPError as exc:
            raise EndpointError(f"{url}: HTTP {exc.code} {exc.reason}: {_body(exc)}") from None
        except urllib.error.URLError as exc:
            raise EndpointError(f"{url}: unreachable ({exc.reason})") from None
        except TimeoutError:
            raise EndpointError(f"{url}: no answer within {self.timeout:g} s") from None
        except (ConnectionError, http.client.HTTPException, json.JSONDecodeError) as exc:
            raise EndpointError(f"{url}: {type(exc).__name__}: {exc}") from None

    # -- Graph Store Protocol --------------------------------------------------------------

    def graph_store(self) -> GraphStoreClient:
        """A client for PUTting graphs over one kept-alive connection; use it as a context."""
        return GraphStoreClient(self)

    def auth_header(self) -> dict[str, str]:
        if not self.user:
            return {}
        token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode("ascii")
        return {"Authorization": f"Basic {token}"}


class GraphStoreClient:
    """``PUT``s whole graphs; reconnects once if the server closed an idle connection."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self._parts = urlsplit(endpoint.store_url)
        self._conn: http.client.HTTPConnection | None = None

    def __enter__(self) -> GraphStoreClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            cls = http.client.HTTPSConnection if self._parts.scheme == "https" else http.client.HTTPConnection
            self._conn = cls(self._parts.hostname or "", self._parts.port, timeout=self.endpoint.timeout)
        return self._conn

    def put(self, graph: str, body: bytes, content_type: str = "application/n-triples") -> None:
        """Replace ``graph`` with ``body``. Callers must never send an empty body: Oxigraph
        answers an empty PUT with 2xx and an empty graph."""
        if not body.strip():
            raise EndpointError(f"refusing to PUT an empty body to graph <{graph}>")
        status, text = self._send("PUT", f"graph={quote(graph, safe='')}", body, content_type, f"graph <{graph}>")
        if status >= 300:
            raise EndpointError(f"{self.endpoint.store_url}: HTTP {status} for graph <{graph}>: {text}")

    def post_dataset(self, body: bytes, *, bulk: bool = False) -> bool:
        """Add N-Quads to the store's dataset in one request; False if the store does not take
        datasets at its Graph Store endpoint (an extension Oxigraph and Fuseki implement).

        ``bulk`` asks Oxigraph to load without a transaction (``?no_transaction``: its bulk
        loader, several times faster; a failure may leave part of the body written), for data
        no reader sees yet. Other stores ignore the parameter."""
        status, text = self._send("POST", "no_transaction&lenient" if bulk else "", body, "application/n-quads", "the dataset")
        if status in (400, 405, 406, 415):
            return False
        if status >= 300:
            raise EndpointError(f"{self.endpoint.store_url}: HTTP {status} for the dataset: {text}")
        return True

    def _send(self, method: str, query: str, body: bytes, content_type: str, what: str) -> tuple[int, str]:
        path = self._parts.path or "/"
        params = "&".join(p for p in (self._parts.query, query) if p)
        target = f"{path}?{params}" if params else path
        headers = {"Content-Type": content_type, "Content-Length": str(len(body)), **self.endpoint.auth_header()}
        for attempt in (1, 2):
            try:
                conn = self._connection()
                conn.request(method, target, body=body, headers=headers)
                response = conn.getresponse()
                text = response.read()
                return response.status, text.decode("utf-8", "replace").strip()[:300]
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self.close()
                if attempt == 2:
                    raise EndpointError(f"{self.endpoint.store_url}: connection lost while sending {what} ({exc})") from None
            except TimeoutError:
                self.close()
                raise EndpointError(f"{self.endpoint.store_url}: no answer within {self.endpoint.timeout:g} s for {what}") from None
            except OSError as exc:
                self.close()
                raise EndpointError(f"{self.endpoint.store_url}: unreachable ({exc})") from None
        raise AssertionError("unreachable")


def _body(exc: urllib.error.HTTPError) -> str:
    try:
        return exc.read().decode("utf-8", "replace").strip()[:300]
    except Exception:
        return ""
