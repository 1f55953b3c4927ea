"""Texts of a chosen size in the shapes that once made the build quadratic (issue 12).

Each shape is a function of a size in UTF-8 bytes that returns one document's text; the
benchmark (``benchmarks/pathological.py``) builds each at 1, 4 and 16 MB and the tests keep
each at a size that took more than 10 s before extraction was made linear. Together with
``manifest_for`` they make a documents folder ``wsis-kg build`` reads.

* ``ordinary``: the five seed texts one after another, repeated (what a long real text is);
* ``brackets``: one line of ``[`` (Markdown link blanking looked ahead to the line's end
  from every bracket);
* ``footnotes``: numbered footnotes, each called from a paragraph and citing a resolution
  (footnotes were looked up by scanning every provision);
* ``un_list``: one sentence ``**又回顾**第1/1、2/2、…`` with no closing 号决议 (the list pattern
  backtracked);
* ``markers``: citation markers (号决议) that no notation accounts for, in one sentence;
* ``long_sentence``, ``role_sentence``, ``wsis_sentence``: one sentence with no end, of
  action-line codes, ITU role statements, or both in a WSIS sentence (every code looked at its
  whole sentence, and every mention copied it);
* ``long_lines``: a paragraph whose lines never end a sentence (each new line re-read the
  whole paragraph).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipeline import layout
from pipeline.sources.documents import MANIFEST
from pipeline.sources.yamlfile import safe_load


def _repeat_to(unit: str, size: int, head: str = "", tail: str = "") -> str:
    """``head`` + ``unit`` repeated + ``tail``, cut at a whole unit, about ``size`` UTF-8 bytes."""
    unit_bytes = len(unit.encode("utf-8"))
    fixed = len(head.encode("utf-8")) + len(tail.encode("utf-8"))
    count = max(1, (size - fixed) // unit_bytes)
    return head + unit * count + tail


def ordinary(size: int) -> str:
    """The seed texts, in manifest order, repeated to ``size`` bytes (cut at a line end)."""
    manifest = safe_load((layout.DOCUMENTS / MANIFEST).read_text(encoding="utf-8"))
    seeds = "".join((layout.DOCUMENTS / d["file"]).read_text(encoding="utf-8-sig") for d in manifest["documents"])
    data = (seeds * (size // len(seeds.encode("utf-8")) + 1)).encode("utf-8")[:size]
    cut = data.rfind(b"\n") + 1
    return data[:cut].decode("utf-8")


def brackets(size: int) -> str:
    """One line of ``[`` and nothing else but a sentence that makes it a resolution."""
    return _repeat_to("[", size, head="**忆及**\n", tail="\n")


def footnotes(size: int) -> str:
    """Paragraphs each calling a footnote, then the footnotes, each citing a UN resolution."""
    unit_body = "**又回顾**大会关于信息和通信技术促进可持续发展的决议<sup>{n}</sup>。\n"
    unit_note = "<sup>{n}</sup> 第70/{r}号决议。\n"
    per = len(unit_body.format(n=99999).encode()) + len(unit_note.format(n=99999, r=99999).encode())
    count = max(1, size // per)
    body = "".join(unit_body.format(n=n) for n in range(1, count + 1))
    notes = "".join(unit_note.format(n=n, r=n % 300 + 1) for n in range(1, count + 1))
    return body + notes


def un_list(size: int) -> str:
    """One sentence listing UN resolution numbers that never closes with 号决议."""
    return _repeat_to("1/1、", size, head="**又回顾**第", tail="2/2\n")


def markers(size: int) -> str:
    """Citation markers with no number before them, in one long sentence."""
    return _repeat_to("见号决议，", size, head="**又回顾**", tail="。\n")


def long_sentence(size: int) -> str:
    """Action-line codes and the agent in one sentence that never ends and never names WSIS
    (every code looked at the whole sentence for a WSIS word)."""
    return _repeat_to("国际电联作为C2和C5的推进方，", size, head="**忆及**", tail="\n")


def role_sentence(size: int) -> str:
    """ITU role statements, one after another in one sentence that never ends (every run of
    codes re-read the sentence for role phrases before it)."""
    return _repeat_to("国际电联为C2和C5的主要推进方，", size, head="**忆及**", tail="\n")


def wsis_sentence(size: int) -> str:
    """Action-line mentions and role statements in one endless WSIS sentence (each mention
    copied the whole sentence as its evidence)."""
    return _repeat_to("国际电联为WSIS C2和C5行动方面的主要推进方，", size, head="**忆及**", tail="\n")


def long_lines(size: int) -> str:
    """One resolution paragraph cut over many short lines, none ending a sentence."""
    return _repeat_to("信息和通信技术促进可持续发展\n", size, head="忆及\na) ", tail="。\n")


SHAPES: dict[str, Callable[[int], str]] = {
    "ordinary": ordinary,
    "brackets": brackets,
    "footnotes": footnotes,
    "un_list": un_list,
    "markers": markers,
    "long_sentence": long_sentence,
    "role_sentence": role_sentence,
    "wsis_sentence": wsis_sentence,
    "long_lines": long_lines,
}


def write_folder(folder: Path, text: str, kind: str = "draft resolution") -> Path:
    """A documents folder holding ``text`` as its one document; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "doc.txt").write_text(text, encoding="utf-8")
    (folder / MANIFEST).write_text(manifest_for("doc.txt", kind), encoding="utf-8")
    return folder


def manifest_for(file: str, kind: str = "draft resolution") -> str:
    """A one-entry manifest: a UN draft resolution (symbol and date stated) in Chinese."""
    return (
        "documents:\n"
        f"  - file: {file}\n"
        "    key: un/A/C.2/99/L.1\n"
        f"    kind: {kind}\n"
        "    language: zh\n"
        "    symbol: A/C.2/99/L.1\n"
        "    title_zh: 信息和通信技术促进可持续发展\n"
        "    title_en: Information and communications technologies for sustainable development\n"
        "    date: 2024-10-23\n"
    )
