"""graph_model in notebooks: the result table, the graph page in a sandboxed iframe, to_pyvis.

The end-to-end test runs a real notebook on a real IPython kernel (the venv's own interpreter,
through a kernel spec written to tmp_path), then opens what the notebook displayed in Debian's
Chromium with no network: the table must show the query's rows and the iframe must draw the graph.
"""

from __future__ import annotations

import html
import json
import re
import sys
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

import graph_model as gm
from graph_model.layout import layout_positions
from graph_model.notebook import GraphFrame, format_html_table, show_graph
from graph_model.page_data import graph_payload, type_style
from graph_model.queries import run_named_query
from graph_model.render import render_html
from graph_model.results import QueryResult
from graph_model.selection import resolve_focus, select

from .test_browser import PAYLOAD, RECORD_VIOLATIONS, browser  # noqa: F401 - the one Chromium fixture

QUESTION = ("proposers", {"initiative": "Helsinki 2"})


class Tags(HTMLParser):
    """Every start tag as (name, attributes with their values unescaped), and the text of each cell."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.cells: list[tuple[str, dict]] = []
        self._cell: list | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("td", "th"):
            self._cell = [dict(attrs), ""]

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append((self._cell[1], self._cell[0]))
            self._cell = None


# ---- the result table ----------------------------------------------------------------------------


def test_result_table_escapes_every_value_cuts_long_ones_and_counts_rows():
    long = "word " * 40
    nato = ox.NamedNode("https://newsgraph.example/entity/nato")
    result = QueryResult(("who", PAYLOAD), ((nato, ox.Literal(PAYLOAD)), (ox.Literal(long), None)))
    table = result._repr_html_()
    assert "<img" not in table and "<script" not in table
    parsed = Tags(table)
    assert [tag for tag, _ in parsed.tags].count("img") == 0
    header, body = parsed.cells[:2], parsed.cells[2:]
    assert [text for text, _ in header] == ["who", PAYLOAD]
    assert body[0] == ("ent:nato", {"title": nato.value})       # prefixed, the IRI on hover
    assert body[1] == (PAYLOAD, {})                               # shown as text, whole
    shown, attributes = body[2]
    assert shown.endswith("…") and len(shown) == 80 and attributes == {"title": long}
    assert body[3] == ("", {})
    assert table.endswith('<p class="graph-model-count">(2 rows; long values cut, hover for the full text)</p>')


def test_result_table_draws_the_first_rows_of_a_long_result_and_says_so():
    rows = tuple((ox.Literal(str(i)),) for i in range(250))
    table = format_html_table(QueryResult(("n",), rows), max_rows=200)
    assert table.count("<tr>") == 1 + 200
    assert "(250 rows; the first 200 shown, records() has them all)" in table
    assert QueryResult((), (), True)._repr_html_() == '<p class="graph-model-boolean">true</p>'


# ---- the graph page in an iframe ------------------------------------------------------------------


def test_show_graph_embeds_the_exact_page_in_a_sandboxed_srcdoc(seed_graph):
    frame = show_graph(seed_graph, focus="Helsinki 2", depth=1, height=420, title=PAYLOAD)
    assert isinstance(frame, GraphFrame)
    markup = frame._repr_html_()
    parsed = Tags(markup)
    assert [tag for tag, _ in parsed.tags] == ["iframe"]  # the page did not leak out of the attribute
    attributes = parsed.tags[0][1]
    assert attributes["sandbox"] == "allow-scripts"
    assert attributes["title"] == PAYLOAD
    assert "height: 420px" in attributes["style"]
    assert attributes["srcdoc"] == render_html(seed_graph, focus="Helsinki 2", depth=1, title=PAYLOAD)
    assert attributes["srcdoc"] == frame.page


def test_show_graph_of_a_store_is_the_page_of_its_projection(seed_store, seed_graph):
    assert show_graph(seed_store, focus="nato", depth=2).page == render_html(seed_graph, focus="nato", depth=2)


@pytest.mark.parametrize("height", [0, -5, 2.5, "600px", True])
def test_show_graph_refuses_a_height_that_is_not_pixels(seed_graph, height):
    with pytest.raises(gm.UsageError, match="height must be a positive number of pixels"):
        show_graph(seed_graph, height=height)


# ---- to_pyvis --------------------------------------------------------------------------------------


def _edge_keys(edges) -> Counter:
    return Counter((e["from"], e["to"], e["predicate"]) for e in edges)


def test_to_pyvis_is_the_projection_laid_out_and_styled_as_on_the_page(seed_store, seed_graph):
    from pyvis.network import Network

    net = gm.to_pyvis(seed_store)
    assert isinstance(net, Network) and net.directed
    assert net.options.physics.enabled is False
    positions = layout_positions(seed_graph)
    sizes = {n["id"]: n["size"] for n in graph_payload(seed_graph)["nodes"]}
    assert sorted(n["id"] for n in net.nodes) == sorted(seed_graph.nodes)
    for node in net.nodes:
        data = seed_graph.nodes[node["id"]]
        style = type_style(data["type"])
        assert (node["x"], node["y"]) == positions[node["id"]]
        assert (node["shape"], node["color"], node["size"]) == (style["shape"], style["color"], sizes[node["id"]])
        assert node["title"].split("\n")[:2] == [html.escape(data["label"], quote=False), data["type"]]
    assert _edge_keys(net.edges) == Counter(list(seed_graph.edges(keys=True)))


def test_to_pyvis_with_a_focus_keeps_what_the_page_keeps(seed_graph):
    net = gm.to_pyvis(seed_graph, focus="Helsinki 2", depth=1)
    kept = select(seed_graph, focus=resolve_focus(seed_graph, "Helsinki 2"), depth=1)
    assert sorted(n["id"] for n in net.nodes) == kept.nodes
    assert _edge_keys(net.edges) == Counter((u, v, k) for u, v, k, _ in kept.edges)
    with pytest.raises(gm.UsageError, match="depth must be 0 or more"):
        gm.to_pyvis(seed_graph, depth=-1)


def hostile_graph():
    """Two entities and a relation whose every text is markup; one title contains "href", which
    switches pyvis's template to putting node titles into the page with innerHTML."""
    graph = nx.MultiDiGraph(articles={})
    graph.add_node("a", label=PAYLOAD, type="Person", aliases=["<b>alias</b>"], description="href " + PAYLOAD)
    graph.add_node("b", label="B & <i>co</i>", type="Organisation", aliases=[], description="")
    graph.add_edge("a", "b", key="supports", predicate="supports", label="<u>supports</u>", sources=1,
                   statements=[{"quote": PAYLOAD, "article": "x", "start": 0, "end": 1}])
    return graph


