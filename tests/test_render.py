"""Unit tests for graph_model.render: the page's bytes, its embedded data, and its safety."""

from __future__ import annotations

import json
import math
import random
import re
from html.parser import HTMLParser

import networkx as nx
import pytest

from graph_model import render
from graph_model.render import (format_date, layout_positions, render_html, render_store_html,
                                vis_options)

from .conftest import synthetic_graph

PAYLOAD = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def store(seed_store):
    return seed_store


@pytest.fixture(scope="module")
def seed_html(seed_graph):
    return render_html(seed_graph)


def embedded(html: str) -> dict:
    """The JSON the page embeds, parsed the way the page parses it."""
    match = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S)
    assert match, "no graph-data element"
    return json.loads(match.group(1))


def synthetic(n: int, per_node: float = 3.0, seed: int = 3) -> nx.MultiDiGraph:
    return synthetic_graph(n, per_node=per_node, seed=seed)


def hostile_graph() -> nx.MultiDiGraph:
    """Two entities and a relation whose every text field tries to break out of the page."""
    graph = nx.MultiDiGraph()
    graph.graph["articles"] = {"a1": {"label": "</script><script>alert(2)</script>", "file": "a1.txt",
                                      "publisher": "<b>pub</b>", "date": None,
                                      "text": "Before. " + PAYLOAD + " After. <!-- & ]]>"}}
    graph.add_node("evil", label=PAYLOAD, type="Person", aliases=["<svg onload=alert(3)>"],
                   description="</script><script>alert(4)</script>")
    graph.add_node("plain", label="Plain & simple", type="<Topic>", aliases=[], description="")
    graph.add_edge("evil", "plain", key="supports", predicate="supports", label="<i>supports</i>", sources=1,
                   statements=[{"statement": "s1", "article": "a1", "quote": PAYLOAD, "start": 8,
                                "end": 8 + len(PAYLOAD), "speaker": "<script>alert(5)</script>",
                                "date": None, "precision": None, "role": None, "involvement": None,
                                "modality": "asserted"}])
    return graph


# ---- determinism --------------------------------------------------------------------------------


def test_same_graph_renders_byte_identical(seed_graph, seed_html):
    render._LAYOUT_CACHE.clear()  # recompute the layout too, not just reuse it
    assert render_html(seed_graph) == seed_html


def test_insertion_order_does_not_change_the_page(seed_graph, seed_html):
    shuffled = nx.MultiDiGraph()
    shuffled.graph.update(seed_graph.graph)
    shuffled.add_nodes_from(reversed(list(seed_graph.nodes(data=True))))
    shuffled.add_edges_from(reversed(list(seed_graph.edges(keys=True, data=True))))
    render._LAYOUT_CACHE.clear()
    assert render_html(shuffled) == seed_html


def test_store_page_is_the_projected_graph_page(store, seed_html):
    assert render_store_html(store) == seed_html


# ---- self-contained ----------------------------------------------------------------------------


class _Fetches(HTMLParser):
    """Every URL the markup itself would make a browser fetch or navigate to."""

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in {"src", "href", "srcset", "poster", "data", "action", "background"} and value is not None:
                self.urls.append((tag, name, value))


def test_page_fetches_nothing_from_elsewhere(seed_html):
    parser = _Fetches()
    parser.feed(seed_html)
    assert parser.urls == []  # no src/href at all: scripts and styles are inline
    assert "script" in parser.tags and "style" in parser.tags
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", seed_html, re.I)
    styles = re.findall(r"<style>(.*?)</style>", seed_html, re.S)
    assert styles
    for css in styles:
        assert "@import" not in css
        for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", css):
            assert url.startswith("data:"), url
    # and the policy that makes the browser refuse any fetch anyway
    assert "default-src 'none'" in seed_html


def test_vis_network_is_inlined_from_pyvis(seed_html):
    assert "vis-network" in seed_html and "DataView" in seed_html
    assert "cdnjs" not in seed_html and "jsdelivr" not in seed_html and "bootstrap" not in seed_html.lower()


# ---- data ------------------------------------------------------------------------------------------


