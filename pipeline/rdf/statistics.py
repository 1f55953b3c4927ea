"""Aggregates computed at build time (canonical N-Triples lines) → ``graph/statistics``.

Listings that would otherwise count or sort every citation of a million-triple graph at query
time (most-cited instruments, paging through documents or works) read these instead. Each
figure is computed from the union's canonical lines (:func:`pipeline.rdf.write.graph_lines`),
so a cached build and a clean one give the same bytes. The statistics are derived data: they
carry no provenance of their own; the citation and mention records they count do.

What is written (``ontology/wsis-kg.ttl`` defines each property; ``shapes/`` checks them):

- every cited entity and every work or instrument one of whose versions, provisions or
  paragraphs is cited (``eli:is_member_of``, ``eli:is_part_of``): ``wsis:citationCount``
  (citation records whose cited entity is the node or such a version or part of it) and
  ``wsis:citingEntityCount`` (distinct documents and annex parts among their citing entities),
  the figures the ``most-cited`` query computed at query time;
- every node ``most-cited`` lists (a cited entity without a work or instrument above it, or
  that work or instrument): ``wsis:citationRank``, its 1-based place in that order (citing
  entities descending, citations descending, IRI ascending);
- every concept mentioned: ``wsis:mentionCount`` and ``wsis:mentioningEntityCount``;
- every source document: ``wsis:listingPosition``, its 1-based place in IRI order, so a
  listing pages through documents by a number instead of sorting IRIs in the store.

Counts are ``xsd:integer`` (what SPARQL's COUNT returns, kept as written by every store).
"""

from __future__ import annotations

from collections import defaultdict

from pipeline.rdf.rdf_map import CITO, ELI, RDF, XSD, W

#: The graph of build-time aggregates (``{base}graph/statistics``).
STATISTICS = "statistics"


def _pairs(lines: bytes, predicates: tuple[str, ...]) -> dict[str, list[tuple[bytes, bytes]]]:
    """(subject, object) IRIs of every line with one of ``predicates`` and an IRI object, by
    predicate: one pass over the lines (a regular expression per predicate over the whole
    union cost 17 % of a 10k-document build)."""
    wanted: dict[bytes, list[tuple[bytes, bytes]]] = {f"<{p}>".encode(): [] for p in predicates}
    for line in lines.splitlines():
        subject, predicate, rest = line.split(b" ", 2)
        found = wanted.get(predicate)
        if found is not None and rest.startswith(b"<"):
            found.append((subject[1:-1], rest[1 : rest.index(b">")]))
    return {p: wanted[f"<{p}>".encode()] for p in predicates}


def _count(subject: bytes, predicate: str, n: int) -> bytes:
    return b"<%s> <%s> \"%d\"^^<%sinteger> .\n" % (subject, (W + predicate).encode(), n, XSD.encode())


def statistics_lines(union: bytes) -> bytes:
    """The statistics graph's sorted, unique N-Triples lines, from the union's lines."""
    found = _pairs(union, (ELI + "is_member_of", ELI + "is_part_of", CITO + "hasCitedEntity", CITO + "hasCitingEntity",
                           W + "concept", W + "mentionedIn", RDF + "type"))
    parents: dict[bytes, set[bytes]] = defaultdict(set)  # a version's work, a provision's instrument
    for predicate in ("is_member_of", "is_part_of"):
        for child, parent in found[ELI + predicate]:
            parents[child].add(parent)
    cited = dict(found[CITO + "hasCitedEntity"])
    citing = dict(found[CITO + "hasCitingEntity"])
    citations: dict[bytes, int] = defaultdict(int)
    citers: dict[bytes, set[bytes]] = defaultdict(set)
    for record, entity in cited.items():
        for node in {entity} | parents.get(entity, set()):
            citations[node] += 1
            if record in citing:
                citers[node].add(citing[record])
    out = []
    for node, n in citations.items():
        out += [_count(node, "citationCount", n), _count(node, "citingEntityCount", len(citers[node]))]
    # ranked as most-cited groups: a cited version or part counts for its work or instrument
    heads = {node for entity in cited.values() for node in (parents.get(entity) or {entity})}
    ranked = sorted(heads, key=lambda x: (-len(citers[x]), -citations[x], x))
    out += [_count(node, "citationRank", rank) for rank, node in enumerate(ranked, 1)]
    concept = dict(found[W + "concept"])
    mentioned_in = dict(found[W + "mentionedIn"])
    mentions: dict[bytes, int] = defaultdict(int)
    mentioners: dict[bytes, set[bytes]] = defaultdict(set)
    for record, node in concept.items():
        mentions[node] += 1
        if record in mentioned_in:
            mentioners[node].add(mentioned_in[record])
    for node, n in mentions.items():
        out += [_count(node, "mentionCount", n), _count(node, "mentioningEntityCount", len(mentioners[node]))]
    documents = sorted(s for s, o in found[RDF + "type"] if o == (W + "SourceDocument").encode())
    out += [_count(doc, "listingPosition", i) for i, doc in enumerate(documents, 1)]
    return b"".join(sorted(set(out)))
