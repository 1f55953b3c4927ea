"""Templates → files: the Jinja2 environment, the interface strings, and a writer that counts.

Jinja2 escapes every value (autoescape), so a label holding ``<`` or ``&`` is shown, never
interpreted. Pages are written into a staging folder that replaces the output folder only
when complete (:func:`pipeline.folders.publish_folder`), as the build does with ``dist/``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from pipeline.site.paths import root_of

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
UI = HERE / "ui.yaml"


def interface() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]], set[str]]:
    """The interface strings and the section headings of ``ui.yaml`` (zh/en each), and the
    classes whose unlabelled nodes still get a page."""
    data = yaml.safe_load(UI.read_text(encoding="utf-8"))
    return data["strings"], data["headings"], set(data.get("page_classes") or ())


def environment(strings: dict[str, dict[str, str]]) -> Environment:
    """The Jinja2 environment with ``t(key)`` (both languages, switchable) and ``t_plain``."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def t(key: str) -> Markup:
        s = strings[key]
        return Markup('<span class="l" lang="zh">{}</span><span class="l" lang="en">{}</span>').format(s["zh"], s["en"])

    def t_plain(key: str) -> str:
        s = strings[key]
        return f"{s['zh']} / {s['en']}"

    env.globals.update(t=t, t_plain=t_plain)
    env.filters["tojson_safe"] = lambda v: Markup(json.dumps(v, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/"))
    return env


@dataclass
class Writer:
    """Writes the site's files under ``folder``, counting pages (HTML) and bytes."""

    folder: Path
    env: Environment
    context: dict[str, Any] = field(default_factory=dict)
    pages: int = 0
    files: int = 0
    size: int = 0  # bytes written
    largest: tuple[int, str] = (0, "")

    def page(self, template: str, file: str, **values: Any) -> None:
        """Render ``template`` to the site file ``file`` (relative, POSIX)."""
        html = self.env.get_template(template).render(root=root_of(file), **self.context, **values)
        self.write(file, html.encode("utf-8"))
        self.pages += 1

    def write(self, file: str, data: bytes) -> None:
        path = self.folder / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.files += 1
        self.size += len(data)
        self.largest = max(self.largest, (len(data), file))

    def copy_static(self) -> None:
        """The site's own stylesheet and script (no CDN, nothing fetched)."""
        for src in sorted(STATIC.iterdir()):
            self.write(f"static/{src.name}", src.read_bytes())


def json_script(value: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">`` (no ``</`` can end it)."""
    return Markup(json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/"))
