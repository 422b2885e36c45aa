"""The whole pipeline: awkward text goes through validate and build; staging never outlives a build."""

import pytest
from click.testing import CliRunner

from graph_model.build import build, open_store, validate
from graph_model.cli import main

from .conftest import TINY_ARTICLE, TINY_ENTITIES, TINY_MAPPING, write_seeds

# Characters that end a line for some reader (rdflib's N-Triples parser, str.splitlines, JavaScript),
# all found in text extracted from PDFs. As YAML double-quoted escapes, since a raw NEL, LS or PS
# is itself a line break to a YAML reader.
SEPARATORS = {"LS": "\u2028", "PS": "\u2029", "NEL": "\u0085", "VT": "\x0b", "FF": "\x0c"}


def _seeds_with(tmp_path, char: str):
    """Tiny seeds with ``char`` in the article text, an entity label, a description and a role."""
    escape = f"\\u{ord(char):04X}"
    entities = (TINY_ENTITIES
                .replace("label: OSCE", f'label: "Organization for Security{escape}and Co-operation in Europe"\n'
                                        "    aliases: [OSCE]")
                .replace("description: President.", f'description: "President{escape}of Belarus."'))
    mapping = TINY_MAPPING.replace("role: President", f'role: "President{escape}of Belarus"')
    article = TINY_ARTICLE.replace("Minsk, 5 July 2017.", f"Minsk,{char}5 July 2017.{char}")
    return write_seeds(tmp_path / "seeds", article=article, entities=entities, mapping=mapping)


@pytest.mark.parametrize("char", SEPARATORS.values(), ids=SEPARATORS.keys())
def test_line_separators_in_text_validate_build_and_come_back_unchanged(tmp_path, char):
    seeds = _seeds_with(tmp_path, char)
    report = validate(seeds)
    assert report.conforms, [str(p) for p in report.problems]
    build(seeds, tmp_path / "out", render=False)
    store = open_store(tmp_path / "out")
    values = {row["p"].value.rpartition("/")[2].rpartition("#")[2]: row["v"].value for row in store.query(
        """SELECT ?p ?v WHERE { { VALUES (?s ?p) { (article:001_tiny schema:articleBody) (ent:osce skos:prefLabel)
                                                 (ent:lukashenko schema:description) }
                                  ?s ?p ?v }
                                UNION { ?s kg:role ?v BIND(kg:role AS ?p) } }""")}
    assert values == {"articleBody": TINY_ARTICLE.replace("Minsk, 5 July 2017.", f"Minsk,{char}5 July 2017.{char}"),
                      "prefLabel": f"Organization for Security{char}and Co-operation in Europe",
                      "description": f"President{char}of Belarus.",
                      "role": f"President{char}of Belarus"}


def test_kg_validate_and_build_accept_a_line_separator(tmp_path):
    seeds = _seeds_with(tmp_path, "\u2028")
    runner = CliRunner()
    result = runner.invoke(main, ["validate", "--seeds", str(seeds)])
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"ok: 2 statements in {seeds} are valid.\n", "")
    result = runner.invoke(main, ["build", "--seeds", str(seeds), "--out", str(tmp_path / "out"), "--no-render"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith(f"built {tmp_path / 'out' / 'store'}: 1 articles, 3 entities, 2 statements")
