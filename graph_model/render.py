"""Stage 7: render the projected graph as one self-contained, interactive HTML page.

:func:`render_html` turns the ``networkx.MultiDiGraph`` from :func:`graph_model.project.project_graph`
into a page that draws the graph with vis-network (the library pyvis wraps) and lets a reader
click through to the quotes behind every relation. The page makes no network request beyond
itself: vis-network's JavaScript and CSS are inlined from the installed pyvis package, and all
data sits in one ``<script type="application/json">`` element that the page reads with
``JSON.parse``, so no value from the data is ever parsed as HTML.

Positions are computed here, once, with a fixed seed, and the browser's physics is switched off:
the same graph always gives the same picture and the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from operator import itemgetter
from pathlib import Path

#: How each entity type is drawn (vis-network shapes whose label sits below the node, so the
#: node's size, not its label, says how central it is). Types not listed fall back to ``_OTHER``.
TYPE_STYLES: dict[str, dict[str, str]] = {
    "Person": {"color": "#d62728", "shape": "dot"},
    "State": {"color": "#1f77b4", "shape": "diamond"},
    "Organisation": {"color": "#9467bd", "shape": "hexagon"},
    "Initiative": {"color": "#2ca02c", "shape": "star"},
    "Event": {"color": "#ff7f0e", "shape": "triangle"},
    "Place": {"color": "#8c564b", "shape": "triangleDown"},
    "Topic": {"color": "#17becf", "shape": "dot"},
    "Document": {"color": "#e377c2", "shape": "square"},
}
_OTHER = {"color": "#7f7f7f", "shape": "dot"}

#: Graphs with more nodes than this get the browser's large-graph options.
LARGE_GRAPH = 500
#: Above this many edges only the selection's edges are labelled: vis-network draws every edge
#: label in every frame, and a few thousand of them make zooming in take seconds.
EDGE_LABEL_LIMIT = 1000
#: Above this many edges they are drawn without arrowheads: vis-network draws every edge in every
#: frame, and the heads are a third of that work; at this size a frame would otherwise block the
#: page for more than half a second, while the heads are too small to see until zoomed far in.
#: The direction stays in every tooltip and in the details panel ("A → predicate → B").
ARROW_LIMIT = 20000

_EDGE_LENGTH = 130.0  # pixels a typical relation spans at zoom 1: room for its label
_SEED = 20240601
_NO_DATE = "none"


# --------------------------------------------------------------------------------------------
# Public API


def render_html(graph, *, focus: str | None = None, depth: int = 1, types: set[str] | None = None,
                predicates: set[str] | None = None, max_nodes: int = 2000,
                title: str = "Knowledge graph") -> str:
    """One self-contained HTML page drawing ``graph``; returns the page as a string.

    ``types`` / ``predicates`` keep only entities of those types / relations with those
    predicate names. ``focus`` (an entity id) keeps only the entities within ``depth`` relations
    of it, in either direction. Above ``max_nodes`` entities the page shows the ``max_nodes``
    most connected ones and says so. The same arguments always give the same bytes.
    """
    if focus is not None and focus not in graph:
        raise KeyError(f"focus entity {focus!r} is not in the graph")
    if depth < 0:
        raise ValueError("depth must be >= 0")
    if max_nodes < 1:
        raise ValueError("max_nodes must be >= 1")
    selected = select(graph, focus=focus, depth=depth, types=types, predicates=predicates)
    shown = reduce_selection(selected, max_nodes, keep=focus)
    payload = graph_payload(graph, shown)
    payload["meta"] = _meta(graph, selected, shown, focus=focus, depth=depth, title=title)
    return _template().render(
        title=title,
        notice=payload["meta"]["notice"],
        vis_css=_vis_asset("vis-network.css"),
        vis_js=_vis_asset("vis-network.min.js"),
        data_json=embed_json(payload),
    )


def render_store_html(store) -> str:
    """The page for everything in ``store``; returns ``render_html(project_graph(store))``."""
    from .project import project_graph

    return render_html(project_graph(store))


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
    keep = {n for n, data in graph.nodes(data=True)
            if types is None or data.get("type") in types or n == focus}
    # the adjacency dicts rather than graph.edges(...) (a function call per edge) or graph.adj
    # (a read-only view, whose item views cost a generator step per neighbour): for networkx
    # graphs ``_adj`` is the plain {u: {v: {key: data}}} dict that graph.adj wraps
    adjacency = getattr(graph, "_adj", None)
    if not isinstance(adjacency, dict):
        adjacency = graph.adj
    edges = [(u, v, k, data) for u, targets in adjacency.items() if u in keep
             for v, keyed in targets.items() if v in keep
             for k, data in keyed.items() if predicates is None or k in predicates]
    if focus is not None:
        keep = neighbourhood(edges, focus, depth)
        edges = [e for e in edges if e[0] in keep and e[1] in keep]
    return Selection(_sorted_ids(keep), _sorted_edges(edges))


def _sorted_ids(ids) -> list:
    """``ids`` in a fixed order: natural order if they compare, else by their string forms."""
    try:
        return sorted(ids)
    except TypeError:
        return sorted(ids, key=str)


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
    return Selection(_sorted_ids(kept), [e for e in selection.edges if e[0] in kept and e[1] in kept])


def format_date(text: str | None, precision: str | None) -> str:
    """A statement's date as a reader should see it, at the precision the article gives.

    >>> format_date("2017-07-05", "day"), format_date("2017-07", "month"), format_date("1945", "year")
    ('5 July 2017', 'July 2017', '1945')
    >>> format_date("--05-17", "day, year unknown"), format_date("late 2016", "late year")
    ('17 May (year not given)', 'late 2016')
    >>> format_date(None, None)
    'date not given'
    """
    if not text:
        return "date not given"
    try:
        if precision == "day":
            year, month, day = text.split("-")
            return f"{int(day)} {_MONTHS[int(month) - 1]} {year}"
        if precision == "month":
            year, month = text.split("-")
            return f"{_MONTHS[int(month) - 1]} {year}"
        if precision == "day, year unknown":
            month, day = text.lstrip("-").split("-")
            return f"{int(day)} {_MONTHS[int(month) - 1]} (year not given)"
    except (ValueError, IndexError):
        pass  # an unexpected form is shown as the article wrote it
    return text


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]


def embed_json(payload) -> str:
    """``payload`` as JSON that is safe inside a ``<script>`` element; returns the text.

    ``<``, ``>`` and ``&`` become ``\\u003c`` / ``\\u003e`` / ``\\u0026``, so no value can close the
    element or open a comment; ``JSON.parse`` turns them back into the original characters.
    """
    # no sort_keys: every dict is built in a fixed order already, and sorting costs a third
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def graph_payload(graph, selection: Selection | None = None) -> dict:
    """Everything the page draws for ``selection`` (default: all of ``graph``), as JSON-ready
    data; returns a dict.

    Keys: ``nodes`` (id, label, type, aliases, description, x, y, size), ``edges`` (id, from, to,
    predicate, sources, width, statements, and roundness for parallel edges), ``types``, ``predicates``,
    ``precisions``, ``articles`` (only those some statement cites), ``options`` (vis-network),
    ``edgeLabels`` ("all", or "selected" for graphs too large to label every edge), ``large``
    (the browser should skip per-node refinements).
    Nodes are sorted by id and edges by (from, to, predicate), so the output is deterministic.
    """
    if selection is None:
        selection = select(graph)
    positions = _positions(selection.nodes, [(u, v) for u, v, _, _ in selection.edges])
    scores = selection.degree()
    top = max(scores.values(), default=0) or 1
    node_items = []
    for node in selection.nodes:
        data = graph.nodes[node]
        x, y = positions[node]
        node_items.append({
            "id": str(node), "label": str(data.get("label") or node), "type": str(data.get("type") or "Thing"),
            "aliases": [str(a) for a in data.get("aliases") or []],
            "description": str(data.get("description") or ""),
            "x": x, "y": y, "size": node_size(scores[node], top),
        })
    edge_items = _edge_items(selection.edges)
    cited = sorted({s["article"] for e in edge_items for s in e["statements"] if s["article"]})
    articles = graph.graph.get("articles") or {}
    return {
        "nodes": node_items,
        "edges": edge_items,
        "types": _type_entries(node_items),
        "predicates": _predicate_entries(selection.edges),
        "precisions": _precision_entries(edge_items),
        "articles": {a: _article_entry(a, articles.get(a)) for a in cited},
        "options": vis_options(len(node_items), len(edge_items)),
        "edgeLabels": "all" if len(edge_items) <= EDGE_LABEL_LIMIT else "selected",
        "large": is_large(len(node_items), len(edge_items)),
    }


def node_size(score: int, top: int) -> float:
    """A node's radius in pixels for centrality ``score`` out of ``top``: 8 to 36, by square root
    so that hubs stand out without dwarfing everything else."""
    return round(8 + 28 * math.sqrt(max(score, 0) / top), 1)


def edge_width(sources: int) -> float:
    """An edge's line width for a relation stated in ``sources`` distinct articles."""
    return round(1 + 1.5 * (min(max(sources, 1), 6) - 1), 1)


