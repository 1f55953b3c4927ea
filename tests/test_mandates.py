"""Clause-verb concepts and mandates, compared with what the seed texts say (read by hand).

Every expectation below was written from the text of seeds/documents/* before looking at the
extractor's output; the comments quote the words it rests on.
"""

from __future__ import annotations

from collections import Counter

import pytest

from pipeline.identifiers import Identifiers

IDS = Identifiers()
ID = IDS.id("")
RES30 = "itu/wtdc/res/30/2022"
L33 = "un/A/C.2/79/L.33"
COUNCIL = "itu/council/2025/wtdc-25-preparations"
DECL = "itu/wtdc/2025/declaration"
WTPF = "itu/wtpf/2021/sg-report"


def _by_heading(ex, verb: str):
    """Mandates of the items under one ITU heading, as (item marker, k, verb, addressee)."""
    return [(ex.provisions[m.provision].marker, m.sequence, m.verb, m.addressee)
            for m in ex.mandates if ex.provisions[m.provision].verb == verb]


# ------------------------------------------------------------------ clause-verb concepts
def test_further_forms_are_the_same_concept_marked_further(extraction):
    ex = extraction(L33)
    p = next(p for p in ex.provisions if p.span.exact.startswith("**又回顾**经济及社会理事会"))
    assert (p.verb, p.verb_concept, p.further) == ("又回顾", "recalling", True)
    p = next(p for p in ex.provisions if p.marker == "19" and p.kind == "operative")  # **还促请**国际社会
    assert (p.verb_concept, p.further) == ("urges", True)
    p = next(p for p in ex.provisions if p.marker == "9" and p.kind == "operative")  # **再次**呼吁支持…
    assert (p.verb, p.verb_concept, p.further) == ("再次", "calls-upon", True)


def test_preambular_and_operative_readings_of_one_word(extraction):
    ex = extraction(L33)
    preamble = next(p for p in ex.provisions if p.kind == "preamble" and p.span.exact.startswith("**重申**其题为"))
    operative = next(p for p in ex.provisions if p.kind == "operative" and p.marker == "58")  # 58. **重申**
    assert (preamble.verb_concept, operative.verb_concept) == ("reaffirming", "reaffirms")


def test_res30_heading_verbs(extraction):
    got = {(p.verb, p.verb_concept, p.further) for p in extraction(RES30).provisions if p.verb}
    assert {("忆及", "recalling", False), ("进一步认识到", "recognizing", True), ("顾及", "taking-into-account", False),
            ("责成电信发展局局长", "instructs", False), ("进一步责成电信发展局局长", "instructs", True),
            ("请成员国、部门成员、部门准成员和学术成员", "invites", False), ("请秘书长", "requests", False),
            ("呼吁成员国、部门成员、部门准成员和学术成员", "calls-upon", False)} <= got


def test_citations_carry_the_concept_of_their_clause(extraction):
    ex = extraction(RES30)
    got = {(c.verb, c.verb_concept) for c in ex.citations if c.cited.iri.endswith("/itu/pp/res/140/2018")}
    # 忆及 l) …第140号决议; 责成… 2 根据第140号决议; 请秘书长 …审议第140号决议
    assert got == {("忆及", "recalling"), ("责成电信发展局局长", "instructs"), ("请秘书长", "requests")}
    ex = extraction(L33)
    footnoted = {c.verb_concept for c in ex.citations if c.cited.iri.endswith("/un/A/RES/56/183")}
    assert footnoted == {"recalling"}  # footnote 1 is called by 回顾其关于…的各项决议


def test_every_provision_with_a_heading_verb_has_a_concept(extraction):
    for key in (RES30, L33, DECL, WTPF, COUNCIL):
        ex = extraction(key)
        missing = [p.verb for p in ex.provisions if p.verb and p.kind != "footnote" and not p.verb_concept]
        assert not missing, f"{key}: add these forms to seeds/reference/clause-verbs.yaml: {missing}"


