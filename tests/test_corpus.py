"""Reading seeds: YAML with line numbers, schema errors located, real seeds read completely."""

from pathlib import Path

import yaml
from hypothesis import given, strategies as st

from graph_model.corpus import parse_located_yaml, read_corpus, read_mapping

from .conftest import SEEDS, SHARED_SEEDS

safe_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
                    min_size=1, max_size=40).filter(lambda s: s.strip() == s and s.strip())
statement = st.fixed_dictionaries(
    {"subject": safe_text, "predicate": safe_text, "object": safe_text, "quote": safe_text},
    optional={"speaker": safe_text, "date": st.sampled_from(["2017", "2017-07", "late 2016", "--05-17"]),
              "role": safe_text})


@given(st.lists(statement, min_size=1, max_size=6))
def test_mapping_loader_round_trips_values_and_locates_each_statement(statements):
    text = yaml.safe_dump({"article": {"file": "x.txt"}, "statements": statements},
                          allow_unicode=True, sort_keys=False, width=10_000)
    problems = []
    mapping = read_mapping_from_text(text, problems)
    assert problems == []
    assert len(mapping.statements) == len(statements)
    lines = text.splitlines()
    for read, written in zip(mapping.statements, statements):
        for key, value in written.items():
            assert getattr(read, key) == value
        assert lines[read.line - 1].lstrip().startswith("- ")
        assert lines[read.line_of("quote") - 1].lstrip(" -").startswith("quote:")


def read_mapping_from_text(text, problems):
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "x.yaml"
        path.write_text(text, encoding="utf-8")
        return read_mapping(path, problems)


@given(st.from_regex(r"[0-9][0-9-]{0,11}", fullmatch=True))
def test_scalars_stay_strings(value):
    data = parse_located_yaml(f"date: '{value}'\nplain: {value}\n", Path("x.yaml"), [])
    assert data["date"] == value
    assert isinstance(data["plain"], str)


def test_syntax_error_is_located():
    problems = []
    assert parse_located_yaml("a: 1\nb: [1, 2\nc: 3\n", Path("bad.yaml"), problems) is None
    assert len(problems) == 1
    assert problems[0].line == 3 and problems[0].column is not None
    assert str(problems[0]).startswith("bad.yaml:3: YAML syntax error")


def test_real_seeds_are_read_completely():
    corpus = read_corpus(SEEDS)
    assert corpus.problems == []
    assert len(corpus.articles) >= 5
    assert [m.article_id for m in corpus.mappings] == sorted(corpus.articles)
    assert sum(len(m.statements) for m in corpus.mappings) > 150


def test_seed_articles_are_the_unchanged_originals():
    """The five source articles, checked against their committed checksums always and against
    ../shared/seeds where it exists (articles added later need no entry)."""
    import hashlib

    manifest = dict(reversed(line.split("  ")) for line in (SEEDS / "ARTICLES.sha256").read_text().splitlines())
    on_disk = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (SEEDS / "articles").glob("*.txt")}
    assert {name: on_disk.get(name) for name in manifest} == manifest
    for original in SHARED_SEEDS.glob("*.txt"):
        assert (SEEDS / "articles" / original.name).read_bytes() == original.read_bytes()
