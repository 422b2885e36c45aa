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
from collections import OrderedDict, deque
from functools import lru_cache
from importlib import resources
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

#: Graphs with more nodes than this get the cheap layout and the browser's large-graph options.
LARGE_GRAPH = 500

_EDGE_LENGTH = 150.0  # pixels between linked nodes at zoom 1; long enough for a label between
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
    of it, in either direction. Above ``max_nodes`` entities the page shows the most connected
    ``max_nodes`` and says so. The same arguments always give the same bytes.
    """
    if focus is not None and focus not in graph:
        raise KeyError(f"focus entity {focus!r} is not in the graph")
    if depth < 0:
        raise ValueError("depth must be >= 0")
    if max_nodes < 1:
        raise ValueError("max_nodes must be >= 1")
    view = select_subgraph(graph, focus=focus, depth=depth, types=types, predicates=predicates)
    shown, reduced = reduce_graph(view, max_nodes, keep=focus)
    payload = graph_payload(shown, articles=graph.graph.get("articles", {}))
    payload["meta"] = _meta(graph, view, shown, reduced, focus=focus, depth=depth, title=title)
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


def select_subgraph(graph, *, focus: str | None = None, depth: int = 1, types: set[str] | None = None,
                    predicates: set[str] | None = None):
    """The part of ``graph`` the filters keep; returns a new ``MultiDiGraph`` (articles shared).

    The focus entity itself is kept even if its type is filtered out, so a focus is never empty.
    """
    keep_nodes = [n for n, data in graph.nodes(data=True)
                  if types is None or data.get("type") in types or n == focus]
    sub = graph.subgraph(keep_nodes).copy()
    if predicates is not None:
        # entities stay even if none of their relations does: only a type filter removes them
        sub.remove_edges_from([(u, v, k) for u, v, k in list(sub.edges(keys=True)) if k not in predicates])
    if focus is not None:
        sub = sub.subgraph(neighbourhood(sub, focus, depth)).copy()
    return sub


def neighbourhood(graph, focus: str, depth: int) -> set:
    """Ids of the entities within ``depth`` relations of ``focus``, following edges both ways."""
    seen = {focus}
    frontier = [focus]
    for _ in range(depth):
        nxt = []
        for node in frontier:
            for other in (*graph.successors(node), *graph.predecessors(node)):
                if other not in seen:
                    seen.add(other)
                    nxt.append(other)
        frontier = nxt
    return seen


def centrality(graph) -> dict:
    """Each node's number of relations (in + out, self-loops counted twice); returns id -> int.

    Degree rather than PageRank: it is what a reader can check by counting, and networkx's
    PageRank needs scipy, which this package does not depend on.
    """
    return dict(graph.degree())


def reduce_graph(graph, max_nodes: int, *, keep: str | None = None):
    """``(graph, False)`` if it has at most ``max_nodes`` nodes, else ``(subgraph, True)`` keeping
    the ``max_nodes`` most central entities (ties broken by id; ``keep`` is always kept)."""
    if graph.number_of_nodes() <= max_nodes:
        return graph, False
    scores = centrality(graph)
    ranked = sorted(graph.nodes, key=lambda n: (n != keep, -scores[n], str(n)))
    return graph.subgraph(ranked[:max_nodes]).copy(), True


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
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def graph_payload(graph, *, articles: dict | None = None) -> dict:
    """Everything the page draws, as JSON-ready data; returns a dict.

    Keys: ``nodes`` (id, label, type, aliases, description, x, y, size), ``edges`` (id, from, to,
    predicate, sources, width, roundness or None, statements), ``types``, ``predicates``,
    ``precisions``, ``articles`` (only those some statement cites), ``options`` (vis-network).
    Nodes are sorted by id and edges by (from, to, predicate), so the output is deterministic.
    """
    nodes = sorted(graph.nodes, key=str)
    positions = layout_positions(graph)
    scores = centrality(graph)
    top = max(scores.values(), default=0) or 1
    node_items = []
    for node in nodes:
        data = graph.nodes[node]
        x, y = positions[node]
        node_items.append({
            "id": str(node), "label": str(data.get("label") or node), "type": str(data.get("type") or "Thing"),
            "aliases": [str(a) for a in data.get("aliases") or []],
            "description": str(data.get("description") or ""),
            "x": x, "y": y, "size": node_size(scores[node], top),
        })
    edge_items = _edge_items(graph)
    cited = sorted({s["article"] for e in edge_items for s in e["statements"] if s["article"]})
    articles = articles or {}
    return {
        "nodes": node_items,
        "edges": edge_items,
        "types": _type_entries(node_items),
        "predicates": _predicate_entries(edge_items),
        "precisions": _precision_entries(edge_items),
        "articles": {a: _article_entry(a, articles.get(a)) for a in cited},
        "options": vis_options(len(node_items), len(edge_items)),
    }


def node_size(score: int, top: int) -> float:
    """A node's radius in pixels for centrality ``score`` out of ``top``: 8 to 36, by square root
    so that hubs stand out without dwarfing everything else."""
    return round(8 + 28 * math.sqrt(max(score, 0) / top), 1)


def edge_width(sources: int) -> float:
    """An edge's line width for a relation stated in ``sources`` distinct articles."""
    return round(1 + 1.5 * (min(max(sources, 1), 6) - 1), 1)


