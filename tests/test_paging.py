"""Named queries page their results: the SPARQL-text rule (sparql_paging.with_page), the library
(queries.page_named_query), `kg query --limit --offset` and `kg serve`'s /queries/NAME."""

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter

import pyoxigraph as ox
import pytest
from hypothesis import given, settings, strategies as st

from graph_model.build import build
from graph_model.errors import UsageError
from graph_model.queries import page_named_query, read_named_queries, run_named_query
from graph_model.results import QueryResult
from graph_model.sparql_paging import with_page
from graph_model.store import GraphStore, open_store

from .conftest import kg_serve

# ---------------------------------------------------------------- the text rule


def _store(rows) -> GraphStore:
    """A store with one ``<urn:r{i}> <urn:k> key ; <urn:v> value`` pair per row."""
    store = GraphStore.in_memory()
    lines = [f'<urn:r{i}> <urn:k> "{k}" <urn:g> .\n<urn:r{i}> <urn:v> "{v}" <urn:g> .\n' for i, (k, v) in enumerate(rows)]
    store.load_nquads("".join(lines).encode())
    return store


def _rows(store, text):
    return [tuple(t.value if t is not None else None for t in row)
            for row in QueryResult.from_pyoxigraph(store.query(text)).rows]


def _pages(store, text, size):
    rows, offset = [], 0
    while True:
        page = _rows(store, with_page(text, limit=size, offset=offset))
        rows += page
        if len(page) < size:
            return rows
        offset += size


# Queries whose ORDER BY leaves ties (many rows share a key), that order nothing, that have a
# LIMIT/OFFSET of their own, a trailing VALUES block, aggregates, or end in a comment.
QUERIES = [
    "SELECT ?k ?v WHERE { ?r <urn:k> ?k ; <urn:v> ?v } ORDER BY ?k",
    "SELECT ?v WHERE { ?r <urn:k> ?k ; <urn:v> ?v }",
    "SELECT * WHERE { ?r <urn:k> ?k ; <urn:v> ?v } # the end",
    "SELECT ?k ?v WHERE { ?r <urn:k> ?k ; <urn:v> ?v } ORDER BY DESC(?k) LIMIT 7 OFFSET 2",
    "SELECT ?k ?v WHERE { ?r <urn:k> ?k ; <urn:v> ?v } OFFSET 3",
    "SELECT ?k (COUNT(?v) AS ?n) WHERE { ?r <urn:k> ?k ; <urn:v> ?v } GROUP BY ?k ORDER BY DESC(?n)",
    'SELECT ?k ?v WHERE { ?r <urn:k> ?k ; <urn:v> ?v } ORDER BY ?k LIMIT 10 VALUES ?k { "a" "b" }',
    "SELECT DISTINCT ?k WHERE { { SELECT ?k ?v WHERE { ?r <urn:k> ?k ; <urn:v> ?v } LIMIT 5 } }",
]

_keys = st.sampled_from("abc")
_values = st.text(alphabet="xyz", min_size=1, max_size=2)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(_keys, _values), max_size=25), query=st.sampled_from(QUERIES),
       size=st.integers(1, 6))
def test_pages_concatenate_to_the_whole_result(rows, query, size):
    store = _store(rows)
    whole = _rows(store, query)
    paged = _pages(store, query, size)
    # the same rows as the query gives by itself (as many of each), in one order for every page size;
    # with a LIMIT of its own, which of the rows tied at its edge it keeps is the engine's choice
    unlimited = query.removesuffix(" LIMIT 7 OFFSET 2").removesuffix(" OFFSET 3").replace(" LIMIT 10 VALUES", " VALUES")
    if unlimited != query:
        assert len(paged) == len(whole) and set(paged) <= set(_rows(store, unlimited))
    else:
        assert Counter(paged) == Counter(whole)
    assert paged == _rows(store, with_page(query, limit=None))
    assert paged == _pages(store, query, size + 1)


