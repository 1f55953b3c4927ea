"""Every command-line mistake gets one clear line (and exit 2), never a traceback or a silent
wrong answer; the exact text is what the user sees on stderr (issue 12, item 7)."""

from __future__ import annotations

import csv
import io
import json
import logging

import pytest
from pyoxigraph import RdfFormat, parse, serialize

from pipeline.cli import main
from pipeline.errors import QueryError
from pipeline.identifiers import Identifiers
from pipeline.rdf.write import DUMPS
from pipeline.store.endpoint import Endpoint
from pipeline.store.load import load, plan_from_dumps
from pipeline.store.query import bound_text, get_query, run_remote, write_rows
from pipeline.store.server import OxigraphServer

IDS = Identifiers()
ID = IDS.id("")


def cli(caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, list[str]]:
    """Run `wsis-kg ARGS`: exit code, stdout, and the log lines as printed (LEVEL message)."""
    caplog.clear()
    with caplog.at_level(logging.INFO):
        code = main(list(args))
    return code, capsys.readouterr().out, [f"{r.levelname} {r.getMessage()}" for r in caplog.records if r.name == "wsis-kg"]


# -- validate ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["wsis-kg.nt", "wsis-kg.ttl", "wsis-kg.trig", "wsis-kg.jsonld", "wsis-kg.nq"])
def test_validate_reads_every_dump_format_by_suffix(built, tmp_path, caplog, capsys, name):
    dump = built[1] / name
    if name.endswith(".nq"):  # the build writes no N-Quads; data engineers convert to it
        dump = tmp_path / name
        dump.write_bytes(serialize(parse(path=str(built[1] / "wsis-kg.trig"), format=RdfFormat.TRIG), format=RdfFormat.N_QUADS) or b"")
    assert cli(caplog, capsys, "validate", str(dump)) == (0, "", [f"INFO {dump} conforms to shapes/"])


def test_validate_names_a_missing_broken_or_unknown_file(tmp_path, caplog, capsys):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix x: <http://x/> .\nx:a x:b x:c .\nx:a x:b .\n", encoding="utf-8")
    unknown = tmp_path / "graph.rdf"
    unknown.write_text("<rdf:RDF/>", encoding="utf-8")
    cases = {
        tmp_path / "missing.nt": f"{tmp_path / 'missing.nt'}: not found (run `wsis-kg build` first, or give a dump's path)",
        broken: f"{broken}:3: not valid Turtle: Parser error at line 3 column 9: . is not a valid RDF object",
        unknown: f"{unknown}: cannot tell the format from the suffix '.rdf': validate reads .nt, .ttl, .trig, .nq, .jsonld",
        tmp_path: f"{tmp_path}: is a folder: give one dump, e.g. dist/wsis-kg.trig",
    }
    for path, message in cases.items():
        assert cli(caplog, capsys, "validate", str(path)) == (2, "", [f"ERROR {message}"])


# -- query ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (["itu-roles", "--param", "code=C1", "--param", "code=C2"],
     "--param code given twice ('C1' and 'C2'): give each parameter once"),
    (["events-timeline", "--param", "year=20٢٢"],  # Arabic-Indic digits: NFKC keeps them
     "events-timeline: year must be a year, 1900 to 2099, in digits 0-9, got '20٢٢'"),
    (["sdgs-per-document", "--param", "goal=١٧"],
     "sdgs-per-document: goal must be an SDG number, 1 to 17, got '١٧'"),
    (["/etc/passwd"], "'/etc/passwd' is not a canned query name: `wsis-kg query` runs queries/NAME.rq only (see --list). "
     "To run a query of your own, add it to queries/ with its # title:, # description: and # param: header, "
     "or send it to `wsis-kg serve` with any SPARQL client"),
    (["../queries/itu-roles"], "'../queries/itu-roles' is not a canned query name: `wsis-kg query` runs queries/NAME.rq only "
     "(see --list). To run a query of your own, add it to queries/ with its # title:, # description: and # param: "
     "header, or send it to `wsis-kg serve` with any SPARQL client"),
])
def test_query_refuses_before_running(built, caplog, capsys, args, message):
    assert cli(caplog, capsys, "query", *args, "--out", str(built[1])) == (2, "", [f"ERROR {message}"])


