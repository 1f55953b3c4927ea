"""The static explorer (``wsis-kg site``), rendered in real headless Chromium.

Chromium is Debian's ``chromium`` package (``.ci/run`` installs it), driven by Playwright's
Python package through ``executable_path``: Playwright's own browser download does not work
here. One browser for the whole module; pages are served by a loopback static server (and
one from ``file://``), and every request outside the site fails the test.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from pyoxigraph import NamedNode, QuerySolutions, RdfFormat, Store, parse

from pipeline import layout
from pipeline.errors import WsisKgError
from pipeline.identifiers import Identifiers
from pipeline.site import write_site

IDS = Identifiers()
ID = IDS.id("")
SCREENSHOTS = os.environ.get("WSIS_KG_SCREENSHOTS")  # a folder (docs/) to keep the README's screenshots in


@pytest.fixture(scope="module")
def site(built, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    report = write_site(built[1], out, layout.DOCUMENTS, IDS)
    assert report.pages > 100
    assert report.texts == 5
    return out


@pytest.fixture(scope="module")
def http_root(site: Path):
    """A loopback static server over the site folder (any static server would do)."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest's output readable
        pass


def chromium_binary() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "headless Chromium is missing: apt-get update && apt-get install -y chromium (what .ci/run does)"
    return found


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_binary(), args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


class Visit:
    """A page opened in the browser, with every console error and every request outside ``root``."""

    def __init__(self, browser, root: str) -> None:
        self.root = root
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("request", self._request)
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed request: {r.url}"))
        self.page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def _request(self, request) -> None:
        if not (request.url.startswith(self.root) or request.url.startswith("data:")):
            self.problems.append(f"request outside the site: {request.url}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def open(self, path: str):
        self.page.goto(self.root + path)
        self.page.wait_for_load_state("load")
        return self.page

    def close(self) -> None:
        self.page.close()


def _first_in_listing(site: Path, listing: str) -> str:
    html = (site / listing / "index.html").read_text(encoding="utf-8")
    m = re.search(r'<ul class="listing"><li><a href="([^"]+)"', html)
    assert m, f"{listing} lists nothing"
    return str((Path(listing) / unquote(m.group(1))).as_posix()).replace("list/x/", "")


def _resolve(site: Path, page: str, link: str) -> Path:
    return (site / page).parent.joinpath(unquote(link)).resolve()


# ---------------------------------------------------------------------------- structure


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)
            if name == "id" and value:
                self.ids.add(value)


def test_every_internal_link_resolves(site: Path):
    parsed: dict[Path, _Links] = {}

    def read(path: Path) -> _Links:
        if path not in parsed:
            p = _Links()
            p.feed(path.read_text(encoding="utf-8"))
            parsed[path] = p
        return parsed[path]

    pages = sorted(site.rglob("*.html"))
    broken = []
    checked = 0
    for page in pages:
        for link in read(page).links:
            parts = urlsplit(link)
            if parts.scheme in ("data",):
                continue
            if parts.scheme or link.startswith("//"):
                continue  # a link out (a vocabulary's home page) is no request: the browser test checks loads
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            checked += 1
            if not target.is_file() or site.resolve() not in target.parents:
                broken.append(f"{page.relative_to(site)}: {link} → missing {target}")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in read(target).ids:
                broken.append(f"{page.relative_to(site)}: {link} → no id {parts.fragment!r}")
    assert checked > 5000
    assert not broken, "\n".join(broken[:30])


def test_one_page_per_entity_type_and_turtle_matches_the_dump(built, site: Path):
    store = Store()
    store.bulk_load(path=str(built[1] / "wsis-kg.nt"), format=RdfFormat.N_TRIPLES)
    query = "SELECT DISTINCT ?s WHERE { ?s a ?c . ?s <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel> ?l FILTER(STRSTARTS(STR(?s), STR(?base))) }"
    rows = store.query(query.replace("?base", f"<{ID}>"))
    assert isinstance(rows, QuerySolutions)
    labelled = {row["s"].value for row in rows}
    assert len(labelled) > 250
    for iri in labelled:
        folder = site / iri[len(IDS.base):]
        assert (folder / "index.html").is_file(), iri
    iri = IDS.itu_version("pp", "res", 71, 2018)
    ttl = site / iri[len(IDS.base):] / "index.ttl"
    got = {q.triple for q in parse(path=str(ttl), format=RdfFormat.TURTLE)}
    want = {q.triple for q in store.quads_for_pattern(NamedNode(iri), None, None)}
    assert got == want
    assert len(want) >= 5