def is_large(n_nodes: int, n_edges: int) -> bool:
    """Whether the browser should draw a graph this size in its cheaper way (no hover effects,
    no edges while moving, no per-node fonts); returns a bool."""
    return n_nodes > LARGE_GRAPH or n_edges > 2 * LARGE_GRAPH


def vis_options(n_nodes: int, n_edges: int) -> dict:
    """vis-network options for a graph of this size; returns a dict.

    Physics is always off (positions come from Python). Large graphs also hide edges while the
    view moves, the single most effective speed-up vis-network offers, and graphs with more than
    ``ARROW_LIMIT`` edges are drawn without arrowheads (a third of the cost of every frame).
    """
    large = is_large(n_nodes, n_edges)
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "groups": {**{name: _group_style(style) for name, style in TYPE_STYLES.items()},
                   "Thing": _group_style(_OTHER)},
        "nodes": {
            "font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "borderWidth": 1,
            # labels smaller than 7 screen pixels are skipped: zoomed out, only the hubs (whose
            # font grows with their size) are named, and every name appears when zooming in
            "scaling": {"label": {"enabled": False, "drawThreshold": 8}},
        },
        "edges": {
            "arrows": {"to": {"enabled": n_edges <= ARROW_LIMIT, "scaleFactor": 0.6}},
            "color": {"color": "#9aa5b1", "highlight": "#2b6cb0", "hover": "#4a5568", "inherit": False},
            "font": {"size": 11, "color": "#4a5568", "face": "system-ui, sans-serif",
                     "strokeWidth": 3, "strokeColor": "#ffffff", "align": "middle"},
            "scaling": {"label": {"enabled": False, "drawThreshold": 8}},
            # straight by default; parallel edges get their own curvedCW roundness per edge.
            # Never 'dynamic': it adds hidden support nodes to the physics model.
            "smooth": False,
            "selectionWidth": 2,
        },
        "interaction": {
            "hover": not large,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "multiselect": False,
            "navigationButtons": False,
            "keyboard": False,
        },
    }


