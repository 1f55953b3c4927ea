"""Citation scanning is linear in the text: shapes that took minutes with backtracking patterns.

Each shape is sized so that the regex-backtracking scanner this replaced needed more than 10 s
(a list of 4,000 numbers with no closing 号决议 took 44 s; 20,000 markers in one sentence about
100 s); the linear scanner reads them in about a second. The timeout is the test: no figures
are asserted here (benchmarks measure speed).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import layout
from pipeline.extract.document import extract_document
from pipeline.identifiers import Identifiers
from pipeline.sources.documents import ManifestEntry, SourceText
from pipeline.sources.reference import Reference

IDS = Identifiers()


def _source(text: str) -> SourceText:
    entry = ManifestEntry(file="big.txt", key="un/A/C.2/80/L.98", kind="draft resolution", language="zh",
                          title_zh="测试", title_en="Test")
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    return SourceText(entry=entry, path=Path("big.txt"), text=text, sha256="0" * 64, line_starts=tuple(starts))


@pytest.fixture(scope="module")
def ref() -> Reference:
    return Reference.load(layout.REFERENCE)


@pytest.mark.timeout(10)
def test_long_list_without_closing_marker(ref):
    text = "**又回顾**第" + "、".join(f"{i}/{i}" for i in range(1, 8001)) + "，\n"
    ex = extract_document(_source(text), ref, IDS)
    assert ex.citations == ()  # no 号决议 closes the list: nothing is cited


@pytest.mark.timeout(10)
def test_twenty_thousand_markers_in_one_sentence(ref):
    text = "回顾" + "".join(f"第{i % 300 + 1}/{i % 97 + 1}号决议和" for i in range(20000)) + "其他文件。\n"
    ex = extract_document(_source(text), ref, IDS)
    assert len(ex.citations) == 20000
    assert len({(c.span.start, c.span.end) for c in ex.citations}) == 20000