def test_document_page_highlights_every_fact_read_from_it(built, site: Path):
    """Facts counted by SPARQL over the dump, highlights counted in the page's own JSON."""
    import json

    store = Store()
    store.bulk_load(path=str(built[1] / "wsis-kg.nt"), format=RdfFormat.N_TRIPLES)
    for key in ("itu/wtdc/res/30/2022", "itu/council/2025/wtdc-25-preparations"):
        text = IDS.text(IDS.id(key), "zh")
        rows = store.query(
            f"""SELECT (COUNT(*) AS ?n) WHERE {{ ?span <http://purl.org/dc/terms/isPartOf> <{text}> .
                ?fact <http://www.w3.org/ns/prov#wasDerivedFrom> ?span .
                FILTER NOT EXISTS {{ ?fact a <http://data.europa.eu/eli/ontology#LegalResourceSubdivision> }} }}"""
        )
        assert isinstance(rows, QuerySolutions)
        expected = int(next(iter(rows))["n"].value)
        html = (site / text[len(IDS.base):] / "index.html").read_text(encoding="utf-8")
        found = re.search(r'<script type="application/json" id="facts">(.*?)</script>', html, re.S)
        assert found, key
        facts = json.loads(found.group(1))
        marked = {int(i) for m in re.findall(r'data-f="([^"]+)"', html) for i in m.split()}
        assert expected > 10, key
        assert len(facts) == expected, key
        assert marked == set(range(expected)), key


def test_site_refuses_texts_that_differ_from_the_build(built, tmp_path: Path):
    docs = tmp_path / "documents"
    shutil.copytree(layout.DOCUMENTS, docs)
    victim = sorted(docs.glob("*.txt"))[1]
    victim.write_text(victim.read_text(encoding="utf-8") + "多", encoding="utf-8")
    with pytest.raises(WsisKgError, match=re.escape(victim.name)):
        write_site(built[1], tmp_path / "site", docs, IDS)
    assert not (tmp_path / "site").exists()


def test_a_new_class_gets_pages_without_code(built, tmp_path: Path):
    """Pages are written by class generically: a node of a class no code names still gets one."""
    dist = tmp_path / "dist"
    shutil.copytree(built[1], dist)
    mandate = IDS.id("itu/wtdc/res/30/2022/provision/60/mandate/1")
    extra = (
        f"<{IDS.graph('extra')}> {{ <{mandate}> a <https://w3id.org/wsis-kg/ontology#Mandate> ; "
        f'<http://www.w3.org/2000/01/rdf-schema#label> "请主任"@zh , "Mandate 1"@en ; '
        f"<https://w3id.org/wsis-kg/ontology#addressee> <{IDS.org('bdt')}> . }}\n"
    )
    with open(dist / "wsis-kg.trig", "a", encoding="utf-8") as f:
        f.write(extra)
    write_site(dist, tmp_path / "site", layout.DOCUMENTS, IDS)
    page = (tmp_path / "site" / mandate[len(IDS.base):] / "index.html").read_text(encoding="utf-8")
    assert "Mandate 1" in page
    assert "/org/bdt/index.html" in page
    listing = (tmp_path / "site" / "list" / "wsis-Mandate" / "index.html").read_text(encoding="utf-8")
    assert "Mandate 1" in listing


# ---------------------------------------------------------------------------- in Chromium


def _pages_to_visit(site: Path) -> list[str]:
    pages = ["index.html", "search.html"]
    for listing in sorted(p.parent for p in (site / "list").glob("*/index.html")):
        html = (listing / "index.html").read_text(encoding="utf-8")
        m = re.search(r'<ul class="listing"><li><a href="([^"]+)"', html)
        assert m, listing
        pages.append(os.path.relpath(_resolve(site, str((listing / "index.html").relative_to(site)), m.group(1)), site))
    pages += [str(p.relative_to(site)) for p in sorted((site / "overviews").glob("*.html"))] if (site / "overviews").is_dir() else []
    for extra in ("ontology/index.html", "shapes/index.html", "queries.html"):
        if (site / extra).is_file():
            pages.append(extra)
    return sorted(set(pages))