# --------------------------------------------------------------------------------------------
# Payload pieces


def _group_style(style: dict) -> dict:
    color = style["color"]
    return {"shape": style["shape"],
            "color": {"background": color, "border": _darker(color),
                      "highlight": {"background": color, "border": "#1a202c"},
                      "hover": {"background": color, "border": "#1a202c"}}}


def _darker(color: str) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * 0.7) for c in (r, g, b)))


def _edge_items(edges: list) -> list[dict]:
    """The JSON entry of each edge (same order as ``edges``); returns a list of dicts."""
    ends = [(str(u), str(v)) for u, v, _, _ in edges]
    roundness = _parallel_roundness(ends)
    widths: dict[int, float] = {}
    items = []
    for index, ((u, v, key, data), (frm, to)) in enumerate(zip(edges, ends)):
        raw = data.get("statements")
        statements = [_statement_entry(s) for s in raw] if raw else []
        if len(statements) > 1:
            statements.sort(key=lambda s: (s["article"] or "", s["start"], s["end"], s["quote"]))
        sources = int(data.get("sources") or len({s["article"] for s in statements}) or 1)
        width = widths.get(sources)
        if width is None:
            width = widths[sources] = edge_width(sources)
        item = {"id": f"e{index}", "from": frm, "to": to, "predicate": str(data.get("predicate") or key),
                "sources": sources, "width": width, "statements": statements}
        if roundness[index] is not None:
            item["roundness"] = roundness[index]
        items.append(item)
    return items


def _parallel_roundness(pairs: list[tuple]) -> list[float | None]:
    """Per edge: None (draw straight) if it is the only edge between its two nodes, else the
    curvedCW roundness that keeps it apart from the others between the same two nodes.

    curvedCW bends to the right of the edge's direction, so an A->B and a B->A edge already bend
    to opposite sides; giving every edge of the pair a different roundness separates the rest.
    """
    keys = [(u, v) if u < v else (v, u) for u, v in pairs]
    counts = Counter(keys)
    result: list[float | None] = [None] * len(pairs)
    ranks: dict[tuple, int] = {}
    for index, key in enumerate(keys):
        if counts[key] > 1 and key[0] != key[1]:
            rank = ranks[key] = ranks.get(key, -1) + 1
            result[index] = _ROUNDNESS[rank] if rank < len(_ROUNDNESS) else round(0.15 + 0.2 * rank, 2)
    return result


