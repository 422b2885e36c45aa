"""RemoteStore against a real Oxigraph server: same counts, same answers, same export as embedded;
against a canned server: every failure mapped to our errors, every answer format parsed."""

from __future__ import annotations

import http.server
import socket
import threading
import urllib.request

import pyoxigraph as ox
import pytest

from graph_model.build import build_nquads
from graph_model.errors import GraphModelError, QueryError, StoreError
from graph_model.queries import read_named_queries, run_named_query
from graph_model.remote import RemoteStore
from graph_model.store import ExportFormat, GraphStore, QueryDataset

from .conftest import free_port


@pytest.fixture(scope="session")
def oxigraph_url(oxigraph_servers) -> str:
    return oxigraph_servers()


@pytest.fixture(scope="session")
def seed_nquads(seeds_curated) -> bytes:
    return build_nquads(seeds_curated, shapes=False)[2]


@pytest.fixture(scope="session")
def embedded(seed_nquads) -> GraphStore:
    store = GraphStore.in_memory()
    store.load_nquads(seed_nquads)
    store.load_ontology()
    return store


@pytest.fixture(scope="session")
def remote(oxigraph_url, seed_nquads) -> RemoteStore:
    store = RemoteStore.connect(oxigraph_url)
    store.replace_graphs(seed_nquads)
    store.load_ontology()
    return store


def _load(store, nquads: bytes) -> None:
    store.replace_graphs(nquads)
    store.load_ontology()


def test_connect_recognises_the_oxigraph_layout(oxigraph_url):
    store = RemoteStore.connect(oxigraph_url + "/")
    assert store.query_url == f"{oxigraph_url}/query"
    assert store.store_url == f"{oxigraph_url}/store"
    assert store.update_url == f"{oxigraph_url}/update"
    assert store.layout == "Oxigraph server"


def test_connect_accepts_a_query_endpoint_and_explicit_urls(oxigraph_url):
    store = RemoteStore.connect(f"{oxigraph_url}/sparql")
    assert (store.query_url, store.store_url) == (f"{oxigraph_url}/sparql", f"{oxigraph_url}/store")
    explicit = RemoteStore.connect(oxigraph_url, query_url=f"{oxigraph_url}/sparql",
                                   store_url=f"{oxigraph_url}/store", update_url=f"{oxigraph_url}/update")
    assert (explicit.query_url, explicit.store_url, explicit.layout) == (f"{oxigraph_url}/sparql",
                                                                         f"{oxigraph_url}/store", None)


def test_credentials_in_the_url_are_kept_out_of_urls_and_messages(oxigraph_url):
    with_user = oxigraph_url.replace("http://", "http://reader:s3cret@")
    store = RemoteStore.connect(with_user)
    assert "s3cret" not in repr(store) and store.query_url == f"{oxigraph_url}/query"
    with pytest.raises(StoreError) as caught:
        RemoteStore.connect(f"http://reader:s3cret@127.0.0.1:{free_port()}", timeout=2)
    assert "s3cret" not in str(caught.value)


def test_unreachable_server_gives_store_error_with_hint():
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StoreError) as caught:
        RemoteStore.connect(url, timeout=2)
    message = str(caught.value)
    assert f"{url}/query" in message and "query_url=" in message and "--query-endpoint" in message


def test_url_without_scheme_is_refused_with_an_example():
    with pytest.raises(StoreError, match="http://127.0.0.1:7878"):
        RemoteStore.connect("localhost:7878")


def test_unrecognised_url_lists_what_was_tried(oxigraph_url):
    with pytest.raises(StoreError) as caught:
        RemoteStore.connect(f"{oxigraph_url}/no/such/dataset", timeout=2)
    message = str(caught.value)
    for tried in ("/no/such/dataset/query", "/no/such/dataset/sparql", "/no/such/dataset ("):
        assert tried in message
    assert "--graph-store-endpoint" in message


