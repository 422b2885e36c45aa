"""Dynamic GEXF for Gephi's timeline: intervals from the statement dates, read back by networkx."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ElementTree

import networkx as nx
import pytest

from graph_model.export import export_bytes

from .conftest import write_seeds
from .test_export_ftm import HOSTILE_ARTICLE, HOSTILE_ENTITIES, HOSTILE_MAPPING, store_of

GEXF = "{http://www.gexf.net/1.2draft}"


def read(data: bytes) -> nx.MultiDiGraph:
    return nx.read_gexf(io.BytesIO(data))


def interval(graph: nx.MultiDiGraph, u: str, v: str, key: str) -> tuple[str, str] | None:
    data = next(d for _, target, d in graph.out_edges(u, data=True) if target == v and d["predicate"] == key)
    return (data["start"], data["end"]) if "start" in data else None


@pytest.fixture(scope="module")
def seed_gexf(seed_store) -> bytes:
    return export_bytes(seed_store, "gexf")


def test_graph_is_dynamic_with_dates(seed_gexf):
    graph = ElementTree.fromstring(seed_gexf).find(f"{GEXF}graph")
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    assert b"lastmodifieddate" not in seed_gexf


def test_edges_span_their_statements_at_each_dates_precision(seed_gexf):
    graph = read(seed_gexf)
    # "late 2016", "2017" and 2017-07-05: from the first day of 2016 to the last of 2017.
    assert interval(graph, "lukashenko", "helsinki-2", "proposes") == ("2016-01-01", "2017-12-31")
    # Only "1945": the whole year, no day picked within it.
    assert interval(graph, "san-francisco-conference", "un", "ledTo") == ("1945-01-01", "1945-12-31")
    assert interval(graph, "helsinki-2", "china", "involves") == ("2017-07-05", "2017-07-05")
    # No statement dated: no interval, so Gephi shows the relation at all times.
    assert interval(graph, "belarus", "csto", "partyTo") is None


def test_nodes_span_their_edges_only_when_all_are_dated(seed_gexf):
    graph = read(seed_gexf)
    dated_nodes = [n for n, d in graph.nodes(data=True) if "start" in d]
    assert dated_nodes and "lukashenko" not in dated_nodes  # he has undated relations too
    for node in graph.nodes:
        edges = [d for *_, d in graph.in_edges(node, data=True)] + [d for *_, d in graph.out_edges(node, data=True)]
        if all("start" in d for d in edges):
            assert graph.nodes[node]["start"] == min(d["start"] for d in edges)
            assert graph.nodes[node]["end"] == max(d["end"] for d in edges)
        else:
            assert "start" not in graph.nodes[node] and "end" not in graph.nodes[node]


def test_month_and_yearless_dates(tmp_path):
    store = store_of(write_seeds(tmp_path / "seeds", article=HOSTILE_ARTICLE, entities=HOSTILE_ENTITIES,
                                 mapping=HOSTILE_MAPPING))
    graph = read(export_bytes(store, "gexf"))
    assert interval(graph, "helsinki-2", "osce", "involves") == ("2017-02-01", "2017-02-28")
    assert interval(graph, "lukashenko", "helsinki-2", "supports") is None  # "--05-17": no year, no interval
    assert interval(graph, "lukashenko", "helsinki-2", "proposes") == ("2017-07-05", "2017-07-05")


def test_graphml_stays_static(seed_store):
    graph = nx.read_graphml(io.BytesIO(export_bytes(seed_store, "graphml")))
    assert not any("start" in d for *_, d in graph.edges(data=True))


def test_same_store_contents_give_the_same_bytes(seed_gexf, seed_build):
    from graph_model.store import GraphStore

    again = GraphStore.in_memory()
    again.load_nquads(seed_build[2])
    again.load_ontology()
    assert export_bytes(again, "gexf") == seed_gexf
