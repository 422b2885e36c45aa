"""The kg command: exit codes and the exact error line for each kind of bad input."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from graph_model.cli import main

from .conftest import TINY_ENTITIES, TINY_MAPPING, write_seeds


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def validate_with(tmp_path, *, mapping=TINY_MAPPING, entities=TINY_ENTITIES):
    seeds = write_seeds(tmp_path / "seeds", mapping=mapping, entities=entities)
    return (*run("validate", "--seeds", seeds), seeds)


def test_valid_tiny_seeds(tmp_path):
    code, out, err = validate_with(tmp_path)[:3]
    assert (code, out, err) == (0, "ok: 2 statements in %s are valid.\n" % (tmp_path / "seeds"), "")


@pytest.mark.parametrize("old, new, line, message", [
    ("object: osce", "object: osce-pa", 14,
     "unknown entity 'osce-pa'. Did you mean 'osce'? Add it to seeds/entities/ or fix the id."),
    ("predicate: proposes", "predicate: propose", 6,
     "unknown predicate 'propose'. Did you mean 'proposes' or 'opposes' or 'promotes'?"),
    ("predicate: involves", "predicate: memberOf", 12,
     "subject 'helsinki-2' is an Initiative, but 'memberOf' takes an Organisation or a Person or a State as subject. "
     "Choose another predicate (docs/mapping-format.md lists them) or fix the entity's type."),
    ('date: "2017-07-05"\n    role', 'date: "2017-7-5"\n    role', 10,
     "bad date: '2017-7-5' is not a date in an accepted form. Write YYYY-MM-DD, YYYY-MM, YYYY, early/mid/late YYYY, "
     "or --MM-DD when the text gives no year."),
    ('date: "2017-07-05"\n    role', 'date: "2017-02-30"\n    role', 10,
     "bad date: 2017-02-30 is not a day of the calendar. Write YYYY-MM-DD, YYYY-MM, YYYY, early/mid/late YYYY, "
     "or --MM-DD when the text gives no year."),
    ('date: "2017-07-05"\n    role', 'date: "2018"\n    role', 10,
     "date 2018 names the year 2018, which the article never gives. Record only dates the text gives; "
     "use --MM-DD for a day without a year, or drop the date."),
    ("quote: under the auspices of the OSCE", "quote: under the auspices of the UN", 15,
     'quote not found in the article. Closest passage in the article: "under the auspices of the"'),
    ("file: 001_tiny.txt", "file: 001_tinny.txt", 2,
     "article file '001_tinny.txt' not found in {seeds}/articles. Did you mean '001_tiny.txt'? "
     "Copy the article there unchanged, or fix 'file:'."),
    ("    role: President", "    rol: President", 11,
     "unknown field 'rol'. Did you mean 'role'? Allowed fields: date, event, involvement, modality, object, "
     "occurrence, place, predicate, quote, role, speaker, subject, suggested."),
    ("modality: proposed", "modality: maybe", 17,
     "'maybe' is not an allowed modality. Allowed: asserted, proposed, possible."),
    ("statements:", "statements: [", 5,
     "YAML syntax error: did not find expected node content (column 3). Check the indentation and "
     "quoting on this line and the one before; quotes containing ':' or '\"' need single quotes."),
])
def test_each_error_kind_names_file_line_and_hint(tmp_path, old, new, line, message):
    assert old in TINY_MAPPING
    code, out, err, seeds = validate_with(tmp_path, mapping=TINY_MAPPING.replace(old, new))
    expected = f"{seeds}/mapping/001_tiny.yaml:{line}: " + message.replace("{seeds}", str(seeds))
    assert code == 1
    assert err.splitlines()[0] == expected


def test_duplicate_entity_id(tmp_path):
    entities = TINY_ENTITIES + "  - id: osce\n    type: Organisation\n    label: Another OSCE\n"
    code, _, err, seeds = validate_with(tmp_path, entities=entities)
    assert code == 1
    assert err.splitlines()[0] == (
        f"{seeds}/entities/entities.yaml:13: duplicate entity id 'osce'. It is already defined at "
        f"{seeds}/entities/entities.yaml:10; merge the two entries or rename one.")


def test_every_problem_is_reported_in_one_run(tmp_path):
    mapping = TINY_MAPPING.replace("object: osce", "object: nato").replace("predicate: proposes", "predicate: x")
    code, _, err, _ = validate_with(tmp_path, mapping=mapping)
    assert code == 1
    assert [l.split(": ", 1)[1].split(".")[0] for l in err.splitlines()[:2]] == [
        "unknown predicate 'x'", "unknown entity 'nato'"]
    assert err.splitlines()[-1] == "2 problems found."


def test_altering_one_word_of_a_real_quote_fails_with_its_line(seeds_copy):
    path = seeds_copy / "mapping" / "001_193587b326805307.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, l in enumerate(lines) if "quote:" in l and "late 2016 I suggested" in l)
    lines[index] = lines[index].replace("late 2016 I suggested", "late 2016 I proposed")
    path.write_text("".join(lines), encoding="utf-8")
    code, _, err = run("validate", "--seeds", seeds_copy)
    assert code == 1
    assert err.startswith(f"{path}:{index + 1}: quote not found in the article. Closest passage in the article: "
                          '"In late 2016 I suggested')


def test_build_failure_leaves_previous_outputs_intact(tiny_seeds, tmp_path):
    out = tmp_path / "build"
    assert run("build", "--seeds", tiny_seeds, "--out", out, "--no-render")[0] == 0
    before = run("export", "--format", "nquads", "--out", out)[1]
    mapping = tiny_seeds / "mapping" / "001_tiny.yaml"
    mapping.write_text(mapping.read_text().replace("object: osce", "object: nowhere"))
    code, _, err = run("build", "--seeds", tiny_seeds, "--out", out, "--no-render")
    assert code == 1 and "unknown entity 'nowhere'" in err
    assert run("export", "--format", "nquads", "--out", out)[1] == before
    assert sorted(p.name for p in out.iterdir()) == [".kg-build.lock", ".kg-cache", "history", "store"]


def test_query_usage_errors_exit_2(tiny_seeds, tmp_path):
    out = tmp_path / "build"
    run("build", "--seeds", tiny_seeds, "--out", out, "--no-render")
    code, _, err = run("query", "proposers", "--param", "initiative=Helsinky", "--out", out)
    assert code == 2
    assert err.splitlines() == ["Error: no entity named 'Helsinky'. Did you mean 'helsinki-2'?",
                                "Try 'main query --help' for help."]
    code, _, err = run("query", "propsers", "--out", out)
    assert (code, err.splitlines()[0]) == (
        2, "Error: no named query 'propsers'. Did you mean 'proposers' or 'roles'? Run 'kg queries' to list them.")
    code, _, err = run("query", "proposers", "--param", "initiative", "--out", out)
    assert code == 2 and "is not KEY=VALUE" in err
    code, _, err = run("query", "proposers", "--param", "nope=1", "--out", out)
    assert (code, err.splitlines()[0]) == (
        2, "Error: query 'proposers' has no parameter 'nope'. Its parameters: initiative.")


def test_query_by_alias_with_json_output(tiny_seeds, tmp_path):
    out = tmp_path / "build"
    run("build", "--seeds", tiny_seeds, "--out", out, "--no-render")
    code, stdout, _ = run("query", "proposers", "--param", "initiative=New Helsinki Process", "--format", "json",
                          "--out", out)
    assert code == 0
    rows = json.loads(stdout)["results"]["bindings"]
    assert [(r["proposerLabel"]["value"], r["quote"]["value"], r["date"]["value"]) for r in rows] == [
        ("Alexander Lukashenko", "Alexander Lukashenko proposed a “new Helsinki process”", "2017-07-05")]


def test_sparql_syntax_error_exits_1(tiny_seeds, tmp_path):
    out = tmp_path / "build"
    run("build", "--seeds", tiny_seeds, "--out", out, "--no-render")
    code, _, err = run("sparql", "SELEKT * WHERE { ?s ?p ?o }", "--out", out)
    assert code == 1 and err.startswith("Error: SPARQL syntax error")


def test_missing_store_exits_1_with_hint(tmp_path):
    code, _, err = run("stats", "--out", tmp_path / "nothing")
    assert code == 1
    assert err.strip() == f"Error: no store at {tmp_path / 'nothing' / 'store'}. Run 'kg build' first, or pass --out with the folder 'kg build --out' wrote (or --store URL for a SPARQL server)."


@pytest.mark.parametrize("command", ["build", "validate", "query", "queries", "sparql", "export", "stats"])
def test_every_command_has_help_with_an_example(command):
    code, out, _ = run(command, "--help")
    assert code == 0 and "Example:" in out


def test_python_dash_m_is_the_same_cli():
    result = subprocess.run([sys.executable, "-m", "graph_model", "queries"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "proposers\n  Who proposed an initiative" in result.stdout


def test_unknown_option_is_usage_exit_2():
    assert run("build", "--bogus")[0] == 2


def test_query_path_does_not_import_the_heavy_stack(tiny_seeds, tmp_path):
    """kg query must start fast: no rdflib, pydantic, pyshacl or networkx on its path."""
    out = tmp_path / "build"
    run("build", "--seeds", tiny_seeds, "--out", out, "--no-render")
    code = ("import sys\nfrom graph_model.cli import main\n"
            f"try:\n    main(['query', 'proposers', '--out', {str(out)!r}])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('rdflib', 'pydantic', 'pyshacl', 'networkx') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Alexander Lukashenko" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_sparql_ask_and_construct(tiny_seeds, tmp_path):
    out = tmp_path / "build"
    run("build", "--seeds", tiny_seeds, "--out", out, "--no-render")
    assert run("sparql", "ASK { ent:lukashenko kg:proposes ent:helsinki-2 }", "--out", out)[1] == "true\n"
    code, stdout, _ = run("sparql", "CONSTRUCT WHERE { ent:lukashenko kg:proposes ?o }", "--format", "csv", "--out", out)
    assert (code, stdout.splitlines()) == (0, [
        "subject,predicate,object", "https://newsgraph.example/entity/lukashenko,"
        "https://newsgraph.example/ontology#proposes,https://newsgraph.example/entity/helsinki-2"])


def test_an_entity_no_statement_uses_is_a_warning_after_ok(tmp_path):
    """A registry entry written before its statements is the normal state while adding an article."""
    entities = TINY_ENTITIES + "  - id: nato\n    type: Organisation\n    label: NATO\n"
    code, out, err, seeds = validate_with(tmp_path, entities=entities)
    assert (code, out) == (0, f"ok: 2 statements in {seeds} are valid.\n")
    assert err.splitlines() == [
        f"{seeds}/entities/entities.yaml:13: warning: entity 'nato' is used by no statement. "
        "Add a statement that mentions it (with its quote), or remove it from the registry.",
        "1 warning."]