def test_ties_of_the_order_by_are_broken_by_the_projected_variables():
    text = with_page("SELECT ?k ?v WHERE { ?r <urn:k> ?k ; <urn:v> ?v } ORDER BY ?k", limit=3, offset=0)
    assert text.endswith("ORDER BY ?k\n?k ?v LIMIT 3 OFFSET 0")
    assert with_page("SELECT ?v (COUNT(*) AS ?n) { ?s ?p ?v } GROUP BY ?v", limit=2, offset=4).endswith(
        "\nORDER BY ?v ?n LIMIT 2 OFFSET 4")


def test_a_page_stays_inside_the_query_own_limit_and_offset():
    text = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 10 OFFSET 20"
    assert with_page(text, limit=4, offset=8) == "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s\n?s LIMIT 2 OFFSET 28"
    assert with_page(text, limit=4, offset=12).endswith("LIMIT 0 OFFSET 32")
    # a trailing VALUES block stays last, where the grammar wants it; a comment cannot swallow the page
    assert with_page("SELECT ?s { ?s ?p ?o } VALUES ?s { <urn:a> }", limit=1) == \
        "SELECT ?s { ?s ?p ?o } ORDER BY ?s LIMIT 1 OFFSET 0 VALUES ?s { <urn:a> }"
    assert with_page("SELECT ?s { ?s ?p ?o } # LIMIT 3", limit=1) == \
        "SELECT ?s { ?s ?p ?o } # LIMIT 3\nORDER BY ?s LIMIT 1 OFFSET 0"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"limit": -1}, "the page limit must be a whole number, 0 or more, not -1."),
    ({"limit": 5, "offset": -2}, "the page offset must be a whole number, 0 or more, not -2."),
    ({"limit": True}, "the page limit must be a whole number, 0 or more, not True."),
])
def test_bad_page_values_are_refused(kwargs, message):
    with pytest.raises(UsageError) as caught:
        with_page("SELECT ?s { ?s ?p ?o }", **kwargs)
    assert str(caught.value) == message


def test_only_a_select_is_paged():
    with pytest.raises(UsageError, match="only a SELECT query's rows can be paged, and this is CONSTRUCT"):
        with_page("CONSTRUCT WHERE { ?s ?p ?o }", limit=3)


# ---------------------------------------------------------------- the library, on the seeds

@pytest.mark.parametrize("name", sorted(read_named_queries()))
def test_every_named_query_pages_to_its_whole_result(seed_store, name):
    whole = run_named_query(seed_store, name)
    rows, offset = [], 0
    while True:
        page = page_named_query(seed_store, name, limit=7, offset=offset)
        assert len(page.result.rows) <= 7 and page.result.variables == whole.variables
        rows += page.result.rows
        if not page.has_more:
            break
        assert page.next_offset == offset + 7 and len(page.result.rows) == 7
        offset = page.next_offset
    assert Counter(rows) == Counter(whole.rows)
    assert rows == list(page_named_query(seed_store, name, limit=None).result.rows)


def test_the_last_page_says_no_more_rows_follow(seed_store):
    total = len(run_named_query(seed_store, "timeline").rows)
    assert total > 10
    last = page_named_query(seed_store, "timeline", limit=10, offset=total - 3)
    assert len(last.result.rows) == 3 and not last.has_more and last.next_offset is None
    exact = page_named_query(seed_store, "timeline", limit=total)
    assert len(exact.result.rows) == total and not exact.has_more
    assert page_named_query(seed_store, "timeline", limit=5, offset=total).result.rows == ()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"limit": 0}, "the page size must be a whole number, 1 or more, not 0."),
    ({"limit": 3, "offset": -1}, "the page offset must be a whole number, 0 or more, not -1."),
    ({"limit": "10"}, "the page size must be a whole number, 1 or more, not '10'."),
])
def test_the_library_refuses_bad_page_values(seed_store, kwargs, message):
    with pytest.raises(UsageError) as caught:
        page_named_query(seed_store, "timeline", **kwargs)
    assert str(caught.value) == message


# ---------------------------------------------------------------- kg query and kg serve

@pytest.fixture(scope="module")
def built(tmp_path_factory, seeds_curated):
    out = tmp_path_factory.mktemp("paging") / "build"
    build(seeds_curated, out, render=False)
    return out


