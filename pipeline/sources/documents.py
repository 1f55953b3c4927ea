"""Read a folder of source texts and its ``manifest.yaml``, refusing anything doubtful.

Offsets used for provenance count code points of the decoded text, so decoding must be
exact: a UTF-8 byte-order mark is dropped before counting, GB18030 is used only when the
manifest says so (never guessed), and undecodable bytes are an error naming file and line.

Everything here is untrusted input (issue 12): every manifest field has a type with a
pattern, every problem names ``manifest.yaml:LINE`` and the entry, a text is read only after
its path, resolved through every symlink, is found inside the documents folder, and the
number of documents and the bytes of one text are capped before anything is read.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
import re
import stat
from bisect import bisect_right
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)

from pipeline.errors import InputError
from pipeline.identifiers import (
    KEY_TEMPLATE_HELP,
    KeyTemplate,
    clean_symbol,
    parse_key,
    slug_ok,
    symbol_family,
)
from pipeline.sources.limits import DEFAULT_LIMITS, Limits
from pipeline.sources.yamlfile import SafeLoader

MANIFEST = "manifest.yaml"
TEXT_SUFFIX = ".txt"
_BOM = "\ufeff"


# ------------------------------------------------------------------------------ limits


def _bytes(n: int) -> str:
    """A byte count as people read it: ``16,777,216 bytes (16.0 MiB)``."""
    return f"{n:,} bytes ({n / 2**20:.1f} MiB)"


# ------------------------------------------------------------------------------ key, kind, symbol
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



# ------------------------------------------------------------------------------ field types
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
#: What an IRI path segment may hold unescaped, in printable ASCII (RFC 3986 pchar minus '%':
#: keys are never escaped; shapes/ wants document IRIs in printable ASCII).
_KEY_SEGMENT = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=:@\-]+$")
MAX_TITLE = 1000
MAX_NOTE = 10_000
MAX_FILE_NAME = 255


def _char(ch: str) -> str:
    """A character as a user can find it: ``'\\n' (U+000A)``."""
    return f"{ch!r} (U+{ord(ch):04X})"


def _plain_text(value: str, what: str, limit: int, *, lines: bool = False) -> str:
    """One line (or, for notes, lines) of readable text: no control characters, no padding."""
    bad = (_CONTROL_BUT_LINES if lines else _CONTROL).search(value)
    if bad:
        raise ValueError(f"{what} holds the control character {_char(bad.group())}; remove it")
    if not value.strip():
        raise ValueError(f"{what} is empty")
    if value != value.strip():
        raise ValueError(f"{what} starts or ends with white space; remove it")
    if len(value) > limit:
        raise ValueError(f"{what} is {len(value):,} characters long (at most {limit:,})")
    return value


def _title(value: str) -> str:
    return _plain_text(value, "the title", MAX_TITLE)


def _note(value: str) -> str:
    return _plain_text(value, "the note", MAX_NOTE, lines=True)


def _file(value: str) -> str:
    """A file name directly in the documents folder, ending ``.txt``; never a path.

    The resolved path (symlinks followed) is checked again before reading: see ``read_source``.
    """
    bad = _CONTROL.search(value)
    if bad:
        raise ValueError(f"the file name holds the control character {_char(bad.group())}")
    if "/" in value or "\\" in value or re.match(r"^[A-Za-z]:", value):
        raise ValueError(f"{value!r} is a path; give the name of a file directly in the documents folder")
    if value in ("", ".", ".."):
        raise ValueError(f"{value!r} is not a file name")
    if value.startswith("."):
        raise ValueError(f"{value!r} is a hidden file; rename it")
    if not value.endswith(TEXT_SUFFIX):
        raise ValueError(f"{value!r} does not end in {TEXT_SUFFIX}; source texts are .txt files")
    if len(value.encode("utf-8")) > MAX_FILE_NAME:
        raise ValueError(f"the file name is longer than {MAX_FILE_NAME} bytes")
    return value


def _key(value: str) -> str:
    """A path of IRI segments under ``id/``: it becomes the document's IRI and its graph's name.

    The characters are those an IRI path takes unescaped, so the key is the IRI as written:
    no space, ``<>"{}|\\^` ``, ``#`` (a fragment), ``?`` (a query), ``%`` (an escape that
    would make two spellings of one IRI), and no empty, ``.`` or ``..`` segment (which IRI
    resolution would remove).
    """
    bad = _CONTROL.search(value)
    if bad:
        raise ValueError(f"the key holds the control character {_char(bad.group())}")
    for segment in value.split("/"):
        if segment in ("", ".", ".."):
            raise ValueError(f"{value!r} has an empty, '.' or '..' segment; keys are paths like itu/wtdc/res/30/2022")
        if not _KEY_SEGMENT.match(segment):
            ch = next(c for c in segment if not _KEY_SEGMENT.match(c))
            raise ValueError(f"{value!r} holds {_char(ch)}, which an IRI path cannot hold as written; keys are paths like itu/wtdc/res/30/2022")
    return value


def _language(value: str) -> str:
    if not _LANGUAGE.match(value):
        raise ValueError(f"{value!r} is not an ISO 639-1 language code (two lower-case letters, e.g. zh)")
    return value


def _slug(value: str) -> str:
    if not slug_ok(value):
        raise ValueError(f"{value!r} is not an event slug (lower-case ASCII words joined by '-', e.g. wtdc-22)")
    return value


def _date(value: Any) -> Any:
    """``YYYY-MM-DD`` of a real calendar day (the only form a manifest date takes)."""
    if isinstance(value, dt.date):
        return value
    m = _DATE.match(value) if isinstance(value, str) else None
    if not m:
        raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")
    try:
        return dt.date(*(int(g) for g in m.groups()))
    except ValueError as exc:
        raise ValueError(f"{value} is not a calendar date ({exc})") from None


Title = Annotated[str, AfterValidator(_title)]
Slug = Annotated[str, AfterValidator(_slug)]


class ManifestEntry(BaseModel):
    """One source document as the manifest describes it (facts the text states, no guesses)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: Annotated[str, AfterValidator(_file)] = Field(
        description="Name of the text file, directly in the documents folder ('a.txt'); never a path."
    )
    key: Annotated[str, AfterValidator(_key)] = Field(
        description="Identifier path under id/ (docs/identifiers.md), e.g. itu/wtdc/res/30/2022."
    )
    kind: DocumentKind = Field(
        description="The genre the text is (resolution, decision, report…): it must agree with the key's "
        "template, adds a genre class (report, council document, draft resolution) and decides whether "
        "the text is read as provisions. The key's template decides the main RDF class."
    )
    language: Annotated[str, AfterValidator(_language)] = Field(description="ISO 639-1 code of the text's language.")
    title_zh: Title = Field(description="Title in Chinese, as the text gives it.")
    title_en: Title = Field(description="Title in English (official or paraphrased, see note).")
    symbol: str | None = Field(default=None, description="Document symbol, when the text states one.")
    date: Annotated[dt.date, BeforeValidator(_date)] | None = Field(
        default=None, description="Date the text states for itself, YYYY-MM-DD."
    )
    adopted_by: Slug | None = Field(default=None, description="Slug of the conference that adopted this text.")
    issued_for: Slug | None = Field(default=None, description="Slug of the conference this text was issued for.")
    note: Annotated[str, AfterValidator(_note)] | None = Field(default=None, description="Free remark on how the fields were read.")
    encoding: Literal["utf-8", "gb18030"] = Field(
        default="utf-8", description="Text encoding; GB18030 only when stated here, never guessed."
    )

    @model_validator(mode="after")
    def _key_kind_symbol_agree(self) -> ManifestEntry:
        problem = key_problem(self.key, self.kind, self.symbol)
        if problem:
            raise ValueError(problem)
        return self

    @property
    def template(self) -> KeyTemplate:
        """The identifier template of ``key`` (checked on load, so never None here)."""
        parsed = parse_key(self.key)
        assert parsed is not None, self.key
        return parsed