# ------------------------------------------------------------------ WTDC Resolution 30
def test_res30_instructs_the_bdt_director(extraction):
    ex = extraction(RES30)
    # 责成电信发展局局长 1–5, then 进一步责成电信发展局局长 1–9 (i)–vi) are parts of items 1, 7 and 9)
    assert [(m, v, a) for m, _, v, a in _by_heading(ex, "责成电信发展局局长")] == [(str(n), "instructs", "bdt-director") for n in range(1, 6)]
    further = [m for m in ex.mandates if ex.provisions[m.provision].verb == "进一步责成电信发展局局长"]
    assert [ex.provisions[m.provision].marker for m in further] == [str(n) for n in range(1, 10)]
    assert {(m.verb, m.addressee, m.further, m.verb_text) for m in further} == {("instructs", "bdt-director", True, "进一步责成")}
    item1 = further[0]
    assert item1.span.exact.startswith("1 作为在各方之间建立合作伙伴关系的催化剂")
    assert item1.span.exact.endswith("开展举措和项目合作；")  # its sub-items i)–iv) are the functions it lists
    assert item1.addressee_span.exact == "电信发展局局长"
    assert {(m.issuer, m.year) for m in further} == {("wtdc", 2022)}


def test_res30_reporting_lines(extraction):
    ex = extraction(RES30)
    first = next(m for m in ex.mandates if ex.provisions[m.provision].verb == "责成电信发展局局长")
    assert first.reports_to == "cwg-wsis-sdg"  # 1 继续向CWG-WSIS&SDG提供…的全面总结
    eighth = next(m for m in ex.mandates if ex.provisions[m.provision].verb == "进一步责成电信发展局局长"
                  and ex.provisions[m.provision].marker == "8")
    assert (eighth.reports_to, eighth.frequency) == ("itu-secretary-general", "ANNUAL")  # 向国际电联秘书长的年度相关报告
    resolves = _by_heading(ex, "做出决议，请国际电联电信发展部门")
    assert [(m, v, a) for m, _, v, a in resolves] == [(str(n), "requests", "itu-d") for n in range(1, 12)]
    eleventh = next(m for m in ex.mandates if ex.provisions[m.provision].marker == "11")
    # 11 向下届全权代表大会建议…: the PP after WTDC-22 (June 2022) is PP-22 (Bucharest, September 2022)
    assert (eleventh.reports_to, eleventh.deadline, eleventh.deadline_event) == ("itu-pp", "下届全权代表大会", "pp-22")


def test_res30_several_addressees_give_one_mandate_each(extraction):
    ex = extraction(RES30)
    four = ["itu-member-states", "itu-sector-members", "itu-associates", "itu-academia"]
    invites = _by_heading(ex, "请成员国、部门成员、部门准成员和学术成员")
    assert invites == [(str(n), k + 1, "invites", a) for n in range(1, 4) for k, a in enumerate(four)]
    calls = _by_heading(ex, "呼吁成员国、部门成员、部门准成员和学术成员")
    assert calls == [(str(n), k + 1, "calls-upon", a) for n in range(1, 6) for k, a in enumerate(four)]
    assert _by_heading(ex, "鼓励ITU-D研究组") == [(None, 1, "encourages", "itu-d-study-groups")]
    assert _by_heading(ex, "请秘书长") == [(None, 1, "requests", "itu-secretary-general")]
    assert len(ex.mandates) == 11 + 5 + 9 + 1 + 20 + 1 + 12


def test_res30_action_lines_named_with_a_request(extraction):
    ex = extraction(RES30)
    by_item = {(ex.provisions[m.provision].verb, ex.provisions[m.provision].marker): m.action_lines for m in ex.mandates if m.action_lines}
    assert by_item[("做出决议，请国际电联电信发展部门", "8")] == ("C5",)  # 8 与…WSIS C5行动方面保持一致
    assert by_item[("呼吁成员国、部门成员、部门准成员和学术成员", "2")] == ("C5",)  # 2 根据WSIS的C5行动方面
    # 11's sub-items i) and ii) list C2, C4, C5, C6 and C1, C3, C6, C7, C11, C8, C9
    assert set(by_item[("做出决议，请国际电联电信发展部门", "11")]) == {"C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C11"}


