"""The rendered page in a real headless Chromium (Debian's /usr/bin/chromium, via Playwright).

Each test writes a page to tmp_path, opens it over file:// and drives it like a reader would:
clicks on the canvas, types into the search box, ticks filter boxes. Nothing is skipped: without
Chromium these tests fail, because without it nothing shows that the page works.
"""

from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import sync_playwright

from graph_model.page_data import format_date
from graph_model.render import render_html

from .conftest import synthetic_graph

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
PAYLOAD = "<img src=x onerror=alert(1)>"

# Runs before the page's own scripts (Playwright's init scripts are not subject to the page's
# policy): records every Content-Security-Policy violation the page causes.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push([e.effectiveDirective, e.blockedURI, e.sample].join(" | "));
});
"""


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "install Debian's chromium: apt-get install -y chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Opened:
    """A loaded page plus everything it asked for and complained about."""

    def __init__(self, page, url: str):
        self.page, self.url = page, url
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []

    def violations(self) -> list[str]:
        """Every Content-Security-Policy violation so far ("directive | blocked URI | sample")."""
        return self.page.evaluate("window.__violations")

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def wait_for(self, expression: str, arg=None, timeout: float = 20.0):
        # polled with evaluate: wait_for_function compiles its predicate with eval, which the
        # page's Content-Security-Policy (rightly) forbids
        deadline = time.monotonic() + timeout
        while True:
            value = self.page.evaluate(expression, arg)
            if value:
                return value
            assert time.monotonic() < deadline, f"timed out waiting for {expression}"
            time.sleep(0.05)


@pytest.fixture
def open_page(browser, tmp_path):
    contexts = []

    def _open(html: str, name: str = "graph.html") -> Opened:
        path = tmp_path / name
        path.write_text(html, encoding="utf-8")
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        page.add_init_script(RECORD_VIOLATIONS)
        opened = Opened(page, path.as_uri())
        page.on("request", lambda request: opened.requests.append(request.url))
        page.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: opened.errors.append(str(error)))
        page.on("console", lambda message: message.type == "error" and opened.errors.append(message.text))
        page.goto(opened.url)
        opened.wait_for("window.graphView && window.graphView.drawn")
        return opened

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def seed_page(open_page, seed_graph):
    return open_page(render_html(seed_graph))


def click_node(opened: Opened, node_id: str) -> None:
    """A real mouse click on the node: centre the view on it, then click where vis drew it."""
    opened.js("""id => {
        const net = graphView.network;
        net.moveTo({position: net.getPositions([id])[id], animation: false});
    }""", node_id)
    point = opened.js("""id => {
        const net = graphView.network;
        const dom = net.canvasToDOM(net.getPositions([id])[id]);
        const box = document.querySelector('#graph canvas').getBoundingClientRect();
        return {x: box.left + dom.x, y: box.top + dom.y};
    }""", node_id)
    hit = opened.js("p => document.elementFromPoint(p.x, p.y).tagName", point)
    assert hit == "CANVAS", f"something covers the node: {hit}"
    opened.page.mouse.click(point["x"], point["y"])


def panel_text(opened: Opened) -> str:
    return opened.js("document.getElementById('details-body').textContent")


# ---- loading ---------------------------------------------------------------------------------------


def test_page_loads_offline_and_draws_every_node_and_edge(seed_page, seed_graph):
    assert seed_page.requests == [seed_page.url]  # its own file, nothing else
    drawn = seed_page.js("""[graphView.nodes.length, graphView.edges.length,
                            Object.keys(graphView.network.getPositions()).length,
                            graphView.network.body.edgeIndices.length]""")
    n, m = seed_graph.number_of_nodes(), seed_graph.number_of_edges()
    assert drawn == [n, m, n, m]
    assert seed_page.errors == []
    assert seed_page.js("document.getElementById('counts').textContent") == \
        f"{n} of {n} entities · {m} of {m} relations"


def test_positions_are_the_precomputed_ones(seed_page):
    # physics is off: what the browser draws is exactly where Python put it
    same = seed_page.js("""() => {
        const pos = graphView.network.getPositions();
        return graphView.data.nodes.every(n => pos[n.id].x === n.x && pos[n.id].y === n.y);
    }""")
    assert same is True
    assert seed_page.js("graphView.network.physics.physicsEnabled") is False


def test_legend_lists_every_type(seed_page, seed_graph):
    legend = seed_page.js("document.getElementById('legend').innerText")
    for entity_type in {d["type"] for _, d in seed_graph.nodes(data=True)}:
        assert entity_type in legend
    assert seed_page.js("document.querySelectorAll('#legend svg.swatch').length") == \
        len({d["type"] for _, d in seed_graph.nodes(data=True)})


# ---- clicking -------------------------------------------------------------------------------------


def test_clicking_lukashenko_shows_his_quotes_and_the_article(seed_page, seed_graph):
    click_node(seed_page, "lukashenko")
    seed_page.wait_for("document.querySelector('#details-body h2')?.textContent === 'Alexander Lukashenko'")
    assert seed_page.js("graphView.network.getSelectedNodes()") == ["lukashenko"]
    text = panel_text(seed_page)
    quotes = [s["quote"] for u, v, d in seed_graph.edges(data=True) if "lukashenko" in (u, v)
              for s in d["statements"]]
    assert quotes and all(q in text for q in quotes)
    assert "Speaker:" in text and "Source:" in text and "Date not given" in text and "5 July 2017" in text

    # the first quote opens its article with exactly that span highlighted
    first = seed_page.js("document.querySelector('#details-body button.quote').textContent")
    seed_page.page.click("#details-body button.quote")
    seed_page.wait_for("!!document.querySelector('#details-body mark')")
    mark = seed_page.js("document.querySelector('#details-body mark').textContent")
    assert mark and first == f"“{mark}”"
    article_text = seed_page.js("document.querySelector('#details-body .article-text').textContent")
    articles = seed_graph.graph["articles"]
    assert article_text in {a["text"] for a in articles.values()}
    seed_page.page.click("#details-body button.back")
    seed_page.wait_for("document.querySelector('#details-body h2')?.textContent === 'Alexander Lukashenko'")


def test_clicking_an_edge_shows_its_statements(seed_page, seed_graph):
    u, v, key, data = next((u, v, k, d) for u, v, k, d in seed_graph.edges(keys=True, data=True)
                           if u == "aleinik" and v == "lavrov" and k == "meetsWith")
    edge_id = seed_page.js("""([u, v, k]) => graphView.data.edges.find(
        e => e.from === u && e.to === v && e.predicate === k).id""", [u, v, key])
    # the middle of the edge as vis-network draws it (straight or curved), centred in the view
    point = seed_page.js("""id => {
        const net = graphView.network;
        const mid = net.body.edges[id].edgeType.getPoint(0.5);
        net.moveTo({position: mid, scale: 1.5, animation: false});
        const dom = net.canvasToDOM(mid), box = document.querySelector('#graph canvas').getBoundingClientRect();
        return {x: box.left + dom.x, y: box.top + dom.y, edge: net.getEdgeAt(dom), node: net.getNodeAt(dom)};
    }""", edge_id)
    assert point["edge"] == edge_id and point["node"] is None
    seed_page.page.mouse.click(point["x"], point["y"])
    seed_page.wait_for("document.querySelector('#details-body h2')?.textContent === 'meets with'")
    text = panel_text(seed_page)
    assert data["statements"] and all(s["quote"] in text for s in data["statements"])
    for s in data["statements"]:  # each date as the article gives it, or that it gives none
        assert (f"Date: {format_date(s['date'], s.get('precision'))}" if s.get("date") else "Date not given") in text


# ---- search ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("query, entity", [
    ("Aleksandr Lukashenko", "lukashenko"),  # an alias
    ("aleksandr LUKASHENKO", "lukashenko"),  # in any case
    ("Republic of Belarus", "belarus"),  # an alias
    ("OSCE PA", "osce-pa"),  # a name that is also part of other names: the exact match wins
])
def test_search_selects_and_centres_the_entity(seed_page, seed_graph, query, entity):
    names = [seed_graph.nodes[entity]["label"], *seed_graph.nodes[entity]["aliases"]]
    assert query.lower() in {name.lower() for name in names}, "the seed data changed under this test"
    label = seed_graph.nodes[entity]["label"]
    seed_page.page.fill("#search", query)
    seed_page.wait_for("document.querySelectorAll('#search-results button').length > 0")
    first = seed_page.js("document.querySelector('#search-results button span').textContent")
    assert first == label
    seed_page.page.press("#search", "Enter")
    seed_page.wait_for("id => graphView.network.getSelectedNodes().join() === id", entity)
    assert seed_page.js("document.querySelector('#details-body h2').textContent") == label
    # centred: after the short animation the view's centre is the entity's position
    seed_page.wait_for("""id => {
        const net = graphView.network, p = net.getPositions([id])[id], c = net.getViewPosition();
        return Math.hypot(p.x - c.x, p.y - c.y) < 2;
    }""", entity)


def test_search_lists_no_match_as_text(seed_page):
    seed_page.page.fill("#search", "zzzz no such entity")
    seed_page.wait_for("document.getElementById('search-results').textContent.includes('No entity matches')")
    assert seed_page.js("graphView.network.getSelectedNodes()") == []


# ---- filters and focus -----------------------------------------------------------------------------


def _checkbox(section: str, key: str) -> str:
    return f"#{section} input[data-key='{key}']"


def test_type_filter_hides_that_type(seed_page, seed_graph):
    topics = {n for n, d in seed_graph.nodes(data=True) if d["type"] == "Topic"}
    total = seed_graph.number_of_nodes()
    seed_page.page.uncheck(_checkbox("filter-types", "Topic"))
    seed_page.wait_for("n => graphView.nodes.length === n", total - len(topics))
    shown = set(seed_page.js("graphView.nodes.getIds()"))
    assert shown == set(seed_graph.nodes) - topics
    assert set(seed_page.js("Object.keys(graphView.network.getPositions())")) == shown
    edges = seed_page.js("graphView.edges.get().map(e => [e.from, e.to])")
    assert edges and all(u not in topics and v not in topics for u, v in edges)
    seed_page.page.check(_checkbox("filter-types", "Topic"))
    seed_page.wait_for("n => graphView.nodes.length === n", total)


def test_article_and_date_filters_keep_only_matching_statements(seed_page, seed_graph):
    articles = sorted(seed_graph.graph["articles"])
    keep = "003_213a5d6f32416dc9"
    for article in articles:
        if article != keep:
            seed_page.page.uncheck(_checkbox("filter-articles", article))
    expected = {(u, v, k) for u, v, k, d in seed_graph.edges(keys=True, data=True)
                if any(s["article"] == keep for s in d["statements"])}
    seed_page.wait_for("n => graphView.edges.length === n", len(expected))
    shown = seed_page.js("""graphView.edges.getIds().map(id => {
        const e = graphView.data.edges.find(x => x.id === id); return [e.from, e.to, e.predicate]; })""")
    assert {tuple(e) for e in shown} == expected
    # entities left without any shown relation are hidden while a relation filter is on
    assert set(seed_page.js("graphView.nodes.getIds()")) == {x for u, v, _ in expected for x in (u, v)}

    seed_page.page.uncheck(_checkbox("filter-dates", "none"))  # only dated statements now
    expected_dated = {(u, v, k) for u, v, k, d in seed_graph.edges(keys=True, data=True)
                      if any(s["article"] == keep and s["date"] for s in d["statements"])}
    seed_page.wait_for("n => graphView.edges.length === n", len(expected_dated))
    assert expected_dated


def test_focus_mode_shows_only_the_neighbourhood(seed_page, seed_graph):
    seed_page.page.fill("#search", "Lukashenko")
    seed_page.page.press("#search", "Enter")
    seed_page.wait_for("graphView.network.getSelectedNodes().join() === 'lukashenko'")
    seed_page.page.select_option("#focus-depth", "1")
    seed_page.page.click("#focus-apply")
    around = set(nx.ego_graph(seed_graph.to_undirected(as_view=True), "lukashenko", radius=1).nodes)
    seed_page.wait_for("n => graphView.nodes.length === n", len(around))
    assert set(seed_page.js("graphView.nodes.getIds()")) == around
    seed_page.page.click("#focus-clear")
    seed_page.wait_for("n => graphView.nodes.length === n", seed_graph.number_of_nodes())


# ---- the one lookup rule ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Aleksándr  LUKASHENKO", "\u00a0aleksandr lukashenko\t", "lukashenko"])
def test_search_and_enter_follow_the_lookup_rule(seed_page, typed):
    seed_page.page.fill("#search", typed)
    seed_page.wait_for("document.querySelectorAll('#search-results button').length > 0")
    assert seed_page.js("document.querySelector('#search-results button span').textContent") == "Alexander Lukashenko"
    seed_page.page.press("#search", "Enter")
    seed_page.wait_for("graphView.network.getSelectedNodes().join() === 'lukashenko'")


def test_exact_resolution_is_equality_of_name_keys(seed_page, seed_graph):
    from graph_model.lookup import find_graph_entity_id

    for text in ["lukashenko", "ALEKSANDR  Lukashénko", "OSCE PA", " republic of BELARUS "]:
        assert seed_page.js("t => graphView.resolve(t)", text) == find_graph_entity_id(seed_graph, text)
    # a prefix or a part of a name is a search hit, never an exact answer
    assert seed_page.js("graphView.resolve('Lukashenk')") is None
    assert seed_page.js("graphView.search('Lukashenk').length") > 0
    assert seed_page.js("graphView.resolve('   ')") is None


def _known(char: str) -> bool:
    # characters this Python's Unicode database has assigned (the browser's ICU may know a newer
    # Unicode); surrogates cannot cross into JavaScript
    return unicodedata.category(char) not in ("Cn", "Cs", "Co")


NAMEY = st.text(alphabet=st.sampled_from("aAeEiIoOsSzZ \t\u00a0\u2003\u3000\ufeff\u0301\u0308\u030cßİıŁøﬁ-"), max_size=16)
ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8").filter(_known), max_size=30)


@pytest.fixture(scope="module")
def key_page(browser, tmp_path_factory):
    """A small rendered page, opened once for the property test below."""
    path = tmp_path_factory.mktemp("key") / "graph.html"
    path.write_text(render_html(synthetic_graph(5)), encoding="utf-8")
    context = browser.new_context()
    page = context.new_page()
    page.goto(path.as_uri())
    yield page
    context.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(NAMEY, ANY_TEXT), min_size=1, max_size=40))
def test_the_pages_name_key_is_graph_model_lookups(key_page, texts):
    from graph_model.lookup import name_key

    assert key_page.evaluate("texts => texts.map(graphView.nameKey)", texts) == [name_key(t) for t in texts]


# ---- Content Security Policy --------------------------------------------------------------------


def test_page_works_under_its_policy_with_no_violation_and_no_request(seed_page, seed_graph):
    policy = seed_page.js("document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content")
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert re.search(r"script-src 'sha256-[^;]+'", policy) and re.search(r"style-src 'sha256-[^;]+'", policy)
    assert "connect-src 'none'" in policy and "default-src 'none'" in policy

    # use every panel: evidence (entity, article, back, relation), tooltip, search, filters, focus
    click_node(seed_page, "lukashenko")
    seed_page.wait_for("document.querySelector('#details-body h2')?.textContent === 'Alexander Lukashenko'")
    seed_page.page.click("#details-body button.quote")
    seed_page.wait_for("!!document.querySelector('#details-body mark')")
    seed_page.page.click("#details-body button.back")
    point = seed_page.js("""() => { const net = graphView.network, d = net.canvasToDOM(net.getPositions(['belarus']).belarus);
        const b = document.querySelector('#graph canvas').getBoundingClientRect(); return {x: b.left + d.x, y: b.top + d.y}; }""")
    seed_page.page.mouse.move(point["x"], point["y"])
    seed_page.page.mouse.move(point["x"] + 1, point["y"] + 1)
    seed_page.wait_for("(document.querySelector('div.vis-tooltip')?.textContent || '').includes('Belarus')")
    seed_page.page.fill("#search", "belarus")
    seed_page.page.press("#search", "Enter")
    seed_page.wait_for("graphView.network.getSelectedNodes().join() === 'belarus'")
    seed_page.page.uncheck("#filter-types input[data-key='Topic']")
    seed_page.page.click("#focus-apply")
    seed_page.page.click("#focus-clear")
    seed_page.page.wait_for_timeout(300)
    assert seed_page.violations() == []
    assert seed_page.requests == [seed_page.url]
    assert seed_page.errors == []

    # and the policy is live: markup that slipped in could neither style nor run anything
    seed_page.js("""() => {
        document.body.insertAdjacentHTML('beforeend', '<div id="slipped" style="color: red">x</div>');
        const script = document.createElement('script');
        script.textContent = 'window.__ran = true;';
        document.body.appendChild(script);
    }""")
    seed_page.wait_for("window.__violations.length >= 2")
    assert sorted(v.split(" | ")[0] for v in seed_page.violations()) == ["script-src-elem", "style-src-attr"]
    assert seed_page.js("window.__ran") is None
    assert seed_page.js("getComputedStyle(document.getElementById('slipped')).color") != "rgb(255, 0, 0)"


# ---- safety ----------------------------------------------------------------------------------------


def hostile_graph() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    text = "Before. " + PAYLOAD + " After."
    graph.graph["articles"] = {"a1": {"label": "<img src=y onerror=alert(2)>", "file": "a1.txt",
                                      "publisher": None, "date": None, "text": text}}
    graph.add_node("evil", label=PAYLOAD, type="Person", aliases=["<svg onload=alert(3)>"],
                   description="<img src=z onerror=alert(4)></script><script>alert(5)</script>")
    graph.add_node("other", label="Other", type="Topic", aliases=[], description="")
    graph.add_edge("evil", "other", key="supports", predicate="supports", label="<b onmouseover=alert(6)>x</b>",
                   sources=1, statements=[{"statement": "s1", "article": "a1", "quote": PAYLOAD, "start": 8,
                                           "end": 8 + len(PAYLOAD), "speaker": "<img src=w onerror=alert(7)>",
                                           "date": None, "precision": None, "role": None,
                                           "involvement": None, "modality": "asserted"}])
    return graph


def test_hostile_labels_show_as_text_and_run_nothing(open_page):
    opened = open_page(render_html(hostile_graph(), title=PAYLOAD), "hostile.html")
    assert opened.requests == [opened.url]
    assert opened.js("document.title") == PAYLOAD

    click_node(opened, "evil")  # opens the panel with every field
    opened.wait_for("p => document.querySelector('#details-body h2')?.textContent === p", PAYLOAD)
    text = panel_text(opened)
    assert "<svg onload=alert(3)>" in text and "alert(5)" in text and "<img src=w onerror=alert(7)>" in text

    opened.page.mouse.move(5, 5)  # hover the node: vis-network's tooltip, plain text
    point = opened.js("""() => { const net = graphView.network, d = net.canvasToDOM(net.getPositions(['evil']).evil);
        const b = document.querySelector('#graph canvas').getBoundingClientRect(); return {x: b.left + d.x, y: b.top + d.y}; }""")
    opened.page.mouse.move(point["x"], point["y"])
    opened.page.mouse.move(point["x"] + 1, point["y"] + 1)
    opened.wait_for("p => (document.querySelector('div.vis-tooltip')?.textContent || '').includes(p)", PAYLOAD)

    opened.page.click("#details-body button.quote")  # the article, with the payload marked
    opened.wait_for("p => document.querySelector('#details-body mark')?.textContent === p", PAYLOAD)

    opened.page.fill("#search", "<img")  # search results
    opened.wait_for("document.querySelectorAll('#search-results button').length === 1")
    assert PAYLOAD in opened.js("document.getElementById('search-results').textContent")

    opened.page.wait_for_timeout(300)  # give any injected handler the chance to fire
    assert opened.dialogs == []
    assert opened.js("document.querySelectorAll('img, svg[onload], b[onmouseover]').length") == 0
    assert opened.js("document.querySelectorAll('script').length") == 3  # data, vis-network, app
    assert opened.requests == [opened.url]
    assert opened.errors == [] and opened.violations() == []


# ---- large graphs ----------------------------------------------------------------------------------


def test_large_graph_loads_in_slices_then_works(open_page):
    graph = synthetic_graph(2500, per_node=4.0, seed=11)
    opened = open_page(render_html(graph, max_nodes=2500), "large.html")
    n, m = graph.number_of_nodes(), graph.number_of_edges()
    state = opened.js("""[graphView.allNodes.length, graphView.allEdges.length,
        graphView.network.body.nodeIndices.length, graphView.network.body.edgeIndices.length,
        graphView.firstPaintAt !== null && graphView.firstPaintAt <= graphView.firstDrawAt,
        graphView.loaded]""")
    assert state == [n, m, n, m, True, True]
    assert opened.js("document.getElementById('counts').textContent").startswith("2,500 of 2,500")
    hub = max(graph.nodes, key=graph.degree)
    click_node(opened, hub)
    opened.wait_for("id => graphView.state.selected === id", hub)
    labelled = opened.js("""id => graphView.allEdges.get({filter: e => !!e.label}).length""", hub)
    assert labelled == len({(u, v, k) for u, v, k in graph.in_edges(hub, keys=True)} |
                           {(u, v, k) for u, v, k in graph.out_edges(hub, keys=True)})
    assert opened.js("graphView.search('Entity 12').length") > 0
    assert opened.errors == [] and opened.violations() == []