def test_quad_count_equals_embedded_and_reloading_duplicates_nothing(remote, embedded, seed_nquads):
    assert len(remote) == len(embedded) > 6000
    counts = remote.replace_graphs(seed_nquads)
    remote.load_ontology()
    assert len(remote) == len(embedded)
    assert sum(counts.values()) == len(set(ox.parse(seed_nquads, format=ox.RdfFormat.N_QUADS)))
    assert "https://newsgraph.example/graph/entities" in counts


@pytest.mark.parametrize("name", sorted(read_named_queries()))
def test_named_queries_answer_as_embedded(remote, embedded, name):
    expected = run_named_query(embedded, name).records()
    assert expected, f"named query {name} has no rows on the seeds; the comparison would prove nothing"
    assert run_named_query(remote, name).records() == expected  # every named query orders its rows fully


def test_parameter_given_by_alias(remote, embedded):
    by_alias = run_named_query(remote, "proposers", {"initiative": "new Helsinki process"}).records()
    assert by_alias and by_alias == run_named_query(embedded, "proposers", {"initiative": "helsinki-2"}).records()


def test_bindings_are_values_not_query_text(remote):
    hostile = ox.Literal('x" } } DROP ALL ; SELECT * WHERE { "')
    result = remote.query("SELECT ?e WHERE { ?e dcterms:identifier ?id }", bindings={"id": hostile})
    assert list(result) == []
    assert len(remote) > 0


def test_result_types_match_embedded(remote, embedded):
    ask = "ASK { ?s a kg:Statement }"
    assert isinstance(remote.query(ask), ox.QueryBoolean) and bool(remote.query(ask)) is True
    assert bool(remote.query("ASK { ?s a kg:NoSuchClass }")) is False
    select = remote.query("SELECT ?a WHERE { ?a a kg:Article } ORDER BY ?a")
    assert isinstance(select, ox.QuerySolutions)
    construct = "CONSTRUCT { ?a rdfs:label ?l } WHERE { ?a a kg:Article ; rdfs:label ?l }"
    triples = list(remote.query(construct))
    assert triples and all(isinstance(t, ox.Triple) for t in triples)
    assert sorted(map(str, triples)) == sorted(map(str, embedded.query(construct)))


def test_graph_patterns_see_our_named_graphs(remote, embedded):
    sparql = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    rows = [(s["g"].value, s["n"].value) for s in remote.query(sparql)]
    assert rows == [(s["g"].value, s["n"].value) for s in embedded.query(sparql)]


def test_syntax_error_gives_query_error(remote):
    with pytest.raises(QueryError) as caught:
        remote.query("SELECT ?x WHERE { ?x ")
    message = str(caught.value)
    assert "rejected" in message and "error at 1:22" in message and "PREFIX" not in message  # unshifted
    with pytest.raises(QueryError, match="PREFIX declarations"):
        remote.query("SELECT ?x WHERE {\n ?x kg:p ")


def test_dump_equals_the_built_store_export(remote, seed_nquads, embedded, tmp_path):
    built = GraphStore.create(tmp_path / "store")  # the on-disk kind 'kg build' writes and 'kg export' reads
    built.load_nquads(seed_nquads)
    built.load_ontology()
    built.flush()
    # Every RDF format 'kg export' writes (the registry may hold other kinds too).
    rdf_formats = [f for f in ExportFormat if f.rdf_format is not None]
    assert {ExportFormat.TURTLE, ExportFormat.TRIG, ExportFormat.NQUADS, ExportFormat.JSONLD} <= set(rdf_formats)
    dumps = {export_format: remote.dump(export_format) for export_format in rdf_formats}
    for export_format, data in dumps.items():
        assert data == built.dump(export_format), export_format
    # The in-memory store serialises datasets in insertion order, so compare its lines as a set.
    nquads = dumps[ExportFormat.NQUADS].splitlines()
    assert sorted(nquads) == sorted(embedded.dump(ExportFormat.NQUADS).splitlines())
    assert dumps[ExportFormat.TURTLE] == embedded.dump(ExportFormat.TURTLE)


