"""Untrusted input (issue 12): every bad manifest, path and size is refused with file:line, never a traceback.

One parametrized case per example file in ``tests/manifests/`` (pySHACL's manifest-test
style): ``invalid/NAME.yaml`` starts with a comment saying what is wrong and ``# error:
LINE: message``, the exact text ``wsis-kg build`` prints after ``ERROR manifest.yaml:``
(more problems of the same file follow as ``# and:`` lines at its end); ``valid/`` examples
build. Paths and limits need a file system set up, so they are plain tests below.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import pytest
import yaml

from pipeline import cli

EXAMPLES = Path(__file__).parent / "manifests"
TEXT = "正文。\n"


def _run(*argv: str | Path, caplog: pytest.LogCaptureFixture) -> tuple[int, list[str]]:
    """``wsis-kg ARGV`` in-process: exit code and the error lines it logged (a traceback fails the test)."""
    caplog.clear()
    with caplog.at_level(logging.INFO):
        code = cli.main([str(a) for a in argv])
    return code, [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def _expected(path: Path, manifest: Path) -> str:
    header = path.read_bytes().decode("utf-8", "replace").splitlines()
    first = next(line.removeprefix("# error: ") for line in header if line.startswith("# error: "))
    rest = [line.removeprefix("# and: ") for line in header if line.startswith("# and: ")]

    def located(text: str) -> str:
        m = re.match(r"^(\d+): (.*)$", text, re.S)
        return f"{manifest}:{m.group(1)}: {m.group(2)}" if m else f"{manifest}: {text}"

    return "\n".join([located(first)] + [located(r) for r in rest])


def _folder(tmp_path: Path, manifest: bytes, files: list[str]) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "manifest.yaml").write_bytes(manifest)
    for name in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(TEXT, encoding="utf-8")
    return folder


@pytest.mark.parametrize("example", sorted((EXAMPLES / "invalid").glob("*.yaml")), ids=lambda p: p.stem)
def test_invalid_manifest_is_refused_with_its_line(example: Path, tmp_path: Path, caplog) -> None:
    folder = _folder(tmp_path, example.read_bytes(), ["a.txt", "b.txt"])
    out = tmp_path / "out"
    code, errors = _run("build", "--documents", folder, "--out", out, "--no-cache", caplog=caplog)
    assert (code, errors) == (2, [_expected(example, folder / "manifest.yaml")])
    assert not out.exists()


@pytest.mark.parametrize("example", sorted((EXAMPLES / "valid").glob("*.yaml")), ids=lambda p: p.stem)
def test_valid_manifest_builds(example: Path, tmp_path: Path, caplog) -> None:
    data = example.read_bytes()
    files = [d["file"] for d in yaml.safe_load(data.decode("utf-8-sig"))["documents"]]
    folder = _folder(tmp_path, data, files)
    code, errors = _run("build", "--documents", folder, "--out", tmp_path / "out", "--no-cache", caplog=caplog)
    assert (code, errors) == (0, [])
    assert (tmp_path / "out" / "wsis-kg.nt").is_file()


def test_manifest_fields_read_as_written(tmp_path: Path) -> None:
    import datetime as dt

    from pipeline.sources.documents import load_manifest

    folder = _folder(tmp_path, (EXAMPLES / "valid" / "all-fields.yaml").read_bytes(), [])
    (entry,) = load_manifest(folder).documents
    assert entry.date == dt.date(2021, 2, 1)
    assert entry.title_en == "Report of the ITU Secretary-General: WTPF-21"
    assert entry.note == "the title is the text's own; the date is the one on its cover"
    (tmp_path / "2").mkdir()
    folder2 = _folder(tmp_path / "2", (EXAMPLES / "valid" / "quoted-and-null.yaml").read_bytes(), [])
    (entry,) = load_manifest(folder2).documents
    assert (entry.title_en, entry.date, entry.note, entry.adopted_by) == ("2030", dt.date(2024, 10, 23), None, None)


# ---------------------------------------------------------------------------------- paths
ENTRY = "documents:\n  - {{file: {file}, key: itu/doc/X, kind: report, language: zh, title_zh: 测试报告, title_en: Test report}}\n"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file outside the documents folder whose content must never reach a dump."""
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("机密：第70/125号决议。\n", encoding="utf-8")
    return secret


