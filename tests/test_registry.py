"""kg entities: listing, tolerant search, likely duplicates (graph_model.registry, registry_duplicates)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_model.cli import main
from graph_model.errors import UsageError, ValidationFailed
from graph_model.lookup import name_key
from graph_model.registry import Alias, EntityRecord, MatchKind, list_entities, match_entity, read_alias
from graph_model.registry_duplicates import acronyms_of, find_duplicate_entities, find_duplicates
from tests.conftest import TINY_MAPPING, write_seeds


def kg(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="kg", catch_exceptions=False)


def record(entity_id, label, *aliases, type="Person", description=""):
    return EntityRecord(entity_id, type, label, tuple(Alias(a) for a in aliases), description, 0, 0, Path("e.yaml"), 1)


def pair_reasons(*records):
    return {(p.first.id, p.second.id): [r.kind for r in p.reasons] for p in find_duplicates(list(records))}


# --- listing -----------------------------------------------------------------------------------

def test_list_counts_statements_and_articles_once_per_statement(tiny_seeds):
    records = {r.id: r for r in list_entities(tiny_seeds)}
    assert list(records) == ["helsinki-2", "lukashenko", "osce"]
    # lukashenko is subject and speaker of one statement: one statement, one article
    assert (records["lukashenko"].statements, records["lukashenko"].articles) == (1, 1)
    assert (records["helsinki-2"].statements, records["osce"].statements) == (2, 1)
    assert records["lukashenko"].aliases == (Alias("Lukashenko"),)


def test_every_id_field_counts(tmp_path):
    mapping = TINY_MAPPING + """\
  - subject: osce
    predicate: supports
    object: helsinki-2
    quote: under the auspices of the OSCE
    speaker: osce
    place: minsk
    event: summit
"""
    entities = """\
entities:
  - {id: lukashenko, type: Person, label: Alexander Lukashenko}
  - {id: helsinki-2, type: Initiative, label: new Helsinki process}
  - {id: osce, type: Organisation, label: OSCE}
  - {id: minsk, type: Place, label: Minsk}
  - {id: summit, type: Event, label: summit}
"""
    records = {r.id: r for r in list_entities(write_seeds(tmp_path / "s", entities=entities, mapping=mapping))}
    assert (records["minsk"].statements, records["summit"].statements, records["osce"].statements) == (1, 1, 2)


def test_type_filter_and_its_errors(tiny_seeds):
    assert [r.id for r in list_entities(tiny_seeds, entity_type="Organisation")] == ["osce"]
    with pytest.raises(UsageError, match="unknown type 'Org'"):
        list_entities(tiny_seeds, entity_type="Org")
    with pytest.raises(UsageError, match="--search needs some text"):
        list_entities(tiny_seeds, search="  ")


def test_unreadable_registry_is_an_error_not_a_short_list(tiny_seeds):
    (tiny_seeds / "entities" / "more.yaml").write_text("entities: [\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        list_entities(tiny_seeds)
    assert "more.yaml:2: YAML syntax error" in str(caught.value)


def test_aliases_in_both_forms():
    assert read_alias("Makei") == Alias("Makei")
    assert read_alias({"value": "Makej", "lang": "de"}) == Alias("Makej", "de")

    class Stored:  # the shape a corpus may give a language-tagged alias
        value, lang = "Макей", "ru"

    assert read_alias(Stored()) == Alias("Макей", "ru")


def test_language_tagged_aliases_are_listed_and_searched(tmp_path):
    entities = """\
entities:
  - id: makei
    type: Person
    label: Vladimir Makei
    aliases:
      - {value: Макей, lang: ru}
  - {id: helsinki-2, type: Initiative, label: new Helsinki process}
  - {id: osce, type: Organisation, label: OSCE}
  - {id: lukashenko, type: Person, label: Alexander Lukashenko}
