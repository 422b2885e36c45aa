"""Network analytics over the networkx projection: rankings, communities, bridges, paths, exports.

Library functions return data; ``format_*`` return strings for the CLI.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import asdict, dataclass

import networkx as nx

from .errors import UsageError
from .lookup import find_graph_entity_id

LOUVAIN_SEED = 42  # communities must not change from run to run


@dataclass(frozen=True)
class EntityRank:
    id: str
    label: str
    type: str
    degree: int
    betweenness: float
    pagerank: float
    community: int


@dataclass(frozen=True)
class Bridge:
    """An entity whose relations reach into communities other than its own."""

    id: str
    label: str
    community: int
    reaches: tuple[int, ...]


@dataclass(frozen=True)
class Analysis:
    ranking: tuple[EntityRank, ...]
    communities: tuple[tuple[str, ...], ...]
    bridges: tuple[Bridge, ...]


def simple_undirected(graph: nx.MultiDiGraph) -> nx.Graph:
    """One undirected edge per related pair (weight = number of relations), nodes sorted."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    for u, v in sorted((u, v) for u, v, _ in graph.edges(keys=True)):
        if u == v:
            continue
        if simple.has_edge(u, v):
            simple[u][v]["weight"] += 1
        else:
            simple.add_edge(u, v, weight=1)
    return simple


RANK_MEASURES = ("degree", "betweenness", "pagerank")


def analyze_graph(graph: nx.MultiDiGraph, *, top: int | None = None, by: str = "degree") -> Analysis:
    """Degree, betweenness and PageRank of every entity; Louvain communities; bridging entities.

    The ranking is sorted by ``by`` (one of RANK_MEASURES, highest first), then id; ``top`` keeps
    only the first entries.
    """
    if by not in RANK_MEASURES:
        raise UsageError(f"cannot rank by '{by}'.", f"Use one of: {', '.join(RANK_MEASURES)}.")
    simple = simple_undirected(graph)
    betweenness = nx.betweenness_centrality(simple)
    pagerank = nx.pagerank(nx.DiGraph(graph)) if graph.number_of_edges() else {n: 0.0 for n in graph}
    communities = sorted((tuple(sorted(c)) for c in nx.community.louvain_communities(simple, seed=LOUVAIN_SEED)),
                         key=lambda c: (-len(c), c))
    community_of = {node: index for index, members in enumerate(communities) for node in members}
    ranking = sorted(
        (EntityRank(n, graph.nodes[n].get("label", n), graph.nodes[n].get("type", ""), graph.degree(n),
                    round(betweenness[n], 6), round(pagerank[n], 6), community_of[n]) for n in graph.nodes),
        key=lambda r: (-getattr(r, by), r.id))
    bridges = []
    for node in sorted(simple.nodes):
        reaches = sorted({community_of[m] for m in simple[node]} - {community_of[node]})
        if reaches:
            bridges.append(Bridge(node, graph.nodes[node].get("label", node), community_of[node], tuple(reaches)))
    bridges.sort(key=lambda b: (-len(b.reaches), -betweenness[b.id], b.id))
    return Analysis(tuple(ranking[:top] if top else ranking), tuple(communities), tuple(bridges))


@dataclass(frozen=True)
class Hop:
    source: str
    predicate: str
    target: str
    quote: str
    article: str


def find_entity(graph: nx.MultiDiGraph, text: str) -> str:
    """The node that ``text`` names: its id, or its label or an alias ignoring case, accents and
    spacing (the one rule, in :mod:`graph_model.lookup`). Raises UsageError if none or several do."""
    return find_graph_entity_id(graph, text)


def shortest_paths(graph: nx.MultiDiGraph, source: str, target: str, *, limit: int = 5) -> list[list[Hop]]:
    """Up to ``limit`` shortest chains of relations between two entities (either direction),
    each hop with the first quote that supports it. Empty if they are not connected."""
    source, target = find_entity(graph, source), find_entity(graph, target)
    simple = simple_undirected(graph)
    try:
        node_paths = list(_limited(nx.all_shortest_paths(simple, source, target), limit))
    except nx.NetworkXNoPath:
        return []
    return [[_hop(graph, u, v) for u, v in zip(path, path[1:])] for path in node_paths]


def _limited(iterable, limit):
    for index, item in enumerate(iterable):
        if index >= limit:
            return
        yield item


def _hop(graph, u, v) -> Hop:
    edges = [(u, v, k, d) for k, d in sorted(graph.get_edge_data(u, v, default={}).items())]
    edges += [(v, u, k, d) for k, d in sorted(graph.get_edge_data(v, u, default={}).items())]
    s, o, _, data = edges[0]
    statement = data["statements"][0]
    return Hop(s, data["label"], o, statement["quote"], statement["article"])