def test_embedded_counts_match_the_graph(seed_graph, seed_html):
    data = embedded(seed_html)
    assert len(data["nodes"]) == seed_graph.number_of_nodes()
    assert len(data["edges"]) == seed_graph.number_of_edges()
    assert {n["id"] for n in data["nodes"]} == set(seed_graph.nodes)
    assert {(e["from"], e["to"], e["predicate"]) for e in data["edges"]} == set(seed_graph.edges(keys=True))
    statements = sum(len(d["statements"]) for *_, d in seed_graph.edges(data=True))
    assert sum(len(e["statements"]) for e in data["edges"]) == statements
    assert data["meta"]["shownNodes"] == data["meta"]["totalNodes"] == seed_graph.number_of_nodes()
    assert data["meta"]["reduced"] is False and data["meta"]["notice"] == ""


def test_statements_carry_quote_speaker_date_and_article(seed_graph, seed_html):
    data = embedded(seed_html)
    articles = seed_graph.graph["articles"]
    for edge in data["edges"]:
        for s in edge["statements"]:
            text = articles[s["article"]]["text"]
            assert s["article"] in data["articles"]
            assert data["articles"][s["article"]]["text"] == text
            assert 0 <= s["start"] <= s["end"] <= len(text)
            assert (s["when"] is None) == (s["precision"] is None)
    dated = [s for e in data["edges"] for s in e["statements"] if s["when"]]
    assert "5 July 2017" in {s["when"] for s in dated}
    # every date as the article gives it, at its precision (whatever the curated seeds hold)
    assert {s["when"] for s in dated} == {
        format_date(s["date"], s.get("precision")) for _, _, d in seed_graph.edges(data=True)
        for s in d.get("statements") or [] if s.get("date")}


def test_nodes_are_sized_by_centrality_and_edges_by_sources(seed_graph, seed_html):
    data = embedded(seed_html)
    size = {n["id"]: n["size"] for n in data["nodes"]}
    degree = dict(seed_graph.degree())
    hub = max(degree, key=degree.get)
    leaf = min(degree, key=degree.get)
    assert size[hub] == max(size.values()) > size[leaf]
    assert render.edge_width(3) > render.edge_width(2) > render.edge_width(1)
    for edge in data["edges"]:
        assert edge["width"] == render.edge_width(edge["sources"])


def test_parallel_edges_get_distinct_curves(seed_graph, seed_html):
    data = embedded(seed_html)
    pairs: dict[frozenset, list[dict]] = {}
    for edge in data["edges"]:
        pairs.setdefault(frozenset((edge["from"], edge["to"])), []).append(edge)
    parallel = [edges for edges in pairs.values() if len(edges) > 1]
    assert parallel, "the seed graph has entities linked by more than one predicate"
    for edges in parallel:
        roundness = [e["roundness"] for e in edges]
        assert len(set(roundness)) == len(roundness) and all(r > 0 for r in roundness)
    for edges in pairs.values():
        if len(edges) == 1:
            assert "roundness" not in edges[0]


def test_browser_options_are_static_and_never_dynamic_smooth(seed_html):
    options = embedded(seed_html)["options"]
    assert options["physics"] == {"enabled": False}
    assert options["edges"]["smooth"] is False
    assert options["edges"]["arrows"]["to"]["enabled"] is True
    assert "dynamic" not in json.dumps(options)
    large = vis_options(5000, 20000)["interaction"]
    assert large["hideEdgesOnDrag"] is True and large["hideEdgesOnZoom"] is True


def test_legend_and_filters_cover_every_type_and_predicate(seed_graph, seed_html):
    data = embedded(seed_html)
    types = {d["type"] for _, d in seed_graph.nodes(data=True)}
    assert {t["name"] for t in data["types"]} == types
    assert sum(t["count"] for t in data["types"]) == seed_graph.number_of_nodes()
    assert {p["name"] for p in data["predicates"]} == {k for _, _, k in seed_graph.edges(keys=True)}
    assert {"day", "none"} <= {p["key"] for p in data["precisions"]}
    assert {"dated to the day", "date not given"} <= {p["label"] for p in data["precisions"]}


def test_layout_is_stable_and_spread(seed_graph):
    render._LAYOUT_CACHE.clear()
    first = layout_positions(seed_graph)
    render._LAYOUT_CACHE.clear()
    assert layout_positions(seed_graph) == first
    points = sorted(first.values())
    assert len(set(points)) == len(points)  # no two entities on the same spot
    for (x1, y1), (x2, y2) in zip(points, points[1:]):
        assert (x1 - x2) ** 2 + (y1 - y2) ** 2 > 0


