"""The embedded store: on disk, persistent, read-only for readers, queried by Oxigraph."""

import pytest
from rdflib.plugins.sparql import processor

from graph_model.build import build, open_store
from graph_model.errors import QueryError, StoreError
from graph_model.store import GraphStore


def test_store_persists_on_disk_and_reopens_read_only(tiny_seeds, tmp_path):
    result = build(tiny_seeds, tmp_path / "out", render=False)
    assert (result.store_path / "CURRENT").exists()
    store = open_store(tmp_path / "out")
    assert len(store) == result.quads
    with pytest.raises(RuntimeError, match="read-write"):
        store.ox.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_two_readers_can_share_the_store(tiny_seeds, tmp_path):
    build(tiny_seeds, tmp_path / "out", render=False)
    first, second = open_store(tmp_path / "out"), open_store(tmp_path / "out")
    assert len(first) == len(second) > 0


def test_rdflib_view_queries_run_on_oxigraph_not_rdflib(seed_store, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("rdflib's Python SPARQL engine was used")

    monkeypatch.setattr(processor.SPARQLProcessor, "query", refuse)
    dataset = seed_store.as_rdflib()
    rows = list(dataset.query("SELECT ?o WHERE { ent:lukashenko kg:proposes ?o }"))
    assert {str(r[0]) for r in rows} >= {"https://newsgraph.example/entity/helsinki-2"}


def test_open_without_build_explains_what_to_do(tmp_path):
    with pytest.raises(StoreError, match="Run 'kg build' first"):
        GraphStore.open(tmp_path / "nowhere")


def test_syntax_error_is_a_query_error_with_position(seed_store):
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        seed_store.query("SELECT * WHERE { ?s ?p }")
