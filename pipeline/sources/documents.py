"""Read a folder of source texts and its ``manifest.yaml``, refusing anything doubtful.

Offsets used for provenance count code points of the decoded text, so decoding must be
exact: a UTF-8 byte-order mark is dropped before counting, GB18030 is used only when the
manifest says so (never guessed), and undecodable bytes are an error naming file and line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from bisect import bisect_right
from collections import Counter
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipeline.errors import InputError
from pipeline.identifiers import (
    KEY_TEMPLATE_HELP,
    KeyTemplate,
    clean_symbol,
    parse_key,
    symbol_family,
)
from pipeline.sources.yamlfile import SafeLoader, safe_load

MANIFEST = "manifest.yaml"
TEXT_SUFFIX = ".txt"
_BOM = "\ufeff"

#: The genres a manifest may state (``kind``). The RDF class comes from the key's template;
#: the kind says what sort of text it is and must agree with that template (KIND_TEMPLATES).
DocumentKind = Literal[
    "circular letter", "council document", "declaration", "decision", "document", "draft decision",
    "draft opinion", "draft resolution", "opinion", "report", "resolution", "web page",
]
_DOCUMENTS = frozenset({"un-document", "itu-document", "unsymbolled", "named"})
#: Which key templates each kind can have: a resolution needs a resolution number, a decision a
#: decision number, an opinion a WTPF opinion key; texts without a number of their own take a
#: symbol key or a key without symbol (docs/identifiers.md).
KIND_TEMPLATES: dict[str, frozenset[str]] = {
    "resolution": frozenset({"unga-resolution", "ecosoc-resolution", "sc-resolution", "itu-resolution", "un-document"}),
    "decision": frozenset({"ecosoc-decision", "council-decision", "un-document"}),
    "opinion": frozenset({"wtpf-opinion"}),
    "declaration": frozenset({"wtdc-declaration", "unga-resolution"}) | _DOCUMENTS,
    **dict.fromkeys(("circular letter", "council document", "document", "draft decision", "draft opinion", "draft resolution", "report", "web page"), _DOCUMENTS),
}
_TEMPLATE_NAMES = {
    "unga-resolution": "a General Assembly resolution", "ecosoc-resolution": "an ECOSOC resolution",
    "ecosoc-decision": "an ECOSOC decision", "sc-resolution": "a Security Council resolution",
    "itu-resolution": "an ITU resolution", "council-decision": "a Council decision", "wtpf-opinion": "a WTPF opinion",
    "wtdc-declaration": "a WTDC declaration", "un-document": "a UN document with a symbol",
    "itu-document": "an ITU document with a symbol", "unsymbolled": "a document without a symbol",
    "named": "an instrument known by its name",
}
#: A UN symbol that a resolution or decision of kind ``resolution``/``decision`` may carry as key.
_UN_NUMBERED_SYMBOL = {"resolution": "/RES/", "decision": "/DEC/"}


def key_problem(key: str, kind: str, symbol: str | None) -> str | None:
    """Why a manifest entry's key, kind and symbol cannot all be right (None when they agree).

    Rules (docs/identifiers.md, "Source documents"): the key follows one template; the kind
    agrees with it (a ``resolution`` needs a key with a resolution number, ``itu/wtdc/{year}/
    declaration`` is a ``declaration``…); a ``symbol`` is the one the key carries (the first of a
    joint symbol ``A/…-E/…`` may be the key's), and a document with a symbol is keyed by it:
    ``un/{symbol}`` for a UN symbol, ``itu/doc/{symbol}`` for an ITU one.
    """
    parsed = parse_key(key)
    if parsed is None:
        hint = ""
        head = key.split("/", 1)
        if len(head) == 2 and head[0] == "un" and symbol_family(head[1]) == "itu":
            hint = f" ({head[1]} is an ITU symbol: use itu/doc/{head[1]})"
        elif len(head) == 2 and head[0] == "itu" and head[1].startswith("doc/") and symbol_family(head[1][4:]) == "un":
            hint = f" ({head[1][4:]} is a UN symbol: use un/{head[1][4:]})"
        return f"key {key!r} follows no identifier template{hint}; templates: {KEY_TEMPLATE_HELP}"
    allowed = KIND_TEMPLATES[kind]
    if parsed.template not in allowed:
        return f"kind {kind!r} cannot have key {key!r} (the key of {_TEMPLATE_NAMES[parsed.template]}); {_kind_hint(kind)}"
    marker = _UN_NUMBERED_SYMBOL.get(kind)
    if parsed.template == "un-document" and marker and marker not in (parsed.symbol or ""):
        return f"kind {kind!r} cannot have key {key!r}: a UN {kind} symbol contains {marker} ({_kind_hint(kind)})"
    return _symbol_problem(parsed, symbol) if symbol is not None else None


def _kind_hint(kind: str) -> str:
    hints = {
        "resolution": "a resolution key has its number: un/A/RES/{session}/{n}, un/E/RES/{year}/{n}, un/S/RES/{n}, itu/{organ}/res/{n}[/{year}]",
        "decision": "a decision key has its number: un/E/DEC/{year}/{n}, itu/council/dec/{n}[/{year}]",
        "opinion": "an opinion key is itu/wtpf/{year}/opinion/{n}",
    }
    return hints.get(kind, "use un/{symbol} or itu/doc/{symbol} for a document with a symbol, {un|itu}/{body}/{year}/{slug} without one")


def _symbol_problem(parsed: KeyTemplate, symbol: str) -> str | None:
    written = clean_symbol(symbol)
    first = written
    if parsed.template == "un-document" and "-" in written:
        head, _, tail = written.partition("-")
        if tail[:2] in ("A/", "E/", "S/"):
            first = head  # joint symbol A/79/62-E/2024/3: the key is the first one
    if parsed.symbol is not None:
        if first.replace(" ", "") != parsed.symbol and not _same_sc_symbol(parsed, first):
            return f"symbol {symbol!r} is not the key's symbol {parsed.symbol!r}"
        return None
    family = symbol_family(written) or parsed.family
    if parsed.template in ("unsymbolled", "named"):
        where = f"itu/doc/{written}" if family == "itu" else f"un/{written}"
        return f"a document with symbol {symbol!r} is keyed by it: {where} (the key {parsed.template} form is for documents without one)"
    if family != parsed.family:
        return f"symbol {symbol!r} is a {family.upper()} symbol but the key is a {parsed.family.upper()} one"
    return None


def _same_sc_symbol(parsed: KeyTemplate, written: str) -> bool:
    """S/RES/1325(2000) is the symbol of key un/S/RES/1325 (the year is dropped from the IRI)."""
    return parsed.template == "sc-resolution" and written.split("(")[0] == parsed.symbol


class ManifestEntry(BaseModel):
    """One source document as the manifest describes it (facts the text states, no guesses)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(description="File name inside the documents folder.")
    key: str = Field(description="Identifier path under id/ (docs/identifiers.md), e.g. itu/wtdc/res/30/2022.")
    kind: DocumentKind = Field(
        description="The genre the text is (resolution, decision, report…): it must agree with the key's "
        "template, adds a genre class (report, council document, draft resolution) and decides whether "
        "the text is read as provisions. The key's template decides the main RDF class."
    )
    language: str = Field(pattern=r"^[a-z]{2}$", description="ISO 639-1 code of the text's language.")
    title_zh: str = Field(min_length=1, description="Title in Chinese, as the text gives it.")
    title_en: str = Field(min_length=1, description="Title in English (official or paraphrased, see note).")
    symbol: str | None = Field(default=None, description="Document symbol, when the text states one.")
    date: dt.date | None = Field(default=None, description="Date the text states for itself.")
    adopted_by: str | None = Field(default=None, description="Slug of the conference that adopted this text.")
    issued_for: str | None = Field(default=None, description="Slug of the conference this text was issued for.")
    note: str | None = Field(default=None, description="Free remark on how the fields were read.")
    encoding: Literal["utf-8", "gb18030"] = Field(
        default="utf-8", description="Text encoding; GB18030 only when stated here, never guessed."
    )

    @model_validator(mode="after")
    def _key_kind_symbol_agree(self) -> ManifestEntry:
        problem = key_problem(self.key, self.kind, self.symbol)
        if problem:
            raise ValueError(f"{self.file}: {problem}")
        return self

    @property
    def template(self) -> KeyTemplate:
        """The identifier template of ``key`` (checked on load, so never None here)."""
        parsed = parse_key(self.key)
        assert parsed is not None, self.key
        return parsed


class Manifest(BaseModel):
    """The manifest file: the list of documents to build."""

    model_config = ConfigDict(extra="forbid")

    documents: list[ManifestEntry] = Field(min_length=1, description="Source documents, in build order.")


class SourceText(BaseModel):
    """A decoded source text with what provenance needs: path, hash, and a line index."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    entry: ManifestEntry = Field(description="The manifest entry of this text.")
    path: Path = Field(description="Where the text was read from.")
    text: str = Field(description="The decoded text, byte-order mark removed; offsets count its code points.")
    sha256: str = Field(description="SHA-256 of the file's bytes, for incremental builds and provenance.")
    line_starts: tuple[int, ...] = Field(description="Offset of the first character of every line.")

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset (for warnings and ``wsis:line``)."""
        return bisect_right(self.line_starts, offset)


def load_manifest(folder: Path) -> Manifest:
    """Parse ``folder/manifest.yaml``; a schema problem names the manifest and the entry."""
    path = folder / MANIFEST
    if not path.is_file():
        raise InputError(path, "no manifest.yaml in the documents folder")
    try:
        text = path.read_text(encoding="utf-8")
        raw = safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError(path, f"not valid YAML: {exc}", line) from exc
    try:
        manifest = Manifest.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise InputError(path, f"{where}: {message}", _entry_line(text, first["loc"])) from exc
    keys = [d.key for d in manifest.documents]
    files = [d.file for d in manifest.documents]
    for label, values in (("key", keys), ("file", files)):
        dupes = sorted(v for v, n in Counter(values).items() if n > 1)  # list.count was O(n²): 10 s at 10k
        if dupes:
            raise InputError(path, f"duplicate {label}: {', '.join(dupes)}")
    return manifest


def _entry_line(text: str, loc: tuple) -> int | None:
    """1-based line of ``documents[i]`` (or of its field) in the manifest, for ``manifest.yaml:LINE``.

    Only computed when an entry is refused: composing the YAML node tree costs a second parse.
    """
    if len(loc) < 2 or loc[0] != "documents" or not isinstance(loc[1], int):
        return None
    try:
        root = yaml.compose(text, Loader=SafeLoader)
    except yaml.YAMLError:
        return None
    docs = next((v for k, v in getattr(root, "value", []) if getattr(k, "value", None) == "documents"), None)
    items = getattr(docs, "value", None)
    if not isinstance(items, list) or loc[1] >= len(items):
        return None
    node = items[loc[1]]
    if len(loc) > 2 and isinstance(node.value, list):
        field = next((v for k, v in node.value if getattr(k, "value", None) == loc[2]), None)
        if field is not None:
            return int(field.start_mark.line) + 1
    return int(node.start_mark.line) + 1


def decode(path: Path, data: bytes, encoding: str) -> str:
    """Decode exactly, or fail naming the line of the first bad byte."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            path,
            f"byte {exc.start} is not valid {encoding} ({exc.reason}); "
            "re-save the file as UTF-8, or declare `encoding: gb18030` in the manifest if it is GB18030",
            line,
        ) from exc
    return text[1:] if text.startswith(_BOM) else text


def read_source(folder: Path, entry: ManifestEntry) -> SourceText:
    """Read one manifest entry's file."""
    path = folder / entry.file
    if not path.is_file():
        raise InputError(folder / MANIFEST, f"document {entry.file!r} (key {entry.key}) is listed but not present")
    data = path.read_bytes()
    text = decode(path, data, entry.encoding)
    if not text.strip():
        raise InputError(path, "the document is empty")
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    return SourceText(
        entry=entry,
        path=path,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        line_starts=tuple(starts),
    )


def read_folder(folder: Path) -> list[SourceText]:
    """Every document of a folder, in manifest order; stray ``.txt`` files are an error."""
    manifest = load_manifest(folder)
    listed = {d.file for d in manifest.documents}
    stray = sorted(p.name for p in folder.glob(f"*{TEXT_SUFFIX}") if p.name not in listed)
    if stray:
        raise InputError(folder / stray[0], "this text has no entry in manifest.yaml (add one, or move the file)")
    return [read_source(folder, entry) for entry in manifest.documents]
