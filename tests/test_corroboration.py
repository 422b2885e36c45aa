"""The corroboration query: per relation, how many distinct articles, outlets and speakers state
it. On the seeds (lower bounds, and agreement with the curated mappings) and on a two-article
corpus written here, where the lists and counts are known exactly."""

from __future__ import annotations

from collections import defaultdict

import pytest

from graph_model.build import build_nquads
from graph_model.queries import run_named_query
from graph_model.store import GraphStore

from .conftest import write_seeds

LUKASHENKO_PROPOSES = ("Alexander Lukashenko", "proposes", "Helsinki-2")


def records(store, **params):
    return run_named_query(store, "corroboration", params).records()


def key(row):
    return row["subjectLabel"], row["relation"], row["objectLabel"]


def split(text):
    return text.split(", ") if text else []


# ---- the seeds

def test_lukashenko_proposing_helsinki_2_is_stated_by_several_articles_outlets_and_speakers(seed_store):
    row = next(r for r in records(seed_store) if key(r) == LUKASHENKO_PROPOSES)
    # Lower bounds: true of the seeds as curated, and still true with more articles.
    assert int(row["articles"]) >= 4 and int(row["publishers"]) >= 2 and int(row["speakers"]) >= 3
    assert set(split(row["articleList"])) >= {"001_193587b326805307", "002_b4d5144d84c232ef",
                                              "003_213a5d6f32416dc9", "004_b2aff0031e872d3e"}
    assert set(split(row["publisherList"])) >= {"BelTA", "TASS"}
    assert set(split(row["speakerList"])) >= {"Alexander Lukashenko", "Sergey Aleinik", "Vladimir Makei"}
    # "In late 2016 I suggested" (001) is the earliest; the OSCE PA session of 5 July 2017 the latest.
    assert (row["earliest"], row["latest"]) == ("late 2016", "2017-07-05")


def test_the_filters_keep_only_the_relations_asked_about(seed_store):
    rows = records(seed_store, subject="Lukashenko", object="new Helsinki process")
    assert [key(r) for r in rows] == [LUKASHENKO_PROPOSES]
    about = records(seed_store, object="helsinki-2")
    assert {r["objectLabel"] for r in about} == {"Helsinki-2"} and len(about) > 3
    assert LUKASHENKO_PROPOSES in {key(r) for r in about}
    assert {r["subjectLabel"] for r in records(seed_store, subject="belarus")} == {"Belarus"}


def test_counts_are_of_distinct_articles_and_agree_with_the_curated_mappings(seed_store, seed_build):
    corpus = seed_build[0]
    articles, publishers = defaultdict(set), defaultdict(set)
    for mapping in corpus.mappings:
        for s in mapping.statements:
            articles[s.subject, s.predicate, s.object].add(mapping.article_id)
            if mapping.publisher:
                publishers[s.subject, s.predicate, s.object].add(mapping.publisher.value)
    rows = records(seed_store)
    assert len(rows) == len(articles)
    for row in rows:
        relation = tuple(row[k].rsplit("/", 1)[1].rsplit("#", 1)[-1] for k in ("subject", "predicate", "object"))
        assert split(row["articleList"]) == sorted(articles[relation]), row
        assert split(row["publisherList"]) == sorted(publishers[relation]), row
        assert int(row["articles"]) == len(articles[relation]), row
        assert int(row["publishers"]) == len(publishers[relation]), row
        assert int(row["speakers"]) == len(split(row["speakerList"])), row
    # one article may state a relation many times: it is still one article
    assert any(sum(1 for m in corpus.mappings for s in m.statements
                   if (s.subject, s.object) == ("lukashenko", "belarus") and m.article_id == a) > 1
               for a in articles["lukashenko", "holdsPosition", "belarus"])


def test_most_corroborated_first_and_every_row_carries_its_evidence(seed_store, seed_build):
    corpus = seed_build[0]
    rows = records(seed_store)
    counts = [int(r["articles"]) for r in rows]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 4
    for row in rows:
        assert row["quote"] and row["article"] in split(row["articleList"]), row
        text = " ".join(corpus.articles[row["article"]].text.split())
        assert " ".join(row["quote"].split()) in text, row


# ---- a two-article corpus: one relation stated by two outlets and two speakers, one by one

ENTITIES = """\
entities:
  - id: petrov
    type: Person
    label: Ivan Petrov
  - id: smirnova
    type: Person
    label: Anna Smirnova
  - id: belarus
    type: State
    label: Belarus
  - id: helsinki-2
    type: Initiative
    label: new Helsinki process
  - id: osce
    type: Organisation
    label: OSCE
"""

