"""Which IRIs have a page, and how any graph term is shown and linked from a given page.

Every link the site writes is made here, so "every internal link resolves" holds by
construction: an IRI gets an ``href`` only if it has a page (entity or text), is a span on a
text that has one (its ``#char=`` anchor), or is an ontology term (the ontology docs).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from pipeline.identifiers import ONTOLOGY_NS
from pipeline.rdf.rdf_map import DCT, ELI, SKOS, W
from pipeline.site.graph import DERIVED, EXPRESSION, SiteGraph, Term
from pipeline.site.paths import PAGE, href, iri_path
from pipeline.site.vocabulary import Vocabulary, curie

ONTOLOGY_PAGE = "ontology/index.html"


@dataclass(frozen=True)
class Value:
    """One term as a page shows it: ``labels`` by language ("" = untagged), where it links
    (relative ``href`` or None), and the IRI or datatype shown small beside it."""

    labels: dict[str, str]
    href: str | None = None
    iri: str = ""
    note: str = ""
    show_iri: bool = True

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.labels.get("en") or self.labels.get("") or next(iter(self.labels.values()), ""), self.iri)


@dataclass
class Links:
    """The site's link table over one graph."""

    g: SiteGraph
    vocab: Vocabulary
    entities: set[str] = field(default_factory=set)  # IRIs with an entity page
    texts: set[str] = field(default_factory=set)  # text IRIs with a document page
    ontology: dict[str, str] = field(default_factory=dict)  # term IRI → its anchor in the ontology docs
    _folders: dict[str, str] = field(default_factory=dict, repr=False)
    _labels: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, g: SiteGraph, vocab: Vocabulary, texts: set[str], page_classes: AbstractSet[str] = frozenset()) -> Links:
        """Entity pages: every labelled IRI under the base (generic by class: a new class with
        labels gets pages without code changes) and every node of ``page_classes``; document
        pages: the ``texts`` given."""
        entities = {
            s for s in g.out
            if iri_path(s, g.base) is not None and s not in texts and (g.has_label(s) or not page_classes.isdisjoint(g.types(s)))
        }  # fmt: skip
        return cls(g, vocab, entities, texts)

    # ------------------------------------------------------------------ files
    def folder(self, iri: str) -> str:
        folder = self._folders.get(iri)
        if folder is None:
            found = iri_path(iri, self.g.base)
            assert found is not None, iri
            folder = self._folders[iri] = found
        return folder

    def file_of(self, iri: str) -> str | None:
        """The site file an IRI opens (with ``#…`` for spans and ontology terms), or None."""
        if iri in self.entities or iri in self.texts:
            return f"{self.folder(iri)}/{PAGE}"
        if iri in self.ontology:
            return f"{ONTOLOGY_PAGE}#{self.ontology[iri]}"
        span = self.g.span_of(iri) if self.g.is_span(iri) else None
        if span and span[0] in self.texts:
            return f"{self.folder(span[0])}/{PAGE}#char={span[1]},{span[2]}"
        derived = self.g.iri_objects(iri, DERIVED)  # a page-less record: its place in the text
        if derived:
            return self.file_of(derived[0])
        return None

    def href(self, iri: str, here: str) -> str | None:
        target = self.file_of(iri)
        if target is None:
            return None
        path, _, fragment = target.partition("#")
        return href(path, here) + (f"#{fragment}" if fragment else "")

    # ------------------------------------------------------------------ labels
    def labels(self, iri: str) -> dict[str, str]:
        """A node's name per language: its labels; for a text, its document's; for a page-less
        record, its class and marker; an ontology term's label; else the IRI's CURIE."""
        found = self.g.labels(iri) or self._labels.get(iri)
        if found:
            return found
        found = self._labels[iri] = self._made_labels(iri)
        return found

    def _made_labels(self, iri: str) -> dict[str, str]:
        if iri in self.texts:
            doc = self.g.iri_objects(iri, ELI + "realizes")
            lang = self.g.first(iri, DCT + "language")
            suffix = f" · {lang.value}" if lang is not None else ""
            return {k: v + suffix for k, v in (self.g.labels(doc[0]) if doc else {"": iri}).items()}
        if iri.startswith(ONTOLOGY_NS) or iri not in self.g.out:
            return self.vocab.label(iri)
        kinds = [t for t in self.g.types(iri) if t.startswith(ONTOLOGY_NS)] or self.g.types(iri)
        kind = self.vocab.label(kinds[0]) if kinds else {"": curie(iri)}
        marker = self.g.first(iri, W + "marker") or self.g.first(iri, SKOS + "notation")
        if marker is not None:
            tail = f" {marker.value}"
        elif iri in self.entities and (spans := self.g.iri_objects(iri, DERIVED)):
            words = self.g.exact(spans[0])  # an unlabelled entity is named by its own words
            tail = f": {words[:40]}…" if len(words) > 40 else f": {words}"
        else:
            sequence = self.g.first(iri, W + "sequence")
            tail = f" {sequence.value}" if sequence is not None else ""
        return {k: v + tail for k, v in kind.items()}

    def value(self, term: Term, here: str) -> Value:
        """Any object of a triple as shown on the page ``here``."""
        if isinstance(term, NamedNode):
            iri = term.value
            if self.g.is_span(iri):
                return Value({"": self.g.exact(iri)}, self.href(iri, here), iri)
            return Value(self.labels(iri), self.href(iri, here), iri)
        lang = term.language or ""
        dt = term.datatype.value if term.datatype is not None and not lang else ""
        note = curie(dt) if dt and not dt.endswith("#string") else ""
        return Value({lang: term.value}, None, "", note)

    def term(self, iri: str, here: str) -> Value:
        """A class or property, linked to its ontology documentation when it is ours."""
        return Value(self.vocab.label(iri), self.href(iri, here) if self.vocab.is_own(iri) else None, iri, show_iri=False)


def is_text(g: SiteGraph, iri: str) -> bool:
    return any(t.value == EXPRESSION for t in g.objects(iri, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"))
