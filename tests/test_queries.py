"""Every canned query has a test with answers read off the texts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from pipeline import layout
from pipeline.build import build
from pipeline.errors import QueryError
from pipeline.identifiers import Identifiers
from pipeline.store.query import bound_text, get_query, list_queries, open_store, run

ID = "https://w3id.org/wsis-kg/id/"
HISTORY = Path(__file__).parent / "corpus" / "history"


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
    query = get_query(name)
    for values in (query.required_examples(), {**query.required_examples(), **PARAMS.get(name, {})}):
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


# ------------------------------------------------------------------ mandates, bodies, versions (issue 9)
def test_mandates_by_addressee(store):
    """The flagship: what the BDT Director is instructed to do in WTDC Resolution 30, with evidence."""
    got = rows(store, "mandates-by-addressee", addressee=ID + "org/bdt-director", doc=ID + "itu/wtdc/res/30/2022")
    # 责成电信发展局局长 1–5, then 进一步责成电信发展局局长 1–9; none of these items names an action line
    assert [(r[2], r[3], r[4]) for r in got] == [*((str(n), "instructs", "责成") for n in range(1, 6)),
                                                 *((str(n), "instructs", "进一步责成") for n in range(1, 10))]
    assert {r[5] for r in got} == {""}
    assert got[0][6].startswith("1 继续向CWG-WSIS&SDG提供有关ITU-D开展落实WSIS成果")
    assert "ii) 参与培训研讨会的组织工作；" in got[5][6]  # 进一步责成 1 with the functions it lists
    # per action line where the text names one: the calls upon Member States &c. in 2 名 C5
    calls = rows(store, "mandates-by-addressee", addressee=ID + "org/itu-member-states", doc=ID + "itu/wtdc/res/30/2022")
    assert [(r[2], r[3], r[5]) for r in calls if r[5]] == [("2", "calls-upon", "C5")]


def test_mandates_per_action_line(store):
    got = {(r[1], r[2].removeprefix(ID), r[3], r[4].removeprefix(ID)) for r in rows(store, "mandates-per-action-line", code="C5", since="2022")}
    four = ("itu-member-states", "itu-sector-members", "itu-associates", "itu-academia")
    assert got == {("2022", "org/itu-d", "requests", "itu/wtdc/res/30/2022"),  # 做出决议，请ITU-D 8 (C5) and 11 (its i) lists C5)
                   *(("2022", f"org/{a}", "calls-upon", "itu/wtdc/res/30/2022") for a in four)}  # 呼吁… 2 根据WSIS的C5行动方面
    assert len(rows(store, "mandates-per-action-line", code="C5", since="2022")) == 2 + 4
    since_2021 = {r[4].removeprefix(ID) for r in rows(store, "mandates-per-action-line", code="C5", since="2021")}
    assert since_2021 == {"itu/wtdc/res/30/2022", "itu/wtpf/2021/opinion/2"}  # Opinion 2: 请成员国、部门成员… 1 …C5
    assert rows(store, "mandates-per-action-line", code="C5", since="2023") == []


def test_reporting_obligations(store):
    owed = rows(store, "reporting-obligations", body=ID + "org/unga", addressee=ID + "org/un-secretary-general")
    # L.33 66: 请秘书长…通过科学和技术促进发展委员会和经济及社会理事会向大会第八十届会议提出…报告 … 年度报告
    assert {(r[3].removeprefix(ID), r[4].removeprefix(ID), r[5], r[7].rsplit("/", 1)[-1]) for r in owed} == {
        ("un/A/C.2/79/L.33", "org/cstd", "大会第八十届会议", "ANNUAL"), ("un/A/C.2/79/L.33", "org/ecosoc", "大会第八十届会议", "ANNUAL")}
    to_sg = rows(store, "reporting-obligations", body=ID + "org/itu-secretary-general")
    assert [(r[1].removeprefix(ID), r[2]) for r in to_sg] == [("org/bdt-director", "instructs")]  # 8 向国际电联秘书长的年度相关报告提交…
    to_pp = rows(store, "reporting-obligations", body=ID + "org/itu-pp")
    assert [(r[1].removeprefix(ID), r[5], r[6].removeprefix(ID)) for r in to_pp] == [("org/itu-d", "下届全权代表大会", "event/pp-22")]


def test_documents_mentioning_body(store):
    got = {(r[1].removeprefix(ID), r[2]) for r in rows(store, "documents-mentioning-body", body=ID + "org/cstd")}
    assert got == {("un/A/C.2/79/L.33", "9")}  # 科学和技术促进发展委员会, nine times, only in L.33
    igf = rows(store, "documents-mentioning-body", body=ID + "org/igf")
    assert [(r[1].removeprefix(ID), r[4]) for r in igf] == [("un/A/C.2/79/L.33", "互联网治理论坛")]
    tdag = {r[1].removeprefix(ID) for r in rows(store, "documents-mentioning-body", body=ID + "org/tdag")}
    assert tdag == {"itu/wtdc/res/30/2022", "itu/council/2025/wtdc-25-preparations"}  # 电信发展顾问组（TDAG）; TDAG-24 is not a mention


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """The real WTDC Resolution 30 (2022) with a made-up earlier version (tests/corpus/history)."""
    docs = tmp_path_factory.mktemp("history")
    manifest = yaml.safe_load((layout.DOCUMENTS / "manifest.yaml").read_text(encoding="utf-8"))
    res30 = next(d for d in manifest["documents"] if d["key"] == "itu/wtdc/res/30/2022")
    shutil.copy(layout.DOCUMENTS / res30["file"], docs / res30["file"])
    shutil.copy(HISTORY / "res30-2017-test.txt", docs / "res30-2017-test.txt")
    earlier = {"file": "res30-2017-test.txt", "key": "itu/wtdc/res/30/2017", "kind": "resolution", "language": "zh",
               "title_zh": "测试用：第30号决议的早期版本", "title_en": "Test only: an earlier version of Resolution 30",
               "adopted_by": "wtdc-17"}
    (docs / "manifest.yaml").write_text(yaml.safe_dump({"documents": [res30, earlier]}, allow_unicode=True), encoding="utf-8")
    out = tmp_path_factory.mktemp("history-dist") / "dist"
    build(docs, out, Identifiers())
    return open_store(out / "wsis-kg.trig")


def test_duplicate_mandates(history):
    got = rows(history, "duplicate-mandates", addressee=ID + "org/bdt-director")
    by_pair = {(r[7].removeprefix(ID), r[8].removeprefix(ID)): float(r[2]) for r in got}
    repeat = by_pair[("itu/wtdc/res/30/2017/provision/2/mandate/1", "itu/wtdc/res/30/2022/provision/44/mandate/1")]
    assert repeat == 1.0  # 1 继续向CWG-WSIS&SDG提供…的全面总结, word for word
    topic = by_pair[("itu/wtdc/res/30/2017/provision/3/mandate/1", "itu/wtdc/res/30/2022/provision/44/mandate/1")]
    assert 0 < topic < 0.5  # 2 就落实WSIS成果和《2030年可持续发展议程》组织区域培训研讨会: the topic, not the request
    ranked = [(r[7].removeprefix(ID), r[8].removeprefix(ID)) for r in got]
    assert ranked[0] == ("itu/wtdc/res/30/2017/provision/2/mandate/1", "itu/wtdc/res/30/2022/provision/44/mandate/1")
    assert all(r[3] != r[4] for r in got), "pairs are across documents"


def test_work_versions(history, store):
    got = [(r[1].removeprefix(ID), r[2], r[3].removeprefix(ID)) for r in rows(history, "work-versions", work=ID + "itu/wtdc/res/30")]
    assert [v for v, _, _ in got] == ["itu/wtdc/res/30/2017", "itu/wtdc/res/30/2022"]
    assert [(y, c) for _, y, c in got] == [("2017", "event/wtdc-17"), ("2022", "event/wtdc-22")]
    pp71 = [(r[1].removeprefix(ID), r[4].removeprefix(ID)) for r in rows(history, "work-versions", work=ID + "itu/pp/res/71")]
    assert pp71 == [("itu/pp/res/71/2014", "itu/wtdc/res/30/2017"), ("itu/pp/res/71/2018", "itu/wtdc/res/30/2022")]
    seeds = {(r[1].removeprefix(ID), r[4].removeprefix(ID)) for r in rows(store, "work-versions", work=ID + "itu/pp/res/71")}
    assert seeds == {("itu/pp/res/71/2018", d) for d in ("itu/wtdc/res/30/2022", *(f"itu/wtpf/2021/opinion/{n}" for n in (1, 3, 4)))}