def test_pages_load_in_chromium_without_errors_or_outside_requests(site: Path, http_root: str, browser):
    pages = _pages_to_visit(site)
    assert any("/text/zh/" in p for p in pages)
    assert len(pages) > 25
    visit = Visit(browser, http_root)
    try:
        for path in pages:
            visit.open(path)
            assert visit.page.locator("h1").count() >= 1, path
        assert not visit.problems, "\n".join(visit.problems)
    finally:
        visit.close()
    local = Visit(browser, site.resolve().as_uri() + "/")  # from the file system, too
    try:
        for path in ("index.html", "id/itu/wtdc/res/30/2022/text/zh/index.html", "id/un/A/RES/70/1/index.html"):
            local.open(path)
        assert not local.problems, "\n".join(local.problems)
    finally:
        local.close()


def test_clicking_a_highlight_reaches_the_entity_and_back(site: Path, http_root: str, browser):
    visit = Visit(browser, http_root)
    try:
        page = visit.open("id/itu/wtdc/res/30/2022/text/zh/index.html")
        mark = page.locator("mark.k-citation", has_text="70/125").first
        mark.click()
        pop = page.locator("#pop")
        assert pop.is_visible()
        pop.locator("a[href$='un/A/RES/70/125/index.html']").first.click()
        page.wait_for_url("**/id/un/A/RES/70/125/index.html")
        assert "联合国大会第70/125号决议" in page.locator("h1").inner_text()
        back = page.locator("a.exact[href*='wtdc/res/30/2022/text/zh/index.html#char=']").first
        target = back.get_attribute("href").split("#", 1)[1]
        back.click()
        page.wait_for_url(f"**/itu/wtdc/res/30/2022/text/zh/index.html#{target}")
        flashed = page.locator("mark.flash")
        assert flashed.count() == 1
        assert "70/125" in flashed.inner_text()
        assert not visit.problems, "\n".join(visit.problems)
    finally:
        visit.close()


@pytest.mark.parametrize("query", ["联合国大会第70/125号决议", "UN General Assembly resolution 70/125"])
def test_search_finds_an_instrument_by_its_chinese_and_english_label(site: Path, http_root: str, browser, query: str):
    visit = Visit(browser, http_root)
    try:
        page = visit.open("search.html")
        page.fill("#q", query)
        page.press("#q", "Enter")
        hit = page.locator("#label-results a[href$='un/A/RES/70/125/index.html']")
        hit.wait_for(timeout=10_000)
        # The label hit shows before the text shards finish loading; clicking then aborts their
        # requests (a flaky "failed request" under load). Let the search finish first, so any
        # failed request left is a real one.
        page.wait_for_load_state("networkidle")
        hit.click()
        page.wait_for_url("**/id/un/A/RES/70/125/index.html")
        assert not visit.problems, "\n".join(visit.problems)
    finally:
        visit.close()


def test_search_finds_words_of_the_texts(site: Path, http_root: str, browser):
    visit = Visit(browser, http_root)
    try:
        page = visit.open("search.html?q=" + "数字鸿沟")
        hit = page.locator("#text-results li a[href$='text/zh/index.html']").first
        hit.wait_for(timeout=10_000)
        assert "数字鸿沟" in page.locator("#text-results li .snippet mark").first.inner_text()
        assert not visit.problems, "\n".join(visit.problems)
    finally:
        visit.close()


def test_language_switch_shows_english_labels(site: Path, http_root: str, browser):
    visit = Visit(browser, http_root)
    try:
        page = visit.open("id/un/A/RES/70/125/index.html")
        h1 = page.locator("h1")
        assert h1.inner_text().strip() == "联合国大会第70/125号决议"
        page.click("[data-set-lang=en]")
        assert h1.inner_text().strip() == "UN General Assembly resolution 70/125"
        page = visit.open("index.html")  # the choice is remembered
        assert page.locator("html").get_attribute("data-lang") == "en"
        page.click("[data-set-lang=zh]")
    finally:
        visit.close()


def test_screenshots_for_the_readme(site: Path, http_root: str, browser, tmp_path: Path):
    """The README's two pictures, taken here; kept in docs/ when WSIS_KG_SCREENSHOTS=docs."""
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    shots = {"site-entity.png": "id/itu/pp/res/71/2018/index.html"}
    if (site / "overviews" / "network.html").is_file():
        shots["site-network.png"] = "overviews/network.html"
    visit = Visit(browser, http_root)
    try:
        for name, path in shots.items():
            page = visit.open(path)
            page.screenshot(path=str(folder / name))
            assert (folder / name).stat().st_size > 20_000
    finally:
        visit.close()


# ---------------------------------------------------------------------------- overviews, docs


