"""Stable positions for the graph page: computed once in Python, with a fixed seed, so the
browser's physics stays off and the same graph always gives the same picture and the same bytes.

Each connected component is laid out on its own (a radial BFS tree from its hub, then
force-directed refinement under a fixed work budget, :mod:`graph_model.layout_forces`) and the
components are packed in rows, largest first; then the layout is scaled to pixels and crowded
nodes are pushed apart so that labels have room.
"""

from __future__ import annotations

import math
import random
from collections import deque
from functools import lru_cache

from . import layout_forces as forces

SEED = 20240601
_EDGE_LENGTH = 130.0  # pixels a typical relation spans at zoom 1: room for its label
_MIN_GAP = 80.0  # pixels between node rims, so that labels have room at zoom 1
_SPREAD_LIMIT = 3000  # above this, labels only show zoomed in anyway; save the time


def layout_positions(graph, *, seed: int = SEED) -> dict:
    """Stable positions for every node of ``graph``; returns id -> (x, y) in pixels (integers).

    >>> import networkx as nx
    >>> layout_positions(nx.path_graph(3)) == layout_positions(nx.path_graph(3))
    True
    """
    return positions(sorted_ids(graph.nodes), list(graph.edges()), seed=seed)


def positions(nodes: list, pairs, *, seed: int = SEED) -> dict:
    """Positions for ``nodes`` (in a fixed order, e.g. :func:`sorted_ids`) linked by ``pairs``
    (``(u, v)`` tuples; direction, repeats and self-loops do not matter); returns id -> (x, y)."""
    index = {node: i for i, node in enumerate(nodes)}
    neighbours: list[set[int]] = [set() for _ in nodes]
    for u, v in pairs:
        i, j = index[u], index[v]
        if i != j:
            neighbours[i].add(j)
            neighbours[j].add(i)
    coordinates = pixel_coordinates(tuple(tuple(sorted(s)) for s in neighbours), seed)
    return dict(zip(nodes, coordinates))


@lru_cache(maxsize=8)
def pixel_coordinates(adjacency: tuple[tuple[int, ...], ...], seed: int) -> tuple[tuple[int, int], ...]:
    """The pixel position of each node of the graph given as sorted adjacency tuples (node i's
    neighbours' indices); returns one ``(x, y)`` pair of ints per node, in index order.

    A pure function of its (hashable) arguments, so it is cached: re-rendering the same structure
    (another title, other filters in the page, another process of the server) skips the layout.
    ``pixel_coordinates.__wrapped__`` is the uncached computation.

    >>> pixel_coordinates(((1,), (0,)), SEED) == pixel_coordinates.__wrapped__(((1,), (0,)), SEED)
    True
    """
    xs, ys = _layout(adjacency, seed)
    unit = _pixels_per_unit(xs, ys, adjacency)
    xs = [x * unit for x in xs]
    ys = [y * unit for y in ys]
    if len(adjacency) <= _SPREAD_LIMIT:
        top = max((len(row) for row in adjacency), default=0) or 1
        _spread(xs, ys, [node_size(len(row), top) for row in adjacency], _MIN_GAP)
    return tuple((int(round(x)), int(round(y))) for x, y in zip(xs, ys))


def node_size(score: int, top: int) -> float:
    """A node's radius in pixels for centrality ``score`` out of ``top``: 8 to 36, by square root
    so that hubs stand out without dwarfing everything else.

    >>> node_size(0, 10), node_size(10, 10)
    (8.0, 36.0)
    """
    return round(8 + 28 * math.sqrt(max(score, 0) / top), 1)


def sorted_ids(ids) -> list:
    """``ids`` in a fixed order: natural order if they compare, else by their string forms.

    >>> sorted_ids(["b", "a"]), sorted_ids([2, "a"])
    (['a', 'b'], [2, 'a'])
    """
    try:
        return sorted(ids)
    except TypeError:
        return sorted(ids, key=str)


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
        forces.refine(cx, cy, links, rng, budget=forces.WORK_BUDGET * len(component) // max(n, 1))
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