_ROUNDNESS = [round(0.15 + 0.2 * rank, 2) for rank in range(8)]


def _statement_entry(statement: dict) -> dict:
    start, end = statement.get("start"), statement.get("end")
    return {
        "quote": str(statement.get("quote") or ""),
        "article": statement.get("article"),
        "start": int(start) if start is not None else 0,
        "end": int(end) if end is not None else 0,
        "speaker": statement.get("speaker"),
        "role": statement.get("role"),
        # null when the article gives no date; the page then says so
        "when": format_date(statement.get("date"), statement.get("precision")) if statement.get("date") else None,
        "precision": (statement.get("precision") or "unspecified") if statement.get("date") else None,
        "modality": statement.get("modality"),
    }


def _article_entry(article_id: str, article: dict | None) -> dict:
    article = article or {}
    return {"label": str(article.get("label") or article_id), "publisher": article.get("publisher"),
            "date": article.get("date"), "text": str(article.get("text") or "")}


def _type_entries(node_items: list[dict]) -> list[dict]:
    counts: dict[str, int] = {}
    for node in node_items:
        counts[node["type"]] = counts.get(node["type"], 0) + 1
    known = [t for t in TYPE_STYLES if t in counts]
    other = sorted(t for t in counts if t not in TYPE_STYLES)
    return [{"name": t, "count": counts[t], **TYPE_STYLES.get(t, _OTHER)} for t in known + other]


def _predicate_entries(edges: list) -> list[dict]:
    """One entry per predicate: name, human label, number of shown relations."""
    entries: dict[str, dict] = {}
    for _, _, key, data in edges:
        name = str(data.get("predicate") or key)
        if name not in entries:
            entries[name] = {"name": name, "label": str(data.get("label") or name), "count": 0}
        entries[name]["count"] += 1
    return sorted(entries.values(), key=lambda e: (e["label"].lower(), e["name"]))


def _precision_entries(edge_items: list[dict]) -> list[dict]:
    counts: dict[str, int] = {}
    for edge in edge_items:
        for s in edge["statements"]:
            key = s["precision"] or _NO_DATE
            counts[key] = counts.get(key, 0) + 1
    order = list(_PRECISION_LABELS)
    keys = [k for k in order if k in counts] + sorted(k for k in counts if k not in order)
    return [{"key": k, "label": _PRECISION_LABELS.get(k, f"dated ({k})"), "count": counts[k]} for k in keys]


#: Filter labels for statement date precisions (the ontology's precision labels), in the order
#: the page lists them.
_PRECISION_LABELS = {
    "day": "dated to the day",
    "month": "dated to the month",
    "year": "dated to the year",
    "early year": "early in a year",
    "mid year": "mid-year",
    "late year": "late in a year",
    "day, year unknown": "day and month, no year",
    _NO_DATE: "date not given",
}


def _meta(graph, selected: Selection, shown: Selection, *, focus, depth: int, title: str) -> dict:
    reduced = shown is not selected
    notice = ""
    if reduced:
        notice = (f"Showing the {len(shown.nodes):,} most connected of {len(selected.nodes):,} "
                  f"entities ({len(shown.edges):,} of {len(selected.edges):,} relations). "
                  "Use focus or the filters to explore the rest.")
    return {
        "title": title,
        "focus": None if focus is None else str(focus),
        "depth": depth,
        "reduced": reduced,
        "notice": notice,
        "totalNodes": graph.number_of_nodes(),
        "totalEdges": graph.number_of_edges(),
        "shownNodes": len(shown.nodes),
        "shownEdges": len(shown.edges),
    }


# --------------------------------------------------------------------------------------------
# Layout


#: Positions by graph structure, so re-rendering the same graph (with other filters in the page
#: or another title) does not pay for the layout twice.
_LAYOUT_CACHE: OrderedDict[str, dict] = OrderedDict()
_LAYOUT_CACHE_SIZE = 16


def layout_positions(graph, *, seed: int = _SEED) -> dict:
    """Stable positions for every node of ``graph``; returns id -> (x, y) in pixels (integers).

    Each connected component is laid out on its own (a radial BFS tree from its hub, then
    force-directed refinement under a fixed work budget, vectorised with numpy for large
    components, so 10,000 nodes take a fraction of a second) and the components are packed in
    rows, largest first.
    """
    return _positions(_sorted_ids(graph.nodes), list(graph.edges()), seed=seed)


