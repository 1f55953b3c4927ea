"""A build's ``void.ttl`` → its figures: totals, triples per graph, entities per class, file sizes.

``wsis-kg stats`` prints them; they are read back from the VoID/DCAT description the build
wrote (never recounted), so they are the figures a data engineer's own tools see.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

from pipeline.errors import InputError

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


@dataclass(frozen=True)
class BuildStatistics:
    """What ``void.ttl`` states about one build (counts are integers as written there)."""

    dataset: str
    triples: int  # in the union of all graphs
    entities: int  # distinct subjects
    graphs: tuple[tuple[str, int], ...]  # (graph IRI, triples), by IRI
    classes: tuple[tuple[str, int], ...]  # (class IRI, entities), by IRI
    files: tuple[tuple[str, int], ...]  # (file name, bytes), by name


def read_statistics(out: Path) -> BuildStatistics:
    """The figures of the build in ``out``. Raises InputError if ``out/void.ttl`` is missing or
    does not describe one dataset with ``void:triples``."""
    from pyoxigraph import QuerySolutions, RdfFormat, Store

    void = out / "void.ttl"
    if not void.is_file():
        raise InputError(void, "not found: run `wsis-kg build` first (or give the build folder with --out)")
    store = Store()
    try:
        store.load(path=str(void), format=RdfFormat.TURTLE)
    except SyntaxError as exc:
        raise InputError(void, f"not valid Turtle: {exc.msg}", exc.lineno) from None

    def rows(names: str, where: str) -> list[tuple[str, ...]]:
        solutions = cast(QuerySolutions, store.query(f"SELECT DISTINCT {names} WHERE {{ {where} }}"))
        return sorted(tuple(s[v].value if s[v] is not None else "" for v in solutions.variables) for s in solutions)

    datasets = rows("?d ?t ?e", f"?d <{VOID}subset> ?any ; <{VOID}triples> ?t ; <{VOID}entities> ?e")
    if len(datasets) != 1:
        raise InputError(void, f"expected one dataset with void:subset, void:triples and void:entities, found {len(datasets)}")
    dataset, triples, entities = datasets[0]
    return BuildStatistics(
        dataset=dataset,
        triples=int(triples),
        entities=int(entities),
        graphs=tuple((g, int(n)) for g, n in rows("?g ?n", f"<{dataset}> <{VOID}subset> ?g . ?g <{VOID}triples> ?n")),
        classes=tuple((c, int(n)) for c, n in rows("?c ?n", f"<{dataset}> <{VOID}classPartition> ?p . ?p <{VOID}class> ?c ; <{VOID}entities> ?n")),
        files=tuple((f, int(n)) for f, n in rows("?f ?n", f"<{dataset}> <{DCAT}distribution> ?x . ?x <{RDFS}label> ?f ; <{DCAT}byteSize> ?n")),
    )


def statistics_table(stats: BuildStatistics, where: Path) -> list[str]:
    """The lines ``wsis-kg stats`` prints: a title, then tab-separated tables, each with a header."""
    lines = [f"# wsis-kg build in {where} (figures from void.ttl)", "", "total\tcount",
             f"triples\t{stats.triples}", f"entities\t{stats.entities}", f"graphs\t{len(stats.graphs)}",
             f"classes\t{len(stats.classes)}", "", "graph\ttriples"]
    lines += [f"{g}\t{n}" for g, n in stats.graphs]
    lines += [f"(sum of graphs)\t{sum(n for _, n in stats.graphs)}", "", "class\tentities"]
    lines += [f"{c}\t{n}" for c, n in stats.classes]
    lines += ["", "file\tbytes"]
    lines += [f"{f}\t{n}" for f, n in stats.files]
    return lines
