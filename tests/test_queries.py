"""Every canned query has a test with answers read off the texts."""

from __future__ import annotations

import pytest

from pipeline.errors import QueryError
from pipeline.store.query import bound_text, get_query, list_queries, run

ID = "https://w3id.org/wsis-kg/id/"


def rows(store, name, **params):
    return run(store, get_query(name), params)[1]


def test_every_query_describes_itself_and_is_tested():
    tested = {name.removeprefix("test_").replace("_", "-") for name in globals() if name.startswith("test_")}
    for q in list_queries():
        assert q.title
        assert q.description
        assert q.name in tested, f"add test_{q.name.replace('-', '_')} to tests/test_queries.py"


def test_cited_by_document(store):
    got = {r[1] for r in rows(store, "cited-by-document", doc=ID + "itu/wtdc/res/30/2022")}
    # 15 instruments cited by number, and 8 more by name (Tunis Agenda and its paragraph 27, ...)
    assert len(got) == 23
    assert {ID + "itu/ra/res/61/2019", ID + "wsis/tunis-agenda/para/27"} <= got


def test_citing_instrument(store):
    got = {(r[1], r[2]) for r in rows(store, "citing-instrument", work=ID + "itu/pp/res/71")}
    assert got == {
        (ID + "itu/wtdc/res/30/2022", ID + "itu/pp/res/71/2018"),
        *((ID + f"itu/wtpf/2021/opinion/{n}", ID + "itu/pp/res/71/2018") for n in (1, 3, 4)),
        (ID + "itu/council/2025/wtdc-25-preparations", ID + "itu/pp/res/71"),  # 与《战略规划》的关联: the work
    }


def test_itu_roles(store):
    got = {(r[1], r[2].removeprefix(ID)) for r in rows(store, "itu-roles", code="C11")}
    assert got == {("CoFacilitator", "itu/wtdc/res/30/2022"), ("Partner", "itu/wtdc/res/30/2022")}


def test_action_lines_per_document(store):
    got = {(r[0].removeprefix(ID), r[1]) for r in rows(store, "action-lines-per-document", code="C5")}
    # 003 names C5 only inside draft Opinion 2 (认识到 j) and 请… 1), not in the report body
    assert got == {("itu/wtdc/res/30/2022", "C5"), ("itu/wtpf/2021/opinion/2", "C5")}


def test_regional_initiatives(store):
    got = rows(store, "regional-initiatives", region="EUR")
    assert [r[1] for r in got] == ["EUR1", "EUR2", "EUR3", "EUR4", "EUR5"]
    assert {(r[4], r[5]) for r in got} == {("Budapest", "2025-02-25")}


def test_events_timeline(store):
    got = [r[0].removeprefix(ID + "event/") for r in rows(store, "events-timeline", year="2025")]
    assert got[:6] == ["rpm-arb-2025", "rpm-eur-2025", "rpm-asp-2025", "rpm-ams-2025", "rpm-afr-2025", "rpm-cis-2025"]
    assert got[-1] == "wtdc-25"


def test_most_cited(store):
    top = rows(store, "most-cited")
    assert top[0][0] == ID + "un/A/RES/70/1"  # cited by 001, 002 and five WTPF opinions
    assert (top[0][1], top[0][2]) == ("7", "42")  # 7 by number, 35 as the 2030 Agenda


def test_sdgs_per_document(store):
    got = {(r[0].removeprefix(ID), r[1]) for r in rows(store, "sdgs-per-document")}
    assert got == {("itu/wtpf/2021/opinion/5", "3"), ("itu/wtpf/2021/opinion/5", "9"), ("itu/wtpf/2021/opinion/5", "11")}


@pytest.mark.parametrize("value", ['C5" } ; DROP ALL ; #', "C12", "c5", "<http://x>", ID + "x> } #"])
def test_hostile_parameters_are_rejected(store, value):
    before = len(store)
    with pytest.raises(QueryError):
        rows(store, "itu-roles" if not value.startswith(ID) else "cited-by-document", **({"code": value} if not value.startswith(ID) else {"doc": value}))
    assert len(store) == before


PARAMS = {"cited-by-document": {"doc": ID + "itu/wtdc/res/30/2022"}, "citing-instrument": {"work": ID + "itu/pp/res/71"},
          "itu-roles": {"code": "C5"}, "action-lines-per-document": {"code": "C5"}, "regional-initiatives": {"region": "EUR"},
          "events-timeline": {"year": "2022"}, "sdgs-per-document": {"goal": "9"}}


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_build_store_answers_as_the_trig_dump(store, trig_store, name):
    """The build's on-disk store (dist/oxigraph/) and the TriG dump give the same rows."""
    for values in ({}, PARAMS.get(name, {})):
        query = get_query(name)
        assert run(store, query, values) == run(trig_store, query, values), f"{name} {values}"


def test_listings_page_by_documents(store):
    """Page 1 and page 2 of a listing are disjoint, and all pages together are the full listing."""
    query = get_query("cited-by-document")
    full = run(store, query, limit=0)[1]
    pages = [run(store, query, limit=2, offset=k)[1] for k in (0, 2, 4, 6)]
    assert {r[0] for r in pages[0]}.isdisjoint({r[0] for r in pages[1]})
    assert sorted(r for page in pages for r in page) == sorted(full)
    assert [r[0] for page in pages for r in page] == [r[0] for r in full]  # IRI order, page after page


def test_paging_a_query_that_does_not_page_is_an_error():
    with pytest.raises(QueryError, match="does not page"):
        bound_text(get_query("events-timeline"), {}, limit=5)
    with pytest.raises(QueryError, match="with a parameter"):
        bound_text(get_query("citing-instrument"), {"work": ID + "itu/pp/res/71"}, offset=10)


def test_parameters_bind_where_the_query_says(store):
    """A parameter is bound at the start of the pattern (# @values), where the store starts from it."""
    text = bound_text(get_query("itu-roles"), {"code": "C5"})
    assert 'VALUES (?code) { ("C5") }' in text.split("WHERE {", 1)[1].split("SELECT ?doc", 1)[0]
