"""Stage 1: read the articles, the entity registry and the per-article mappings from ``seeds/``.

Reading never stops at the first problem: undecodable files, YAML syntax errors and schema
errors are collected as :class:`~graph_model.errors.Problem` with their file and line, and
whatever could be read is returned, so one ``kg validate`` run reports everything. The file
format itself is in :mod:`graph_model.schema`, the line-numbered YAML in
:mod:`graph_model.yaml_reader`, the decoding of files in :mod:`graph_model.textfile`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from .errors import Problem, ValidationFailed, show_value
from .schema import (  # noqa: F401 - ID_PATTERN and the schemas are re-exported
    ID_PATTERN,
    AliasSchema,
    ArticleSchema,
    EntitySchema,
    LeftOutSchema,
    MappingFileSchema,
    SourcedValueSchema,
    StatementSchema,
    schema_problems,
    validate_block,
)
from .textfile import decode_utf8, read_file_bytes
from .vocabulary import EntityType, Modality
from .yaml_reader import parse_located_yaml  # noqa: F401 - re-exported

ARTICLES_DIR = "articles"
ENTITIES_DIR = "entities"
MAPPING_DIR = "mapping"


@dataclass(frozen=True)
class Article:
    """One source article: its id (file stem), path, exact text and SHA-256 of its bytes."""

    id: str
    path: Path
    text: str
    sha256: str


@dataclass(frozen=True)
class TaggedAlias:
    """An alias given with its language, ``{value: Makej, lang: de}``, at ``line``."""

    value: str
    lang: str
    line: int


@dataclass(frozen=True)
class Entity:
    """A registry entry; ``aliases`` are every alias's spelling, ``tagged_aliases`` those given
    with a language (their spellings are in ``aliases`` too)."""

    id: str
    type: EntityType
    label: str
    aliases: tuple[str, ...]
    description: str
    path: Path
    line: int
    tagged_aliases: tuple[TaggedAlias, ...] = ()


@dataclass(frozen=True)
class Statement:
    """One curated statement; ``lines`` maps each field name to its line in ``path``."""

    article_id: str
    subject: str
    predicate: str
    object: str
    quote: str
    speaker: str | None
    date: str | None
    place: str | None
    event: str | None
    role: str | None
    involvement: str | None
    modality: Modality
    path: Path
    line: int
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    occurrence: int | None = None  # which occurrence of the quote, where it occurs more than once
    suggested: bool = False  # drafted by a tool and not yet reviewed

    def line_of(self, field_name: str) -> int:
        return self.lines.get(field_name, self.line)


@dataclass(frozen=True)
class SourcedValue:
    """A metadata value and the words of the article that give it; ``plain`` if it was written
    as a bare value, which is then its own quote."""

    value: str
    quote: str
    line: int
    plain: bool = False


@dataclass(frozen=True)
class LeftOut:
    """A passage deliberately not curated, and why."""

    quote: str
    reason: str
    line: int


@dataclass(frozen=True)
class Located:
    """A plain metadata value and its line."""

    value: str
    line: int

@dataclass(frozen=True)
class ArticleMapping:
    """The curated mapping of one article."""

    article_id: str
    path: Path
    file: str
    file_line: int
    title: str | None
    title_line: int
    publisher: SourcedValue | None
    date: SourcedValue | None
    statements: tuple[Statement, ...]
    url: Located | None = None
    language: Located | None = None
    left_out: tuple[LeftOut, ...] = ()


@dataclass
class Corpus:
    """Everything read from a seeds directory, plus the problems met while reading it."""

    seeds_dir: Path
    articles: dict[str, Article]
    entities: dict[str, Entity]
    mappings: list[ArticleMapping]
    problems: list[Problem]
    # What could not be read, so validation can report its consequences once instead of at
    # every statement: article and entity files that exist but could not be read as a whole,
    # ids of rejected entity blocks, whether every entity block was read, missing folders.
    unreadable: set[Path] = field(default_factory=set)
    invalid_entity_ids: set[str] = field(default_factory=set)
    registry_complete: bool = True
    missing_dirs: set[str] = field(default_factory=set)
    stopped: bool = False  # reading stopped early: see read_registry


def read_articles(articles_dir: Path, problems: list[Problem] | None = None, *,
                  unreadable: set[Path] | None = None) -> dict[str, Article]:
    """Every ``*.txt`` in ``articles_dir``, by file stem, with the exact text and its SHA-256.

    A file that cannot be read or is not UTF-8 is reported in ``problems`` and added to
    ``unreadable``; without ``problems``, the first such file raises ValidationFailed.
    """
    found: list[Problem] = [] if problems is None else problems
    articles = {}
    for path in sorted(articles_dir.glob("*.txt")):
        article = read_article(path, found)
        if article is None:
            if unreadable is not None:
                unreadable.add(path)
            continue
        articles[path.stem] = article
    if problems is None and found:
        raise ValidationFailed(found)
    return articles


def read_article(path: Path, problems: list[Problem]) -> Article | None:
    """The article in ``path``, or None if it cannot be read as UTF-8 (reported in ``problems``)."""
    data = read_file_bytes(path, problems, kind="an article")
    text = decode_utf8(data, path, problems) if data is not None else None
    return None if text is None else Article(path.stem, path, text, hashlib.sha256(data).hexdigest())


def read_entities(entity_files: list[Path], problems: list[Problem]) -> dict[str, Entity]:
    """The entity registry from ``entity_files``; duplicate ids are reported in ``problems``."""
    return _read_registry(entity_files, problems, Corpus(Path("."), {}, {}, [], problems)).entities


def _read_registry(entity_files: list[Path], problems: list[Problem], corpus: Corpus) -> Corpus:
    """Read ``entity_files`` into ``corpus.entities``, noting in ``corpus`` what could not be read."""
    entities = corpus.entities
    for path in entity_files:
        readable, data = _read_yaml(path, problems, "an entity file")
        if not readable:
            corpus.unreadable.add(path)
            corpus.registry_complete = False
            continue
        if data is None:  # an empty file: nothing registered, nothing lost
            continue
        items = data.get("entities") if isinstance(data, dict) else None
        if not isinstance(items, list):
            problems.append(Problem(path, getattr(data, "line", 1), "no 'entities:' list",
                                    "An entity file holds 'entities:' followed by a list of entities."))
            corpus.registry_complete = False
            continue
        for key in sorted(data.keys() - {"entities"}):
            problems.append(Problem(path, data.key_lines[key], f"unknown field {show_value(key)}",
                                    "An entity file holds only 'entities:'; move the entry into that list."))
        for index, item in enumerate(items):
            line = items.item_lines[index]
            model = validate_block(EntitySchema, item, path, line, problems)
            if model is None:
                _note_rejected_entity(item, corpus)
                continue
            if model.id in entities:
                first = entities[model.id]
                problems.append(Problem(path, line, f"duplicate entity id '{model.id}'",
                                        f"It is already defined at {first.path}:{first.line}; "
                                        "merge the two entries or rename one."))
                continue
            alias_lines = getattr(item.get("aliases"), "item_lines", [])
            tagged = tuple(TaggedAlias(alias.value, alias.lang, alias_lines[k] if k < len(alias_lines) else line)
                           for k, alias in enumerate(model.aliases) if alias.lang is not None)
            entities[model.id] = Entity(model.id, model.type, model.label,
                                        tuple(dict.fromkeys(alias.value for alias in model.aliases)),
                                        model.description, path, line, tagged)
    return corpus


def _note_rejected_entity(item, corpus: Corpus) -> None:
    """Remember a rejected entity's id, so statements naming it are not reported as naming an
    unknown entity; without an id, any unknown id may be this one: the registry is incomplete.
    The lowercase form counts too: 'OSCE', refused as an id, was meant as 'osce'."""
    entity_id = item.get("id") if isinstance(item, dict) else None
    if isinstance(entity_id, str) and entity_id.strip():
        corpus.invalid_entity_ids.update({entity_id.strip(), entity_id.strip().lower()})
    else:
        corpus.registry_complete = False


def read_mapping(path: Path, problems: list[Problem]) -> ArticleMapping | None:
    """One article's mapping file, or None if it cannot be read at all."""
    readable, data = _read_yaml(path, problems, "a mapping")
    if not readable:
        return None
    if data is None:
        problems.append(Problem(path, 1, "the mapping file is empty",
                                "A mapping holds 'article:' and 'statements:'; see docs/mapping-format.md."))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(path, getattr(data, "line", 1), "a mapping file must be a YAML mapping",
                                "Start it with 'article:' and 'statements:'."))
        return None
    statements_data = data.get("statements")
    if statements_data is None:  # 'statements:' with nothing under it, or no key: none yet
        statements_data = []
    # Statements and left-out passages are checked one by one below, so that one bad item
    # loses only itself; the header is what is left.
    header = {k: v for k, v in data.items() if k not in ("statements", "left_out")}
    try:
        header_model = MappingFileSchema.model_validate({**header, "statements": []})
    except ValidationError as exc:
        problems.extend(schema_problems(exc, data, path, MappingFileSchema))
        header_model = None
    statements = []
    if not isinstance(statements_data, list):
        problems.append(Problem(path, data.key_lines.get("statements", 1), "'statements' must be a list",
                                "Write each statement as a '- subject: ...' item."))
        statements_data = []
    for index, item in enumerate(statements_data):
        model = validate_block(StatementSchema, item, path, statements_data.item_lines[index], problems)
        if model is None:
            continue
        lines = dict(item.key_lines)
        statements.append(Statement(
            article_id=path.stem, subject=model.subject, predicate=model.predicate, object=model.object,
            quote=model.quote, speaker=model.speaker, date=model.date, place=model.place, event=model.event,
            role=model.role, involvement=model.involvement, modality=model.modality,
            path=path, line=statements_data.item_lines[index], lines=lines,
            occurrence=model.occurrence, suggested=model.suggested))
    left_out = _read_left_out(data, path, problems)
    if header_model is None:
        return None
    article = data["article"]
    meta = header_model.article

    def sourced(name):
        value = getattr(meta, name)
        if value is None:
            return None
        return SourcedValue(value.value, value.quote, article.key_lines.get(name, article.line),
                            plain=isinstance(article.get(name), str))

    def located(name):
        value = getattr(meta, name)
        return None if value is None else Located(value, article.key_lines.get(name, article.line))

    return ArticleMapping(
        article_id=path.stem, path=path, file=meta.file,
        file_line=article.key_lines.get("file", article.line), title=meta.title,
        title_line=article.key_lines.get("title", article.line),
        publisher=sourced("publisher"), date=sourced("date"), statements=tuple(statements),
        url=located("url"), language=located("language"), left_out=left_out)


