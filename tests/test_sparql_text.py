"""The one SPARQL-text layer: tokenizer, query facts, read-only policy, binding, prologue."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest
from hypothesis import given, settings, strategies as st

from graph_model.errors import QueryError, QueryRefused
from graph_model.sparql_text import (analyse, bind_values, check_read_only, query_form, tokenize,
                                     with_prologue)

EVIL = "http://127.0.0.1:9/internal"


def refused(text: str, **options) -> bool:
    """Whether the text would never reach the engine (refused, or unreadable)."""
    try:
        check_read_only(analyse(text), **options)
    except QueryError:
        return True
    return False


# ---- SERVICE can be reached by no spelling

@pytest.mark.parametrize("text", [
    f"SELECT * WHERE {{ #\rSERVICE <{EVIL}> {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ #\nSERVICE <{EVIL}> {{ ?s ?p ?o }} }}",
    f"select * where {{ service silent <{EVIL}> {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ SERVICE<{EVIL}>{{?s ?p ?o}} }}",
    f"PREFIX ex: <{EVIL}> ASK {{ SERVICEex:x {{ ?s ?p ?o }} }}",
    f"ASK {{ ?s ?p true.SERVICE <{EVIL}> {{ ?a ?b ?c }} }}",
    f"ASK {{ ?s ?p trueSERVICE <{EVIL}> {{ ?a ?b ?c }} }}",
    f"SELECT * WHERE {{ SERV\\u0049CE <{EVIL}> {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ \"\\u0022 SERVICE <{EVIL}> {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ ?s ?p \"a\" . SERVICE ?svc {{ ?s ?p ?o }} VALUES ?svc {{ <{EVIL}> }} }}",
])
def test_service_is_refused_in_every_spelling(text):
    assert refused(text)


@pytest.mark.parametrize("text", [
    'SELECT ?service WHERE { ?s <urn:SERVICE> "SERVICE" } # SERVICE',
    "SELECT * WHERE { ?s ?p '''SERVICE <urn:x> { }''' }",
    'SELECT * WHERE { ?s ?p "a\\"SERVICE" }',
    "SELECT $service WHERE { ?s ?p ?o }",
    "PREFIX ex: <urn:x#> SELECT * WHERE { ?s ex:SERVICE ?o }",
])
def test_service_in_data_is_not_a_keyword(text):
    assert not refused(text)


def test_allow_service_lets_service_through():
    assert not refused(f"SELECT * WHERE {{ SERVICE <{EVIL}> {{ ?s ?p ?o }} }}", allow_service=True)


def test_a_quote_written_as_an_escape_is_still_a_query():
    assert not refused('SELECT * WHERE { ?s ?p "\\u0022" }')


@pytest.mark.parametrize("text, keyword", [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "INSERT"),
    ("PREFIX x: <urn:x> DELETE WHERE { ?s ?p ?o }", "DELETE"),
    ("LOAD <http://127.0.0.1:9/x>", "LOAD"),
    ("drop all", "DROP"),
    ("SELECT * WHERE { } ; CLEAR ALL", "CLEAR"),
    ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
    ("INS\\u0045RT DATA { <urn:a> <urn:b> <urn:c> }", "INSERT"),
])
def test_updates_are_refused(text, keyword):
    info = analyse(text)
    assert info.update_keyword == keyword
    with pytest.raises(QueryRefused):
        check_read_only(info)


def test_text_that_is_no_query_is_a_query_error():
    with pytest.raises(QueryError, match="expected SELECT, CONSTRUCT, DESCRIBE or ASK .*found 'DEFINE' at line 1, "
                                         "column 1") as caught:
        check_read_only(analyse("DEFINE input:grab-all 'yes' SELECT * { ?s ?p ?o }"))
    assert not isinstance(caught.value, QueryRefused)


# ---- query facts

@pytest.mark.parametrize("text, form", [
    ("SELECT * { }", "SELECT"), ("ask {}", "ASK"), ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <urn:x>", "DESCRIBE"), ("PREFIX ask: <urn:x#> # ASK\nSELECT * { ?s ask:p ?o }", "SELECT"),
    ("BASE <urn:b> PREFIX : <urn:x#> DESCRIBE :a", "DESCRIBE"), ("# only a comment", None),
    ("BASE <urn:x#DESCRIBE> describe <urn:y>", "DESCRIBE"),
])
def test_query_form(text, form):
    assert query_form(text) == form


def test_dataset_clauses_are_seen_only_outside_groups_and_data():
    assert analyse("SELECT * FROM <urn:g> { ?s ?p ?o }").has_dataset
    assert analyse("SELECT * FROM NAMED <urn:g> { GRAPH ?g { ?s ?p ?o } }").has_dataset
    assert not analyse('SELECT * { ?s ?p "FROM <urn:g>" } # FROM <urn:g>').has_dataset


def test_nesting_past_the_limit_is_refused_before_parsing():
    for opener, closer in [("{", "}"), ("(", ")"), ("{ OPTIONAL {", "}}"), ("{ SELECT * WHERE {", "}}")]:
        text = "SELECT * WHERE " + opener * 3000 + closer * 3000
        with pytest.raises(QueryError, match="more than 64 deep"):
            analyse(text)
    assert analyse("SELECT * WHERE " + "{" * 64 + "}" * 64).depth == 64


def test_length_limit_names_the_limit():
    with pytest.raises(QueryError, match="more than the limit of 100"):
        analyse("SELECT * { " + "?s " * 40 + "}", max_length=100)


def test_unterminated_string_is_located():
    with pytest.raises(QueryError, match="line 2, column 9: a string is opened here and never closed"):
        analyse('SELECT *\n{ ?s ?p "abc }')


def test_tokens_keep_their_offsets():
    text = "ASK { <urn:a> ?p 'x' }"
    assert all(text[t.start:t.start + len(t.text)] == t.text for t in tokenize(text))


# ---- binding parameters

def test_values_go_into_the_real_where_group():
    term = ox.Literal("v")
    cases = {
        "SELECT ?x # where { fake\nWHERE { ?x ?p ?o }": "WHERE { VALUES ?o",
        "SELECT ?o { ?s ?p ?o }": "SELECT ?o { VALUES ?o",
        'SELECT ?x WHERE { ?x ?p "where {" }': 'WHERE { VALUES ?o',
        "SELECT (EXISTS { ?a ?b ?c } AS ?e) WHERE { ?s ?p ?o }": "WHERE { VALUES ?o",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }": "WHERE { VALUES ?o",
        "CONSTRUCT WHERE { ?s ?p ?o }": "WHERE { VALUES ?o",
        "ASK { ?s ?p ?o }": "ASK { VALUES ?o",
        "SELECT * FROM <urn:g> WHERE { ?s ?p ?o }": "WHERE { VALUES ?o",
    }
    for text, expected in cases.items():
        assert expected in bind_values(text, {"o": term}), text


def test_bound_values_answer_on_the_engine():
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("a")))
    store.add(ox.Quad(ox.NamedNode("urn:s2"), ox.NamedNode("urn:p"), ox.Literal("b")))
    text = "SELECT ?s # where { is only a comment\n{ ?s ?p ?o }"
    rows = list(store.query(bind_values(text, {"o": ox.Literal("b")})))
    assert [r["s"] for r in rows] == [ox.NamedNode("urn:s2")]


def test_a_describe_without_group_cannot_take_parameters():
    with pytest.raises(QueryError, match="no WHERE group"):
        bind_values("DESCRIBE <urn:x>", {"x": ox.Literal("a")})


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=40))
def test_any_literal_value_stays_data(value):
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal(value)))
    text = bind_values("SELECT ?s WHERE { ?s <urn:p> ?o }", {"o": ox.Literal(value)})
    check_read_only(analyse(text))
    assert [r["s"].value for r in store.query(text)] == ["urn:s"]


# ---- the prologue

def test_prologue_adds_only_what_is_used_and_missing_on_the_first_line():
    prefixes = {"ent": "urn:e/", "kg": "urn:k#", "unused": "urn:u#"}
    text = 'PREFIX kg: <urn:kg#>\nASK { ?s kg:p ent:x . ?s ?p "unused:x" . ?s ?p <relative> }'
    out = with_prologue(text, prefixes, base="https://newsgraph.example/")
    assert out.splitlines()[1:] == text.splitlines()[1:]
    assert out.startswith("BASE <https://newsgraph.example/> PREFIX ent: <urn:e/> PREFIX kg:")
    assert "unused" not in out.splitlines()[0]
    assert with_prologue("BASE <urn:b/> ASK { <a> ?p ?o }", {}, base="urn:o/") == "BASE <urn:b/> ASK { <a> ?p ?o }"
    assert with_prologue("ASK { <urn:a> ?p ?o }", {}, base="urn:o/") == "ASK { <urn:a> ?p ?o }"


# ---- properties of the tokenizer

_PIECES = st.sampled_from([
    "SELECT", "select", "*", "{", "}", "(", ")", "?s", "$o", "<urn:a>", "<http://x/\\u0041>", "ex:p",
    ":local", "ex:a.b", '"s"', "'s'", '"""multi\nline"""', "'''m\r'''", '"esc\\"aped"', "# c\n", "# c\r",
    "SERVICE", "service", "FROM", ".", ";", ",", "a", "1", "2.5", "<", ">=", "\\u0053", "\n", "\r", " ",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=60))
def test_tokens_never_straddle_and_service_as_a_token_is_always_seen(pieces):
    text = " ".join(pieces)
    try:
        tokens = tokenize(text)
    except QueryError:
        return  # an unterminated string, which no engine would take either
    assert all(text[t.start:t.start + len(t.text)] == t.text for t in tokens)
    assert [t.start for t in tokens] == sorted(t.start for t in tokens)
    if any(t.kind == "word" and t.text.upper() == "SERVICE" for t in tokens):
        assert analyse(text, max_depth=10**6).uses_service


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_any_text_is_read_or_refused_with_a_query_error(text):
    try:
        check_read_only(analyse(text))
    except QueryError:
        pass


@pytest.mark.parametrize("make", [
    lambda n: "SELECT * { " + "a" * n + " }",
    lambda n: 'SELECT * { "' + "a" * n,
    lambda n: "SELECT * { '''" + "a" * n,
    lambda n: "SELECT * { " + "a." * (n // 2) + " }",
    lambda n: "SELECT * { x:" + "a." * (n // 2) + " }",
    lambda n: "SELECT * { " + "?s ?p ?o . " * (n // 11) + "}",
    lambda n: "SELECT * { FILTER(" + "?a<" * (n // 3) + "1) }",
])
def test_reading_time_is_linear(make):
    """Eight times the text costs about eight times the time, far from the 64x of quadratic work."""
    def cost(n):
        text = make(n)
        best = float("inf")
        for _ in range(5):  # the best of five: other processes only ever add time
            start = time.perf_counter()
            try:
                analyse(text, max_length=10**9)
            except QueryError:
                pass
            best = min(best, time.perf_counter() - start)
        return best

    small, large = cost(25_000), cost(200_000)
    assert large < 24 * max(small, 1e-3)
