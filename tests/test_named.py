"""Instruments cited by name: the seeds read by a person, then the rules one form at a time.

The per-seed lists below were written by reading each seed text (line numbers are the text's
own), before running the extractor; the extractor must find exactly these, in text order.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline import layout
from pipeline.extract.document import extract_document
from pipeline.identifiers import Identifiers
from pipeline.model import DocumentExtraction
from pipeline.sources.documents import read_folder
from pipeline.sources.reference import Reference
from pipeline.store.query import get_query, run

IDS = Identifiers()
ID = IDS.id("")
AGENDA_2030 = "un/A/RES/70/1"
TA, TC = "wsis/tunis-agenda", "wsis/tunis-commitment"
GDP, GPA = "wsis/geneva-declaration-of-principles", "wsis/geneva-plan-of-action"
AAAA, GDC, WSIS10 = "un/A/RES/69/313", "un/A/RES/79/1", "un/A/RES/70/125"
CS, CV = "itu/constitution", "itu/convention"

# (line, cited IRI under id/) in text order, read off each seed.
READ_OFF_THE_SEEDS: dict[str, list[tuple[int, str]]] = {
    # 000, the draft Baku Declaration: 《巴库宣言》 (lines 7, 47) is the document itself; the
    # UNFCCC at line 23 only names its Conference of the Parties (COP29).
    "itu/wtdc/2025/declaration": [(24, CS), (47, "itu/wtdc/2025/action-plan")],
    # 001, WTDC Resolution 30: the 2030 Agenda eighteen times (also in its own title, line 5);
    # 《连通2030年议程》 (line 28) is the title of Resolution 200 cited there by number.
    "itu/wtdc/res/30/2022": [
        (5, AGENDA_2030), (15, "wsis/wsis-plus-10-statement"), (15, "wsis/wsis-plus-10-vision"),
        (26, AGENDA_2030), (38, CS), (38, CV), (40, AGENDA_2030), (42, AGENDA_2030), (48, AGENDA_2030),
        (54, AGENDA_2030), (56, AGENDA_2030), (62, AGENDA_2030), (68, AGENDA_2030), (72, AGENDA_2030),
        (74, AGENDA_2030), (75, TC), (77, f"{TA}/para/27"), (85, TA), (97, AGENDA_2030), (99, AGENDA_2030),
        (131, GPA), (132, TA), (134, AGENDA_2030), (158, AGENDA_2030), (159, AGENDA_2030),
        (167, AGENDA_2030), (168, AGENDA_2030),
    ],
    # 002, the UN draft resolution: line 27's "变革我们的世界: 2030年可持续发展议程" and line 37's
    # Addis Ababa Action Agenda are the titles of 70/1 and 69/313 cited there by number; the
    # 《原则宣言》 and 《行动计划》 of line 45 are those of the Geneva phase the sentence names;
    # 《2023 年可持续发展筹资报告》 (line 244) is a report.
    "un/A/C.2/79/L.33": [
        (37, AGENDA_2030), (37, AGENDA_2030), (39, "un/A/RES/71/256"), (41, AGENDA_2030),
        (45, GDP), (45, GPA), (45, TC), (45, TA), (47, AGENDA_2030), (47, AAAA), (47, AGENDA_2030),
        (49, WSIS10), (51, GDP), (65, WSIS10), (73, "un/A/RES/76/258"),
        (73, "instrument/un/programme-of-action-for-lldcs-2024-2034"), (73, "un/A/RES/78/317"),
        (91, AGENDA_2030), (93, GDC), (93, GDC), (97, "instrument/undp/digital-strategy-2022-2025"),
        (107, "itu/pp/res/200"), (115, "instrument/un/charter-of-the-united-nations"), (115, "un/A/RES/217(III)"),
        (151, AGENDA_2030), (161, AGENDA_2030), (165, "instrument/unesco/recommendation-on-the-ethics-of-ai"),
        (169, AGENDA_2030), (177, AGENDA_2030), (185, AGENDA_2030), (187, GDC), (196, AGENDA_2030),
        (216, WSIS10), (218, f"{TA}/para/72"), (220, TA), (223, TA), (224, TA), (236, AGENDA_2030), (236, AAAA),
        (244, AGENDA_2030), (246, AAAA), (255, AGENDA_2030), (259, f"{TA}/para/111"), (260, GDC),
        (266, AGENDA_2030), (266, AAAA),
    ],
    # 003, the WTPF-21 report: the quoted titles of lines 222-226, 302, 309, 378-382, 447-450 are
    # those of resolutions cited there by number; line 234 names a report; Article 40, Chapter VII
    # and Article 5 (lines 497-498) cite the whole instrument.
    "itu/wtpf/2021/sg-report": [
        (231, CS), (233, "itu/pp/res/71/2018"), (246, "itu/wtdc/2017/declaration"),
        (304, GDP), (304, GPA), (304, TC), (304, TA), (323, "instrument/itu/global-cybersecurity-agenda"),
        (380, GDP), (496, AGENDA_2030), (497, CS), (498, "itu/radio-regulations"), (498, "itu/itrs"), (501, GPA),
    ],
    # 004, the Council document: 《战略规划》 (line 5) is Resolution 71, the Union's strategic plan;
    # 第42和213款 (line 29) is two provisions; 《东道国协议》 (line 31) is not identified.
    "itu/council/2025/wtdc-25-preparations": [
        (5, "itu/pp/res/71"), (11, f"{CS}/no/141"), (11, f"{CV}/no/42"), (11, "itu/general-rules"),
        (18, f"{CS}/no/141"), (20, f"{CV}/no/42"), (20, "itu/general-rules"), (29, f"{CV}/no/42"), (29, f"{CV}/no/213"),
        (57, "itu/wtdc/2022/action-plan"), (98, "itu/wtdc/2022/action-plan"), (98, "itu/wtdc/2025/action-plan"),
        (100, "itu/wtdc/2022/action-plan"),
    ],
}


@pytest.mark.parametrize("key", sorted(READ_OFF_THE_SEEDS))
def test_seed_named_citations_are_those_read_off_the_text(extraction, key: str) -> None:
    ex = extraction(key)
    got = [(c.span.line, c.cited.iri.removeprefix(ID)) for c in ex.named_citations]
    assert got == READ_OFF_THE_SEEDS[key]


def test_seed_title_warnings(extraction) -> None:
    """The one title of the seeds that names no known instrument: the WTDC-25 host country agreement."""
    warned = [str(w) for key in READ_OFF_THE_SEEDS for w in extraction(key).warnings if "title" in w.message]
    assert warned == [
        ("004_b7e1eed4555dc519.txt:31: unknown title '《东道国协议》': neither an instrument nor a known "
         "non-instrument title in seeds/reference/instruments.yaml; not cited")
    ]


def test_seeds_keep_their_numbered_citations(extraction) -> None:
    """Named citations are added beside the numbered ones, which stay exactly as they were."""
    exs = [extraction(key) for key in READ_OFF_THE_SEEDS]
    pairs = {(ex.iri, c.cited.iri) for ex in exs for c in ex.citations}
    assert (len(pairs), sum(len(ex.citations) for ex in exs)) == (113, 153)


def test_named_citations_carry_clause_verb_and_exact_text(extraction) -> None:
    ex = extraction("un/A/C.2/79/L.33")
    para = next(c for c in ex.named_citations if c.cited.iri.endswith("/tunis-agenda/para/111"))
    assert (para.span.exact, para.verb, para.cited.part_of) == ("《突尼斯议程》第 111 段", "决定", ID + TA)
    ex = extraction("itu/council/2025/wtdc-25-preparations")
    assert [c.span.exact for c in ex.named_citations if c.span.line == 29] == ["《公约》第42", "213"]


def test_which_documents_cite_the_tunis_agenda(store) -> None:
    """The question of issue 8, through the canned query (paragraphs count for their instrument)."""
    _, rows = run(store, get_query("citing-instrument"), {"work": ID + TA})
    assert sorted({row[1].removeprefix(ID) for row in rows}) == [
        "itu/wtdc/res/30/2022", "itu/wtpf/2021/opinion/2", "un/A/C.2/79/L.33",
    ]


# -- the rules, one form at a time ------------------------------------------------------------

ITU_KEY, UN_KEY = "itu/council/2099/named-test", "un/A/C.2/99/L.1"


@pytest.fixture(scope="module")
def ref() -> Reference:
    return Reference.load(layout.REFERENCE)


def read(tmp_path: Path, ref: Reference, text: str, *, key: str = ITU_KEY, title: str = "测试文件", kind: str = "") -> DocumentExtraction:
    """Extract one small text as the build would (a council document, or a UN draft resolution)."""
    kind = kind or ("council document" if key.startswith("itu/") else "draft resolution")
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    manifest = {"documents": [{"file": "t.txt", "key": key, "kind": kind, "language": "zh", "title_zh": title, "title_en": "Test"}]}
    (tmp_path / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    (source,) = read_folder(tmp_path)
    return extract_document(source, ref, IDS)


def cited(ex: DocumentExtraction) -> list[tuple[str, str]]:
    return [(c.span.exact, c.cited.iri.removeprefix(ID)) for c in ex.named_citations]


def warnings(ex: DocumentExtraction) -> list[str]:
    return [w.message for w in ex.warnings]


def test_full_title_and_short_form(tmp_path, ref) -> None:
    ex = read(tmp_path, ref, "回顾《信息社会突尼斯议程》和《突尼斯议程》。\n")
    assert cited(ex) == [("《信息社会突尼斯议程》", TA), ("《突尼斯议程》", TA)]


def test_white_space_and_full_width_inside_the_title(tmp_path, ref) -> None:
    ex = read(tmp_path, ref, "落实《２０３０ 年 可持续发展议程》。\n")
    assert cited(ex) == [("《２０３０ 年 可持续发展议程》", AGENDA_2030)]


def test_numbered_provisions_of_itu_basic_texts(tmp_path, ref) -> None:
    ex = read(tmp_path, ref, "根据《组织法》第 141 款和《公约》第42、213 和第 215 款。\n")
    assert cited(ex) == [
        ("《组织法》第 141 款", f"{CS}/no/141"), ("《公约》第42", f"{CV}/no/42"), ("213", f"{CV}/no/213"), ("215", f"{CV}/no/215"),
    ]
    assert all(c.cited.kind == "numbered_provision" and c.cited.part_of in (ID + CS, ID + CV) for c in ex.named_citations)


def test_paragraphs_of_named_instruments(tmp_path, ref) -> None:
    ex = read(tmp_path, ref, "见《突尼斯议程》的第72段和《2030年议程》第 5 段。\n")
    assert cited(ex) == [("《突尼斯议程》的第72段", f"{TA}/para/72"), ("《2030年议程》第 5 段", f"{AGENDA_2030}/para/5")]
    assert [c.cited.kind for c in ex.named_citations] == ["instrument_paragraph"] * 2


def test_a_range_of_paragraphs_cites_the_instrument(tmp_path, ref) -> None:
    ex = read(tmp_path, ref, "符合《突尼斯议程》第113-118段和《突尼斯承诺》第20段至第25段。\n")
    assert cited(ex) == [("《突尼斯议程》第113-118段", TA), ("《突尼斯承诺》第20段至第25段", TC)]


def test_units_repeated_in_a_list(tmp_path, ref) -> None:
    ex = read(tmp_path, ref, "《公约》第42款和第213款；《突尼斯议程》第72段、第73段。\n")
    assert cited(ex) == [("《公约》第42", f"{CV}/no/42"), ("213", f"{CV}/no/213"),
                         ("《突尼斯议程》第72", f"{TA}/para/72"), ("73", f"{TA}/para/73")]


def test_provisions_and_paragraphs_mixed_cite_the_instrument(tmp_path, ref) -> None:
    """第42款和第5段 mixes units: no number is cited as the wrong kind of part."""
    ex = read(tmp_path, ref, "《公约》第42款和第5段。\n")
    assert cited(ex) == [("《公约》第42款和第5段", CV)]


def test_articles_and_chapters_cite_the_whole_instrument(tmp_path, ref) -> None:
    """第40条 and 第七章 have no template of their own: the instrument is cited, never a /no/ IRI."""
    ex = read(tmp_path, ref, "《组织法》第40条和《无线电规则》第5章。\n")
    assert cited(ex) == [("《组织法》", CS), ("《无线电规则》", "itu/radio-regulations")]


def test_provision_number_of_an_instrument_without_numbered_provisions(tmp_path, ref) -> None:
    """款 after a UN agenda is not an ITU-style provision number: the agenda itself is cited."""
    ex = read(tmp_path, ref, "《新城市议程》第3款。\n")
    assert cited(ex) == [("《新城市议程》", "un/A/RES/71/256")]


@pytest.mark.parametrize("text", ["见第3段。\n", "第5章。\n", "大会第70届会议。\n", "见 https://www.itu.int/md/S25-CL-C-0030/第141款 。\n"])
def test_traps_cite_nothing(tmp_path, ref, text: str) -> None:
    ex = read(tmp_path, ref, text)
    assert (cited(ex), warnings(ex)) == ([], [])


def test_short_form_defined_by_the_text_resolves_after_it(tmp_path, ref) -> None:
    ex = read(tmp_path, ref, "期待《全球数字契约》得到执行，以支持执行该《契约》。\n", key=UN_KEY)
    assert cited(ex) == [("《全球数字契约》", GDC), ("《契约》", GDC)]


def test_short_form_the_text_does_not_define_is_warned(tmp_path, ref) -> None:
    ex = read(tmp_path, ref, "以支持执行该《契约》。\n", key=UN_KEY)
    assert cited(ex) == []
    assert warnings(ex) == ["short title '《契约》' is not defined in this text (no earlier full title, no context naming it); not cited"]


def test_short_forms_never_cross_documents(tmp_path, ref) -> None:
    read(tmp_path, ref, "期待《全球数字契约》得到执行。\n", key=UN_KEY)
    ex = read(tmp_path, ref, "以支持执行该《契约》。\n", key=UN_KEY)
    assert cited(ex) == []


def test_short_form_made_clear_by_its_sentence(tmp_path, ref) -> None:
    ex = read(tmp_path, ref, "回顾在日内瓦举行的信息社会世界峰会第一阶段会议通过的《原则宣言》和《行动计划》。又回顾《行动计划》。\n", key=UN_KEY)
    assert cited(ex) == [("《原则宣言》", GDP), ("《行动计划》", GPA), ("《行动计划》", GPA)]
    ex = read(tmp_path, ref, "落实《行动计划》。\n")
    assert cited(ex) == []
    assert warnings(ex) == ["short title '《行动计划》' is not defined in this text (no earlier full title, no context naming it); not cited"]


def test_short_forms_of_one_family(tmp_path, ref) -> None:
    """《公约》 is the ITU Convention in an ITU text; in a UN text it could be any convention."""
    assert cited(read(tmp_path, ref, "根据《公约》。\n")) == [("《公约》", CV)]
    ex = read(tmp_path, ref, "根据《公约》。\n", key=UN_KEY)
    assert cited(ex) == []
    assert [w.split(":")[0] for w in warnings(ex)] == ["unknown title '《公约》'"]


def test_unknown_title_is_warned_never_guessed(tmp_path, ref) -> None:
    ex = read(tmp_path, ref, "第一行。\n注意到《某某合作框架》。\n")
    assert cited(ex) == []
    assert [str(w) for w in ex.warnings] == [
        ("t.txt:2: unknown title '《某某合作框架》': neither an instrument nor a known non-instrument title in "
         "seeds/reference/instruments.yaml; not cited")
    ]


def test_non_instrument_titles_and_own_title_are_skipped(tmp_path, ref) -> None:
    text = "如《2023 年可持续发展筹资报告》所述；本《测试文件》；《联合国气候变化框架公约》缔约方大会第二十九届会议。\n"
    ex = read(tmp_path, ref, text)
    assert (cited(ex), warnings(ex)) == ([], [])


def test_a_document_does_not_cite_itself_by_name(tmp_path, ref) -> None:
    ex = read(tmp_path, ref, "落实《巴库宣言》和《巴库宣言》第3段。\n", key="itu/wtdc/2025/declaration", kind="declaration")
    assert cited(ex) == []


def test_shared_title_needs_a_year(tmp_path, ref) -> None:
    ex = read(tmp_path, ref, "2017年世界电信发展大会通过的《布宜诺斯艾利斯宣言》。\n")
    assert cited(ex) == [("《布宜诺斯艾利斯宣言》", "itu/wtdc/2017/declaration")]
    ex = read(tmp_path, ref, "《布宜诺斯艾利斯行动计划》。\n")
    assert cited(ex) == []
    assert warnings(ex) == [
        ("ambiguous title '《布宜诺斯艾利斯行动计划》': buenos-aires-action-plan-1994, buenos-aires-action-plan-2017; "
         "the sentence does not say which year; not cited")
    ]


def test_quoted_full_titles_count_quoted_other_words_do_not(tmp_path, ref) -> None:
    ex = read(tmp_path, ref, "“有关落实WSIS成果的WSIS+10声明”和“信任”以及\"数字合作路线图\"。\n")
    assert cited(ex) == [("“有关落实WSIS成果的WSIS+10声明”", "wsis/wsis-plus-10-statement")]


def test_short_forms_do_not_count_in_quotation_marks(tmp_path, ref) -> None:
    assert cited(read(tmp_path, ref, "所谓“突尼斯议程”。\n")) == []


def test_plain_title_in_running_text(tmp_path, ref) -> None:
    ex = read(tmp_path, ref, "还回顾信息社会世界峰会成果执行情况全面审查大会高级别 会议成果文件，\n", key=UN_KEY)
    assert cited(ex) == [("信息社会世界峰会成果执行情况全面审查大会高级别 会议成果文件", WSIS10)]


def test_title_of_a_numbered_citation_in_the_same_sentence(tmp_path, ref) -> None:
    """One act of citing, one record: the title names the resolution cited right there."""
    text = "重申其关于《第三次发展筹资问题国际会议亚的斯亚贝巴行动议程》的第69/313号决议。又回顾《亚的斯亚贝巴行动议程》。\n"
    ex = read(tmp_path, ref, text, key=UN_KEY)
    assert cited(ex) == [("《亚的斯亚贝巴行动议程》", AAAA)]


def test_unclosed_and_nested_marks_do_not_stall_or_cite(tmp_path, ref) -> None:
    text = "《" * 5000 + "突尼斯议程" + "“" * 5000 + "\n" + "《《突尼斯议程》》\n"
    ex = read(tmp_path, ref, text)
    assert cited(ex) == [("《突尼斯议程》", TA)]


def test_catalogue_is_canonical() -> None:
    """instruments.yaml stays sorted by id with a source for every entry (the loader enforces the order)."""
    raw = yaml.safe_load((layout.REFERENCE / "instruments.yaml").read_text(encoding="utf-8"))
    ids = [i["id"] for i in raw["instruments"]]
    assert ids == sorted(ids), "sort seeds/reference/instruments.yaml by id"
    assert all(i.get("source") for i in raw["instruments"] + raw["not_instruments"])


# -- the synthetic corpus writes every named form, and its key proves them ---------------------

def test_generated_corpus_cites_by_name_in_every_form(tmp_path) -> None:
    from pipeline.corpus.generate import check_corpus, generate_corpus, write_corpus

    corpus = generate_corpus(400, seed=8, ids=IDS)
    write_corpus(corpus, tmp_path)
    named = [c for d in corpus.key.documents for c in d.named_citations]
    exact = [c.exact for c in named]
    cited = [c.cited.removeprefix(ID) for c in named]
    assert any("/no/" in c for c in cited)
    assert any("/para/" in c for c in cited)
    assert any(e.isdigit() for e in exact), "second number of a list of provisions"
    assert any(e.startswith("“") for e in exact), "a full title in quotation marks"
    assert any(not e.startswith(("《", "“")) and not e.isdigit() for e in exact), "a title without marks"
    assert any("-" in e and e.endswith("段") for e in exact), "a range of paragraphs"
    assert {c.split("/")[0] for c in cited} >= {"un", "itu", "wsis", "instrument"}
    # each trap is drawn a few times per 400 documents: look for them in a bigger corpus (generation
    # only), so that a change elsewhere in the generator's draws cannot make one disappear
    bigger = generate_corpus(1500, seed=8, ids=IDS)
    texts = "".join(v.decode("utf-8") for k, v in bigger.files.items() if k.endswith(".txt"))
    assert all(trap in texts for trap in ("缔约方大会", "《2023年可持续发展筹资报告》", "届会议", "章", "https://"))
    assert [p for p in check_corpus(tmp_path, IDS) if "named_citation" in p or "title" in p] == []