def _read_left_out(data, path: Path, problems: list[Problem]) -> tuple[LeftOut, ...]:
    """The mapping's ``left_out:`` passages; a malformed one is reported and skipped."""
    items = data.get("left_out")
    if items is None:
        return ()
    if not isinstance(items, list):
        problems.append(Problem(path, data.key_lines.get("left_out", 1), "'left_out' must be a list",
                                "Write each passage as a '- quote: ...' item with its 'reason:'."))
        return ()
    found = []
    for index, item in enumerate(items):
        model = validate_block(LeftOutSchema, item, path, items.item_lines[index], problems)
        if model is not None:
            found.append(LeftOut(model.quote, model.reason, items.item_lines[index]))
    return tuple(found)


def _read_yaml(path: Path, problems: list[Problem], kind: str):
    """(readable, data): readable is False if a problem stopped the file being read as a
    whole; data is None for an empty file too."""
    before = len(problems)
    data = read_file_bytes(path, problems, kind=kind)
    text = decode_utf8(data, path, problems) if data is not None else None
    located = parse_located_yaml(text, path, problems) if text is not None else None
    return not (located is None and len(problems) > before), located


def read_corpus(seeds_dir: Path | str) -> Corpus:
    """Read ``seeds_dir``: ``articles/*.txt``, ``entities/*.yaml`` and ``mapping/*.yaml``.

    Returns a :class:`Corpus` whose ``problems`` lists what could not be read; semantic checks
    (ids, predicates, quotes, dates) are :func:`graph_model.validate.validate_corpus`'s job.
    """
    corpus = read_registry(seeds_dir)
    if corpus.stopped:
        return corpus
    seeds_dir = corpus.seeds_dir
    corpus.articles.update(read_articles(seeds_dir / ARTICLES_DIR, corpus.problems, unreadable=corpus.unreadable))
    for path in sorted((seeds_dir / MAPPING_DIR).glob("*.yaml")):
        mapping = read_mapping(path, corpus.problems)
        if mapping is not None:
            corpus.mappings.append(mapping)
    return corpus


