"""Exact pyshacl decisions for the few value nodes SPARQL cannot settle alone.

The compiled queries decide canonical literals themselves and mark the rest "ask": literals
whose meaning depends on how rdflib reads their lexical form (``"+5"^^xsd:integer``,
``"2025-02-30"^^xsd:date``, ``"5"^^xsd:string`` against an integer bound…). For those, this
module asks rdflib and repeats pyshacl 0.40's own decision code, so the fast validator reports
exactly what pyshacl reports. It is imported only when such a literal exists: rdflib and pyshacl
cost half a second to import, which a clean build should not pay.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode
from pyshacl.errors import ReportableRuntimeError
from pyshacl.rdfutil.compare import compare_literal
from rdflib.namespace import RDF, RDFS, XSD

from pipeline.shacl.compile import Component, native

CHECKS = {
    XSD.string: lambda v: isinstance(v, (str, bytes)),
    RDF.langString: lambda v: isinstance(v, (str, bytes)),
}


def to_rdflib(term: NamedNode | BlankNode | Literal) -> rdflib.term.Identifier:
    """The rdflib term pyshacl would have read from the same N-Triples (plain literals untyped)."""
    term = native(term)
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return rdflib.Literal(term.value, datatype=None if datatype == str(XSD.string) else rdflib.URIRef(datatype))


def actual_datatype_ok(value: object, datatype: rdflib.URIRef) -> bool:
    """pyshacl's ``_assert_actual_datatype``: the Python value must have the datatype's type."""
    from datetime import date, datetime, time
    from decimal import Decimal

    expected: dict[rdflib.URIRef, type | tuple[type, ...]] = {XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
                XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime}
    return isinstance(value, expected[datatype]) if datatype in expected else True


def datatype_fails(v: rdflib.term.Identifier, datatype: rdflib.URIRef) -> bool:
    """pyshacl's DatatypeConstraintComponent for one value node."""
    if not isinstance(v, rdflib.Literal):
        return True
    if v.datatype == datatype:
        return v.ill_typed is True or not actual_datatype_ok(v.value, datatype)
    if datatype == RDFS.Literal:
        return False
    if v.datatype is None and v.language is None and datatype == XSD.string:
        return not actual_datatype_ok(v.value, datatype)
    if datatype == RDF.langString and v.language:
        return not actual_datatype_ok(v.value, datatype)
    return True


def as_string(v: rdflib.term.Identifier) -> str:
    """pyshacl's ``value_node_to_string``: rdflib's (normalized) lexical form."""
    if isinstance(v, rdflib.Literal) and v.value is not None and v.datatype in (None, RDF.langString, XSD.string):
        return str(v.value)
    return str(v)


@cache
def python_regex(pattern: str, flags: str) -> re.Pattern[str]:
    """The regex exactly as pyshacl compiles it (only the i and m flags count)."""
    return re.compile(pattern, (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0))


def range_fails(v: rdflib.term.Identifier, bound: rdflib.Literal, parameter: str) -> bool:
    """pyshacl's min/max Inclusive/Exclusive rule for one value node."""
    if not isinstance(v, rdflib.Literal):
        return True
    bound_is_string, v_is_string = isinstance(bound.value, str), isinstance(v.value, str)
    if bound_is_string != v_is_string:
        return True
    try:
        cmp = compare_literal(v, bound)
    except (TypeError, NotImplementedError):
        return True
    ok = {"minInclusive": cmp >= 0, "minExclusive": cmp > 0, "maxInclusive": cmp <= 0, "maxExclusive": cmp < 0}[parameter]
    return not ok


def value_fails(component: Component, term: NamedNode | BlankNode | Literal) -> bool:
    """Whether pyshacl reports ``term`` for this component (the query said "ask")."""
    v = to_rdflib(term)
    p = component.parameter
    if p == "datatype":
        return datatype_fails(v, rdflib.URIRef(component.argument[0]))
    if p == "pattern":
        return isinstance(v, rdflib.BNode) or not python_regex(*component.argument).search(as_string(v))
    if p in ("minLength", "maxLength"):
        n = int(component.argument[0])
        if isinstance(v, rdflib.BNode):
            return True
        return len(as_string(v)) < n if p == "minLength" else len(as_string(v)) > n
    if p in ("minInclusive", "minExclusive", "maxInclusive", "maxExclusive"):
        lexical, datatype, language = component.argument
        bound = rdflib.Literal(lexical, lang=language or None, datatype=None if not datatype or datatype == str(XSD.string) else rdflib.URIRef(datatype))
        return range_fails(v, bound, p)
    raise ReportableRuntimeError(f"no exact rule for sh:{p} on {term}: this is a bug of the fast validator")


def comparable(node: rdflib.term.Identifier) -> tuple[Any, bool]:
    """pyshacl's sh:lessThan operand: strings for IRIs and string literals, the literal otherwise."""
    if isinstance(node, rdflib.BNode):
        raise ReportableRuntimeError("Cannot use sh:lessThan to compare a BlankNode.")
    if isinstance(node, rdflib.URIRef):
        return str(node), True
    if isinstance(node, rdflib.Literal) and isinstance(node.value, str):
        return node.value, True
    return node, False


def pair_fails(v: NamedNode | BlankNode | Literal, w: NamedNode | BlankNode | Literal, or_equal: bool) -> bool:
    """pyshacl's ``_compare_lt`` (and its lessThanOrEquals twin) for one pair of values."""
    left, left_is_string = comparable(to_rdflib(v))
    right, right_is_string = comparable(to_rdflib(w))
    if left_is_string != right_is_string:
        return True
    return not (left <= right if or_equal else left < right)
