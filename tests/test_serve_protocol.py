"""SPARQL 1.1 Protocol conformance of ``kg serve``: curl-level cases in-process, and real clients
(SPARQLWrapper, rdflib's SPARQLStore) at their default settings over a real socket."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
import xml.dom.minidom

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from graph_model.build import build
from graph_model.serve import ServeSettings, create_app

from .conftest import SEEDS, kg_serve

A0 = "https://newsgraph.example/article/000_e7ccb706e8c9b9a5"  # an article's graph is named by its IRI
A1 = "https://newsgraph.example/article/001_193587b326805307"
ART1 = A1


@pytest.fixture(scope="module")
def client(seed_store):
    with TestClient(create_app(seed_store, settings=ServeSettings(max_results=50_000))) as test_client:
        yield test_client


def ask(client, query, **params):
    reply = client.get("/sparql", params={"query": query, **params})
    assert reply.status_code == 200, reply.text
    return reply.json()["boolean"]


def test_graph_names_of_the_seeds(seed_store):
    names = {s["g"].value for s in seed_store.query("SELECT DISTINCT ?g { GRAPH ?g { } }")}
    assert {A0, A1} <= names
    assert seed_store.query(f"ASK {{ GRAPH <{A1}> {{ <{ART1}> a ?t }} }}")


# ---- the dataset: protocol parameters, then FROM, then the union

def test_default_graph_uri_restricts_the_default_graph(client):
    assert ask(client, f"ASK {{ <{ART1}> a ?t }}") is True  # the union by default
    assert ask(client, f"ASK {{ <{ART1}> a ?t }}", **{"default-graph-uri": A0}) is False
    assert ask(client, f"ASK {{ <{ART1}> a ?t }}", **{"default-graph-uri": A1}) is True


def test_from_in_the_query_is_honoured(client):
    assert ask(client, f"ASK FROM <{A0}> {{ <{ART1}> a ?t }}") is False
    assert ask(client, f"ASK FROM <{A1}> {{ <{ART1}> a ?t }}") is True


def test_protocol_dataset_overrides_from(client):
    assert ask(client, f"ASK FROM <{A1}> {{ <{ART1}> a ?t }}", **{"default-graph-uri": A0}) is False


def test_named_graph_uri_lists_only_those_graphs(client):
    reply = client.get("/sparql", params=[("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"),
                                          ("named-graph-uri", A0)])
    assert [b["g"]["value"] for b in reply.json()["results"]["bindings"]] == [A0]


def test_the_cache_keeps_datasets_apart(client):
    query = f"ASK {{ <{ART1}> a ?t }}"
    assert ask(client, query) is True
    assert ask(client, query, **{"default-graph-uri": A0}) is False
    assert ask(client, query) is True


def test_a_dataset_iri_that_is_no_iri_is_a_400(client):
    reply = client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"})
    assert reply.status_code == 400 and "not an IRI" in reply.text


# ---- request shape

def test_two_query_parameters_are_a_400(client):
    get = client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")])
    form = client.post("/sparql", data={"query": ["ASK {}", "ASK {}"]})
    mixed = client.post("/sparql?query=ASK%7B%7D", content="ASK {}",
                        headers={"content-type": "application/sparql-query"})
    for reply in (get, form, mixed):
        assert reply.status_code == 400 and "exactly one" in reply.text


def test_relative_iris_resolve_against_the_base(client):
    reply = client.get("/sparql", params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
                       headers={"accept": "application/n-triples"})
    assert reply.status_code == 200
    assert reply.text.strip() == ('<https://newsgraph.example/s> <https://newsgraph.example/p> '
                                  '"1"^^<http://www.w3.org/2001/XMLSchema#integer> .')
    assert ask(client, "ASK { <entity/nato> ?p ?o }") is True


def test_select_without_where_keyword_is_a_query(client):
    reply = client.get("/sparql", params={"query": "SELECT ?o { ent:lukashenko kg:proposes ?o }"})
    assert reply.status_code == 200 and reply.json()["results"]["bindings"]


@pytest.mark.parametrize("content_type, body, status, words", [
    ("application/sparql-query; charset=ISO-8859-1", "ASK {}".encode("latin-1"), 415, "charset=iso-8859-1"),
    ("application/sparql-query", 'ASK { ?s ?p "caf\xe9" }'.encode("latin-1"), 415, "byte 0xE9"),
    ("application/x-www-form-urlencoded", b"query=ASK%20%7B%20%22%E9%22%20%7D", 415, "UTF-8"),
    ("text/plain", b"ASK {}", 415, "application/sparql-query"),
])
def test_bodies_that_are_not_utf8_or_not_a_query_type(client, content_type, body, status, words):
    reply = client.post("/sparql", content=body, headers={"content-type": content_type})
    assert reply.status_code == status and words in reply.text


# ---- content negotiation

def test_construct_as_rdf_xml_parses(client):
    query = "CONSTRUCT { ent:lukashenko kg:proposes ?o } WHERE { ent:lukashenko kg:proposes ?o }"
    reply = client.get("/sparql", params={"query": query}, headers={"accept": "application/rdf+xml"})
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/rdf+xml"
    triples = list(ox.parse(reply.content, format=ox.RdfFormat.RDF_XML))
    assert ox.NamedNode("https://newsgraph.example/entity/helsinki-2") in {t.object for t in triples}


@pytest.mark.parametrize("accept", ["application/sparql-results+json;q=0, text/csv",
                                    "application/sparql-results+json;q=-1, text/csv",
                                    "application/sparql-results+json;q=NaN, text/csv"])
def test_q_zero_negative_or_nan_is_not_acceptable(client, accept):
    reply = client.get("/sparql", params={"query": "SELECT * { } "}, headers={"accept": accept})
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/csv")
    only = client.get("/sparql", params={"query": "ASK {}"}, headers={"accept": accept.split(",")[0]})
    assert only.status_code == 406


def test_unknown_format_parameter_is_a_400_and_known_ones_work(client):
    reply = client.get("/sparql", params={"query": "ASK {}", "format": "yaml"})
    assert reply.status_code == 400 and "unknown format 'yaml'" in reply.text and "tsv" in reply.text
    assert client.get("/sparql", params={"query": "ASK {}", "format": "xml"}).headers["content-type"] \
        .startswith("application/sparql-results+xml")
    assert client.get("/sparql", params={"query": "ASK {}", "format": "turtle"}).status_code == 406


def test_xml_results_stay_well_formed_with_control_characters(client):
    query = 'SELECT ?x WHERE { BIND("a\\u0001b\\u000Bc" AS ?x) }'
    reply = client.get("/sparql", params={"query": query}, headers={"accept": "application/sparql-results+xml"})
    document = xml.dom.minidom.parseString(reply.content)
    assert document.getElementsByTagName("literal")[0].firstChild.data == "a\ufffdb\ufffdc"
    exact = client.get("/sparql", params={"query": query}).json()
    assert exact["results"]["bindings"][0]["x"]["value"] == "a\x01b\x0bc"
    construct = client.get("/sparql", params={"query": 'CONSTRUCT { <urn:s> <urn:p> "a\\u0001b" } WHERE {}'},
                           headers={"accept": "application/rdf+xml"})
    xml.dom.minidom.parseString(construct.content)


# ---- real clients, default settings, real socket

@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    out = tmp_path_factory.mktemp("protocol") / "build"
    build(SEEDS, out, render=False)
    with kg_serve(out, "--workers", "2") as base:
        yield base + "/sparql"


@pytest.mark.parametrize("return_format", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_select_in_every_results_format(endpoint, return_format):
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery("SELECT ?o WHERE { ent:lukashenko kg:proposes ?o } ORDER BY ?o")
    client.setReturnFormat(return_format)
    converted = client.query().convert()
    text = converted.decode() if isinstance(converted, bytes) else (
        converted.toxml() if hasattr(converted, "toxml") else json.dumps(converted))
    assert "https://newsgraph.example/entity/helsinki-2" in text


@pytest.mark.parametrize("return_format", [None, "turtle", "n3", "json-ld"])
def test_sparqlwrapper_construct_with_its_default_rdf_xml_and_others(endpoint, return_format):
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery("CONSTRUCT { ent:lukashenko kg:proposes ?o } WHERE { ent:lukashenko kg:proposes ?o }")
    if return_format:
        client.setReturnFormat(return_format)
    result = client.query().convert()
    if return_format is None:  # SPARQLWrapper's default: RDF/XML, converted to an rdflib Graph
        from rdflib import URIRef

        assert (URIRef("https://newsgraph.example/entity/lukashenko"),
                URIRef("https://newsgraph.example/ontology#proposes"),
                URIRef("https://newsgraph.example/entity/helsinki-2")) in result
    else:
        text = result.decode() if isinstance(result, bytes) else result.serialize(format="nt")
        assert "helsinki-2" in text


def test_sparqlwrapper_ask(endpoint):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery("ASK { ent:lukashenko kg:proposes ent:helsinki-2 }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_rdflib_sparqlstore_select_ask_construct(endpoint):
    from rdflib import Graph, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(endpoint))
    select = list(graph.query("SELECT ?o WHERE { <https://newsgraph.example/entity/lukashenko> "
                              "<https://newsgraph.example/ontology#proposes> ?o }"))
    assert URIRef("https://newsgraph.example/entity/helsinki-2") in {row[0] for row in select}
    assert graph.query("ASK { <https://newsgraph.example/entity/lukashenko> ?p ?o }").askAnswer is True
    construct = graph.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o . "
                            "FILTER(?s = <https://newsgraph.example/entity/nato>) }")
    assert len(construct.graph) > 0


def test_rdflib_named_graph_sees_only_its_article(endpoint, seed_store):
    from rdflib import Graph, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(endpoint), identifier=URIRef(A0))
    expected = next(iter(seed_store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{A0}> {{ ?s ?p ?o }} }}")))["n"]
    assert len(graph) == int(expected.value)
    assert len(graph) < len(seed_store)


def test_curl_level_get_and_post_answer_alike(endpoint):
    query = "SELECT ?o WHERE { ent:lukashenko kg:proposes ?o } ORDER BY ?o"
    get = urllib.request.urlopen(endpoint + "?" + urllib.parse.urlencode({"query": query}), timeout=30).read()
    post = urllib.request.urlopen(urllib.request.Request(
        endpoint, data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"content-type": "application/x-www-form-urlencoded"}), timeout=30).read()
    assert json.loads(get) == json.loads(post)