def test_update_endpoint_fallback_and_prune(oxigraph_servers, tiny_seeds):
    nquads = build_nquads(tiny_seeds, shapes=False)[2]
    tiny = GraphStore.in_memory()
    tiny.load_nquads(nquads)
    tiny.load_ontology()
    base = oxigraph_servers()
    via_update = RemoteStore(f"{base}/query", update_url=f"{base}/update")  # no Graph Store endpoint
    _load(via_update, nquads)
    _load(via_update, nquads)
    assert len(via_update) == len(tiny)
    assert run_named_query(via_update, "proposers").records() == run_named_query(tiny, "proposers").records()

    store = RemoteStore.connect(base)
    stale = b'<https://newsgraph.example/entity/x> <urn:p> "stale" <https://newsgraph.example/article/gone> .\n'
    store.replace_graphs(stale)
    assert "https://newsgraph.example/article/gone" in store.graphs()
    store.replace_graphs(nquads, prune=True)
    assert "https://newsgraph.example/article/gone" not in store.graphs()
    assert "https://newsgraph.example/graph/ontology" in store.graphs()
    assert len(store) == len(tiny)
    assert store.dump(ExportFormat.NQUADS) == via_update.dump(ExportFormat.NQUADS)


def test_foreign_graphs_are_neither_written_nor_read(oxigraph_servers):
    store = RemoteStore.connect(oxigraph_servers())
    with pytest.raises(StoreError, match="invisible"):
        store.replace_graphs(b"<urn:s> <urn:p> <urn:o> <urn:other> .\n")
    with pytest.raises(StoreError, match="default graph"):
        store.replace_graphs(b"<urn:s> <urn:p> <urn:o> .\n")
    request = urllib.request.Request(f"{store.store_url}?graph=urn:other", data=b"<urn:s> <urn:p> <urn:o> .\n",
                                     method="PUT", headers={"Content-Type": "application/n-triples"})
    urllib.request.urlopen(request, timeout=5).close()
    assert len(store) == 0 and store.graphs() == ()
    assert list(store.query("SELECT * WHERE { ?s ?p ?o }")) == []


def test_kg_build_store_twice_then_query_and_stats_through_the_cli(oxigraph_servers, tmp_path, seeds_curated):
    from click.testing import CliRunner

    from graph_model.build import build
    from graph_model.cli import main
    from graph_model.export import export_bytes
    from graph_model.store import open_store

    url = oxigraph_servers()
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(main, ["build", "--seeds", str(seeds_curated), "--store", url, "--no-shapes"])
        assert result.exit_code == 0, result.output
    build(seeds_curated, tmp_path / "embedded", shapes=False, render=False)
    embedded_quads = len(set(export_bytes(open_store(tmp_path / "embedded"), "nquads").splitlines()))
    assert len(RemoteStore.connect(url)) == embedded_quads
    remote_answer = runner.invoke(main, ["query", "memberships", "--store", url, "--format", "csv"])
    local_answer = runner.invoke(main, ["query", "memberships", "--out", str(tmp_path / "embedded"), "--format", "csv"])
    assert remote_answer.exit_code == 0 and remote_answer.stdout == local_answer.stdout
    stats = runner.invoke(main, ["stats", "--store", url])
    assert stats.exit_code == 0 and "statements  " in stats.stdout


def test_kg_serve_over_a_remote_store(oxigraph_url, remote):
    from starlette.testclient import TestClient

    from graph_model.serve import create_app

    with TestClient(create_app(remote)) as client:
        reply = client.get("/queries/memberships", params={"format": "csv"})
        assert reply.status_code == 200
        assert "Collective Security Treaty Organization" in reply.text


# A server that answers every request with one canned reply: the mapping of failures to our
# errors, and the parsing of each answer format, without depending on what a real server sends.

