"""kg add: the article copied unchanged, a draft mapping beside it, nothing overwritten, and
clear errors for bad input. The acceptance test re-adds each seed article to seeds without it."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from graph_model.add_article import _write_all, find_duplicates
from graph_model.cli import main
from graph_model.corpus import read_corpus
from graph_model.errors import InputError
from graph_model.mentions import match_key
from graph_model.schema import ArticleSchema, StatementSchema
from graph_model.sentences import split_sentences
from graph_model.textmatch import find_quote, normalise
from graph_model.validate import validate_corpus

from .conftest import CURATED_ARTICLES, SEEDS

SEED_IDS = sorted(CURATED_ARTICLES)  # as curated: an article a user adds is not one of them
FIGURES: dict[str, tuple] = {}


def kg(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="kg", catch_exceptions=False)


def without(seeds: Path, article_id: str) -> Path:
    """``seeds`` without one article: its text, its mapping and its checksum line."""
    (seeds / "articles" / f"{article_id}.txt").unlink()
    (seeds / "mapping" / f"{article_id}.yaml").unlink()
    manifest = seeds / "ARTICLES.sha256"
    manifest.write_text("".join(line for line in manifest.read_text().splitlines(keepends=True)
                                if article_id not in line))
    return seeds


def named_ids(text: str, entities) -> set[str]:
    """Test oracle, independent of the matcher: the ids one of whose names occurs as whole words
    (normalised as quotes are, case ignored), not inside a longer name of another entity ("Helsinki
    process" in "new Helsinki process" names the new one)."""
    haystack = normalise(text)[0].casefold()
    spans = []
    for entity in entities:
        for name in (entity.label, *entity.aliases):
            needle = re.escape(normalise(name)[0].casefold())
            spans += [(m.start(), m.end(), entity.id) for m in re.finditer(rf"(?<!\w){needle}(?!\w)", haystack)]
    return {i for s, e, i in spans
            if not any(s2 <= s and e <= e2 and (s2, e2) != (s, e) and i2 != i for s2, e2, i2 in spans)}


@pytest.mark.parametrize("article_id", SEED_IDS)
def test_acceptance_each_seed_article_added_again(seeds_copy, seeds_curated, article_id):
    corpus = read_corpus(seeds_curated)
    text = corpus.articles[article_id].text
    curated = next(m for m in corpus.mappings if m.article_id == article_id)
    seeds = without(seeds_copy, article_id)
    source = SEEDS / "articles" / f"{article_id}.txt"

    result = kg("add", source, "--seeds", seeds, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    written = Path(data["article"])
    assert written.read_bytes() == source.read_bytes()
    number = max(int(i[:3]) for i in SEED_IDS if i != article_id) + 1
    assert written.name == f"{number:03d}_{hashlib.sha256(source.read_bytes()).hexdigest()[:16]}.txt"

    # every id the curated mapping uses that the text names by label or alias, at correct offsets
    used = {getattr(s, f) for s in curated.statements for f in ("subject", "object", "speaker", "place", "event")}
    used.discard(None)
    named = used & named_ids(text, corpus.entities.values())
    found = {m["entity"] for m in data["mentions"]}
    assert named <= found, f"missed {sorted(named - found)}"
    for mention in data["mentions"]:
        assert text[mention["start"]:mention["end"]] == mention["text"]
        entity = corpus.entities[mention["entity"]]
        keys = [match_key(n) for n in (entity.label, *entity.aliases)]
        assert any(match_key(mention["text"])[:max(len(k) - 2, 3)] in k or k in match_key(mention["text"])
                   for k in keys) or mention["text"][:1].isupper(), mention

    # candidate statements: verbatim quotes covering >= 70% of the sentences the curated mapping quotes
    sentences = split_sentences(text)
    quoted = {i for s in curated.statements if (q := find_quote(text, s.quote))
              for i, sentence in enumerate(sentences) if sentence.start < q.end and q.start < sentence.end}
    drafted = set()
    for statement in data["statements"]:
        assert text[statement["start"]:statement["end"]] == statement["quote"]
        drafted |= {i for i, sentence in enumerate(sentences)
                    if sentence.start < statement["end"] and statement["start"] < sentence.end}
    share = len(quoted & drafted) / len(quoted)
    FIGURES[article_id] = (len(named), len(named & found), len(quoted), len(quoted & drafted))
    print(f"\n{article_id}: mentions {len(named & found)}/{len(named)} ids; quoted sentences drafted "
          f"{len(quoted & drafted)}/{len(quoted)} = {share:.0%}; {len(data['statements'])} suggestions")
    assert share >= 0.7

    # --json gives the same as the draft file
    draft = yaml.safe_load(Path(data["mapping"]).read_text(encoding="utf-8"))
    assert [(s["subject"], s["predicate"], s["object"], s["quote"]) for s in draft["statements"]] == \
        [(s["subject"], s["predicate"], s["object"], s["quote"]) for s in data["statements"]]
    assert all(s["suggested"] is True for s in draft["statements"])


def accept_suggestions(mapping: Path) -> None:
    """What a curator does once every suggestion is checked: delete 'suggested: true'. Fields
    the reader does not know yet (the format is growing) go too, so what is left is checked."""
    known = set(StatementSchema.model_fields) | set(ArticleSchema.model_fields)
    lines = [line for line in mapping.read_text(encoding="utf-8").splitlines(keepends=True)
             if not re.match(r"\s+suggested: true", line)
             and not (re.match(r"\s+(\w+):", line) and re.match(r"\s+(\w+):", line).group(1) not in known
                      and not line.lstrip().startswith("- "))]
    mapping.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize("article_id", SEED_IDS)
def test_the_draft_validates_once_its_suggestions_are_accepted(seeds_copy, article_id):
    seeds = without(seeds_copy, article_id)
    result = kg("add", SEEDS / "articles" / f"{article_id}.txt", "--seeds", seeds, "--json")
    mapping = Path(json.loads(result.output)["mapping"])
    if "suggested" in StatementSchema.model_fields:  # the reader knows the flag: unreviewed is refused
        problems = [p for p in validate_corpus(read_corpus(seeds)).problems if p.path == mapping]
        assert problems and all("suggest" in p.message for p in problems)
    accept_suggestions(mapping)
    problems = [str(p) for p in validate_corpus(read_corpus(seeds)).problems if p.path == mapping]
    assert problems == []


ENGLISH = ("Putin backs Helsinki idea\n\nMOSCOW, 3 March 2021 (Interfax) – Russian President Vladimir "
           "Putin said Russia supports the new Helsinki process proposed by Alexander Lukashenko. "
           "Putin met Lukashenko in Sochi. The Shanghai Cooperation Organisation welcomed the talks.\n")
GERMAN = ("Lukaschenko schlägt neuen Helsinki-Prozess vor\n\nMINSK, 5. Juli 2017 (BelTA) – Der belarussische "
          "Präsident Alexander Lukaschenko hat die OSZE aufgefordert, über den neuen Helsinki-Prozess zu "
          "beraten. Lukaschenkos Initiative wird von Belarus unterstützt. Präsident Emmanuel Macron "
          "äußerte sich nicht.\n")


def add(tmp_path, seeds, content: bytes | str, *options, name="new.txt"):
    source = tmp_path / name
    source.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return kg("add", source, "--seeds", seeds, *options)


def test_english_article_gets_mentions_new_entities_statements_and_metadata(tmp_path, seeds_copy):
    result = add(tmp_path, seeds_copy, ENGLISH, "--json", "--url", "https://example.org/putin")
    data = json.loads(result.output)
    assert {"lukashenko", "russia", "helsinki-2"} <= {m["entity"] for m in data["mentions"]}
    new = {n["text"]: n for n in data["new_entities"]}
    assert new["Vladimir Putin"]["type"] == "Person"
    assert new["Shanghai Cooperation Organisation"]["type"] == "Organisation"
    assert ("russia", "supports", "helsinki-2") in {(s["subject"], s["predicate"], s["object"]) for s in data["statements"]}
    at = ENGLISH.index("3 March 2021")
    assert data["metadata"]["date"] == {"value": "2021-03-03", "quote": "3 March 2021", "start": at, "end": at + 12}
    assert data["metadata"]["publisher"]["value"] == "Interfax"
    assert data["metadata"]["title"]["value"] == "Putin backs Helsinki idea"
    draft = Path(data["mapping"]).read_text(encoding="utf-8")
    assert 'url: "https://example.org/putin"' in draft and "language: en" in draft
    assert '# date: {value: "2021-03-03", quote: "3 March 2021"}  # suggested from line 3' in draft


def test_german_article(tmp_path, seeds_copy):
    data = json.loads(add(tmp_path, seeds_copy, GERMAN, "--json").output)
    mentions = {(m["entity"], m["text"]) for m in data["mentions"]}
    assert {("lukashenko", "Alexander Lukaschenko"), ("lukashenko", "Lukaschenkos"), ("belarus", "Belarus"),
            ("belarus", "belarussische")} <= mentions
    assert data["language"] == "de"
    assert [n["text"] for n in data["new_entities"] if n["type"] == "Person"] == ["Emmanuel Macron"]
    assert any("unterstützt" in s["cues"] for s in data["statements"])
    assert data["metadata"]["date"]["value"] == "2017-07-05"


def test_windows_line_endings_keep_the_bytes_and_offsets_are_into_the_text_as_read(tmp_path, seeds_copy):
    content = ENGLISH.replace("\n", "\r\n").encode("utf-8")
    data = json.loads(add(tmp_path, seeds_copy, content, "--json").output)
    assert Path(data["article"]).read_bytes() == content
    text = content.decode("utf-8")
    assert all(text[m["start"]:m["end"]] == m["text"] for m in data["mentions"])
    assert all(text[s["start"]:s["end"]] == s["quote"] and "\r" not in s["quote"] for s in data["statements"])


@pytest.mark.parametrize("encoding, said", [("cp1252", "Windows-1252 or Latin-1"), ("utf-16", "UTF-16")])
def test_another_encoding_is_refused_naming_it(tmp_path, seeds_copy, encoding, said):
    result = add(tmp_path, seeds_copy, "Präsident Lukaschenko sprach.\n".encode(encoding))
    assert result.exit_code == 1
    assert said in result.output and "Traceback" not in result.output and str(tmp_path / "new.txt") in result.output
    assert not list((seeds_copy / "articles").glob("005_*"))


@pytest.mark.parametrize("content, said", [(b"", "the file is empty"), (b" \n\t\n", "only white space")])
def test_empty_file(tmp_path, seeds_copy, content, said):
    result = add(tmp_path, seeds_copy, content)
    assert result.exit_code == 1 and said in result.output


def test_same_article_again_is_refused_and_nothing_is_overwritten(tmp_path, seeds_copy):
    before = {p: p.read_bytes() for p in seeds_copy.rglob("*") if p.is_file()}
    result = kg("add", SEEDS / "articles" / "003_213a5d6f32416dc9.txt", "--seeds", seeds_copy, "--force")
    assert result.exit_code == 1
    assert "already in the seeds as" in result.output and "003_213a5d6f32416dc9.txt" in result.output
    assert {p: p.read_bytes() for p in seeds_copy.rglob("*") if p.is_file()} == before


def test_lightly_edited_copy_is_named_as_a_duplicate_and_forced_in(tmp_path, seeds_copy):
    text = (SEEDS / "articles" / "004_b2aff0031e872d3e.txt").read_text(encoding="utf-8")
    edited = text.replace("Bishkek", "Bishkek, Kyrgyzstan", 1).replace("five years", "5 years")
    result = add(tmp_path, seeds_copy, edited)
    assert result.exit_code == 1
    assert re.search(r"a near copy of 004_b2aff0031e872d3e \(9\d% of its word sequences shared\)", result.output)
    assert "--force" in result.output and not list((seeds_copy / "mapping").glob("005_*"))
    forced = json.loads(add(tmp_path, seeds_copy, edited, "--force", "--json").output)
    assert forced["duplicates"][0]["article"] == "004_b2aff0031e872d3e"
    assert 0.9 <= forced["duplicates"][0]["similarity"] < 1


def test_name_collision_with_an_existing_mapping_is_refused(tmp_path, seeds_copy):
    digest = hashlib.sha256(ENGLISH.encode("utf-8")).hexdigest()[:16]
    curator = seeds_copy / "mapping" / f"007_{digest}.yaml"
    curator.write_text("# a curator's work in progress\n", encoding="utf-8")
    result = add(tmp_path, seeds_copy, ENGLISH)
    assert result.exit_code == 1 and f"007_{digest}.yaml: already holds this article's name" in result.output
    assert curator.read_text(encoding="utf-8") == "# a curator's work in progress\n"
    assert not list((seeds_copy / "articles").glob(f"*_{digest}.txt"))


def test_numbers_continue_after_every_article_and_mapping(tmp_path, seeds_copy):
    (seeds_copy / "mapping" / "011_orphan.yaml").write_text("x: 1\n", encoding="utf-8")
    data = json.loads(add(tmp_path, seeds_copy, ENGLISH, "--json").output)
    assert Path(data["article"]).name.startswith("012_")
    manifest = (seeds_copy / "ARTICLES.sha256").read_text()
    assert manifest.endswith(f"{hashlib.sha256(ENGLISH.encode()).hexdigest()}  {Path(data['article']).name}\n")


def test_writes_are_all_or_nothing(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "mapping").write_text("a file where the folder should be")
    with pytest.raises(OSError):
        _write_all(tmp_path, [(tmp_path / "articles" / "005_x.txt", b"text"),
                              (tmp_path / "mapping" / "005_x.yaml", b"draft")], "line\n")
    assert list((tmp_path / "articles").iterdir()) == []


@pytest.mark.parametrize("option, said", [
    (["--date", "2021-03-04"], "--date 2021-03-04: the article's text does not give this date."),
    (["--date", "March 3"], "is not a date in an accepted form"),
    (["--title", "Putin rejects it"], "--title 'Putin rejects it' is not in the article's text."),
    (["--publisher", "Reuters"], "--publisher 'Reuters' is not named in the article's text."),
    (["--url", "example.org"], "--url 'example.org' is not a web address."),
    (["--language", "english!"], "--language 'english!' is not a BCP 47 language tag."),
])
def test_options_the_text_contradicts_are_usage_errors(tmp_path, seeds_copy, option, said):
    result = add(tmp_path, seeds_copy, ENGLISH, *option)
    assert result.exit_code == 2 and said in result.output and "Try 'kg add --help'" in result.output
    assert not list((seeds_copy / "articles").glob("005_*"))


def test_given_metadata_is_written_with_the_words_of_the_text(tmp_path, seeds_copy):
    result = add(tmp_path, seeds_copy, ENGLISH, "--date", "2021-03-03", "--publisher", "Interfax",
                 "--title", "Putin backs Helsinki idea", "--language", "en-GB")
    assert result.exit_code == 0, result.output
    draft = next((seeds_copy / "mapping").glob("005_*.yaml")).read_text(encoding="utf-8")
    assert '  date: {value: "2021-03-03", quote: "3 March 2021"}\n' in draft
    assert '  publisher: {value: "Interfax", quote: "(Interfax)"}\n' in draft
    assert '  title: "Putin backs Helsinki idea"\n' in draft and "  language: en-GB\n" in draft


def test_duplicate_check_scores_by_shared_word_sequences():
    base = " ".join(f"w{i}" for i in range(100))
    assert find_duplicates(base, {"a": base})[0].similarity == 1.0
    assert find_duplicates(base, {"a": base.replace("w50", "x")})[0].similarity > 0.9
    assert find_duplicates(base, {"a": " ".join(f"omega{i}" for i in range(100))}) == []


def test_input_error_is_raised_by_the_library_too(tmp_path, seeds_copy):
    from graph_model.add_article import add_article

    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(InputError, match="the file is empty"):
        add_article(seeds_copy, tmp_path / "empty.txt")
