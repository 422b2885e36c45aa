"""The HTTP endpoint: SPARQL 1.1 Protocol, safety, named queries; in-process and over a real socket."""

import csv
import io
import json
import re
import subprocess
import sys
import time
import urllib.request

import pytest
from starlette.testclient import TestClient

from graph_model.build import build
from graph_model.queries import run_named_query
from graph_model.serve import ServeSettings, create_app

from .conftest import SEEDS, kg_serve

LUKASHENKO_PROPOSES = "SELECT DISTINCT ?o WHERE { ent:lukashenko kg:proposes ?o } ORDER BY ?o"


@pytest.fixture(scope="module")
def client(seed_store):
    app = create_app(seed_store, settings=ServeSettings(max_results=500), graph_html="<html>graph</html>")
    with TestClient(app) as test_client:
        yield test_client


def test_get_and_both_post_forms_give_the_same_json(client):
    replies = [
        client.get("/sparql", params={"query": LUKASHENKO_PROPOSES}),
        client.post("/sparql", data={"query": LUKASHENKO_PROPOSES}),
        client.post("/sparql", content=LUKASHENKO_PROPOSES, headers={"content-type": "application/sparql-query"}),
    ]
    bodies = [r.json() for r in replies]
    assert all(r.status_code == 200 for r in replies)
    assert replies[0].headers["content-type"] == "application/sparql-results+json"
    assert bodies[0] == bodies[1] == bodies[2]
    values = [b["o"]["value"] for b in bodies[0]["results"]["bindings"]]
    assert "https://newsgraph.example/entity/helsinki-2" in values


@pytest.mark.parametrize("accept, media, check", [
    ("application/sparql-results+xml", "application/sparql-results+xml",
     lambda t: '<uri>https://newsgraph.example/entity/helsinki-2</uri>' in t),
    ("text/csv", "text/csv", lambda t: t.splitlines()[0] == "o" and "https://newsgraph.example/entity/helsinki-2" in t),
    ("text/tab-separated-values", "text/tab-separated-values",
     lambda t: t.splitlines()[0] == "?o" and "<https://newsgraph.example/entity/helsinki-2>" in t),
])
def test_select_content_negotiation(client, accept, media, check):
    reply = client.get("/sparql", params={"query": LUKASHENKO_PROPOSES}, headers={"accept": accept})
    assert reply.status_code == 200 and reply.headers["content-type"].startswith(media)
    assert check(reply.text)


@pytest.mark.parametrize("accept, check", [
    ("text/turtle", lambda t: "ent:lukashenko kg:proposes ent:helsinki-2" in t),
    ("application/n-triples", lambda t: "<https://newsgraph.example/entity/lukashenko> "
                                        "<https://newsgraph.example/ontology#proposes> "
                                        "<https://newsgraph.example/entity/helsinki-2> ." in t),
    ("application/ld+json", lambda t: isinstance(json.loads(t), list)),
])
def test_construct_content_negotiation(client, accept, check):
    query = "CONSTRUCT { ent:lukashenko kg:proposes ?o } WHERE { ent:lukashenko kg:proposes ?o }"
    reply = client.get("/sparql", params={"query": query}, headers={"accept": accept})
    assert reply.status_code == 200 and reply.headers["content-type"].startswith(accept)
    assert check(reply.text)


def test_ask_and_unacceptable_media(client):
    assert client.get("/sparql", params={"query": "ASK { ent:lukashenko kg:proposes ent:helsinki-2 }"}).json() == \
        {"head": {}, "boolean": True}
    reply = client.get("/sparql", params={"query": "ASK {}"}, headers={"accept": "image/png"})
    assert reply.status_code == 406


