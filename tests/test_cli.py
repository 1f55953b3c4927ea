"""The command line is a thin layer: exit codes and output of its subcommands."""

from __future__ import annotations

from pipeline.cli import main


def test_query_prints_rows_and_rejects_hostile_values(built, capsys):
    out = str(built[1])
    assert main(["-q", "query", "itu-roles", "--param", "code=C11", "--out", out]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "code\trole\tdoc\tevidence"
    assert len(printed) == 3
    assert main(["-q", "query", "itu-roles", "--param", 'code=C5" } ; DROP ALL ; #', "--out", out]) == 2


def test_validate_and_stats(built, capsys):
    assert main(["-q", "validate", str(built[1] / "wsis-kg.nt")]) == 0
    assert main(["-q", "stats", "--out", str(built[1])]) == 0
    assert "https://w3id.org/wsis-kg/ontology#RegionalInitiative\t25" in capsys.readouterr().out