# ------------------------------------------------------------------ A/C.2/79/L.33
L33_EXPECTED = {
    # (paragraph, verb, addressee, embedded): read from the operative paragraphs 1–68
    ("3", "urges", "governments", True), ("3", "urges", "private-sector", True), ("3", "urges", "civil-society", True),
    ("3", "urges", "international-organizations", True), ("3", "urges", "technical-community", True),
    ("3", "urges", "academia", True), ("3", "urges", "all-stakeholders", True),  # 因此敦促各国政府、…以及所有其他相关利益攸关方
    ("3", "requests", "un-system-entities", True),  # 并请协助实施…行动方针的联合国系统实体审查…
    ("5", "urges", "all-stakeholders", True),  # 敦促所有利益攸关方鼓励创建…
    ("7", "encourages", "stakeholders", False),  # 鼓励来自发达国家和发展中国家的利益攸关方
    ("8", "invites", "un-member-states", True), ("8", "invites", "international-organizations", True),
    ("8", "invites", "foundations", True), ("8", "invites", "private-sector", True),  # 并邀请会员国以及国际组织、基金会和私营部门
    ("12", "requests", "cstd", True),  # 重申《全球数字契约》所载的要求,即请科学和技术促进发展委员会设立…
    ("13", "encourages", "states", False), ("13", "urges", "developed-countries", True),  # 鼓励各国…,并敦促发达国家
    ("18", "urges", "international-community", False), ("19", "urges", "international-community", False),
    ("24", "urges", "all-stakeholders", True), ("24", "urges", "international-community", True),  # 促请所有利益攸关方包括国际社会
    ("27", "urges", "all-stakeholders", True),
    ("29", "urges", "all-stakeholders", True),
    ("29", "requests", "un-system-entities", True), ("29", "requests", "un-women", True),  # 再次请联合国系统相关实体,包括…妇女署
    ("31", "encourages", "un-funds-and-programmes", False), ("31", "encourages", "un-specialized-agencies", False),
    ("34", "requests", "un-secretary-general", True),  # 确认…,请秘书长继续在其…年度报告中提供资料
    ("35", "invites", "un-member-states", True), ("35", "invites", "stakeholders", True),  # 为此邀请各会员国和其他相关利益攸关方
    ("41", "encourages", "all-stakeholders", False),
    ("43", "urges", "all-stakeholders", True),
    ("44", "encourages", "un-member-states", False), ("44", "encourages", "developed-countries", False),  # 鼓励会员国,特别是发达国家
    ("49", "urges", "all-stakeholders", False),
    ("53", "invites", "all-stakeholders", False),
    ("54", "encourages", "governments", True),
    ("59", "urges", "all-stakeholders", True), ("59", "urges", "governments", True), ("59", "urges", "un-system-entities", True),
    ("62", "invites", "president-of-the-general-assembly", True),  # 并邀请大会主席任命 2 名共同协调员
    ("66", "requests", "un-secretary-general", False),
    ("67", "invites", "sti-forum-co-chairs", False),  # 邀请 2025 年科学、技术、创新…论坛 共同主席
}


def test_l33_mandates(extraction):
    ex = extraction(L33)
    got = {(ex.provisions[m.provision].marker, m.verb, m.addressee, m.embedded) for m in ex.mandates}
    assert got == L33_EXPECTED
    assert {(m.issuer, m.year) for m in ex.mandates} == {("unga", 2024)}


