"""kg coverage: covered, left-out and uncovered sentences, unlinked mentions, the figure."""

from __future__ import annotations

import json

from click.testing import CliRunner

from graph_model.cli import main
from graph_model.coverage import compute_coverage

from .conftest import write_seeds

ARTICLE = ("Lukashenko proposed the new Helsinki process in Minsk. "
           "The OSCE and Lukashenko met in Minsk. "
           "Lukashenko praised the OSCE. "
           "The OSCE stayed silent.\n")
ENTITIES = """\
entities:
  - {id: lukashenko, type: Person, label: Alexander Lukashenko, aliases: [Lukashenko]}
  - {id: helsinki-2, type: Initiative, label: new Helsinki process}
  - {id: osce, type: Organisation, label: OSCE}
  - {id: minsk, type: Place, label: Minsk}
"""
MAPPING = """\
article:
  file: 001_tiny.txt
statements:
  - subject: lukashenko
    predicate: proposes
    object: helsinki-2
    quote: Lukashenko proposed the new Helsinki process
left_out:
  - quote: The OSCE and Lukashenko met in Minsk.
    reason: a meeting the article gives no more about
"""


def kg(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="kg")


def test_covered_left_out_uncovered_and_unlinked(tmp_path):
    seeds = write_seeds(tmp_path / "seeds", article=ARTICLE, entities=ENTITIES, mapping=MAPPING)
    [row] = compute_coverage(seeds)
    assert [(s.span.text, s.status) for s in row.sentences] == [
        ("Lukashenko proposed the new Helsinki process in Minsk.", "covered"),
        ("The OSCE and Lukashenko met in Minsk.", "left out"),
        ("Lukashenko praised the OSCE.", "uncovered"),
    ]  # "The OSCE stayed silent." names one entity only
    assert row.coverage == 1 / 3
    assert sorted({m.entity for m in row.unlinked}) == ["minsk", "osce"]
    assert all(ARTICLE[m.start:m.end] == m.text for m in row.unlinked)


def test_table_and_json(tmp_path):
    seeds = write_seeds(tmp_path / "seeds", article=ARTICLE, entities=ENTITIES, mapping=MAPPING)
    table = kg("coverage", "--seeds", seeds)
    assert table.exit_code == 0
    praised, osce = ARTICLE.index("Lukashenko praised"), ARTICLE.index("OSCE")
    assert "001_tiny                       3       1        1         1      33%        5" in table.output
    assert f"  uncovered @{praised}: Lukashenko praised the OSCE. [lukashenko, osce]" in table.output
    assert f"  no statement names osce: 3 mention(s), first 'OSCE' @{osce}" in table.output
    data = json.loads(kg("coverage", "001_tiny", "--json", "--seeds", seeds).output)["articles"][0]
    assert (data["sentences"], data["covered"], data["left_out"], data["coverage"]) == (3, 1, 1, 0.333)
    assert data["uncovered"] == [{"start": praised, "end": praised + 28, "text": "Lukashenko praised the OSCE.",
                                  "entities": ["lukashenko", "osce"]}]


def test_a_repeated_quote_covers_the_occurrence_it_names(tmp_path):
    article = "Lukashenko met the OSCE. Lukashenko met the OSCE.\n"
    mapping = ("article:\n  file: 001_tiny.txt\nstatements:\n  - {subject: lukashenko, predicate: meetsWith, "
               "object: osce, quote: Lukashenko met the OSCE., occurrence: 2}\n")
    seeds = write_seeds(tmp_path / "seeds", article=article, entities=ENTITIES, mapping=mapping)
    [row] = compute_coverage(seeds)
    # the second occurrence is quoted; the first has the very same words, so it is covered too
    assert [s.status for s in row.sentences] == ["covered", "covered"]
    mapping = mapping.replace("occurrence: 2", "occurrence: 3")  # no third one: nothing covered
    seeds = write_seeds(tmp_path / "other", article=article, entities=ENTITIES, mapping=mapping)
    assert [s.status for s in compute_coverage(seeds)[0].sentences] == ["uncovered", "uncovered"]


def test_article_without_mapping_and_unknown_article(tmp_path):
    seeds = write_seeds(tmp_path / "seeds", article=ARTICLE, entities=ENTITIES, mapping=MAPPING)
    (seeds / "mapping" / "001_tiny.yaml").unlink()
    [row] = compute_coverage(seeds)
    assert not row.has_mapping and row.coverage == 0
    result = kg("coverage", "001_tinny", "--seeds", seeds)
    assert result.exit_code == 2
    assert "Error: no article '001_tinny' in" in result.output and "Did you mean '001_tiny'?" in result.output


def test_the_seeds_have_figures(seeds_curated):
    rows = compute_coverage(seeds_curated)
    assert len(rows) == 5 and all(row.has_mapping and row.sentences for row in rows)
    assert all(row.coverage >= 0.8 for row in rows)
