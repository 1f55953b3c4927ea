"""Ontology terms → what pages call them: zh/en labels from ``ontology/wsis-kg.ttl``, CURIEs.

Our own terms (``wsis:``) carry labels in both languages in the ontology; reused terms (ELI,
CiTO, SKOS…) are shown by their CURIE, the name their own documentation uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, RdfFormat, parse

from pipeline.identifiers import ONTOLOGY_NS
from pipeline.rdf.rdf_map import PREFIXES, RDFS

#: Prefixes pages use to shorten reused terms, beyond the dumps' own.
EXTRA_PREFIXES = {"owl": "http://www.w3.org/2002/07/owl#", "sh": "http://www.w3.org/ns/shacl#"}


def curie(iri: str) -> str:
    """``http://purl.org/spar/cito/Citation`` → ``cito:Citation`` (the IRI itself if no prefix fits)."""
    best = ""
    for prefix, ns in {**PREFIXES, **EXTRA_PREFIXES}.items():
        if iri.startswith(ns) and len(ns) > len(best) and "/" not in iri[len(ns):] and "#" not in iri[len(ns):]:
            best, found = ns, f"{prefix}:{iri[len(ns):]}"
    return found if best else iri


@dataclass
class Vocabulary:
    """Labels of the ontology's terms: ``labels[iri] = {"zh": …, "en": …}``."""

    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, ontology: Path) -> Vocabulary:
        """Read every ``*.ttl`` of the ontology folder (rdfs:label per language)."""
        vocab = cls()
        for path in sorted(ontology.glob("*.ttl")):
            for t in parse(path=str(path), format=RdfFormat.TURTLE):
                if t.predicate.value == RDFS + "label" and isinstance(t.object, Literal) and t.object.language:
                    vocab.labels.setdefault(t.subject.value, {})[t.object.language] = t.object.value
        return vocab

    def label(self, iri: str) -> dict[str, str]:
        """``{"zh": …, "en": …}`` for our terms; ``{"": "cito:Citation"}`` for reused ones."""
        return self.labels.get(iri) or {"": curie(iri)}

    @staticmethod
    def is_own(iri: str) -> bool:
        return iri.startswith(ONTOLOGY_NS)
