"""``wsis-kg``: a thin command line over the library.

Examples::

    wsis-kg build                         # seeds/documents → dist/ (validated)
    wsis-kg build --documents my-texts --out out/
    wsis-kg validate dist/wsis-kg.ttl     # SHACL report of any dump
    wsis-kg validate --engine pyshacl     # the same, by the reference implementation
    wsis-kg query --list
    wsis-kg query citing-instrument --param work=https://w3id.org/wsis-kg/id/itu/pp/res/71
    wsis-kg stats
    wsis-kg serve                         # Oxigraph on http://127.0.0.1:7878, read-only
    wsis-kg load --endpoint http://127.0.0.1:7878      # into a writable store, atomically
    wsis-kg query itu-roles --param code=C5 --endpoint http://127.0.0.1:7878/query
    wsis-kg generate-corpus --docs 1000 --out /tmp/corpus --check
    wsis-kg site                          # dist/ → dist/site/: static explorer, open dist/site/index.html
    wsis-kg build --site                  # build, then the site
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import layout
from pipeline.errors import WsisKgError
from pipeline.identifiers import Identifiers

if TYPE_CHECKING:
    from pipeline.store.endpoint import Endpoint

log = logging.getLogger("wsis-kg")


def _ids(args: argparse.Namespace) -> Identifiers:
    if getattr(args, "base", None):
        return Identifiers(args.base if args.base.endswith("/") else args.base + "/")
    return Identifiers.from_environment()


def cmd_build(args: argparse.Namespace) -> int:
    from pipeline.build import build
    from pipeline.sources.documents import Limits

    limits = Limits(max_documents=args.max_documents, max_text_bytes=args.max_text_bytes)
    result = build(
        args.documents, args.out, _ids(args), validate=not args.no_validate, engine=args.engine, cache=not args.no_cache, limits=limits
    )
    shown = result.warnings[:20]
    for w in shown:
        log.warning("%s", w)
    if len(result.warnings) > len(shown):
        log.warning("… and %d more warnings in build-report.txt", len(result.warnings) - len(shown))
    log.info(
        "built %s in %.2f s (%d documents, %d reused from the cache; %d warnings; see %s/build-report.txt)",
        args.out, result.seconds, result.documents, result.reused, len(result.warnings), args.out,
    )  # fmt: skip
    if args.site:
        from pipeline.site import write_site

        write_site(args.out, args.out / "site", args.documents, _ids(args))
    return 0


def cmd_site(args: argparse.Namespace) -> int:
    from pipeline.site import write_site

    report = write_site(args.dist, args.out or args.dist / "site", args.documents, _ids(args))
    print(f"open {(args.out or args.dist / 'site').resolve() / 'index.html'}  ({report.pages} pages, {report.bytes / 1e6:.1f} MB)")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from pipeline.shacl.validate import validate_file

    problems = validate_file(args.dump, engine=args.engine)
    if problems:
        for p in problems:
            print(p)
        log.error("%s does not conform: %d violations", args.dump, len(problems))
        return 1
    log.info("%s conforms to shapes/", args.dump)
    return 0


def _params(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep:
            raise WsisKgError(f"--param takes name=value, got {item!r}")
        if name in out:
            raise WsisKgError(f"--param {name} given twice ({out[name]!r} and {value!r}): give each parameter once")
        out[name] = value
    return out


def cmd_query(args: argparse.Namespace) -> int:
    from pipeline.store.query import get_query, list_queries, open_output, run, write_rows

    if args.list or not args.name:
        for q in list_queries():
            params = ", ".join(f"{p.name} ({p.type}, {'required' if p.required else 'optional'})" for p in q.params)
            page = f"; pages by {q.page} {q.page_unit}" if q.page else ""
            print(f"{q.name}: {q.title} [{params or 'no parameters'}{page}]\n    {q.description}")
        return 0
    query, values = get_query(args.name), _params(args.param)
    if args.endpoint:
        from pipeline.store.query import run_remote

        names, rows = run_remote(_endpoint(args), query, values, _ids(args), dataset=args.dataset, limit=args.limit, offset=args.offset)
    else:
        names, rows = run(open_output(args.out), query, values, _ids(args), limit=args.limit, offset=args.offset)
    write_rows(sys.stdout, names, rows, args.format)
    return 0


def _endpoint(args: argparse.Namespace) -> Endpoint:
    from pipeline.store.endpoint import Endpoint

    return Endpoint.from_url(args.endpoint, update_url=getattr(args, "update_endpoint", None), store_url=getattr(args, "store_endpoint", None), timeout=args.timeout)


def _stop_requested() -> threading.Event:
    """An event set by Ctrl-C (SIGINT) or ``kill`` (SIGTERM, as service managers send).

    Setting a flag instead of raising means the signal can never land in the middle of
    starting or stopping the server; the serve loop notices it within a fraction of a second.
    """
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def cmd_serve(args: argparse.Namespace) -> int:
    from pipeline.store.gateway import Gateway
    from pipeline.store.server import (
        BUILD_MARKER,
        LOOPBACK,
        OxigraphServer,
        default_store,
        prepare_store,
        require_free_port,
    )

    gateway = None
    if args.writable:
        log.warning("read-write server: anyone who can reach it can change or delete the graph, and make "
                    "it fetch any address with SERVICE or LOAD; keep it on loopback, for trying `wsis-kg load`")
        require_free_port(args.host, args.port)
    else:  # binds the port now: a taken port is reported before minutes of loading
        site = args.site if args.site is not None else args.out / "site"
        gateway = Gateway(host=args.host, port=args.port, timeout_s=args.timeout, site=site if site.is_dir() else None)
        if gateway.site is None:
            log.info("no site in %s: run `wsis-kg site` (or `build --site`) to browse entity pages here too", site)
    if args.host not in LOOPBACK:
        log.warning("binding %s: anyone who can reach this address can run queries (each up to %d s)", args.host, args.timeout)
    try:
        store = args.store or default_store()
        prepare_store(store, args.out, _ids(args))
        if args.writable:  # its content may change: a later serve must not trust the marker
            (store / BUILD_MARKER).unlink(missing_ok=True)
        # behind the gateway: a free loopback port only the gateway is told about
        server = OxigraphServer(store, host="127.0.0.1" if gateway else args.host, port=0 if gateway else args.port,
                                read_only=not args.writable, timeout_s=args.timeout)
        stop = _stop_requested()
        with server:
            if gateway:
                gateway.upstream = server.root
                gateway.start()
            root = gateway.root if gateway else server.root
            print(f"SPARQL endpoint: {root}/query", flush=True)
            print(f"query UI:        {root}/", flush=True)
            if gateway and gateway.site is not None:
                print(f"explorer:        {root}/index.html   (entity IRIs: {root}/id/…)", flush=True)
            if args.writable:
                print(f"updates:         {root}/update   graph store: {root}/store", flush=True)
            print("press Ctrl-C to stop", flush=True)
            process = server.process
            if process is None:
                raise WsisKgError("oxigraph did not start")
            while process.poll() is None and not stop.wait(0.2):
                pass
            if stop.is_set():
                log.info("stopping")
                return 0
        log.error("oxigraph stopped by itself with exit code %s (see %s)", process.returncode, server.log_path)
        return 1
    finally:
        if gateway:
            gateway.stop()


def cmd_load(args: argparse.Namespace) -> int:
    from pipeline.store.load import load, plan_from_dumps

    ids = _ids(args)
    plan = plan_from_dumps(args.out, ids)
    endpoint = _endpoint(args)
    step = max(1, (len(plan.graphs) + 1) // 20)

    def progress(done: int, total: int) -> None:
        if done == total or done % step == 0:
            log.info("staged %d/%d graphs", done, total)

    report = load(endpoint, plan, ids, min_ratio=args.min_ratio, progress=progress)
    changed = report.graphs - report.unchanged_graphs
    if not changed and not report.dropped_graphs:
        log.info("nothing changed: %s already holds this build (%d graphs, %d triples, same checksums); "
                 "only its dataset description was refreshed (%.2f s)", endpoint.store_url, report.graphs, report.triples, report.seconds)
        return 0
    log.info(
        "switched %d changed graphs (%d triples sent with the dataset description) into %s in %.2f s; "
        "%d unchanged graphs kept, %d graphs no longer built dropped; the store now holds %d triples in %d graphs",
        changed, report.sent_triples, endpoint.store_url, report.seconds, report.unchanged_graphs,
        report.dropped_graphs, report.triples, report.graphs,
    )  # fmt: skip
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from pipeline.stats import read_statistics, statistics_table

    for line in statistics_table(read_statistics(args.out), args.out):
        print(line)
    report = args.out / "build-report.txt"
    if report.is_file():
        print(f"\n# {report}")
        print(report.read_text(encoding="utf-8"), end="")
    return 0


def cmd_generate_corpus(args: argparse.Namespace) -> int:
    import time

    from pipeline.corpus.generate import ANSWER_KEY, check_corpus, generate_corpus, write_corpus

    started = time.perf_counter()
    ids = _ids(args)
    corpus = generate_corpus(args.docs, args.seed, ids)
    write_corpus(corpus, args.out)
    facts = sum(len(d.citations) + len(d.named_citations) + len(d.mentions) + len(d.roles) for d in corpus.key.documents)
    log.info("wrote %d documents, manifest.yaml and %s (%d expected facts) to %s in %.2f s",
             args.docs, ANSWER_KEY, facts, args.out, time.perf_counter() - started)
    if not args.check:
        log.info("build it with: wsis-kg build --documents %s --out OUT", args.out)
        return 0
    problems = check_corpus(args.out, ids)
    for p in problems:
        print(p)
    if problems:
        log.error("extraction differs from the answer key: %d differences", len(problems))
        return 1
    log.info("extraction matches the answer key exactly")
    return 0


def _count(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number 0 or more, got {value!r}")
    return int(value)


def _positive(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError(f"needs at least 1, got {n}")
    return n


_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def _byte_count(value: str) -> int:
    """``16777216``, ``64M`` or ``1G`` (K, M, G are binary: KiB, MiB, GiB)."""
    number, unit = value[:-1] if value[-1:].isalpha() else value, value[-1:].lower() if value[-1:].isalpha() else ""
    if unit not in _UNITS or not number.isascii() or not number.isdigit():
        raise argparse.ArgumentTypeError(f"takes a number of bytes such as 16777216, 64M or 1G, got {value!r}")
    return _positive(str(int(number) * _UNITS[unit]))


def parser() -> argparse.ArgumentParser:
    from pipeline.store.query import ROW_FORMATS

    p = argparse.ArgumentParser(prog="wsis-kg", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="extract, map, validate and write the dumps", description="Read a folder of texts with a manifest.yaml, extract facts, validate against shapes/ and write Turtle, N-Triples, TriG, JSON-LD, void.ttl and build-report.txt. The previous output stays untouched if anything fails.")
    b.add_argument("--documents", type=Path, default=layout.DOCUMENTS, help="folder of .txt files and manifest.yaml (default: seeds/documents)")
    b.add_argument("--out", type=Path, default=layout.DEFAULT_OUT, help="output folder (default: dist/)")
    b.add_argument("--base", help="dataset base IRI (default: $WSIS_KG_BASE or https://w3id.org/wsis-kg/)")
    b.add_argument("--no-validate", action="store_true", help="skip SHACL validation (the dumps are still strictly parsed)")
    b.add_argument("--no-cache", action="store_true", help="extract every document again instead of reusing unchanged ones from .OUT.cache/")
    b.add_argument("--engine", choices=("fast", "pyshacl"), default="fast", help="SHACL engine: fast (compiled SPARQL on pyoxigraph, default) or pyshacl (the reference)")
    from pipeline.sources.limits import DEFAULT_LIMITS

    b.add_argument(
        "--max-documents", type=_positive, default=DEFAULT_LIMITS.max_documents, metavar="N",
        help=f"refuse a folder or manifest with more documents than this, before reading any (default: {DEFAULT_LIMITS.max_documents:,})",
    )  # fmt: skip
    b.add_argument(
        "--max-text-bytes", type=_byte_count, default=DEFAULT_LIMITS.max_text_bytes, metavar="BYTES",
        help=f"refuse a text larger than this, before reading it; 64M or 1G work too (default: {DEFAULT_LIMITS.max_text_bytes // 2**20}M)",
    )  # fmt: skip
    b.add_argument("--site", action="store_true", help="then write the static explorer into OUT/site/ (see `wsis-kg site --help`)")
    b.set_defaults(func=cmd_build)

    st = sub.add_parser(
        "site",
        help="write the static explorer website from the built graph",
        description="Write a self-contained website from dist/: a page per entity (with its Turtle), a page per "
        "source text with every extracted fact highlighted at its span, overviews (citation network, action line "
        "and SDG matrices, timeline, regional initiatives), client-side search in Chinese and English, ontology "
        "and SHACL shape documentation, and the canned queries. No page loads anything from the network: open "
        "OUT/index.html from the file system or serve the folder with any static server (`wsis-kg serve` does).",
    )
    st.add_argument("--out", type=Path, default=None, help="folder to write (default: DIST/site, i.e. dist/site/)")
    st.add_argument("--dist", type=Path, default=layout.DEFAULT_OUT, help="folder of the built dumps (default: dist/)")
    st.add_argument("--documents", type=Path, default=layout.DOCUMENTS, help="the texts the build read (default: seeds/documents); checked by SHA-256")
    st.add_argument("--base", help="dataset base IRI the build used (default: $WSIS_KG_BASE or https://w3id.org/wsis-kg/)")
    st.set_defaults(func=cmd_site)

    v = sub.add_parser("validate", help="validate a dump against shapes/", description="Print one line per SHACL violation (focus node | path | message); exit 1 if any, 2 if the dump is missing or does not parse. Reads every format the build writes, by suffix: .nt, .ttl, .trig, .nq, .jsonld (datasets as the union of their graphs). The fast engine gives the same results as pyshacl, the reference (--engine pyshacl).")
    v.add_argument("--engine", choices=("fast", "pyshacl"), default="fast", help="fast (compiled SPARQL on pyoxigraph, default) or pyshacl (the reference)")
    v.add_argument("dump", type=Path, nargs="?", default=layout.DEFAULT_OUT / "wsis-kg.nt", help="a dump: .nt, .ttl, .trig, .nq or .jsonld (default: dist/wsis-kg.nt)")
    v.set_defaults(func=cmd_validate)

    q = sub.add_parser(
        "query",
        help="run a canned query on the built graph",
        description="Run queries/NAME.rq on dist/ (embedded, no server) or on --endpoint, and print its rows. "
        "Only the canned queries in queries/ run (NAME is never a path); a query of your own goes into "
        "queries/ with a header, or to `wsis-kg serve` with any SPARQL client. Each parameter is declared "
        "required or optional (see --list); a missing required one, an undeclared one, one given twice or a "
        "value that does not fit its type (after NFKC: full-width digits are digits, other scripts' digits "
        "are not) is refused before anything runs. A query with SERVICE is refused: nothing reaches the network.",
    )
    q.add_argument("name", nargs="?", help="canned query name (a file queries/NAME.rq, without .rq); omit to list them")
    q.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="bind a declared parameter, e.g. code=C5 (repeatable)")
    q.add_argument("--list", action="store_true", help="list canned queries with their parameters (required or optional)")
    q.add_argument("--format", choices=ROW_FORMATS, default="tsv",
                   help="tsv (default: one line per row; tab, newline, carriage return and backslash in values "
                        "written \\t \\n \\r \\\\), csv (RFC 4180: values quoted as needed) or json (an array of objects)")
    q.add_argument("--limit", type=_count, default=None, metavar="N", help="listings: items per page (documents, works, action lines…, as --list says; default: the query's page size; 0: all)")
    q.add_argument("--offset", type=_count, default=0, metavar="M", help="listings: skip the first M items (page 2 of 20 is --offset 20)")
    q.add_argument("--out", type=Path, default=layout.DEFAULT_OUT, help="folder of the build (default: dist/); its store dist/oxigraph/ answers at once")
    q.add_argument("--endpoint", metavar="URL", help="run on a SPARQL endpoint instead, e.g. http://127.0.0.1:7878/query (POST, JSON)")
    q.add_argument("--timeout", type=float, default=60, help="seconds to wait for the endpoint (default: 60)")
    q.add_argument(
        "--dataset",
        choices=("live", "union"),
        default="live",
        help="with --endpoint: 'live' queries exactly the graphs the last `wsis-kg load` switched in (any store; "
        "slow with thousands of graphs); 'union' uses the store's default graph (fast; for `wsis-kg serve`)",
    )
    q.set_defaults(func=cmd_query)

    sv = sub.add_parser(
        "serve",
        help="start an Oxigraph SPARQL server on the built graph",
        description="Load dist/ into a store folder (reused when it already holds this build) and serve it "
        "read-only on 127.0.0.1:7878: Oxigraph on a private loopback port behind a gateway that speaks the "
        "SPARQL 1.1 protocol (GET/POST /query, the UI at /), refuses SERVICE (federated) queries with "
        "HTTP 400 so the store never reaches another address, and answers a query not finished within "
        "--timeout with HTTP 503 (or cuts a long answer short, never sending it as complete). A taken "
        "port is reported before loading. --writable serves Oxigraph directly (updates, Graph Store, "
        "SERVICE and LOAD included): only for trying `wsis-kg load` on loopback.",
    )
    sv.add_argument("--out", type=Path, default=layout.DEFAULT_OUT, help="folder of the built dumps (default: dist/)")
    sv.add_argument("--store", type=Path, default=None, help="store folder (default: store/ in the checkout)")
    sv.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    sv.add_argument("--port", type=int, default=7878, help="port (default: 7878; 0 picks a free one)")
    sv.add_argument("--timeout", type=int, default=30, help="limit per query, seconds (default: 30): after it, HTTP 503")
    sv.add_argument("--writable", action="store_true", help="accept updates and Graph Store writes (for `wsis-kg load`)")
    sv.add_argument("--site", type=Path, default=None, help="static site to serve at the other paths, so entity IRI paths open their pages (default: OUT/site, if built)")
    sv.add_argument("--base", help="dataset base IRI (default: $WSIS_KG_BASE or https://w3id.org/wsis-kg/)")
    sv.set_defaults(func=cmd_serve)

    ld = sub.add_parser(
        "load",
        help="replace the graph in a SPARQL 1.1 store, atomically",
        description="Push dist/ into a store over the Graph Store Protocol: stage every graph under "
        "{base}staging/, check the counts against void.ttl, then switch in one update request. "
        "Readers see the old graph or the new one, never a mix; an interrupted load is cleaned up by "
        "the next one. Basic-auth credentials come from $WSIS_KG_ENDPOINT_USER and "
        "$WSIS_KG_ENDPOINT_PASSWORD only.",
    )
    ld.add_argument("--endpoint", required=True, metavar="URL", help="query endpoint (…/query) or Oxigraph root URL")
    ld.add_argument("--update-endpoint", metavar="URL", help="update endpoint (default: sibling …/update)")
    ld.add_argument("--store-endpoint", metavar="URL", help="Graph Store endpoint (default: sibling …/store; Fuseki: …/DATASET/data)")
    ld.add_argument("--out", type=Path, default=layout.DEFAULT_OUT, help="folder of the built dumps (default: dist/)")
    ld.add_argument("--min-ratio", type=float, default=0.5, help="refuse a build smaller than this share of the live graph (default: 0.5)")
    ld.add_argument("--timeout", type=float, default=120, help="seconds to wait for each request (default: 120)")
    ld.add_argument("--base", help="dataset base IRI (default: $WSIS_KG_BASE or https://w3id.org/wsis-kg/)")
    ld.set_defaults(func=cmd_load)

    g = sub.add_parser(
        "generate-corpus",
        help="write a synthetic corpus with an answer key (fidelity test of extraction)",
        description="Write N Chinese texts in the structures and citation notations of seeds/documents, a "
        "manifest.yaml that `wsis-kg build --documents DIR` reads, and answer-key.json: per document, every "
        "citation (citing node, cited IRI, text as written, clause verb), action-line/SDG mention and ITU role "
        "statement the generator put in. The words come from seeds/generator/corpus.yaml and seeds/reference/. "
        "The same --docs and --seed give byte-identical files.",
    )
    g.add_argument("--docs", type=_positive, required=True, metavar="N", help="how many documents (about 100 triples each once built)")
    g.add_argument("--out", type=Path, required=True, help="folder to write into (created if missing; must not hold another corpus)")
    g.add_argument("--seed", type=int, default=0, help="seed of the random generator (default: 0)")
    g.add_argument("--base", help="dataset base IRI of the answer key (default: $WSIS_KG_BASE or https://w3id.org/wsis-kg/)")
    g.add_argument("--check", action="store_true", help="then extract the corpus as build does and print every difference from the key (exit 1 if any)")
    g.set_defaults(func=cmd_generate_corpus)

    s = sub.add_parser(
        "stats",
        help="the build's figures: totals, triples per graph, entities per class, file sizes",
        description="Print what dist/void.ttl states about the build, as tab-separated tables with a header "
        "line each: totals (triples in the union of all graphs, entities = distinct subjects, graphs, "
        "classes), triples per named graph, entities per class, bytes per dump file; then the build "
        "report (per-document counts and every warning, file:line).",
    )
    s.add_argument("--out", type=Path, default=layout.DEFAULT_OUT, help="folder of the built dumps (default: dist/)")
    s.set_defaults(func=cmd_stats)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(levelname)s %(message)s", stream=sys.stderr)
    logging.getLogger("pyshacl").setLevel(logging.WARNING)
    try:
        code: int = args.func(args)
        return code
    except WsisKgError as exc:
        log.error("%s", exc)
        return 2
    except BrokenPipeError:  # `wsis-kg query … | head`: the reader left, that is not an error
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
