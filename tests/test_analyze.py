"""networkx analytics: rankings, communities, paths with evidence, GraphML/GEXF exports."""

import io

import networkx as nx
import pytest

from graph_model.analyze import analyze_graph, shortest_paths, write_network
from graph_model.errors import UsageError
from graph_model.project import project_graph


@pytest.fixture(scope="module")
def seed_graph(seed_store):
    return project_graph(seed_store)


def test_projection_has_every_entity_and_one_edge_per_relation(seed_graph, seed_build):
    corpus = seed_build[0]
    assert set(seed_graph.nodes) == set(corpus.entities)
    relations = {(s.subject, s.object, s.predicate) for m in corpus.mappings for s in m.statements}
    assert set(seed_graph.edges(keys=True)) == relations
    edge = seed_graph.edges["lukashenko", "helsinki-2", "proposes"]
    assert edge["sources"] == 4
    assert all(s["quote"] for s in edge["statements"])


def test_ranking_puts_the_hubs_first(seed_graph):
    analysis = analyze_graph(seed_graph, top=3)
    assert {r.id for r in analysis.ranking} == {"belarus", "helsinki-2", "lukashenko"}
    assert analysis.ranking[0].degree >= analysis.ranking[-1].degree
    assert sum(len(c) for c in analysis.communities) == seed_graph.number_of_nodes()
    assert analysis.bridges and analysis.bridges[0].id in {"belarus", "lukashenko", "helsinki-2"}


def test_analysis_is_deterministic(seed_graph):
    assert analyze_graph(seed_graph) == analyze_graph(seed_graph)


def test_path_from_lukashenko_to_nato_has_a_quote_per_hop(seed_graph):
    paths = shortest_paths(seed_graph, "lukashenko", "NATO")
    assert paths
    for path in paths:
        assert path[0].source == "lukashenko" or path[0].target == "lukashenko"
        assert "nato" in (path[-1].source, path[-1].target)
        for hop in path:
            text = seed_graph.graph["articles"][hop.article]["text"]
            assert hop.quote in text


def test_unknown_entity_in_path_suggests_a_name(seed_graph):
    with pytest.raises(UsageError, match="Did you mean 'nato'"):
        shortest_paths(seed_graph, "lukashenko", "natoo")


@pytest.mark.parametrize("fmt, reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_network_exports_round_trip_with_counts_types_and_sources(seed_store, seed_graph, fmt, reader):
    data = write_network(seed_store, fmt)
    assert data == write_network(seed_store, fmt)
    network = reader(io.BytesIO(data))
    assert network.number_of_nodes() == seed_graph.number_of_nodes()
    assert network.number_of_edges() == seed_graph.number_of_edges()
    node = network.nodes["lukashenko"]
    assert node["type"] == "Person" and "Aleksandr Lukashenko" in node["aliases"]
    sources = [d["sources"] for u, v, d in network.edges(data=True) if (u, v) == ("lukashenko", "helsinki-2")
               and d["predicate"] == "proposes"]
    assert [int(s) for s in sources] == [4]
