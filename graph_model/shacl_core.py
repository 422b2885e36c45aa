"""A fast SHACL Core engine for the shapes in ``shapes.ttl``, to check one graph at a time.

pySHACL (:func:`graph_model.shapes.check_shapes`, the reference) costs minutes and gigabytes on a
large corpus. This engine reads the same shapes graph, compiles the part of SHACL Core it uses
into plain Python, and checks pyoxigraph terms in a dict index: about a hundred times faster, and
linear in the size of the graph. It reports the very same ``list[Problem]`` (same words, same
sources, same order); tests/test_shacl_core.py shows that on every broken case of the contract
and on random edits.

Supported: ``sh:NodeShape`` with ``sh:targetClass`` (instances of subclasses too, through the
``rdfs:subClassOf`` triples of the data and the ontology), ``sh:targetSubjectsOf``,
``sh:targetObjectsOf``, ``sh:property`` and node-level constraints; paths that are an IRI or a
sequence of IRIs; ``sh:minCount``, ``sh:maxCount``, ``sh:class``, ``sh:datatype``,
``sh:nodeKind``, ``sh:minLength``, ``sh:maxLength``, ``sh:pattern``, ``sh:in`` and
``sh:hasValue`` (of IRIs), ``sh:or`` (of node-level shapes), ``sh:lessThan``, ``sh:message``.
Anything else in the shapes graph (any triple the compiler did not use) raises UsageError when
the shapes are compiled, so no constraint can be added that this engine silently ignores.

Where SHACL leaves room, the engine does what pySHACL does, since "the same violations" is the
contract: literals are read as rdflib reads them (``xsd:date`` by rdflib's parser, integers by
Python's ``int``; rdflib does not read ``xsd:gYear``, ``xsd:gYearMonth``, ``xsd:gMonthDay`` or
``xsd:language``, so any text of those types passes), and ``sh:lessThan`` orders unusual pairs
as rdflib does. One difference: a blank node under ``sh:lessThan`` is a violation here, an error
in pySHACL.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, parse

from .errors import Problem, UsageError

if TYPE_CHECKING:
    from rdflib import Graph

_SH = "http://www.w3.org/ns/shacl#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS, OWL = "http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2002/07/owl#"
RDF_TYPE = NamedNode(_RDF + "type")
SUBCLASS_OF = NamedNode(RDFS + "subClassOf")
XSD_STRING, LANG_STRING = NamedNode(_XSD + "string"), NamedNode(_RDF + "langString")
_EMPTY: dict = {}
_NODE_KINDS = {"IRI": (NamedNode,), "BlankNode": (BlankNode,), "Literal": (Literal,),
               "BlankNodeOrIRI": (BlankNode, NamedNode), "BlankNodeOrLiteral": (BlankNode, Literal),
               "IRIOrLiteral": (NamedNode, Literal)}
# Triples that say nothing to a validator.
_IGNORED = {RDFS + "comment", RDFS + "label", _SH + "name", _SH + "description"}


def _is_int(text: str, minimum: int | None = None) -> bool:
    try:
        return minimum is None or int(text) >= minimum  # Python's int, as rdflib reads xsd integers
    except ValueError:
        return False


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
    _XSD + "integer": _is_int,
    _XSD + "nonNegativeInteger": lambda text: _is_int(text, 0),
    **dict.fromkeys((_XSD + "gYear", _XSD + "gYearMonth", _XSD + "gMonthDay", _XSD + "language"), lambda _: True),
}
_INTEGERS = {NamedNode(_XSD + "integer"): None, NamedNode(_XSD + "nonNegativeInteger"): 0}


class _Graph:
    """The union of the data and the ontology, indexed subject -> predicate -> objects."""

    def __init__(self, quads: Iterable, ontology: dict):
        index: dict = {}
        for quad in quads:
            props = index.get(quad.subject)
            if props is None:
                props = index[quad.subject] = {}
            objects = props.get(quad.predicate)
            if objects is None:
                props[quad.predicate] = {quad.object}
            else:
                objects.add(quad.object)
        for subject, props in ontology.items():  # shared, never written to after this
            mine = index.get(subject)
            if mine is None:
                index[subject] = props
            else:
                for predicate, objects in props.items():
                    mine[predicate] = objects | mine.get(predicate, frozenset())
        self.index = index
        self._superclasses: dict = {}
        self._subclasses: dict | None = None
        self._instances: dict | None = None

    def values(self, node, path: tuple) -> set:
        nodes = self.index.get(node, _EMPTY).get(path[0], ())
        for step in path[1:]:
            nodes = {o for n in nodes for o in self.index.get(n, _EMPTY).get(step, ())}
        return nodes

    def _closure(self, start, edges: Callable) -> set:
        seen, todo = {start}, [start]
        while todo:
            for other in edges(todo.pop()):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return seen

    def is_instance(self, node, cls) -> bool:
        """SHACL instance: rdf:type/rdfs:subClassOf* ``cls``."""
        for kind in self.index.get(node, _EMPTY).get(RDF_TYPE, ()):
            supers = self._superclasses.get(kind)
            if supers is None:
                supers = self._superclasses[kind] = self._closure(
                    kind, lambda c: self.index.get(c, _EMPTY).get(SUBCLASS_OF, ()))
            if cls in supers:
                return True
        return False

    def instances(self, kind) -> list:
        """The subjects typed ``kind`` (exactly)."""
        if self._instances is None:
            self._instances = {}
            for subject, props in self.index.items():
                for each in props.get(RDF_TYPE, ()):
                    self._instances.setdefault(each, []).append(subject)
        return self._instances.get(kind, [])

    def subclasses(self, cls) -> set:
        if self._subclasses is None:
            self._subclasses = {}
            for subject, props in self.index.items():
                for parent in props.get(SUBCLASS_OF, ()):
                    self._subclasses.setdefault(parent, set()).add(subject)
        return self._closure(cls, lambda c: self._subclasses.get(c, ()))


# A constraint: (component name, check(graph, focus, values) -> the failing values; None for
# "no value", as a count has).
Check = Callable[[_Graph, object, set], list]


@dataclass(frozen=True)
class _Rules:
    """The constraints of a node shape (``path`` empty: its focus node) or a property shape."""

    path: tuple
    path_text: str
    messages: tuple[str, ...]  # one per constraint: sh:message, or pySHACL's generic one
    constraints: tuple[tuple[str, Check], ...]


@dataclass(frozen=True)
class _NodeShape:
    classes: tuple
    subjects_of: tuple
    objects_of: tuple
    rules: tuple[_Rules, ...]


@dataclass(frozen=True)
class Shapes:
    """A shapes graph compiled by :func:`compile_shapes`."""

    shapes: tuple[_NodeShape, ...]


def check_graph(quads: Iterable, *, sources: Mapping[str, tuple[Path, int | None]] | None = None,
                shapes: Shapes | Graph | None = None) -> list[Problem]:
    """Check ``quads`` (pyoxigraph ``Quad`` or ``Triple`` objects, as :func:`pyoxigraph.parse`
    yields them; graph names are ignored: the shapes are about each resource wherever it lives)
    plus the ontology against ``shapes`` (default: ``shapes.ttl``); returns what
    :func:`graph_model.shapes.check_shapes` returns for the same data: one Problem per violation,
    sorted, located through ``sources``.

    >>> from pyoxigraph import Literal, NamedNode, Triple
    >>> from graph_model.vocabulary import KG, SKOS
    >>> x = NamedNode("https://newsgraph.example/entity/x")
    >>> problems = check_graph([Triple(x, NamedNode(KG.entityType), NamedNode(KG.Person)),
    ...                         Triple(x, NamedNode(SKOS.prefLabel), Literal(""))])
    >>> problems[-1].message
    'SHACL: ent:x skos:prefLabel: an entity needs exactly one preferred label [sh:minLength, value ""]'
    """
    if shapes is None:
        shapes = default_shapes()
    elif not isinstance(shapes, Shapes):
        shapes = compile_shapes(shapes)
    graph = _Graph(quads, _ontology_index())
    found = []
    for shape in shapes.shapes:
        for focus in _focus_nodes(graph, shape):
            for rules in shape.rules:
                values = graph.values(focus, rules.path) if rules.path else (focus,)
                for (name, check), message in zip(rules.constraints, rules.messages):
                    found.extend((focus, rules.path_text, message, name, value)
                                 for value in check(graph, focus, values))
    return _problems(found, sources or {}) if found else []


def check_nquads(data: bytes, *, sources: Mapping[str, tuple[Path, int | None]] | None = None,
                 shapes: Shapes | Graph | None = None) -> list[Problem]:
    """:func:`check_graph` on N-Quads (or N-Triples) bytes, such as one article's graph."""
    return check_graph(parse(data, format=RdfFormat.N_QUADS), sources=sources, shapes=shapes)