def test_to_pyvis_titles_are_escaped_text():
    net = gm.to_pyvis(hostile_graph())
    titles = [n["title"] for n in net.nodes] + [e["title"] for e in net.edges]
    assert all("<" not in title for title in titles)
    assert PAYLOAD in html.unescape(net.nodes[0]["title"]) and PAYLOAD in html.unescape(net.edges[0]["title"])
    assert net.nodes[0]["label"] == PAYLOAD  # labels are drawn on the canvas: text, never markup


def _dataset(page: str, name: str) -> list[dict]:
    (text,) = re.findall(rf"{name} = new vis\.DataSet\((.*?)\);\n", page)
    return json.loads(text)


def test_to_pyvis_generates_an_offline_page_with_the_projection(seed_graph):
    page = gm.to_pyvis(seed_graph).generate_html()
    tags = Tags(page).tags
    urls = [a.get("src") or a.get("href") or "" for tag, a in tags if tag in ("script", "link")]
    assert not [u for u in urls if u], urls  # every script and style is inline
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert sorted(n["id"] for n in _dataset(page, "nodes")) == sorted(seed_graph.nodes)
    assert _edge_keys(_dataset(page, "edges")) == Counter(list(seed_graph.edges(keys=True)))


# ---- in Chromium -----------------------------------------------------------------------------------


@pytest.fixture
def open_file(browser, tmp_path):
    """Open HTML from a file; returns (page, requests, dialogs, errors), recorded in every frame."""
    contexts = []

    def _open(text: str, name: str):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        context.add_init_script(RECORD_VIOLATIONS)
        requests, dialogs, errors = [], [], []
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.goto(path.as_uri())
        return page, requests, dialogs, errors

    yield _open
    for context in contexts:
        context.close()


def poll(target, expression: str, timeout: float = 20.0):
    # evaluate, not wait_for_function: the graph page's policy forbids the eval the latter uses
    deadline = time.monotonic() + timeout
    while not (value := target.evaluate(expression)):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        time.sleep(0.05)
    return value


def test_to_pyvis_page_draws_offline_at_our_positions(open_file, seed_graph):
    page, requests, dialogs, errors = open_file(gm.to_pyvis(seed_graph).generate_html(), "pyvis.html")
    poll(page, "typeof network !== 'undefined' && network.body.nodeIndices.length > 0")
    drawn = page.evaluate("[network.body.nodeIndices.length, network.body.edgeIndices.length, network.getPositions()]")
    assert drawn[:2] == [seed_graph.number_of_nodes(), seed_graph.number_of_edges()]
    assert {k: tuple(v.values()) for k, v in drawn[2].items()} == layout_positions(seed_graph)
    assert requests == [page.url] and dialogs == [] and errors == []


