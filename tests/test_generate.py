"""Fidelity: a generated corpus, extracted exactly as ``build`` does, gives back its answer key.

The key lists what the generator wrote (never what the extractor read), so any difference is
either an extractor miss or a generator that wrote something doubtful; both should be fixed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline import layout
from pipeline.build import build, extract_all
from pipeline.cli import main
from pipeline.corpus.generate import (
    ANSWER_KEY,
    differences,
    generate_corpus,
    load_answer_key,
    load_vocabulary,
    observed,
    write_corpus,
)
from pipeline.errors import InputError
from pipeline.identifiers import Identifiers
from pipeline.sources.reference import Reference

IDS = Identifiers()
SEED = 20251117


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    write_corpus(generate_corpus(400, SEED, IDS), out)  # enough for every notation to occur (see below)
    return out


def test_extraction_matches_the_answer_key_exactly(corpus_dir: Path) -> None:
    key = load_answer_key(corpus_dir)
    _, sources, extractions = extract_all(corpus_dir, IDS)
    assert [s.entry.key for s in sources] == [d.key for d in key.documents]
    problems = []
    for expected, ex in zip(key.documents, extractions, strict=True):
        problems += differences(expected, observed(ex, IDS))
        problems += [f"{ex.key}: warning {w}" for w in ex.warnings]
    assert not problems, "extraction differs from the answer key:\n" + "\n".join(problems)


def test_the_key_is_not_trivial(corpus_dir: Path) -> None:
    """The comparison above means something only if the key holds every kind of fact."""
    docs = load_answer_key(corpus_dir).documents
    cited = [c.cited.removeprefix(IDS.id("")) for d in docs for c in d.citations]
    for kind in ("un/A/RES/", "un/E/RES/", "itu/pp/res/", "itu/wtdc/res/", "itu/council/dec/", "/opinion/", "itu/doc/"):
        assert any(kind in iri for iri in cited), kind
    assert sum(len(d.mentions) for d in docs) >= 10
    exact = [c.exact for d in docs for c in d.citations]
    assert any("（C" in e for e in exact), "Council session notation （C24）"
    assert any("理事会" in e for e in exact), "Council session notation 理事会"
    assert any(e.startswith("ES-") for e in exact)
    assert any("A(III)" in e for e in exact)
    assert any("-E/" in e for e in exact)
    assert any(ch in "０１２３４５６７８９" for e in exact for ch in e), "full-width digits"
    for kind in ("un/E/DEC/", "un/S/RES/", "un/A/HRC/RES/", "un/A/RES/S-", "/SR."):
        assert any(kind in iri for iri in cited), kind
    assert any(e.endswith("号") for e in exact), "items of a coordinated list (第1号、第2号和…)"
    assert any(re.search(r"\((?:PP|WTDC|WTSA|RA)-\d\d\)|（(?:PP|WTDC|WTSA|RA)-", e) for e in exact), "conference codes"
    assert any(" 号决议" in e for e in exact), "spaces inside numbers"
    assert any(ch in e for e in exact for ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad\ufffc"), "invisible characters"
    assert any(" (Rev." in e for e in exact), "a space inside an ITU symbol"
    assert any("L. " in e for e in exact), "a space inside a UN symbol"
    assert {r.role for d in docs for r in d.roles} == {"facilitator", "co-facilitator", "partner"}
    mandates = [m for d in docs for m in d.mandates]
    assert {m.verb for m in mandates} >= {"instructs", "requests", "calls-upon", "encourages", "urges", "invites"}
    assert any(m.embedded for m in mandates)
    assert any(m.document.startswith(IDS.id("itu/doc/")) for m in mandates)
    assert any(c.verb for d in docs for c in d.citations)
    assert any(c.verb is None for d in docs for c in d.citations)


def test_same_docs_and_seed_give_byte_identical_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    write_corpus(generate_corpus(12, 5, IDS), first)
    write_corpus(generate_corpus(12, 5, IDS), second)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert {ANSWER_KEY, "manifest.yaml"} <= set(names)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert generate_corpus(12, 6, IDS).files != generate_corpus(12, 5, IDS).files


def test_manifest_keys_are_unique_identifiers(tmp_path: Path) -> None:
    corpus = generate_corpus(300, 3, IDS)
    keys = [d.key for d in corpus.key.documents]
    assert len(set(keys)) == len(keys)
    assert all(k.startswith(("itu/pp/res/", "itu/wtdc/res/", "itu/wtsa/res/", "itu/ra/res/", "itu/doc/", "un/A/C.")) for k in keys)
    cited = {c.cited for d in corpus.key.documents for c in d.citations}
    assert not cited & {IDS.id(k) for k in keys}, "a generated document is never cited (no self-citation by accident)"


def test_generated_corpus_builds_and_conforms_to_the_shapes(tmp_path: Path) -> None:
    documents = tmp_path / "docs"
    write_corpus(generate_corpus(10, SEED, IDS), documents)
    result = build(documents, tmp_path / "dist", IDS, validate=True)
    assert not result.warnings
    assert (tmp_path / "dist" / "wsis-kg.nt").stat().st_size > 0


def test_free_text_that_could_carry_a_fact_is_refused(tmp_path: Path) -> None:
    ref = Reference.load(layout.REFERENCE)
    text = layout.SEEDS.joinpath("generator", "corpus.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "corpus.yaml"
    bad.write_text(text.replace("  - 在决策进程中赋能消费者", "  - 在全权代表大会上赋能消费者"), encoding="utf-8")
    with pytest.raises(InputError, match="全权代表大会"):
        load_vocabulary(ref, bad)


def test_cli_generate_corpus_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "corpus"
    assert main(["-q", "generate-corpus", "--docs", "5", "--out", str(out), "--seed", "1", "--check"]) == 0
    assert capsys.readouterr().out == ""
    assert len(list(out.glob("*.txt"))) == 5
    with pytest.raises(SystemExit):
        main(["generate-corpus", "--docs", "0", "--out", str(out)])
