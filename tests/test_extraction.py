"""Extraction compared with expectations written from reading the seed texts."""

from __future__ import annotations

from pipeline.identifiers import Identifiers

IDS = Identifiers()
ID = IDS.id("")


def _short(iri: str) -> str:
    return iri.removeprefix(ID)


def _footnote_citations(ex, marker: str) -> list[str]:
    fn = next(p for p in ex.provisions if p.kind == "footnote" and p.marker == marker)
    return [_short(c.cited.iri) for c in ex.citations if fn.span.start <= c.span.start < fn.span.end]


def test_l33_footnote_1_lists_twenty_unga_resolutions(extraction):
    ex = extraction("un/A/C.2/79/L.33")
    expected = ["56/183", "57/238", "59/220", "60/252", "62/182", "63/202", "64/187", "65/141", "66/184", "67/195", "68/198", "69/204", "70/184", "71/212", "72/200", "73/218", "74/197", "75/202", "76/189", "77/150"]
    assert _footnote_citations(ex, "1") == [f"un/A/RES/{n}" for n in expected]


def test_l33_footnote_2_lists_seventeen_ecosoc_resolutions(extraction):
    ex = extraction("un/A/C.2/79/L.33")
    expected = ["2006/46", "2008/3", "2009/7", "2010/2", "2011/16", "2012/5", "2013/9", "2014/27", "2015/26", "2016/22", "2017/21", "2018/28", "2019/24", "2020/12", "2021/28", "2022/15", "2023/3"]
    assert _footnote_citations(ex, "2") == [f"un/E/RES/{n}" for n in expected]


def test_l33_footnote_citations_take_the_verb_of_the_calling_clause(extraction):
    ex = extraction("un/A/C.2/79/L.33")
    verbs = {c.verb for c in ex.citations if c.cited.iri.endswith("/un/A/RES/56/183")}
    assert verbs == {"回顾"}


def test_l33_other_notations(extraction):
    ex = extraction("un/A/C.2/79/L.33")
    cited = {_short(c.cited.iri): c.cited for c in ex.citations}
    assert "un/A/RES/ES-10/23" in cited
    assert "un/A/RES/217(III)" in cited
    assert "un/A/RES/78/132" in cited
    assert "un/E/RES/2024/13" in cited
    assert cited["un/A/79/62"].alt_symbol == "E/2024/3"
    assert {"un/E/CN.16/2018/CRP.3", "un/A/C.2/59/3", "un/A/60/687", "un/A/74/821", "un/A/75/982",
            "un/A/67/65", "un/A/67/65/Corr.1", "un/E/FFDF/2024/3", "un/E/HLPF/2024/7"} <= set(cited)
    assert "un/A/C.2/79/L.33" not in cited, "a document does not cite itself"


def test_res30_cites_fifteen_instruments(extraction):
    ex = extraction("itu/wtdc/res/30/2022")
    assert {_short(c.cited.iri) for c in ex.citations} == {
        "un/A/RES/70/125", "un/A/RES/70/1", "un/A/RES/76/189",
        "itu/wtdc/res/37/2022", "itu/pp/res/71/2018", "itu/wtdc/res/77/2017",
        "itu/pp/res/130/2018", "itu/pp/res/131/2018", "itu/pp/res/139/2018", "itu/pp/res/140/2018", "itu/pp/res/200/2018",
        "itu/wtsa/res/75/2022", "itu/ra/res/61/2019", "itu/council/res/1332", "itu/council/res/1336",
    }


def test_res30_clause_verbs(extraction):
    ex = extraction("itu/wtdc/res/30/2022")
    by_cited: dict[str, set[str | None]] = {}
    for c in ex.citations:
        by_cited.setdefault(_short(c.cited.iri), set()).add(c.verb)
    assert by_cited["itu/ra/res/61/2019"] == {"顾及"}
    assert by_cited["itu/pp/res/140/2018"] == {"忆及", "责成电信发展局局长", "请秘书长"}


def test_res30_itu_roles(extraction):
    roles = {(r.code, r.role) for r in extraction("itu/wtdc/res/30/2022").roles}
    facilitator = {c for c, r in roles if r == "facilitator"}
    partner = {c for c, r in roles if r == "partner"}
    co = {c for c, r in roles if r == "co-facilitator"}
    assert facilitator == {"C2", "C4", "C5", "C6"}
    assert partner == {"C1", "C3", "C4", "C6", "C7", "C8", "C9", "C11"}
    assert co == {"C11"}


def test_res30_action_line_mentions(extraction):
    codes = {m.code for m in extraction("itu/wtdc/res/30/2022").mentions if m.scheme == "action-line"}
    assert codes == {"C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C11"}


