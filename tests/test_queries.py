"""The named queries answer the competency questions with the curated seeds' real answers."""

import pytest

from graph_model.errors import UsageError
from graph_model.queries import read_named_queries, run_named_query


def records(store, name, **params):
    return run_named_query(store, name, params).records()


def test_cq1_who_proposed_helsinki_2_and_which_articles_say_so(seed_store):
    rows = records(seed_store, "proposers")
    assert {r["proposerLabel"] for r in rows} == {"Alexander Lukashenko", "Belarus"}
    lukashenko_articles = {r["article"] for r in rows if r["proposerLabel"] == "Alexander Lukashenko"}
    assert lukashenko_articles == {"001_193587b326805307", "002_b4d5144d84c232ef", "003_213a5d6f32416dc9",
                                   "004_b2aff0031e872d3e"}
    assert all(r["quote"] for r in rows)
    late_2016 = [r for r in rows if r["date"] == "late 2016"]
    assert [r["quote"][:40] for r in late_2016] == ["In late 2016 I suggested starting a new "]


def test_cq1_any_alias_names_the_initiative(seed_store):
    by_id = records(seed_store, "proposers", initiative="helsinki-2")
    for alias in ("new Helsinki process", "Helsinki 2", "HELSINKI-2"):
        assert records(seed_store, "proposers", initiative=alias) == by_id


def test_cq2_organisations_involved_and_their_roles(seed_store):
    rows = records(seed_store, "involvement")
    roles = {(r["organisation"].rsplit("/", 1)[1], r["involvement"], r["modality"]) for r in rows}
    assert ("osce", "under the auspices of", "proposed") in roles
    assert ("un", "possibly under the auspices of", "possible") in roles
    assert {r["organisation"].rsplit("/", 1)[1] for r in rows} >= {"osce", "un"}
    assert "nato" not in {r["organisation"].rsplit("/", 1)[1] for r in rows}


def test_cq3_belarus_memberships(seed_store):
    rows = records(seed_store, "memberships")
    assert [(r["organisationLabel"], r["relation"], r["quote"]) for r in rows] == [
        ("Collective Security Treaty Organization", "party to", "a party to the Collective Security Treaty Organization")]


def test_cq3_no_answer_is_an_empty_result(seed_store):
    assert records(seed_store, "memberships", actor="china") == []


def test_cq4_timeline_orders_by_date_at_its_precision_and_keeps_unknown_last(seed_store):
    rows = records(seed_store, "timeline")
    dated = [(r["date"], r["precision"]) for r in rows if r["date"]]
    assert dated[0] == ("late 2016", "late year")
    assert dated[1] == ("2017", "year")
    assert {d for d, _ in dated[2:]} == {"2017-07-05"}
    first_undated = next(i for i, r in enumerate(rows) if not r["date"])
    assert all(not r["date"] and not r["precision"] for r in rows[first_undated:])
    assert len(rows) - first_undated > 10
    assert {r["article"] for r in rows} == {"000_e7ccb706e8c9b9a5", "001_193587b326805307", "002_b4d5144d84c232ef",
                                            "003_213a5d6f32416dc9", "004_b2aff0031e872d3e"}


def test_cq5_actors_connected_to_nato_through_initiatives(seed_store):
    rows = records(seed_store, "nato-connections")
    assert {(r["actorLabel"], r["initiativeLabel"]) for r in rows} == {("Belarus", "dialogue between the CSTO and NATO")}
    assert all(r["actorQuote"] and r["initiativeQuote"] for r in rows)


def test_every_named_query_has_a_summary_and_runs(seed_store):
    queries = read_named_queries()
    assert len(queries) >= 7
    for name, query in queries.items():
        assert query.summary
        result = run_named_query(seed_store, name)
        assert result.variables


def test_every_answer_row_carries_a_quote_and_an_article(seed_store):
    for name in ("proposers", "involvement", "memberships", "timeline", "entity-statements", "initiatives"):
        rows = records(seed_store, name)
        assert rows, name
        assert all(r.get("quote") and r.get("article") for r in rows), name


def test_parameter_values_are_bound_not_pasted(seed_store):
    with pytest.raises(UsageError, match="no entity named"):
        records(seed_store, "proposers", initiative='helsinki-2" } UNION { ?x ?y ?z')


def test_initiatives_pair_each_quote_with_its_own_article(seed_store, seed_build):
    corpus = seed_build[0]
    rows = records(seed_store, "initiatives")
    assert rows[0]["initiativeLabel"] == "Helsinki-2" and rows[0]["articles"] == "5"
    for row in rows:
        assert row["quote"] in " ".join(corpus.articles[row["article"]].text.split()) or \
            row["quote"] in corpus.articles[row["article"]].text
