"""The one format registry: names, media types, negotiation, and writers read back by real parsers."""

from __future__ import annotations

import csv
import io

import networkx as nx
import pyoxigraph as ox
import pytest
from hypothesis import given, strategies as st

from graph_model.errors import UsageError
from graph_model.export import export_bytes
from graph_model.formats import (CLI_RESULT_FORMATS, EXPORT_FORMATS, HTTP_GRAPH_FORMATS, HTTP_RESULT_FORMATS, Format,
                                 Kind, format_parameter, negotiate, parse_format, write_rdf, write_results)
from graph_model.results import QueryResult

ROWS = QueryResult(("s", "label", "n"), (
    (ox.NamedNode("urn:a"), ox.Literal("Ж \"quoted\"\ttab\nline", language="ru"), ox.Literal("3", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer"))),
    (ox.NamedNode("urn:b"), None, ox.Literal("plain")),
))


def test_every_format_has_one_kind_and_media_type():
    media = [f.media_type for f in Format]
    assert len(set(media)) == len(media)
    assert {f.kind for f in HTTP_RESULT_FORMATS} == {Kind.RESULTS}
    assert {f.kind for f in HTTP_GRAPH_FORMATS} == {Kind.RDF}
    assert all(f.rdf_format is not None for f in HTTP_GRAPH_FORMATS)


@pytest.mark.parametrize("fmt", [Format.JSON, Format.XML, Format.TSV])
def test_results_read_back_by_pyoxigraph(fmt):
    parsed = ox.parse_query_results(write_results(ROWS, fmt), format=ox.QueryResultsFormat.from_media_type(fmt.media_type))
    assert [[s[v] for v in ("s", "label", "n")] for s in parsed] == [list(r) for r in ROWS.rows]


def test_csv_results_read_back():
    rows = list(csv.reader(io.StringIO(write_results(ROWS, Format.CSV).decode())))
    assert rows[0] == ["s", "label", "n"] and rows[1][1] == "Ж \"quoted\"\ttab\nline" and rows[2][1] == ""


@pytest.mark.parametrize("fmt", [Format.JSON, Format.XML, Format.TSV, Format.CSV])
def test_ask_answers(fmt):
    text = write_results(QueryResult((), (), True), fmt).decode()
    assert "true" in text


@pytest.mark.parametrize("fmt", HTTP_GRAPH_FORMATS)
def test_rdf_read_back(fmt):
    triples = [ox.Triple(ox.NamedNode("https://newsgraph.example/entity/a"), ox.NamedNode("urn:p"),
                         ox.Literal("x\ny", language="en"))]
    assert [q.triple for q in ox.parse(write_rdf(triples, fmt), format=fmt.rdf_format)] == triples


@pytest.mark.parametrize("export_format", EXPORT_FORMATS)
def test_every_export_format_is_read_back_by_its_own_reader(seed_store, export_format):
    data = export_bytes(seed_store, export_format.value)
    if export_format.kind is Kind.NETWORK:
        read = {Format.GRAPHML: nx.read_graphml, Format.GEXF: nx.read_gexf}[export_format]
        assert read(io.BytesIO(data)).number_of_nodes() > 50
    elif export_format.kind is Kind.TOOL:
        from .test_export_annotation import read_offline
        from .test_export_ftm import read_ftm
        from .test_export_timeline import read_timeline

        read = {Format.FTM: read_ftm, Format.TIMELINEJS: lambda d: read_timeline(d)["events"],
                Format.WEB_ANNOTATION: lambda d: read_offline(d)[1]}[export_format]
        assert len(read(data)) > 20
    else:
        assert len(list(ox.parse(data, format=export_format.rdf_format))) > 1000
    assert export_bytes(seed_store, export_format.value) == data


def test_unknown_format_names_the_allowed_ones():
    with pytest.raises(UsageError, match="unknown format 'yaml'. Use one of: table, csv, tsv, json, xml."):
        parse_format("yaml", CLI_RESULT_FORMATS)


@pytest.mark.parametrize("accept, expected", [
    (None, Format.JSON), ("", Format.JSON), ("*/*", Format.JSON), ("text/*", Format.CSV),
    ("application/sparql-results+xml", Format.XML), ("application/xml", Format.XML),
    ("text/csv;q=0.5, application/sparql-results+xml", Format.XML),
    ("text/csv, text/tab-separated-values", Format.CSV),
    ("*/*;q=0.1, text/tab-separated-values", Format.TSV),
    ("*/*, application/sparql-results+json;q=0", Format.XML),
    ("application/sparql-results+json;q=0", None), ("image/png", None), ("text/csv;q=2", None),
    ("text/csv;q=-1", None), ("text/csv;q=nan", None), ("text/csv;q=", None),
])
def test_negotiation(accept, expected):
    assert negotiate(accept, HTTP_RESULT_FORMATS) is expected


@given(st.text(max_size=80))
def test_negotiation_never_fails_on_any_header(accept):
    assert negotiate(accept, HTTP_RESULT_FORMATS) in (*HTTP_RESULT_FORMATS, None)


@pytest.mark.parametrize("value, expected", [
    ("json", (Format.JSON, Format.JSONLD)), ("n3", (None, Format.TURTLE)), ("json-ld", (None, Format.JSONLD)),
    ("text/tab-separated-values", (Format.TSV, None)), ("application/rdf+xml", (None, Format.RDFXML)),
    ("application/xml", (Format.XML, Format.RDFXML)), ("yaml", None),
])
def test_format_parameter(value, expected):
    assert format_parameter(value) == expected


@pytest.mark.parametrize("fmt", [Format.NQUADS, Format.TRIG, Format.TURTLE, Format.NTRIPLES])
def test_exports_keep_one_statement_per_line_with_unicode_line_separators(fmt):
    from graph_model.store import GraphStore

    text = "a\u2028b\u2029c\u0085d"
    store = GraphStore.in_memory()
    store.load_nquads(f'<urn:s> <urn:p> "{text}" <https://newsgraph.example/g> .\n'.encode())
    data = store.dump(fmt)
    assert "\u2028" not in data.decode() and "\u0085" not in data.decode()
    if fmt in (Format.NQUADS, Format.NTRIPLES):
        assert len(data.decode().splitlines()) == 1
    assert [q.object for q in ox.parse(data, format=fmt.rdf_format)] == [ox.Literal(text)]