def test_report_annex_has_five_opinions_citing_as_parts(extraction):
    ex = extraction("itu/wtpf/2021/sg-report")
    assert [p.number for p in ex.parts] == [1, 2, 3, 4, 5]
    op1 = IDS.wtpf_opinion(2021, 1)
    assert {_short(c.cited.iri) for c in ex.citations if c.citing == op1} == {
        "un/A/RES/75/202", "un/A/RES/70/1", "itu/pp/res/71/2018", "itu/pp/res/201/2018",
        "itu/wtpf/2013/opinion/2", "itu/pp/res/200/2018",
    }
    body = {_short(c.cited.iri) for c in ex.citations if c.citing == ex.iri}
    assert body == {"itu/pp/res/2/2018", "itu/council/dec/611/2020"}


def test_report_sdg_and_sub_line_mentions(extraction):
    ex = extraction("itu/wtpf/2021/sg-report")
    assert sorted(m.code for m in ex.mentions if m.scheme == "sdg") == ["11", "3", "9"]
    subs = [m for m in ex.mentions if m.scheme == "sub-line"]
    assert [(s.code, s.span.exact, s.container) for s in subs] == [("e-environment", "电子环境保护", IDS.wtpf_opinion(2021, 5))]


def test_council_document_citations(extraction):
    ex = extraction("itu/council/2025/wtdc-25-preparations")
    cited = {_short(c.cited.iri) for c in ex.citations}
    assert {"itu/pp/res/77/2022", "itu/wtdc/res/31/2022", "itu/wtdc/res/1", "itu/council/dec/637/2024",
            "itu/doc/C24/30(Rev.1)", "itu/doc/TDAG-25/18(Rev.1)", "itu/doc/CL-24/61", "itu/doc/CL-23/51",
            "itu/doc/TDAG-24/24"} <= cited


def test_twenty_five_regional_initiatives(extraction):
    ex = extraction("itu/council/2025/wtdc-25-preparations")
    got = {(ri.code, ri.region, ri.meeting, ri.cycle) for ri in ex.initiatives}
    expected = {
        (f"{region}{n}", region, f"rpm-{region.lower()}-2025", "2026-2029")
        for region in ("EUR", "ASP", "AMS", "AFR", "CIS") for n in range(1, 6)
    }
    assert got == expected
    titles = {ri.code: ri.title for ri in ex.initiatives}
    assert titles["EUR1"] == "数字基础设施的发展"
    assert titles["ASP4"] == "促进创新和可持续电信/ICT行业的发展"
    assert titles["CIS5"] == "为发展开发并实施人工智能技术"


def test_arb_priorities_and_meetings(extraction):
    ex = extraction("itu/council/2025/wtdc-25-preparations")
    assert [(p.number, p.region) for p in ex.priorities] == [(n, "ARB") for n in range(1, 7)]
    assert ex.priorities[4].title == "提升阿拉伯世界的网络复原力"
    meetings = {m.slug: m for m in ex.meetings}
    eur = meetings["rpm-eur-2025"]
    assert (str(eur.start), str(eur.end), eur.city, eur.country) == ("2025-02-25", "2025-02-26", "budapest", "hungary")
    cis = meetings["rpm-cis-2025"]
    assert (cis.city, cis.country) == ("bishkek", "kyrgyzstan")
    assert meetings["irm-2-2025"].virtual
    assert str(meetings["irm-2-2025"].start) == "2025-09-29"
    assert str(meetings["wtdc-25"].start) == "2025-11-17"


def test_declaration_states_its_conference(extraction):
    ex = extraction("itu/wtdc/2025/declaration")
    assert [(m.slug, m.city, str(m.end)) for m in ex.meetings] == [("wtdc-25", "baku", "2025-11-28")]
    assert ex.citations == ()


def test_spans_are_exact_evidence(built):
    """Every span's exact text is the source text at those code-point offsets."""
    from pipeline import layout
    from pipeline.sources.documents import read_folder

    texts = {s.entry.key: s.text for s in read_folder(layout.DOCUMENTS)}
    for ex in built[0].extractions:
        text = texts[ex.key]
        records = [*ex.citations, *ex.mentions, *ex.roles, *ex.provisions, *ex.initiatives]
        assert records or ex.key == "itu/wtdc/2025/declaration"
        for r in records:
            assert text[r.span.start:r.span.end] == r.span.exact


def test_l33_paragraph_ending_in_dollar_footnote_call_does_not_swallow_the_next(extraction):
    """Regression: "…各项决议, $^2$" ends its paragraph, so **重申**…第70/1号决议 keeps its own verb."""
    ex = extraction("un/A/C.2/79/L.33")
    verbs = {c.verb for c in ex.citations if c.cited.iri.endswith("/un/A/RES/70/1") and c.span.line == 27}
    assert verbs == {"重申"}