def test_a_missing_required_parameter_is_refused_and_every_parameter_says_which_it_is(tmp_path):
    """A required parameter left out used to run the query unfiltered."""
    header = "# title: t\n# description: d\n"
    (tmp_path / "needs.rq").write_text(header + "# param: work iri required IRI of the work\n"
                                       f"# example: work={ID}itu/pp/res/71\nSELECT ?work WHERE {{ ?work ?p ?o }}\n", encoding="utf-8")
    (tmp_path / "vague.rq").write_text(header + "# param: code code Action line\nSELECT ?code WHERE { ?s ?p ?code }\n", encoding="utf-8")
    (tmp_path / "unshown.rq").write_text(header + "# param: work iri required IRI\nSELECT ?work WHERE { ?work ?p ?o }\n", encoding="utf-8")
    needs = get_query("needs", tmp_path)
    with pytest.raises(QueryError) as refused:
        bound_text(needs, {}, IDS)
    assert str(refused.value) == "needs: missing required parameter: --param work=… (IRI of the work)"
    assert bound_text(needs, needs.required_examples(), IDS).endswith(f"VALUES (?work) {{ (<{ID}itu/pp/res/71>) }}\n")
    with pytest.raises(QueryError) as vague:
        get_query("vague", tmp_path)
    assert str(vague.value) == f"{tmp_path / 'vague.rq'}: parameter code: say 'required' or 'optional' after its type (code), got 'Action'"
    with pytest.raises(QueryError) as unshown:
        get_query("unshown", tmp_path)
    assert str(unshown.value) == f"{tmp_path / 'unshown.rq'}: parameter work is required: give an '# example: work=…' line"


def test_full_width_digits_are_still_digits(built, caplog, capsys):
    code, out, _ = cli(caplog, capsys, "query", "events-timeline", "--param", "year=２０２２", "--out", str(built[1]))
    assert code == 0
    assert len(out.splitlines()) > 1


def test_list_says_which_parameters_are_required(caplog, capsys):
    _, out, _ = cli(caplog, capsys, "query", "--list")
    assert "citing-instrument: Documents citing an instrument, across all its versions and parts [work (iri, optional); pages by 10" in out
    assert "itu-roles: ITU's role per WSIS action line, with evidence [code (code, optional); pages by 20" in out


def test_rows_keep_one_line_per_row_in_every_format():
    names, rows = ["a", "b"], [("x\ty", "line 1\nline 2\r"), ("back\\slash", "")]
    tsv, comma, js = io.StringIO(), io.StringIO(), io.StringIO()
    write_rows(tsv, names, rows, "tsv")
    write_rows(comma, names, rows, "csv")
    write_rows(js, names, rows, "json")
    assert tsv.getvalue() == "a\tb\nx\\ty\tline 1\\nline 2\\r\nback\\\\slash\t\n"
    assert list(csv.reader(io.StringIO(comma.getvalue(), newline=""))) == [names, *map(list, rows)]
    assert json.loads(js.getvalue()) == [dict(zip(names, row, strict=True)) for row in rows]


def test_query_formats_agree(built, caplog, capsys):
    args = ("query", "itu-roles", "--param", "code=C5", "--out", str(built[1]), "--format")
    tsv = [line.split("\t") for line in cli(caplog, capsys, *args, "tsv")[1].splitlines()]
    comma = list(csv.reader(io.StringIO(cli(caplog, capsys, *args, "csv")[1], newline="")))
    objects = json.loads(cli(caplog, capsys, *args, "json")[1])
    assert len(tsv) == 6  # header + 5 role statements
    assert comma == tsv
    assert [list(o.values()) for o in objects] == tsv[1:]
    assert list(objects[0]) == tsv[0]