def test_to_pyvis_tooltips_stay_text_in_pyvis_html_mode(open_file):
    page, requests, dialogs, errors = open_file(gm.to_pyvis(hostile_graph()).generate_html(), "hostile.html")
    assert "popup.innerHTML" in page.content()  # the title with "href" put pyvis in its HTML mode
    poll(page, "typeof network !== 'undefined' && network.body.nodeIndices.length == 2")
    point = page.evaluate("""() => {
        const dom = network.canvasToDOM(network.getPositions(['a'])['a']);
        const box = document.querySelector('#mynetwork canvas').getBoundingClientRect();
        return {x: box.left + dom.x, y: box.top + dom.y};
    }""")
    page.mouse.move(point["x"] - 30, point["y"] - 30)
    page.mouse.move(point["x"], point["y"], steps=5)
    popup = poll(page, "(document.querySelector('div.popup') || {}).textContent")
    assert PAYLOAD in popup and page.evaluate("document.querySelectorAll('div.popup img').length") == 0
    assert requests == [page.url] and dialogs == [] and errors == []


# ---- a real notebook on a real kernel --------------------------------------------------------------


def run_notebook(tmp_path: Path, cells: list[str]):
    """Execute ``cells`` in a new notebook on an IPython kernel of this very interpreter; returns
    the executed notebook."""
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.util import run_sync

    # a kernel spec of our own, so no "python3" spec elsewhere on the machine (another Python,
    # without graph_model) can stand in for the venv's
    spec = tmp_path / "kernels" / "graph-model-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "graph_model (test)", "language": "python"}), encoding="utf-8")
    # over Unix sockets in tmp_path rather than TCP ports on the machine
    manager = AsyncKernelManager(kernel_name="graph-model-test", transport="ipc",
                                 connection_file=str(tmp_path / "kernel.json"),
                                 kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec.parent)]))
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    try:
        NotebookClient(notebook, km=manager, timeout=180, resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        # nbclient leaves a kernel it was handed running
        if manager.has_kernel:
            run_sync(manager.shutdown_kernel)(now=True)
    return notebook


def test_a_notebook_shows_the_table_and_the_graph_offline(tmp_path, monkeypatch, open_file, seed_store, seed_graph,
                                                        seeds_curated):
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    name, params = QUESTION
    started = time.monotonic()
    notebook = run_notebook(tmp_path, [
        "import sys\nimport graph_model as gm\nprint(sys.executable)",
        f"built = gm.build({str(seeds_curated)!r}, 'build', shapes=False, render=False)\nstore = gm.open_store('build')",
        f"gm.run_named_query(store, {name!r}, {params!r})",
        "gm.show_graph(store, focus='Helsinki 2', depth=1, height=520)",
    ])
    print(f"notebook executed in {time.monotonic() - started:.1f} s")
    outputs = [output for cell in notebook.cells for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"], outputs
    assert outputs[0]["text"].strip() == sys.executable
    shown = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert len(shown) == 2

    body = "".join(f'<div class="cell-output" id="out{i}">{text}</div>' for i, text in enumerate(shown))
    page, requests, dialogs, errors = open_file(
        f'<!doctype html><html><head><meta charset="utf-8"><title>notebook</title></head><body>{body}</body></html>',
        "notebook.html")

    expected = run_named_query(seed_store, name, params)
    cells = page.evaluate("""() => Array.from(document.querySelectorAll('#out0 table tbody tr')).map(
        tr => Array.from(tr.cells).map(td => td.hasAttribute('title') ? td.title : td.textContent))""")
    assert expected.rows and cells == [[v or "" for v in record.values()] for record in expected.records()]
    assert page.evaluate("document.querySelector('#out0 p.graph-model-count').textContent").startswith(
        f"({len(expected.rows)} rows")

    (frame,) = [f for f in page.frames if f.url == "about:srcdoc"]
    poll(frame, "window.graphView && window.graphView.drawn")
    kept = select(seed_graph, focus=resolve_focus(seed_graph, "Helsinki 2"), depth=1)
    drawn = frame.evaluate("Object.keys(graphView.network.getPositions()).sort()")
    assert drawn == sorted(kept.nodes) and len(drawn) > 1
    assert frame.evaluate("graphView.network.body.edgeIndices.length") == len(kept.edges)
    assert frame.evaluate("window.__violations") == []
    # the sandbox: the page's scripts run, but in an origin of their own
    assert frame.evaluate("(() => { try { return parent.document.title; } catch (e) { return 'blocked'; } })()") == "blocked"
    assert all(url == page.url or url.startswith(("about:", "data:")) for url in requests), requests
    assert dialogs == [] and errors == []
