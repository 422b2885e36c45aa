"""Reading seeds: YAML with line numbers, schema errors located, real seeds read completely."""

from pathlib import Path

import yaml
from hypothesis import given, settings, strategies as st

from graph_model.corpus import parse_located_yaml, read_corpus, read_mapping

from .conftest import SEEDS, SHARED_SEEDS

safe_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
                    min_size=1, max_size=40).filter(lambda s: s.strip() == s and s.strip())
statement = st.fixed_dictionaries(
    {"subject": safe_text, "predicate": safe_text, "object": safe_text, "quote": safe_text},
    optional={"speaker": safe_text, "date": st.sampled_from(["2017", "2017-07", "late 2016", "--05-17"]),
              "role": safe_text})


# No deadline: on a shared machine the first examples, which build the schema's validators, can
# take longer than hypothesis's 200 ms without anything being wrong.
@settings(deadline=None)
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


def test_real_seeds_are_read_completely(seeds_curated):
    corpus = read_corpus(seeds_curated)
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


def test_odd_entries_in_each_folder_are_problems_not_crashes(tiny_seeds):
    """Issue 9: a directory named like an article ended in IsADirectoryError; UTF-16 and Latin-1
    files in UnicodeDecodeError; a '.yml' file was silently skipped."""
    (tiny_seeds / "articles" / "002_dir.txt").mkdir()
    (tiny_seeds / "entities" / "more.yml").write_text("entities: []\n", encoding="utf-8")
    (tiny_seeds / "entities" / "wide.yaml").write_bytes("entities: []\n".encode("utf-16"))
    (tiny_seeds / "mapping" / "003_latin.yaml").write_bytes("article:\n  file: Café.txt\n".encode("latin-1"))
    corpus = read_corpus(tiny_seeds)
    assert [str(p).replace(str(tiny_seeds), "SEEDS") for p in sorted(corpus.problems)] == [
        "SEEDS/articles/002_dir.txt: is a directory, not an article. Every '*.txt' in articles/ is read as an "
        "article; rename the directory or move it out.",
        "SEEDS/entities/more.yml: not read: only '*.yaml' files are. Rename it to more.yaml.",
        "SEEDS/entities/wide.yaml:1: the file is UTF-16 (little-endian: it starts with the byte-order mark FF FE), "
        "not UTF-8. Re-save it as UTF-8 (in an editor, or with iconv -f UTF-16 -t UTF-8).",
        "SEEDS/mapping/003_latin.yaml:2: not UTF-8: byte 0xE9 at column 12 cannot be decoded. The bytes look like "
        "Windows-1252 or Latin-1, where 0xE9 is 'é' (in 'file: Café.txt'). Re-save the file as UTF-8 (in an "
        "editor, or with iconv -f WINDOWS-1252 -t UTF-8)."]
    assert corpus.unreadable == {tiny_seeds / "entities" / "wide.yaml", tiny_seeds / "articles" / "002_dir.txt"}
    assert not corpus.registry_complete
    assert sorted(corpus.articles) == ["001_tiny"] and len(corpus.entities) == 3


def test_read_articles_alone_raises_for_an_unreadable_article(tmp_path):
    from graph_model.errors import ValidationFailed
    from graph_model.corpus import read_articles

    (tmp_path / "a.txt").write_bytes(b"caf\xe9")
    try:
        read_articles(tmp_path)
    except ValidationFailed as exc:
        assert exc.problem.path == tmp_path / "a.txt" and exc.problem.line == 1
    else:
        raise AssertionError("read_articles accepted a Latin-1 file")


def test_the_names_other_modules_import_from_corpus_stay_there():
    """corpus.py was split into schema.py, yaml_reader.py and textfile.py; its names remain."""
    from graph_model import corpus

    for name in ("Article", "ArticleMapping", "Corpus", "Entity", "SourcedValue", "Statement", "read_corpus",
                 "read_articles", "read_entities", "read_mapping", "parse_located_yaml", "EntitySchema",
                 "StatementSchema", "ArticleSchema", "MappingFileSchema", "ID_PATTERN", "ARTICLES_DIR",
                 "ENTITIES_DIR", "MAPPING_DIR"):
        assert hasattr(corpus, name), name