def _matrix_cells(html: str) -> dict[tuple[str, str], int]:
    """(row href, column text) → count, read from a matrix page's table."""
    header = re.search(r"<tr><th></th>(.*?)</tr>", html, re.S)
    assert header
    columns = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r'<th class="col">(.*?)</th>', header.group(1), re.S)]
    cells = {}
    for row in re.findall(r"<tr><th><a href=\"([^\"]+)\".*?</th>(.*?)</tr>", html, re.S):
        counts = re.findall(r'<td class="c"[^>]*>(.*?)</td>', row[1], re.S)
        for col, cell in zip(columns, counts, strict=True):
            n = re.sub(r"<[^>]+>", "", cell).strip()
            if n:
                cells[(row[0], col)] = int(n)
    return cells


def test_action_line_matrix_counts_what_the_canned_query_counts(built, site: Path, store):
    from pipeline.store.query import get_query, run

    html = (site / "overviews" / "action-lines.html").read_text(encoding="utf-8")
    cells = _matrix_cells(html)
    for code in ("C1", "C5", "C7"):
        _, rows = run(store, get_query("action-lines-per-document"), {"code": code}, IDS)
        want = {(r[0], int(r[2])) for r in rows}
        got = {(IDS.base + unquote(h).replace("../", "").removesuffix("/index.html"), n) for (h, c), n in cells.items() if c == code}
        assert want, code
        assert got == want, code


def test_network_shows_un_and_itu_clusters_and_links_every_node(site: Path):
    html = (site / "overviews" / "network.html").read_text(encoding="utf-8")
    nodes = re.findall(r'<a href="([^"]+)"><circle [^>]*fill="(#[0-9a-f]{6})"', html)
    assert len(nodes) > 80
    assert html.count("<line ") > 80
    assert "UN General Assembly" in html
    assert "ITU Plenipotentiary" in html
    assert len({color for _, color in nodes}) >= 6
    assert any(h.endswith("un/A/RES/70/1/index.html") for h, _ in nodes)


def test_timeline_lists_conferences_and_meetings_by_date(site: Path):
    html = (site / "overviews" / "timeline.html").read_text(encoding="utf-8")
    dates = re.findall(r"<li><code>([0-9-]+)</code>", html)
    assert dates == sorted(dates)
    assert "2022-06-06" in dates  # WTDC-22, Kigali
    assert "event/rpm-eur-2025/index.html" in html


def test_every_region_lists_its_regional_initiatives(site: Path):
    html = (site / "overviews" / "initiatives.html").read_text(encoding="utf-8")
    for region in ("AFR", "AMS", "ARB", "ASP", "CIS", "EUR"):
        assert f"itu/region/{region}/index.html" in html
    assert "<code>EUR1</code>" in html
    assert "<code>EUR5</code>" in html


def test_ontology_docs_and_shapes_are_linked_from_entity_pages(site: Path):
    onto = (site / "ontology" / "index.html").read_text(encoding="utf-8")
    assert 'id="ConceptMention"' in onto
    assert "https://w3id.org/wsis-kg/ontology#ConceptMention" in onto
    page = (site / "id/itu/pp/res/71/2018/index.html").read_text(encoding="utf-8")
    assert "shapes/InstrumentVersionShape.html" in page
    assert "ontology/index.html#InstrumentVersion" in page
    shape = (site / "shapes" / "InstrumentVersionShape.html").read_text(encoding="utf-8")
    assert "eli:is_member_of" in shape
    assert "sh:minCount" in shape


def test_mandates_get_pages_named_by_their_words(site: Path):
    pages = sorted(site.glob("id/**/mandate/*/index.html"))
    assert len(pages) > 20
    html = pages[0].read_text(encoding="utf-8")
    assert "addressee" in html or "对象" in html


def test_canned_query_links_open_prefilled_in_the_oxigraph_ui(site: Path, served, browser):
    """The link on queries.html, pointed at a real Oxigraph server, fills its YASGUI editor."""
    from html import unescape

    from pipeline.site.generate import DEFAULT_QUERY_UI
    from pipeline.store.query import get_query

    server, _ = served
    html = (site / "queries.html").read_text(encoding="utf-8")
    links = dict(re.findall(r'<section id="([^"]+)">.*?<a class="open-query" href="([^"]+)"', html, re.S))
    assert len(links) >= 8
    for name in ("most-cited", "itu-roles"):
        page = browser.new_page()  # a new tab: a link that differs only after '#' would not reload
        try:
            page.goto(unescape(links[name]).replace(DEFAULT_QUERY_UI, server.root + "/"))
            page.wait_for_function("document.querySelector('.CodeMirror') && document.querySelector('.CodeMirror').CodeMirror.getValue().length > 0")
            text = page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
            assert text.startswith(get_query(name).text.rstrip("\n")), name
        finally:
            page.close()


