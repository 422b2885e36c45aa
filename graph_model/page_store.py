"""The page of a store too large to project whole: choose in the store, project only what is shown.

Projecting a store into networkx reads every statement with its evidence, a dozen joins each:
at 100,000 statements ``kg render`` took 57 s and 1.1 GB peak RSS that way (2 shared cores). A page shows at
most ``max_nodes`` entities anyway, so for a larger store :func:`store_page` reads

1. the skeleton: every entity's type and every distinct relation, from the direct triples that
   stand beside each statement (one index scan per predicate, no joins, no text);
2. chooses on it exactly as :mod:`graph_model.selection` chooses on a projected graph (filters,
   focus neighbourhood, the most connected entities);
3. copies the shown entities, the statements of the shown relations with their evidence (at
   most :data:`EVIDENCE_LIMIT` statements, the relations of the focus and of the most connected
   entities first), and the articles they cite into a small in-memory store, and projects that
   with :func:`graph_model.project.project_graph`: the same code, so the same data, as a small
   store's page.

Relations past the evidence limit are drawn but carry no quotes (``quoted`` is False), and the
page says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .errors import UsageError
from .iris import KG_NS, entity_id_from_iri
from .queries import read_internal_query
from .selection import Selection, filter_problems, raise_all, reduce_selection, select_edges
from .vocabulary import EntityType, read_relations, stored_member

#: Statements whose quotes and evidence a reduced page carries: finding and copying one costs
#: about four milliseconds on disk (a lookup of its relation, some thirty quads), so this bounds
#: that part of the render at a few seconds whatever the corpus; the page still draws every
#: shown relation.
EVIDENCE_LIMIT = 1000

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_EVIDENCE_LINKS = (KG_NS + "evidence", "http://www.w3.org/ns/oa#hasTarget", "http://www.w3.org/ns/oa#hasSelector")


def count_entities(store) -> int:
    """How many entities ``store`` holds (one index scan)."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?e <" + KG_NS + "entityType> ?t }"
    return int(next(iter(store.query(query)))["n"].value)


def can_reduce(store) -> bool:
    """Whether ``store`` is one :func:`store_page` can read quad by quad (the embedded store)."""
    return isinstance(getattr(store, "ox", None), ox.Store)


def read_skeleton(store) -> tuple[dict, list]:
    """Every entity's type and every distinct relation of ``store``; returns
    (id -> type name, [(from id, to id, predicate name, {}) ...])."""
    types = {}
    for row in store.query(read_internal_query("page-entity-types")):
        entity = entity_id_from_iri(row["entity"].value)
        if entity is not None:
            types[entity] = stored_member(EntityType, row["type"].value).value
    relations = []
    for row in store.query(read_internal_query("page-relations")):
        u, v = entity_id_from_iri(row["subject"].value), entity_id_from_iri(row["object"].value)
        if u in types and v in types:
            relations.append((u, v, row["predicate"].value.removeprefix(KG_NS), {}))
    return types, relations


@dataclass(frozen=True)
class StorePage:
    """What the page of a large store shows."""

    graph: object
    """The projection of the shown part; relations left unquoted have ``quoted=False``."""
    selected: Selection
    """The selection before the reduction to ``max_nodes`` (its edges carry no data)."""
    shown: Selection
    """The selection the page draws, its edges with their data from ``graph``."""
    focus: str | None
    """The focus entity's id."""
    totals: tuple[int, int]
    """The store's entities and distinct relations."""


def store_page(store, *, focus=None, depth: int = 1, types=None, predicates=None, max_nodes: int = 2000,
               evidence_limit: int | None = None) -> StorePage:
    """What the page of a large ``store`` shows; returns a :class:`StorePage`.

    Raises one UsageError naming every problem with the filters and the focus, as
    :func:`graph_model.selection.check_arguments` does for a projected graph.
    """
    from .queries import resolve_entity

    node_types, relations = read_skeleton(store)
    problems = filter_problems(types, predicates, lambda: set(node_types.values()), lambda: {r[2] for r in relations})
    if focus is not None:
        try:
            focus = resolve_entity(store, focus)
        except UsageError as exc:
            problems.append(exc)
    raise_all(problems)
    selected = select_edges(node_types, relations, focus=focus, depth=depth, types=types, predicates=predicates)
    shown = reduce_selection(selected, max_nodes, keep=focus)
    graph = _project_shown(store, shown, focus, EVIDENCE_LIMIT if evidence_limit is None else evidence_limit)
    edges = [(u, v, k, graph.edges[u, v, k]) for u, v, k, _ in shown.edges]
    return StorePage(graph, selected, Selection(shown.nodes, edges), focus, (len(node_types), len(relations)))


def _project_shown(store, shown: Selection, focus, evidence_limit: int):
    """The shown entities and relations, projected through a small in-memory store."""
    from .project import project_graph
    from .store import GraphStore

    small = GraphStore.in_memory()
    small.load_ontology()
    source, target = store.ox, small.ox
    for node in shown.nodes:
        _copy(source, target, ox.NamedNode(_entity(node)))
    scores = shown.degree()
    rank = {n: i for i, n in enumerate(sorted(shown.nodes, key=lambda n: (n != focus, -scores[n], str(n))))}
    quoted, budget, articles = set(), evidence_limit, set()
    query = read_internal_query("page-relation-statements")
    for u, v, k, _ in sorted(shown.edges, key=lambda e: (min(rank[e[0]], rank[e[1]]), rank[e[0]], rank[e[1]], e[2])):
        if budget <= 0:
            break
        bindings = {"subject": ox.NamedNode(_entity(u)), "predicate": ox.NamedNode(KG_NS + k),
                    "object": ox.NamedNode(_entity(v))}
        for row in store.query(query, bindings=bindings):
            articles.update(_copy_statement(source, target, row["statement"]))
            budget -= 1
        quoted.add((u, v, k))
    for article in sorted(articles, key=str):
        _copy(source, target, article)
    graph = project_graph(small)
    labels = {name: relation.label for name, relation in read_relations().items()}
    for u, v, k, _ in shown.edges:
        if (u, v, k) not in quoted:
            graph.add_edge(u, v, key=k, predicate=k, label=labels.get(k, k), statements=[], sources=0, quoted=False)
    return graph


def _entity(node: str) -> str:
    from .iris import entity_iri

    return entity_iri(node)


def _copy(source, target, subject) -> list:
    quads = list(source.quads_for_pattern(subject, None, None))
    target.extend(quads)
    return quads


def _copy_statement(source, target, statement) -> set:
    """Copy a statement with its evidence (annotation, target, selectors) and its speaker's
    label; returns the articles it cites."""
    articles, frontier = set(), [statement]
    while frontier:
        node = frontier.pop()
        for quad in _copy(source, target, node):
            link = quad.predicate.value
            if link in _EVIDENCE_LINKS:
                frontier.append(quad.object)
            elif link == "http://www.w3.org/ns/prov#wasDerivedFrom":
                articles.add(quad.object)
            elif link == KG_NS + "speaker":
                target.extend(source.quads_for_pattern(
                    quad.object, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), None))
    return articles
