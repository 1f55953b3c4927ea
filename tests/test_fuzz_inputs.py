"""Fuzz: generated manifests and texts thrown at ``wsis-kg build`` end in a build or a clear error, never a traceback.

Hypothesis writes a documents folder per example: a manifest that is either a YAML dump of
entries whose fields are valid, misspelt, missing, repeated, of the wrong type or filled with
random text (control characters, surrogate escapes, IRI-breaking characters, impossible dates),
or raw YAML-ish text, or random bytes; and texts made of seed fragments, Markdown, citation
notations, full-width digits, random Unicode and random bytes. Each folder goes through the
command line in-process. The property: the exit status is 0 (and the dumps exist) or 2 (and an
error naming a file was logged); any other exception fails the test with the input that caused it.

CI runs ``FUZZ_EXAMPLES`` (default 300) examples; a thorough run takes thousands::

    WSIS_KG_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz_inputs.py -q
"""

from __future__ import annotations

import logging
import os

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import cli, layout

EXAMPLES = int(os.environ.get("WSIS_KG_FUZZ_EXAMPLES", "300"))
FIELDS = ["file", "key", "kind", "language", "title_zh", "title_en", "symbol", "date", "adopted_by", "issued_for", "note", "encoding"]
VALID = {
    "key": ["itu/doc/C24/30(Rev.1)", "un/A/C.2/79/L.33", "itu/wtdc/res/30/2022", "itu/wtpf/2021/sg-report", "un/A/RES/70/125"],
    "kind": ["report", "resolution", "draft resolution", "council document", "declaration", "decision", "opinion"],
    "language": ["zh", "en"],
    "title_zh": ["测试报告", "信息和通信技术促进可持续发展"],
    "title_en": ["Test report", "ICT for development"],
    "symbol": ["A/C.2/79/L.33", "C24/30(Rev.1)", "A/RES/70/125"],
    "date": ["2024-10-23", "2024-02-30", "2024-13-01", "20٢٤-10-23", "2024-10-23T10:00:00"],
    "adopted_by": ["wtdc-22", "wtdc-99", "wtdc 22", "WTDC-22"],
    "issued_for": ["wtpf-21", "wtdc-25"],
    "note": ["a note", "line one\nline two"],
    "encoding": ["utf-8", "gb18030", "latin-1"],
}
NASTY = ["", " ", "\n", "\t", "\x00", "\x07", "\x85", "\u2028", "\ufeff", "#", "%zz", "?x=1", "/../", "..", "/", "\\", ">", '"', "<", "{", "|", "^", "`", "测试", "Ａ", "１"]
_seed_lines = [
    line
    for d in yaml.safe_load((layout.DOCUMENTS / "manifest.yaml").read_text(encoding="utf-8"))["documents"]
    for line in (layout.DOCUMENTS / d["file"]).read_text(encoding="utf-8").splitlines()[:40]
    if line.strip()
]
TOKENS = [
    "**又回顾**", "忆及\n", "做出决议，\n", "a) ", "1. ", "<sup>1</sup>", "<sup>2</sup> ", "$^3$", "[", "](#)", "]", "\\*", "**",
    "第70/125号决议", "第 56/183、57/238 和 77/150 号决议", "第1/1、", "号决议", "号决定", "第71号决议（2018年，迪拜，修订版）",
    "第637号决定（C24）", "意见2（2013年，日内瓦）", "A/79/62-E/2024/3", "C24/30(Rev.1)", "WSIS C5行动方面", "国际电联",
    "主要推进方", "可持续发展目标9", "C7行动方面（电子卫生）", "区域重点工作", "于2025年2月4日至5日在约旦安曼举办了（RPM-ARB）",
    "- EUR1：标题：说明", "2026-2029年", "１２３", "。", "；", "\n", "\n\n", " ",
]


def _value() -> st.SearchStrategy[object]:
    text = st.text(st.characters(codec="utf-8"), max_size=20)
    nasty = st.lists(st.sampled_from(NASTY), max_size=4).map("".join)
    return st.one_of(text, nasty, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(), st.lists(st.text(max_size=5), max_size=2), st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2))


def _base_entry(i: int, style: int) -> dict[str, object]:
    """A valid entry for text ``i``: kind, key and symbol that agree, unique per text."""
    entry: dict[str, object] = {"file": f"{i}.txt", "language": "zh", "title_zh": "测试报告", "title_en": "Test report"}
    if style == 0:
        entry |= {"key": f"itu/doc/C24/{i + 1}", "kind": "council document", "symbol": f"C24/{i + 1}"}
    elif style == 1:
        entry |= {"key": f"un/A/C.2/79/L.{i + 1}", "kind": "draft resolution", "symbol": f"A/C.2/79/L.{i + 1}", "date": "2024-10-23"}
    elif style == 2:
        entry |= {"key": f"itu/wtdc/res/{30 + i}/2022", "kind": "resolution", "adopted_by": "wtdc-22"}
    else:
        entry |= {"key": f"itu/wtpf/2021/report-{i}", "kind": "report", "issued_for": "wtpf-21", "note": "a note"}
    return entry


