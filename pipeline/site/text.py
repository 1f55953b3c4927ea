"""A source text and the facts read from it → its document page: the whole text, cut into
segments at every span boundary, each segment knowing which facts cover it.

Offsets are Unicode code points (Python string indices), as in the graph. The text is read
from the documents folder the build read, and checked against the SHA-256 the graph holds for
it: highlights on a different text would point at the wrong words.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from pipeline.errors import WsisKgError
from pipeline.rdf.rdf_map import DCT, ELI, W
from pipeline.site.graph import DERIVED, SUBDIVISION, TEXT_SPAN, SiteGraph
from pipeline.site.links import Links, Value
from pipeline.sources.documents import SourceText


@dataclass
class Fact:
    """A fact read from a span of this text, for the highlight's pop-up (serialized as JSON)."""

    kind: dict[str, str]
    links: list[tuple[dict[str, str], dict[str, str], str]]  # (predicate, target labels, href)
    literals: list[tuple[dict[str, str], str]]
    exact: str
    anchor: str  # "char=s,e"


@dataclass
class Segment:
    """A run of text between two span boundaries: anchors opening here, facts covering it."""

    text: str
    anchors: list[str] = field(default_factory=list)
    facts: list[int] = field(default_factory=list)
    provision: str = ""  # marker shown where a provision starts ("¶ 3")
    kind: str = ""  # CSS class of the first covering fact


@dataclass
class TextPage:
    iri: str
    file: str
    labels: dict[str, str]
    document: Value | None
    language: str
    segments: list[Segment]
    facts: list[Fact]
    characters: int


def check_source(g: SiteGraph, text_iri: str, source: SourceText) -> None:
    """Raise ``WsisKgError`` naming the file if it is not the text the graph was built from."""
    expected = g.first(text_iri, W + "sha256")
    if expected is not None and expected.value != source.sha256:
        raise WsisKgError(
            f"{source.path}: not the text the graph was built from (SHA-256 differs); "
            "give `wsis-kg site --documents` the folder the build read"
        )


def text_page(links: Links, text_iri: str, file: str, source: SourceText) -> TextPage:
    """The page model of one text, written at the site file ``file``."""
    g = links.g
    text = source.text
    spans = sorted(
        (where[1], where[2], s)
        for p, s in g.into.get(text_iri, ())
        if p == DCT + "isPartOf" and g.is_span(s) and (where := g.span_of(s)) is not None and 0 <= where[1] < where[2] <= len(text)
    )
    facts: list[Fact] = []
    covering: list[tuple[int, int, int, str]] = []  # start, end, fact index, css kind
    provisions: dict[int, str] = {}
    for start, end, span in spans:
        for p, node in g.into.get(span, ()):
            if p != DERIVED:
                continue
            types = g.types(node)
            if SUBDIVISION in types:
                provisions.setdefault(start, links.labels(node).get("en") or links.labels(node).get("", ""))
                continue
            if TEXT_SPAN in types:
                continue
            facts.append(_fact(links, node, text_iri, file, span, start, end))
            covering.append((start, end, len(facts) - 1, _css_kind(links, types)))
    bounds = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    anchors: dict[int, list[str]] = {}
    for start, end, _ in spans:
        anchor = f"char={start},{end}"
        if anchor not in anchors.setdefault(start, []):
            anchors[start].append(anchor)
    segments = [Segment(text[a:b], anchors.get(a, []), provision=provisions.get(a, "")) for a, b in itertools.pairwise(bounds)]
    for start, end, index, kind in covering:  # each fact marks the segments between its bounds
        for seg in segments[bisect_left(bounds, start) : bisect_left(bounds, end)]:
            seg.facts.append(index)
            seg.kind = seg.kind or kind
    docs = g.iri_objects(text_iri, ELI + "realizes")
    lang = g.first(text_iri, DCT + "language")
    return TextPage(
        iri=text_iri,
        file=file,
        labels=links.labels(docs[0]) if docs else {"": text_iri},
        document=Value(links.labels(docs[0]), links.href(docs[0], file), docs[0]) if docs else None,
        language=lang.value if lang is not None else "",
        segments=segments,
        facts=facts,
        characters=len(text),
    )


def _fact(links: Links, node: str, text_iri: str, file: str, span: str, start: int, end: int) -> Fact:
    g = links.g
    types = g.types(node)
    kind = next((t for t in types if links.vocab.is_own(t)), types[0] if types else "")
    fact = Fact(links.vocab.label(kind) if kind else {"": ""}, [], [], g.exact(span), f"char={start},{end}")
    if node in links.entities:  # a fact that is itself an entity (a meeting, an initiative)
        fact.links.append(({"": "↗"}, links.labels(node), links.href(node, file) or ""))
    for p, objs in sorted(g.out.get(node, {}).items()):
        if p in (DERIVED, W + "sentence", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"):
            continue
        for o in objs:
            value = links.value(o, file)
            if isinstance(o, NamedNode) and value.href is not None and o.value != text_iri:
                fact.links.append((links.vocab.label(p), value.labels, value.href))
            elif isinstance(o, Literal):
                fact.literals.append((links.vocab.label(p), next(iter(value.labels.values()), "")))
    return fact


def _css_kind(links: Links, types: list[str]) -> str:
    """``citation``, ``conceptmention``… : the local name of the fact's most specific class."""
    own = [t for t in types if links.vocab.is_own(t)] or types
    return own[0].rsplit("#", 1)[-1].rsplit("/", 1)[-1].lower() if own else "fact"
