"""A fast SHACL Core engine for the shapes in ``shapes.ttl``, to check one graph at a time.

pySHACL (:func:`graph_model.shapes.check_shapes`, the reference) costs minutes and gigabytes on a
large corpus. This engine checks pyoxigraph terms in a dict index, in time linear in the graph,
against the same shapes graph compiled into plain Python (:mod:`graph_model.shacl_compile`), and
returns the very same ``list[Problem]`` (words, sources, order); tests/test_shacl_core.py compares
the two engines on every broken case of the contract and on random edits.

It implements ``sh:NodeShape`` with ``sh:targetClass`` (instances of subclasses too, by the
``rdfs:subClassOf`` triples of data and ontology), ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``,
node-level constraints and ``sh:property`` whose path is an IRI or a sequence of IRIs; and
``sh:minCount``, ``sh:maxCount``, ``sh:class``, ``sh:datatype``, ``sh:nodeKind``, ``sh:minLength``,
``sh:maxLength``, ``sh:pattern``, ``sh:in`` and ``sh:hasValue`` (of IRIs), ``sh:or`` (of
node-level shapes), ``sh:lessThan``, ``sh:message``. Anything else in the shapes graph raises
UsageError when it is compiled.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import NamedNode, RdfFormat, parse

from .errors import Problem
from .shacl_compile import Shapes, compile_shapes, to_rdflib

if TYPE_CHECKING:
    from rdflib import Graph

    from .shacl_compile import _NodeShape

__all__ = ["Shapes", "check_graph", "check_nquads", "compile_shapes", "default_shapes", "ontology_triples"]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = NamedNode(_RDF + "type")
SUBCLASS_OF = NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
_EMPTY: dict = {}


class _Graph:
    """The union of the data and the ontology, indexed subject -> predicate -> objects."""

    def __init__(self, quads: Iterable, ontology: dict):
        index: dict = {}
        get = index.get
        for quad in quads:  # the hot loop: each attribute read builds a Python object from Rust's
            subject, predicate, value = quad.subject, quad.predicate, quad.object
            props = get(subject)
            if props is None:
                index[subject] = {predicate: {value}}
            elif (objects := props.get(predicate)) is None:
                props[predicate] = {value}
            else:
                objects.add(value)
        for subject, props in ontology.items():  # shared, never written to after this
            mine = index.get(subject)
            if mine is None:
                index[subject] = props
            else:
                for predicate, objects in props.items():
                    mine[predicate] = objects | mine.get(predicate, frozenset())
        self.index = index
        self._superclasses: dict = {}
        self._instances: dict | None = None
        self._subclasses: dict = {}

    def values(self, node, path: tuple) -> set:
        nodes = self.index.get(node, _EMPTY).get(path[0], ())
        if len(path) == 1:
            return nodes
        for step in path[1:]:
            nodes = {o for n in nodes for o in self.index.get(n, _EMPTY).get(step, ())}
        return nodes

    def is_instance(self, node, cls) -> bool:
        """SHACL instance: rdf:type/rdfs:subClassOf* ``cls``."""
        for kind in self.index.get(node, _EMPTY).get(RDF_TYPE, ()):
            if kind not in self._superclasses:
                self._superclasses[kind] = _closure(kind, lambda c: self.index.get(c, _EMPTY).get(SUBCLASS_OF, ()))
            if cls in self._superclasses[kind]:
                return True
        return False

    def instances(self, cls) -> set:
        """The SHACL instances of ``cls``, by the data's and the ontology's subclasses."""
        if self._instances is None:
            self._instances, self._subclasses = {}, {}
            for subject, props in self.index.items():
                for kind in props.get(RDF_TYPE, ()):
                    self._instances.setdefault(kind, []).append(subject)
                for parent in props.get(SUBCLASS_OF, ()):
                    self._subclasses.setdefault(parent, []).append(subject)
        return {node for kind in _closure(cls, lambda c: self._subclasses.get(c, ()))
                for node in self._instances.get(kind, ())}


def _closure(start, edges: Callable) -> set:
    seen, todo = {start}, [start]
    while todo:
        for other in edges(todo.pop()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def check_graph(quads: Iterable, *, sources: Mapping[str, tuple[Path, int | None]] | None = None,
                shapes: Shapes | Graph | None = None, context: Iterable = ()) -> list[Problem]:
    """Check ``quads`` (pyoxigraph ``Quad`` or ``Triple`` objects, as :func:`pyoxigraph.parse`
    yields them; graph names are ignored: the shapes are about each resource wherever it lives)
    plus the ontology against ``shapes`` (default: ``shapes.ttl``); returns what
    :func:`graph_model.shapes.check_shapes` returns for the same data: one Problem per violation,
    sorted, located through ``sources``.

    ``context``: more quads the checks read (say, the registry entries an article's statements
    name, for ``sh:class``) whose subjects are not checked themselves: they are checked once, on
    their own graph.

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
    context = list(context)
    graph = _Graph(itertools.chain(quads, context), _ontology_index())
    skip = {quad.subject for quad in context}
    found = []
    for shape in shapes.shapes:
        for focus in _focus_nodes(graph, shape) - skip:
            for rules in shape.rules:
                values = graph.values(focus, rules.path) if rules.path else (focus,)
                for (name, check), message in zip(rules.constraints, rules.messages):
                    failed = check(graph, focus, values)
                    if failed:
                        found.extend((focus, rules.path_text, message, name, value) for value in failed)
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
    index = _Graph(ontology_triples(), {}).index
    return {s: {p: frozenset(o) for p, o in props.items()} for s, props in index.items()}


def _focus_nodes(graph: _Graph, shape: _NodeShape) -> set:
    focus: set = set()
    for cls in shape.classes:
        focus.update(graph.instances(cls))
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