def _positions(nodes: list, pairs: list[tuple], *, seed: int = _SEED) -> dict:
    """Positions for ``nodes`` (sorted) linked by ``pairs``; cached by structure."""
    index = {node: i for i, node in enumerate(nodes)}
    neighbours: list[set[int]] = [set() for _ in nodes]
    for u, v in pairs:
        i, j = index[u], index[v]
        if i != j:
            neighbours[i].add(j)
            neighbours[j].add(i)
    adjacency = [sorted(s) for s in neighbours]
    key = _layout_key(nodes, adjacency, seed)
    if key in _LAYOUT_CACHE:
        _LAYOUT_CACHE.move_to_end(key)
        return _LAYOUT_CACHE[key]
    xs, ys = _layout(adjacency, seed)
    unit = _pixels_per_unit(xs, ys, adjacency)
    xs = [x * unit for x in xs]
    ys = [y * unit for y in ys]
    if len(nodes) <= _SPREAD_LIMIT:
        top = max((len(row) for row in adjacency), default=0) or 1
        _spread(xs, ys, [node_size(len(row), top) for row in adjacency], _MIN_GAP)
    positions = {node: (int(round(xs[i])), int(round(ys[i]))) for i, node in enumerate(nodes)}
    _LAYOUT_CACHE[key] = positions
    if len(_LAYOUT_CACHE) > _LAYOUT_CACHE_SIZE:
        _LAYOUT_CACHE.popitem(last=False)
    return positions