def test_l33_paragraph_34_embedded_request_to_the_secretary_general(extraction):
    ex = extraction(L33)
    (m,) = [m for m in ex.mandates if ex.provisions[m.provision].marker == "34"]
    assert ex.provisions[m.provision].verb_concept == "recognizes"  # the paragraph is headed 确认
    assert (m.verb, m.addressee, m.embedded, m.frequency) == ("requests", "un-secretary-general", True, "ANNUAL")
    assert m.span.exact.startswith("请秘书长继续在其")
    assert m.span.exact.endswith("特别是在加强发展中国家参与的建议执行方面取得的进展")
    assert m.addressee_span.exact == "秘书长"


def test_l33_paragraph_66_reports_to_the_assembly_through_cstd_and_ecosoc(extraction):
    ex = extraction(L33)
    (m,) = [m for m in ex.mandates if ex.provisions[m.provision].marker == "66"]
    # 通过科学和技术促进发展委员会和经济及社会理事会向大会第八十届会议提出注重行动的报告 … 年度报告的一部分
    assert (m.reports_to, m.reports_through, m.deadline, m.frequency) == ("unga", ("cstd", "ecosoc"), "大会第八十届会议", "ANNUAL")


def test_l33_request_ends_where_the_assembly_speaks_again(extraction):
    ex = extraction(L33)
    urges, again, _ = [m for m in ex.mandates if ex.provisions[m.provision].marker == "29"]
    assert urges.span.exact.endswith("包括妇女和女童获取新技术")  # …,在这方面再次请… is a request of its own
    assert again.span.exact.startswith("再次请联合国系统相关实体")
    assert again.further
    assert again.span.exact.endswith("从而支持信息社会世界峰会成果文件所载行动方针的执行和监测工作")  # …,并重申决心…: the Assembly again


def test_l33_unknown_addressee_is_warned_not_guessed(extraction):
    ex = extraction(L33)
    assert [w.line for w in ex.warnings if "工作组" in w.message and "mandate" in w.message] == [187]  # 鼓励工作组至迟于…
    assert not [m for m in ex.mandates if ex.provisions[m.provision].marker == "12" and m.verb == "encourages"]


# ------------------------------------------------------------------ WTPF opinions, declaration, Council document
def test_wtpf_opinions(extraction):
    ex = extraction(WTPF)
    per_part = Counter((m.verb, ex.provisions[m.provision].container.removeprefix(ID)) for m in ex.mandates)
    # Opinion 1: 请成员国 1–7; 请成员国、部门成员和其他利益攸关方共同协作 1–11 (three addressees each); 请秘书长
    assert per_part[("invites", "itu/wtpf/2021/opinion/1")] == 7 + 11 * 3
    assert {per_part[("requests", f"itu/wtpf/2021/opinion/{n}")] for n in range(1, 6)} == {1}
    assert {m.issuer for m in ex.mandates} == {"wtpf"}
    assert {m.year for m in ex.mandates} == {2021}
    collab = {m.addressee for m in ex.mandates if ex.provisions[m.provision].verb == "请成员国、部门成员和其他利益攸关方共同协作"}
    assert collab == {"itu-member-states", "itu-sector-members", "stakeholders"}


def test_declaration_calls(extraction):
    ex = extraction(DECL)
    got = {(m.verb, m.addressee) for m in ex.mandates}
    assert got == {
        ("urges", "stakeholders"),  # iv) …我们敦促利益攸关多方…采取行动
        ("calls-upon", "policy-makers"), ("calls-upon", "stakeholders"),  # 2) 我们呼吁所有决策者和利益攸关方各司其职
        ("calls-upon", "itu-member-states"), ("calls-upon", "development-partners"), ("calls-upon", "private-sector"),  # 并呼吁成员国、发展伙伴和私营部门
    }


