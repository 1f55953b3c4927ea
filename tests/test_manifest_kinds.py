"""Any document kind with any valid key builds, with the RDF class of the key's template
(docs/identifiers.md); a kind, key and symbol that cannot all be right are refused with
``manifest.yaml:LINE`` naming the entry, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Store

from pipeline.build import build
from pipeline.errors import InputError
from pipeline.identifiers import Identifiers

IDS = Identifiers()
W = "https://w3id.org/wsis-kg/ontology#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCT_ID = NamedNode("http://purl.org/dc/terms/identifier")
ALT_ID = NamedNode(W + "alternativeIdentifier")
MEMBER_OF = NamedNode("http://data.europa.eu/eli/ontology#is_member_of")
TEXT = "忆及联合国大会关于信息社会世界峰会成果的第70/125号决议；\n"  # every text cites one of the sources

# (kind, key, symbol, the classes the document must have besides SourceDocument/LegalResource)
VALID = [
    ("resolution", "un/A/RES/70/125", None, {"UNGAResolution"}),
    ("resolution", "un/A/RES/S-27/2", "A/RES/S-27/2", {"UNGAResolution"}),
    ("resolution", "un/A/RES/217(III)", None, {"UNGAResolution"}),
    ("resolution", "un/E/RES/2024/13", None, {"ECOSOCResolution"}),
    ("decision", "un/E/DEC/1992/218", None, {"ECOSOCDecision"}),
    ("resolution", "un/S/RES/2222", "S/RES/2222 (2015)", {"SecurityCouncilResolution"}),
    ("resolution", "un/A/HRC/RES/55/1", None, {"UNDocument"}),
    ("resolution", "itu/pp/res/71", None, {"ITUResolution"}),
    ("resolution", "itu/pp/res/71/2018", None, {"InstrumentVersion"}),
    ("resolution", "itu/council/res/1332", None, {"ITUResolution"}),
    ("decision", "itu/council/dec/611/2020", None, {"InstrumentVersion"}),
    ("decision", "itu/council/dec/637", None, {"CouncilDecision"}),
    ("opinion", "itu/wtpf/2021/opinion/3", None, {"WTPFOpinion"}),
    ("declaration", "itu/wtdc/2022/declaration", None, {"Declaration"}),
    ("declaration", "wsis/geneva-declaration-of-principles", None, {"WSISOutcomeDocument", "NamedInstrument"}),  # instruments.yaml
    ("report", "un/E/CN.16/2024/2", "E/CN.16/2024/2", {"UNDocument", "Report"}),
    ("report", "un/A/79/62", "A/79/62-E/2024/3", {"UNDocument", "Report"}),
    ("report", "un/cstd/2024/sg-report", None, {"Report"}),
    ("draft resolution", "un/A/C.2/78/L.30", "A/C.2/78/L.30", {"UNDocument", "DraftResolution"}),
    ("council document", "itu/doc/C18/35", "C18/35", {"ITUDocument", "CouncilDocument"}),
    ("council document", "itu/council/2025/wtdc-25-update", None, {"CouncilDocument"}),
    ("circular letter", "itu/doc/CL-24/61", None, {"ITUDocument"}),
    ("web page", "itu/itu-d/2025/wsis-action-lines", None, set()),
    ("document", "itu/doc/TDAG-25/18(Rev.1)", None, {"ITUDocument"}),
]


def _manifest(entries: list[tuple[str, str, str | None]]) -> str:
    lines = ["# test manifest", "documents:"]
    for i, (kind, key, symbol) in enumerate(entries):
        lines += [f"  - file: d{i:02d}.txt", f"    key: {key}", f"    kind: {kind}", "    language: zh",
                  "    title_zh: 测试文件", "    title_en: Test document"]
        if symbol:
            lines.append(f"    symbol: {symbol}")
    return "\n".join(lines) + "\n"


def _folder(tmp: Path, entries: list[tuple[str, str, str | None]]) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    for i in range(len(entries)):
        (tmp / f"d{i:02d}.txt").write_text(TEXT, encoding="utf-8")
    (tmp / "manifest.yaml").write_text(_manifest(entries), encoding="utf-8")
    return tmp


@pytest.fixture(scope="module")
def every_kind(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """One validated build holding one document of every kind/key case."""
    tmp = tmp_path_factory.mktemp("kinds")
    docs = _folder(tmp / "docs", [(k, key, s) for k, key, s, _ in VALID])
    build(docs, tmp / "dist", IDS, validate=True)  # SHACL-valid, or this raises
    store = Store()
    store.bulk_load(path=str(tmp / "dist" / "wsis-kg.nt"), format=__import__("pyoxigraph").RdfFormat.N_TRIPLES)
    return store


def _classes(store: Store, iri: str) -> set[str]:
    return {str(q.object.value).removeprefix(W) for q in store.quads_for_pattern(NamedNode(iri), RDF_TYPE, None) if isinstance(q.object, NamedNode)}


@pytest.mark.parametrize(("kind", "key", "symbol", "classes"), VALID, ids=[f"{k}:{key}" for k, key, _, _ in VALID])
def test_every_kind_with_a_valid_key_builds_with_the_key_class(every_kind, kind, key, symbol, classes):
    got = _classes(every_kind, IDS.id(key))
    assert {"SourceDocument", "http://data.europa.eu/eli/ontology#LegalResource"} <= got
    assert got - {"SourceDocument", "http://data.europa.eu/eli/ontology#LegalResource"} == classes


def test_a_source_version_has_its_work(every_kind):
    version = NamedNode(IDS.id("itu/council/dec/611/2020"))
    works = [q.object.value for q in every_kind.quads_for_pattern(version, MEMBER_OF, None)]
    assert works == [IDS.id("itu/council/dec/611")]
    assert _classes(every_kind, works[0]) == {"CouncilDecision", "http://data.europa.eu/eli/ontology#LegalResource"}


@pytest.mark.parametrize(
    ("key", "identifier", "alternative"),
    [("un/A/RES/70/125", "A/RES/70/125", None), ("un/S/RES/2222", "S/RES/2222", None),
     ("un/E/DEC/1992/218", "E/DEC/1992/218", None), ("un/A/79/62", "A/79/62", "E/2024/3"),
     ("itu/doc/C18/35", "C18/35", None)],
)
def test_symbols_become_identifiers(every_kind, key, identifier, alternative):
    node = NamedNode(IDS.id(key))
    assert [q.object.value for q in every_kind.quads_for_pattern(node, DCT_ID, None)] == [identifier]
    alts = [q.object.value for q in every_kind.quads_for_pattern(node, ALT_ID, None)]
    assert alts == ([alternative] if alternative else [])


# (kind, key, symbol, words the error must contain)
REFUSED = [
    ("resolution", "itu/council/2025/wtdc-25-update", None, "kind 'resolution' cannot have key"),
    ("resolution", "un/A/C.2/79/L.33", None, "contains /RES/"),
    ("decision", "itu/pp/res/71", None, "kind 'decision' cannot have key"),
    ("opinion", "itu/wtpf/2021/sg-report", None, "itu/wtpf/{year}/opinion/{n}"),
    ("report", "un/A/RES/70/125", None, "kind 'report' cannot have key"),
    ("report", "itu/wtdc/2025/declaration", None, "kind 'report' cannot have key"),
    ("resolution", "un/A/RES/70", None, "follows no identifier template"),
    ("council document", "un/C18/35", "C18/35", "use itu/doc/C18/35"),
    ("report", "itu/doc/A/79/62", None, "use un/A/79/62"),
    ("council document", "itu/council/2018/update", "C18/35", "keyed by it: itu/doc/C18/35"),
    ("council document", "itu/doc/C18/35", "C18/36", "not the key's symbol"),
    ("resolution", "itu/pp/res/71/2018", "A/RES/70/1", "is a UN symbol but the key is a ITU one"),
    ("report", "itu/region/2025/x", None, "follows no identifier template"),
    ("report", "itu/pp", None, "follows no identifier template"),
]


@pytest.mark.parametrize(("kind", "key", "symbol", "words"), REFUSED, ids=[f"{k}:{key}" for k, key, _, _ in REFUSED])
def test_impossible_kind_key_symbol_is_refused_naming_the_entry_line(tmp_path, kind, key, symbol, words):
    good = ("report", "itu/wtpf/2021/sg-report", None)
    docs = _folder(tmp_path / "docs", [good, (kind, key, symbol)])
    with pytest.raises(InputError) as err:
        build(docs, tmp_path / "dist", IDS, validate=False)
    message = str(err.value)
    assert err.value.path.name == "manifest.yaml"
    assert err.value.line == 9, message  # line of "  - file: d01.txt" in the manifest above
    assert message.startswith(f"{docs / 'manifest.yaml'}:9: ")
    assert "d01.txt" in message, message
    assert words in message, message
    assert not (tmp_path / "dist").exists()


def test_readme_shows_one_valid_entry_per_kind():
    """The README's "Adding a document" examples are valid entries, and every kind has one."""
    import re
    import typing

    import yaml

    from pipeline.sources.documents import DocumentKind, ManifestEntry

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Adding a document", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block, "README: the Adding a document section has a yaml example"
    entries = [ManifestEntry.model_validate(e) for e in yaml.safe_load(block.group(1))["documents"]]
    assert {e.kind for e in entries} == set(typing.get_args(DocumentKind))