def _pixels_per_unit(xs: list[float], ys: list[float], adjacency: list[list[int]]) -> float:
    """The scale from layout units to pixels; returns pixels per unit.

    Force layouts of hub-heavy graphs stretch edges to several ideal lengths, so the scale
    first makes the median edge ``_EDGE_LENGTH`` pixels long: the drawing is as compact as its
    typical relation and labels are readable at the zoom that fits the whole graph. But never
    so compact that the nodes get less than about ``_MIN_GAP`` squared pixels each (random-like
    large graphs have long edges everywhere, and would otherwise collapse into a blot).
    """
    lengths = sorted(math.hypot(xs[a] - xs[b], ys[a] - ys[b]) for a, row in enumerate(adjacency) for b in row if a < b)
    by_edges = _EDGE_LENGTH / (lengths[len(lengths) // 2] or 1.0) if lengths else _EDGE_LENGTH
    area = max(max(xs) - min(xs), 1.0) * max(max(ys) - min(ys), 1.0) if xs else 1.0
    by_density = 1.4 * _MIN_GAP / math.sqrt(area / max(len(xs), 1))
    return max(min(_EDGE_LENGTH, by_edges), by_density)


_MIN_GAP = 80.0  # pixels between node rims, so that labels have room at zoom 1
_SPREAD_LIMIT = 3000  # above this, labels only show zoomed in anyway; save the time


def _spread(xs: list[float], ys: list[float], radii: list[float], gap: float, *, rounds: int = 150,
            budget: int = 400_000) -> None:
    """Push apart, in place, any two nodes whose rims are closer than ``gap`` (a grid finds the
    close pairs), for at most ``rounds`` rounds or ``budget`` examined pairs.

    Force layouts crowd the neighbours that hubs share into the space between the hubs; this
    decongests them without rescaling, so the rest of the picture keeps its shape.
    """
    n = len(xs)
    reach = gap + 2 * max(radii, default=0.0)  # the farthest two nodes can be and still clash
    spent = 0
    for _ in range(rounds):
        cell: dict[tuple[int, int], list[int]] = {}
        for i in range(n):
            cell.setdefault((int(xs[i] // reach), int(ys[i] // reach)), []).append(i)
        moved = False
        for (cx, cy), members in cell.items():
            others = [j for key in ((cx + 1, cy - 1), (cx + 1, cy), (cx + 1, cy + 1), (cx, cy + 1))
                      for j in cell.get(key, ())]
            for pos, i in enumerate(members):
                candidates = members[pos + 1:] + others
                spent += len(candidates)
                for j in candidates:
                    dx, dy = xs[i] - xs[j], ys[i] - ys[j]
                    d2 = dx * dx + dy * dy
                    need = gap + radii[i] + radii[j]
                    if d2 < need * need:
                        d = math.sqrt(d2)
                        if d < 1e-6:  # same spot: separate along a fixed direction
                            dx, dy, d = 1.0, 0.0, 1.0
                        push = (need - d) / d * 0.5
                        xs[i] += dx * push
                        ys[i] += dy * push
                        xs[j] -= dx * push
                        ys[j] -= dy * push
                        moved = True
        if not moved or spent > budget:
            break


def _layout_key(nodes: list, adjacency: list[list[int]], seed: int) -> str:
    digest = hashlib.sha256(f"layout-v1|{seed}|".encode())
    digest.update("\x1f".join(map(str, nodes)).encode())
    for row in adjacency:
        digest.update(b"\x1e" + ",".join(map(str, row)).encode())
    return digest.hexdigest()


#: Pair interactions the force refinement may spend on the whole graph: about half a second of
#: pure Python. Shared between components in proportion to their size.
_WORK_BUDGET = 400_000
_FULL_REPULSION = 200  # up to this many nodes every pair repels; above, only nearby ones (grid)
_MAX_ROUNDS = 300


def _layout(adjacency: list[list[int]], seed: int) -> tuple[list[float], list[float]]:
    """Coordinates with edge length about 1 for the graph given as sorted adjacency lists;
    returns (xs, ys)."""
    n = len(adjacency)
    rng = random.Random(seed)
    boxes = []
    for component in _components(adjacency):
        cx, cy = _radial_tree(component, adjacency)
        local = {node: i for i, node in enumerate(component)}
        links = [(local[a], local[b]) for a in component for b in adjacency[a] if a < b]
        _refine(cx, cy, links, rng, budget=_WORK_BUDGET * len(component) // max(n, 1))
        boxes.append((component, cx, cy))
    return _pack(n, boxes)


def _components(adjacency: list[list[int]]) -> list[list[int]]:
    """Connected components as lists of node indices in BFS order from their best-connected
    node (so the tree layout centres on the hub), largest first."""
    seen = [False] * len(adjacency)
    components = []
    for start in range(len(adjacency)):
        if seen[start]:
            continue
        members = _bfs(start, adjacency, seen)
        hub = max(members, key=lambda i: (len(adjacency[i]), -i))
        for i in members:
            seen[i] = False
        components.append(_bfs(hub, adjacency, seen))
    components.sort(key=lambda c: (-len(c), c[0]))
    return components


def _bfs(start: int, adjacency: list[list[int]], seen: list[bool]) -> list[int]:
    seen[start] = True
    order = [start]
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for other in adjacency[node]:
            if not seen[other]:
                seen[other] = True
                order.append(other)
                queue.append(other)
    return order


def _radial_tree(component: list[int], adjacency: list[list[int]]) -> tuple[list[float], list[float]]:
    """Starting positions: the BFS tree from the hub, each subtree in a wedge as wide as its share
    of the leaves, each BFS level on a ring long enough to give its nodes one unit each.
    Neighbours start close, which is most of what the force refinement would otherwise have to
    find, so few rounds suffice."""
    local = {node: i for i, node in enumerate(component)}
    n = len(component)
    parent = [-1] * n
    depth = [0] * n
    children: list[list[int]] = [[] for _ in range(n)]
    for i, node in enumerate(component):
        for other in adjacency[node]:
            j = local[other]
            # in BFS order a node's parent is its first neighbour in the order
            if j > i and parent[j] == -1:
                parent[j] = i
                depth[j] = depth[i] + 1
                children[i].append(j)
    weight = [1.0] * n  # leaves under each node; children come after their parent
    for i in range(n - 1, 0, -1):
        if children[i]:
            weight[i] = sum(weight[c] for c in children[i])
    ring_sizes: dict[int, int] = {}
    for d in depth:
        ring_sizes[d] = ring_sizes.get(d, 0) + 1
    radius = {0: 0.0}
    for d in range(1, max(ring_sizes) + 1):
        radius[d] = max(radius[d - 1] + 1.0, ring_sizes[d] / (2 * math.pi))
    xs, ys = [0.0] * n, [0.0] * n
    low, high = [0.0] * n, [2 * math.pi] * n
    for i in range(n):
        start, span = low[i], high[i] - low[i]
        total = sum(weight[c] for c in children[i]) or 1.0
        for c in children[i]:
            low[c] = start
            start += span * weight[c] / total
            high[c] = start
        if i:
            angle = (low[i] + high[i]) / 2
            xs[i] = radius[depth[i]] * math.cos(angle)
            ys[i] = radius[depth[i]] * math.sin(angle)
    return xs, ys


def _refine(xs: list[float], ys: list[float], links: list[tuple[int, int]], rng: random.Random, *,
            budget: int) -> None:
    """Force-directed refinement in place, until ``budget`` pair interactions are spent.

    Small components (up to ``_FULL_REPULSION`` nodes) get ForceAtlas2-style forces with exact
    all-pairs repulsion: repulsion grows with both nodes' degrees, so hubs push each other apart
    and keep their own leaves around them, which is what makes hub-heavy news graphs readable.
    Larger components get Fruchterman-Reingold's grid variant (only nodes closer than 2 repel,
    linear in the node count) and only relax locally, since the tree already placed them.
    """
    n = len(xs)
    if n < 3:
        if n == 2:
            xs[1], ys[1] = 1.0, 0.0
        return
    # a tiny seeded jitter separates nodes the tree put on the same spot
    for i in range(n):
        xs[i] += (rng.random() - 0.5) * 1e-3
        ys[i] += (rng.random() - 0.5) * 1e-3
    if n <= _FULL_REPULSION:
        _refine_small(xs, ys, links, budget)
    else:
        _refine_large(xs, ys, links, budget)


def _move(xs, ys, dx_total, dy_total, limit: float) -> None:
    """Apply the summed forces, each node moving at most ``limit``."""
    for i in range(len(xs)):
        dx, dy = dx_total[i], dy_total[i]
        length = math.sqrt(dx * dx + dy * dy)
        if length > limit:
            dx, dy = dx * limit / length, dy * limit / length
        xs[i] += dx
        ys[i] += dy


def _refine_small(xs, ys, links, budget: int) -> None:
    n = len(xs)
    degree = [0] * n
    for a, b in links:
        degree[a] += 1
        degree[b] += 1
    # ForceAtlas2 uses degree + 1 as mass; its square root keeps hubs from flinging their
    # shared neighbours into narrow fans far away, so leaves ring around their hub instead
    mass = [math.sqrt(d + 1) for d in degree]
    rounds = max(30, min(_MAX_ROUNDS, budget // (n * (n - 1) // 2 + len(links))))
    # the tree starts at edge length 1; ForceAtlas2 settles hubs about sqrt(mass) apart
    grow = math.sqrt(max(mass))
    for i in range(n):
        xs[i] *= grow
        ys[i] *= grow
    start = max(max(xs) - min(xs), max(ys) - min(ys), 1.0) / 8
    for step in range(rounds):
        dx_total, dy_total = [0.0] * n, [0.0] * n
        _repel_weighted(xs, ys, mass, dx_total, dy_total)
        for a, b in links:
            # linear attraction (ForceAtlas2), so long edges pull hard but not explosively
            dx, dy = xs[a] - xs[b], ys[a] - ys[b]
            dx_total[a] -= dx
            dy_total[a] -= dy
            dx_total[b] += dx
            dy_total[b] += dy
        for i in range(n):
            # weak gravity keeps leaves from drifting off; proportional to mass, like FA2
            d = math.sqrt(xs[i] * xs[i] + ys[i] * ys[i]) or 1.0
            dx_total[i] -= _GRAVITY * mass[i] * xs[i] / d
            dy_total[i] -= _GRAVITY * mass[i] * ys[i] / d
        _move(xs, ys, dx_total, dy_total, start * (1 - step / rounds) ** 2 + 0.01)


_GRAVITY = 0.5


def _repel_weighted(xs, ys, mass, dx_total, dy_total) -> None:
    n = len(xs)
    for i in range(n - 1):
        xi, yi, mi = xs[i], ys[i], mass[i]
        fx = fy = 0.0
        for j in range(i + 1, n):
            dx = xi - xs[j]
            dy = yi - ys[j]
            # force m_i m_j / d along the unit vector is (dx, dy) * m_i m_j / d^2
            f = mi * mass[j] / (dx * dx + dy * dy or 1e-9)
            dx *= f
            dy *= f
            fx += dx
            fy += dy
            dx_total[j] -= dx
            dy_total[j] -= dy
        dx_total[i] += fx
        dy_total[i] += fy


def _refine_large(xs, ys, links, budget: int) -> None:
    """Fruchterman-Reingold rounds with grid repulsion, vectorised with numpy (the same forces
    as the pure-Python reference in tests/test_render.py, summed in a fixed order, so the result is deterministic)."""
    import numpy as np

    n = len(xs)
    rounds = max(2, min(_MAX_ROUNDS, budget // (n * 12 + len(links))))
    pos = np.column_stack([np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)])
    ends = np.asarray(links, dtype=np.int64).reshape(-1, 2)
    a, b = ends[:, 0], ends[:, 1]
    spent = 0
    for step in range(rounds):
        first, second = _close_pairs(pos, 2.0)
        spent += len(first) + len(ends)
        force = np.zeros((n, 2))
        if len(first):
            delta = pos[first] - pos[second]
            d2 = np.einsum("ij,ij->i", delta, delta)
            d2[d2 == 0.0] = 1e-9
            near = d2 < 4.0
            push = delta[near] / d2[near, None]
            for axis in (0, 1):
                force[:, axis] += np.bincount(first[near], push[:, axis], n)
                force[:, axis] -= np.bincount(second[near], push[:, axis], n)
        if len(ends):
            delta = pos[a] - pos[b]
            pull = delta * np.sqrt(np.einsum("ij,ij->i", delta, delta))[:, None]
            for axis in (0, 1):
                force[:, axis] -= np.bincount(a, pull[:, axis], n)
                force[:, axis] += np.bincount(b, pull[:, axis], n)
        limit = 1.0 * (1 - step / rounds) + 0.02
        length = np.sqrt(np.einsum("ij,ij->i", force, force))
        scale = np.where(length > limit, limit / np.where(length > 0, length, 1.0), 1.0)
        pos += force * scale[:, None]
        if spent > budget and step >= 1:
            break
    xs[:] = pos[:, 0].tolist()
    ys[:] = pos[:, 1].tolist()


def _close_pairs(pos, reach: float):
    """Index pairs (i, j) of points that share a ``reach``-sized grid cell or sit in neighbouring
    cells (so every pair closer than ``reach`` is among them), each pair once, in a fixed order;
    returns two int arrays."""
    import numpy as np

    cells = np.floor(pos / reach).astype(np.int64)
    cx = cells[:, 0] - cells[:, 0].min()
    cy = cells[:, 1] - cells[:, 1].min() + 1  # room for the -1 offset below
    width = int(cy.max()) + 2
    key = cx * width + cy
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    at = np.arange(len(order))
    firsts, seconds = [], []
    # same cell: each later member; then the four cells "after" this one
    for dx, dy in ((0, 0), (1, -1), (1, 0), (1, 1), (0, 1)):
        wanted = sorted_key + (dx * width + dy)
        high = np.searchsorted(sorted_key, wanted, side="right")
        low = at + 1 if dx == dy == 0 else np.searchsorted(sorted_key, wanted, side="left")
        counts = np.maximum(high - low, 0)
        total = int(counts.sum())
        if not total:
            continue
        starts = np.repeat(low - np.cumsum(counts) + counts, counts)
        firsts.append(np.repeat(order, counts))
        seconds.append(order[np.arange(total) + starts])
    if not firsts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(firsts), np.concatenate(seconds)


def _pack(n: int, boxes: list) -> tuple[list[float], list[float]]:
    """Place component layouts in rows (largest first) with a gap of 2 edge lengths; returns the
    global (xs, ys), centred on the origin."""
    xs, ys = [0.0] * n, [0.0] * n
    areas = []
    for _, cx, cy in boxes:
        areas.append(((max(cx) - min(cx)) + 2, (max(cy) - min(cy)) + 2))
    row_width = max(max((w for w, _ in areas), default=0), math.sqrt(sum(w * h for w, h in areas)) * 1.3)
    x = y = row_height = 0.0
    for (component, cx, cy), (w, h) in zip(boxes, areas):
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        left, top = min(cx), min(cy)
        for node, px, py in zip(component, cx, cy):
            xs[node] = x + 1 + px - left
            ys[node] = y + 1 + py - top
        x += w
        row_height = max(row_height, h)
    if n:
        mx, my = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
        xs = [v - mx for v in xs]
        ys = [v - my for v in ys]
    return xs, ys


# --------------------------------------------------------------------------------------------
# Assets


@lru_cache(maxsize=None)
def _vis_asset(name: str) -> str:
    """The text of a vis-network file shipped inside pyvis (so the page needs no CDN)."""
    import importlib.util

    # located, not imported: importing pyvis pulls in IPython and costs a fifth of a second
    package = Path(importlib.util.find_spec("pyvis").origin).parent
    text = (package / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")
    # inlined code must not be able to end its own element early
    return text.replace("</script", "<\\/script").replace("</style", "<\\/style")


@lru_cache(maxsize=None)
def _template():
    """The compiled Jinja2 page template (autoescaping on: the title is data too)."""
    import jinja2

    source = resources.files("graph_model").joinpath("templates/graph.html").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True)
    return env.from_string(source)