def vis_options(n_nodes: int, n_edges: int) -> dict:
    """vis-network options for a graph of this size; returns a dict.

    Physics is always off (positions come from Python). Large graphs also hide edges while the
    view moves, the single most effective speed-up vis-network offers.
    """
    large = n_nodes > LARGE_GRAPH or n_edges > 2 * LARGE_GRAPH
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "groups": {**{name: _group_style(style) for name, style in TYPE_STYLES.items()},
                   "Thing": _group_style(_OTHER)},
        "nodes": {
            "font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "borderWidth": 1,
            "widthConstraint": {"maximum": 170},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            "color": {"color": "#9aa5b1", "highlight": "#2b6cb0", "hover": "#4a5568", "inherit": False},
            "font": {"size": 11, "color": "#4a5568", "face": "system-ui, sans-serif",
                     "strokeWidth": 3, "strokeColor": "#ffffff", "align": "middle"},
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


def _edge_items(graph) -> list[dict]:
    edges = sorted(graph.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2])))
    roundness = _parallel_roundness([(u, v) for u, v, _, _ in edges])
    items = []
    for index, (u, v, key, data) in enumerate(edges):
        statements = [_statement_entry(s) for s in data.get("statements") or []]
        statements.sort(key=lambda s: (s["article"] or "", s["start"], s["end"], s["quote"]))
        sources = int(data.get("sources") or len({s["article"] for s in statements}) or 1)
        items.append({
            "id": f"e{index}", "from": str(u), "to": str(v), "predicate": str(data.get("predicate") or key),
            "label": str(data.get("label") or data.get("predicate") or key),
            "sources": sources, "width": edge_width(sources), "roundness": roundness[index],
            "statements": statements,
        })
    return items


def _parallel_roundness(pairs: list[tuple]) -> list[float | None]:
    """Per edge: None (draw straight) if it is the only edge between its two nodes, else the
    curvedCW roundness that keeps it apart from the others between the same two nodes.

    curvedCW bends to the right of the edge's direction, so an A->B and a B->A edge already bend
    to opposite sides; giving every edge of the pair a different roundness separates the rest.
    """
    groups: dict[frozenset, list[int]] = {}
    for index, (u, v) in enumerate(pairs):
        if u != v:
            groups.setdefault(frozenset((str(u), str(v))), []).append(index)
    result: list[float | None] = [None] * len(pairs)
    for members in groups.values():
        if len(members) > 1:
            for rank, index in enumerate(members):
                result[index] = round(0.15 + 0.2 * rank, 2)
    return result


