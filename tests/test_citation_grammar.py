"""The citation grammar of real UN and ITU texts, one test per kind of notation.

Each expectation is written from the sentence as a reader sees it (what it cites, and where);
each trap says what must *not* be cited. The rule above all: never a wrong IRI; when the
extractor cannot be sure it warns (file:line) and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import layout
from pipeline.extract.document import extract_document
from pipeline.identifiers import Identifiers
from pipeline.model import DocumentExtraction
from pipeline.sources.documents import ManifestEntry, SourceText
from pipeline.sources.reference import Reference

IDS = Identifiers()
REF = Reference.load(layout.REFERENCE)
ITU_KEY = "itu/council/2025/test-paper"  # an ITU Council paper in numbered prose
UN_KEY = "un/A/C.2/80/L.99"  # a UN draft resolution


def extract(text: str, key: str = ITU_KEY, kind: str = "council document") -> DocumentExtraction:
    entry = ManifestEntry.model_validate(
        {"file": "t.txt", "key": key, "kind": kind, "language": "zh", "title_zh": "测试", "title_en": "Test"}
    )
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    source = SourceText(entry=entry, path=Path("t.txt"), text=text, sha256="0" * 64, line_starts=tuple(starts))
    ex = extract_document(source, REF, IDS)
    for c in ex.citations:  # every span is the original characters at those code points
        assert text[c.span.start:c.span.end] == c.span.exact
    return ex


def cited(ex: DocumentExtraction) -> list[str]:
    return [c.cited.iri.removeprefix(IDS.id("")) for c in ex.citations]


def exact(ex: DocumentExtraction) -> list[str]:
    return [c.span.exact for c in ex.citations]


def warnings(ex: DocumentExtraction) -> list[str]:
    return [w.message for w in ex.warnings]


def distinct_spans(ex: DocumentExtraction) -> bool:
    """Citation IRIs are keyed on (citing, span): one record per item needs one span per item."""
    keys = [(c.citing, c.span.start, c.span.end) for c in ex.citations]
    return len(keys) == len(set(keys))


# --- coordinated references -----------------------------------------------------------------

def test_coordinated_un_numbers_repeating_di_and_hao():
    ex = extract("回顾经济及社会理事会第2006/46号和第2007/8号决议。\n", key=UN_KEY, kind="draft resolution")
    assert cited(ex) == ["un/E/RES/2006/46", "un/E/RES/2007/8"]
    assert exact(ex) == ["2006/46", "2007/8"]
    assert distinct_spans(ex)
    assert not ex.warnings


def test_coordinated_itu_numbers_share_one_bracket():
    ex = extract("1.1 全权代表大会第1号、第2号和第5号决议（2018年，迪拜，修订版）规定了程序。\n")
    assert cited(ex) == ["itu/pp/res/1/2018", "itu/pp/res/2/2018", "itu/pp/res/5/2018"]
    assert exact(ex) == ["第1号", "第2号", "第5号决议（2018年，迪拜，修订版）"]
    assert distinct_spans(ex)
    assert not ex.warnings


def test_abbreviated_itu_list_after_one_di():
    ex = extract("1.1 世界电信发展大会第1、2和5号决议（2022年，基加利）。\n")
    assert cited(ex) == ["itu/wtdc/res/1/2022", "itu/wtdc/res/2/2022", "itu/wtdc/res/5/2022"]
    assert distinct_spans(ex)


def test_un_footnote_list_with_spaces():
    ex = extract("1 见第 56/183、57/238 和 77/150 号决议。\n", key=UN_KEY, kind="draft resolution")
    assert cited(ex) == ["un/A/RES/56/183", "un/A/RES/57/238", "un/A/RES/77/150"]


# --- special-session and historical UN numbers -------------------------------------------------

def test_special_session_number_after_di():
    ex = extract("回顾大会第S-27/2号决议。\n", key=UN_KEY, kind="draft resolution")
    assert cited(ex) == ["un/A/RES/S-27/2"]
    assert not ex.warnings


@pytest.mark.parametrize("written", ["第217(III)号决议", "第 217 A (III)号决议", "第217 A(III)号决议", "第２１７（III）号决议"])
def test_historical_roman_session_numbers(written):
    ex = extract(f"铭记{written}。\n", key=UN_KEY, kind="draft resolution")
    assert cited(ex) == ["un/A/RES/217(III)"]
    assert not ex.warnings


@pytest.mark.parametrize(
    "sentence",
    ["回顾大会第ES-10/23号决议。", "回顾ES-10/23 号决议。", "回顾第ES\u201110/23号决议。", "又回顾联合国大会第 ES-10/23 号决议。"],
)
def test_emergency_special_session_in_every_context(sentence):
    for key, kind in ((UN_KEY, "draft resolution"), (ITU_KEY, "council document")):
        ex = extract(sentence + "\n", key=key, kind=kind)
        assert cited(ex) == ["un/A/RES/ES-10/23"], (sentence, key)
        assert not ex.warnings


# --- spaces, conference codes, conferences ------------------------------------------------------

def test_spaces_inside_numbers_and_brackets():
    ex = extract("1.1 全权代表大会第104 号决议（1998 年，明尼阿波利斯）。\n")
    assert cited(ex) == ["itu/pp/res/104/1998"]
    assert exact(ex) == ["第104 号决议（1998 年，明尼阿波利斯）"]
    assert not ex.warnings


@pytest.mark.parametrize(("written", "iri"), [
    ("第75号决议（WTSA-08）", "itu/wtsa/res/75/2008"),
    ("第130号决议（PP-14）", "itu/pp/res/130/2014"),
    ("第75号决议（WTSA-20）", "itu/wtsa/res/75/2022"),  # WTSA-20 met in 2022
    ("第1号决议（WTSA-2000）", "itu/wtsa/res/1/2000"),
    ("ITU-R第49号决议（RA-2000）", "itu/ra/res/49/2000"),
])
def test_conference_code_in_the_bracket(written, iri):
    ex = extract(f"1.1 根据{written}开展工作。\n")
    assert cited(ex) == [iri]
    assert not ex.warnings


def test_unknown_conference_code_is_warned_not_guessed():
    ex = extract("1.1 根据第75号决议（WTSA-99）开展工作。\n")
    assert cited(ex) == []
    assert any("WTSA-99" in w for w in warnings(ex))


@pytest.mark.parametrize(("written", "iri"), [
    ("全权代表大会第1号决议（2006年，安塔利亚）", "itu/pp/res/1/2006"),
    ("第25号决议（1998年，明尼阿波利斯）", "itu/pp/res/25/1998"),
    ("第17号决议（2006年，多哈，修订版）", "itu/wtdc/res/17/2006"),
    ("第2号决议（2012年，迪拜）", None),  # Dubai 2012 held WTSA-12 and WCIT-12: organ unknown
    ("世界电信标准化全会第2号决议（2012年，迪拜）", "itu/wtsa/res/2/2012"),
    ("全权代表大会第71号决议（2018年）", "itu/pp/res/71/2018"),
])
def test_conferences_since_1989_resolve(written, iri):
    ex = extract(f"1.1 根据{written}开展工作。\n")
    assert cited(ex) == ([iri] if iri else [])
    assert bool(ex.warnings) == (iri is None)


@pytest.mark.parametrize("written", [
    "世界无线电通信大会第95号决议（2019年，沙姆沙伊赫）",  # WRC-19 met with RA-19: not an RA resolution
    "第95号决议（2019年，沙姆沙伊赫）",  # RA-19 or WRC-19: the bracket alone cannot tell
    "第95号决议（WRC-07，修订版）",
    "WRC-19第1号决议",
])
def test_world_radiocommunication_conference_resolutions_are_never_given_to_the_assembly(written):
    ex = extract(f"1.1 根据{written}开展工作。\n")
    assert cited(ex) == []
    assert ex.warnings


def test_radiocommunication_assembly_named_before_its_number():
    ex = extract("1.1 无线电通信全会有关WSIS的ITU-R第61-2号决议（2019年，沙姆沙伊赫，修订版）。\n")
    assert cited(ex) == ["itu/ra/res/61/2019"]
    assert not ex.warnings


def test_organ_and_year_certain_but_meeting_unknown_gives_the_version_and_warns():
    ex = extract("1.1 全权代表大会第7号决议（2030年，某城市）。\n")
    assert cited(ex) == ["itu/pp/res/7/2030"]
    assert any("organ and year are certain" in w for w in warnings(ex))


def test_year_and_place_without_organ_and_unknown_meeting_points_nowhere():
    ex = extract("1.1 第7号决议（2030年，某城市）。\n")
    assert cited(ex) == []
    assert any("no organ is named" in w for w in warnings(ex))


# --- invisible characters -----------------------------------------------------------------------

@pytest.mark.parametrize("ch", ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\ufffc", "\u2060"])
def test_invisible_characters_inside_a_reference(ch):
    text = f"回顾第70/{ch}125号决议和E/CN.16/{ch}2024/2号文件。\n"
    ex = extract(text, key=UN_KEY, kind="draft resolution")
    assert cited(ex) == ["un/A/RES/70/125", "un/E/CN.16/2024/2"]
    assert exact(ex) == [f"70/{ch}125", f"E/CN.16/{ch}2024/2"]
    first = ex.citations[0].span
    assert (first.start, first.end) == (text.index("70/"), text.index("125") + 3)


def test_invisible_characters_before_a_reference_keep_offsets():
    text = "\u200b\u200b\ufeff忆及全权代表大会第71号决议（2018年，迪拜，修订版）。\n"
    ex = extract(text)
    assert cited(ex) == ["itu/pp/res/71/2018"]
    assert ex.citations[0].span.start == text.index("第71")


# --- spaces inside symbols, ranges and lists ------------------------------------------------------

def test_space_inside_itu_symbol_is_read_whole():
    ex = extract("2.5 理事会批准了C24/30 (Rev.1)号文件。\n")
    assert cited(ex) == ["itu/doc/C24/30(Rev.1)"]


def test_space_inside_un_symbol_is_read_whole():
    ex = extract("注意到A/C.2/79/L. 33号文件。\n", key=UN_KEY, kind="draft resolution")
    assert cited(ex) == ["un/A/C.2/79/L.33"]


def test_symbol_cut_short_is_warned_never_truncated():
    ex = extract("注意到A/C.2/79/L.文件。\n", key=UN_KEY, kind="draft resolution")
    assert cited(ex) == []
    assert any("cut short" in w for w in warnings(ex))


def test_itu_revision_mark_not_read_is_warned():
    ex = extract("2.5 理事会批准了C24/30（修订1）号文件。\n")
    assert cited(ex) == []
    assert ex.warnings


def test_abbreviated_list_of_summary_records():
    ex = extract("见A/C.2/66/SR.24、34和40。\n", key=UN_KEY, kind="draft resolution")
    assert cited(ex) == ["un/A/C.2/66/SR.24", "un/A/C.2/66/SR.34", "un/A/C.2/66/SR.40"]
    assert exact(ex) == ["A/C.2/66/SR.24", "34", "40"]
    assert distinct_spans(ex)


def test_range_of_symbols_cites_the_ends_and_warns_about_the_inside():
    ex = extract("见A/C.2/66/SR.24至27。\n", key=UN_KEY, kind="draft resolution")
    assert cited(ex) == ["un/A/C.2/66/SR.24", "un/A/C.2/66/SR.27"]
    assert any("between 24 and 27" in w for w in warnings(ex))


# --- other document families ----------------------------------------------------------------------

def test_ecosoc_decision():
    ex = extract("回顾经济及社会理事会第1992/218号决定。\n", key=UN_KEY, kind="draft resolution")
    assert cited(ex) == ["un/E/DEC/1992/218"]
    assert ex.citations[0].cited.kind == "ecosoc_decision"


def test_security_council_resolutions():
    ex = extract("回顾安全理事会第1325(2000)号决议和S/RES/2222 (2015)。\n", key=UN_KEY, kind="draft resolution")
    assert cited(ex) == ["un/S/RES/1325", "un/S/RES/2222"]
    assert {c.cited.kind for c in ex.citations} == {"sc_resolution"}


def test_human_rights_council_resolution_is_not_a_general_assembly_one():
    ex = extract("回顾人权理事会第55/1号决议。\n", key=UN_KEY, kind="draft resolution")
    assert cited(ex) == ["un/A/HRC/RES/55/1"]


def test_number_of_an_organ_without_template_is_warned_not_given_to_the_general_assembly():
    ex = extract("回顾教科文组织大会第41/1号决议。\n", key=UN_KEY, kind="draft resolution")
    assert cited(ex) == []
    assert ex.warnings


def test_general_assembly_decision_has_no_template():
    ex = extract("回顾大会第72/541号决定。\n", key=UN_KEY, kind="draft resolution")
    assert cited(ex) == []
    assert ex.warnings


def test_special_session_symbols_name_the_resolution():
    ex = extract("见A/RES/ES-10/23和A/RES/S-27/2。\n", key=UN_KEY, kind="draft resolution")
    assert cited(ex) == ["un/A/RES/ES-10/23", "un/A/RES/S-27/2"]
    assert {c.cited.kind for c in ex.citations} == {"unga_resolution"}


def test_resolution_symbols_name_the_resolution():
    ex = extract("见A/RES/70/1和E/RES/2024/13。\n", key=UN_KEY, kind="draft resolution")
    assert cited(ex) == ["un/A/RES/70/1", "un/E/RES/2024/13"]
    assert [c.cited.kind for c in ex.citations] == ["unga_resolution", "ecosoc_resolution"]


@pytest.mark.parametrize(("written", "iri"), [
    ("C24/30-E号文件", "itu/doc/C24/30"),  # language suffix: the same document
    ("TDAG-25/18(Rev.1)-C号文件", "itu/doc/TDAG-25/18(Rev.1)"),
    ("第CL-24/61号通函", "itu/doc/CL-24/61"),
    ("第CL 23/51号通函", "itu/doc/CL-23/51"),
])
def test_itu_symbols_language_suffix_and_circular_letters(written, iri):
    ex = extract(f"2.1 见{written}。\n")
    assert cited(ex) == [iri]


def test_council_decision_versions_and_decisions_of_other_organs():
    ex = extract("2.1 理事会通过了第637号决定（C24）和第611号决定（理事会2020年会议，修订版）。\n")
    assert cited(ex) == ["itu/council/dec/637/2024", "itu/council/dec/611/2020"]
    pp = extract("2.1 全权代表大会第5号决定（2018年，迪拜，修订版）。\n")
    assert cited(pp) == []
    assert any("only Council decisions" in w for w in warnings(pp))


# --- traps that must not cite -------------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "见第3段和第5章。",
    "大会第70届会议审议了该项目。",
    "详见https://undocs.org/zh/A/RES/70/1和https://www.itu.int/md/S24-CL-C-0030/en以及http://x.int/C24/30。",
    "2020-2023年战略规划的第2.1段。",
])
def test_traps_cite_nothing_and_warn_nothing(sentence):
    for key, kind in ((UN_KEY, "draft resolution"), (ITU_KEY, "council document")):
        ex = extract(sentence + "\n", key=key, kind=kind)
        assert cited(ex) == [], sentence
        assert not ex.warnings, sentence


def test_a_draft_number_is_not_an_adopted_instrument():
    ex = extract("2.1 审议了第1号决议草案。\n")
    assert cited(ex) == []
    assert any("draft" in w for w in warnings(ex))


def test_range_of_resolution_numbers_is_warned():
    ex = extract("回顾第70/1至70/5号决议。\n", key=UN_KEY, kind="draft resolution")
    assert cited(ex) == []
    assert any("range" in w for w in warnings(ex))


def test_mixed_un_and_itu_numbers_are_warned():
    ex = extract("2.1 第70/1和71号决议。\n")
    assert cited(ex) == []
    assert ex.warnings


def test_warnings_name_file_and_line():
    ex = extract("第一行。\n\n回顾教科文组织大会第41/1号决议。\n", key=UN_KEY, kind="draft resolution")
    assert [(w.file, w.line) for w in ex.warnings] == [("t.txt", 3)]


# --- the seeds ----------------------------------------------------------------------------------

def test_seeds_keep_their_numbered_citations(built):
    """113 distinct document -> cited instrument pairs and 153 citation records, per seed."""
    per_seed = {ex.key: (len(ex.citations), len({c.cited.iri for c in ex.citations})) for ex in built[0].extractions}
    assert per_seed == {
        "itu/wtdc/2025/declaration": (0, 0),
        "itu/wtdc/res/30/2022": (19, 15),
        "un/A/C.2/79/L.33": (70, 58),
        "itu/wtpf/2021/sg-report": (42, 25),
        "itu/council/2025/wtdc-25-preparations": (22, 15),
    }
    assert sum(n for n, _ in per_seed.values()) == 153
    assert sum(k for _, k in per_seed.values()) == 113