@functools.cache
def default_shapes() -> Shapes:
    """``shapes.ttl``, compiled once per process."""
    from .shapes import read_shapes

    return compile_shapes(read_shapes())


@functools.cache
def ontology_triples() -> tuple:
    """The ontology as pyoxigraph Triples, parsed once per process."""
    from .iris import read_ontology_text

    return tuple(parse(read_ontology_text(), format=RdfFormat.TURTLE))


@functools.cache
def _ontology_index() -> dict:
    index: dict = {}
    for triple in ontology_triples():
        index.setdefault(triple.subject, {}).setdefault(triple.predicate, set()).add(triple.object)
    return {s: {p: frozenset(o) for p, o in props.items()} for s, props in index.items()}


def _focus_nodes(graph: _Graph, shape: _NodeShape) -> set:
    focus: set = set()
    for cls in shape.classes:
        for kind in graph.subclasses(cls):
            focus.update(graph.instances(kind))
    for predicate in shape.subjects_of:
        focus.update(s for s, props in graph.index.items() if predicate in props)
    for predicate in shape.objects_of:
        for props in graph.index.values():
            focus.update(props.get(predicate, ()))
    return focus


def _problems(found: list, sources: Mapping) -> list[Problem]:
    """Word the violations exactly as the reference does, through its formatting."""
    from .shapes import format_problem, new_graph

    names = new_graph().namespace_manager
    return sorted(format_problem(to_rdflib(focus), path, message, name, None if value is None else to_rdflib(value),
                                 names, sources)
                  for focus, path, message, name, value in found)


