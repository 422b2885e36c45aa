"""kg rename and kg merge (graph_model.registry_edit): every reference, in place, all files or none."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph_model.build import validate
from graph_model.cli import main
from graph_model.corpus import read_corpus
from graph_model.errors import InputError, UsageError, ValidationFailed
from graph_model.registry import ID_FIELDS
from graph_model.registry_edit import merge_entities, rename_entity
from tests.conftest import TINY_ARTICLE, TINY_MAPPING, write_seeds


def kg(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="kg", catch_exceptions=False)


def yaml_texts(seeds: Path) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in sorted(seeds.rglob("*.yaml"))}


def references(seeds: Path, entity_id: str) -> int:
    return sum(getattr(s, name) == entity_id for m in read_corpus(seeds).mappings for s in m.statements
               for name in ID_FIELDS)


def check(seeds: Path, before, *, strict: bool = True):
    """kg validate passes on the result if it passed before (``strict``: and it did), with no more
    problems in any case."""
    assert before.conforms or not strict, "\n".join(map(str, before.problems))
    after = validate(seeds, shapes=False)
    assert after.conforms or not before.conforms, "\n".join(map(str, after.problems))
    assert len(after.problems) <= len(before.problems)


# --- rename ------------------------------------------------------------------------------------

def test_rename_on_the_seeds_changes_only_the_id_lines(seeds_copy):
    before, texts = validate(seeds_copy, shapes=False), yaml_texts(seeds_copy)
    uses = references(seeds_copy, "lukashenko")
    result = rename_entity(seeds_copy, "lukashenko", "alexander-lukashenko")
    check(seeds_copy, before, strict=False)  # the seeds are curated meanwhile: they may not validate now
    assert result.references == uses > 100 and references(seeds_copy, "lukashenko") == 0
    assert references(seeds_copy, "alexander-lukashenko") == uses
    assert "alexander-lukashenko" in read_corpus(seeds_copy).entities
    changed_lines = 0
    for path, old in texts.items():
        new = path.read_text(encoding="utf-8")
        assert (path in result.changed) == (new != old)
        assert len(new.splitlines()) == len(old.splitlines())  # comments, blank lines: all kept
        for old_line, new_line in zip(old.splitlines(), new.splitlines()):
            if old_line != new_line:
                changed_lines += 1
                assert re.match(r"\s*(- )?(id|subject|object|speaker|place|event): ", old_line), old_line
                assert re.sub(r"\blukashenko\b", "alexander-lukashenko", old_line) == new_line
    assert changed_lines == uses + 1


def test_rename_by_label_keeps_quoting_anchors_line_ends_and_bom(tmp_path):
    mapping = TINY_MAPPING.replace("  - subject: lukashenko\n", "  - subject: &l 'lukashenko'   # the president\n") \
        .replace("speaker: lukashenko", "speaker: *l") \
        + '  - {subject: "lukashenko", predicate: supports, object: helsinki-2, quote: "new Helsinki process"}'
    seeds = write_seeds(tmp_path / "s", mapping=mapping)
    path = seeds / "mapping" / "001_tiny.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))  # BOM, CRLF, no final line end
    before = validate(seeds, shapes=False)
    result = rename_entity(seeds, "Alexander LUKASHENKO", "president")
    assert (result.old, result.references) == ("lukashenko", 3)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    text = data.decode("utf-8-sig")
    assert "  - subject: &l 'president'   # the president\r\n" in text
    assert "    speaker: *l\r\n" in text
    assert text.endswith('  - {subject: "president", predicate: supports, object: helsinki-2, quote: "new Helsinki process"}')
    check(seeds, before)


@pytest.mark.parametrize("old, new, message", [
    ("lukashenko", "osce", "entity 'osce' already exists ({entities}:10). Choose another id, or fold 'lukashenko' "
                           "into it: kg merge lukashenko INTO osce"),
    ("lukashenko", "Lukashenko-2", "'Lukashenko-2' is not a valid id. Ids are at most 64 characters: lowercase "
                                   "letters and digits, with single '-' between them, e.g. 'osce-pa'."),
    ("lukashenk", "x", "no entity named 'lukashenk'. Did you mean 'lukashenko' or 'Alexander Lukashenko'?"),
    ("lukashenko", "lukashenko", "'lukashenko' already has that id. Pass the new id as the second argument."),
    ("lukashenko", "minsk", "'minsk' is already named at {mapping}:18, though no entity has that id. "
                            "Choose another id, or fix that reference first."),
])
def test_rename_refusals(tiny_seeds, old, new, message):
    mapping = tiny_seeds / "mapping" / "001_tiny.yaml"
    mapping.write_text(mapping.read_text() + "  - {subject: osce, predicate: supports, object: helsinki-2, "
                                             "quote: the OSCE, place: minsk}\n")
    texts = yaml_texts(tiny_seeds)
    with pytest.raises(UsageError) as caught:
        rename_entity(tiny_seeds, old, new)
    assert str(caught.value) == message.format(entities=tiny_seeds / "entities" / "entities.yaml", mapping=mapping)
    assert yaml_texts(tiny_seeds) == texts


def test_nothing_changes_while_a_file_cannot_be_read(tiny_seeds):
    (tiny_seeds / "mapping" / "002_other.yaml").write_text("statements: [\n")
    texts = yaml_texts(tiny_seeds)
    with pytest.raises(ValidationFailed) as caught:
        rename_entity(tiny_seeds, "lukashenko", "president")
    assert str(caught.value).splitlines()[0] == (
        f"{tiny_seeds}: nothing was changed: every seeds file must be read to change every reference. "
        "Fix the problems listed, then run the command again.")
    assert "002_other.yaml:2: YAML syntax error" in str(caught.value)
    assert yaml_texts(tiny_seeds) == texts


def test_dry_run_writes_nothing(tiny_seeds):
    texts = yaml_texts(tiny_seeds)
    result = rename_entity(tiny_seeds, "osce", "osce-org", dry_run=True)
    assert not result.written and len(result.changed) == 2
    assert yaml_texts(tiny_seeds) == texts


# --- merge -------------------------------------------------------------------------------------

MERGE_ENTITIES = """\
entities:
  # The people
  - id: lukashenko
    type: Person
    label: Alexander Lukashenko
    aliases: [Lukashenko]
    description: President.

  - id: lukashenko-2   # entered twice by mistake
    type: Person
    label: Aleksandr Lukashenko
    aliases:
      - Lukashénko   # a spelling of its own, though the lookup rule finds it as 'Lukashenko'
      - Лукашенко
    # seen in article 001
    description: 'President of Belarus, "the # is no comment".'

  - id: helsinki-2
    type: Initiative
    label: new Helsinki process
  - id: osce
    type: Organisation
    label: OSCE
