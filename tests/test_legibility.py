"""The drawing is legible at a glance, and the view can be saved (real Chromium, as test_browser).

The page names entities itself (graph-network.js drawNames): by rank, skipping any name whose box
would overlap one already drawn. These tests read the boxes it drew from ``graphView.labelBoxes``
and check them pairwise, check that relation labels appear only on hover and for the selection,
that the rest of the graph is dimmed around a selection, that the legend folds, and that the PNG
and SVG exports download and parse.

``python -m tests.test_legibility`` rewrites the screenshots docs/legibility-{100,500,2000}.png.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import combinations
from pathlib import Path

import networkx as nx
import pytest

from graph_model.render import render_html

from .conftest import synthetic_graph
from .test_browser import CHROMIUM, CHROMIUM_ARGS, PAYLOAD, browser, hostile_graph, open_page  # noqa: F401

SVG = "{http://www.w3.org/2000/svg}"


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    return [(a["text"], b["text"]) for a, b in combinations(boxes, 2)
            if a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]]


def frame(opened) -> None:
    """Wait for a frame drawn after whatever the test just did."""
    opened.js("() => new Promise(r => { graphView.network.redraw(); requestAnimationFrame(() => setTimeout(r, 0)); })")


def boxes(opened) -> tuple[list[dict], list[dict]]:
    frame(opened)
    return opened.js("[graphView.labelBoxes, graphView.edgeLabelBoxes]")


def hub_of(graph) -> str:
    return max(sorted(graph.nodes), key=graph.degree)


def zoom_to_neighbourhood(opened, node: str) -> None:
    opened.js("id => graphView.select(id)", node)
    opened.page.wait_for_timeout(400)  # select() centres the view with a short animation
    opened.js("() => graphView.network.fit({nodes: Array.from(graphView.neighbourhood.nodes), animation: false})")


@pytest.mark.parametrize("size", [100, 500])
def test_shown_names_never_overlap_at_any_zoom(open_page, size):
    graph = synthetic_graph(size)
    opened = open_page(render_html(graph, max_nodes=size), f"g{size}.html")
    # vis-network draws no name of its own: they are all ours
    assert opened.js("Object.values(graphView.network.body.nodes).every(n => !n.labelModule.visible())")
    for scale in (None, 0.5, 1.0, 2.5):
        if scale is not None:
            opened.js("s => graphView.network.moveTo({position: {x: 0, y: 0}, scale: s, animation: false})", scale)
        names, _ = boxes(opened)
        assert len(names) >= (10 if scale is None or scale <= 1 else 3), (scale, len(names))
        assert overlapping(names) == [], scale
    # zoomed out to the whole graph, the most connected entity is named
    opened.js("graphView.network.fit({animation: false})")
    names, _ = boxes(opened)
    assert hub_of(graph) in {b["id"] for b in names}

    # around a selection: the entity is named, and no name overlaps another or a relation label
    hub = hub_of(graph)
    zoom_to_neighbourhood(opened, hub)
    names, relation_labels = boxes(opened)
    assert hub in {b["id"] for b in names}
    assert len(opened.js("graphView.labelledEdges()")) == graph.degree(hub)
    opened.js("graphView.network.moveTo({scale: 1.5, animation: false})")  # relation labels big enough to draw
    names, relation_labels = boxes(opened)
    assert hub in {b["id"] for b in names} and relation_labels
    assert overlapping(names) == []
    # (relation labels may touch each other at a hub: vis-network places them; names keep clear)
    # the selected entity is always named (below it, if its relations' labels crowd every side)
    assert [(n["id"], l["text"]) for n in names for l in relation_labels if overlapping([n, l]) and n["id"] != hub] == []
    assert opened.errors == [] and opened.violations() == [] and opened.requests == [opened.url]


def three_in_a_row() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(articles={})
    for node, label in (("a", "Alpha"), ("b", "Bravo"), ("c", "Charlie")):
        graph.add_node(node, label=label, type="Person", aliases=[], description="")
    graph.add_edge("a", "b", key="supports", predicate="supports", label="supports", statements=[], sources=1)
    graph.add_edge("b", "c", key="opposes", predicate="opposes", label="opposes", statements=[], sources=1)
    return graph


def canvas_point(opened, canvas_xy: dict) -> dict:
    return opened.js("""p => { const d = graphView.network.canvasToDOM(p);
        const b = document.querySelector('#graph canvas').getBoundingClientRect(); return {x: b.left + d.x, y: b.top + d.y}; }""",
                     canvas_xy)


def test_relation_labels_only_on_hover_and_for_the_selection(open_page):
    opened = open_page(render_html(three_in_a_row()), "three.html")
    labelled = "graphView.allEdges.get({filter: e => !!e.label}).map(e => e.id).sort()"
    assert opened.js(labelled) == []
    names, relation_labels = boxes(opened)
    assert {b["text"] for b in names} == {"Alpha", "Bravo", "Charlie"} and relation_labels == []

    ab = opened.js("graphView.data.edges.find(e => e.from === 'a').id")
    ends = opened.js("graphView.network.getPositions(['a', 'b'])")
    middle = canvas_point(opened, {"x": (ends["a"]["x"] + ends["b"]["x"]) / 2, "y": (ends["a"]["y"] + ends["b"]["y"]) / 2})
    opened.page.mouse.move(middle["x"], middle["y"])
    opened.page.mouse.move(middle["x"] + 1, middle["y"])
    opened.wait_for(f"{labelled}.join() === '{ab}'")
    corner = opened.js("(() => { const b = document.querySelector('#graph canvas').getBoundingClientRect(); return {x: b.right - 8, y: b.bottom - 8}; })()")
    opened.page.mouse.move(corner["x"], corner["y"])
    opened.wait_for(f"{labelled}.length === 0")

    opened.js("graphView.select('b')")
    assert opened.js(labelled) == sorted(opened.js("graphView.data.edges.map(e => e.id)"))
    names, relation_labels = boxes(opened)
    assert {b["text"] for b in relation_labels} == {"supports", "opposes"}
    assert overlapping(names + relation_labels) == []
    assert opened.errors == [] and opened.violations() == []


def pixel(opened, node: str) -> list[int]:
    """The canvas pixel at ``node``'s centre, [r, g, b, a]."""
    return opened.js("""id => { const net = graphView.network, d = net.canvasToDOM(net.getPositions([id])[id]);
        const c = document.querySelector('#graph canvas'), k = c.width / c.clientWidth;
        return Array.from(c.getContext('2d').getImageData(Math.round(d.x * k), Math.round(d.y * k), 1, 1).data); }""", node)