class _CannedHandler(http.server.BaseHTTPRequestHandler):
    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.requests.append((self.command, self.path))
        reply = self.server.reply
        if isinstance(reply, bytes):  # not HTTP at all
            self.wfile.write(reply)
            self.close_connection = True
            return
        status, content_type, body = reply
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

    def log_message(self, *args) -> None:
        pass


class CannedServer:
    def __init__(self):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CannedHandler)
        self.httpd.requests = []
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.answer(200, "application/sparql-results+json", b'{"head":{},"boolean":true}')

    def answer(self, status_or_raw, content_type: str | None = None, body: bytes = b"") -> None:
        """Every request from now on gets this reply (or these raw bytes, if given bytes)."""
        raw = isinstance(status_or_raw, bytes)
        self.httpd.reply = status_or_raw if raw else (status_or_raw, content_type, body)

    def store(self) -> RemoteStore:
        return RemoteStore(f"{self.url}/query", store_url=f"{self.url}/store", timeout=5)


@pytest.fixture
def canned():
    server = CannedServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


# A dataset given with the query, so the store does not list its graphs first: the canned
# reply answers the request under test, not the listing.
ONE_GRAPH = QueryDataset(("https://newsgraph.example/graph/entities",))
ONE_TRIPLE = b'<https://newsgraph.example/entity/a> <urn:p> "x" <https://newsgraph.example/graph/entities> .\n'

ENTITIES = "https://newsgraph.example/graph/entities"
TRIPLES = [q.triple for q in ox.parse(ONE_TRIPLE, format=ox.RdfFormat.N_QUADS)]

