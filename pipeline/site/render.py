"""Templates → files: the Jinja2 environment, the interface strings, and a writer that counts.

Jinja2 escapes every value (autoescape), so a label holding ``<`` or ``&`` is shown, never
interpreted. Pages are written into a staging folder that replaces the output folder only
when complete (:func:`pipeline.folders.publish_folder`), as the build does with ``dist/``.
"""

from __future__ import annotations

import functools
import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from pipeline.site.entity import Row
from pipeline.site.links import Value
from pipeline.site.paths import root_of
from pipeline.site.text import Segment

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

    @functools.cache
    def t(key: str) -> Markup:
        s = strings[key]
        return Markup('<span class="l" lang="zh">{}</span><span class="l" lang="en">{}</span>').format(s["zh"], s["en"])

    def t_plain(key: str) -> str:
        s = strings[key]
        return f"{s['zh']} / {s['en']}"

    env.globals.update(t=t, t_plain=t_plain, L=label_html, V=value_html, row=row_html, segments=segments_html)
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


# The hot spots of a large site as Python, not Jinja macros (a macro call costs ~20 µs; a page
# may hold thousands of labels). Markup's ``%`` escapes every value it is given.


def _e(text: object) -> str:
    return html.escape(str(text))


def label_html(labels: dict[str, str]) -> Markup:
    """Labels by language as spans the zh/en switch shows or hides (one language: shown always)."""
    zh, en = labels.get("zh"), labels.get("en")
    if zh and en:
        return Markup(f'<span class="l" lang="zh">{_e(zh)}</span><span class="l" lang="en">{_e(en)}</span>')
    if zh or en:
        return Markup(f'<span lang="{"zh" if zh else "en"}">{_e(zh or en)}</span>')
    first = min(labels.items())[1] if labels else ""
    return Markup(f"<span>{_e(first)}</span>")


def value_html(v: Value) -> Markup:
    """A term: its labels, linked when it has a page, with its datatype or bare IRI beside it."""
    out = f'<a href="{_e(v.href)}">{label_html(v.labels)}</a>' if v.href else str(label_html(v.labels))
    if v.note:
        out += f' <small class="dt">{_e(v.note)}</small>'
    if v.iri and not v.href and v.show_iri:
        out += f' <code class="iri">{_e(v.iri)}</code>'
    return Markup(out)


def row_html(r: Row) -> Markup:
    """One statement or fact pointing at an entity, with its evidence (entity and listing pages)."""
    parts = ['<li class="row">']
    if r.kind:
        parts.append(f'<span class="kind">{label_html(r.kind.labels)}</span> ')
    for p, v in r.links:
        parts.append(f'<span class="link"><small class="p">{label_html(p.labels)}</small> {value_html(v)}</span> ')
    for p, v in r.literals:
        parts.append(f'<span class="lit"><small class="p">{label_html(p.labels)}</small> {value_html(v)}</span> ')
    for e in r.evidence:
        line = f" <small>l. {_e(e.line)}</small>" if e.line else ""
        parts.append(f'<span class="ev">{value_html(e.document)}{line}: <a class="exact" href="{_e(e.href or "")}">“{_e(e.exact)}”</a></span>')
    parts.append("</li>")
    return Markup("".join(parts))


def segments_html(segments: list[Segment]) -> Markup:
    """A document's text: anchors where spans start, provision markers, highlighted facts."""
    parts = []
    for seg in segments:
        for a in seg.anchors:
            parts.append(f'<a class="anchor" id="{_e(a)}"></a>')
        if seg.provision:
            parts.append(f'<span class="prov">{_e(seg.provision)}</span>')
        if seg.facts:
            multi = " multi" if len(seg.facts) > 1 else ""
            parts.append(f'<mark class="k-{_e(seg.kind)}{multi}" data-f="{" ".join(map(str, seg.facts))}" tabindex="0">{_e(seg.text)}</mark>')
        else:
            parts.append(_e(seg.text))
    return Markup("".join(parts))
