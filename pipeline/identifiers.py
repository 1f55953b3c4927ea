"""Mint the graph's IRIs, exactly as ``IDENTIFIERS.md`` (the public contract) prescribes.

Every IRI in the graph is made here and nowhere else, so a template changes in one place.
The dataset base is configurable (``WSIS_KG_BASE`` or ``wsis-kg build --base``), never
hard-coded twice.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

DEFAULT_BASE = "https://w3id.org/wsis-kg/"
ONTOLOGY_NS = "https://w3id.org/wsis-kg/ontology#"
SHAPES_NS = "https://w3id.org/wsis-kg/shapes#"

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SYMBOL_SPACES = re.compile(r"\s+")


def slug_ok(slug: str) -> bool:
    """Slugs are lower-case ASCII words joined by ``-`` (IDENTIFIERS.md)."""
    return bool(_SLUG.match(slug))


def clean_symbol(symbol: str) -> str:
    """A document symbol as the UN/ITU writes it: no spaces (full-width already folded)."""
    return _SYMBOL_SPACES.sub("", symbol)


@dataclass(frozen=True)
class Identifiers:
    """IRI templates under one dataset base."""

    base: str = DEFAULT_BASE

    @classmethod
    def from_environment(cls) -> "Identifiers":
        """The base from ``WSIS_KG_BASE`` if set, so a fork can publish under its own domain."""
        base = os.environ.get("WSIS_KG_BASE", DEFAULT_BASE)
        return cls(base if base.endswith("/") else base + "/")

    def id(self, path: str) -> str:
        """Any ``id/…`` path, e.g. a manifest key."""
        return f"{self.base}id/{path}"

    # instruments and documents -------------------------------------------------------
    def un_document(self, symbol: str) -> str:
        return self.id(f"un/{clean_symbol(symbol)}")

    def unga_resolution(self, number: str) -> str:
        """``number`` is ``70/125``, ``ES-10/23`` or ``217(III)``."""
        return self.id(f"un/A/RES/{clean_symbol(number)}")

    def ecosoc_resolution(self, year: int, n: int) -> str:
        return self.id(f"un/E/RES/{year}/{n}")

    def itu_work(self, organ: str, kind: str, n: int) -> str:
        """An ITU resolution (``kind='res'``) or Council decision (``'dec'``) across revisions."""
        return self.id(f"itu/{organ}/{kind}/{n}")

    def itu_version(self, organ: str, kind: str, n: int, year: int) -> str:
        """The version adopted or last revised at the conference of ``year``."""
        return f"{self.itu_work(organ, kind, n)}/{year}"

    def wtpf_opinion(self, year: int, n: int) -> str:
        return self.id(f"itu/wtpf/{year}/opinion/{n}")

    def wtdc_declaration(self, year: int) -> str:
        return self.id(f"itu/wtdc/{year}/declaration")

    def itu_document(self, symbol: str) -> str:
        return self.id(f"itu/doc/{clean_symbol(symbol)}")

    # concepts -------------------------------------------------------------------------
    def action_line_scheme(self) -> str:
        return self.id("wsis/action-line")

    def action_line(self, code: str) -> str:
        return self.id(f"wsis/action-line/{code}")

    def sub_line(self, slug: str) -> str:
        return self.id(f"wsis/action-line/C7/{slug}")

    def sdg_scheme(self) -> str:
        return self.id("sdg")

    def sdg(self, goal: int) -> str:
        return self.id(f"sdg/{goal}")

    def region_scheme(self) -> str:
        return self.id("itu/region")

    def region(self, code: str) -> str:
        return self.id(f"itu/region/{code}")

    def regional_initiative(self, cycle: str, code: str) -> str:
        return self.id(f"itu/regional-initiative/{cycle}/{code}")

    def clause_verb_scheme(self) -> str:
        return self.id("clause-verb")

    def clause_verb(self, slug: str) -> str:
        """A clause verb concept: participle (recalling) or third person (instructs)."""
        return self.id(f"clause-verb/{slug}")

    # agents, events, places, sources -------------------------------------------------
    def org(self, slug: str) -> str:
        return self.id(f"org/{slug}")

    def event(self, slug: str) -> str:
        return self.id(f"event/{slug}")

    def place(self, slug: str) -> str:
        return self.id(f"place/{slug}")

    @staticmethod
    def text(document: str, lang: str) -> str:
        return f"{document}/text/{lang}"

    @staticmethod
    def span(text: str, start: int, end: int) -> str:
        """RFC 5147 fragment; offsets in Unicode code points, end exclusive."""
        return f"{text}#char={start},{end}"

    # records minted under the node they belong to (see ontology/MODEL.md) -------------
    @staticmethod
    def provision(container: str, k: int) -> str:
        return f"{container}/provision/{k}"

    @staticmethod
    def mandate(provision: str, k: int) -> str:
        """``{provision IRI}/mandate/{k}``, k = order of the mandate in its provision (IDENTIFIERS.md)."""
        return f"{provision}/mandate/{k}"

    @staticmethod
    def footnote(document: str, marker: str) -> str:
        return f"{document}/footnote/{marker}"

    @staticmethod
    def citation(citing: str, start: int, end: int) -> str:
        return f"{citing}/citation/{start}-{end}"

    @staticmethod
    def mention(document: str, start: int, end: int) -> str:
        return f"{document}/mention/{start}-{end}"

    @staticmethod
    def role(document: str, code: str, start: int, end: int) -> str:
        return f"{document}/role/{code}/{start}-{end}"

    @staticmethod
    def priority(meeting: str, n: int) -> str:
        return f"{meeting}/priority/{n}"

    # named graphs and the dataset -----------------------------------------------------
    def graph(self, key: str) -> str:
        """One named graph per source document (its manifest key) plus ``reference``."""
        return f"{self.base}graph/{key}"

    def dataset(self) -> str:
        return f"{self.base}dataset"