# Single requests, through the writer: replace_graphs and load_ontology first read the server's
# manifest and retry (tests/test_store_portability.py tests them against real servers).
OPERATIONS = {
    "query": lambda store: store.query("SELECT * WHERE { ?s kg:p ?o }", dataset=ONE_GRAPH),
    "read": lambda store: store.graph_triples(ENTITIES),
    "write": lambda store: store._writer().put_graph(ENTITIES, TRIPLES),
    "drop": lambda store: store._writer().drop_graph(ENTITIES),
    "update": lambda store: RemoteStore(store.query_url, update_url=store.query_url.replace("query", "update"),
                                        timeout=5)._writer().put_graph("https://newsgraph.example/graph/ontology",
                                                                       TRIPLES),
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_refused_connection_is_a_store_error_naming_the_url(operation):
    url = f"http://127.0.0.1:{free_port()}"
    store = RemoteStore(f"{url}/query", store_url=f"{url}/store", timeout=2)
    with pytest.raises(StoreError) as caught:
        OPERATIONS[operation](store)
    assert str(caught.value).startswith(f"cannot reach the SPARQL server: {url}/")
    assert "refused" in str(caught.value).lower()


def test_a_server_that_never_answers_times_out():
    with socket.socket() as listening:  # accepts connections into its backlog, never answers them
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        url = f"http://127.0.0.1:{listening.getsockname()[1]}/query"
        with pytest.raises(StoreError) as caught:
            RemoteStore(url, timeout=0.5).query("ASK {}", dataset=ONE_GRAPH)
    assert str(caught.value) == f"cannot reach the SPARQL server: {url}: no answer within 0.5 s"


def test_a_reply_that_is_not_http_is_a_store_error(canned):
    canned.answer(b"SPARQL? never heard of it\r\n\r\n")
    with pytest.raises(StoreError, match=r"cannot reach the SPARQL server: .*/query: BadStatusLine"):
        canned.store().query("ASK {}", dataset=ONE_GRAPH)


@pytest.mark.parametrize("status", [401, 403])
@pytest.mark.parametrize("operation", ["query", "read", "write", "drop"])
def test_refused_access_names_credentials(canned, operation, status):
    canned.answer(status, "text/plain", b"Unauthorized")
    with pytest.raises(StoreError) as caught:
        OPERATIONS[operation](canned.store())
    message = str(caught.value)
    assert type(caught.value) is StoreError
    assert f"HTTP {status} from {canned.url}/" in message and ": Unauthorized." in message
    assert message.endswith("Give credentials: user:password@ in the URL, or $KG_STORE_USER and $KG_STORE_PASSWORD.")


def test_connect_to_a_query_endpoint_that_refuses_access_names_credentials(canned):
    canned.answer(401, "text/plain", b"Unauthorized")
    with pytest.raises(StoreError) as caught:
        RemoteStore.connect(canned.url, timeout=5)
    assert str(caught.value) == (f"the SPARQL endpoint {canned.url}/query refused access (HTTP 401). Give "
                                 "credentials: user:password@ in the URL, or $KG_STORE_USER and $KG_STORE_PASSWORD.")


def test_http_400_on_a_query_is_a_query_error_naming_the_rejection(canned):
    canned.answer(400, "text/plain", b"Parser error at 1:25: expected a term")
    with pytest.raises(QueryError) as caught:
        canned.store().query("SELECT * WHERE { ?s kg:p ?o }", dataset=ONE_GRAPH)
    message = str(caught.value)
    assert message.startswith("the server rejected the query: Parser error at 1:25: expected a term (Positions")
    assert "PREFIX declarations put in front of the query" in message


@pytest.mark.parametrize(("operation", "status", "error", "expected"), [
    ("query", 500, QueryError, "the server failed to run the query: oops"),
    ("query", 502, StoreError, "querying {url}/query failed: HTTP 502 from {url}/query: oops."),
    ("read", 400, StoreError, "reading graph https://newsgraph.example/graph/entities failed: HTTP 400 from "
                              "{url}/store?graph=https%3A%2F%2Fnewsgraph.example%2Fgraph%2Fentities: oops."),
    ("write", 400, StoreError, "writing graph https://newsgraph.example/graph/entities failed: HTTP 400 from "
                               "{url}/store?graph=https%3A%2F%2Fnewsgraph.example%2Fgraph%2Fentities: oops."),
    ("write", 405, StoreError, "The endpoint does not take writes there. Give the endpoints explicitly"),
    ("update", 404, StoreError, "writing graph https://newsgraph.example/graph/ontology failed: HTTP 404 from "
                                "{url}/update: oops. The endpoint does not take writes there."),
])
def test_error_statuses_map_to_our_errors(canned, operation, status, error, expected):
    canned.answer(status, "text/plain", b"oops")
    with pytest.raises(GraphModelError) as caught:
        OPERATIONS[operation](canned.store())
    assert type(caught.value) is error
    assert expected.format(url=canned.url) in str(caught.value)


def test_statuses_that_are_answers_are_not_errors(canned):
    canned.answer(404, "text/plain", b"no such graph")
    store = canned.store()
    assert store.graph_triples("https://newsgraph.example/graph/entities") == []  # Graph Store: no such graph
    store._writer().drop_graph("https://newsgraph.example/graph/entities")        # already gone
    canned.answer(415, "text/plain", b"send Turtle")
    with pytest.raises(StoreError, match="HTTP 415"):
        store._writer().put_graph(ENTITIES, TRIPLES)
    assert [method for method, _ in canned.httpd.requests[-2:]] == ["PUT", "PUT"]  # retried as Turtle once


# Answers in every format a server may send them in, made by pyoxigraph's own serialisers.
_SOLUTIONS = ("SELECT * WHERE { VALUES (?s ?label ?n) { (<https://newsgraph.example/entity/nato> "
              '"North Atlantic, \\"NATO\\""@en 42) (<urn:x> "b" UNDEF) } BIND(BNODE() AS ?b) }')
_NATO = ox.NamedNode("https://newsgraph.example/entity/nato")
_TRIPLES = [
    ox.Triple(_NATO, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
              ox.Literal("North Atlantic, \"NATO\"", language="en")),
    ox.Triple(_NATO, ox.NamedNode("urn:founded"),
              ox.Literal("1949", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))),
    ox.Triple(_NATO, ox.NamedNode("urn:member"), ox.NamedNode("https://newsgraph.example/entity/norway")),
]