def read_registry(seeds_dir: Path | str, *, entities: bool = True) -> Corpus:
    """Check the layout of ``seeds_dir`` and read its entity registry, not its articles or
    mappings: what a per-article build reads once (with ``entities`` false, only the layout).
    ``stopped`` is set when nothing more should be read (no seeds directory, or a half-done rename)."""
    seeds_dir = Path(seeds_dir)
    problems: list[Problem] = []
    corpus = Corpus(seeds_dir, {}, {}, [], problems)
    if not seeds_dir.is_dir():
        what = "is not a directory" if seeds_dir.exists() else "no such directory"
        problems.append(Problem(seeds_dir, None, f"seeds directory: {what}",
                                f"A seeds directory holds {ARTICLES_DIR}/, {ENTITIES_DIR}/ and {MAPPING_DIR}/; "
                                "pass --seeds to point at one."))
        corpus.missing_dirs = {ARTICLES_DIR, ENTITIES_DIR, MAPPING_DIR}
        corpus.registry_complete = False
        corpus.stopped = True
        return corpus
    for sub in (ARTICLES_DIR, ENTITIES_DIR, MAPPING_DIR):
        if not (seeds_dir / sub).is_dir():
            corpus.missing_dirs.add(sub)
            problems.append(Problem(seeds_dir / sub, None, "directory is missing",
                                    f"A seeds directory holds {ARTICLES_DIR}/, {ENTITIES_DIR}/ and {MAPPING_DIR}/; "
                                    "pass --seeds to point at one."))
    if ENTITIES_DIR in corpus.missing_dirs:
        corpus.registry_complete = False
    from .file_transaction import JOURNAL_NAME

    if (seeds_dir / JOURNAL_NAME).exists():
        # A kg rename or merge was killed after its commit point: some files hold the new ids,
        # some the old. Reading now would check (or build) a mix; the next registry command
        # completes it (graph_model.file_transaction). Read-only commands say so and stop.
        problems.append(Problem(seeds_dir / JOURNAL_NAME, None,
                                "an interrupted 'kg rename' or 'kg merge' is not finished: the files are half changed",
                                "Run 'kg entities' to finish it, then try again."))
        corpus.registry_complete = False
        corpus.stopped = True
        return corpus  # nothing read, so nothing reported that only follows from the mix
    for sub in (ENTITIES_DIR, MAPPING_DIR):
        for path in sorted((seeds_dir / sub).glob("*.yml")):
            problems.append(Problem(path, None, "not read: only '*.yaml' files are",
                                    f"Rename it to {path.stem}.yaml."))
    if entities:
        _read_registry(sorted((seeds_dir / ENTITIES_DIR).glob("*.yaml")), problems, corpus)
    return corpus