# ---------------------------------------------------------------------------- served by `wsis-kg serve`


@pytest.fixture(scope="module")
def serving(built, site: Path, tmp_path_factory):
    """`wsis-kg serve --site` on the seed build, as a user starts it; its root URL."""
    import signal
    import subprocess
    import sys

    from pipeline.store.server import free_port

    store = tmp_path_factory.mktemp("served-site") / "store"
    command = [sys.executable, "-m", "pipeline.cli", "serve", "--out", str(built[1]), "--store", str(store),
               "--site", str(site), "--port", str(free_port())]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("SPARQL endpoint: "), first + (process.stderr.read() if process.stderr else "")
    yield first.split(": ", 1)[1].strip().removesuffix("/query")
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=30)


def _get(root: str, path: str, accept: str = "") -> tuple[int, dict[str, str], bytes]:
    import http.client

    conn = http.client.HTTPConnection(urlsplit(root).netloc, timeout=30)
    try:
        conn.request("GET", path, headers={"Accept": accept} if accept else {})
        answer = conn.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        conn.close()


def test_serve_opens_an_entity_iri_path_as_its_page_or_its_turtle(serving: str, built):
    iri = IDS.itu_version("pp", "res", 71, 2018)
    path = "/" + iri[len(IDS.base):]
    status, headers, _ = _get(serving, path)
    assert status == 301
    assert headers["Location"] == path + "/"
    status, headers, body = _get(serving, path + "/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert "全权代表大会第71号决议（2018年版本）" in body.decode("utf-8")
    status, headers, body = _get(serving, path, accept="text/turtle, text/html;q=0.5")
    assert status == 200
    assert headers["Content-Type"].startswith("text/turtle")
    triples = {q.triple for q in parse(body, format=RdfFormat.TURTLE)}
    assert NamedNode(iri) in {t.subject for t in triples}
    assert len(triples) >= 5
    for bad in ("/id/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/id/nothing/here/"):
        assert _get(serving, bad)[0] == 404, bad
    status, _, body = _get(serving, "/query?query=" + "ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D", accept="application/sparql-results+json")
    assert status == 200
    assert b"true" in body


def test_served_entity_page_loads_in_chromium(serving: str, browser):
    visit = Visit(browser, serving + "/")
    try:
        page = visit.open("id/un/A/RES/70/125")
        assert page.url.endswith("/id/un/A/RES/70/125/")
        assert page.locator("h1").inner_text().strip() == "联合国大会第70/125号决议"
        page.locator("a.exact").first.click()
        page.wait_for_url("**/text/zh/index.html#char=*")
        assert not visit.problems, "\n".join(visit.problems)
    finally:
        visit.close()


def test_site_command_writes_the_site_and_says_where(built, tmp_path: Path, capsys):
    from pipeline.cli import main

    assert main(["site", "--dist", str(built[1]), "--out", str(tmp_path / "s")]) == 0
    assert str(tmp_path / "s" / "index.html") in capsys.readouterr().out
    assert (tmp_path / "s" / "id" / "un" / "A" / "RES" / "70" / "125" / "index.html").is_file()
    assert main(["site", "--dist", str(tmp_path / "nothing"), "--out", str(tmp_path / "t")]) == 2
    assert not (tmp_path / "t").exists()


@pytest.mark.parametrize(("entity", "entry"), [("event/pp-18", "slug: pp-18"), ("sdg/9", "goal: 9"), ("wsis/action-line/C5", "code: C5"), ("org/itu", "slug: itu")])
def test_curated_entities_link_to_their_reference_entry(site: Path, entity: str, entry: str):
    page = site / "id" / entity / "index.html"
    link = re.search(r'class="reference" href="([^"#]+)#L(\d+)"', page.read_text(encoding="utf-8"))
    assert link, entity
    yaml_page = (page.parent / unquote(link.group(1))).resolve()
    line = re.search(rf'<span id="L{link.group(2)}">(.*?)</span>', yaml_page.read_text(encoding="utf-8"))
    assert line, entity
    assert entry in line.group(1)