def _linked(tmp_path: Path, name: str, target: str | Path) -> Path:
    folder = _folder(tmp_path, ENTRY.format(file=name).encode(), [])
    (folder / name).symlink_to(target)
    return folder


@pytest.mark.parametrize("validate", [True, False], ids=["validated", "no-validate"])
@pytest.mark.parametrize(
    "how", ["absolute-link", "relative-link", "link-chain", "linked-manifest"],
)
def test_symlink_out_of_the_folder_is_refused_before_reading(how, validate, tmp_path, outside, caplog):
    folder = tmp_path / "docs"
    if how == "absolute-link":
        folder = _linked(tmp_path, "a.txt", outside)
    elif how == "relative-link":
        folder = _linked(tmp_path, "a.txt", "../elsewhere/secret.txt")
    elif how == "link-chain":  # a link to a link inside the folder that points out
        folder = _linked(tmp_path, "a.txt", "b.link")
        (folder / "b.link").symlink_to(outside)
        (folder / "manifest.yaml").write_text(ENTRY.format(file="a.txt"), encoding="utf-8")
    else:  # the documents folder is fine, but manifest.yaml is a link out of it
        folder = _folder(tmp_path, b"", ["a.txt"])
        (folder / "manifest.yaml").unlink()
        real = tmp_path / "elsewhere" / "manifest.yaml"
        real.write_text(ENTRY.format(file="a.txt"), encoding="utf-8")
        (folder / "manifest.yaml").symlink_to(real)
    out = tmp_path / "out"
    code, errors = _run("build", "--documents", folder, "--out", out, "--no-cache", *([] if validate else ["--no-validate"]), caplog=caplog)
    manifest, root = folder / "manifest.yaml", folder.resolve()
    if how == "linked-manifest":
        expected = f"{manifest}: 'manifest.yaml' resolves to {real.resolve()}, outside the documents folder {root}; copy the file into the folder"
    else:
        expected = (
            f"{manifest}:2: entry 1 (a.txt, key itu/doc/X): 'a.txt' resolves to {outside.resolve()}, outside the documents folder {root}; "
            "copy the file into the folder"
        )
    assert (code, errors) == (2, [expected])
    assert not out.exists()


def test_symlink_inside_the_folder_is_read(tmp_path, caplog):
    folder = _folder(tmp_path, ENTRY.format(file="a.txt").encode(), ["real.txt"])
    (folder / "a.txt").symlink_to("real.txt")
    (folder / "manifest.yaml").write_text(ENTRY.format(file="a.txt") + ENTRY.format(file="real.txt").split("\n", 1)[1].replace("itu/doc/X", "itu/doc/Y"), encoding="utf-8")
    code, errors = _run("build", "--documents", folder, "--out", tmp_path / "out", "--no-cache", caplog=caplog)
    assert (code, errors) == (0, [])


@pytest.mark.timeout(10)  # before the fix, reading the FIFO blocked for ever
@pytest.mark.parametrize("what", ["fifo", "folder", "loop", "broken-link"])
def test_what_is_not_a_readable_file_is_named(what, tmp_path, caplog):
    folder = _folder(tmp_path, ENTRY.format(file="a.txt").encode(), [])
    path = folder / "a.txt"
    manifest = folder / "manifest.yaml"
    if what == "fifo":  # reading a FIFO would block the build for ever
        os.mkfifo(path)
        expected = f"{manifest}:2: entry 1 (a.txt, key itu/doc/X): 'a.txt' is not a regular file"
    elif what == "folder":
        path.mkdir()
        expected = f"{manifest}:2: entry 1 (a.txt, key itu/doc/X): 'a.txt' is not a regular file"
    elif what == "loop":
        path.symlink_to("a.txt")
        expected = f"{manifest}:2: entry 1 (a.txt, key itu/doc/X): cannot resolve 'a.txt' (Symlink loop from {str(path)!r})"
    else:
        path.symlink_to("gone.txt")
        expected = f"{manifest}:2: entry 1 (a.txt, key itu/doc/X): 'a.txt' is listed but not present in the folder"
    code, errors = _run("build", "--documents", folder, "--out", tmp_path / "out", "--no-cache", caplog=caplog)
    assert (code, errors) == (2, [expected])


