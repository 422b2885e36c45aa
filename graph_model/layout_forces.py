"""Force-directed refinement for :mod:`graph_model.layout`: the part of the layout that moves
nodes by forces, in layout units (edge length about 1), in place and deterministically.

Small components get ForceAtlas2-style forces with exact all-pairs repulsion, in pure Python;
large ones get Fruchterman-Reingold's grid variant vectorised with numpy (its pure-Python
reference lives in tests/test_layout.py, which checks the two agree to 1e-9).
"""

from __future__ import annotations

import math
import random

#: Pair interactions the force refinement may spend on the whole graph: about half a second of
#: pure Python. Shared between components in proportion to their size.
WORK_BUDGET = 400_000
FULL_REPULSION = 200  # up to this many nodes every pair repels; above, only nearby ones (grid)
MAX_ROUNDS = 300
_GRAVITY = 0.5


def refine(xs: list[float], ys: list[float], links: list[tuple[int, int]], rng: random.Random, *,
            budget: int) -> None:
    """Force-directed refinement in place, until ``budget`` pair interactions are spent.

    Small components (up to ``FULL_REPULSION`` nodes) get ForceAtlas2-style forces with exact
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
    if n <= FULL_REPULSION:
        _refine_small(xs, ys, links, budget)
    else:
        refine_large(xs, ys, links, budget)


def move(xs, ys, dx_total, dy_total, limit: float) -> None:
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
    rounds = max(30, min(MAX_ROUNDS, budget // (n * (n - 1) // 2 + len(links))))
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
        move(xs, ys, dx_total, dy_total, start * (1 - step / rounds) ** 2 + 0.01)


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


def refine_large(xs, ys, links, budget: int) -> None:
    """Fruchterman-Reingold rounds with grid repulsion, vectorised with numpy (the same forces
    as the pure-Python reference in tests/test_layout.py, summed in a fixed order, so the result is deterministic)."""
    import numpy as np

    n = len(xs)
    rounds = max(2, min(MAX_ROUNDS, budget // (n * 12 + len(links))))
    pos = np.column_stack([np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)])
    ends = np.asarray(links, dtype=np.int64).reshape(-1, 2)
    a, b = ends[:, 0], ends[:, 1]
    spent = 0
    for step in range(rounds):
        first, second = close_pairs(pos, 2.0)
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


def close_pairs(pos, reach: float):
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
