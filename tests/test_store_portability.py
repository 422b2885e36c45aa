"""`kg build --store` into real servers (Oxigraph server, Virtuoso): only changed graphs are sent,
a failed upload resumes, and every named query gives the embedded store's rows on each server."""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph_model.build import build_nquads
from graph_model.build_remote import build_into
from graph_model.cli import main
from graph_model.errors import StoreError
from graph_model.queries import read_named_queries, run_named_query
from graph_model.remote import RemoteStore
from graph_model.remote.answers import ResultsTruncated
from graph_model.remote.sync import parts_from_nquads, sync_graphs
from graph_model.remote.writer import MANIFEST_GRAPH
from graph_model.store import ExportFormat, GraphStore

from .triple_stores import FlakyProxy

CHANGED = "004_b2aff0031e872d3e"
CHANGED_GRAPH = f"https://newsgraph.example/article/{CHANGED}"

# Each named query with its default parameters and the others tests elsewhere ask with.
QUERY_PARAMS = {
    "conflicts": [{}, {"subject": "lukashenko"}],
    "corroboration": [{}, {"subject": "belarus"}, {"object": "helsinki-2"}],
    "entity-statements": [{}, {"entity": "makei"}, {"entity": "helsinki-2"}],
    "initiatives": [{}],
    "involvement": [{}, {"initiative": "new Helsinki process"}],
    "memberships": [{}, {"actor": "china"}],
    "nato-connections": [{}, {"organisation": "osce"}],
    "proposers": [{}, {"initiative": "Helsinki 2"}],
    "roles": [{}, {"person": "makei"}, {"person": "aleinik"}, {"person": "belarus"}],
    "statements-by-speaker": [{}, {"speaker": "Vladimir Makei"}],
    "supporters": [{}, {"initiative": "good-neighborliness belt"}],
    "timeline": [{}, {"initiative": "helsinki-process"}],
}

@dataclass(frozen=True)
class Server:
    """A server to build into: its base URL, the credentials writing needs, and its Graph Store path."""

    name: str
    url: str
    env: dict[str, str]
    store_path: str

    def store(self, url: str | None = None, **options) -> RemoteStore:
        user, password = self.env.get("KG_STORE_USER"), self.env.get("KG_STORE_PASSWORD")
        return RemoteStore.connect(url or self.url, auth=(user, password) if user else None, **options)


@pytest.fixture(params=["oxigraph", "virtuoso"])
def server(request, oxigraph_servers) -> Server:
    """An empty server of each kind: a fresh Oxigraph server, or the session's Virtuoso wiped of
    our graphs."""
    if request.param == "oxigraph":
        return Server("oxigraph", oxigraph_servers(), {}, "/store")
    virtuoso = request.getfixturevalue("virtuoso")
    server = Server("virtuoso", virtuoso.url, {"KG_STORE_USER": virtuoso.user, "KG_STORE_PASSWORD": virtuoso.password},
                    "/sparql-graph-crud-auth")
    store = server.store()
    for graph in (*store.graphs(refresh=True), MANIFEST_GRAPH):
        store._writer().drop_graph(graph)
    return server


def embedded_store(seeds: Path) -> GraphStore:
    store = GraphStore.in_memory()
    store.load_nquads(build_nquads(seeds, shapes=False)[2])
    store.load_ontology()
    return store


def kg_build(server: Server, seeds: Path, url: str | None = None) -> str:
    result = CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--store", url or server.url, "--no-shapes"],
                                env=server.env)
    assert result.exit_code == 0, result.output
    return result.output


def sent_graphs(proxy: FlakyProxy, since: int) -> list[str]:
    """The graphs written through the proxy's Graph Store endpoint since request number ``since``."""
    graphs = []
    for method, path, status in proxy.requests[since:]:
        if method in ("PUT", "POST") and path.startswith(proxy.store_path) and status in (200, 201, 204):
            graphs.append(urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["graph"][0])
    return list(dict.fromkeys(graphs))