def test_union_on_a_store_loaded_by_wsis_kg_load_says_what_to_use(built, tmp_path):
    """A store served the usual way (`oxigraph serve`: the default graph is its own graph, empty)
    answered every --dataset union query with 0 rows and exit 0."""
    with OxigraphServer(tmp_path / "store", read_only=False, union_default_graph=False) as server:
        endpoint = Endpoint.from_url(server.root, environ={})
        load(endpoint, plan_from_dumps(built[1], IDS), IDS)
        query = get_query("itu-roles")
        assert run_remote(endpoint, query, {"code": "C5"}, IDS, dataset="live")[1]
        with pytest.raises(QueryError) as refused:
            run_remote(endpoint, query, {"code": "C5"}, IDS, dataset="union")
    assert str(refused.value) == (
        f"0 rows, and that says nothing: the default graph of {server.query_url} is empty while the store holds "
        f"{len(plan_from_dumps(built[1], IDS).graphs)} "
        "graphs loaded by `wsis-kg load`. Use --dataset live (the default), which queries exactly those graphs, "
        "or serve the store with the union of its graphs as default graph"
    )


# -- load, stats ---------------------------------------------------------------------------------


def test_second_load_with_nothing_changed_says_so(built, oxigraph, caplog, capsys):
    args = ("load", "--endpoint", oxigraph.root, "--out", str(built[1]))
    code, _, first = cli(caplog, capsys, *args)
    assert code == 0
    graphs = len(plan_from_dumps(built[1], IDS).graphs)
    assert first[-1].startswith(f"INFO switched {graphs} changed graphs (")
    code, _, again = cli(caplog, capsys, *args)
    assert code == 0
    seconds = again[-1].rsplit("(", 1)[1]
    assert again[-1] == (f"INFO nothing changed: {oxigraph.root}/store already holds this build ({graphs} graphs, "
                         f"{plan_from_dumps(built[1], IDS).triples} triples, same checksums); only its dataset "
                         f"description was refreshed ({seconds}")


def test_stats_has_a_header_totals_and_help(built, caplog, capsys):
    code, out, _ = cli(caplog, capsys, "stats", "--out", str(built[1]))
    title, *blocks = out.split("\n\n# ")[0].split("\n\n")
    assert code == 0
    assert title == f"# wsis-kg build in {built[1]} (figures from void.ttl)"
    tables = {block.splitlines()[0]: dict(line.split("\t") for line in block.splitlines()[1:]) for block in blocks}
    assert list(tables) == ["total\tcount", "graph\ttriples", "class\tentities", "file\tbytes"]
    plan = plan_from_dumps(built[1], IDS)
    assert set(tables["total\tcount"]) == {"triples", "entities", "graphs", "classes"}
    assert int(tables["total\tcount"]["graphs"]) == len(plan.graphs)
    graphs = tables["graph\ttriples"]
    assert int(graphs.pop("(sum of graphs)")) == plan.triples
    assert {g: int(n) for g, n in graphs.items()} == {g.name: g.triples for g in plan.graphs}
    assert tables["class\tentities"][f"{ID.removesuffix('id/')}ontology#RegionalInitiative"] == "25"
    assert set(tables["file\tbytes"]) == set(DUMPS)
    with pytest.raises(SystemExit):
        main(["stats", "--help"])
    assert "totals (triples in the union of all graphs" in capsys.readouterr().out


def test_served_store_query_file_outside_queries_is_refused_by_name_only(tmp_path, caplog, capsys):
    """A file next to queries/ with the right shape is still not run: the name is never a path."""
    (tmp_path / "mine.rq").write_text("# title: t\n# description: d\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    code, _, lines = cli(caplog, capsys, "query", str(tmp_path / "mine"))
    assert code == 2
    assert lines[0].startswith(f"ERROR '{tmp_path / 'mine'}' is not a canned query name")