def _kg(*args):
    return subprocess.run([sys.executable, "-m", "graph_model", *map(str, args)], capture_output=True, text=True)


def test_kg_query_prints_one_page_and_says_where_the_next_starts(built):
    whole = run_named_query(open_store(built), "timeline").records()
    done = _kg("query", "timeline", "--out", built, "--limit", 5, "--offset", 5, "--format", "json")
    assert done.returncode == 0
    rows = [{k: v["value"] for k, v in b.items()} for b in json.loads(done.stdout)["results"]["bindings"]]
    assert rows == [{k: v for k, v in r.items() if v is not None} for r in whole[5:10]]
    assert done.stderr == "rows 6–10 of more; next: --offset 10\n"
    last = _kg("query", "timeline", "--out", built, "--limit", 1000, "--format", "csv")
    assert last.stderr == f"rows 1–{len(whole)}, the last\n"
    assert _kg("query", "timeline", "--out", built).stderr == ""  # no paging asked for, no page line


@pytest.mark.parametrize(("option", "value", "line"), [
    ("--limit", "0", "Error: Invalid value for '--limit': 0 is not in the range x>=1."),
    ("--offset", "-1", "Error: Invalid value for '--offset': -1 is not in the range x>=0."),
    ("--limit", "ten", "Error: Invalid value for '--limit': 'ten' is not a valid integer range."),
])
def test_kg_query_refuses_bad_page_values(built, option, value, line):
    done = _kg("query", "timeline", "--out", built, option, value)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == line
    assert "Try 'kg query --help' for help." in done.stderr


@pytest.fixture(scope="module")
def served(built):
    with kg_serve(built, "--max-results", "20") as base:
        yield base


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            return reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read().decode()


def test_kg_serve_pages_follow_the_next_links_to_the_whole_result(served, built):
    whole = run_named_query(open_store(built), "proposers", {"initiative": "Helsinki 2"}).records()
    expected = [{k: v for k, v in r.items() if v is not None} for r in whole]
    assert len(expected) > 4
    url, rows, links = served + "/queries/proposers?initiative=Helsinki+2&limit=2", [], []
    while url:
        status, headers, body = _get(url)
        assert status == 200
        rows += [{k: v["value"] for k, v in b.items()} for b in json.loads(body)["results"]["bindings"]]
        link = headers.get("link")
        links.append(link)
        url = served + link[1:link.index(">")] if link else None
    assert rows == expected
    assert links[0] == '</queries/proposers?initiative=Helsinki+2&limit=2&offset=2>; rel="next"'
    assert links[-1] is None and len(links) == (len(expected) + 1) // 2


def test_kg_serve_caps_a_page_at_its_default_size(served, built):
    total = len(run_named_query(open_store(built), "timeline").rows)
    assert 40 < total  # more rows than this server's --max-results: the default page is cut there
    status, headers, body = _get(served + "/queries/timeline?format=csv")
    assert status == 200 and len(body.strip().splitlines()) == 1 + 20
    assert headers["link"] == '</queries/timeline?format=csv&limit=20&offset=20>; rel="next"'
    status, headers, body = _get(served + f"/queries/timeline?format=csv&offset={total - 5}")
    assert len(body.strip().splitlines()) == 1 + 5 and "link" not in headers


@pytest.mark.parametrize(("query", "message"), [
    ("limit=0", "limit='0' is not a whole number from 1 to 20."),
    ("limit=21", "limit='21' is not a whole number from 1 to 20."),
    ("limit=abc", "limit='abc' is not a whole number from 1 to 20."),
    ("offset=-1", "offset='-1' is not a whole number from 0 to 1,000,000,000,000,000."),
    ("offset=1e3", "offset='1e3' is not a whole number from 0 to 1,000,000,000,000,000."),
])
def test_kg_serve_refuses_bad_page_values(served, query, message):
    status, _, body = _get(served + "/queries/timeline?" + query)
    assert status == 400
    assert body.startswith(message + " Ask for limit=1 to limit=20 rows a page (default 20) and offset=0 or more")