# ---------------------------------------------------------------------------------- limits
def test_too_many_documents_in_the_manifest(tmp_path, caplog):
    entries = "".join(ENTRY.format(file=f"{i}.txt").split("\n", 1)[1].replace("itu/doc/X", f"itu/doc/{i}") for i in range(3))
    folder = _folder(tmp_path, ("documents:\n" + entries).encode(), [])
    code, errors = _run("build", "--documents", folder, "--out", tmp_path / "out", "--max-documents", "2", caplog=caplog)
    assert (code, errors) == (
        2,
        [f"{folder / 'manifest.yaml'}:2: the manifest lists 3 documents, more than the limit of 2; raise it with --max-documents"],
    )


def test_too_many_texts_in_the_folder_is_refused_before_the_manifest(tmp_path, caplog):
    folder = _folder(tmp_path, b"not: [even, yaml", [f"{i}.txt" for i in range(3)])
    code, errors = _run("build", "--documents", folder, "--out", tmp_path / "out", "--max-documents", "2", caplog=caplog)
    assert (code, errors) == (2, [f"{folder}: the folder holds more than 2 .txt files, the limit; raise it with --max-documents"])


def test_a_2_gb_text_is_refused_without_reading_it(tmp_path, caplog):
    folder = _folder(tmp_path, ENTRY.format(file="a.txt").encode(), [])
    with open(folder / "a.txt", "wb") as f:  # sparse: takes no disk, and reading it would take minutes
        f.truncate(2 * 1024**3)
    code, errors = _run("build", "--documents", folder, "--out", tmp_path / "out", caplog=caplog)
    assert (code, errors) == (
        2,
        [f"{folder / 'a.txt'}: the text is 2,147,483,648 bytes (2048.0 MiB), more than the limit of 16,777,216 bytes (16.0 MiB); raise it with --max-text-bytes"],
    )


def test_limits_are_raised_by_options(tmp_path, caplog):
    folder = _folder(tmp_path, ENTRY.format(file="a.txt").encode(), [])
    (folder / "a.txt").write_text("正文。" * 400 + "\n", encoding="utf-8")  # 3,601 bytes
    code, errors = _run("build", "--documents", folder, "--out", tmp_path / "out", "--max-text-bytes", "3K", caplog=caplog)
    assert (code, errors) == (
        2,
        [f"{folder / 'a.txt'}: the text is 3,601 bytes (0.0 MiB), more than the limit of 3,072 bytes (0.0 MiB); raise it with --max-text-bytes"],
    )
    code, errors = _run("build", "--documents", folder, "--out", tmp_path / "out", "--max-text-bytes", "4K", caplog=caplog)
    assert (code, errors) == (0, [])


@pytest.mark.parametrize("value", ["0", "-1", "1.5M", "12Q", "١٢"])
def test_limit_options_take_positive_byte_counts(value, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.parser().parse_args(["build", "--max-text-bytes", value])
    assert exit_.value.code == 2
    assert "argument --max-text-bytes: " in capsys.readouterr().err


def test_an_unknown_conference_close_to_known_ones_is_suggested(tmp_path):
    from pipeline.errors import InputError
    from pipeline.sources.documents import load_manifest

    manifest = ENTRY.format(file="a.txt").replace("title_en: Test report}", "title_en: Test report, adopted_by: wtdc-2}")
    folder = _folder(tmp_path, manifest.encode(), ["a.txt"])
    with pytest.raises(InputError) as err:
        load_manifest(folder, events={"wtdc-22", "pp-22", "wtdc-25"})
    assert str(err.value) == (
        f"{folder / 'manifest.yaml'}:2: entry 1 (a.txt, key itu/doc/X): adopted_by: "
        "no conference 'wtdc-2' in seeds/reference/conferences.yaml (did you mean wtdc-22, wtdc-25?)"
    )
