"""Which part of the graph a page shows: the filters (type, predicate, focus neighbourhood),
the reduction of an oversized graph to its most connected entities, and the checking of the
arguments that choose them (so a caller gets one UsageError naming every problem, never a
KeyError)."""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter

from .errors import UsageError, did_you_mean
from .layout import sorted_ids
from .vocabulary import EntityType, read_relations


def check_arguments(graph, *, focus=None, depth: int = 1, max_nodes: int = 2000, types=None, predicates=None):
    """Check the arguments that choose what a page of ``graph`` shows; returns the id of the focus
    entity (None without a focus).

    Raises one UsageError naming every problem: a negative ``depth``, a ``max_nodes`` below 1, a
    type or predicate name that neither the vocabulary nor ``graph`` knows (a typo would
    otherwise give an empty page), a ``focus`` that names no entity (by :func:`resolve_focus`).
    """
    problems = number_problems(depth=depth, max_nodes=max_nodes)
    problems += filter_problems(types, predicates, lambda: {str(d.get("type")) for _, d in graph.nodes(data=True)},
                                lambda: {str(k) for _, _, k in graph.edges(keys=True)})
    if focus is not None:
        try:
            focus = resolve_focus(graph, focus)
        except UsageError as exc:
            problems.append(exc)
    raise_all(problems)
    return focus


def filter_problems(types, predicates, graph_types, graph_predicates) -> list[UsageError]:
    """The UsageErrors for type and predicate names that neither the vocabulary nor the graph
    knows; ``graph_types()`` / ``graph_predicates()`` give the graph's names (called only when
    that filter is given)."""
    problems = []
    if types:
        problems += _name_problems("type", "Types", types, {t.value for t in EntityType} | set(graph_types()))
    if predicates:
        problems += _name_problems("predicate", "Predicates", predicates, set(read_relations()) | set(graph_predicates()))
    return problems


def number_problems(*, depth: int, max_nodes: int) -> list[UsageError]:
    """The problems with ``depth`` and ``max_nodes``, each a UsageError (empty: both are fine).

    >>> [str(p) for p in number_problems(depth=1, max_nodes=0)]
    ['max nodes must be at least 1, not 0. Pass how many entities the page may show at most (default 2000).']
    """
    problems = []
    if not _is_int(depth) or depth < 0:
        problems.append(UsageError(f"depth must be 0 or more, not {depth!r}.",
                                   "Pass how many relations away from the focus entity to show (0: the entity alone)."))
    if not _is_int(max_nodes) or max_nodes < 1:
        problems.append(UsageError(f"max nodes must be at least 1, not {max_nodes!r}.",
                                   "Pass how many entities the page may show at most (default 2000)."))
    return problems


def raise_all(problems: list[UsageError]) -> None:
    """Raise the one problem, or one UsageError listing them all; nothing if there are none."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise UsageError(" ".join(str(p) for p in problems))


def resolve_focus(graph, text):
    """The id of the entity ``text`` names in ``graph`` by the one lookup rule (its id, else the
    name key of its label or an alias: :mod:`graph_model.lookup`); raises UsageError, with the
    closest names, when none or several do."""
    from .lookup import find_graph_entity_id

    return find_graph_entity_id(graph, text)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _name_problems(kind: str, plural: str, given, known: set[str]) -> list[UsageError]:
    names = sorted(known)
    return [UsageError(f"unknown {kind} '{value}'.", f"{did_you_mean(value, names)} {plural}: {', '.join(names)}.".strip())
            for value in sorted(map(str, given)) if value not in known]


@dataclass(frozen=True)
class Selection:
    """The entities and relations a page shows (a cheap stand-in for a networkx subgraph,
    which costs seconds to copy at 10,000 nodes)."""

    nodes: list
    """Entity ids, sorted."""
    edges: list
    """``(from, to, predicate key, edge data)``, sorted by the first three."""

    def degree(self) -> dict:
        """Each entity's number of shown relations, in + out; returns id -> int."""
        counts = dict.fromkeys(self.nodes, 0)
        for u, v, _, _ in self.edges:
            counts[u] += 1
            counts[v] += 1
        return counts


def select(graph, *, focus: str | None = None, depth: int = 1, types: set[str] | None = None,
           predicates: set[str] | None = None) -> Selection:
    """The part of ``graph`` the filters keep; returns a :class:`Selection`.

    Entities stay even when none of their relations passes the predicate filter (only the type
    filter removes entities), and the focus entity is kept whatever its type, so a focus is
    never empty.
    """
    # the adjacency dicts rather than graph.edges(...) (a function call per edge) or graph.adj
    # (a read-only view, whose item views cost a generator step per neighbour): for networkx
    # graphs ``_adj`` is the plain {u: {v: {key: data}}} dict that graph.adj wraps
    adjacency = getattr(graph, "_adj", None)
    if not isinstance(adjacency, dict):
        adjacency = graph.adj
    edges = ((u, v, k, data) for u, targets in adjacency.items() for v, keyed in targets.items()
             for k, data in keyed.items())
    return select_edges({n: data.get("type") for n, data in graph.nodes(data=True)}, edges, focus=focus,
                        depth=depth, types=types, predicates=predicates)


def select_edges(node_types: dict, edges, *, focus=None, depth: int = 1, types: set[str] | None = None,
                 predicates: set[str] | None = None) -> Selection:
    """:func:`select` on a graph given as ``node_types`` (id -> type name) and ``edges``
    (``(from, to, predicate key, data)``), as a store's skeleton gives it; returns a Selection."""
    keep = {n for n, kind in node_types.items() if types is None or kind in types or n == focus}
    edges = [e for e in edges if e[0] in keep and e[1] in keep and (predicates is None or e[2] in predicates)]
    if focus is not None:
        keep = neighbourhood(edges, focus, depth)
        edges = [e for e in edges if e[0] in keep and e[1] in keep]
    return Selection(sorted_ids(keep), _sorted_edges(edges))


def _sorted_edges(edges: list) -> list:
    """``edges`` sorted by (from, to, key), the same way as :func:`_sorted_ids`."""
    try:
        return sorted(edges, key=itemgetter(0, 1, 2))
    except TypeError:
        return sorted(edges, key=lambda e: (str(e[0]), str(e[1]), str(e[2])))


def neighbourhood(edges, focus, depth: int) -> set:
    """Ids of the entities within ``depth`` of ``focus`` along ``edges`` (``(from, to, ...)``
    tuples), followed in either direction; returns a set that includes ``focus``."""
    adjacent: dict = {}
    for u, v, *_ in edges:
        adjacent.setdefault(u, []).append(v)
        adjacent.setdefault(v, []).append(u)
    seen = {focus}
    frontier = [focus]
    for _ in range(depth):
        reached = []
        for node in frontier:
            for other in adjacent.get(node, ()):
                if other not in seen:
                    seen.add(other)
                    reached.append(other)
        frontier = reached
    return seen


def reduce_selection(selection: Selection, max_nodes: int, *, keep=None) -> Selection:
    """``selection`` itself if it has at most ``max_nodes`` entities; else the ``max_nodes`` most
    connected ones (degree, ties broken by id; ``keep`` always stays) and the relations among
    them. Degree rather than PageRank: a reader can check it by counting, and it costs no
    iteration."""
    if len(selection.nodes) <= max_nodes:
        return selection
    scores = selection.degree()
    ranked = sorted(selection.nodes, key=lambda n: (n != keep, -scores[n], str(n)))
    kept = set(ranked[:max_nodes])
    return Selection(sorted_ids(kept), [e for e in selection.edges if e[0] in kept and e[1] in kept])
