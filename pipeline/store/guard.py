"""SPARQL text → refused if it could make the store reach the network (SERVICE), else accepted.

Oxigraph (server and pyoxigraph) executes ``SERVICE <url>`` against any address, loopback and
private networks included, and cannot be told not to. So every query this project runs or
serves is parsed first, with rdflib's SPARQL 1.1 parser, and refused if its syntax tree holds
a ``ServiceGraphPattern`` anywhere (nested groups, OPTIONAL, EXISTS, sub-queries, ``SERVICE
SILENT ?var``…). Parsing, not string matching: ``\\u0053ERVICE`` or a lower-case ``service``
are found, and a literal "SERVICE" is not. A query rdflib cannot parse is refused as well
(fail closed): the gateway never forwards what it could not check.

Queries only: updates are never accepted by the served endpoint (``LOAD <url>`` is an update).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pipeline.errors import QueryError


class NotLocal(QueryError):
    """The query names a remote service (or cannot be checked); it is never run."""


SERVICE_REFUSED = "SERVICE (federated query) is not allowed: queries here read this store only, never another address"


def require_local(text: str) -> None:
    """Raise NotLocal if ``text`` is not a SPARQL 1.1 query free of SERVICE clauses.

    Raises NotLocal with ``SERVICE_REFUSED``, or "not a SPARQL 1.1 query (…)" with the
    parser's position when rdflib cannot parse it.
    """
    verdict = _verdict(text)
    if verdict is not None:
        raise NotLocal(verdict)


@lru_cache(maxsize=256)
def _verdict(text: str) -> str | None:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(text)
    except ParseException as exc:
        return f"not a SPARQL 1.1 query ({exc.msg} at line {exc.lineno}, column {exc.col})"
    except Exception as exc:  # rdflib raises a few other kinds on odd input (bad escapes, prefixes)
        return f"not a SPARQL 1.1 query ({type(exc).__name__}: {exc})"
    return SERVICE_REFUSED if _has_service(tree) else None


def _has_service(node: Any) -> bool:
    """Depth-first search of rdflib's parse tree (CompValue dicts and ParseResults lists)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        x = stack.pop()
        if isinstance(x, CompValue):
            if x.name == "ServiceGraphPattern":
                return True
            stack.extend(x.values())
        elif isinstance(x, dict):
            stack.extend(x.values())
        elif isinstance(x, list | tuple) or hasattr(x, "asList"):
            stack.extend(x)
    return False