def to_rdflib(term):
    """A pyoxigraph term as the rdflib term it stands for (a simple literal has no datatype, as
    rdflib's own are made)."""
    from rdflib import BNode, URIRef
    from rdflib import Literal as RdflibLiteral

    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    if term.language:
        return RdflibLiteral(term.value, lang=term.language)
    if term.datatype == XSD_STRING:
        return RdflibLiteral(term.value)
    return RdflibLiteral(term.value, datatype=URIRef(term.datatype.value), normalize=False)


def _has_datatype(value, datatype: NamedNode, well_typed: Callable[[str], bool]) -> bool:
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
    if isinstance(value, Literal) and isinstance(other, Literal) \
            and value.datatype in _INTEGERS and other.datatype in _INTEGERS \
            and _is_int(value.value, _INTEGERS[value.datatype]) and _is_int(other.value, _INTEGERS[other.datatype]):
        return int(value.value) < int(other.value)
    if isinstance(value, BlankNode) or isinstance(other, BlankNode):
        return False  # pySHACL raises; SHACL says a pair that cannot be compared is a violation
    from rdflib import Literal as RdflibLiteral

    a, b = to_rdflib(value), to_rdflib(other)
    # pySHACL compares IRIs and strings as Python strings, and never a string with a non-string.
    a_text = not isinstance(a, RdflibLiteral) or isinstance(a.value, str)
    b_text = not isinstance(b, RdflibLiteral) or isinstance(b.value, str)
    if a_text != b_text:
        return False
    if a_text:
        return str(a) < str(b)
    try:
        return bool(a < b)
    except TypeError:
        return False

# The constraint parameters this engine knows: parameter -> (allowed on a node shape, builder).
# A builder takes the parameter's value (an rdflib term) and a _Compiler, and returns a Check.
def _count(compare):
    return lambda value, _: (lambda g, f, values, n=int(value): [None] if compare(len(values), n) else [])


def _length(compare):
    def build(value, _):
        n = int(value)
        return lambda g, f, values: [v for v in values if isinstance(v, BlankNode) or compare(len(v.value), n)]
    return build


def _class(value, _):
    cls = NamedNode(str(value))
    return lambda g, f, values: [v for v in values if not g.is_instance(v, cls)]


def _datatype(value, compiler):
    datatype = NamedNode(str(value))
    if datatype not in (XSD_STRING, LANG_STRING) and str(value) not in _LEXICAL:
        compiler.unsupported(f"sh:datatype {value.n3()}", "add how rdflib reads its lexical forms to _LEXICAL")
    well_typed = _LEXICAL.get(str(value))
    return lambda g, f, values: [v for v in values if not _has_datatype(v, datatype, well_typed)]


def _node_kind(value, compiler):
    kinds = _NODE_KINDS.get(str(value).removeprefix(_SH))
    if kinds is None or not str(value).startswith(_SH):
        compiler.unsupported(f"sh:nodeKind {value.n3()}")
    return lambda g, f, values: [v for v in values if not isinstance(v, kinds)]


def _pattern(value, _):
    regex = re.compile(str(value))  # Python's re, as pySHACL; sh:flags is not supported
    return lambda g, f, values: [v for v in values if isinstance(v, BlankNode) or not regex.search(v.value)]


def _in(value, compiler):
    allowed = {compiler.iri(item, "sh:in") for item in compiler.items(value)}
    return lambda g, f, values: [v for v in values if v not in allowed]


def _has_value(value, compiler):
    wanted = compiler.iri(value, "sh:hasValue")
    return lambda g, f, values: [] if wanted in values else [None]


def _or(value, compiler):
    members = [compiler.node_checks(member) for member in compiler.items(value)]

    def conforms(g, v) -> bool:
        return any(not any(check(g, v, (v,)) for check in checks) for checks in members)
    return lambda g, f, values: [v for v in values if not conforms(g, v)]


