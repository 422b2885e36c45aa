"""RemoteStore against a real Oxigraph server: same counts, same answers, same export as embedded."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph_model.build import build_nquads
from graph_model.errors import QueryError, StoreError
from graph_model.queries import read_named_queries, run_named_query
from graph_model.remote import RemoteStore
from graph_model.store import ExportFormat, GraphStore

from .conftest import SEEDS, free_port


def _oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        pytest.fail("the oxigraph server binary is missing: install the 'oxigraph' package "
                    "(pip install oxigraph) into this environment.")
    return found


@pytest.fixture(scope="session")
def oxigraph_servers(tmp_path_factory):
    """A factory: each call starts a fresh Oxigraph server on loopback and returns its base URL."""
    binary = _oxigraph_binary()
    processes = []

    def start() -> str:
        location = tmp_path_factory.mktemp("oxigraph")
        port = free_port()
        log = open(location.parent / f"{location.name}.log", "wb")  # noqa: SIM115 - closed below
        process = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                                   stdout=log, stderr=subprocess.STDOUT)
        processes.append((process, log))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                pytest.fail(f"oxigraph serve exited with {process.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1) as response:
                    if response.status == 200:
                        return base
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"oxigraph serve did not answer on {base} within 20 s; see {log.name}")
            time.sleep(0.05)

    yield start
    for process, log in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="session")
def oxigraph_url(oxigraph_servers) -> str:
    return oxigraph_servers()


@pytest.fixture(scope="session")
def seed_nquads() -> bytes:
    return build_nquads(SEEDS, shapes=False)[2]


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


# Queries whose ORDER BY leaves ties (timeline sorts by the quote's start offset, and one quote
# can carry several statements). SPARQL leaves the order of tied rows to the engine, so for these
# only the rows, not their order, must match.
ORDER_HAS_TIES = {"timeline"}


@pytest.mark.parametrize("name", sorted(read_named_queries()))
def test_named_queries_answer_as_embedded(remote, embedded, name):
    expected = run_named_query(embedded, name).records()
    assert expected, f"named query {name} has no rows on the seeds; the comparison would prove nothing"
    got = run_named_query(remote, name).records()
    if name in ORDER_HAS_TIES:
        assert sorted(got, key=repr) == sorted(expected, key=repr)
    else:
        assert got == expected


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
    dumps = {export_format: remote.dump(export_format) for export_format in ExportFormat}
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


def test_kg_build_store_twice_then_query_and_stats_through_the_cli(oxigraph_servers, tmp_path):
    from click.testing import CliRunner

    from graph_model.build import build
    from graph_model.cli import main
    from graph_model.export import export_bytes
    from graph_model.store import open_store

    url = oxigraph_servers()
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(main, ["build", "--seeds", str(SEEDS), "--store", url, "--no-shapes"])
        assert result.exit_code == 0, result.output
    build(SEEDS, tmp_path / "embedded", shapes=False, render=False)
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
