"""URL paths → files of the static site (``wsis-kg site``), for ``wsis-kg serve``'s gateway.

The site's folders mirror the IRIs (``{base}id/itu/pp/res/71/2018`` → ``id/itu/pp/res/71/2018/
index.html``), so serving the site at the root of the endpoint's address makes an entity IRI's
path open its page: ``http://127.0.0.1:7878/id/itu/pp/res/71/2018``. A client that asks for
Turtle (``Accept: text/turtle``) gets the entity's own triples (``index.ttl``) from the same
path, as a w3id redirect would give it (README, "Entity IRIs resolve").

Only files inside the site folder are ever read: ``..``, absolute paths and symlinks out of the
folder are refused.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

PAGE = "index.html"
TURTLE = "index.ttl"
_TYPES = {".html": "text/html; charset=utf-8", ".ttl": "text/turtle; charset=utf-8", ".js": "text/javascript; charset=utf-8",
          ".css": "text/css; charset=utf-8", ".png": "image/png", ".svg": "image/svg+xml"}  # fmt: skip


@dataclass(frozen=True)
class SiteFiles:
    """The site folder a server answers ``GET`` requests from."""

    folder: Path

    def find(self, url_path: str, accept: str = "") -> tuple[Path, str] | str | None:
        """The file for ``url_path`` (percent-encoded, query removed) and its media type; or the
        path to redirect to (a folder asked without its trailing ``/``); or None.

        A folder gives its ``index.html``, or its ``index.ttl`` when ``accept`` prefers Turtle
        (``text/turtle`` listed before ``text/html``, or without it). An HTML page is always
        served from its folder's URL (``…/2018/``), so that its relative links resolve.
        """
        parts = [p for p in unquote(url_path).split("/") if p]
        if any(p in (".", "..") or "\x00" in p or "\\" in p for p in parts):
            return None
        root = self.folder.resolve()
        path = root.joinpath(*parts)
        if path.is_dir():
            turtle = _wants_turtle(accept) and (path / TURTLE).is_file()
            if not turtle and not url_path.endswith("/"):
                return url_path + "/"
            path = path / (TURTLE if turtle else PAGE)
        try:
            real = path.resolve(strict=True)
        except (FileNotFoundError, RuntimeError, OSError):
            return None
        if root not in real.parents or not real.is_file():
            return None
        return real, _TYPES.get(real.suffix) or mimetypes.guess_type(real.name)[0] or "application/octet-stream"


def _wants_turtle(accept: str) -> bool:
    kinds = [item.split(";")[0].strip().lower() for item in accept.split(",")]
    if "text/turtle" not in kinds:
        return False
    return "text/html" not in kinds or kinds.index("text/turtle") < kinds.index("text/html")
