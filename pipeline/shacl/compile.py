"""Compile the SHACL shapes of ``shapes/`` into SPARQL SELECT queries for pyoxigraph.

Why: pyshacl walks the data graph node by node in Python (minutes for a million triples); the
same constraints as a few hundred set-oriented SPARQL queries run in seconds. pyshacl stays the
reference: every query reproduces what pyshacl 0.40 reports, result by result (focus node, path,
source shape, constraint component, value, messages), including its quirks (how it matches
language tags, counts distinct values, reports sh:uniqueLang without a value, gives a SPARQL
result the node shape's messages as well as the constraint's).

Each value-level check yields a *verdict* per value node: ``0`` pass, ``2`` fail, or ``1`` ask.
"Ask" is for the rare literals whose answer depends on how rdflib reads their lexical form
(non-canonical numbers, dates with time zones, ill-typed literals…): those are decided exactly
by :mod:`pipeline.shacl_arbiter` with rdflib itself, so the fast path never guesses. A SPARQL
error in a verdict counts as "ask", never as a silent pass.

A shape feature the compiler does not know raises :class:`UnsupportedShape`: a validator that
skipped a constraint would report a broken graph as conforming.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TypedDict, cast

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, RdfFormat, Store, parse

from pipeline.errors import WsisKgError

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"

PASS, ASK, FAIL = 0, 1, 2

# pyoxigraph's store rewrites typed literals it understands ("1"^^xsd:positiveInteger becomes
# "1"^^xsd:integer, "01" becomes "1"), which would hide exactly what sh:datatype checks. So the
# data is loaded with every XSD datatype IRI (but xsd:string) moved under this private prefix:
# the store keeps such literals verbatim, and the queries below compare them through casts.
VERBATIM = "urn:x-wsis-kg:verbatim:"


def stored_datatype(datatype: str) -> str:
    """The datatype IRI as it is in the store (see VERBATIM)."""
    return datatype if datatype == XSD + "string" or not datatype.startswith(XSD) else VERBATIM + datatype


def native(term: Term) -> Term:
    """A stored term as it was in the data (undo VERBATIM)."""
    if isinstance(term, Literal) and term.language is None and term.datatype.value.startswith(VERBATIM):
        return Literal(term.value, datatype=NamedNode(term.datatype.value.removeprefix(VERBATIM)))
    return term

# Lexical forms rdflib surely accepts for a datatype *and* keeps unchanged (it normalizes the
# others, e.g. "007"^^xsd:integer to "7"). Literals outside these go to the arbiter.
CANONICAL_LEXICAL: dict[str, str] = {
    XSD + "integer": "^(0|-?[1-9][0-9]*)$",
    XSD + "nonNegativeInteger": "^(0|[1-9][0-9]*)$",
    XSD + "positiveInteger": "^[1-9][0-9]*$",
    XSD + "nonPositiveInteger": "^(0|-[1-9][0-9]*)$",
    XSD + "negativeInteger": "^-[1-9][0-9]*$",
    XSD + "date": "^[1-9][0-9]{3}-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)$",
    XSD + "gYear": "^[1-9][0-9]{3}$",
    XSD + "language": "^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$",
    XSD + "boolean": "^(true|false)$",
}
INTEGER_TYPES = [XSD + t for t in ("integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger")]

# sh: predicates that describe or wire shapes rather than constrain values.
DESCRIPTIVE = {SH + p for p in ("message", "name", "description", "order", "group", "defaultValue", "severity", "deactivated")}
TARGETS = {SH + p for p in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")}
VALUE_PARAMS = {SH + p for p in (
    "class", "datatype", "nodeKind", "pattern", "flags", "in", "languageIn", "minLength", "maxLength",
    "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "or", "hasValue",
)}
COUNT_PARAMS = {SH + p for p in ("minCount", "maxCount", "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint")}
OTHER_PARAMS = {SH + p for p in ("uniqueLang", "lessThan", "lessThanOrEquals", "sparql", "property", "path")}
SUPPORTED = DESCRIPTIVE | TARGETS | VALUE_PARAMS | COUNT_PARAMS | OTHER_PARAMS
COMPARISONS = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}


class UnsupportedShape(WsisKgError):
    """The shapes use a SHACL feature the fast validator does not compile (use --engine pyshacl)."""


Term = NamedNode | BlankNode | Literal


@dataclass
class ShapesGraph:
    """The shapes triples indexed by subject and predicate (small: a few thousand triples)."""

    index: dict[Term, dict[str, list[Term]]] = field(default_factory=dict)

    def objects(self, node: Term, predicate: str) -> list[Term]:
        """Objects of ``node predicate ?o`` in file order."""
        return self.index.get(node, {}).get(predicate, [])

    def one(self, node: Term, predicate: str) -> Term | None:
        """The single object of ``node predicate``; several are a shapes error pyshacl rejects too."""
        values = self.objects(node, predicate)
        if len(values) > 1:
            raise UnsupportedShape(f"{node} has {len(values)} values for {predicate}; SHACL allows one")
        return values[0] if values else None

    def items(self, head: Term) -> list[Term]:
        """Members of the RDF list starting at ``head``."""
        out = []
        while head != NamedNode(RDF + "nil"):
            first = self.one(head, RDF + "first")
            if first is None:
                raise UnsupportedShape(f"{head} is not a well-formed RDF list")
            out.append(first)
            head = self.one(head, RDF + "rest") or NamedNode(RDF + "nil")
        return out

    def subjects_with(self, predicate: str) -> list[Term]:
        """Every subject that has ``predicate``."""
        return [s for s, preds in self.index.items() if predicate in preds]


def read_shapes(folder: Path) -> ShapesGraph:
    """Every ``*.ttl`` of the shapes folder, parsed strictly by pyoxigraph."""
    graph = ShapesGraph()
    for path in sorted(folder.glob("*.ttl")):
        for quad in parse(path=path, format=RdfFormat.TURTLE):
            graph.index.setdefault(quad.subject, {}).setdefault(quad.predicate.value, []).append(quad.object)
    return graph


# --- Reports -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Message:
    """An sh:message: its text and language tag (pyshacl copies both into the result)."""

    text: str
    language: str | None = None


@dataclass(frozen=True)
class Component:
    """One constraint of a value-level check: what to report and how the arbiter decides "ask"."""

    iri: str
    parameter: str  # the sh: local name that drives the arbiter: datatype, pattern, minInclusive…
    argument: tuple[str, ...] = ()  # the parameter's value(s) as N-Triples terms or plain text
    reports_value: bool = True


class ShapeFacts(TypedDict):
    """What every check of one shape reports: the shape, its path, severity and messages."""

    shape: str
    path: str | None
    severity: str
    messages: tuple[Message, ...]


@dataclass(frozen=True)
class Check:
    """One SPARQL query and what its rows mean.

    ``kind`` is ``values`` (rows ?this ?v ?c0…: one result per failing component), ``counts``
    (rows ?this plus aggregates), ``pairs`` (sh:lessThan rows ?this ?v ?w ?c), ``langs``
    (sh:uniqueLang rows ?this ?l) or ``sparql`` (an sh:sparql constraint's own solutions).
    """

    kind: str
    query: str
    shape: str
    path: str | None
    severity: str
    messages: tuple[Message, ...]
    components: tuple[Component, ...] = ()
    variables: tuple[str, ...] = ()  # values: the verdict variable of each component
    bounds: tuple[tuple[str, str, int], ...] = ()  # counts: (component IRI, variable, limit or -1)
    extra_messages: tuple[Message, ...] = ()  # sparql: the constraint's own messages
    cost: int = 1


# --- SPARQL snippets ---------------------------------------------------------------------------

def sparql_string(text: str) -> str:
    """A SPARQL string literal (N-Triples escaping is valid SPARQL)."""
    return str(Literal(text))


def canonical(x: str, datatypes: Iterable[str] | None = None) -> str:
    """``x`` is a typed literal in the canonical lexical space of one of ``datatypes``."""
    table = {d: r for d, r in CANONICAL_LEXICAL.items() if datatypes is None or d in datatypes}
    cases = " || ".join(f"(DATATYPE({x}) = <{stored_datatype(d)}> && REGEX(STR({x}), {sparql_string(r)}))" for d, r in table.items())
    return f"(isLiteral({x}) && LANG({x}) = \"\" && ({cases or 'false'}))"


def string_like(x: str) -> str:
    """``x`` is a literal whose string rdflib takes verbatim (xsd:string or language-tagged)."""
    return f"(isLiteral({x}) && (LANG({x}) != \"\" || DATATYPE({x}) = <{XSD}string>))"


def needs_rdflib_string(x: str) -> str:
    """rdflib may rewrite the lexical form of ``x`` before pyshacl matches it as a string."""
    return f"(isLiteral({x}) && !{string_like(x)} && !{canonical(x)})"


def python_regex_to_rust(pattern: str, flags: str) -> str:
    """Python's ``$`` also matches before a final newline; the regex crate's does not."""
    if "m" in flags:
        return pattern.replace("\\Z", "\\z")
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append("\\z" if pattern[i + 1] == "Z" else pattern[i : i + 2])
            i += 2
            continue
        if in_class and ch == "]":
            in_class = False
        elif not in_class and ch == "[":
            in_class = True
        out.append("(?:\\n?$)" if ch == "$" and not in_class else ch)
        i += 1
    return "".join(out)


@cache
def regex_error(pattern: str, flags: str) -> str | None:
    """What pyoxigraph says about a pattern, or None if it runs."""
    try:
        rows = list(cast(QuerySolutions, Store().query(f"SELECT (REGEX(\"\", {sparql_string(pattern)}, {sparql_string(flags)}) AS ?x) {{}}")))
    except (SyntaxError, OSError, ValueError) as exc:
        return str(exc)
    return None if rows and rows[0]["x"] is not None else "the regex engine rejects it (lookaround and backreferences are not supported)"


def check_regex(pattern: str, flags: str, shape: Term) -> None:
    """Fail at compile time, naming the shape, if pyoxigraph cannot run a translated pattern."""
    error = regex_error(pattern, flags)
    if error is not None:
        raise UnsupportedShape(f"sh:pattern {pattern!r} of {shape} cannot run in pyoxigraph: {error}")


def max_of(variables: list[str]) -> str:
    """The worst verdict (fail > ask > pass): all constraints of a shape must hold."""
    expr = variables[0]
    for v in variables[1:]:
        expr = f"IF({v} > {expr}, {v}, {expr})"
    return expr


def min_of(variables: list[str]) -> str:
    """The best verdict: one operand of sh:or is enough."""
    expr = variables[0]
    for v in variables[1:]:
        expr = f"IF({v} < {expr}, {v}, {expr})"
    return expr


# --- Paths and targets -------------------------------------------------------------------------

def sparql_path(shapes: ShapesGraph, node: Term) -> str:
    """A SHACL path as a SPARQL property path; also the canonical text of a result path."""
    if isinstance(node, NamedNode):
        return str(node)
    if shapes.objects(node, RDF + "first"):
        return "(" + "/".join(sparql_path(shapes, p) for p in shapes.items(node)) + ")"
    for predicate, template in (("alternativePath", None), ("inversePath", "^{}"), ("zeroOrMorePath", "{}*"),
                                ("oneOrMorePath", "{}+"), ("zeroOrOnePath", "{}?")):
        value = shapes.one(node, SH + predicate)
        if value is None:
            continue
        if template is None:
            return "(" + "|".join(sparql_path(shapes, p) for p in shapes.items(value)) + ")"
        inner = sparql_path(shapes, value)
        return "(" + template.format(inner) + ")"
    raise UnsupportedShape(f"path {node} is not a SHACL property path")


def subclass_closure(store: Store) -> dict[str, frozenset[str]]:
    """For every class with subclasses in the data graph, itself and all its subclasses.

    pyshacl runs without an ontology graph, so only the data graph's rdfs:subClassOf counts.
    """
    parents: dict[str, set[str]] = {}
    for row in cast(QuerySolutions, store.query(f"SELECT ?s ?o WHERE {{ ?s <{RDFS}subClassOf> ?o }}")):
        if isinstance(row["s"], NamedNode) and isinstance(row["o"], NamedNode):
            parents.setdefault(row["o"].value, set()).add(row["s"].value)
    closure: dict[str, frozenset[str]] = {}
    for cls in parents:
        seen, todo = {cls}, [cls]
        while todo:
            for sub in parents.get(todo.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        closure[cls] = frozenset(seen)
    return closure


def instance_of(x: str, cls: Term, subclasses: Mapping[str, frozenset[str]], tag: str) -> str:
    """Graph pattern: ``x`` is a SHACL instance of ``cls`` (rdf:type/rdfs:subClassOf*)."""
    classes = sorted(subclasses.get(cls.value, {cls.value})) if isinstance(cls, NamedNode) else []
    if not isinstance(cls, NamedNode):
        return f"{x} <{RDF}type> {cls} ."
    if len(classes) == 1:
        return f"{x} <{RDF}type> <{classes[0]}> ."
    values = " ".join(f"<{c}>" for c in classes)
    return f"{x} <{RDF}type> ?cls_{tag} . VALUES ?cls_{tag} {{ {values} }}"


def target_branches(shapes: ShapesGraph, shape: Term, subclasses: Mapping[str, frozenset[str]], g: int) -> list[str]:
    """One UNION branch per target declaration of ``shape``, each binding ?this and ?g."""
    branches = []
    classes = list(shapes.objects(shape, SH + "targetClass"))
    if NamedNode(RDFS + "Class") in shapes.objects(shape, RDF + "type"):
        classes.append(shape)
    for i, cls in enumerate(classes):
        branches.append(f"{instance_of('?this', cls, subclasses, f't{g}_{i}')} BIND({g} AS ?g)")
    for node in shapes.objects(shape, SH + "targetNode"):
        branches.append(f"BIND({node} AS ?this) BIND({g} AS ?g)")
    for p in shapes.objects(shape, SH + "targetSubjectsOf"):
        branches.append(f"?this {p} ?targetObject . BIND({g} AS ?g)")
    for p in shapes.objects(shape, SH + "targetObjectsOf"):
        branches.append(f"?targetSubject {p} ?this . BIND({g} AS ?g)")
    if shapes.objects(shape, SH + "target"):
        raise UnsupportedShape(f"{shape}: sh:target (SHACL-AF custom targets) is not supported")
    return branches


def focus_pattern(branches: list[str]) -> str:
    """The focus nodes of one or more node shapes: rows (?g, ?this), one per shape and node."""
    if len(branches) == 1:
        return branches[0]
    return "{ SELECT DISTINCT ?g ?this WHERE { " + " UNION ".join(f"{{ {b} }}" for b in branches) + " } }"


# --- Shape descriptions ------------------------------------------------------------------------

def check_predicates(shapes: ShapesGraph, shape: Term) -> None:
    """Refuse any sh: parameter the compiler does not implement (never skip a constraint)."""
    for predicate in shapes.index.get(shape, {}):
        if predicate.startswith(SH) and predicate not in SUPPORTED and predicate != SH + "target":
            raise UnsupportedShape(f"{shape} uses sh:{predicate.removeprefix(SH)}, which the fast validator does not compile; use --engine pyshacl")


def messages_of(shapes: ShapesGraph, node: Term) -> tuple[Message, ...]:
    """sh:message values of a node, in file order."""
    out = []
    for m in shapes.objects(node, SH + "message"):
        if not isinstance(m, Literal):
            raise UnsupportedShape(f"sh:message of {node} must be a literal")
        out.append(Message(m.value, m.language))
    return tuple(out)


def is_deactivated(shapes: ShapesGraph, node: Term) -> bool:
    """sh:deactivated true: pyshacl treats the shape as conforming."""
    value = shapes.one(node, SH + "deactivated")
    return isinstance(value, Literal) and value.value.lower() in ("true", "1")


def severity_of(shapes: ShapesGraph, node: Term) -> str:
    """The shape's sh:severity (sh:Violation unless said otherwise)."""
    value = shapes.one(node, SH + "severity")
    return value.value if isinstance(value, NamedNode) else SH + "Violation"


def integer_of(shapes: ShapesGraph, node: Term, predicate: str) -> int | None:
    """An integer parameter such as sh:minCount."""
    value = shapes.one(node, predicate)
    if value is None:
        return None
    try:
        return int(value.value)
    except (AttributeError, ValueError) as exc:
        raise UnsupportedShape(f"{node}: {predicate} must be an integer, got {value}") from exc


# --- Value-level verdicts ----------------------------------------------------------------------

@dataclass
class VerdictBuilder:
    """Collects BIND clauses: one variable per verdict, so nested shapes never repeat text."""

    shapes: ShapesGraph
    subclasses: Mapping[str, frozenset[str]]
    prefix: str
    binds: list[str] = field(default_factory=list)
    counter: int = 0

    def bind(self, expr: str, default: int = ASK) -> str:
        """Bind a verdict expression; an error becomes "ask", never a pass."""
        var = f"?{self.prefix}{self.counter}"
        self.counter += 1
        self.binds.append(f"BIND(COALESCE({expr}, {default}) AS {var})")
        return var

    def components(self, shape: Term, x: str, nested: bool) -> list[tuple[Component, str]]:
        """Each value-level constraint of ``shape`` on the value ``x``: (component, verdict var)."""
        out: list[tuple[Component, str]] = []
        s = self.shapes
        for cls in s.objects(shape, SH + "class"):
            pattern = instance_of(x, cls, self.subclasses, f"{self.prefix}{self.counter}")
            out.append((Component(SH + "ClassConstraintComponent", "class", (str(cls),)),
                        self.bind(f"IF(!isLiteral({x}) && EXISTS {{ {pattern} }}, {PASS}, {FAIL})")))
        datatype = s.one(shape, SH + "datatype")
        if datatype is not None:
            out.append((Component(SH + "DatatypeConstraintComponent", "datatype", (getattr(datatype, "value", ""),)),
                        self.bind(datatype_verdict(x, datatype, shape))))
        kind = s.one(shape, SH + "nodeKind")
        if kind is not None:
            out.append((Component(SH + "NodeKindConstraintComponent", "nodeKind", (str(kind),)), self.bind(node_kind_verdict(x, kind))))
        flags = s.one(shape, SH + "flags")
        flag_text = "".join(f for f in (flags.value.lower() if isinstance(flags, Literal) else "") if f in "im")
        for regex in s.objects(shape, SH + "pattern"):
            if not isinstance(regex, Literal):
                raise UnsupportedShape(f"sh:pattern of {shape} must be a literal")
            rust = python_regex_to_rust(regex.value, flag_text)
            check_regex(rust, flag_text, shape)
            expr = (f"IF(isBlank({x}), {FAIL}, IF({needs_rdflib_string(x)}, {ASK}, "
                    f"IF(REGEX(STR({x}), {sparql_string(rust)}, {sparql_string(flag_text)}), {PASS}, {FAIL})))")
            out.append((Component(SH + "PatternConstraintComponent", "pattern", (regex.value, flag_text)), self.bind(expr)))
        for name, op in (("minLength", ">="), ("maxLength", "<=")):
            n = integer_of(s, shape, SH + name)
            if n is None:
                continue
            if n < 0:
                raise UnsupportedShape(f"{shape}: sh:{name} cannot be negative")
            if name == "minLength" and n == 0:
                continue
            expr = f"IF(isBlank({x}), {FAIL}, IF({needs_rdflib_string(x)}, {ASK}, IF(STRLEN(STR({x})) {op} {n}, {PASS}, {FAIL})))"
            out.append((Component(SH + name[0].upper() + name[1:] + "ConstraintComponent", name, (str(n),)), self.bind(expr)))
        for name, op in COMPARISONS.items():
            for bound in s.objects(shape, SH + name):
                argument = (bound.value, bound.datatype.value if bound.language is None else "", bound.language or "") if isinstance(bound, Literal) else ()
                out.append((Component(SH + name[0].upper() + name[1:] + "ConstraintComponent", name, argument),
                            self.bind(range_verdict(x, bound, op, shape))))
        members = s.one(shape, SH + "in")
        if members is not None:
            items = s.items(members)
            for item in items:
                refuse_typed_literal(item, shape, "sh:in")
            test = " || ".join(f"sameTerm({x}, {i})" for i in items) or "false"
            out.append((Component(SH + "InConstraintComponent", "in"), self.bind(f"IF({test}, {PASS}, {FAIL})")))
        langs = s.one(shape, SH + "languageIn")
        if langs is not None:
            out.append((Component(SH + "LanguageInConstraintComponent", "languageIn"), self.bind(language_in_verdict(x, s.items(langs), shape))))
        for operands in s.objects(shape, SH + "or"):
            verdicts = [self.nested(op, x) for op in s.items(operands)]
            out.append((Component(SH + "OrConstraintComponent", "or"), self.bind(min_of(verdicts) if verdicts else str(FAIL))))
        return out

    def nested(self, shape: Term, x: str) -> str:
        """The verdict of ``x`` against a shape used as a parameter (sh:or operand, qualified shape)."""
        check_predicates(self.shapes, shape)
        extra = set(self.shapes.index.get(shape, {})) & (COUNT_PARAMS | OTHER_PARAMS | TARGETS)
        if extra:
            raise UnsupportedShape(f"nested shape {shape} uses {sorted(extra)}; only value-level constraints are compiled inside sh:or / sh:qualifiedValueShape")
        if is_deactivated(self.shapes, shape):
            return str(PASS)
        if self.shapes.objects(shape, SH + "hasValue"):
            raise UnsupportedShape(f"nested shape {shape}: sh:hasValue inside sh:or / sh:qualifiedValueShape is not supported")
        verdicts = [v for _, v in self.components(shape, x, nested=True)]
        return self.bind(max_of(verdicts)) if verdicts else str(PASS)


def refuse_typed_literal(term: Term, shape: Term, parameter: str) -> None:
    """Equality with typed literals follows rdflib's normalization, which the store does not share."""
    if isinstance(term, BlankNode) or (isinstance(term, Literal) and term.language is None and term.datatype.value != XSD + "string"):
        raise UnsupportedShape(f"{parameter} of {shape}: {term} (a typed non-string literal or blank node) is not supported")


def datatype_verdict(x: str, datatype: Term, shape: Term) -> str:
    """sh:datatype as pyshacl decides it: datatype IRI first, then rdflib's reading of the lexical form."""
    if not isinstance(datatype, NamedNode):
        raise UnsupportedShape(f"sh:datatype of {shape} must be an IRI")
    d = datatype.value
    if d == XSD + "string":
        return f"IF(isLiteral({x}) && LANG({x}) = \"\" && DATATYPE({x}) = <{d}>, {PASS}, {FAIL})"
    if d == RDF + "langString":
        return f"IF(isLiteral({x}) && LANG({x}) != \"\", {PASS}, {FAIL})"
    if d == RDFS + "Literal":
        return f"IF(isLiteral({x}), {PASS}, {FAIL})"
    if d == RDFS + "Datatype":
        raise UnsupportedShape(f"sh:datatype rdfs:Datatype of {shape}: pyoxigraph cannot tell \"x\" from \"x\"^^xsd:string")
    regex = CANONICAL_LEXICAL.get(d)
    inner = f"IF(REGEX(STR({x}), {sparql_string(regex)}), {PASS}, {ASK})" if regex else str(ASK)
    return f"IF(isLiteral({x}) && LANG({x}) = \"\" && DATATYPE({x}) = <{stored_datatype(d)}>, {inner}, {FAIL})"


def node_kind_verdict(x: str, kind: Term) -> str:
    """sh:nodeKind: exact in SPARQL."""
    tests = {
        "IRI": f"isIRI({x})", "BlankNode": f"isBlank({x})", "Literal": f"isLiteral({x})",
        "BlankNodeOrIRI": f"!isLiteral({x})", "BlankNodeOrLiteral": f"!isIRI({x})", "IRIOrLiteral": f"!isBlank({x})",
    }
    name = kind.value.removeprefix(SH) if isinstance(kind, NamedNode) else ""
    if name not in tests:
        raise UnsupportedShape(f"unknown sh:nodeKind {kind}")
    return f"IF({tests[name]}, {PASS}, {FAIL})"


def range_verdict(x: str, bound: Term, op: str, shape: Term) -> str:
    """sh:min/maxInclusive/Exclusive: integers decided here, anything unusual by the arbiter."""
    if not isinstance(bound, Literal):
        raise UnsupportedShape(f"value-range bound of {shape} must be a literal")
    is_int = bound.datatype.value in INTEGER_TYPES and re.fullmatch(CANONICAL_LEXICAL[bound.datatype.value][1:-1], bound.value)
    if not is_int:
        return f"IF(isLiteral({x}), {ASK}, {FAIL})"
    return f"IF({canonical(x, INTEGER_TYPES)}, IF(<{XSD}integer>(STR({x})) {op} {bound.value}, {PASS}, {FAIL}), IF(isLiteral({x}), {ASK}, {FAIL}))"


def language_in_verdict(x: str, languages: list[Term], shape: Term) -> str:
    """sh:languageIn as pyshacl matches it: the whole tag or its first subtag, case-insensitive."""
    wanted = []
    for lang in languages:
        if not isinstance(lang, Literal) or lang.language or lang.datatype.value != XSD + "string":
            raise UnsupportedShape(f"sh:languageIn of {shape}: members must be plain strings")
        wanted.append(lang.value.lower())
    if "*" in wanted:
        return f"IF(isLiteral({x}) && LANG({x}) != \"\", {PASS}, {FAIL})"
    listed = ", ".join(sparql_string(w) for w in wanted) or '"\u0000"'
    tagged = f"(LCASE(LANG({x})) IN ({listed}) || LCASE(STRBEFORE(LANG({x}), \"-\")) IN ({listed}))"
    return f"IF(isLiteral({x}) && LANG({x}) != \"\" && {tagged}, {PASS}, {FAIL})"


# --- Checks ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Unit:
    """A shape to evaluate and the focus nodes it receives (its own targets or its parents').

    ``branches`` bind ?this and ?g, the index of the node shape whose targets gave the focus
    node: pyshacl validates a shared property shape once per parent, so a node reached through
    two parents gets two identical results, and so must we.
    """

    shape: Term
    branches: tuple[str, ...]
    path: Term | None


def units(shapes: ShapesGraph, subclasses: Mapping[str, frozenset[str]]) -> list[Unit]:
    """Node shapes with targets, property shapes under them (focus rows tagged by parent)."""
    tops = sorted({s for p in TARGETS | {SH + "target"} for s in shapes.subjects_with(p)}
                  | {s for s in shapes.subjects_with(RDF + "type") if NamedNode(RDFS + "Class") in shapes.objects(s, RDF + "type")
                     and (NamedNode(SH + "NodeShape") in shapes.objects(s, RDF + "type"))}, key=str)
    out: list[Unit] = []
    children: dict[Term, list[str]] = {}
    for g, top in enumerate(tops):
        check_predicates(shapes, top)
        if is_deactivated(shapes, top):
            continue
        branches = target_branches(shapes, top, subclasses, g)
        path = shapes.one(top, SH + "path")
        out.append(Unit(top, tuple(branches), path))
        if path is not None and shapes.objects(top, SH + "property"):
            raise UnsupportedShape(f"{top}: sh:property under a property shape is not supported")
        for prop in shapes.objects(top, SH + "property"):
            children.setdefault(prop, []).extend(branches)
    for prop in sorted(children, key=str):
        check_predicates(shapes, prop)
        path = shapes.one(prop, SH + "path")
        if path is None:
            raise UnsupportedShape(f"{prop} is a value of sh:property but has no sh:path")
        if shapes.objects(prop, SH + "property"):
            raise UnsupportedShape(f"{prop}: sh:property under a property shape is not supported")
        if prop in {u.shape for u in out}:
            raise UnsupportedShape(f"{prop} has targets of its own and is also used by sh:property")
        if not is_deactivated(shapes, prop):
            out.append(Unit(prop, tuple(children[prop]), path))
    return out


def value_pattern(unit: Unit, shapes: ShapesGraph) -> str:
    """Bind ?v to each value node: the path's values, or the focus node itself for a node shape."""
    if unit.path is None:
        return "BIND(?this AS ?v)"
    return f"?this {sparql_path(shapes, unit.path)} ?v ."


def compile_unit(shapes: ShapesGraph, subclasses: Mapping[str, frozenset[str]], unit: Unit) -> list[Check]:
    """All checks of one shape."""
    s, node = shapes, unit.shape
    common: ShapeFacts = {"shape": str(node), "path": sparql_path(s, unit.path) if unit.path is not None else None,
              "severity": severity_of(s, node), "messages": messages_of(s, node)}
    focus = focus_pattern(list(unit.branches))
    values = value_pattern(unit, s)
    checks = []

    builder = VerdictBuilder(s, subclasses, "c")
    comps = builder.components(node, "?v", nested=False)
    if unit.path is None:
        for value in s.objects(node, SH + "hasValue"):
            refuse_typed_literal(value, node, "sh:hasValue")
            comps.append((Component(SH + "HasValueConstraintComponent", "hasValue", (str(value),), reports_value=False),
                          builder.bind(f"IF(sameTerm(?v, {value}), {PASS}, {FAIL})")))
    if comps:
        names = [v for _, v in comps]
        query = (f"SELECT DISTINCT ?g ?this ?v {' '.join(names)} WHERE {{ {focus} {values} "
                 f"{' '.join(builder.binds)} FILTER({' || '.join(f'{n} != {PASS}' for n in names)}) }}")
        checks.append(Check("values", query, components=tuple(c for c, _ in comps), variables=tuple(n[1:] for n in names), **common))

    if unit.path is None and (set(s.index.get(node, {})) & (COUNT_PARAMS | {SH + "uniqueLang", SH + "lessThan", SH + "lessThanOrEquals"})):
        raise UnsupportedShape(f"{node}: cardinality, sh:uniqueLang and sh:lessThan need a property shape (sh:path)")
    if unit.path is not None:
        checks += count_checks(s, subclasses, unit, focus, values, common)
        checks += pair_checks(s, unit, focus, values, common)
        if (flag := s.one(node, SH + "uniqueLang")) is not None and isinstance(flag, Literal) and flag.value.lower() in ("true", "1"):
            query = (f"SELECT ?g ?this ?l WHERE {{ {{ SELECT ?g ?this ?l (COUNT(DISTINCT ?v) AS ?k) WHERE {{ {focus} {values} "
                     f"FILTER(isLiteral(?v) && LANG(?v) != \"\") BIND(LCASE(LANG(?v)) AS ?l) }} GROUP BY ?g ?this ?l }} FILTER(?k > 1) }}")
            checks.append(Check("langs", query, components=(Component(SH + "UniqueLangConstraintComponent", "uniqueLang", reports_value=False),), **common))
    for constraint in s.objects(node, SH + "sparql"):
        if not is_deactivated(s, constraint):
            checks.append(sparql_check(s, unit, constraint, common))
    return checks


def count_checks(s: ShapesGraph, subclasses: Mapping[str, frozenset[str]], unit: Unit, focus: str, values: str, common: ShapeFacts) -> list[Check]:
    """sh:minCount, sh:maxCount, sh:hasValue and qualified counts: one grouped query per shape."""
    node = unit.shape
    aggregates, binds, bounds, conditions = ["(COUNT(DISTINCT ?v) AS ?n)"], [], [], []
    min_count, max_count = integer_of(s, node, SH + "minCount"), integer_of(s, node, SH + "maxCount")
    if min_count:
        bounds.append((SH + "MinCountConstraintComponent", "?n", min_count))
        conditions.append(f"?n < {min_count}")
    if max_count is not None:
        bounds.append((SH + "MaxCountConstraintComponent", "?n", max_count))
        conditions.append(f"?n > {max_count}")
    for i, value in enumerate(s.objects(node, SH + "hasValue")):
        refuse_typed_literal(value, node, "sh:hasValue")
        binds.append(f"BIND(IF(sameTerm(?v, {value}), 1, 0) AS ?h{i}_)")
        aggregates.append(f"(MAX(?h{i}_) AS ?h{i})")
        bounds.append((SH + "HasValueConstraintComponent", f"?h{i}", -1))
        conditions.append(f"COALESCE(?h{i}, 0) = 0")
    qualified = s.one(node, SH + "qualifiedValueShape")
    qmin, qmax = integer_of(s, node, SH + "qualifiedMinCount"), integer_of(s, node, SH + "qualifiedMaxCount")
    if qualified is not None and (qmin is not None or qmax is not None):
        disjoint = s.one(node, SH + "qualifiedValueShapesDisjoint")
        if isinstance(disjoint, Literal) and disjoint.value.lower() in ("true", "1"):
            raise UnsupportedShape(f"{node}: sh:qualifiedValueShapesDisjoint true is not supported")
        builder = VerdictBuilder(s, subclasses, "q")
        verdict = builder.nested(qualified, "?v")
        binds += [*builder.binds, f"BIND(IF({verdict} = {PASS}, ?v, ?unbound) AS ?qv)", f"BIND(IF({verdict} = {ASK}, 1, 0) AS ?qa_)"]
        aggregates += ["(COUNT(DISTINCT ?qv) AS ?q)", "(MAX(?qa_) AS ?qa)"]
        conditions.append("COALESCE(?qa, 0) = 1")
        bounds.append(("ask", "?qa", 0))
        if qmax is not None:
            bounds.append((SH + "QualifiedMaxCountConstraintComponent", "?q", qmax))
            conditions.append(f"?q > {qmax}")
        if qmin is not None:
            bounds.append((SH + "QualifiedMinCountConstraintComponent", "?q", qmin))
            conditions.append(f"?q < {qmin}")
    elif qualified is not None or qmin is not None or qmax is not None:
        raise UnsupportedShape(f"{node}: sh:qualifiedValueShape needs sh:qualifiedMinCount or sh:qualifiedMaxCount (and vice versa)")
    if not conditions:
        return []
    # Focus nodes without any value only fail minCount, hasValue and qualifiedMinCount.
    optional = bool(min_count) or bool(qmin) or bool(s.objects(node, SH + "hasValue"))
    inner = f"{values} {' '.join(binds)}"
    body = f"{focus} OPTIONAL {{ {inner} }}" if optional else f"{focus} {inner}"
    names = " ".join(sorted({b[1] for b in bounds} | {"?n"}))
    query = (f"SELECT ?g ?this {names} WHERE {{ {{ SELECT ?g ?this {' '.join(aggregates)} WHERE {{ {body} }} GROUP BY ?g ?this }} "
             f"FILTER({' || '.join(conditions)}) }}")
    return [Check("counts", query, bounds=tuple(bounds), **common)]


def pair_checks(s: ShapesGraph, unit: Unit, focus: str, values: str, common: ShapeFacts) -> list[Check]:
    """sh:lessThan / sh:lessThanOrEquals: one row per (value, other value) pair that fails or needs rdflib."""
    checks = []
    for name, op in (("lessThan", "<"), ("lessThanOrEquals", "<=")):
        for other in s.objects(unit.shape, SH + name):
            if not isinstance(other, NamedNode):
                raise UnsupportedShape(f"sh:{name} of {unit.shape} must be an IRI")
            ints = f"({canonical('?v', INTEGER_TYPES)} && {canonical('?w', INTEGER_TYPES)})"
            dates = f"({canonical('?v', [XSD + 'date'])} && {canonical('?w', [XSD + 'date'])})"
            compare = (f"IF({ints}, <{XSD}integer>(STR(?v)) {op} <{XSD}integer>(STR(?w)), "
                       f"<{XSD}date>(STR(?v)) {op} <{XSD}date>(STR(?w)))")
            verdict = f"COALESCE(IF({ints} || {dates}, IF({compare}, {PASS}, {FAIL}), {ASK}), {ASK})"
            query = (f"SELECT DISTINCT ?g ?this ?v ?w ?c WHERE {{ {focus} {values} ?this {other} ?w . "
                     f"BIND({verdict} AS ?c) FILTER(?c != {PASS}) }}")
            component = Component(SH + name[0].upper() + name[1:] + "ConstraintComponent", name, (other.value,))
            checks.append(Check("pairs", query, components=(component,), **common))
    return checks


SELECT_HEAD = re.compile(r"\bSELECT\s+(DISTINCT\s+|REDUCED\s+)?", re.IGNORECASE)


def sparql_check(s: ShapesGraph, unit: Unit, constraint: Term, common: ShapeFacts) -> Check:
    """An sh:sparql constraint: its SELECT with the focus nodes joined in where $this is bound.

    pyshacl pre-binds $this once per focus node; inserting the target pattern at the start of
    the outermost WHERE group gives the same solutions in one query (SHACL forbids the
    constructs — MINUS, VALUES, sub-selects hiding $this — where the two would differ).
    """
    for predicate in s.index.get(constraint, {}):
        if predicate.startswith(SH) and predicate not in {SH + "select", SH + "message", SH + "prefixes", SH + "deactivated"}:
            raise UnsupportedShape(f"sh:sparql constraint {constraint} uses {predicate}, not supported")
    select = s.one(constraint, SH + "select")
    if not isinstance(select, Literal):
        raise UnsupportedShape(f"sh:sparql constraint {constraint} needs one sh:select (ASK-based validators are not supported)")
    text = select.value
    if re.search(r"\bMINUS\b", text, re.IGNORECASE):
        raise UnsupportedShape(f"sh:sparql constraint {constraint} uses MINUS, which SHACL forbids")
    if re.search(r"\$(currentShape|shapesGraph)\b", text) or re.search(r"\?failure\b", text):
        raise UnsupportedShape(f"sh:sparql constraint {constraint}: $currentShape, $shapesGraph and ?failure are not supported")
    without_iris = re.sub(r"<[^<>\s]*>", "", text)
    if re.search(r"[<>]|\^\^|\b(DATATYPE|STRDT|isNumeric|SUM|AVG|MIN|MAX|xsd)\b|XMLSchema", without_iris, re.IGNORECASE):
        raise UnsupportedShape(f"sh:sparql constraint {constraint} compares or inspects typed literals, which the fast store keeps verbatim (see VERBATIM); use --engine pyshacl")
    if "$PATH" in text:
        if unit.path is None:
            raise UnsupportedShape(f"sh:sparql constraint {constraint} uses $PATH on a node shape")
        text = text.replace("$PATH", sparql_path(s, unit.path))
    text = text.replace("$this", "?this")
    head = SELECT_HEAD.search(text)
    if head is None:
        raise UnsupportedShape(f"sh:sparql constraint {constraint}: no SELECT found")
    rest = text[head.end():]
    if not rest.lstrip().startswith("*"):
        projection = rest[: rest.find("{")] if "{" in rest else rest
        added = "?g " if re.search(r"\?this\b", projection) else "?g ?this "
        text = text[: head.end()] + added + rest
    brace = text.find("{", head.end())
    if brace < 0:
        raise UnsupportedShape(f"sh:sparql constraint {constraint}: no WHERE group found")
    focus = focus_pattern(list(unit.branches))
    query = prefixes_of(s, constraint) + text[: brace + 1] + f" {focus} " + text[brace + 1:]
    return Check("sparql", query, extra_messages=messages_of(s, constraint), cost=20,
                 components=(Component(SH + "SPARQLConstraintComponent", "sparql", (str(constraint),)),), **common)


def prefixes_of(s: ShapesGraph, constraint: Term) -> str:
    """PREFIX lines from the constraint's sh:prefixes declarations."""
    lines = []
    for holder in s.objects(constraint, SH + "prefixes"):
        for declaration in s.objects(holder, SH + "declare"):
            prefix, namespace = s.one(declaration, SH + "prefix"), s.one(declaration, SH + "namespace")
            if prefix is None or namespace is None:
                raise UnsupportedShape(f"sh:declare {declaration} needs sh:prefix and sh:namespace")
            lines.append(f"PREFIX {prefix.value}: <{namespace.value}>\n")
    return "".join(lines)


def compile_shapes(shapes: ShapesGraph, subclasses: Mapping[str, frozenset[str]]) -> list[Check]:
    """Every check of the shapes graph, for a data graph with the given subclass closure."""
    checks: list[Check] = []
    for unit in units(shapes, subclasses):
        checks += compile_unit(shapes, subclasses, unit)
    return checks