ARTICLE_A = ("Zeta News. Ivan Petrov said that in 2016 Belarus supported the new Helsinki process. "
             "Belarus supports the new Helsinki process, Petrov repeated.\n")
MAPPING_A = """\
article:
  file: 001_a.txt
  publisher: {value: Zeta News, quote: Zeta News}
statements:
  - subject: belarus
    predicate: supports
    object: helsinki-2
    quote: in 2016 Belarus supported the new Helsinki process
    speaker: petrov
    date: "2016"
  - subject: belarus
    predicate: supports
    object: helsinki-2
    quote: Belarus supports the new Helsinki process, Petrov repeated
    speaker: petrov
"""

ARTICLE_B = ("Alpha Post. Anna Smirnova said that in late 2017 Belarus supported the new Helsinki process "
             "under the auspices of the OSCE.\n")
MAPPING_B = """\
article:
  file: 002_b.txt
  publisher: {value: Alpha Post, quote: Alpha Post}
statements:
  - subject: belarus
    predicate: supports
    object: helsinki-2
    quote: in late 2017 Belarus supported the new Helsinki process
    speaker: smirnova
    date: late 2017
  - subject: helsinki-2
    predicate: involves
    object: osce
    quote: under the auspices of the OSCE
    involvement: under the auspices of
    speaker: smirnova
"""

# Lists sorted by value, not by article: Alpha Post's article is the second, Petrov speaks first.
SUPPORTS = {"subjectLabel": "Belarus", "relation": "supports", "objectLabel": "new Helsinki process",
            "articles": "2", "publishers": "2", "speakers": "2", "articleList": "001_a, 002_b",
            "publisherList": "Alpha Post, Zeta News", "speakerList": "Anna Smirnova, Ivan Petrov",
            "earliest": "2016", "latest": "late 2017", "article": "001_a",
            "quote": "in 2016 Belarus supported the new Helsinki process"}
INVOLVES = {"subjectLabel": "new Helsinki process", "relation": "involves", "objectLabel": "OSCE",
            "articles": "1", "publishers": "1", "speakers": "1", "articleList": "002_b",
            "publisherList": "Alpha Post", "speakerList": "Anna Smirnova", "earliest": None, "latest": None,
            "article": "002_b", "quote": "under the auspices of the OSCE"}


@pytest.fixture(scope="module")
def two_outlets(tmp_path_factory):
    root = tmp_path_factory.mktemp("corroboration") / "seeds"
    write_seeds(root, article=ARTICLE_A, entities=ENTITIES, mapping=MAPPING_A, name="001_a")
    write_seeds(root, article=ARTICLE_B, entities=ENTITIES, mapping=MAPPING_B, name="002_b")
    store = GraphStore.in_memory()
    store.load_nquads(build_nquads(root, shapes=True)[2])
    store.load_ontology()
    return store


def shown(rows):
    return [{k: row[k] for k in SUPPORTS} for row in rows]


def test_two_outlets_and_two_speakers_against_one(two_outlets):
    rows = records(two_outlets)
    assert shown(rows) == [SUPPORTS, INVOLVES]
    assert [(r["subject"].rsplit("/", 1)[1], r["object"].rsplit("/", 1)[1]) for r in rows] == \
        [("belarus", "helsinki-2"), ("helsinki-2", "osce")]


def test_subject_and_object_filter_the_relations(two_outlets):
    assert shown(records(two_outlets, subject="Belarus")) == [SUPPORTS]
    assert shown(records(two_outlets, object="osce")) == [INVOLVES]
    assert shown(records(two_outlets, subject="new Helsinki process", object="OSCE")) == [INVOLVES]
    assert records(two_outlets, subject="belarus", object="osce") == []


@pytest.mark.parametrize("params", [{}, {"subject": "belarus"}, {"object": "osce"}])
def test_rdflibs_own_sparql_engine_gives_the_same_rows(two_outlets, params):
    """Portable SPARQL 1.1: rdflib's evaluator gives the same rows, lists in the same order."""
    import pyoxigraph as ox
    from rdflib import Dataset

    from graph_model.formats import Format
    from graph_model.iris import entity_iri
    from graph_model.queries import get_named_query
    from graph_model.sparql_text import bind_values

    dataset = Dataset(default_union=True)
    dataset.parse(data=two_outlets.dump(Format.NQUADS), format="nquads")
    text = bind_values(get_named_query("corroboration").text,
                       {k: ox.NamedNode(entity_iri(v)) for k, v in params.items()})
    result = dataset.query(text)
    theirs = [{str(k): (None if v is None else str(v)) for k, v in zip(result.vars, row)} for row in result]
    ours = records(two_outlets, **params)
    assert ours and theirs == ours
