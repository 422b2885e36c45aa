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
    assert len(queries) >= 11
    for name, query in queries.items():
        assert query.summary
        result = run_named_query(seed_store, name)
        assert result.variables


def test_every_answer_row_carries_a_quote_and_an_article(seed_store):
    for name in ("proposers", "involvement", "memberships", "timeline", "entity-statements", "initiatives",
                 "statements-by-speaker", "supporters", "roles", "conflicts"):
        rows = records(seed_store, name)
        assert rows, name
        assert all(r.get("quote") and r.get("article") for r in rows), name


def test_parameter_values_are_bound_not_pasted(seed_store):
    with pytest.raises(UsageError, match="no entity named"):
        records(seed_store, "proposers", initiative='helsinki-2" } UNION { ?x ?y ?z')


def test_initiatives_pair_each_quote_with_its_own_article(seed_store, seed_build):
    corpus = seed_build[0]
    rows = records(seed_store, "initiatives")
    counts = [int(r["articles"]) for r in rows]
    assert counts == sorted(counts, reverse=True)
    helsinki_2 = next(r for r in rows if r["initiativeLabel"] == "Helsinki-2")
    assert int(helsinki_2["articles"]) >= 5 and int(helsinki_2["articles"]) == counts[0]
    for row in rows:
        assert row["quote"] in " ".join(corpus.articles[row["article"]].text.split()) or \
            row["quote"] in corpus.articles[row["article"]].text


# ---- the catalogue: shipped queries plus the user's own

import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from graph_model.errors import InputError  # noqa: E402
from graph_model.queries import format_query_catalogue, shipped_queries_dir  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MINE = "#+ summary: How many statements each article makes\nSELECT ?article (COUNT(?s) AS ?n) WHERE {\n" \
       "  ?s a kg:Statement ; prov:wasDerivedFrom/dcterms:identifier ?article } GROUP BY ?article\n"


def test_the_shipped_queries_are_the_repositorys_queries_directory():
    assert shipped_queries_dir().resolve() == (ROOT / "queries").resolve()
    names = {p.stem for p in (ROOT / "queries").glob("*.rq")}
    assert set(read_named_queries()) == names  # run from the checkout: ./queries is not counted twice
    assert all(q.shipped and not q.overrides for q in read_named_queries().values())


def test_users_queries_add_to_the_shipped_ones_and_replace_same_names(seed_store, tmp_path, monkeypatch):
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "per-article.rq").write_text(MINE, encoding="utf-8")
    (tmp_path / "queries" / "proposers.rq").write_text(MINE.replace("How many", "Mine, how many"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    queries = read_named_queries()
    shipped = {p.stem for p in shipped_queries_dir().glob("*.rq")}
    assert set(queries) == shipped | {"per-article"}
    assert not queries["per-article"].shipped and not queries["per-article"].overrides
    assert queries["proposers"].summary.startswith("Mine,") and queries["proposers"].overrides
    assert queries["timeline"].shipped
    rows = run_named_query(seed_store, "per-article").records()
    assert len(rows) == 5 and all(int(r["n"]) > 0 for r in rows)
    listing = format_query_catalogue(queries)
    assert listing.startswith(f"shipped with graph-model ({shipped_queries_dir()}):\nconflicts\n")
    assert "\nentity-statements\n" in listing.split("\n\nyour own", 1)[0]
    assert f"\n\nyour own ({tmp_path / 'queries'}):\nper-article\n  How many statements each article makes\n" \
           "proposers  (replaces the shipped query)\n  Mine, how many" in listing
    assert "\nproposers\n" not in listing


def test_an_explicit_queries_dir_adds_too_and_must_exist(tmp_path):
    (tmp_path / "per-article.rq").write_text(MINE, encoding="utf-8")
    assert "per-article" in read_named_queries(tmp_path) and "proposers" in read_named_queries(tmp_path)
    with pytest.raises(UsageError, match=r"no queries directory '.*/missing'\. Pass a directory that holds NAME\.rq"):
        read_named_queries(tmp_path / "missing")


def test_a_users_query_with_a_bad_header_names_its_file_line_and_column(tmp_path):
    (tmp_path / "bad.rq").write_text("#+ summary: fine\n# a plain comment\n#+ description: a: b\nSELECT * WHERE {}\n",
                                     encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_named_queries(tmp_path)
    assert (info.value.line, info.value.column) == (3, 18)
    assert str(info.value) == (f"{tmp_path / 'bad.rq'}:3: bad '#+' header: mapping values are not allowed here "
                               "(column 18). "
                               "Header lines are '#+ key: value' YAML; quote a value that holds ': '.")


def test_kg_queries_from_a_directory_with_its_own_queries(tmp_path):
    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "per-article.rq").write_text(MINE, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "graph_model", "queries"], cwd=tmp_path, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"shipped with graph-model ({ROOT / 'queries'}):\nconflicts\n")
    assert result.stdout.endswith(f"\n\nyour own ({tmp_path / 'queries'}):\nper-article\n"
                                  "  How many statements each article makes\n")