"""

MERGE_MAPPING = TINY_MAPPING + """\
  - subject: lukashenko-2
    predicate: proposes
    object: helsinki-2
    quote: 'Alexander Lukashenko proposed a "new Helsinki process"'
    speaker: lukashenko-2
"""


@pytest.fixture
def merge_seeds(tmp_path):
    article = TINY_ARTICLE + "Aleksandr Lukashenko (Лукашенко) spoke.\n"
    return write_seeds(tmp_path / "s", article=article, entities=MERGE_ENTITIES, mapping=MERGE_MAPPING)


def test_merge_refuses_a_repeated_statement_and_names_both_lines(merge_seeds):
    texts = yaml_texts(merge_seeds)
    with pytest.raises(ValidationFailed) as caught:
        merge_entities(merge_seeds, "lukashenko-2", "lukashenko")
    assert str(caught.value) == (
        f"{merge_seeds / 'mapping' / '001_tiny.yaml'}:18: after merging 'lukashenko-2' into 'lukashenko', this "
        "statement would repeat line 5 (same subject, predicate, object and quote). Delete one of the two first, or "
        "merge with --allow-duplicates and delete it after; nothing was changed.")
    assert yaml_texts(merge_seeds) == texts


def test_merge_moves_names_keeps_comments_and_validates(merge_seeds):
    mapping = merge_seeds / "mapping" / "001_tiny.yaml"
    mapping.write_text(mapping.read_text().replace("    speaker: lukashenko-2\n", "    speaker: lukashenko-2\n"
                                                   "    role: President\n").replace(
        "quote: 'Alexander Lukashenko proposed a \"new Helsinki process\"'\n    speaker: lukashenko-2",
        "quote: 'Aleksandr Lukashenko (Лукашенко) spoke'\n    speaker: lukashenko-2"))
    before = validate(merge_seeds, shapes=False)
    result = merge_entities(merge_seeds, "Aleksandr Lukashenko", "lukashenko")
    assert (result.old, result.new, result.references, result.repeated) == ("lukashenko-2", "lukashenko", 2, ())
    assert result.aliases_added == ("Aleksandr Lukashenko", "Lukashénko", "Лукашенко")
    check(merge_seeds, before)
    assert (merge_seeds / "entities" / "entities.yaml").read_text() == textwrap.dedent("""\
        entities:
          # The people
          - id: lukashenko
            type: Person
            label: Alexander Lukashenko
            aliases: [Lukashenko, Aleksandr Lukashenko, Lukashénko, Лукашенко]
            description: President.
            # Merged from 'lukashenko-2' by kg merge. Its description: President of Belarus, "the # is no
            #   comment".
            # entered twice by mistake
            # a spelling of its own, though the lookup rule finds it as 'Lukashenko'
            # seen in article 001

          - id: helsinki-2
            type: Initiative
            label: new Helsinki process
          - id: osce
            type: Organisation
            label: OSCE
        """)
    entity = read_corpus(merge_seeds).entities["lukashenko"]
    assert entity.label == "Alexander Lukashenko" and entity.description == "President."


def test_merge_adds_each_spelling_once(merge_seeds):
    entities = merge_seeds / "entities" / "entities.yaml"
    entities.write_text(entities.read_text().replace("      - Lukashénko", "      - Lukashenko\n      - Lukashénko"))
    before = validate(merge_seeds, shapes=False)  # 'Lukashenko' names both entities
    assert [p.message for p in before.problems] == ["name 'Lukashenko' of 'lukashenko-2' also names 'lukashenko'"]
    result = merge_entities(merge_seeds, "lukashenko-2", "lukashenko", allow_duplicates=True)
    assert result.aliases_added == ("Aleksandr Lukashenko", "Lukashénko", "Лукашенко")
    assert [p.message for p in validate(merge_seeds, shapes=False).problems] == [
        "duplicate statement: same subject, predicate, object and quote"]


def test_merge_carries_language_tagged_aliases_as_written(merge_seeds):
    entities = merge_seeds / "entities" / "entities.yaml"
    entities.write_text(entities.read_text().replace("      - Лукашенко\n", "      - value: Лукашенко\n        lang: ru\n")
                        .replace("aliases: [Lukashenko]", "aliases:\n      - {value: Lukaschenko, lang: de}"))
    before = validate(merge_seeds, shapes=False)
    result = merge_entities(merge_seeds, "lukashenko-2", "lukashenko", allow_duplicates=True)
    assert result.aliases_added == ("Aleksandr Lukashenko", "Lukashénko", "Лукашенко")
    assert ("    aliases:\n      - {value: Lukaschenko, lang: de}\n      - Aleksandr Lukashenko\n      - Lukashénko\n"
            "      - {value: Лукашенко, lang: ru}\n    description: President.\n") in entities.read_text()
    entity = read_corpus(merge_seeds).entities["lukashenko"]
    assert {(a.value, a.lang) for a in entity.tagged_aliases} == {("Lukaschenko", "de"), ("Лукашенко", "ru")}
    assert len(validate(merge_seeds, shapes=False).problems) == len(before.problems) + 1  # the one repeat allowed


@pytest.mark.parametrize("aliases, expected", [
    ("    aliases:\n      - Lukashenko\n", "    aliases:\n      - Lukashenko\n      - Aleksandr Lukashenko\n"),
    ("", "    aliases:\n      - Aleksandr Lukashenko\n"),  # none yet: after the label
    ("    aliases: []\n", "    aliases: [Aleksandr Lukashenko]\n"),
])
def test_merge_adds_aliases_in_the_style_found(tmp_path, aliases, expected):
    entities = ("entities:\n  - id: a\n    type: Person\n    label: Alexander Lukashenko\n" + aliases +
                "    description: One.\n  - id: b\n    type: Person\n    label: Aleksandr Lukashenko\n"
                "    description: One.\n"
                "  - {id: helsinki-2, type: Initiative, label: new Helsinki process}\n"
                "  - {id: osce, type: Organisation, label: OSCE}\n")
    mapping = TINY_MAPPING.replace("subject: lukashenko", "subject: a").replace("speaker: lukashenko", "speaker: b")
    seeds = write_seeds(tmp_path / "s", entities=entities, mapping=mapping)
    before = validate(seeds, shapes=False)
    merge_entities(seeds, "b", "a")
    text = (seeds / "entities" / "entities.yaml").read_text()
    assert text.startswith("entities:\n  - id: a\n    type: Person\n    label: Alexander Lukashenko\n" + expected +
                           "    description: One.\n  - {id: helsinki-2")  # same description: no comment
    check(seeds, before)


def test_merging_the_only_entry_of_a_file_leaves_an_empty_list(merge_seeds):
    entities = merge_seeds / "entities" / "entities.yaml"
    text = entities.read_text()
    start, end = text.index("  - id: lukashenko-2"), text.index("  - id: helsinki-2")
    entities.write_text(text[:start] + text[end:])
    (merge_seeds / "entities" / "more.yaml").write_text("entities:   # one entry\n" + text[start:end])
    mapping = merge_seeds / "mapping" / "001_tiny.yaml"
    mapping.write_text(mapping.read_text().replace("predicate: proposes\n    object: helsinki-2\n    quote: 'Alexander "
                                                   "Lukashenko proposed a \"new Helsinki process\"'\n    speaker: lukashenko-2",
                                                   "predicate: supports\n    object: helsinki-2\n    quote: 'Alexander "
                                                   "Lukashenko proposed a \"new Helsinki process\"'\n    speaker: lukashenko-2"))
    before = validate(merge_seeds, shapes=False)
    result = merge_entities(merge_seeds, "lukashenko-2", "lukashenko")
    assert (merge_seeds / "entities" / "more.yaml").read_text() == "entities: []   # one entry\n"
    assert len(result.changed) == 3
    check(merge_seeds, before)


def test_merge_with_allowed_repeats_lists_them(merge_seeds):
    result = merge_entities(merge_seeds, "lukashenko-2", "lukashenko", allow_duplicates=True)
    path = merge_seeds / "mapping" / "001_tiny.yaml"
    assert [(r.path, r.line, r.first_line) for r in result.repeated] == [(path, 18, 5)]
    problems = validate(merge_seeds, shapes=False).problems
    assert [(p.line, p.message) for p in problems] == [(18, "duplicate statement: same subject, predicate, object and quote")]


@pytest.mark.parametrize("source, target, message", [
    ("lukashenko", "osce", "cannot merge 'lukashenko' (Person) into 'osce' (Organisation): their types differ. "
                           "If they are one entity, give both entries the same type first."),
    ("Alexander Lukashenko", "lukashenko", "'Alexander Lukashenko' and 'lukashenko' are the same entity, 'lukashenko'. "
                                 "Name two different entities: kg merge A INTO B."),
    ("lukashenko-3", "lukashenko", "no entity named 'lukashenko-3'. Did you mean 'lukashenko-2' or 'lukashenko' or 'Alexander Lukashenko'?"),
])
def test_merge_refusals(merge_seeds, source, target, message):
    with pytest.raises(UsageError) as caught:
        merge_entities(merge_seeds, source, target)
    assert str(caught.value) == message


def test_merge_refuses_a_statement_about_itself(merge_seeds):
    mapping = merge_seeds / "mapping" / "001_tiny.yaml"
    mapping.write_text(mapping.read_text() + "  - {subject: lukashenko, predicate: meetsWith, object: lukashenko-2, "
                                             "quote: Alexander Lukashenko}\n")
    with pytest.raises(ValidationFailed, match=r"001_tiny.yaml:23: after merging 'lukashenko-2' into 'lukashenko', "
                                               r"this statement would relate 'lukashenko' to itself"):
        merge_entities(merge_seeds, "lukashenko-2", "lukashenko", allow_duplicates=True)


def test_an_entry_that_cannot_be_edited_in_place_is_refused(merge_seeds):
    entities = merge_seeds / "entities" / "entities.yaml"
    entities.write_text("entities: [{id: lukashenko, type: Person, label: Alexander Lukashenko},\n"
                        "  {id: lukashenko-2, type: Person, label: Aleksandr Lukashenko},\n"
                        "  {id: helsinki-2, type: Initiative, label: new Helsinki process},\n"
                        "  {id: osce, type: Organisation, label: OSCE}]\n")
    texts = yaml_texts(merge_seeds)
    with pytest.raises(InputError, match="entities.yaml:2: kg merge cannot change this entry in place: its "
                                         "'entities:' list is written in brackets"):
        merge_entities(merge_seeds, "lukashenko-2", "lukashenko", allow_duplicates=True)
    assert yaml_texts(merge_seeds) == texts


def test_an_edit_that_does_not_read_back_as_planned_is_refused(tiny_seeds):
    """A duplicate key: the reader keeps the last value, the nodes give the first; the edited text
    is read back before anything is written, and does not say what was meant."""
    mapping = tiny_seeds / "mapping" / "001_tiny.yaml"
    mapping.write_text(mapping.read_text().replace("  - subject: lukashenko\n", "  - subject: osce\n    subject: lukashenko\n"))
    texts = yaml_texts(tiny_seeds)
    with pytest.raises(InputError, match="001_tiny.yaml: kg rename cannot change this file in place. Nothing was changed"):
        rename_entity(tiny_seeds, "lukashenko", "president")
    assert yaml_texts(tiny_seeds) == texts


def test_a_list_whose_nodes_are_not_its_values_is_refused(tiny_seeds):
    mapping = tiny_seeds / "mapping" / "001_tiny.yaml"
    mapping.write_text(mapping.read_text().replace("statements:\n", "statements: []\nstatements:\n"))
    texts = yaml_texts(tiny_seeds)
    with pytest.raises(InputError, match="001_tiny.yaml:6: 'statements' cannot be changed in place here"):
        rename_entity(tiny_seeds, "lukashenko", "president")
    assert yaml_texts(tiny_seeds) == texts


def test_a_duplicate_key_elsewhere_does_not_stop_an_edit(tiny_seeds):
    mapping = tiny_seeds / "mapping" / "001_tiny.yaml"
    mapping.write_text(mapping.read_text().replace("    modality: proposed\n", "    modality: proposed\n    modality: proposed\n"))
    assert rename_entity(tiny_seeds, "lukashenko", "president").references == 2
    assert "    modality: proposed\n    modality: proposed\n" in mapping.read_text()


def test_merge_on_the_seeds(seeds_copy):
    before = validate(seeds_copy, shapes=False)
    uses = references(seeds_copy, "makei") + references(seeds_copy, "aleinik")
    result = merge_entities(seeds_copy, "makei", "aleinik")
    check(seeds_copy, before, strict=False)
    corpus = read_corpus(seeds_copy)
    assert "makei" not in corpus.entities and references(seeds_copy, "aleinik") == uses
    assert {"Vladimir Makei", "Makei"} <= set(corpus.entities["aleinik"].aliases)
    assert "Merged from 'makei' by kg merge. Its description:" in (seeds_copy / "entities" / "core.yaml").read_text()
    assert result.written


# --- the commands ------------------------------------------------------------------------------

def test_cli_rename_and_merge(merge_seeds):
    result = kg("rename", "osce", "osce-org", "--seeds", merge_seeds)
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Renamed 'osce' to 'osce-org': 1 reference in statements, 2 files changed.",
        f"  {merge_seeds / 'entities' / 'entities.yaml'}",
        f"  {merge_seeds / 'mapping' / '001_tiny.yaml'}",
    ]
    result = kg("merge", "lukashenko-2", "into", "lukashenko", "--allow-duplicates", "--dry-run", "--seeds", merge_seeds)
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "Would have merged 'lukashenko-2' into 'lukashenko': 2 references in " \
                                            "statements, 2 files changed."
    assert result.output.splitlines()[-1] == (f"{merge_seeds / 'mapping' / '001_tiny.yaml'}:18: repeats the statement "
                                              "at line 5: delete one (kg validate lists it until then).")


@pytest.mark.parametrize("args, code, first_line", [
    (["merge", "lukashenko-2", "lukashenko"], 2, "Error: Missing argument 'B'."),
    (["merge", "lukashenko-2", "to", "lukashenko"], 2,
     "Error: expected INTO between the two entities, not 'to'. Write: kg merge A INTO B"),
    (["rename", "nobody", "x"], 2, "Error: no entity named 'nobody'. Pass an entity's id, label or alias; "
                                   "'kg stats' shows what the graph holds."),
    (["merge", "lukashenko-2", "INTO", "lukashenko"], 1, None),  # the repeated statement: bad data, not usage
])
def test_cli_errors(merge_seeds, args, code, first_line):
    result = kg(*args, "--seeds", merge_seeds)
    assert result.exit_code == code
    assert "Traceback" not in result.output
    if first_line:
        assert first_line in result.output.splitlines()


def test_validate_refuses_a_half_finished_rename_until_kg_entities_finishes_it(tmp_path, seeds_curated, monkeypatch):
    """A rename killed after its commit point leaves some files changed: validate must not read the mix."""
    import shutil

    from click.testing import CliRunner

    from graph_model import file_transaction
    from graph_model.build import validate as run_validate
    from graph_model.cli import main

    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_curated, seeds)

    def die_after_the_first_rename(step):
        if step.startswith("rename"):
            raise KeyboardInterrupt  # stands for a SIGKILL between two renames

    monkeypatch.setattr(file_transaction, "_checkpoint", die_after_the_first_rename)
    with pytest.raises(KeyboardInterrupt):
        rename_entity(seeds, "makei", "vladimir-makei")
    monkeypatch.undo()
    report = run_validate(seeds, shapes=False)
    assert [p.message for p in report.problems] == [
        "an interrupted 'kg rename' or 'kg merge' is not finished: the files are half changed"]
    assert report.problems[0].hint == "Run 'kg entities' to finish it, then try again."
    assert CliRunner().invoke(main, ["entities", "--seeds", str(seeds)]).exit_code == 0
    assert run_validate(seeds, shapes=False).conforms
