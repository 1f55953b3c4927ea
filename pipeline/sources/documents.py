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
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.errors import InputError
from pipeline.sources.yamlfile import safe_load

MANIFEST = "manifest.yaml"
TEXT_SUFFIX = ".txt"
_BOM = "\ufeff"


class ManifestEntry(BaseModel):
    """One source document as the manifest describes it (facts the text states, no guesses)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(description="File name inside the documents folder.")
    key: str = Field(description="Identifier path under id/ (IDENTIFIERS.md), e.g. itu/wtdc/res/30/2022.")
    kind: Literal["declaration", "resolution", "draft resolution", "report", "council document"] = Field(
        description="What sort of text this is; decides its RDF class and whether it has provisions."
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
        raw = safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError(path, f"not valid YAML: {exc}", line) from exc
    try:
        manifest = Manifest.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(path, f"{where}: {first['msg']}") from exc
    keys = [d.key for d in manifest.documents]
    files = [d.file for d in manifest.documents]
    for label, values in (("key", keys), ("file", files)):
        dupes = sorted(v for v, n in Counter(values).items() if n > 1)  # list.count was O(n²): 10 s at 10k
        if dupes:
            raise InputError(path, f"duplicate {label}: {', '.join(dupes)}")
    return manifest


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
