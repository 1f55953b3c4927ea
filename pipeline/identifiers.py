"""Mint the graph's IRIs, exactly as ``docs/identifiers.md`` (the public contract) prescribes.

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
    """Slugs are lower-case ASCII words joined by ``-`` (docs/identifiers.md)."""
    return bool(_SLUG.match(slug))


def clean_symbol(symbol: str) -> str:
    """A document symbol as the UN/ITU writes it: no spaces (full-width already folded)."""
    return _SYMBOL_SPACES.sub("", symbol)


#: Path segments under ``id/itu/`` that name organs or IRI families, never a slug of a named instrument.
RESERVED_ITU_SEGMENTS = frozenset({"pp", "wtdc", "wtsa", "ra", "council", "doc", "region", "regional-initiative", "wtpf"})
ITU_ORGANS = ("pp", "wtdc", "wtsa", "ra", "council")
_SLUG_PART = r"[a-z0-9]+(?:-[a-z0-9]+)*"
#: An ITU document symbol: its first element is a Council session (C24), or a group or series
#: with a two-digit year (CL-24, TDAG-25, WTDC-25); anything else with a capital letter is the UN's.
_ITU_SYMBOL_HEAD = re.compile(r"^(?:C\d{2}|[A-Z][A-Z0-9]*-\d{2})(?:/|$)")
_UN_SYMBOL_HEAD = re.compile(r"^(?:A|E|S|ST|TD|UNEP|DP|CRC|CEDAW)(?:/|$)")
_SYMBOL = r"[A-Z][A-Za-z0-9.()\-]*(?:/[A-Za-z0-9.()\-]+)+"
_ITU_SYMBOL_KEY = r"[A-Za-z0-9][A-Za-z0-9.()\-]*(?:/[A-Za-z0-9.()\-]+)*"
_NUMBERED_UN_SERIES = re.compile(r"^(?:A|E|S)/(?:RES|DEC)/")


def symbol_family(symbol: str) -> str | None:
    """``itu`` for an ITU symbol (C18/35, CL-24/61, TDAG-25/18(Rev.1)), ``un`` for a UN one
    (A/…, E/…, S/…, ST/…), None when the shape does not tell.

    The rule is the first element's shape: ITU symbols start with a Council session code or a
    group/series code followed by a two-digit year; UN symbols with a series letter (A, E, S, ST…).
    """
    cleaned = clean_symbol(symbol)
    if _ITU_SYMBOL_HEAD.match(cleaned):
        return "itu"
    return "un" if _UN_SYMBOL_HEAD.match(cleaned) else None


@dataclass(frozen=True)
class KeyTemplate:
    """What a manifest key is, read off the templates of docs/identifiers.md.

    ``template`` is one of: ``unga-resolution``, ``ecosoc-resolution``, ``ecosoc-decision``,
    ``sc-resolution``, ``itu-resolution`` (work or version), ``council-decision`` (work or
    version), ``wtpf-opinion``, ``wtdc-declaration``, ``un-document``, ``itu-document``,
    ``unsymbolled`` (a source document with no symbol: ``{un|itu}/{body}/{year}/{slug}``) and
    ``named`` (a WSIS outcome document, ITU treaty or other named instrument).
    """

    template: str
    family: str  # un | itu | wsis | instrument
    number: str | None = None  # 70/125, 2024/13, 71, 3; None for documents
    organ: str | None = None  # ITU organ of a resolution or decision
    year: int | None = None  # year of a version, opinion or declaration
    symbol: str | None = None  # the symbol the key carries (documents and UN resolutions)

    @property
    def is_version(self) -> bool:
        """An ITU resolution or Council decision key that names one version (…/{year})."""
        return self.template in ("itu-resolution", "council-decision") and self.year is not None


_KEY_TEMPLATES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("unga-resolution", re.compile(r"^un/A/RES/(?P<n>(?:ES-|S-)?\d+/\d+|\d+\([IVXLC]+\))$")),
    ("ecosoc-resolution", re.compile(r"^un/E/RES/(?P<year>\d{4})/(?P<n>\d+)$")),
    ("ecosoc-decision", re.compile(r"^un/E/DEC/(?P<year>\d{4})/(?P<n>\d+)$")),
    ("sc-resolution", re.compile(r"^un/S/RES/(?P<n>\d+)$")),
    ("itu-resolution", re.compile(rf"^itu/(?P<organ>{'|'.join(ITU_ORGANS)})/res/(?P<n>\d+)(?:/(?P<year>\d{{4}}))?$")),
    ("council-decision", re.compile(r"^itu/(?P<organ>council)/dec/(?P<n>\d+)(?:/(?P<year>\d{4}))?$")),
    ("wtpf-opinion", re.compile(r"^itu/wtpf/(?P<year>\d{4})/opinion/(?P<n>\d+)$")),
    ("wtdc-declaration", re.compile(r"^itu/wtdc/(?P<year>\d{4})/declaration$")),
    ("un-document", re.compile(rf"^un/(?P<symbol>{_SYMBOL})$")),
    ("itu-document", re.compile(rf"^itu/doc/(?P<symbol>{_ITU_SYMBOL_KEY})$")),
    ("unsymbolled", re.compile(rf"^(?P<family>un|itu)/(?P<body>{_SLUG_PART})/(?P<year>\d{{4}})/(?P<slug>{_SLUG_PART})$")),
    ("named", re.compile(rf"^(?P<family>wsis|itu)/(?P<slug>{_SLUG_PART})$")),
    ("named", re.compile(rf"^(?P<family>instrument)/{_SLUG_PART}/(?P<slug>{_SLUG_PART})$")),
)

#: The templates as a reader sees them, for error messages.
KEY_TEMPLATE_HELP = (
    "un/A/RES/{session}/{n}, un/E/RES/{year}/{n}, un/E/DEC/{year}/{n}, un/S/RES/{n}, un/{symbol}, "
    "itu/{organ}/res/{n}[/{year}], itu/council/dec/{n}[/{year}], itu/wtpf/{year}/opinion/{n}, "
    "itu/wtdc/{year}/declaration, itu/doc/{symbol}, {un|itu}/{body}/{year}/{slug}, wsis/{slug}, "
    "itu/{slug}, instrument/{issuer}/{slug}"
)


def parse_key(key: str) -> KeyTemplate | None:
    """The template a manifest key follows (docs/identifiers.md), or None if it follows none.

    Keys are tried most specific first, so ``un/A/RES/70/125`` is a General Assembly resolution,
    not a UN document; a key that starts like a numbered series but is malformed
    (``un/A/RES/70``) follows no template rather than passing as a plain symbol. Reserved
    segments under ``itu/`` (organs, ``doc``, ``region``…) never pass as a body or slug.
    """
    for name, pattern in _KEY_TEMPLATES:
        m = pattern.match(key)
        if not m:
            continue
        g = m.groupdict()
        if name == "un-document" and _NUMBERED_UN_SERIES.match(g["symbol"]):
            return None
        if name == "un-document" and symbol_family(g["symbol"]) == "itu":
            return None
        if name == "itu-document" and symbol_family(g["symbol"]) == "un":
            return None
        if name == "unsymbolled" and g["family"] == "itu" and g["body"] in ("doc", "region", "regional-initiative"):
            return None
        if name == "named" and g["family"] == "itu" and g["slug"] in RESERVED_ITU_SEGMENTS:
            return None
        family = g.get("family") or key.split("/")[0]
        year = int(g["year"]) if g.get("year") else None
        symbol = g.get("symbol")
        if name == "unga-resolution":
            symbol = f"A/RES/{g['n']}"
        elif name in ("ecosoc-resolution", "ecosoc-decision"):
            symbol = f"E/{'RES' if name == 'ecosoc-resolution' else 'DEC'}/{g['year']}/{g['n']}"
        elif name == "sc-resolution":
            symbol = f"S/RES/{g['n']}"
        number = g.get("n")
        if name in ("ecosoc-resolution", "ecosoc-decision"):
            number = f"{g['year']}/{g['n']}"
        return KeyTemplate(template=name, family=family, number=number, organ=g.get("organ"), year=year, symbol=symbol)
    return None


@dataclass(frozen=True)
class Identifiers:
    """IRI templates under one dataset base."""

    base: str = DEFAULT_BASE

    @classmethod
    def from_environment(cls) -> Identifiers:
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

    def ecosoc_decision(self, year: int, n: int) -> str:
        """``id/un/E/DEC/{year}/{n}``: ECOSOC decision 1992/218."""
        return self.id(f"un/E/DEC/{year}/{n}")

    def sc_resolution(self, n: int) -> str:
        """``id/un/S/RES/{n}``: the year in 1325 (2000) is dropped, the number is unique."""
        return self.id(f"un/S/RES/{n}")

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

    # instruments cited by name (docs/identifiers.md, "Instruments cited by name") -----------
    def wsis_outcome(self, slug: str) -> str:
        """A WSIS outcome document: ``id/wsis/{slug}`` (geneva-plan-of-action, tunis-agenda, …)."""
        return self.id(f"wsis/{slug}")

    def itu_basic_text(self, slug: str) -> str:
        """An ITU treaty or basic text: ``id/itu/{slug}`` (constitution, convention, radio-regulations, …)."""
        return self.id(f"itu/{slug}")

    def wtdc_action_plan(self, year: int) -> str:
        """The action plan a WTDC adopted: ``id/itu/wtdc/{year}/action-plan`` (Kigali Action Plan → 2022)."""
        return self.id(f"itu/wtdc/{year}/action-plan")

    def named_instrument(self, issuer: str, slug: str) -> str:
        """Any other instrument known by its title: ``id/instrument/{issuer org slug}/{slug}``."""
        return self.id(f"instrument/{issuer}/{slug}")

    @staticmethod
    def numbered_provision(instrument: str, n: int) -> str:
        """A numbered provision of an ITU basic text: 《组织法》第141款 → ``id/itu/constitution/no/141``."""
        return f"{instrument}/no/{n}"

    @staticmethod
    def instrument_paragraph(instrument: str, n: int) -> str:
        """Paragraph ``n`` of a named instrument, numbered as the instrument itself numbers it."""
        return f"{instrument}/para/{n}"

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
        """``{provision IRI}/mandate/{k}``, k = order of the mandate in its provision (docs/identifiers.md)."""
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
    def body_mention(document: str, start: int, end: int) -> str:
        return f"{document}/body-mention/{start}-{end}"

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