def format_analysis(analysis: Analysis, *, as_json: bool = False) -> str:
    if as_json:
        return json.dumps({"ranking": [asdict(r) for r in analysis.ranking],
                           "communities": [list(c) for c in analysis.communities],
                           "bridges": [asdict(b) for b in analysis.bridges]}, indent=2, ensure_ascii=False)
    lines = [f"{'entity':<32} {'type':<12} {'degree':>6} {'betweenness':>11} {'pagerank':>9} {'community':>9}"]
    for r in analysis.ranking:
        lines.append(f"{r.label[:32]:<32} {r.type:<12} {r.degree:>6} {r.betweenness:>11.4f} {r.pagerank:>9.4f} "
                     f"{r.community:>9}")
    lines.append("")
    lines.append(f"{len(analysis.communities)} communities (Louvain, seed {LOUVAIN_SEED}):")
    for index, members in enumerate(analysis.communities):
        lines.append(f"  {index}: {', '.join(members[:12])}{' ...' if len(members) > 12 else ''}")
    lines.append("")
    lines.append("bridges between communities:")
    for b in analysis.bridges[:15]:
        lines.append(f"  {b.label} (community {b.community}) reaches {', '.join(map(str, b.reaches))}")
    return "\n".join(lines)


def format_paths(paths: list[list[Hop]], graph: nx.MultiDiGraph) -> str:
    if not paths:
        return "no chain of relations connects them"
    label = lambda n: graph.nodes[n].get("label", n)  # noqa: E731
    blocks = []
    for number, path in enumerate(paths, 1):
        lines = [f"path {number} ({len(path)} hop{'s' if len(path) != 1 else ''}):"]
        for hop in path:
            lines.append(f"  {label(hop.source)} --{hop.predicate}--> {label(hop.target)}")
            lines.append(f"      \"{hop.quote}\" [{hop.article}]")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def to_network(graph: nx.MultiDiGraph, *, dynamic: bool = False) -> nx.MultiDiGraph:
    """A copy with only scalar attributes (what GraphML and GEXF can carry), deterministically ordered.

    ``dynamic`` adds time intervals for Gephi's timeline: see :func:`add_intervals`.
    """
    network = nx.MultiDiGraph()
    for node in sorted(graph.nodes):
        data = graph.nodes[node]
        network.add_node(node, label=data.get("label", node), type=data.get("type", ""),
                         aliases="; ".join(data.get("aliases", [])), description=data.get("description", ""))
    for u, v, key in sorted(graph.edges(keys=True)):
        data = graph.edges[u, v, key]
        network.add_edge(u, v, key=key, predicate=key, label=data["label"], sources=data["sources"],
                         statements=len(data["statements"]), quote=data["statements"][0]["quote"])
    if dynamic:
        add_intervals(graph, network)
    return network


def add_intervals(graph: nx.MultiDiGraph, network: nx.MultiDiGraph) -> None:
    """Give ``network``'s edges and nodes ``start``/``end`` dates (ISO days) from ``graph``'s
    statement dates, for GEXF's dynamic mode.

    An edge spans from the first day its earliest statement may mean to the last day its latest
    may mean, at each date's precision (a year is the whole year: no day or month is invented).
    A node spans its edges, but only when every one of them is dated: an undated relation holds
    at all times, and so must its ends. Undated edges and such nodes get no interval.
    """
    from .dates import DatePrecision, parse_date
    from .export_dates import date_span

    spans = {}
    for u, v, key, data in graph.edges(keys=True, data=True):
        dated = [date_span(parse_date(s["date"]).lexical, DatePrecision(s["precision"]))
                 for s in data["statements"] if s["date"]]
        dated = [span for span in dated if span]
        if dated:
            spans[u, v, key] = (min(s for s, _ in dated), max(e for _, e in dated))
            network.edges[u, v, key].update(start=spans[u, v, key][0].isoformat(),
                                            end=spans[u, v, key][1].isoformat())
    for node in network.nodes:
        edges = [(u, v, k) for u, v, k in graph.in_edges(node, keys=True)]
        edges += [(u, v, k) for u, v, k in graph.out_edges(node, keys=True)]
        if edges and all(edge in spans for edge in edges):
            network.nodes[node].update(start=min(spans[e][0] for e in edges).isoformat(),
                                       end=max(spans[e][1] for e in edges).isoformat())


def write_network(store, format_name: str) -> bytes:
    """GraphML, or dynamic GEXF with time intervals, of the projected graph; byte-identical for
    the same store."""
    from .project import project_graph

    buffer = io.BytesIO()
    if format_name == "graphml":
        nx.write_graphml(to_network(project_graph(store)), buffer, encoding="utf-8", prettyprint=True)
        return buffer.getvalue()
    nx.write_gexf(to_network(project_graph(store), dynamic=True), buffer, encoding="utf-8", prettyprint=True)
    # networkx stamps today's date into GEXF's <meta>; drop it so exports are reproducible.
    return re.sub(rb' lastmodifieddate="[^"]*"', b"", buffer.getvalue())