"""
    seeds = write_seeds(tmp_path / "s", entities=entities)
    [found] = list_entities(seeds, search="Makej")
    assert (found.id, found.match.kind, found.match.name) == ("makei", MatchKind.TRANSLITERATION, "Макей")
    assert found.aliases == (Alias("Макей", "ru"),)


# --- search ------------------------------------------------------------------------------------

LUKASHENKO = ["Alexander Lukashenko", "Lukashenko"]


@pytest.mark.parametrize("text, kind, name", [
    ("lukashenko", MatchKind.NAME, "lukashenko"),  # the id
    ("  ALEXANDER   lukashenko ", MatchKind.NAME, "Alexander Lukashenko"),  # case and spacing
    ("LUKASHÉNKO", MatchKind.NAME, "Lukashenko"),  # accents
    ("Lukašenko", MatchKind.SIMILAR, "Alexander Lukashenko"),  # š is s, not sh: one letter short
    ("Лукашенко", MatchKind.TRANSLITERATION, "Lukashenko"),  # another script
    ("Lukaschenko", MatchKind.TRANSLITERATION, "Lukashenko"),  # German transliteration
    ("Aleksander Lukashenko", MatchKind.TRANSLITERATION, "Alexander Lukashenko"),
    ("lukash", MatchKind.CONTAINS, "lukashenko"),
    ("Lukashenka", MatchKind.SIMILAR, "Alexander Lukashenko"),  # Belarusian spelling, one word of two
    ("Aleksandr Lukaschenka", MatchKind.SIMILAR, "Alexander Lukashenko"),
])
def test_search_kinds(text, kind, name):
    match = match_entity(text, "lukashenko", LUKASHENKO)
    assert (match.kind, match.name) == (kind, name)


@pytest.mark.parametrize("text", ["makei", "zzz", "enko", "Lavrov"])
def test_search_misses(text):
    assert match_entity(text, "lukashenko", LUKASHENKO) is None


def test_search_orders_best_first(tmp_path):
    entities = """\
entities:
  - {id: helsinki-process, type: Initiative, label: Helsinki Process}
  - {id: helsinki-2, type: Initiative, label: new Helsinki process, aliases: [Helsinki-2]}
  - {id: helsinki-final-act, type: Document, label: Helsinki Final Act}
  - {id: osce, type: Organisation, label: OSCE}
  - {id: lukashenko, type: Person, label: Alexander Lukashenko}
"""
    seeds = write_seeds(tmp_path / "s", entities=entities)
    found = [(r.id, r.match.kind.value) for r in list_entities(seeds, search="helsinki process")]
    assert found == [("helsinki-process", "name"), ("helsinki-2", "contains")]
    found = [r.id for r in list_entities(seeds, search="Helsinki")]
    assert found == ["helsinki-2", "helsinki-process", "helsinki-final-act"]  # by the share of the name matched


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.lists(st.text(max_size=30), max_size=3))
def test_search_takes_any_text(text, names):
    match = match_entity(text, "x", names)
    if name_key(text) and any(name_key(name) == name_key(text) for name in names):
        assert match.kind is MatchKind.NAME
    if match is not None:
        assert match.name in ("x", text, *names) and 0 < match.score <= 100


# --- duplicates --------------------------------------------------------------------------------

@pytest.mark.parametrize("first, second, kind", [
    ("Kent Harstedt", "Kent Härstedt", "same name"),
    ("Lukaschenko", "Lukashenko", "same transliteration"),
    ("Макей", "Makei", "same transliteration"),
    ("Aleksandr Lukashenko", "Alexander Lukashenko", "similar names"),
    ("OSCE PA", "OSCE Parliamentary Assembly", "acronym"),
    ("CSTO", "Collective Security Treaty Organization", "acronym"),
    ("PfP", "Partnership for Peace", "acronym"),
])
def test_real_world_duplicates(first, second, kind):
    assert pair_reasons(record("a", first), record("b", second)) == {("a", "b"): [kind]}
    # found through an alias too, whichever entity comes first
    assert pair_reasons(record("b", "Someone", first), record("a", second)) == {("a", "b"): [kind]}


@pytest.mark.parametrize("first, second", [
    ("Helsinki process", "new Helsinki process"),  # two initiatives of the seeds: ratio 88
    ("integration processes", "migration processes"),  # two topics of the seeds: 89.5
    ("Helsinki-2 process", "Helsinki process"),  # a number apart
    ("26th OSCE PA annual session", "27th OSCE PA annual session"),
    ("Sergey Aleinik", "Sergey Lavrov"),
    ("OSCE", "OSCE PA"),
    ("EU", "EAEU"),
    ("the West", "the East"),
])
def test_not_duplicates(first, second):
    assert pair_reasons(record("a", first), record("b", second)) == {}


def test_same_description_and_the_merge_suggestion():
    pairs = find_duplicates([
        EntityRecord("asean", "Organisation", "ASEAN", (), "An organisation.", 1, 1, Path("e.yaml"), 1),
        EntityRecord("sco", "Organisation", "SCO", (), "an   ORGANISATION.", 4, 1, Path("e.yaml"), 9),
        EntityRecord("minsk", "Place", "Minsk", (), "An organisation.", 9, 1, Path("e.yaml"), 20),
    ])
    assert [(p.first.id, p.second.id, p.merge_command) for p in pairs] == [
        ("asean", "minsk", None),  # types differ
        ("asean", "sco", "kg merge asean INTO sco"),  # the less used into the more used
        ("minsk", "sco", None),
    ]


def test_acronyms_of():
    assert acronyms_of("Organization for Security and Co-operation in Europe") == {"OSCE", "OFSACIE"}
    assert acronyms_of("NATO") == set()


def test_duplicates_from_files_and_cli(tmp_path):
    entities = """\