def test_layout_of_a_large_graph_is_cheap():
    graph = synthetic(3000, per_node=4.5)
    import time

    start = time.process_time()
    positions = layout_positions(graph)
    # generous: about 0.5 s on an idle machine; this guards against quadratic regressions
    assert time.process_time() - start < 8
    assert set(positions) == set(graph.nodes)


def test_vectorised_refinement_matches_the_pure_python_one():
    import math

    import numpy as np

    rng = random.Random(5)
    n = 1500
    xs = [rng.uniform(0, 40) for _ in range(n)]
    ys = [rng.uniform(0, 40) for _ in range(n)]
    links = sorted({(a, b) for a, b in ((rng.randrange(n), rng.randrange(n)) for _ in range(3000)) if a != b})
    first, second = render._close_pairs(np.column_stack([xs, ys]), 2.0)
    pairs = list(zip(first.tolist(), second.tolist()))
    assert len(set(pairs)) == len(pairs)  # each pair once
    close = {(min(a, b), max(a, b)) for a, b in pairs if math.dist((xs[a], ys[a]), (xs[b], ys[b])) < 2}
    brute = {(i, j) for i in range(n) for j in range(i + 1, n)
             if math.dist((xs[i], ys[i]), (xs[j], ys[j])) < 2}
    assert close == brute
    fast, slow = (xs[:], ys[:]), (xs[:], ys[:])
    render._refine_large(*fast, links, 400_000)
    refine_large_python(*slow, links, 400_000)
    assert max(abs(a - b) for a, b in zip(fast[0] + fast[1], slow[0] + slow[1])) < 1e-9
    again = (xs[:], ys[:])
    render._refine_large(*again, links, 400_000)
    assert again == fast  # bit for bit


def test_large_graph_pages_are_byte_identical():
    graph = synthetic(1200, per_node=3.0)
    render._LAYOUT_CACHE.clear()
    first = render_html(graph)
    render._LAYOUT_CACHE.clear()
    assert render_html(graph) == first


def test_arrowheads_only_below_the_arrow_limit(seed_html):
    assert embedded(seed_html)["options"]["edges"]["arrows"]["to"]["enabled"] is True
    assert vis_options(2000, render.ARROW_LIMIT)["edges"]["arrows"]["to"]["enabled"] is True
    assert vis_options(10000, render.ARROW_LIMIT + 1)["edges"]["arrows"]["to"]["enabled"] is False


def test_unknown_types_and_non_string_ids_still_render():
    graph = nx.MultiDiGraph(articles={})
    graph.add_node(1, label="one", type="Spaceship", aliases=[], description="")
    graph.add_node(2, label="two", type="constructor", aliases=[], description="")
    graph.add_edge(1, 2, key="orbits", predicate="orbits", label="orbits", statements=[], sources=1)
    html = render_html(graph)
    assert html == render_html(graph)
    data = embedded(html)
    assert [n["id"] for n in data["nodes"]] == ["1", "2"]
    assert [(e["from"], e["to"]) for e in data["edges"]] == [("1", "2")]
    assert {t["name"] for t in data["types"]} == {"Spaceship", "constructor"}
    assert set(data["options"]["groups"]) == set(render.TYPE_STYLES) | {"Thing"}


def test_large_graphs_label_only_selected_edges():
    small = embedded(render_html(synthetic(40)))
    assert small["edgeLabels"] == "all" and small["large"] is False
    large = embedded(render_html(synthetic(700, per_node=2.0)))
    assert large["edgeLabels"] == "selected" and large["large"] is True
    assert large["options"]["interaction"]["hideEdgesOnZoom"] is True


# ---- safety ----------------------------------------------------------------------------------------


def test_injection_payloads_stay_inert_in_the_raw_html():
    graph = hostile_graph()
    html = render_html(graph, title="<b>Title</b>")
    for dangerous in ("<img src=x onerror", "<svg onload", "</script><script>alert", "<b>pub</b>",
                      "<i>supports</i>", "<!-- &", "<Topic>"):
        assert dangerous not in html, dangerous
    assert "<title>&lt;b&gt;Title&lt;/b&gt;</title>" in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    data = embedded(html)  # and the page gets the exact text back
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    assert labels["evil"] == PAYLOAD and labels["plain"] == "Plain & simple"
    assert data["edges"][0]["statements"][0]["quote"] == PAYLOAD
    assert data["articles"]["a1"]["label"] == "</script><script>alert(2)</script>"


def test_embed_json_escapes_markup_characters():
    text = render.embed_json({"a": "<&>", "b": ["</script>"]})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "<&>", "b": ["</script>"]}