class Manifest(BaseModel):
    """The manifest file: the list of documents to build, and the line each entry starts on."""

    model_config = ConfigDict(extra="forbid")

    documents: list[ManifestEntry] = Field(min_length=1, description="Source documents, in build order.")
    _lines: tuple[int, ...] = PrivateAttr(default=())
    _path: Path = PrivateAttr(default=Path(MANIFEST))

    def where(self, index: int) -> tuple[Path, int | None, str]:
        """File, line and name of entry ``index``, for errors about it."""
        line = self._lines[index] if index < len(self._lines) else None
        return self._path, line, _entry_name(index, self.documents[index].model_dump())


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


# ------------------------------------------------------------------------------ the manifest
class _ManifestLoader(SafeLoader):  # type: ignore[misc,valid-type]
    """YAML nodes with their lines; no value is constructed, so no tag can run code or fail."""


_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_FIELDS = tuple(ManifestEntry.model_fields)


@dataclass(frozen=True)
class _Problem:
    line: int | None
    message: str


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _entry_name(index: int, raw: dict[str, Any]) -> str:
    """``entry 3 (001.txt, key itu/wtdc/res/30/2022)``: the entry's number, file and key, as far
    as they are printable."""

    def shown(field: str) -> str | None:
        value = raw.get(field)
        ok = isinstance(value, str) and value and not _CONTROL.search(value) and len(value) <= 200
        return value if ok else None

    names = [n for n in (shown("file"), f"key {shown('key')}" if shown("key") else None) if n]
    return f"entry {index + 1} ({', '.join(names)})" if names else f"entry {index + 1}"