def _rows(solutions) -> list[tuple]:
    """Rows of (variable, term) pairs; blank nodes by kind only, since their labels are the parser's."""
    return [tuple((v.value, "_:" if isinstance(s[v], ox.BlankNode) else s[v]) for v in solutions.variables)
            for s in solutions]


@pytest.mark.parametrize("results_format", ["JSON", "XML", "TSV"])
def test_select_answers_parse_in_each_lossless_results_format(canned, results_format):
    fmt = getattr(ox.QueryResultsFormat, results_format)
    canned.answer(200, fmt.media_type, ox.Store().query(_SOLUTIONS).serialize(format=fmt))
    got = canned.store().query("SELECT * WHERE { ?s ?p ?o }", dataset=ONE_GRAPH)
    assert isinstance(got, ox.QuerySolutions)
    assert _rows(got) == _rows(ox.Store().query(_SOLUTIONS))


def test_select_answers_in_csv_parse_as_rdflib_reads_csv(canned):
    canned.answer(200, "text/csv; charset=utf-8",
                  ox.Store().query(_SOLUTIONS).serialize(format=ox.QueryResultsFormat.CSV))
    got = canned.store().query("SELECT * WHERE { ?s ?p ?o }", dataset=ONE_GRAPH)
    # CSV drops term kinds: http(s) values are IRIs, _: values blank nodes, the rest plain strings.
    assert _rows(got) == [
        (("b", "_:"), ("label", ox.Literal('North Atlantic, "NATO"')), ("n", ox.Literal("42")),
         ("s", ox.NamedNode("https://newsgraph.example/entity/nato"))),
        (("b", "_:"), ("label", ox.Literal("b")), ("n", None), ("s", ox.Literal("urn:x"))),
    ]


@pytest.mark.parametrize("results_format", ["JSON", "XML", "TSV", "CSV"])
@pytest.mark.parametrize("answer", [True, False])
def test_ask_answers_parse_in_each_results_format(canned, results_format, answer):
    fmt = getattr(ox.QueryResultsFormat, results_format)
    sent = ox.Store().query(f"ASK {{ FILTER({str(answer).lower()}) }}").serialize(format=fmt)
    canned.answer(200, fmt.media_type, sent)
    got = canned.store().query("ASK { ?s ?p ?o }", dataset=ONE_GRAPH)
    assert isinstance(got, ox.QueryBoolean) and bool(got) is answer


@pytest.mark.parametrize("rdf_format", ["N_TRIPLES", "TURTLE", "RDF_XML", "JSON_LD", "N_QUADS", "TRIG"])
def test_construct_answers_and_graph_store_reads_parse_in_each_rdf_format(canned, rdf_format):
    fmt = getattr(ox.RdfFormat, rdf_format)
    data = ox.serialize([ox.Quad(*t) for t in _TRIPLES] if fmt.supports_datasets else _TRIPLES, format=fmt)
    canned.answer(200, fmt.media_type, data)
    store = canned.store()
    got = list(store.query("CONSTRUCT WHERE { ?s ?p ?o }", dataset=ONE_GRAPH))
    assert sorted(got, key=str) == sorted(_TRIPLES, key=str)
    assert sorted(store.graph_triples("https://newsgraph.example/graph/entities"), key=str) == sorted(_TRIPLES, key=str)


def test_answers_without_a_content_type_are_read_as_json_results_or_ntriples(canned):
    canned.answer(200, None, b'{"head":{},"boolean":true}')
    assert bool(canned.store().query("ASK { ?s ?p ?o }", dataset=ONE_GRAPH)) is True
    canned.answer(200, None, ox.serialize(_TRIPLES, format=ox.RdfFormat.N_TRIPLES))
    assert list(canned.store().query("CONSTRUCT WHERE { ?s ?p ?o }", dataset=ONE_GRAPH)) == _TRIPLES