def change_article(seeds: Path) -> None:
    """Add a closing line to one article (keeping ARTICLES.sha256 true): its graph changes, no other."""
    text = seeds / "articles" / f"{CHANGED}.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\nA closing line added later.\n", encoding="utf-8")
    listing = seeds / "ARTICLES.sha256"
    digest = hashlib.sha256(text.read_bytes()).hexdigest()
    listing.write_text(re.sub(rf"^\w+  {CHANGED}\.txt$", f"{digest}  {CHANGED}.txt",
                              listing.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")


def assert_same_answers(remote: RemoteStore, embedded: GraphStore) -> None:
    assert set(QUERY_PARAMS) == set(read_named_queries()), "a named query has no parameters listed here"
    assert len(remote) == len(embedded)
    for name, param_sets in QUERY_PARAMS.items():
        answered = False
        for params in param_sets:
            expected = run_named_query(embedded, name, params).records()
            got = run_named_query(remote, name, params).records()
            answered = answered or bool(expected)
            assert got == expected, (name, params)  # the same rows in the same order
        assert answered, f"{name} has no rows on the seeds with any parameters: the comparison proves nothing"


def test_build_sends_only_changed_graphs_and_queries_answer_as_embedded(server, seeds_copy):
    graphs = 7  # five articles, the entities, the ontology
    with FlakyProxy(server.url, server.store_path) as proxy:
        url = proxy.url("/sparql" if server.name == "virtuoso" else "")
        first = kg_build(server, seeds_copy, url)
        assert first.startswith(f"sent {graphs} graphs (")
        assert len(sent_graphs(proxy, 0)) == graphs

        mark = len(proxy.requests)
        second = kg_build(server, seeds_copy, url)
        assert re.match(rf"sent 0 graphs \(0 triples in 0 requests\) to {re.escape(url)}, skipped {graphs} unchanged, "
                        r"dropped 0, in [\d.]+ s; the store now holds \d+ quads in our graphs$", second), second
        assert sent_graphs(proxy, mark) == []

        change_article(seeds_copy)
        mark = len(proxy.requests)
        third = kg_build(server, seeds_copy, url)
        assert third.startswith("sent 1 graph (") and f"skipped {graphs - 1} unchanged" in third, third
        assert sent_graphs(proxy, mark) == [CHANGED_GRAPH]

    assert_same_answers(server.store(), embedded_store(seeds_copy))


def test_a_removed_article_is_dropped_from_the_server(server, seeds_copy):
    store = server.store()
    build_into(store, seeds_copy, shapes=False)
    (seeds_copy / "articles" / f"{CHANGED}.txt").unlink()
    (seeds_copy / "mapping" / f"{CHANGED}.yaml").unlink()
    listing = seeds_copy / "ARTICLES.sha256"
    listing.write_text("".join(line for line in listing.read_text(encoding="utf-8").splitlines(keepends=True)
                               if CHANGED not in line), encoding="utf-8")
    report = build_into(store, seeds_copy, shapes=False)
    assert report.dropped == (CHANGED_GRAPH,)
    assert CHANGED_GRAPH not in store.graphs(refresh=True)
    assert CHANGED_GRAPH not in {t.subject.value for t in store.graph_triples(MANIFEST_GRAPH)}
    assert len(store) == len(embedded_store(seeds_copy))


def test_a_failed_upload_resumes_where_it_stopped(server, seeds_copy):
    parts = [p.graph for p in parts_from_nquads(build_nquads(seeds_copy, shapes=False)[2])] + [
        "https://newsgraph.example/graph/ontology"]
    with FlakyProxy(server.url, server.store_path) as proxy:
        store = server.store(proxy.url("/sparql" if server.name == "virtuoso" else ""))
        # Chunks of 400 triples: each article takes several requests, so the upload stops inside one.
        proxy.refuse_after_writes(6)
        with pytest.raises(StoreError) as caught:
            build_into(store, seeds_copy, shapes=False, chunk_triples=400, retries=2, retry_delay=0.01)
        message = str(caught.value)
        failed = re.match(r"sending graph (\S+) failed \(tried 3 times\): cannot reach the SPARQL server: ", message)
        assert failed, message
        assert message.endswith("Run the same command again to resume: graphs the server already holds are not "
                                "sent again.")
        failed_graph = failed.group(1)
        assert sent_graphs(proxy, 0)[-1] == failed_graph  # it stopped inside this graph, after some chunks

        proxy.heal()
        mark = len(proxy.requests)
        report = build_into(store, seeds_copy, shapes=False, chunk_triples=400)
    stopped_at = parts.index(failed_graph)
    assert 0 < stopped_at and report.skipped == tuple(parts[:stopped_at])
    assert report.sent == tuple(parts[stopped_at:]) == tuple(sent_graphs(proxy, mark))
    # Every graph whole, the one cut off in the middle too (a count per graph: Virtuoso would cut
    # a download of the triples themselves at its row limit).
    per_graph = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    counts = [(s["g"].value, int(s["n"].value)) for s in server.store().query(per_graph)]
    assert counts == [(s["g"].value, int(s["n"].value)) for s in embedded_store(seeds_copy).query(per_graph)]


def test_a_busy_server_is_waited_for(server, seeds_copy):
    with FlakyProxy(server.url, server.store_path) as proxy:
        store = server.store(proxy.url("/sparql" if server.name == "virtuoso" else ""))
        proxy.busy(3)
        report = build_into(store, seeds_copy, shapes=False, retry_delay=0.01)
    assert [r for r in proxy.requests if r[2] == 503] and len(report.sent) == 7
    assert len(server.store()) == len(embedded_store(seeds_copy))


def test_a_graph_store_without_an_update_endpoint_keeps_the_manifest_too(oxigraph_servers, seeds_copy):
    base = oxigraph_servers()
    store = RemoteStore(f"{base}/query", store_url=f"{base}/store")  # the manifest is PUT whole
    parts = parts_from_nquads(build_nquads(seeds_copy, shapes=False)[2])
    assert len(sync_graphs(store, parts).sent) == len(parts)
    again = sync_graphs(store, parts)
    assert (again.sent, len(again.skipped)) == ((), len(parts))


def test_queries_over_many_graphs(server):
    """Virtuoso names every graph of the query's dataset in a header of its reply: hundreds of them."""
    store = server.store()
    nquads = b"".join(f'<https://newsgraph.example/entity/e{i}> <urn:p> "{i}" '
                      f'<https://newsgraph.example/article/many-{i:03d}> .\n'.encode() for i in range(300))
    assert len(sync_graphs(store, parts_from_nquads(nquads)).sent) == 300
    assert len(store) == 300
    assert int(next(iter(store.query("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))["n"].value) == 300


def test_virtuoso_answers_cut_at_its_row_limit_are_refused(virtuoso, seeds_curated):
    store = RemoteStore.connect(virtuoso.url, auth=(virtuoso.user, virtuoso.password))
    build_into(store, seeds_curated, shapes=False)
    assert len(store) > virtuoso.max_rows
    with pytest.raises(ResultsTruncated) as caught:
        store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert str(caught.value) == (
        f"{virtuoso.url} cut the answer at {virtuoso.max_rows} rows, its limit on result rows (Virtuoso: "
        "ResultSetMaxRows): the rows received are not all the rows. Raise the limit on the server (Virtuoso: "
        "ResultSetMaxRows in the [SPARQL] section of virtuoso.ini, then restart it), or ask for fewer rows "
        "(LIMIT and OFFSET).")
    assert len(list(store.query(f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {virtuoso.max_rows - 1}"))) == virtuoso.max_rows - 1
    # A Graph Store GET is cut too, without even the header: the export checks each graph's count.
    with pytest.raises(ResultsTruncated, match=r"cut graph https://newsgraph\.example/\S+ at \d+ rows"):
        store.dump(ExportFormat.NQUADS)
    result = CliRunner().invoke(main, ["sparql", "SELECT * WHERE { ?s ?p ?o }", "--store", virtuoso.url])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"cut the answer at {virtuoso.max_rows} rows" in result.output


def test_the_oxigraph_server_has_no_row_limit(oxigraph_servers, seeds_curated):
    store = RemoteStore.connect(oxigraph_servers())
    build_into(store, seeds_curated, shapes=False)
    assert len(list(store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }"))) == len(store) > 1000
    assert len(list(ox.parse(store.dump(ExportFormat.NQUADS), format=ox.RdfFormat.N_QUADS))) == len(store)


def test_the_oxigraph_server_is_sent_chunks_for_its_bulk_loader(server, seeds_copy):
    with FlakyProxy(server.url, server.store_path) as proxy:
        url = proxy.url("/sparql" if server.name == "virtuoso" else "")
        kg_build(server, seeds_copy, url)
        posts = [path for method, path, status in proxy.requests if method == "POST" and server.store_path in path]
    assert posts
    # only the Oxigraph server knows these parameters: another server is sent plain Graph Store requests
    bulk = server.name == "oxigraph"
    assert all(("no_transaction=" in path) is bulk for path in posts), posts
    assert_same_answers(server.store(), embedded_store(seeds_copy))
