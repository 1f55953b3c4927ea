"""Hostile parameter values: rejected before any query is built; the store stays as it was."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import Variable

from pipeline.errors import QueryError
from pipeline.identifiers import Identifiers
from pipeline.store.load import live_sizes
from pipeline.store.query import CannedQuery, bind, bound_text, list_queries, run, run_remote

IDS = Identifiers()
ID = IDS.id("")
PAYLOADS = [
    'C5" } ; DROP ALL ; #',
    "C5' } ; DROP ALL ; #",
    'C5"^^<http://x> . } DROP ALL #',
    "C5\n} ; CLEAR ALL",
    "C5 ) } ; DROP ALL",
    "C１２",
    "Ｃ５\u0000",
    "2025\" } UNION { ?s ?p ?o",
    "EUR\"@en",
    f"{ID}x> }} ; DROP ALL ; #",
    f"{ID}x>",
    f"{ID}x\"",
    f"{ID}x y",
    f"{ID}x{{",
    "http://evil.example/x",
    "https://w3id.org/wsis-kg/idx",
    "<" + ID + "x>",
    "?code",
    "$code",
    "",
]
PARAMS = [(q, p) for q in list_queries() for p in q.params]


def test_every_parameter_is_covered():
    assert {p.type for _, p in PARAMS} == {"iri", "code", "year", "region", "goal"}


GOOD = {"iri": ID + "x", "code": "C5", "year": "2025", "region": "EUR", "goal": "9"}


def check_bound(query: CannedQuery, name: str, value: str) -> None:
    """Either a QueryError, or the query text with one VALUES row of one well-formed RDF term
    where a known-good value's row goes (``# @values``, or the end), and nothing else changed."""
    try:
        text = bound_text(query, {name: value}, IDS)
    except QueryError:
        return
    typ = next(p.type for p in query.params if p.name == name)
    good = str(bind(query, {name: GOOD[typ]}, IDS)[Variable(name)])
    reference = bound_text(query, {name: GOOD[typ]}, IDS)
    head, tail = reference.split(f"VALUES (?{name}) {{ ({good}) }}", 1)
    assert text.startswith(head + f"VALUES (?{name}) {{ (")
    assert text.endswith(") }" + tail)
    term = text[len(head + f"VALUES (?{name}) {{ (") : len(text) - len(") }" + tail)]
    assert "\n" not in term
    assert (term.startswith(("<" + ID, '"')) and "}" not in term.replace('"', "", 2)[:-1]) or term.startswith("<")


@pytest.mark.parametrize(("query", "param"), PARAMS, ids=[f"{q.name}:{p.name}" for q, p in PARAMS])
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.one_of(st.text(), st.sampled_from(PAYLOADS), st.builds(lambda s: ID + s, st.text())))
def test_random_values_are_rejected_or_bound_as_one_term(query, param, value):
    check_bound(query, param.name, value)


@pytest.mark.parametrize("value", PAYLOADS)
@pytest.mark.parametrize(("query", "param"), PARAMS, ids=[f"{q.name}:{p.name}" for q, p in PARAMS])
def test_known_payloads_are_rejected(query, param, value):
    with pytest.raises(QueryError):
        bound_text(query, {param.name: value}, IDS)


def test_payloads_leave_the_served_store_unchanged(served, store):
    _, endpoint = served
    before = live_sizes(endpoint, IDS), {q.name: sorted(run_remote(endpoint, q, q.required_examples())[1]) for q in list_queries()}
    embedded_before = len(store)
    for query, param in PARAMS:
        for value in PAYLOADS:
            with pytest.raises(QueryError):
                run_remote(endpoint, query, {param.name: value})
            with pytest.raises(QueryError):
                run(store, query, {param.name: value})
    assert (live_sizes(endpoint, IDS), {q.name: sorted(run_remote(endpoint, q, q.required_examples())[1]) for q in list_queries()}) == before
    assert len(store) == embedded_before