def _less_than_check(value, compiler):
    other = (compiler.iri(value, "sh:lessThan"),)
    return lambda g, f, values: [v for v in values for o in g.values(f, other) if not _less_than(v, o)]


_PARAMETERS: dict[str, tuple[bool, Callable]] = {
    "minCount": (False, _count(lambda count, n: count < n)),
    "maxCount": (False, _count(lambda count, n: count > n)),
    "class": (True, _class),
    "datatype": (True, _datatype),
    "nodeKind": (True, _node_kind),
    "minLength": (True, _length(lambda length, n: length < n)),
    "maxLength": (True, _length(lambda length, n: length > n)),
    "pattern": (True, _pattern),
    "in": (True, _in),
    "hasValue": (True, _has_value),
    "or": (True, _or),
    "lessThan": (False, _less_than_check),
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
    def __init__(self, graph: Graph):
        from rdflib.namespace import SH

        from .shapes import new_graph

        self.graph = graph
        self.used: set = set()
        self.names = new_graph().namespace_manager  # how the reference words paths
        self.shape_names = graph.namespace_manager  # and the terms of its generic messages
        self.shape_names.bind("sh", SH, override=False, replace=False)

    def compile(self) -> Shapes:
        from rdflib.namespace import RDF, SH

        shapes = []
        for node in sorted(self.graph.subjects(RDF.type, SH.NodeShape)):
            self.used.add((node, RDF.type, SH.NodeShape))
            rules = [self.rules(node, None)]
            for prop in self.take(node, SH.property):
                for kind in self.take(prop, RDF.type):
                    if kind != SH.PropertyShape:
                        self.unsupported(f"{prop.n3()} a {kind.n3()}")
                (path,) = self.take(prop, SH.path) or self.unsupported(f"{prop.n3()} without sh:path")
                rules.append(self.rules(prop, path))
            shapes.append(_NodeShape(*(tuple(self.iri(c, p) for c in self.take(node, SH[p]))
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
        from rdflib import BNode, Literal as RdflibLiteral
        from rdflib.namespace import SH

        from .shapes import format_path

        message = self.take(node, SH.message)
        if len(message) > 1 or (message and not isinstance(message[0], RdflibLiteral)):
            self.unsupported(f"{node.n3()}: more than one sh:message, or one that is not a literal")
        steps = () if path is None else (path,) if not isinstance(path, BNode) else tuple(self.items(path))
        constraints, messages = [], []
        for name, value in self.parameters(node, node_level=path is None):
            constraints.append((name, _PARAMETERS[name][1](value, self)))
            if message:
                messages.append(str(message[0]))
            elif path is None and name in _GENERIC:
                messages.append(_GENERIC[name].format(value.n3(self.shape_names)))
            else:
                self.unsupported(f"{node.n3()} sh:{name} without sh:message", "give the shape an sh:message")
        return _Rules(tuple(self.iri(step, "sh:path") for step in steps),
                      format_path(self.graph, path, self.names), tuple(messages), tuple(constraints))

    def parameters(self, node, *, node_level: bool) -> list:
        from rdflib.namespace import SH

        found = []
        for name, (on_nodes, _) in _PARAMETERS.items():
            values = self.take(node, SH[name])
            if len(values) > 1 or (values and node_level and not on_nodes):
                self.unsupported(f"{node.n3()} sh:{name}: repeated, or on a node shape")
            found.extend((name, value) for value in values)
        return found

    def node_checks(self, node) -> tuple:
        """The checks of an sh:or member: a shape with node-level constraints only."""
        return tuple(_PARAMETERS[name][1](value, self) for name, value in self.parameters(node, node_level=True))

    def take(self, node, predicate) -> list:
        values = sorted(self.graph.objects(node, predicate))
        self.used.update((node, predicate, value) for value in values)
        return values

    def items(self, node) -> list:
        """The members of the RDF list ``node``."""
        from rdflib.namespace import RDF

        members = []
        while node != RDF.nil:
            first, rest = self.take(node, RDF.first), self.take(node, RDF.rest)
            if len(first) != 1 or len(rest) != 1:
                self.unsupported(f"{node.n3()}: not a well-formed RDF list (a path other than a sequence?)")
            members.append(first[0])
            node = rest[0]
        return members

    def iri(self, term, where: str) -> NamedNode:
        from rdflib import URIRef

        if not isinstance(term, URIRef):
            self.unsupported(f"{where} {term.n3()}: only IRIs are supported here")
        return NamedNode(str(term))

    def unsupported(self, what: str, hint: str = "") -> None:
        raise UsageError(f"shapes graph: {what}: graph_model.shacl_core does not implement this.",
                         hint or "Check with graph_model.shapes.check_shapes (pySHACL), or teach "
                                 "shacl_core the feature, with a test that both engines agree on it.")