def test_inlined_code_cannot_close_its_element():
    assert "</script" not in render._vis_asset("vis-network.min.js")
    assert "</style" not in render._vis_asset("vis-network.css")


# ---- focus, filters, reduction ----------------------------------------------------------------------


@pytest.mark.parametrize("depth", [0, 1, 2])
def test_focus_keeps_exactly_the_neighbourhood(seed_graph, depth):
    data = embedded(render_html(seed_graph, focus="lukashenko", depth=depth))
    expected = set(nx.ego_graph(seed_graph.to_undirected(as_view=True), "lukashenko", radius=depth).nodes)
    assert {n["id"] for n in data["nodes"]} == expected
    expected_edges = {(u, v, k) for u, v, k in seed_graph.edges(keys=True) if u in expected and v in expected}
    assert {(e["from"], e["to"], e["predicate"]) for e in data["edges"]} == expected_edges
    assert data["meta"]["focus"] == "lukashenko" and data["meta"]["depth"] == depth


def test_focus_on_an_unknown_entity_is_an_error(seed_graph):
    with pytest.raises(KeyError):
        render_html(seed_graph, focus="no-such-entity")


def test_type_and_predicate_filters(seed_graph):
    data = embedded(render_html(seed_graph, types={"Person", "State"}, predicates={"proposes", "supports"}))
    assert data["nodes"] and {n["type"] for n in data["nodes"]} <= {"Person", "State"}
    expected = {(u, v, k) for u, v, k in seed_graph.edges(keys=True) if k in {"proposes", "supports"}
                and seed_graph.nodes[u]["type"] in {"Person", "State"}
                and seed_graph.nodes[v]["type"] in {"Person", "State"}}
    assert {(e["from"], e["to"], e["predicate"]) for e in data["edges"]} == expected
    people_and_states = {n for n, d in seed_graph.nodes(data=True) if d["type"] in {"Person", "State"}}
    assert {n["id"] for n in data["nodes"]} == people_and_states


def test_reduction_keeps_the_most_connected_and_says_so():
    graph = synthetic(60)
    html = render_html(graph, max_nodes=12, focus=None)
    data = embedded(html)
    degree = dict(graph.degree())
    expected = sorted(graph.nodes, key=lambda n: (-degree[n], n))[:12]
    assert {n["id"] for n in data["nodes"]} == set(expected)
    kept = set(expected)
    assert len(data["edges"]) == sum(1 for u, v in graph.edges() if u in kept and v in kept)
    assert data["meta"]["reduced"] is True and data["meta"]["totalNodes"] == 60
    # visible without JavaScript, in the page's own markup (not only inside the JSON)
    notice = re.search(r'<div id="notice" role="status">([^<]*)</div>', html).group(1)
    assert notice.startswith("Showing the 12 most connected of 60 entities")


def test_reduction_keeps_the_focus_entity():
    graph = synthetic(60)
    degree = dict(graph.degree())
    weakest = min(graph.nodes, key=lambda n: (degree[n], n))
    data = embedded(render_html(graph, focus=weakest, depth=3, max_nodes=5))
    assert weakest in {n["id"] for n in data["nodes"]} and len(data["nodes"]) == 5


def test_no_reduction_at_or_below_the_limit():
    graph = synthetic(30)
    data = embedded(render_html(graph, max_nodes=30))
    assert len(data["nodes"]) == 30 and data["meta"]["reduced"] is False


# ---- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, precision, shown", [
    ("2017-07-05", "day", "5 July 2017"),
    ("2017-07", "month", "July 2017"),
    ("2017", "year", "2017"),
    ("early 2016", "early year", "early 2016"),
    ("--05-17", "day, year unknown", "17 May (year not given)"),
    (None, None, "date not given"),
    ("2017-13-01", "day", "2017-13-01"),  # malformed: shown as written, never an exception
])
def test_format_date(text, precision, shown):
    assert format_date(text, precision) == shown


# ---- reference implementation for the numpy layout ---------------------------------------------

def refine_large_python(xs, ys, links, budget: int) -> None:
    """The pure-Python form of render._refine_large: the reference its numpy version must match."""
    n = len(xs)
    rounds = max(2, min(render._MAX_ROUNDS, budget // (n * 12 + len(links))))
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
        render._move(xs, ys, dx_total, dy_total, 1.0 * (1 - step / rounds) + 0.02)
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
