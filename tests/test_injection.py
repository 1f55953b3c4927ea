"""Hostile parameter values: rejected before any query is built; the store stays as it was."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import QueryError
from pipeline.identifiers import Identifiers
from pipeline.store.load import live_sizes
from pipeline.store.query import CannedQuery, bound_text, list_queries, run, run_remote

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


def check_bound(query: CannedQuery, name: str, value: str) -> None:
    """Either a QueryError, or exactly one VALUES row of one well-formed RDF term, appended or
    in place of the query's ``# params`` line (nothing else of the text changes)."""
    try:
        text = bound_text(query, {name: value}, IDS)
    except QueryError:
        return
    before = query.text.rstrip().split("\n")
    if "# params" in (line.strip() for line in before):
        after = text.rstrip("\n").split("\n")
        assert len(after) == len(before)
        assert text.endswith("\n")
        changed = [(b, a) for b, a in zip(before, after, strict=False) if b != a]
        assert len(changed) == 1
        assert changed[0][0].strip() == "# params"
        tail = "\n" + changed[0][1].strip() + "\n"
    else:
        tail = text[len(query.text.rstrip()) :]
    assert tail.count("\n") == 2
    assert tail.startswith(f"\nVALUES (?{name}) {{ (")
    term = tail[len(f"\nVALUES (?{name}) {{ (") : -len(") }\n")]
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
    before = live_sizes(endpoint, IDS), {q.name: sorted(run_remote(endpoint, q)[1]) for q in list_queries()}
    embedded_before = len(store)
    for query, param in PARAMS:
        for value in PAYLOADS:
            with pytest.raises(QueryError):
                run_remote(endpoint, query, {param.name: value})
            with pytest.raises(QueryError):
                run(store, query, {param.name: value})
    assert (live_sizes(endpoint, IDS), {q.name: sorted(run_remote(endpoint, q)[1]) for q in list_queries()}) == before
    assert len(store) == embedded_before