@pytest.mark.parametrize("request_kwargs, message", [
    ({"data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}, "SPARQL Update is refused"),
    ({"content": "DROP ALL", "headers": {"content-type": "application/sparql-update"}}, "SPARQL Update is refused"),
    ({"data": {"query": "PREFIX x: <urn:x> INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}, "SPARQL Update (INSERT) is refused"),
    ({"data": {"query": "LOAD <http://127.0.0.1:1/data.ttl>"}}, "LOAD is refused"),
    ({"data": {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"}}, "SERVICE is refused"),
])
def test_updates_load_and_service_are_refused(client, request_kwargs, message):
    reply = client.post("/sparql", **request_kwargs)
    assert reply.status_code == 403
    assert message in reply.text


def test_the_word_service_inside_data_is_not_refused(client):
    reply = client.get("/sparql", params={"query": 'SELECT ?service WHERE { BIND("SERVICE" AS ?service) }'})
    assert reply.status_code == 200


def test_malformed_query_is_400_with_position(client):
    reply = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert reply.status_code == 400
    assert "SPARQL syntax error: error at 1:" in reply.text


def test_result_size_limit(client):
    reply = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert reply.status_code == 422
    assert "more than 500 rows" in reply.text


def test_named_query_as_json_and_csv_with_a_parameter(client, seed_store):
    expected = run_named_query(seed_store, "proposers", {"initiative": "Helsinki 2"}).records()
    reply = client.get("/queries/proposers", params={"initiative": "Helsinki 2"})
    assert reply.status_code == 200
    rows = [{k: v["value"] for k, v in b.items()} for b in reply.json()["results"]["bindings"]]
    assert rows == [{k: v for k, v in r.items() if v is not None} for r in expected]
    reply = client.get("/queries/proposers", params={"initiative": "Helsinki 2", "format": "csv"})
    assert reply.headers["content-disposition"] == 'attachment; filename="proposers.csv"'
    assert len(list(csv.DictReader(io.StringIO(reply.text)))) == len(expected)


def test_named_query_errors(client):
    assert client.get("/queries/nope").status_code == 404
    reply = client.get("/queries/proposers", params={"initiative": "Helsinky"})
    assert reply.status_code == 400 and "no entity named 'Helsinky'" in reply.text


def test_pages(client):
    assert client.get("/").text == "<html>graph</html>"
    page = client.get("/query")
    assert page.status_code == 200 and "Named queries" in page.text
    listing = client.get("/queries").json()
    assert "proposers" in [q["name"] for q in listing]


def test_cors_is_off_by_default_and_configurable(seed_store):
    with TestClient(create_app(seed_store)) as plain:
        assert "access-control-allow-origin" not in plain.get("/sparql", params={"query": "ASK {}"},
                                                                 headers={"origin": "https://x.example"}).headers
    with TestClient(create_app(seed_store, settings=ServeSettings(cors_origins=("https://x.example",)))) as cors:
        reply = cors.get("/sparql", params={"query": "ASK {}"}, headers={"origin": "https://x.example"})
        assert reply.headers["access-control-allow-origin"] == "https://x.example"


# ---------------------------------------------------------------- over a real socket

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    out = tmp_path_factory.mktemp("serve") / "build"
    build(SEEDS, out, render=False)
    with kg_serve(out, "--timeout", "1.5", "--workers", "2") as base:
        yield base, out


def test_sparqlwrapper_gets_the_answers_the_cli_gives(server):
    from SPARQLWrapper import JSON, SPARQLWrapper

    from graph_model.build import open_store
    from graph_model.queries import get_named_query

    base, out = server
    expected = run_named_query(open_store(out), "memberships").records()
    client = SPARQLWrapper(base + "/sparql")
    client.setQuery(get_named_query("memberships").text.replace("WHERE {", "WHERE { VALUES ?actor { ent:belarus }", 1))
    client.setReturnFormat(JSON)
    bindings = client.query().convert()["results"]["bindings"]
    assert [{k: v["value"] for k, v in b.items()} for b in bindings] == expected


def test_rdflib_sparqlstore_reads_the_endpoint(server):
    from rdflib import Graph, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    base, _ = server
    graph = Graph(store=SPARQLStore(base + "/sparql"))
    rows = list(graph.query("SELECT ?label WHERE { <https://newsgraph.example/entity/nato> "
                            "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label }"))
    assert [str(r[0]) for r in rows] == ["NATO"]
    assert (URIRef("https://newsgraph.example/entity/lukashenko"),
            URIRef("https://newsgraph.example/ontology#proposes"),
            URIRef("https://newsgraph.example/entity/helsinki-2")) in graph


def test_a_slow_query_is_stopped_at_the_limit_and_the_server_recovers(server):
    base, _ = server
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    request = urllib.request.Request(base + "/sparql", data=slow.encode(),
                                     headers={"content-type": "application/sparql-query"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 503
    assert "time limit of 1.5 s" in caught.value.read().decode()
    assert time.monotonic() - started < 10
    for _ in range(3):  # both workers answer again, the killed one replaced
        ok = urllib.request.urlopen(base + "/sparql?query=ASK%7B%7D", timeout=30)
        assert json.loads(ok.read()) == {"head": {}, "boolean": True}


def test_reply_cache_keeps_successes_within_its_byte_budget():
    from graph_model.serve import Reply, ReplyCache

    cache = ReplyCache(max_bytes=800)
    for index in range(10):
        cache.put(("q", index), Reply(200, "text/plain", b"x" * 100))
    cache.put(("bad",), Reply(400, "text/plain", b"no"))
    assert cache.size <= 800 and cache.get(("bad",)) is None
    assert cache.get(("q", 0)) is None and cache.get(("q", 9)).body == b"x" * 100


def test_repeated_requests_are_answered_from_the_cache(seed_store):
    calls = []
    app = create_app(seed_store)
    original = app.state.runner.run

    async def counting(job, deadline):
        calls.append(job)
        return await original(job, deadline)

    app.state.runner.run = counting
    with TestClient(app) as client:
        first = client.get("/queries/memberships")
        second = client.get("/queries/memberships")
    assert first.content == second.content and len(calls) == 1


def test_query_page_runs_a_named_query_with_a_parameter_and_downloads_csv(server):
    """The /query page in real Chromium: pick a query, change its parameter, run, download."""
    from playwright.sync_api import expect, sync_playwright

    from .test_browser import CHROMIUM, CHROMIUM_ARGS, RECORD_VIOLATIONS

    base, _ = server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(accept_downloads=True)
        page.add_init_script(RECORD_VIOLATIONS)
        elsewhere = []
        page.on("request", lambda r: None if r.url.startswith(base) else elsewhere.append(r.url))
        response = page.goto(base + "/query?name=memberships")
        policy = response.headers["content-security-policy"]
        assert "'unsafe-inline'" not in policy and "script-src 'sha256-" in policy
        page.wait_for_selector("#param-actor")
        page.fill("#param-actor", "Belarus")
        page.click("#form button[type=submit]")
        page.wait_for_selector("#results:not([hidden]) tbody tr")
        cells = page.locator("#results tbody tr").first.locator("td").all_text_contents()
        assert "Collective Security Treaty Organization" in cells
        assert "a party to the Collective Security Treaty Organization" in cells
        with page.expect_download() as download:
            page.click("#download")
        path = download.value.path()
        text = open(path, encoding="utf-8").read()
        assert download.value.suggested_filename == "memberships.csv"
        assert text.splitlines()[0] == "organisation,organisationLabel,relation,article,quote"
        page.fill("#param-actor", "China")
        page.click("#form button[type=submit]")
        # a locator, not wait_for_function: the page's CSP rightly forbids evaluating strings
        expect(page.locator("#status")).to_have_text(re.compile(r"^0 rows"))
        # the page worked under its header policy: nothing blocked, nothing fetched elsewhere
        assert page.evaluate("window.__violations") == [] and elsewhere == []
        browser.close()
