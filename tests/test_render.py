"""Unit tests for graph_model.render: the page's bytes, its embedded data, and its safety."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from graph_model import page_data, render
from graph_model.errors import GraphModelError, UsageError
from graph_model.page_data import format_date, vis_options
from graph_model.render import render_html, render_store_html

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
    # (the layout itself is deterministic without its cache: tests/test_layout.py)
    assert render_html(seed_graph) == seed_html


def test_insertion_order_does_not_change_the_page(seed_graph, seed_html):
    shuffled = nx.MultiDiGraph()
    shuffled.graph.update(seed_graph.graph)
    shuffled.add_nodes_from(reversed(list(seed_graph.nodes(data=True))))
    shuffled.add_edges_from(reversed(list(seed_graph.edges(keys=True, data=True))))
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
    assert page_data.edge_width(3) > page_data.edge_width(2) > page_data.edge_width(1)
    for edge in data["edges"]:
        assert edge["width"] == page_data.edge_width(edge["sources"])


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


def test_large_graph_pages_are_byte_identical():
    graph = synthetic(1200, per_node=3.0)
    assert render_html(graph) == render_html(graph.copy())


def test_arrowheads_only_below_the_arrow_limit(seed_html):
    assert embedded(seed_html)["options"]["edges"]["arrows"]["to"]["enabled"] is True
    assert vis_options(2000, page_data.ARROW_LIMIT)["edges"]["arrows"]["to"]["enabled"] is True
    assert vis_options(10000, page_data.ARROW_LIMIT + 1)["edges"]["arrows"]["to"]["enabled"] is False


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
    assert set(data["options"]["groups"]) == set(page_data.TYPE_STYLES) | {"Thing"}


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
    text = page_data.embed_json({"a": "<&>", "b": ["</script>"]})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "<&>", "b": ["</script>"]}


def test_inlined_code_cannot_close_its_element():
    assert "</script" not in render.vis_asset("vis-network.min.js")
    assert "</style" not in render.vis_asset("vis-network.css")
    css, js = render.page_code()
    assert "</script" not in js and "</style" not in css


# ---- Content Security Policy ---------------------------------------------------------------------------


def test_policy_allows_exactly_the_inline_code_by_hash(seed_html):
    from graph_model.csp import page_policy

    meta = re.search(r'\n<meta http-equiv="Content-Security-Policy" content="([^"]*)">', seed_html)
    assert meta and seed_html.index(meta.group(0)) < seed_html.index("<meta charset")  # before any code
    policy = meta.group(1)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    # the hashes are those of the finished page's own <script> and <style> bodies, nothing else
    without = seed_html.replace(meta.group(0), "", 1)
    assert policy == page_policy(without)
    bodies = re.findall(r"<(script|style)>(.*?)</\1>", without, re.S)
    assert len(bodies) == 4  # vis-network's CSS and JS, the page's CSS and JS; the JSON is data
    from graph_model.csp import sha256_source
    for _, body in bodies:
        assert sha256_source(body) in policy


class _StyleAttributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found += [tag for name, _ in attrs if name == "style" or name.startswith("on")]


def test_markup_has_no_style_or_event_handler_attributes(seed_html):
    # the policy blocks style="" and on*="" attributes: the markup must not need any
    parser = _StyleAttributes()
    parser.feed(seed_html)
    assert parser.found == []


# ---- the page's parts -------------------------------------------------------------------------------


TEMPLATES = Path(render.__file__).parent / "templates"


def test_every_panel_file_is_inlined_in_order():
    assert sorted(render.PAGE_SCRIPTS) == sorted(p.name for p in TEMPLATES.glob("graph-*.js"))
    assert sorted(render.PAGE_STYLES) == sorted(p.name for p in TEMPLATES.glob("graph-*.css"))
    css, js = render.page_code()
    for name in render.PAGE_SCRIPTS + render.PAGE_STYLES:
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        assert text in (js if name.endswith(".js") else css), name
    positions = [js.index((TEMPLATES / name).read_text(encoding="utf-8")) for name in render.PAGE_SCRIPTS]
    assert positions == sorted(positions)


def test_vis_network_internals_are_touched_in_one_file_only():
    internals = re.compile(r"\.body\b|\.canvas\b|emitter|_blockRedraw|_allowRedraw|_requestRedraw|_dataChanged")
    touching = sorted(p.name for p in TEMPLATES.glob("graph-*.js") if internals.search(p.read_text(encoding="utf-8")))
    assert touching == ["graph-loader.js"]
    loader = (TEMPLATES / "graph-loader.js").read_text(encoding="utf-8")
    assert f"vis-network {render.VIS_NETWORK_VERSION}" in loader and f"pyvis {render.PYVIS_VERSION}" in loader


# ---- vis-network from pyvis, through a checked path -----------------------------------------------------


def test_vis_network_comes_from_the_installed_pyvis():
    import importlib.util

    package = Path(importlib.util.find_spec("pyvis").origin).parent
    assert render.vis_asset("vis-network.min.js", package_dir=package) == render.vis_asset("vis-network.min.js")
    assert f"@version {render.VIS_NETWORK_VERSION}" in render.vis_asset("vis-network.min.js")


def test_a_pyvis_without_the_asset_is_named_with_both_versions(tmp_path):
    import importlib.metadata

    fake = tmp_path / "pyvis"
    (fake / "lib" / "vis-9.9.9").mkdir(parents=True)  # what a newer release might ship
    (fake / "__init__.py").write_text("", encoding="utf-8")
    with pytest.raises(GraphModelError) as caught:
        render.vis_asset("vis-network.min.js", package_dir=fake)
    missing = fake / "lib" / f"vis-{render.VIS_NETWORK_VERSION}" / "vis-network.min.js"
    assert str(caught.value) == (
        f"vis-network {render.VIS_NETWORK_VERSION} is not where pyvis {render.PYVIS_VERSION} keeps it: {missing} "
        f"is missing (pyvis {importlib.metadata.version('pyvis')} is installed). Install the expected version: "
        f"pip install 'pyvis=={render.PYVIS_VERSION}'.")


def test_the_expected_pyvis_is_the_one_pyproject_pins():
    import tomllib

    pyproject = tomllib.loads((Path(render.__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    assert f"pyvis=={render.PYVIS_VERSION}" in pyproject["project"]["dependencies"]


# ---- types are keyed by the vocabulary ------------------------------------------------------------------


def test_type_styles_are_keyed_by_entity_type_and_distinct():
    from graph_model.vocabulary import EntityType

    assert all(isinstance(kind, EntityType) for kind in page_data.TYPE_STYLES)
    assert set(page_data.TYPE_STYLES) == set(EntityType)  # a new type needs its own colour and shape
    colours = [style["color"] for style in page_data.TYPE_STYLES.values()]
    assert len(set(colours)) == len(colours)
    groups = vis_options(1, 0)["groups"]
    assert list(groups) == [kind.value for kind in EntityType] + ["Thing"]
    assert all(type(name) is str for name in groups)  # plain strings in the JSON, not enum reprs


# ---- focus, filters, reduction ----------------------------------------------------------------------


@pytest.mark.parametrize("depth", [0, 1, 2])
def test_focus_keeps_exactly_the_neighbourhood(seed_graph, depth):
    data = embedded(render_html(seed_graph, focus="lukashenko", depth=depth))
    expected = set(nx.ego_graph(seed_graph.to_undirected(as_view=True), "lukashenko", radius=depth).nodes)
    assert {n["id"] for n in data["nodes"]} == expected
    expected_edges = {(u, v, k) for u, v, k in seed_graph.edges(keys=True) if u in expected and v in expected}
    assert {(e["from"], e["to"], e["predicate"]) for e in data["edges"]} == expected_edges
    assert data["meta"]["focus"] == "lukashenko" and data["meta"]["depth"] == depth


@pytest.mark.parametrize("name", ["lukashenko", "Aleksandr Lukashenko", "  ALEKSANDR   lukashenko ",
                                  "Aleksándr Lukashenko"])
def test_focus_takes_an_id_label_or_alias_by_the_lookup_rule(seed_graph, name):
    data = embedded(render_html(seed_graph, focus=name, depth=0))
    assert data["meta"]["focus"] == "lukashenko" and [n["id"] for n in data["nodes"]] == ["lukashenko"]


def test_focus_on_an_unknown_entity_is_a_usage_error(seed_graph):
    with pytest.raises(UsageError) as caught:
        render_html(seed_graph, focus="Lukashenkoo")
    # the hint is graph_model.lookup's, naming the closest ids and names
    assert str(caught.value).startswith("no entity named 'Lukashenkoo'. Did you mean 'lukashenko'")


# ---- options are checked by the library ------------------------------------------------------------

OPTION_ERRORS = [
    ({"depth": -1}, "depth must be 0 or more, not -1. Pass how many relations away from the focus entity to "
                    "show (0: the entity alone)."),
    ({"max_nodes": 0}, "max nodes must be at least 1, not 0. Pass how many entities the page may show at most "
                       "(default 2000)."),
    ({"types": {"Persn"}}, "unknown type 'Persn'. Did you mean 'Person'? Types: Document, Event, Initiative, "
                           "Organisation, Person, Place, State, Topic."),
]


@pytest.mark.parametrize("options, message", OPTION_ERRORS)
def test_bad_options_are_usage_errors(seed_graph, options, message):
    with pytest.raises(UsageError) as caught:
        render_html(seed_graph, **options)
    assert str(caught.value) == message


def test_every_bad_option_is_named_in_one_error(seed_graph):
    with pytest.raises(UsageError) as caught:
        render_html(seed_graph, depth=-1, max_nodes=0, types={"Persn"}, focus="Lukashenkoo")
    text = str(caught.value)
    assert text.startswith(" ".join(message for _, message in OPTION_ERRORS) + " no entity named 'Lukashenkoo'.")


def test_unknown_predicate_is_a_usage_error_naming_the_closest(seed_graph):
    with pytest.raises(UsageError) as caught:
        render_html(seed_graph, predicates={"propose"})
    assert str(caught.value).startswith("unknown predicate 'propose'. Did you mean 'proposes'")


def test_store_page_checks_numbers_before_reading_the_store():
    with pytest.raises(UsageError, match="^max nodes must be at least 1"):
        render_store_html(object(), max_nodes=0)  # not a store: never touched


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory):
    from click.testing import CliRunner

    from graph_model.cli import main

    from .conftest import write_seeds

    root = tmp_path_factory.mktemp("render-cli")
    seeds, out = write_seeds(root / "seeds"), root / "build"
    result = CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--out", str(out), "--no-render", "--no-shapes"])
    assert result.exit_code == 0, result.output
    return out


def kg(*args):
    from click.testing import CliRunner

    from graph_model.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args], prog_name="kg")
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("flag, value, message", [
    ("--depth", "-1", OPTION_ERRORS[0][1]),
    ("--max-nodes", "0", OPTION_ERRORS[1][1]),
    ("--type", "Persn", OPTION_ERRORS[2][1]),
])
def test_cli_render_bad_option_exits_2_with_the_library_message(tiny_build, tmp_path, flag, value, message):
    code, out, err = kg("render", "--out", tiny_build, "-o", tmp_path / "page.html", flag, value)
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"Error: {message}", "Try 'kg render --help' for help."]
    assert not (tmp_path / "page.html").exists()


def test_cli_render_unknown_focus_exits_2_with_the_library_message(tiny_build, tmp_path):
    from graph_model.project import project_graph
    from graph_model.store import open_store

    with pytest.raises(UsageError) as caught:
        render_html(project_graph(open_store(tiny_build)), focus="Lukashenkoo")
    code, out, err = kg("render", "--out", tiny_build, "-o", tmp_path / "page.html", "--focus", "Lukashenkoo")
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"Error: {caught.value}", "Try 'kg render --help' for help."]


def test_cli_render_writes_the_focused_page(tiny_build, tmp_path):
    code, _, err = kg("render", "--out", tiny_build, "-o", tmp_path / "page.html", "--focus", "LUKASHENKO",
                      "--depth", "0")
    assert code == 0, err
    data = embedded((tmp_path / "page.html").read_text(encoding="utf-8"))
    assert data["meta"]["focus"] == "lukashenko" and [n["id"] for n in data["nodes"]] == ["lukashenko"]


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
