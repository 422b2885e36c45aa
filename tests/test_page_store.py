"""The page of a store too large to project whole (graph_model.page_store, render_store_html):
chosen in the store, the same entities, relations and quotes as the projected graph's page, and
it says what it leaves out."""

import json
import re
import subprocess
import sys

import pytest

from graph_model import page_store
from graph_model.build import build
from graph_model.errors import UsageError
from graph_model.project import project_graph
from graph_model.render import render_html, render_store_html


def embedded(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S).group(1))


def notice(html: str) -> str:
    return re.search(r'<div id="notice" role="status">([^<]*)</div>', html).group(1)


def shape(data: dict):
    """What a page draws, without positions (the layout sees the same graph either way)."""
    nodes = [(n["id"], n["label"], n["type"], n["aliases"], n["description"], n["rank"]) for n in data["nodes"]]
    edges = [(e["from"], e["to"], e["predicate"], e["sources"], e["statements"], e.get("disputed")) for e in data["edges"]]
    return nodes, edges


@pytest.mark.parametrize("options", [
    {"max_nodes": 20},
    {"max_nodes": 15, "focus": "Lukashenko", "depth": 2},
    {"max_nodes": 10, "types": {"Person", "State"}},
    {"max_nodes": 40, "predicates": {"proposes", "supports", "involves"}},
])
def test_the_store_chooses_what_the_projected_graph_would_show(seed_store, options):
    from_store = embedded(render_store_html(seed_store, **options))
    projected = embedded(render_html(project_graph(seed_store), **options))
    assert shape(from_store) == shape(projected)
    assert from_store["articles"] == projected["articles"]
    assert from_store["meta"] == {**projected["meta"], "unquotedEdges": 0}
    assert from_store["meta"]["reduced"] is True


def test_the_reduced_page_says_what_it_shows(seed_store):
    html = render_store_html(seed_store, max_nodes=20)
    data = embedded(html)
    selected_edges = project_graph(seed_store).number_of_edges()
    assert len(data["nodes"]) == 20 and data["meta"]["totalNodes"] == 123
    assert notice(html) == (
        f"Showing the 20 most connected of 123 entities ({len(data['edges'])} of {selected_edges} relations). "
        "Use focus or the filters to explore the rest (kg render --focus ENTITY, --type, --predicate, or a "
        "larger --max-nodes).")


def test_relations_past_the_evidence_limit_are_drawn_without_quotes_and_the_page_says_so(seed_store, monkeypatch):
    complete = embedded(render_store_html(seed_store, max_nodes=20))
    monkeypatch.setattr(page_store, "EVIDENCE_LIMIT", 5)
    html = render_store_html(seed_store, max_nodes=20)
    data = embedded(html)
    quoted = [e for e in data["edges"] if not e.get("unquoted")]
    unquoted = [e for e in data["edges"] if e.get("unquoted")]
    assert quoted and unquoted and all(e["statements"] == [] for e in unquoted)
    # the relations the limit kept carry every quote they have, and they are the most connected entities'
    full = {(e["from"], e["to"], e["predicate"]): e["statements"] for e in complete["edges"]}
    assert all(e["statements"] == full[(e["from"], e["to"], e["predicate"])] for e in quoted)
    assert 5 <= sum(len(e["statements"]) for e in quoted) < 5 + max(len(s) for s in full.values())
    top = next(n["id"] for n in data["nodes"] if n["rank"] == 0)
    assert any(top in (e["from"], e["to"]) for e in quoted)
    assert [(e["from"], e["to"], e["predicate"]) for e in data["edges"]] == list(full)
    assert data["meta"]["unquotedEdges"] == len(unquoted)
    assert notice(html).endswith(f"Quotes are included for {len(quoted)} of the {len(data['edges'])} relations shown "
                                 "(those of the most connected entities); render with --focus ENTITY to include "
                                 "the quotes of its relations.")


def test_a_store_within_max_nodes_gives_the_projected_graph_page_byte_for_byte(seed_store):
    assert render_store_html(seed_store) == render_html(project_graph(seed_store))


def test_bad_filters_and_focus_are_one_usage_error(seed_store):
    with pytest.raises(UsageError) as caught:
        render_store_html(seed_store, max_nodes=10, types={"Persn"}, focus="Lukashenkoo")
    message = str(caught.value)
    assert "unknown type 'Persn'. Did you mean 'Person'?" in message
    assert "no entity named 'Lukashenkoo'" in message


def test_kg_render_of_a_store_larger_than_max_nodes(tmp_path, seeds_curated):
    out = tmp_path / "build"
    build(seeds_curated, out, render=False)
    page = tmp_path / "page.html"
    done = subprocess.run([sys.executable, "-m", "graph_model", "render", "--out", str(out), "-o", str(page),
                           "--max-nodes", "25"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    html = page.read_text(encoding="utf-8")
    assert notice(html).startswith("Showing the 25 most connected of 123 entities (")
    assert len(embedded(html)["nodes"]) == 25


def test_a_focus_stays_on_the_page_however_weakly_connected(seed_store):
    graph = project_graph(seed_store)
    weakest = min((n for n in graph if graph.degree(n)), key=lambda n: (graph.degree(n), n))
    from_store = embedded(render_store_html(seed_store, focus=weakest, depth=3, max_nodes=5))
    projected = embedded(render_html(graph, focus=weakest, depth=3, max_nodes=5))
    assert shape(from_store) == shape(projected)
    assert weakest in [n["id"] for n in from_store["nodes"]] and from_store["meta"]["focus"] == weakest