entities:
  - {id: harstedt, type: Person, label: Kent Harstedt}
  - {id: harstedt-2, type: Person, label: Kent Härstedt, aliases: [Härstedt]}
  - {id: osce, type: Organisation, label: OSCE}
"""
    seeds = write_seeds(tmp_path / "s", entities=entities)
    pairs = find_duplicate_entities(seeds)
    assert [(p.first.id, p.second.id, [r.kind for r in p.reasons]) for p in pairs] == \
        [("harstedt", "harstedt-2", ["same name"])]
    result = kg("entities", "--duplicates", "--seeds", seeds)
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "harstedt (Person, 0 statements)  ~  harstedt-2 (Person, 0 statements)",
        "  same name: 'Kent Harstedt' / 'Kent Härstedt'",
        "  to merge: kg merge harstedt-2 INTO harstedt",  # equally used: the first id stays
        "(1 pair; merge only what the articles show to be one)",
    ]
    data = json.loads(kg("entities", "--duplicates", "--json", "--seeds", seeds).output)
    assert data["duplicates"][0]["reasons"] == [
        {"kind": "same name", "first": "Kent Harstedt", "second": "Kent Härstedt", "score": 100.0}]


# --- the command -------------------------------------------------------------------------------

def test_cli_table(tiny_seeds):
    result = kg("entities", "--seeds", tiny_seeds)
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "id          type          label                 aliases     statements  articles",
        "----------  ------------  --------------------  ----------  ----------  --------",
        "helsinki-2  Initiative    new Helsinki process                       2         1",
        "lukashenko  Person        Alexander Lukashenko  Lukashenko           1         1",
        "osce        Organisation  OSCE                                       1         1",
        "(3 entities; --json gives every name whole, and the descriptions)",
    ]


def test_cli_search_and_json(tiny_seeds):
    result = kg("entities", "--search", "Лукашенко", "--seeds", tiny_seeds)
    assert result.output.splitlines()[:3] == [
        "id          type    label                 aliases     statements  articles  found by",
        "----------  ------  --------------------  ----------  ----------  --------  ---------------------------",
        "lukashenko  Person  Alexander Lukashenko  Lukashenko           1         1  transliteration: Lukashenko",
    ]
    data = json.loads(kg("entities", "--search", "Лукашенко", "--json", "--seeds", tiny_seeds).output)
    assert data["entities"][0]["match"] == {"kind": "transliteration", "name": "Lukashenko", "score": 100.0}
    assert data["entities"][0]["description"] == "President."


@pytest.mark.parametrize("args, message", [
    (["--search", ""], "Error: --search needs some text. Pass an id, a name or part of one, e.g. --search lukashenko."),
    (["--duplicates", "--search", "x"],
     "Error: --duplicates compares the whole registry; it takes no --search or --type. Run kg entities --duplicates alone."),
])
def test_cli_usage_errors(tiny_seeds, args, message):
    result = kg("entities", *args, "--seeds", tiny_seeds)
    assert result.exit_code == 2
    assert result.output.splitlines() == [message, "Try 'kg entities --help' for help."]


def test_cli_type(tiny_seeds):
    assert kg("entities", "--type", "person", "--seeds", tiny_seeds).output.splitlines()[2].startswith("lukashenko  Person")
    result = kg("entities", "--type", "Persn", "--seeds", tiny_seeds)
    assert result.exit_code == 2
    assert result.output.splitlines()[0].startswith("Error: unknown type 'Persn'. Use one of: Person, State, ")