def test_a_selection_dims_everything_outside_its_neighbourhood(open_page):
    graph = synthetic_graph(100)
    opened = open_page(render_html(graph), "dim.html")
    hub = hub_of(graph)
    near = set(graph.predecessors(hub)) | set(graph.successors(hub)) | {hub}
    far = next(n for n in sorted(graph.nodes, key=graph.degree, reverse=True) if n not in near)
    neighbour = next(iter(sorted(near - {hub})))
    opened.js("graphView.network.fit({animation: false})")
    frame(opened)
    before_far, before_near = pixel(opened, far), pixel(opened, neighbour)
    opened.js("id => graphView.select(id)", hub)
    opened.page.wait_for_timeout(400)  # select() centres the view with a short animation
    opened.js("graphView.network.fit({animation: false})")  # the same view as before
    frame(opened)
    assert set(opened.js("Array.from(graphView.neighbourhood.nodes)")) == near
    after_far, after_near = pixel(opened, far), pixel(opened, neighbour)
    assert sum(after_far[:3]) > sum(before_far[:3]) + 150  # washed towards white
    assert abs(sum(after_near[:3]) - sum(before_near[:3])) < 30  # drawn as before


def test_the_legend_folds_and_starts_folded_on_a_small_screen(browser, open_page, tmp_path):  # noqa: F811
    html = render_html(three_in_a_row())
    opened = open_page(html, "legend.html")
    assert opened.js("document.getElementById('legend-toggle').getAttribute('aria-expanded')") == "true"
    tall = opened.js("document.getElementById('legend').offsetHeight")
    opened.page.click("#legend-toggle")
    assert opened.js("document.getElementById('legend-toggle').getAttribute('aria-expanded')") == "false"
    assert opened.js("document.getElementById('legend').offsetHeight") < tall / 2
    assert not opened.page.is_visible("#legend-body")
    opened.page.click("#legend-toggle")
    assert opened.page.is_visible("#legend-body")

    context = browser.new_context(viewport={"width": 800, "height": 700})
    try:
        page = context.new_page()
        page.goto(opened.url)
        assert page.evaluate("document.getElementById('legend-toggle').getAttribute('aria-expanded')") == "false"
        assert not page.is_visible("#legend-body")
    finally:
        context.close()


