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


def test_projection_and_stats_key_types_precisions_and_modalities_by_iri_not_label(seed_build, seed_graph):
    """Relabel every class and individual in the ontology: no key the code reads may change."""
    from graph_model.stats import compute_stats
    from graph_model.store import GraphStore
    from graph_model.vocabulary import EntityType

    store = GraphStore.in_memory()
    store.load_nquads(seed_build[2])
    store.load_ontology()
    store.ox.update("""
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX kg: <https://newsgraph.example/ontology#>
        DELETE { GRAPH ?g { ?term rdfs:label ?label } } INSERT { GRAPH ?g { ?term rdfs:label "relabelled"@de } }
        WHERE { GRAPH ?g { ?term rdfs:label ?label } FILTER(?term IN (kg:Person, kg:Organisation, kg:DayPrecision,
                kg:YearPrecision, kg:LateYearPrecision, kg:MonthDayPrecision, kg:Asserted, kg:Proposed, kg:Possible)) }""")
    relabelled = project_graph(store)
    assert dict(relabelled.nodes(data="type")) == dict(seed_graph.nodes(data="type"))
    assert set(dict(relabelled.nodes(data="type")).values()) <= {t.value for t in EntityType}

    def qualifiers(graph):
        return sorted((s["statement"], s["precision"] or "", s["modality"])
                      for _, _, d in graph.edges(data=True) for s in d["statements"])

    assert qualifiers(relabelled) == qualifiers(seed_graph)
    assert {p for _, p, _ in qualifiers(seed_graph)} >= {"day", "year", "late year", ""}
    assert {m for _, _, m in qualifiers(seed_graph)} == {"asserted", "proposed", "possible"}
    assert compute_stats(store).entities_by_type["Person"] == sum(
        1 for _, t in seed_graph.nodes(data="type") if t == "Person")


def test_a_store_with_a_type_this_code_does_not_know_is_a_store_error(seed_build):
    from graph_model.errors import StoreError
    from graph_model.store import GraphStore

    store = GraphStore.in_memory()
    store.load_nquads(seed_build[2])
    store.ox.update("""
        PREFIX kg: <https://newsgraph.example/ontology#>
        DELETE { GRAPH ?g { ?e kg:entityType kg:Topic } } INSERT { GRAPH ?g { ?e kg:entityType kg:Subject } }
        WHERE { GRAPH ?g { ?e kg:entityType kg:Topic } }""")
    with pytest.raises(StoreError, match=r"the store holds <https://newsgraph\.example/ontology#Subject>, which is "
                                         r"no EntityType \(Person, .*Document\)\. .* run 'kg build' again\."):
        project_graph(store)
