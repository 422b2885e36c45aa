"""Unit tests for graph_model.layout and layout_forces: stable, spread, cheap positions."""

from __future__ import annotations

import math
import random
import time

import networkx as nx
import numpy as np

from graph_model import layout
from graph_model import layout_forces as forces
from graph_model.layout import layout_positions

from .conftest import synthetic_graph


def adjacency_of(graph) -> tuple:
    """The sorted adjacency tuples layout.pixel_coordinates takes, for ``graph``."""
    nodes = layout.sorted_ids(graph.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    rows = [set() for _ in nodes]
    for u, v in graph.edges():
        if u != v:
            rows[index[u]].add(index[v])
            rows[index[v]].add(index[u])
    return tuple(tuple(sorted(r)) for r in rows)


def test_layout_is_deterministic_without_its_cache(seed_graph):
    adjacency = adjacency_of(seed_graph)
    uncached = layout.pixel_coordinates.__wrapped__
    first = uncached(adjacency, layout.SEED)
    assert uncached(adjacency, layout.SEED) == first  # computed twice, same numbers
    assert layout.pixel_coordinates(adjacency, layout.SEED) == first
    positions = layout_positions(seed_graph)
    assert [positions[n] for n in layout.sorted_ids(seed_graph.nodes)] == list(first)


def test_layout_is_stable_and_spread(seed_graph):
    first = layout_positions(seed_graph)
    assert set(first) == set(seed_graph.nodes)
    points = sorted(first.values())
    assert len(set(points)) == len(points)  # no two entities on the same spot
    assert all(isinstance(c, int) for point in points for c in point)


def test_insertion_order_does_not_move_anything(seed_graph):
    shuffled = nx.MultiDiGraph()
    shuffled.add_nodes_from(reversed(list(seed_graph.nodes)))
    shuffled.add_edges_from(reversed(list(seed_graph.edges(keys=True))))
    assert layout_positions(shuffled) == layout_positions(seed_graph)


def test_another_seed_gives_another_layout(seed_graph):
    assert layout_positions(seed_graph, seed=1) != layout_positions(seed_graph)


def test_layout_of_a_large_graph_is_cheap():
    graph = synthetic_graph(3000, per_node=4.5)
    start = time.process_time()
    positions = layout_positions(graph)
    # generous: about 0.5 s on an idle machine; this guards against quadratic regressions
    assert time.process_time() - start < 8
    assert set(positions) == set(graph.nodes)


def test_node_size_grows_with_centrality():
    assert layout.node_size(0, 10) == 8.0 < layout.node_size(1, 10) < layout.node_size(10, 10) == 36.0


def test_vectorised_refinement_matches_the_pure_python_one():
    rng = random.Random(5)
    n = 1500
    xs = [rng.uniform(0, 40) for _ in range(n)]
    ys = [rng.uniform(0, 40) for _ in range(n)]
    links = sorted({(a, b) for a, b in ((rng.randrange(n), rng.randrange(n)) for _ in range(3000)) if a != b})
    first, second = forces.close_pairs(np.column_stack([xs, ys]), 2.0)
    pairs = list(zip(first.tolist(), second.tolist()))
    assert len(set(pairs)) == len(pairs)  # each pair once
    close = {(min(a, b), max(a, b)) for a, b in pairs if math.dist((xs[a], ys[a]), (xs[b], ys[b])) < 2}
    brute = {(i, j) for i in range(n) for j in range(i + 1, n)
             if math.dist((xs[i], ys[i]), (xs[j], ys[j])) < 2}
    assert close == brute
    fast, slow = (xs[:], ys[:]), (xs[:], ys[:])
    forces.refine_large(*fast, links, 400_000)
    refine_large_python(*slow, links, 400_000)
    assert max(abs(a - b) for a, b in zip(fast[0] + fast[1], slow[0] + slow[1])) < 1e-9
    again = (xs[:], ys[:])
    forces.refine_large(*again, links, 400_000)
    assert again == fast  # bit for bit


# ---- reference implementation for the numpy layout ---------------------------------------------

def refine_large_python(xs, ys, links, budget: int) -> None:
    """The pure-Python form of layout_forces.refine_large: the reference its numpy version must match."""
    n = len(xs)
    rounds = max(2, min(forces.MAX_ROUNDS, budget // (n * 12 + len(links))))
    spent = 0
    for step in range(rounds):
        dx_total, dy_total = [0.0] * n, [0.0] * n
        spent += repel_grid(xs, ys, dx_total, dy_total) + len(links)
        for a, b in links:
            dx, dy = xs[a] - xs[b], ys[a] - ys[b]
            dist = math.sqrt(dx * dx + dy * dy)
            # Fruchterman-Reingold attraction d^2/k along the edge, k = 1
            dx *= dist
            dy *= dist
            dx_total[a] -= dx
            dy_total[a] -= dy
            dx_total[b] += dx
            dy_total[b] += dy
        forces.move(xs, ys, dx_total, dy_total, 1.0 * (1 - step / rounds) + 0.02)
        if spent > budget and step >= 1:
            break


def repel_grid(xs, ys, dx_total, dy_total) -> int:
    """Repulsion between nodes closer than 2, found through a grid of 2x2 cells; returns the
    number of pairs examined."""
    cell: dict[tuple[int, int], list[int]] = {}
    for i, (x, y) in enumerate(zip(xs, ys)):
        cell.setdefault((int(x // 2), int(y // 2)), []).append(i)
    examined = 0
    for (cx, cy), members in cell.items():
        # each pair once: within this cell, then with the four neighbouring cells "after" it
        others = [j for key in ((cx + 1, cy - 1), (cx + 1, cy), (cx + 1, cy + 1), (cx, cy + 1))
                  for j in cell.get(key, ())]
        for pos, i in enumerate(members):
            xi, yi = xs[i], ys[i]
            fx = fy = 0.0
            candidates = members[pos + 1:] + others
            examined += len(candidates)
            for j in candidates:
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
    return examined
