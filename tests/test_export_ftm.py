"""FollowTheMoney export: every entity read back and validated by the followthemoney package."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from followthemoney import model
from followthemoney.cli.util import binary_entities
from followthemoney.entity import ValueEntity
from followthemoney.types import registry

from graph_model.build import build_nquads
from graph_model.export import export_bytes
from graph_model.export_ftm import FTM_SCHEMA, build_ftm, entity_ftm_id
from graph_model.store import GraphStore
from graph_model.vocabulary import EntityType

from .conftest import TINY_ENTITIES, write_seeds

HOSTILE_ARTICLE = ('A <b>title</b> & "more"\nMinsk, 5 July 2017. President Alexander Lukashenko proposed a '
                   '<script>alert("x")</script> "new Helsinki process" & a\u2028line \\ break, under the auspices of '
                   'the OSCE. In February 2017 and on May 17 too.\n')
HOSTILE_ENTITIES = TINY_ENTITIES.replace("label: OSCE", "label: 'OSCE <img src=x onerror=alert(1)>'")
HOSTILE_MAPPING = r'''article:
  file: 001_tiny.txt
  title: 'A <b>title</b> & "more"'
  url: "https://news.example/helsinki?x=1&lt;y=2"
  date: {value: "2017-07-05", quote: "5 July 2017"}
statements:
  - subject: lukashenko
    predicate: proposes
    object: helsinki-2
    quote: "Alexander Lukashenko proposed a <script>alert(\"x\")</script> \"new Helsinki process\" & a\u2028line \\ break"
    speaker: lukashenko
    date: "2017-07-05"
    role: "President </p><script>"
  - subject: helsinki-2
    predicate: involves
    object: osce
    quote: under the auspices of the OSCE
    involvement: under the auspices of
    modality: proposed
    date: "2017-02"
  - subject: lukashenko
    predicate: supports
    object: helsinki-2
    quote: on May 17 too
    date: "--05-17"
'''
HOSTILE_URL = "https://news.example/helsinki?x=1&lt;y=2"
HOSTILE_QUOTE = 'Alexander Lukashenko proposed a <script>alert("x")</script> "new Helsinki process" & a\u2028line \\ break'


def store_of(seeds: Path) -> GraphStore:
    store = GraphStore.in_memory()
    store.load_nquads(build_nquads(seeds, shapes=False)[2])
    store.load_ontology()
    return store


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> GraphStore:
    root = tmp_path_factory.mktemp("hostile")
    return store_of(write_seeds(root / "seeds", article=HOSTILE_ARTICLE, entities=HOSTILE_ENTITIES,
                                mapping=HOSTILE_MAPPING))


def read_ftm(data: bytes) -> list[ValueEntity]:
    """The export as FtM's own JSON-lines reader (what ``ftm validate`` runs) reads it, with every
    value re-validated (cleaned=False)."""
    return list(binary_entities(io.BytesIO(data), ValueEntity, cleaned=False))


@pytest.fixture(scope="module")
def seed_ftm(seed_store) -> tuple[bytes, list[dict], dict[str, ValueEntity]]:
    data = export_bytes(seed_store, "ftm")
    raw = [json.loads(line) for line in data.decode().splitlines()]
    return data, raw, {e.id: e for e in read_ftm(data)}


def test_every_entity_is_valid_ftm_and_reads_back_unchanged(seed_ftm):
    data, raw, proxies = seed_ftm
    assert len(proxies) == len(raw) > 200
    for entity in raw:
        assert registry.entity.validate(entity["id"]), entity["id"]
        schema = model.get(entity["schema"])
        assert schema is not None and not schema.abstract, entity["schema"]
        assert schema.validate(entity) is None
        for required in schema.required:
            assert entity["properties"].get(required), (entity["id"], required)
        # Re-validating every value (cleaned=False) drops what FtM's types refuse and normalises
        # the rest: nothing may change.
        assert proxies[entity["id"]].to_dict()["properties"] == entity["properties"], entity["id"]


def test_every_reference_names_an_exported_entity_of_the_right_schema(seed_ftm):
    _, _, proxies = seed_ftm
    for proxy in proxies.values():
        for prop, value in proxy.itervalues():
            if prop.type is registry.entity:
                assert value in proxies, (proxy.id, prop.name, value)
                assert proxies[value].schema.is_a(prop.range), (proxy.id, prop.name, proxies[value].schema.name)


def test_entities_become_the_ftm_schema_of_their_type(seed_ftm, seed_graph):
    _, _, proxies = seed_ftm
    for node, data in seed_graph.nodes(data=True):
        schema = FTM_SCHEMA[EntityType(data["type"])]
        if schema is None:
            assert entity_ftm_id(node) not in proxies
            continue
        proxy = proxies[entity_ftm_id(node)]
        assert proxy.schema.name == schema and proxy.get("name") == [data["label"]]
        assert sorted(proxy.get("alias")) == sorted(set(data["aliases"]) - {data["label"]})
    assert proxies["newsgraph-entity-belarus"].schema.name == "PublicBody"
    assert set(FTM_SCHEMA) == set(EntityType)


def test_each_statement_is_one_relation_with_its_quote_and_article(seed_ftm, seed_graph, seed_store):
    _, _, proxies = seed_ftm
    by_record = Counter(p.first("recordId") for p in proxies.values() if p.first("recordId", quiet=True))
    statements = [(u, v, s) for u, v, d in seed_graph.edges(data=True) for s in d["statements"]]
    types = nx_types(seed_graph)
    kept = [(u, v, s) for u, v, s in statements if FTM_SCHEMA[types[u]] and FTM_SCHEMA[types[v]]]
    assert set(by_record) == {s["statement"] for _, _, s in kept} and set(by_record.values()) == {1}
    assert len(build_ftm(seed_store).left_out) == len(statements) - len(kept) > 0
    relation = {p.first("recordId"): p for p in proxies.values() if p.first("recordId", quiet=True)}
    for u, v, s in kept:
        proxy = relation[s["statement"]]
        assert proxy.get("summary") == [s["quote"]]
        article = proxies[proxy.first("proof")]
        assert article.schema.name == "Article" and s["quote"] in article.first("bodyText")
        source, target = proxy.first(proxy.schema.edge_source), proxy.first(proxy.schema.edge_target)
        if proxy.schema.name == "Occupancy":  # the holder occupies a post of the organisation
            target = proxies[target].first("organization")
        assert {source, target} == {entity_ftm_id(u), entity_ftm_id(v)}


def nx_types(graph) -> dict[str, EntityType]:
    return {n: EntityType(d["type"]) for n, d in graph.nodes(data=True)}


def test_relations_take_the_ftm_schema_that_says_the_same(seed_ftm):
    _, _, proxies = seed_ftm
    by_schema = Counter(p.schema.name for p in proxies.values())
    assert {"Membership", "Occupancy", "Position", "ProjectParticipant", "UnknownLink", "Documentation"} <= set(by_schema)
    csto = [p for p in proxies.values() if p.schema.name == "Membership"
            and p.get("organization") == ["newsgraph-entity-csto"]]
    assert [p.get("member") for p in csto] == [["newsgraph-entity-belarus"]]
    assert csto[0].get("summary") == ["a party to the Collective Security Treaty Organization"]
    # holdsPosition: the role's words name the post, tied to the state; the holder occupies it.
    posts = {p.id: p for p in proxies.values() if p.schema.name == "Position"}
    occupied = {(p.first("holder"), posts[p.first("post")].first("name"), posts[p.first("post")].first("organization"))
                for p in proxies.values() if p.schema.name == "Occupancy"}
    assert ("newsgraph-entity-lukashenko", "Belarus President", "newsgraph-entity-belarus") in occupied
    links = [p for p in proxies.values() if p.schema.name == "UnknownLink"]
    assert {p.first("role") for p in links} >= {"proposes", "supports"}


def test_dates_keep_the_articles_precision(seed_ftm):
    _, _, proxies = seed_ftm
    late = [p for p in proxies.values() if p.first("summary", quiet=True) and p.first("summary").startswith(
        "In late 2016 I suggested")]
    assert [p.get("date") for p in late] == [["2016"]]
    assert "date: late 2016" in late[0].first("description")
    dates = {d for p in proxies.values() for d in p.get("date", quiet=True)}
    assert dates and all(len(d) in (4, 7, 10) for d in dates) and "2017-07-05" in dates
    articles = {p.first("fileName"): p for p in proxies.values() if p.schema.name == "Article"}
    assert articles["001_193587b326805307.txt"].get("publishedAt") == ["2017-07-05"]
    assert articles["001_193587b326805307.txt"].get("publisher") == ["BelTA"]
    # 003 is dated "May 17" without a year: FtM gets no date rather than an invented year.
    assert articles["003_213a5d6f32416dc9.txt"].get("publishedAt") == []


def test_articles_document_the_entities_their_statements_name(seed_ftm, seed_graph):
    _, _, proxies = seed_ftm
    documented = {(p.first("document"), p.first("entity")) for p in proxies.values() if p.schema.name == "Documentation"}
    by_file = {p.first("fileName"): p.id for p in proxies.values() if p.schema.name == "Article"}
    article = {a: by_file[meta["file"]] for a, meta in seed_graph.graph["articles"].items()}
    for u, v, data in seed_graph.edges(data=True):
        for s in data["statements"]:
            for node in (u, v):
                if entity_ftm_id(node) in proxies:
                    assert (article[s["article"]], entity_ftm_id(node)) in documented


def test_untrusted_text_stays_data(hostile_store):
    data = export_bytes(hostile_store, "ftm")
    lines = data.decode("utf-8").splitlines()  # splits on U+2028 too: it must not be raw in the file
    proxies = read_ftm(data)
    assert len(lines) == len(proxies)
    exported = {v for line in lines for v in json.loads(line)["properties"].get("summary", [])}
    assert HOSTILE_QUOTE in exported
    # FtM's text type reads a line separator as a space; the rest of the quote arrives as it is.
    summaries = {p.first("summary") for p in proxies if p.first("summary", quiet=True)}
    assert HOSTILE_QUOTE.replace("\u2028", " ") in summaries
    assert any(p.get("name") == ["OSCE <img src=x onerror=alert(1)>"] for p in proxies)
    assert [p.get("sourceUrl") for p in proxies if p.schema.name == "Article"] == [[HOSTILE_URL]]
    dates = sorted(d for p in proxies for d in p.get("date", quiet=True))
    assert dates == ["2017-02", "2017-07-05"]  # the "--05-17" statement has no year: no date


def test_same_store_contents_give_the_same_bytes(seed_store, seed_build):
    again = GraphStore.in_memory()
    again.load_nquads(seed_build[2])
    again.load_ontology()
    assert export_bytes(again, "ftm") == export_bytes(seed_store, "ftm")