@pytest.mark.parametrize(("sparql", "media_type"), [
    ("SELECT * WHERE { ?s ?p ?o }", "text/html"),
    ("ASK { ?s ?p ?o }", "text/turtle"),  # RDF, where results belong
    ("CONSTRUCT WHERE { ?s ?p ?o }", "text/html"),
    ("DESCRIBE <urn:x>", "application/sparql-results+json"),  # results, where RDF belongs
])
def test_an_answer_in_a_media_type_we_cannot_read_names_it_and_the_url(canned, sparql, media_type):
    canned.answer(200, f"{media_type}; charset=utf-8", b"<html>Welcome to nginx</html>")
    with pytest.raises(StoreError) as caught:
        canned.store().query(sparql, dataset=ONE_GRAPH)
    assert str(caught.value).startswith(f"{canned.url}/query answered ")
    assert f" in {media_type}, which is not " in str(caught.value)


def test_a_graph_store_answer_in_a_media_type_we_cannot_read_names_it_and_the_url(canned):
    canned.answer(200, "text/html", b"<html>Welcome to nginx</html>")
    with pytest.raises(StoreError, match=r"/store\?graph=.* answered in text/html, which is not an RDF format"):
        canned.store().graph_triples("https://newsgraph.example/graph/entities")


def test_an_answer_that_does_not_parse_names_its_media_type(canned):
    canned.answer(200, "application/sparql-results+xml", b"<sparql><oops")
    with pytest.raises(StoreError, match=r"/query sent SPARQL results \(application/sparql-results\+xml\) that do not"):
        canned.store().query("SELECT * WHERE { ?s ?p ?o }", dataset=ONE_GRAPH)


# ---- the embedded store's SPARQL semantics, kept over HTTP

A0 = "https://newsgraph.example/article/000_e7ccb706e8c9b9a5"
A1 = "https://newsgraph.example/article/001_193587b326805307"


@pytest.mark.parametrize("query", [
    "CONSTRUCT { <s> <p> 1 } WHERE {}",
    "ASK { <entity/nato> ?p ?o }",
    f"ASK FROM <{A0}> {{ <{A1}> a ?t }}",
    f"ASK FROM <{A1}> {{ <{A1}> a ?t }}",
    f"SELECT DISTINCT ?g FROM NAMED <{A0}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "SELECT ?o # where { in a comment\n{ ent:lukashenko kg:proposes ?o } ORDER BY ?o",
])
def test_remote_answers_like_the_embedded_store(remote, embedded, query):
    """Relative IRIs against the same base, FROM honoured, the WHERE group found by the tokenizer."""
    def answer(store):
        result = store.query(query)
        if isinstance(result, (bool, ox.QueryBoolean)):
            return bool(result)
        if isinstance(result, ox.QuerySolutions):
            return [tuple(str(s[v]) for v in result.variables) for s in result]
        return sorted(map(str, result))

    assert answer(remote) == answer(embedded)


def test_remote_takes_a_request_dataset(remote, embedded):
    from graph_model.store import QueryDataset

    query = f"ASK {{ <{A1}> a ?t }}"
    for graphs, expected in (((A0,), False), ((A1,), True)):
        dataset = QueryDataset(default_graphs=graphs)
        assert bool(remote.query(query, dataset=dataset)) is expected
        assert bool(embedded.query(query, dataset=dataset)) is expected


def test_remote_refuses_service_when_told(remote):
    from graph_model.errors import QueryRefused
    from graph_model.store import QueryLimits

    with pytest.raises(QueryRefused):
        remote.query("SELECT * WHERE { #\rSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
                     limits=QueryLimits(allow_service=False))
