"""IRIs → the site's file paths, and relative links between pages.

The mapping is the one a w3id redirect applies (README, "Entity IRIs"): the IRI
``{base}id/itu/pp/res/71/2018`` is the page ``id/itu/pp/res/71/2018/index.html`` of the site
and its triples ``…/index.ttl``; a span ``{text}#char=s,e`` is the anchor ``#char=s,e`` on the
text's page. A folder per IRI (rather than ``71.html``) is what lets a work ``…/res/71`` and its
version ``…/res/71/2018`` both have pages. Links are relative, so the site works from
``file://`` and under any URL prefix.
"""

from __future__ import annotations

import functools
from urllib.parse import quote

PAGE = "index.html"
TURTLE = "index.ttl"


def iri_path(iri: str, base: str) -> str | None:
    """The folder of ``iri``'s page relative to the site root (``id/…``), or None if the IRI is
    not under ``base`` or carries a fragment (spans, ontology terms)."""
    if not iri.startswith(base) or "#" in iri:
        return None
    rest = iri[len(base):].strip("/")
    if not rest or any(part in ("", ".", "..") for part in rest.split("/")):
        return None
    return rest


def page_file(folder: str, page: int = 1) -> str:
    """The file of page ``page`` (1-based) of a paginated folder: index.html, page-2.html, …"""
    return f"{folder}/{PAGE}" if page == 1 else f"{folder}/page-{page}.html"


def href(target: str, here: str) -> str:
    """A relative URL from the page file ``here`` to the site file ``target`` (both relative to
    the site root, POSIX), percent-encoded for a browser (symbols hold ``(``, ``)``, ``.``).

    The URL goes up to the root and down again (``../../id/…``) rather than the shortest way:
    as correct, and cheap enough for the million links of a large site.
    """
    return root_of(here) + _quoted(target)


@functools.lru_cache(maxsize=200_000)
def _quoted(path: str) -> str:
    return quote(path, safe="/.-_~")


@functools.lru_cache(maxsize=4096)
def root_of(here: str) -> str:
    """The relative prefix from the page file ``here`` back to the site root ("" or "../…/")."""
    return "../" * here.count("/")
