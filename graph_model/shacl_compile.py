"""The shapes graph compiled for :mod:`graph_model.shacl_core`: what each SHACL constraint means.

:func:`compile_shapes` reads an rdflib shapes graph (``shapes.ttl``) into node shapes whose
constraints are plain Python checks over pyoxigraph terms. It marks every triple it reads; a
triple left over is a feature the engine lacks, and raises UsageError, so no constraint can be
added to the contract that the fast engine would silently ignore.

Where SHACL leaves room, a check does what pySHACL (the reference) does, since the contract is
"the same violations": literals are read as rdflib reads them (``xsd:date`` by rdflib's parser,
integers by Python's ``int``; rdflib does not read ``xsd:gYear``, ``xsd:gYearMonth``,
``xsd:gMonthDay`` or ``xsd:language``, so any text passes as those), and ``sh:lessThan`` orders
odd pairs as rdflib does. One difference: a blank node under ``sh:lessThan`` is a violation
here, an error in pySHACL.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from pyoxigraph import BlankNode, Literal, NamedNode

from .errors import UsageError

if TYPE_CHECKING:
    from rdflib import Graph

_SH = "http://www.w3.org/ns/shacl#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS, OWL = "http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2002/07/owl#"
XSD_STRING, LANG_STRING = NamedNode(_XSD + "string"), NamedNode(_RDF + "langString")
_NODE_KINDS = {"IRI": (NamedNode,), "BlankNode": (BlankNode,), "Literal": (Literal,),
               "BlankNodeOrIRI": (BlankNode, NamedNode), "BlankNodeOrLiteral": (BlankNode, Literal),
               "IRIOrLiteral": (NamedNode, Literal)}
# Triples that say nothing to a validator.
_IGNORED = {RDFS + "comment", RDFS + "label", _SH + "name", _SH + "description"}


def _integer(text: str, minimum: int | None = None) -> int | None:
    """The value of an xsd integer literal as rdflib reads it (Python's int); None if ill-typed."""
    try:
        value = int(text)
    except ValueError:
        return None
    return value if minimum is None or value >= minimum else None


@functools.lru_cache(maxsize=4096)  # dates repeat: a corpus names few distinct days
def _is_date(text: str) -> bool:
    from datetime import date

    from rdflib.xsd_datetime import parse_xsd_date

    try:
        return isinstance(parse_xsd_date(text), date)
    except Exception:  # noqa: BLE001 - whatever rdflib's parser raises, the literal is ill-typed
        return False


# Datatype IRI -> is this lexical form well-typed, as pySHACL (through rdflib) decides.
_LEXICAL: dict[str, Callable[[str], bool]] = {
    _XSD + "date": _is_date,
    _XSD + "integer": lambda text: _integer(text) is not None,
    _XSD + "nonNegativeInteger": lambda text: _integer(text, 0) is not None,
    **dict.fromkeys((_XSD + "gYear", _XSD + "gYearMonth", _XSD + "gMonthDay", _XSD + "language"), lambda _: True),
}
_INTEGERS = {NamedNode(_XSD + "integer"): None, NamedNode(_XSD + "nonNegativeInteger"): 0}



# A constraint checks the value nodes of one focus node: check(graph, focus, values) returns the
# values that fail (None: a result without a value, as a count's).
Check = Callable[[object, object, set], list]  # graph: a shacl_core._Graph
# A node shape's own constraints (empty path: the focus node) or a property shape's; one message
# per constraint: sh:message, or pySHACL's generic one.
_Rules = NamedTuple("_Rules", [("path", tuple), ("path_text", str), ("messages", tuple), ("constraints", tuple)])
_NodeShape = NamedTuple("_NodeShape", [("classes", tuple), ("subjects_of", tuple), ("objects_of", tuple),
                                       ("rules", tuple)])


class Shapes(NamedTuple):
    """A shapes graph compiled by :func:`compile_shapes`."""

    shapes: tuple


def to_rdflib(term):
    """A pyoxigraph term as the rdflib term it stands for (a simple literal without a datatype,
    as rdflib makes its own)."""
    from rdflib import BNode, Literal as RdflibLiteral, URIRef  # noqa: I001 - two Literals in one module

    if not isinstance(term, Literal):
        return (URIRef if isinstance(term, NamedNode) else BNode)(term.value)
    if term.language or term.datatype == XSD_STRING:
        return RdflibLiteral(term.value, lang=term.language)
    return RdflibLiteral(term.value, datatype=URIRef(term.datatype.value), normalize=False)


def _has_datatype(value, datatype: NamedNode, well_typed: Callable[[str], bool] | None) -> bool:
    if not isinstance(value, Literal):
        return False
    if datatype == XSD_STRING:
        return value.language is None and value.datatype == XSD_STRING
    if datatype == LANG_STRING:
        return value.language is not None
    return value.datatype == datatype and well_typed(value.value)


def _less_than(value, other) -> bool:
    """SPARQL's ``value < other`` as pySHACL decides it: integers directly, anything else through
    rdflib's ordering (rare: only broken data gets there)."""
    if isinstance(value, Literal) and isinstance(other, Literal) and value.datatype in _INTEGERS \
            and other.datatype in _INTEGERS:
        a, b = _integer(value.value, _INTEGERS[value.datatype]), _integer(other.value, _INTEGERS[other.datatype])
        if a is not None and b is not None:
            return a < b
    if isinstance(value, BlankNode) or isinstance(other, BlankNode):
        return False  # pySHACL raises; SHACL says a pair that cannot be compared is a violation
    from rdflib import Literal as RdflibLiteral

    a, b = to_rdflib(value), to_rdflib(other)
    # pySHACL compares IRIs and strings as Python strings, and never a string with a non-string.
    a_text, b_text = (not isinstance(t, RdflibLiteral) or isinstance(t.value, str) for t in (a, b))
    if a_text or b_text:
        return a_text and b_text and str(a) < str(b)
    try:
        return bool(a < b)
    except TypeError:
        return False


def _datatype(value, compiler) -> Check:
    datatype, well_typed = NamedNode(str(value)), _LEXICAL.get(str(value))
    if datatype not in (XSD_STRING, LANG_STRING) and well_typed is None:
        compiler.unsupported(f"sh:datatype {value.n3()}", "Add how rdflib reads its lexical forms to _LEXICAL.")
    return lambda g, f, values: [v for v in values if not _has_datatype(v, datatype, well_typed)]


def _node_kind(value, compiler) -> Check:
    kinds = _NODE_KINDS.get(str(value).removeprefix(_SH)) if str(value).startswith(_SH) else None
    if kinds is None:
        compiler.unsupported(f"sh:nodeKind {value.n3()}")
    return lambda g, f, values: [v for v in values if not isinstance(v, kinds)]


def _or(value, compiler) -> Check:
    members = [compiler.node_checks(member) for member in compiler.items(value)]

    def conforms(g, v) -> bool:
        return any(not any(check(g, v, (v,)) for check in checks) for checks in members)
    return lambda g, f, values: [v for v in values if not conforms(g, v)]


def _without(read: Callable, test: Callable) -> Callable[[object, object], Check]:
    """A builder of the checks that fail each value ``v`` for which ``test(v, read(parameter))``."""
    return lambda value, compiler: lambda g, f, values, n=read(value): [v for v in values if test(v, n)]


def _count(test: Callable) -> Callable[[object, object], Check]:
    return lambda value, compiler: lambda g, f, values, n=int(value): [None] if test(len(values), n) else []


# The constraint parameters this engine knows: name -> (allowed on a node shape, build(value,
# compiler) -> Check), ``value`` being the parameter's rdflib term.
_PARAMETERS: dict[str, tuple[bool, Callable[[object, object], Check]]] = {
    "minCount": (False, _count(lambda count, n: count < n)),
    "maxCount": (False, _count(lambda count, n: count > n)),
    "class": (True, lambda value, compiler: lambda g, f, values, cls=compiler.iri(value, "sh:class"): [
        v for v in values if not g.is_instance(v, cls)]),
    "datatype": (True, _datatype),
    "nodeKind": (True, _node_kind),
    "minLength": (True, _without(int, lambda v, n: n > 0 and (isinstance(v, BlankNode) or len(v.value) < n))),
    "maxLength": (True, _without(int, lambda v, n: isinstance(v, BlankNode) or len(v.value) > n)),
    # Python's re, as pySHACL's; sh:flags is not supported
    "pattern": (True, _without(lambda value: re.compile(str(value)), lambda v, regex: isinstance(v, BlankNode) or not regex.search(v.value))),
    "in": (True, lambda value, compiler: lambda g, f, values, allowed=frozenset(
        compiler.iri(item, "sh:in") for item in compiler.items(value)): [v for v in values if v not in allowed]),
    "hasValue": (True, lambda value, compiler: lambda g, f, values, wanted=compiler.iri(value, "sh:hasValue"): (
        [] if wanted in values else [None])),
    "or": (True, _or),
    "lessThan": (False, lambda value, compiler: lambda g, f, values, other=(compiler.iri(value, "sh:lessThan"),): [
        v for v in values for o in g.values(f, other) if not _less_than(v, o)]),
}
# pySHACL's own message for a node shape's constraint when the shape gives none.
_GENERIC = {"class": "Value does not have class {}", "nodeKind": "Value is not of Node Kind {}"}


def compile_shapes(graph: Graph) -> Shapes:
    """Compile the rdflib shapes ``graph`` (as :func:`graph_model.shapes.read_shapes` returns it).

    Raises UsageError, naming the triple, if the graph uses anything this engine does not
    implement: every triple of the graph must be one the compiler read (or a comment, a label,
    sh:name, sh:description).
    """
    return _Compiler(graph).compile()


class _Compiler:
    """Reads a shapes graph and marks each triple it reads: a triple left over is a feature missing."""

    def __init__(self, graph: Graph):
        from rdflib import BNode, URIRef
        from rdflib import Literal as RdflibLiteral

        from .shapes import new_graph

        self.graph, self.used, self.rdflib = graph, set(), (URIRef, BNode, RdflibLiteral)
        self.names = new_graph().namespace_manager  # how the reference words paths
        self.shape_names = graph.namespace_manager  # and the terms of its generic messages
        self.shape_names.bind("sh", _SH, override=False, replace=False)

    def compile(self) -> Shapes:
        shapes = []
        for node in sorted(self.graph.subjects(*self.iris(_RDF + "type", _SH + "NodeShape"))):
            self.used.add((node, *self.iris(_RDF + "type", _SH + "NodeShape")))
            rules = [self.rules(node, None)]
            for prop in self.take(node, _SH + "property"):
                if [str(kind) for kind in self.take(prop, _RDF + "type")] not in ([], [_SH + "PropertyShape"]):
                    self.unsupported(f"{prop.n3()}: a type other than sh:PropertyShape")
                paths = self.take(prop, _SH + "path")
                if len(paths) != 1:
                    self.unsupported(f"{prop.n3()}: no sh:path, or several")
                rules.append(self.rules(prop, paths[0]))
            shapes.append(_NodeShape(*(tuple(self.iri(c, p) for c in self.take(node, _SH + p))
                                       for p in ("targetClass", "targetSubjectsOf", "targetObjectsOf")),
                                     tuple(r for r in rules if r.constraints)))
        # Axioms pySHACL adds to a shapes graph it was given: harmless, and there after a reference check.
        axioms = {(OWL + "Class", RDFS + "subClassOf", RDFS + "Class"),
                  (OWL + "DatatypeProperty", RDFS + "subClassOf", _RDF + "Property")}
        for triple in sorted(self.graph):
            if triple not in self.used and str(triple[1]) not in _IGNORED and tuple(map(str, triple)) not in axioms:
                self.unsupported(" ".join(term.n3(self.shape_names) for term in triple))
        return Shapes(tuple(shapes))

    def rules(self, node, path) -> _Rules:
        from .shapes import format_path

        message = self.take(node, _SH + "message")
        if len(message) > 1 or (message and not isinstance(message[0], self.rdflib[2])):
            self.unsupported(f"{node.n3()}: more than one sh:message, or one that is not a literal")
        steps = () if path is None else tuple(self.items(path)) if isinstance(path, self.rdflib[1]) else (path,)
        constraints, messages = [], []
        for name, value in self.parameters(node, node_level=path is None):
            constraints.append((name, _PARAMETERS[name][1](value, self)))
            if message:
                messages.append(str(message[0]))
            elif path is None and name in _GENERIC:
                messages.append(_GENERIC[name].format(value.n3(self.shape_names)))
            else:
                self.unsupported(f"{node.n3()} sh:{name} without sh:message", "Give the shape an sh:message.")
        return _Rules(tuple(self.iri(step, "sh:path") for step in steps),
                      format_path(self.graph, path, self.names), tuple(messages), tuple(constraints))

    def parameters(self, node, *, node_level: bool) -> list:
        found = []
        for name, (on_nodes, _) in _PARAMETERS.items():
            values = self.take(node, _SH + name)
            if len(values) > 1 or (values and node_level and not on_nodes):
                self.unsupported(f"{node.n3()} sh:{name}: repeated, or on a node shape")
            found.extend((name, value) for value in values)
        return found

    def node_checks(self, node) -> tuple:
        """The checks of an sh:or member: a shape with node-level constraints only."""
        return tuple(_PARAMETERS[name][1](value, self) for name, value in self.parameters(node, node_level=True))

    def iris(self, *iris: str) -> tuple:
        return tuple(map(self.rdflib[0], iris))

    def take(self, node, predicate: str) -> list:
        (predicate,) = self.iris(predicate)
        values = sorted(self.graph.objects(node, predicate))
        self.used.update((node, predicate, value) for value in values)
        return values

    def items(self, node) -> list:
        """The members of the RDF list ``node``."""
        members = []
        while str(node) != _RDF + "nil":
            first, rest = self.take(node, _RDF + "first"), self.take(node, _RDF + "rest")
            if len(first) != 1 or len(rest) != 1:
                self.unsupported(f"{node.n3()}: not a well-formed RDF list (a path other than a sequence?)")
            members.append(first[0])
            node = rest[0]
        return members

    def iri(self, term, where: str) -> NamedNode:
        if not isinstance(term, self.rdflib[0]):
            self.unsupported(f"{where} {term.n3()}: only IRIs are supported here")
        return NamedNode(str(term))

    def unsupported(self, what: str, hint: str = "") -> None:
        raise UsageError(f"shapes graph: {what}: graph_model.shacl_core does not implement this.",
                         hint or "Check with graph_model.shapes.check_shapes (pySHACL), or teach "
                                 "shacl_core the feature, with a test that both engines agree on it.")