def _scalar(node: yaml.Node) -> str | None:
    """The text of a scalar as written (every manifest field is text); None for null."""
    if node.tag == _NULL:
        return None
    return str(node.value)


def _raise(path: Path, problems: list[_Problem]) -> None:
    """One error for all problems: the first as the message, the others listed below it."""
    problems = sorted(problems, key=lambda p: (p.line or 0))
    first, rest = problems[0], problems[1:]
    more = "".join(f"\n{path}:{p.line}: {p.message}" if p.line else f"\n{path}: {p.message}" for p in rest[:19])
    if len(rest) > 19:
        more += f"\n… and {len(rest) - 19} more problems"
    raise InputError(path, first.message + more, first.line)


def _read_manifest_text(path: Path, limits: Limits) -> str:
    size = path.stat().st_size
    if size > limits.max_manifest_bytes:
        raise InputError(
            path,
            f"the manifest is {_bytes(size)}, more than the {_bytes(limits.max_manifest_bytes)} allowed for "
            f"{limits.max_documents:,} documents; raise the limit with --max-documents",
        )
    with path.open("rb") as f:
        data = f.read(limits.max_manifest_bytes + 1)
    return decode(path, data, "utf-8", hint="save manifest.yaml as UTF-8")


def _compose(path: Path, text: str) -> yaml.Node | None:
    loader = _ManifestLoader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise InputError(path, f"not valid YAML: {what}", mark.line + 1 if mark else None) from None
    except yaml.reader.ReaderError as exc:  # libyaml counts bytes of UTF-8, the Python reader characters
        if SafeLoader is yaml.SafeLoader:
            line = text.count("\n", 0, exc.position) + 1
        else:
            line = text.encode("utf-8").count(b"\n", 0, exc.position) + 1
        char = chr(exc.character) if isinstance(exc.character, int) else exc.character
        raise InputError(path, f"not valid YAML: {exc.reason} ({_char(char)})", line) from None
    except yaml.YAMLError as exc:
        raise InputError(path, f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()


def _pairs(node: yaml.MappingNode, what: str, problems: list[_Problem]) -> Iterator[tuple[str, yaml.Node]]:
    """The (key, value node) pairs of a mapping; odd keys and repeated keys are problems."""
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(_Problem(_line(key_node), f"{what}: a field name must be text, not a list or mapping"))
            continue
        if key_node.tag == _MERGE:
            problems.append(_Problem(_line(key_node), f"{what}: YAML merge keys (<<) are not used in manifest.yaml; write each field"))
            continue
        key = str(key_node.value)
        if key in seen:
            problems.append(_Problem(_line(key_node), f"{what}: {key!r} is given twice (lines {seen[key]} and {_line(key_node)}); keep one"))
            continue
        seen[key] = _line(key_node)
        yield key, value_node


def _entry(index: int, node: yaml.Node, problems: list[_Problem]) -> tuple[dict[str, Any], dict[str, int]] | None:
    """An entry's raw fields (text as written) and the line of each; None if it is not made of
    text fields (the problems say why, and its fields are not checked further)."""
    if not isinstance(node, yaml.MappingNode):
        problems.append(_Problem(_line(node), f"entry {index + 1}: a document is a mapping of fields (file:, key:, …)"))
        return None
    raw: dict[str, Any] = {}
    lines: dict[str, int] = {}
    pending: list[_Problem] = []
    for key, value in _pairs(node, f"entry {index + 1}", pending):
        lines[key] = _line(value)
        if not isinstance(value, yaml.ScalarNode):
            pending.append(_Problem(_line(value), f"entry {index + 1}: {key!r} must be text, not a {'list' if isinstance(value, yaml.SequenceNode) else 'mapping'}"))
            continue
        text = _scalar(value)
        if text is not None:
            raw[key] = text
    name = _entry_name(index, raw)
    problems += [_Problem(p.line, p.message.replace(f"entry {index + 1}", name, 1)) for p in pending]
    return None if pending else (raw, lines)


def _field_problem(error: Any, name: str, raw: dict[str, Any], entry_line: int, lines: dict[str, int]) -> _Problem:
    """A pydantic error as a user reads it, at the line of the field (or of the entry)."""
    field = str(error["loc"][0]) if error["loc"] else ""
    line = lines.get(field, entry_line)
    kind = error["type"]
    if kind == "missing":
        return _Problem(entry_line, f"{name}: {field} is missing (required: file, key, kind, language, title_zh, title_en)")
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(field, _FIELDS, n=1)
        hint = f" (did you mean {close[0]}?)" if close else f" (fields: {', '.join(_FIELDS)})"
        return _Problem(line, f"{name}: unknown field {field!r}{hint}")
    message = error["msg"].removeprefix("Value error, ")
    if kind == "literal_error":
        message = f"{raw.get(field)!r} is not one of: {message.removeprefix('Input should be ')}"
    return _Problem(line, f"{name}: {field}: {message}" if field else f"{name}: {message}")


def load_manifest(folder: Path, limits: Limits = DEFAULT_LIMITS, events: Collection[str] | None = None) -> Manifest:
    """Parse and check ``folder/manifest.yaml``.

    Every field is text of a stated form (see ``ManifestEntry``); a repeated field inside an
    entry, a duplicate key or file, and (when ``events`` is given) an ``adopted_by`` or
    ``issued_for`` that names no known conference are errors. Raises ``InputError`` naming
    ``manifest.yaml:LINE`` and the entry (all problems found are listed, the first as the
    message); never a traceback for any input.
    """
    path = folder / MANIFEST
    _inside(folder, path, path, None)
    if not path.is_file():
        raise InputError(path, "no manifest.yaml in the documents folder")
    root = _compose(path, _read_manifest_text(path, limits))
    if not isinstance(root, yaml.MappingNode):
        raise InputError(path, "the manifest is a mapping with one field, `documents:`, listing the documents", _line(root) if root else None)
    problems: list[_Problem] = []
    fields = dict(_pairs(root, "the manifest", problems))
    for extra in sorted(set(fields) - {"documents"}):
        problems.append(_Problem(_line(fields[extra]), f"unknown top-level field {extra!r} (the manifest has one field, `documents:`)"))
    listing = fields.get("documents")
    if not isinstance(listing, yaml.SequenceNode) or not listing.value:
        line = _line(listing) if listing is not None else 1
        problems.append(_Problem(line, "`documents:` must list at least one document (- file: …, key: …)"))
        _raise(path, problems)
    assert isinstance(listing, yaml.SequenceNode)
    if len(listing.value) > limits.max_documents:
        raise InputError(
            path,
            f"the manifest lists {len(listing.value):,} documents, more than the limit of {limits.max_documents:,}; "
            "raise it with --max-documents",
            _line(listing),
        )
    entries: list[ManifestEntry] = []
    lines: list[int] = []
    first_line: dict[tuple[str, str], tuple[int, int]] = {}
    seen_nodes: dict[int, int] = {}
    for index, node in enumerate(listing.value):
        if id(node) in seen_nodes:  # `- *e`: the very node of an earlier entry
            other = seen_nodes[id(node)]
            problems.append(_Problem(_line(node), f"entry {index + 1} is a YAML alias of entry {other + 1} (line {_line(node)}); each document needs an entry of its own"))
            continue
        seen_nodes[id(node)] = index
        fields_of = _entry(index, node, problems)
        if fields_of is None:
            continue
        raw, field_lines = fields_of
        name, entry_line = _entry_name(index, raw), _line(node)
        try:
            entry = ManifestEntry.model_validate(raw)
        except ValidationError as exc:
            problems += [_field_problem(e, name, raw, entry_line, field_lines) for e in exc.errors()]
            continue
        for field in ("key", "file"):
            value = getattr(entry, field)
            if (field, value) in first_line:
                other, other_line = first_line[(field, value)]
                problems.append(_Problem(field_lines[field], f"{name}: duplicate {field}: {value} is also the {field} of entry {other + 1} (line {other_line})"))
            else:
                first_line[(field, value)] = (index, entry_line)
        for field in ("adopted_by", "issued_for"):
            value = getattr(entry, field)
            if value is not None and events is not None and value not in events:
                problems.append(_Problem(field_lines[field], f"{name}: {field}: {_unknown_event(value, events)}"))
        entries.append(entry)
        lines.append(entry_line)
    if problems:
        _raise(path, problems)
    manifest = Manifest(documents=entries)
    manifest._lines = tuple(lines)
    manifest._path = path
    return manifest


def _unknown_event(slug: str, events: Collection[str]) -> str:
    close = sorted(difflib.get_close_matches(slug, sorted(events), n=3))
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return f"no conference {slug!r} in seeds/reference/conferences.yaml{hint}"


# ------------------------------------------------------------------------------ the texts
def decode(path: Path, data: bytes, encoding: str, *, hint: str | None = None) -> str:
    """Decode exactly, or fail naming the line of the first bad byte."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        advice = hint or (
            "re-save the file as UTF-8, or declare `encoding: gb18030` in the manifest if it is GB18030"
        )
        raise InputError(path, f"byte {exc.start} is not valid {encoding} ({exc.reason}); {advice}", line) from None
    return text[1:] if text.startswith(_BOM) else text


def _inside(folder: Path, path: Path, manifest: Path, line: int | None, name: str = "") -> Path:
    """``path`` with every symlink resolved, if it stays inside ``folder``; else an error.

    Resolution follows symlinks in every component, so a link that points out of the
    folder, a ``..`` or an absolute path is caught before a byte is read (issue 12, item 1).
    """
    root = folder.resolve()
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        return path  # the caller says it is missing
    except (OSError, RuntimeError) as exc:  # a symlink loop, a name too long
        raise InputError(manifest, f"{name}: cannot resolve {path.name!r} ({exc})", line) from None
    if not real.is_relative_to(root):
        who = f"{name}: " if name else ""
        raise InputError(
            manifest,
            f"{who}{path.relative_to(folder).as_posix()!r} resolves to {real}, outside the documents folder {root}; "
            "copy the file into the folder",
            line,
        )
    return real


def read_source(folder: Path, entry: ManifestEntry, limits: Limits = DEFAULT_LIMITS, manifest: Manifest | None = None, index: int = 0) -> SourceText:
    """Read one manifest entry's file, after checking where it really is, what it is, and its size."""
    where, line, name = manifest.where(index) if manifest else (folder / MANIFEST, None, f"key {entry.key}")
    path = folder / entry.file
    real = _inside(folder, path, where, line, name)
    try:
        info = os.stat(real)
    except FileNotFoundError:
        raise InputError(where, f"{name}: {entry.file!r} is listed but not present in the folder", line) from None
    except OSError as exc:
        raise InputError(where, f"{name}: cannot read {entry.file!r} ({exc.strerror})", line) from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(where, f"{name}: {entry.file!r} is not a regular file", line)
    if info.st_size > limits.max_text_bytes:
        raise InputError(
            path,
            f"the text is {_bytes(info.st_size)}, more than the limit of {_bytes(limits.max_text_bytes)}; "
            "raise it with --max-text-bytes",
        )
    with open(real, "rb") as f:
        data = f.read(limits.max_text_bytes + 1)
    if len(data) > limits.max_text_bytes:  # it grew after stat
        raise InputError(path, f"the text is more than the limit of {_bytes(limits.max_text_bytes)}; raise it with --max-text-bytes")
    text = decode(path, data, entry.encoding)
    if not text.strip():
        raise InputError(path, "the document is empty")
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return SourceText(
        entry=entry,
        path=path,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        line_starts=tuple(starts),
    )


def _count_texts(folder: Path, limits: Limits) -> list[str]:
    """Names of the ``.txt`` files directly in ``folder``; more than the limit is an error up front."""
    names: list[str] = []
    try:
        with os.scandir(folder) as it:
            for item in it:
                if item.name.endswith(TEXT_SUFFIX):
                    names.append(item.name)
                    if len(names) > limits.max_documents:
                        raise InputError(
                            folder,
                            f"the folder holds more than {limits.max_documents:,} .txt files, the limit; "
                            "raise it with --max-documents",
                        )
    except FileNotFoundError:
        raise InputError(folder, "the documents folder does not exist") from None
    except NotADirectoryError:
        raise InputError(folder, "not a folder: give the documents folder (with manifest.yaml)") from None
    return names


def read_folder(folder: Path, limits: Limits = DEFAULT_LIMITS, events: Collection[str] | None = None) -> list[SourceText]:
    """Every document of a folder, in manifest order; stray ``.txt`` files are an error.

    ``limits`` caps the number of documents and the bytes of each text; ``events``, when
    given, are the conference slugs ``adopted_by``/``issued_for`` may name.
    """
    present = _count_texts(folder, limits)
    manifest = load_manifest(folder, limits, events)
    listed = {d.file for d in manifest.documents}
    stray = sorted(name for name in present if name not in listed)
    if stray:
        raise InputError(folder / stray[0], "this text has no entry in manifest.yaml (add one, or move the file)")
    return [read_source(folder, entry, limits, manifest, i) for i, entry in enumerate(manifest.documents)]