def test_council_document_numbered_paragraphs_and_requests(extraction):
    ex = extraction(COUNCIL)
    markers = [p.marker for p in ex.provisions if p.kind == "paragraph" and p.marker]
    assert markers[:4] == ["1.1", "1.2", "1.3", "1.4"]
    assert "2.11" in markers
    assert markers[-1] == "7.1"
    got = [(ex.provisions[m.provision].marker, m.verb, m.addressee) for m in ex.mandates]
    assert got == [
        (None, "requests", "itu-council"),  # 理事会需采取的行动: 请理事会将本文件记录在案。
        ("2.3", "requests", "itu-council"),  # …请理事会在征得多数国际电联成员国同意后予以批准
        ("4.23", "encourages", "itu-member-states"),  # 鼓励成员国在代表团中邀请…
        (None, "requests", "itu-council"),  # 8 结论: …请理事会将WTDC-25的筹备工作记录在案。
    ]
    # 2.6 第CL-24/38号通函请国际电联成员国…: the circular's request, not this document's (not at a clause start);
    # 4.21 …举行了…协调会议…，请TDAG批准: reported, so warned and not recorded
    assert [w.line for w in ex.warnings if "reporting another text" in w.message] == [152]


# ------------------------------------------------------------------ every operative paragraph accounted for
#: Operative verbs that state, note or decide something of the text's own and ask no one to act.
STATES_ONLY = {"recognizes", "welcomes", "reaffirms", "stresses", "emphasizes", "notes", "takes-note", "recalls",
               "looks-forward", "resolves", "decides", "is-of-the-view", "supports", "acknowledges"}
#: Operative paragraphs whose verb asks to act but names no one (read in the text), or that open with no verb.
NO_ADDRESSEE = {
    (L33, "9"): "再次呼吁支持技术促进机制…的全面运作: calls for support, names no addressee",
    (L33, "14"): "敦促继续注重通过…推出的…倡议: urges continued focus, names no addressee",
    (L33, "51"): "呼吁在粮食和营养…等领域推动进行新的技术研究: calls for research, names no addressee",
    (L33, "55"): "鼓励通过获取、使用和开发数字公共产品推广数字解决方案: encourages a practice, names no addressee",
    (DECL, "为加强"): "为加强…，我们认识到有必要…: the signatories recognize a need",
    (DECL, "我们承诺"): "我们承诺支持…: a pledge of the signatories themselves",
    (DECL, "4)"): "我们将创造协同效应…: a pledge (we will)",
    (DECL, "5)"): "我们将与区域性电信组织…一道: a pledge (we will)",
}


def _explained(key, ex, i, p, covered) -> str | None:
    if i in covered:
        return "part of the item above it, which announces it (…：)"
    if p.verb_concept in STATES_ONLY:
        return f"{p.verb_concept}: states, asks no one to act"
    text = p.span.exact.lstrip("- ")
    for (k, what), why in NO_ADDRESSEE.items():
        if k == key and (p.marker == what or text.startswith(what)):
            return why
    return None


@pytest.mark.parametrize("key", [RES30, L33, DECL, WTPF])
def test_every_operative_paragraph_is_a_mandate_source_or_explained(extraction, key):
    ex = extraction(key)
    sources = {m.provision for m in ex.mandates}
    covered = {i for m in ex.mandates for i, p in enumerate(ex.provisions)
               if i != m.provision and p.kind == "operative" and m.span.start <= p.span.start and p.span.end <= m.span.end}
    unexplained = [(p.marker, p.span.exact[:30]) for i, p in enumerate(ex.provisions)
                   if p.kind == "operative" and i not in sources and not _explained(key, ex, i, p, covered)]
    assert not unexplained, f"{key}: neither mandates nor explained: {unexplained}"
    asking = [(p.marker, p.verb_concept) for i, p in enumerate(ex.provisions)
              if p.kind == "operative" and i in sources and p.verb_concept in STATES_ONLY and not any(
                  m.embedded or ex.provisions[m.provision].verb for m in ex.mandates if m.provision == i)]
    assert not asking, f"{key}: a paragraph that only states gives a mandate not embedded in it: {asking}"