def _statement_entry(statement: dict) -> dict:
    start, end = statement.get("start"), statement.get("end")
    return {
        "quote": str(statement.get("quote") or ""),
        "article": statement.get("article"),
        "start": int(start) if start is not None else 0,
        "end": int(end) if end is not None else 0,
        "speaker": statement.get("speaker"),
        "role": statement.get("role"),
        "when": format_date(statement.get("date"), statement.get("precision")),
        "precision": statement.get("precision") if statement.get("date") else None,
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


def _predicate_entries(edge_items: list[dict]) -> list[dict]:
    entries: dict[str, dict] = {}
    for edge in edge_items:
        entry = entries.setdefault(edge["predicate"], {"name": edge["predicate"], "label": edge["label"], "count": 0})
        entry["count"] += 1
    return sorted(entries.values(), key=lambda e: (e["label"].lower(), e["name"]))


def _precision_entries(edge_items: list[dict]) -> list[dict]:
    counts: dict[str, int] = {}
    for edge in edge_items:
        for s in edge["statements"]:
            key = s["precision"] or _NO_DATE
            counts[key] = counts.get(key, 0) + 1
    order = ["day", "month", "year", "early year", "mid year", "late year", "day, year unknown"]
    keys = [k for k in order if k in counts] + sorted(k for k in counts if k not in order and k != _NO_DATE)
    entries = [{"key": k, "label": k, "count": counts[k]} for k in keys]
    if _NO_DATE in counts:
        entries.append({"key": _NO_DATE, "label": "date not given", "count": counts[_NO_DATE]})
    return entries


def _meta(graph, view, shown, reduced: bool, *, focus, depth: int, title: str) -> dict:
    notice = ""
    if reduced:
        notice = (f"Showing the {shown.number_of_nodes():,} most connected of {view.number_of_nodes():,} "
                  f"entities ({shown.number_of_edges():,} of {view.number_of_edges():,} relations). "
                  "Use focus or the filters to explore the rest.")
    return {
        "title": title,
        "focus": None if focus is None else str(focus),
        "depth": depth,
        "reduced": reduced,
        "notice": notice,
        "totalNodes": graph.number_of_nodes(),
        "totalEdges": graph.number_of_edges(),
        "shownNodes": shown.number_of_nodes(),
        "shownEdges": shown.number_of_edges(),
    }


# --------------------------------------------------------------------------------------------
# Layout


#: Positions by graph structure, so re-rendering the same graph (with other filters in the page
#: or another title) does not pay for the layout twice.
_LAYOUT_CACHE: OrderedDict[str, dict] = OrderedDict()
_LAYOUT_CACHE_SIZE = 16


def layout_positions(graph, *, seed: int = _SEED) -> dict:
    """Stable positions for every node; returns id -> (x, y) in pixels (rounded to integers).

    Each connected component is laid out on its own (a radial BFS tree, then force-directed
    refinement whose number of rounds shrinks as the graph grows, so 10,000 nodes stay well under
    a second in pure Python) and the components are packed in rows, largest first.
    """
    nodes = sorted(graph.nodes, key=str)
    index = {node: i for i, node in enumerate(nodes)}
    pairs = sorted({(min(index[u], index[v]), max(index[u], index[v]))
                    for u, v in graph.edges() if u != v})
    key = _layout_key(nodes, pairs, seed)
    if key in _LAYOUT_CACHE:
        _LAYOUT_CACHE.move_to_end(key)
        return _LAYOUT_CACHE[key]
    xs, ys = _layout(len(nodes), pairs, seed)
    positions = {node: (int(round(xs[i] * _EDGE_LENGTH)), int(round(ys[i] * _EDGE_LENGTH)))
                 for i, node in enumerate(nodes)}
    _LAYOUT_CACHE[key] = positions
    if len(_LAYOUT_CACHE) > _LAYOUT_CACHE_SIZE:
        _LAYOUT_CACHE.popitem(last=False)
    return positions


def _layout_key(nodes: list, pairs: list[tuple[int, int]], seed: int) -> str:
    digest = hashlib.sha256(f"v1|{seed}|".encode())
    digest.update("\x1f".join(map(str, nodes)).encode())
    digest.update(b"\x1e")
    digest.update(",".join(f"{a}-{b}" for a, b in pairs).encode())
    return digest.hexdigest()


def _layout(n: int, pairs: list[tuple[int, int]], seed: int) -> tuple[list[float], list[float]]:
    """Unit-edge-length coordinates for ``n`` nodes linked by ``pairs``; returns (xs, ys)."""
    adjacency: list[list[int]] = [[] for _ in range(n)]
    for a, b in pairs:
        adjacency[a].append(b)
        adjacency[b].append(a)
    rng = random.Random(seed)
    boxes = []
    for component in _components(adjacency):
        cx, cy = _radial_tree(component, adjacency)
        local = {node: i for i, node in enumerate(component)}
        links = [(local[a], local[b]) for a in component for b in adjacency[a] if a < b]
        _refine(cx, cy, links, rng)
        boxes.append((component, cx, cy))
    return _pack(n, boxes)


def _components(adjacency: list[list[int]]) -> list[list[int]]:
    """Connected components as lists of node indices (BFS order), largest first."""
    seen = [False] * len(adjacency)
    components = []
    for start in range(len(adjacency)):
        if seen[start]:
            continue
        # BFS from the component's best-connected node, so the tree layout centres on the hub
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
    of the leaves, each BFS level on a ring wide enough for its nodes. Neighbours start close,
    which is most of what force-directed refinement would otherwise have to find."""
    local = {node: i for i, node in enumerate(component)}
    n = len(component)
    parent = [-1] * n
    depth = [0] * n
    children: list[list[int]] = [[] for _ in range(n)]
    for i, node in enumerate(component):
        for other in adjacency[node]:
            j = local[other]
            if j != 0 and parent[j] == -1 and j > i:
                parent[j] = i
                depth[j] = depth[i] + 1
                children[i].append(j)
    # leaves under each node; BFS order means children come after their parent
    weight = [1.0] * n
    for i in range(n - 1, 0, -1):
        if children[i]:
            weight[i] = sum(weight[c] for c in children[i])
    ring_sizes: dict[int, int] = {}
    for d in depth:
        ring_sizes[d] = ring_sizes.get(d, 0) + 1
    radius = {0: 0.0}
    for d in range(1, max(ring_sizes) + 1):
        radius[d] = max(radius[d - 1] + 1.0, ring_sizes[d] * 0.8 / (2 * math.pi))
    xs, ys = [0.0] * n, [0.0] * n
    low, high = [0.0] * n, [0.0] * n
    high[0] = 2 * math.pi
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


#: Pair interactions the force refinement may spend per component: about 0.5 s of pure Python.
_WORK_BUDGET = 1_500_000
_FULL_REPULSION = 400  # up to this many nodes every pair repels; above, only nearby ones (grid)


def _refine(xs: list[float], ys: list[float], links: list[tuple[int, int]], rng: random.Random) -> None:
    """Fruchterman-Reingold refinement in place, with edge length 1.

    Small components use exact all-pairs repulsion; larger ones the grid variant from the
    original paper (only nodes within distance 2 repel), which is linear in the node count.
    The number of rounds is what the work budget allows, between 3 and 300.
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
    per_round = (n * (n - 1) // 2 if n <= _FULL_REPULSION else n * 12) + len(links)
    rounds = max(3, min(300, _WORK_BUDGET // per_round))
    extent = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    temperature = extent / 10
    for step in range(rounds):
        dx_total, dy_total = [0.0] * n, [0.0] * n
        if n <= _FULL_REPULSION:
            _repel_all(xs, ys, dx_total, dy_total)
        else:
            _repel_grid(xs, ys, dx_total, dy_total)
        for a, b in links:
            dx, dy = xs[a] - xs[b], ys[a] - ys[b]
            dist = math.sqrt(dx * dx + dy * dy) or 1e-6
            # attraction d^2/k along the edge; k = 1
            dx_total[a] -= dx * dist
            dy_total[a] -= dy * dist
            dx_total[b] += dx * dist
            dy_total[b] += dy * dist
        limit = temperature * (1 - step / rounds) + 0.01
        for i in range(n):
            dx, dy = dx_total[i], dy_total[i]
            length = math.sqrt(dx * dx + dy * dy)
            if length > limit:
                dx, dy = dx * limit / length, dy * limit / length
            xs[i] += dx
            ys[i] += dy


def _repel_all(xs, ys, dx_total, dy_total) -> None:
    n = len(xs)
    for i in range(n - 1):
        xi, yi = xs[i], ys[i]
        fx = fy = 0.0
        for j in range(i + 1, n):
            dx = xi - xs[j]
            dy = yi - ys[j]
            d2 = dx * dx + dy * dy or 1e-9
            # repulsion k^2/d along the unit vector = (dx, dy) / d^2
            dx /= d2
            dy /= d2
            fx += dx
            fy += dy
            dx_total[j] -= dx
            dy_total[j] -= dy
        dx_total[i] += fx
        dy_total[i] += fy


def _repel_grid(xs, ys, dx_total, dy_total) -> None:
    cell: dict[tuple[int, int], list[int]] = {}
    for i, (x, y) in enumerate(zip(xs, ys)):
        cell.setdefault((int(x // 2), int(y // 2)), []).append(i)
    for (cx, cy), members in cell.items():
        # each pair once: this cell, then the four neighbours "after" it
        others = [j for key in ((cx + 1, cy - 1), (cx + 1, cy), (cx + 1, cy + 1), (cx, cy + 1))
                  for j in cell.get(key, ())]
        for pos, i in enumerate(members):
            xi, yi = xs[i], ys[i]
            fx = fy = 0.0
            for j in (*members[pos + 1:], *others):
                dx = xi - xs[j]
                dy = yi - ys[j]
                d2 = dx * dx + dy * dy or 1e-9
                if d2 < 4.0:
                    dx /= d2
                    dy /= d2
                    fx += dx
                    fy += dy
                    dx_total[j] -= dx
                    dy_total[j] -= dy
            dx_total[i] += fx
            dy_total[i] += fy


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
    import pyvis

    text = (Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")
    # inlined code must not be able to end its own element early
    return text.replace("</script", "<\\/script").replace("</style", "<\\/style")


@lru_cache(maxsize=None)
def _template():
    """The compiled Jinja2 page template (autoescaping on: the title is data too)."""
    import jinja2

    source = resources.files("graph_model").joinpath("templates/graph.html").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True)
    return env.from_string(source)