@st.composite
def entries(draw: st.DrawFn, i: int) -> dict[str, object]:
    """A valid entry with up to two things wrong (a field odd, missing, misspelt or repeated)."""
    entry = _base_entry(i, draw(st.integers(0, 3)))
    for _ in range(draw(st.integers(0, 2))):
        field = draw(st.sampled_from(FIELDS))
        how = draw(st.sampled_from(["valid", "odd", "nasty", "absent", "unknown"]))
        if how == "valid" and field in VALID:
            entry[field] = draw(st.sampled_from(VALID[field]))
        elif how == "odd":
            entry[field] = draw(_value())
        elif how == "nasty":  # a valid value with a character that breaks IRIs, lines or YAML
            base = str(entry.get(field, "x"))
            at = draw(st.integers(0, len(base)))
            entry[field] = base[:at] + draw(st.sampled_from(NASTY)) + base[at:]
        elif how == "absent":
            entry.pop(field, None)
        else:
            entry[draw(st.sampled_from(["titel_en", "File", "keys", "<<"]))] = draw(_value())
    if draw(st.integers(0, 9)) == 0:
        entry["file"] = draw(st.sampled_from(["../x.txt", "/etc/hostname", "a/b.txt", ".h.txt", "x.md", "missing.txt"]))
    return entry


@st.composite
def manifests(draw: st.DrawFn, n_files: int) -> bytes:
    form = draw(st.sampled_from(["dump"] * 8 + ["raw", "bytes"]))
    if form == "bytes":
        return draw(st.binary(max_size=200))
    if form == "raw":
        pieces = ["documents:\n", "  - ", "file: 0.txt\n", "    key: ", "&a ", "*a", "<<: ", "{", "}", "[", "]", ": ", "\t", "'", '"', "\\u", "!!python/object ", "!!timestamp ", "\n", "---\n", "%YAML 1.1\n", "测试"]
        return "".join(draw(st.lists(st.sampled_from(pieces), max_size=30))).encode("utf-8")
    docs = [draw(entries(i)) for i in range(n_files)]
    if draw(st.integers(0, 19)) == 0 and docs:  # an entry twice
        docs.append(dict(docs[0]))
    text = yaml.safe_dump({"documents": docs}, allow_unicode=True, sort_keys=False)
    if draw(st.integers(0, 9)) == 0:  # a field repeated inside an entry (YAML keeps the last)
        text = text.replace("  title_en:", "  title_en: x\n    title_en:", 1)
    if draw(st.integers(0, 9)) == 0:  # unquoted, so YAML reads an impossible date as a timestamp
        text = text.replace("date: '2024-10-23'", "date: 2024-02-30", 1)
    return text.encode("utf-8-sig") if draw(st.booleans()) else text.encode("utf-8")


@st.composite
def texts(draw: st.DrawFn) -> bytes:
    form = draw(st.sampled_from(["tokens"] * 6 + ["seed"] * 3 + ["unicode", "bytes", "gb18030"]))
    if form == "bytes":
        return draw(st.binary(max_size=300))
    if form == "unicode":
        return draw(st.text(st.characters(codec="utf-8"), max_size=300)).encode("utf-8")
    if form == "seed":
        return "\n".join(draw(st.lists(st.sampled_from(_seed_lines), min_size=1, max_size=12))).encode("utf-8")
    text = "".join(draw(st.lists(st.sampled_from(TOKENS + _seed_lines[:50]), min_size=1, max_size=60)))
    return text.encode("gb18030" if form == "gb18030" else "utf-8")


@pytest.fixture(autouse=True)
def _quiet(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(manifests(n), st.lists(texts(), min_size=n, max_size=n), st.booleans())))
def test_build_never_ends_in_a_traceback(tmp_path_factory: pytest.TempPathFactory, caplog: pytest.LogCaptureFixture, case: tuple[bytes, list[bytes], bool]) -> None:
    manifest, bodies, validate = case
    root = tmp_path_factory.mktemp("fuzz")
    folder = root / "docs"
    folder.mkdir()
    (folder / "manifest.yaml").write_bytes(manifest)
    for i, body in enumerate(bodies):
        (folder / f"{i}.txt").write_bytes(body)
    out = root / "out"
    caplog.clear()
    code = cli.main(["-q", "build", "--documents", str(folder), "--out", str(out), "--no-cache", *([] if validate else ["--no-validate"])])
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    if code == 0:
        assert (out / "wsis-kg.nt").is_file()
        assert errors == []
    else:
        assert code == 2
        assert len(errors) == 1
        assert errors[0].startswith((str(folder), "the graph does not conform")), errors[0]
        assert not out.exists()
