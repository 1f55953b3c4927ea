"""Structure of a text: annex parts, preamble clauses under their verb, operative paragraphs, footnotes.

Two conventions meet in the seeds. ITU texts put each verb on a line of its own (忆及,
做出决议，请…) with lettered or numbered items below; UN texts open each paragraph with
its verb (**又回顾**…) and number the operative ones ("1."). One line-based pass handles
both: a heading line sets the verb, a marked line opens an item, a bold or known verb opens a
UN paragraph, and a line that continues a sentence cut by a page break is merged back.
Numbered items are operative, lettered ones preamble, unless their heading says otherwise.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from pipeline.extract.view import span
from pipeline.identifiers import Identifiers
from pipeline.model import AnnexPart, Provision, ProvisionKind
from pipeline.sources.documents import SourceText
from pipeline.sources.reference import Reference

_JUNK = re.compile(r"^(?:\d{2}-\d{5}\s+(?:\*\*)?\d+/\d+(?:\*\*)?|\d+/\d+|\\?_|---|\*\*\d+/\d+\*\*)$")
_MARKER = re.compile(r"^(?:-\s+)?(?:\d+\t)?\*?(?P<m>[a-z]\)|[ivxl]+\)|\d{1,2}(?:\.|\))?)\*?(?=\s)\s*")
_FOOTNOTE_LINE = re.compile(r"^(?:<sup>&</sup>lt;sup>|<sup>)(?P<sup>\\?\*|\d+)</sup>\s*|^(?P<plain>\d{1,2}) (?=第|见)|^(?P<uni>[¹²³⁴⁵⁶⁷⁸⁹])\s*")
_FOOTNOTE_REF = re.compile(r"(?<!^)<sup>(\d+)</sup>|\$\^(\d+)\$|(?<=[\u4e00-\u9fff])([¹²³⁴⁵⁶⁷⁸⁹])")
_TRAILING_CALL = re.compile(r"(?:</sup>|\$\^\d+\$)$")
_BOLD_VERB = re.compile(r"^\s*\*\*([^*]{1,12})\*\*")
_PART = re.compile(r"^\**意见(\d+)草案[:：]")
_TERMINATORS = "，,；;。：:"
_SUPERSCRIPT = {"¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"}
_MAX_HEADING = 40
_LONG_LINE = 40

#: Kinds of source document whose body is made of provisions.
STRUCTURED_KINDS = frozenset({"declaration", "decision", "draft decision", "draft opinion", "draft resolution", "opinion", "resolution"})
#: Kinds of source document whose body is made of numbered paragraphs (1.3, 2.5).
NUMBERED_KINDS = frozenset({"report", "council document"})


@dataclass
class _Line:
    start: int
    end: int
    raw: str

    @property
    def text(self) -> str:
        return self.raw.strip()


@dataclass
class _Open:
    """The provision being read, until the next one starts."""

    kind: ProvisionKind
    start: int
    end: int
    marker: str | None
    verb: str | None
    refs: list[str] = field(default_factory=list)
    last: int = 0  # start of its last line


def _lines(text: str, start: int, end: int) -> list[_Line]:
    out, pos = [], start
    for raw in text[start:end].split("\n"):
        out.append(_Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def _plain(text: str) -> str:
    """A line without Markdown emphasis and list dashes, for comparing with verbs."""
    return text.replace("**", "").lstrip("- ").strip()


def annex_parts(source: SourceText, ref: Reference, ids: Identifiers) -> list[AnnexPart]:
    """WTPF draft opinions in the annex of a report issued for a WTPF (003's Opinions 1–5)."""
    conference = ref.conference_by_slug.get(source.entry.issued_for or "")
    if source.entry.kind != "report" or conference is None or conference.organ != "wtpf":
        return []
    lines = _lines(source.text, 0, len(source.text))
    heads = [(i, m) for i, line in enumerate(lines) if (m := _PART.match(line.text))]
    parts = []
    for k, (i, m) in enumerate(heads):
        line = lines[i]
        title = line.text[m.end():]
        if line.text.startswith("**") and not line.text.endswith("**") and i + 1 < len(lines):
            title += lines[i + 1].text
        end = lines[heads[k + 1][0]].start if k + 1 < len(heads) else len(source.text)
        number = int(m.group(1))
        parts.append(
            AnnexPart(
                iri=ids.wtpf_opinion(conference.year, number),
                number=number,
                year=conference.year,
                title=re.sub(r"\s+", "", title.replace("**", "")),
                span=span(source, line.start, end),
            )
        )
    return parts


class _Reader:
    """Reads the provisions of one container (a document body or an annex part)."""

    def __init__(self, source: SourceText, ref: Reference, container: str, family: str) -> None:
        self.source = source
        self.container = container
        self.un_style = family == "un"
        vocab = ref.vocabulary
        self.preamble_verbs = sorted(vocab.preamble_verbs, key=len, reverse=True)
        self.operative_verbs = sorted(vocab.operative_verbs, key=len, reverse=True)
        self.out: list[Provision] = []
        self.footnotes: list[Provision] = []
        self.markers: set[str] = set()
        self.open: _Open | None = None
        self.verb: str | None = None
        self.section: ProvisionKind = "preamble"

    # ---------------------------------------------------------------- classification
    def _heading(self, text: str) -> str | None:
        plain = _plain(text).rstrip("，,:：")
        if not plain or len(plain) > _MAX_HEADING or _MARKER.match(text) or plain[-1:] in "。；;":
            return None
        if plain in self.preamble_verbs:
            return plain
        if not self.un_style and any(plain.startswith(v) for v in self.operative_verbs):
            return plain
        return None

    def _leading_verb(self, text: str) -> str | None:
        bold = _BOLD_VERB.match(text)
        if bold:
            return bold.group(1).strip()
        plain = _plain(text)
        return next((v for v in (*self.preamble_verbs, *self.operative_verbs) if plain.startswith(v)), None)

    # ---------------------------------------------------------------- state changes
    def _close(self) -> None:
        if self.open is None:
            return
        o, self.open = self.open, None
        self.out.append(
            Provision(
                kind=o.kind,
                container=self.container,
                sequence=len(self.out) + 1,
                marker=o.marker,
                verb=o.verb,
                span=span(self.source, o.start, o.end),
                footnote_refs=tuple(dict.fromkeys(o.refs)),
            )
        )

    def _refs(self, raw: str) -> list[str]:
        return [_SUPERSCRIPT.get(g, g) for m in _FOOTNOTE_REF.finditer(raw) for g in m.groups() if g]

    def _footnote(self, line: _Line, marker: str) -> None:
        """A numbered footnote; a second footnote with a number already used in this container
        (numbering restarted, or a text repeated) is not kept: its IRI would be the first's."""
        if marker in self.markers:
            return
        self.markers.add(marker)
        self.footnotes.append(
            Provision(
                kind="footnote",
                container=self.container,
                sequence=len(self.footnotes) + 1,
                marker=marker,
                span=span(self.source, line.start, line.end),
            )
        )

    def feed(self, line: _Line) -> None:
        text = line.text
        if not text or _JUNK.match(text) or text.startswith("#"):
            return
        fn = _FOOTNOTE_LINE.match(line.raw.lstrip())
        if fn:
            marker = (fn.group("sup") or "").lstrip("\\") or fn.group("plain") or _SUPERSCRIPT[fn.group("uni")]
            if marker.isdigit():  # the unnumbered author's note (*) is not a numbered footnote
                self._footnote(line, marker)
            return
        heading = self._heading(text)
        if heading:
            self._close()
            self.verb = heading
            self.section = "preamble" if heading in self.preamble_verbs else "operative"
            return
        marked = _MARKER.match(text)
        o = self.open
        if o is not None and not marked and self._unfinished(o):  # continues the open item
            o.end, o.last = line.end, line.start
            o.refs += self._refs(line.raw)
            return
        self._close()
        marker = marked.group("m").rstrip(".") if marked else None
        numeric = bool(marker and marker.rstrip(")").isdigit())
        if self.un_style:
            if numeric:
                self.section = "operative"
            kind: ProvisionKind = self.section
            verb = self._leading_verb(text[marked.end():] if marked else text)
        else:
            kind = "operative" if (numeric or self.section == "operative") else "preamble"
            if numeric and self.verb is None:
                self.section = "operative"
            verb = self.verb
        self.open = _Open(kind, line.start, line.end, marker, verb, self._refs(line.raw), last=line.start)

    def _unfinished(self, o: _Open) -> bool:
        """A provision whose last line stops mid-sentence (a page break cut it).

        Only the last line is read (re-reading the whole item per line made a paragraph of many
        short lines quadratic).

        A trailing footnote call (``<sup>2</sup>`` or ``$^2$``) ends a paragraph like a
        terminator does: otherwise the next paragraph is swallowed and takes this one's verb.
        """
        tail = self.source.text[o.last:o.end].rstrip().replace("**", "").rstrip()
        if not tail:  # a last line of markup only: what ends is the text before it (rare)
            tail = self.source.text[o.start:o.end].rstrip().replace("**", "").rstrip()
        return bool(tail) and tail[-1] not in _TERMINATORS and not _TRAILING_CALL.search(tail)

    def finish(self) -> list[Provision]:
        self._close()
        return self.out + self.footnotes


class ProvisionIndex:
    """Which provision holds an offset, by bisection (a scan per citation was quadratic).

    Provisions do not overlap each other, nor footnotes each other; a footnote may sit inside a
    clause, and then the clause (the lower index, as in the provisions' own order) wins.
    """

    def __init__(self, provisions: tuple[Provision, ...]) -> None:
        self.provisions = provisions
        self.groups: list[tuple[list[int], list[int]]] = []
        for footnotes in (False, True):
            idx = sorted((i for i, p in enumerate(provisions) if (p.kind == "footnote") == footnotes),
                         key=lambda i: provisions[i].span.start)
            self.groups.append(([provisions[i].span.start for i in idx], idx))
        self.callers: dict[tuple[str, str], Provision] = {}
        for q in provisions:
            for ref in q.footnote_refs:
                self.callers.setdefault((q.container, ref), q)

    def holding(self, offset: int) -> int | None:
        """The lowest index of a provision whose span holds ``offset``, or None."""
        hits = []
        for starts, idx in self.groups:
            k = bisect_right(starts, offset) - 1
            if k >= 0 and offset < self.provisions[idx[k]].span.end:
                hits.append(idx[k])
        return min(hits) if hits else None

    def at(self, offset: int) -> tuple[int | None, str | None]:
        """Index and clause verb of the provision holding ``offset``; a footnote takes the verb of
        the first provision that calls it."""
        i = self.holding(offset)
        if i is None:
            return None, None
        p = self.provisions[i]
        if p.kind != "footnote":
            return i, p.verb
        caller = self.callers.get((p.container, p.marker or ""))
        return i, caller.verb if caller else None


def _body_start(lines: list[_Line], reader: _Reader) -> int:
    """Index of the first body line: a heading, a verb-led paragraph, or a long sentence."""
    for i, line in enumerate(lines):
        text = line.text
        if not text or text.startswith("#"):
            continue
        if reader._heading(text) or (reader.un_style and reader._leading_verb(text)):
            return i
        plain = _plain(text)
        if len(plain) >= _LONG_LINE and plain[-1] in "。；;":
            return i
    return len(lines)


def provisions(
    source: SourceText, ref: Reference, containers: list[tuple[str, int, int]], family: str
) -> list[Provision]:
    """Provisions of every ``(container IRI, start, end)`` region of ``source``."""
    out: list[Provision] = []
    for iri, start, end in containers:
        reader = _Reader(source, ref, iri, family)
        lines = _lines(source.text, start, end)
        skip_first = 1 if _PART.match(lines[0].text) else 0
        body = lines[skip_first:]
        for line in body[_body_start(body, reader):]:
            reader.feed(line)
        out.extend(reader.finish())
    return out


# ------------------------------------------------------------------ reports and Council documents
_NUMBERED = re.compile(r"^(?:\[bookmark:[^\]]*\])*(?P<n>\d+(?:\.\d+)+)\s+(?P<rest>\S.*)$")
_LIST_ITEM = re.compile(r"^(?:•|-\s|\d{1,2}\)|[a-z]\)|[ivxl]+\))")
_SENTENCE_LINE = 10  # an unnumbered line this long ending in 。 is a paragraph of its own
_HEADING_LINE = 40  # a numbered line this short with no closing punctuation is a heading


def is_junk_line(text: str) -> bool:
    """A page footer, page number or separator line (not part of any sentence)."""
    return bool(_JUNK.match(text.strip()))


def numbered_paragraphs(source: SourceText, container: str, start: int, end: int) -> list[Provision]:
    """Paragraphs of a report or Council document (kind ``paragraph``), in text order.

    A line numbered ``1.3`` or ``2.8.4`` opens a paragraph (marker ``1.3``) unless it is a short
    heading with no closing punctuation (``2.8.1 人工智能（AI）``); list items (•, a), 1)) and lines
    that continue a cut sentence or a list the paragraph announced (…如下：) belong to it. An
    unnumbered line that is a whole sentence (…。) is a paragraph with no marker (Council
    documents put the request to the Council in one: 请理事会将本文件记录在案。). Section headings
    (``1 背景``) and table cells are not provisions. docs/identifiers.md: numbered paragraphs of
    reports are provisions, ``{container}/provision/{k}``.
    """
    out: list[Provision] = []
    open_: _Open | None = None

    def close() -> None:
        nonlocal open_
        if open_ is not None:
            out.append(Provision(kind="paragraph", container=container, sequence=len(out) + 1, marker=open_.marker,
                                 span=span(source, open_.start, open_.end)))
            open_ = None

    for line in _lines(source.text, start, end):
        text = _plain(line.text)
        if not text or is_junk_line(text) or text.startswith("#"):
            continue
        numbered = _NUMBERED.match(text)
        if numbered:
            close()
            rest = numbered.group("rest").strip()
            if len(rest) <= _HEADING_LINE and rest[-1] not in "。；;：:？?，,":
                continue  # a heading
            open_ = _Open("paragraph", line.start, line.end, numbered.group("n"), None)
            continue
        if open_ is not None:
            tail = source.text[open_.start:open_.end].rstrip()
            if _LIST_ITEM.match(text) or tail[-1] not in "。；;？?" :
                open_.end = line.end
                continue
        close()
        if len(text) >= _SENTENCE_LINE and text[-1] == "。":
            open_ = _Open("paragraph", line.start, line.end, None, None)
    close()
    return out