def test_the_view_exports_as_png_and_svg(open_page, tmp_path):
    graph = hostile_graph()
    graph.add_node("amp", label="Tom & Jerry", type="Topic", aliases=[], description="")
    graph.add_edge("amp", "other", key="supports", predicate="supports", label="supports", statements=[], sources=1)
    opened = open_page(render_html(graph), "export.html")
    opened.js("graphView.select('other')")
    opened.page.wait_for_timeout(400)
    names, relation_labels = boxes(opened)
    assert {b["text"] for b in names} == {PAYLOAD, "Other", "Tom & Jerry"}

    with opened.page.expect_download() as png_download:
        opened.page.click("#export-png")
    png = Path(png_download.value.path()).read_bytes()
    assert png_download.value.suggested_filename == "graph.png"
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000

    with opened.page.expect_download() as svg_download:
        opened.page.click("#export-svg")
    assert svg_download.value.suggested_filename == "graph.svg"
    raw = Path(svg_download.value.path()).read_text(encoding="utf-8")
    root = ET.fromstring(raw)  # well-formed XML, or this raises
    assert root.tag == SVG + "svg"
    texts = [t.text for t in root.iter(SVG + "text")]
    assert set(texts) >= {PAYLOAD, "Other", "Tom & Jerry", "supports"}
    assert "&lt;img src=x onerror=alert(1)&gt;" in raw and "Tom &amp; Jerry" in raw  # text, escaped
    assert len(list(root.iter(SVG + "line"))) == 2 and len(root.find(f"{SVG}g[@class='entities']")) == 3

    assert opened.requests == [opened.url]
    assert opened.errors == [] and opened.violations() == [] and opened.dialogs == []


# ---- screenshots -----------------------------------------------------------------------------------


def write_screenshots(out: Path = Path(__file__).resolve().parent.parent / "docs") -> list[Path]:
    """docs/legibility-{100,500,2000}.png: the graph zoomed to its hub's neighbourhood, selected."""
    import tempfile
    import time

    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size in (100, 500, 2000):
            graph = synthetic_graph(size)
            path = Path(tmp) / f"g{size}.html"
            path.write_text(render_html(graph, max_nodes=size), encoding="utf-8")
            page = chromium.new_page(viewport={"width": 1100, "height": 700})
            page.goto(path.as_uri())
            while not page.evaluate("window.graphView && graphView.drawn"):
                time.sleep(0.05)
            page.evaluate("""id => { graphView.select(id);
                graphView.network.fit({nodes: Array.from(graphView.neighbourhood ? graphView.neighbourhood.nodes : [id]),
                                       animation: false}); }""", hub_of(graph))
            page.wait_for_timeout(600)
            page.evaluate("graphView.network.fit({nodes: Array.from(graphView.neighbourhood.nodes), animation: false})")
            page.wait_for_timeout(300)
            target = out / f"legibility-{size}.png"
            page.locator("#graph-area").screenshot(path=str(target))
            written.append(target)
            page.close()
        chromium.close()
    return written


if __name__ == "__main__":
    for written in write_screenshots():
        print(written, written.stat().st_size)
