"""Stage 1: read the articles, the entity registry and the per-article mappings from ``seeds/``.

Reading never stops at the first problem: YAML syntax errors and schema errors are collected as
:class:`~graph_model.errors.Problem` with their file and line, and whatever could be read is
returned, so one ``kg validate`` run reports everything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import Problem, did_you_mean
from .vocabulary import EntityType, Modality

ARTICLES_DIR = "articles"
ENTITIES_DIR = "entities"
MAPPING_DIR = "mapping"
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


# ---------------------------------------------------------------- schema (the file format)

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class EntitySchema(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    type: EntityType
    label: str = Field(min_length=1)
    aliases: list[str] = []
    description: str = ""


class SourcedValueSchema(_Strict):
    value: str = Field(min_length=1)
    quote: str = Field(min_length=1)


class ArticleSchema(_Strict):
    file: str = Field(min_length=1)
    title: str | None = None
    publisher: SourcedValueSchema | None = None
    date: SourcedValueSchema | None = None


class StatementSchema(_Strict):
    subject: str = Field(min_length=1)
    predicate: str = Field(min_length=1)
    object: str = Field(min_length=1)
    quote: str = Field(min_length=1)
    speaker: str | None = None
    date: str | None = None
    place: str | None = None
    event: str | None = None
    role: str | None = None
    involvement: str | None = None
    modality: Modality = Modality.ASSERTED


class MappingFileSchema(_Strict):
    article: ArticleSchema
    statements: list[StatementSchema] = []


# ---------------------------------------------------------------- what reading returns

@dataclass(frozen=True)
class Article:
    """One source article: its id (file stem), path, exact text and SHA-256 of its bytes."""

    id: str
    path: Path
    text: str
    sha256: str


@dataclass(frozen=True)
class Entity:
    id: str
    type: EntityType
    label: str
    aliases: tuple[str, ...]
    description: str
    path: Path
    line: int


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

    def line_of(self, field_name: str) -> int:
        return self.lines.get(field_name, self.line)


@dataclass(frozen=True)
class SourcedValue:
    value: str
    quote: str
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


@dataclass
class Corpus:
    """Everything read from a seeds directory, plus the problems met while reading it."""

    seeds_dir: Path
    articles: dict[str, Article]
    entities: dict[str, Entity]
    mappings: list[ArticleMapping]
    problems: list[Problem]


# ---------------------------------------------------------------- YAML with line numbers

class _LocatedDict(dict):
    line: int
    key_lines: dict


class _LocatedList(list):
    line: int
    item_lines: list


def parse_located_yaml(text: str, path: Path, problems: list[Problem]):
    """Parse YAML text into dicts and lists that remember the 1-based line of every value.

    Scalars stay strings (``2017-07-05`` is not turned into a date), except null and booleans.
    Syntax errors and duplicate keys are appended to ``problems``; returns None on a syntax error.
    """
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader_class)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        what = exc.problem or exc.context or "invalid YAML"
        where = f" (column {column})" if column else ""
        problems.append(Problem(path, line, f"YAML syntax error: {what}{where}",
                                "Check the indentation and quoting on this line and the one before; "
                                "quotes containing ':' or '\"' need single quotes.", column))
        return None
    return _convert(root, path, problems) if root is not None else None


def _convert(node, path: Path, problems: list[Problem]):
    if isinstance(node, yaml.MappingNode):
        result = _LocatedDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in result:
                problems.append(Problem(path, key_node.start_mark.line + 1, f"duplicate key '{key}'",
                                        "Each key may appear once in a block; merge the two or remove one."))
            result[key] = _convert(value_node, path, problems)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        result = _LocatedList(_convert(item, path, problems) for item in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [item.start_mark.line + 1 for item in node.value]
        return result
    tag = node.tag.rsplit(":", 1)[-1]
    if tag == "null":
        return None
    if tag == "bool":
        return node.value.lower() in ("true", "yes", "on")
    return node.value


def _validate_item(schema: type[BaseModel], item, path: Path, line: int, problems: list[Problem]):
    """Validate one YAML block against ``schema``; problems go to ``problems``, returns the model or None.

    Unknown fields are reported and then ignored, so the rest of the block is still checked.
    """
    if isinstance(item, dict):
        known = {k: v for k, v in item.items() if k in schema.model_fields}
        for key in item.keys() - known.keys():
            allowed = sorted(schema.model_fields)
            hint = f"{did_you_mean(key, allowed)} Allowed fields: {', '.join(allowed)}.".strip()
            problems.append(Problem(path, item.key_lines.get(key, line), f"unknown field '{key}'", hint))
        if len(known) != len(item):
            located = _LocatedDict(known)
            located.line, located.key_lines = item.line, item.key_lines
            item = located
    try:
        return schema.model_validate(item)
    except ValidationError as exc:
        problems.extend(_schema_problems(exc, item, path, schema, line))
        return None


def _line_at(data, loc: tuple, default_line: int = 1) -> int:
    """The line of the value at pydantic location ``loc`` in located YAML data."""
    line = getattr(data, "line", default_line)
    current = data
    for part in loc:
        if isinstance(current, _LocatedDict) and part in current:
            line = current.key_lines.get(part, line)
            current = current[part]
        elif isinstance(current, _LocatedList) and isinstance(part, int) and part < len(current):
            line = current.item_lines[part]
            current = current[part]
        else:
            break
    return line


def _schema_problems(exc: ValidationError, data, path: Path, schema: type[BaseModel],
                     default_line: int = 1) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        line = _line_at(data, loc, default_line)
        name = str(loc[-1]) if loc else ""
        kind = error["type"]
        parent_schema = _schema_at(schema, loc[:-1])
        allowed = sorted(parent_schema.model_fields) if parent_schema else []
        if kind == "extra_forbidden":
            message = f"unknown field '{name}'"
            hint = did_you_mean(name, allowed) or ""
            hint = f"{hint} Allowed fields: {', '.join(allowed)}.".strip()
        elif kind == "missing":
            message = f"missing field '{name}'"
            hint = f"Add '{name}:' to this block."
        elif kind == "enum":
            choices = [m.value for m in _enum_for(name)]
            message = f"'{error['input']}' is not an allowed {name}"
            hint = (did_you_mean(str(error["input"]), choices) + f" Allowed: {', '.join(choices)}.").strip()
        elif kind == "string_pattern_mismatch":
            message = f"{name} '{error['input']}' is not a valid id"
            hint = "Ids use lowercase letters, digits and single '-' between them, e.g. 'osce-pa'."
        elif kind == "string_too_short":
            message = f"'{name}' is empty"
            hint = f"Give '{name}' a value or remove the line."
        else:
            message = f"{'.'.join(str(p) for p in loc)}: {error['msg']}"
            hint = "See docs/mapping-format.md for the expected shape."
        problems.append(Problem(path, line, message, hint))
    return problems


def _schema_at(schema: type[BaseModel], loc: tuple):
    current = schema
    for part in loc:
        if isinstance(part, int):
            continue
        field_info = current.model_fields.get(part)
        if field_info is None:
            return None
        annotation = field_info.annotation
        for candidate in (annotation, *getattr(annotation, "__args__", ())):
            inner = getattr(candidate, "__args__", (candidate,))
            models = [c for c in (candidate, *inner) if isinstance(c, type) and issubclass(c, BaseModel)]
            if models:
                current = models[0]
                break
        else:
            return None
    return current


def _enum_for(name: str):
    return {"type": EntityType, "modality": Modality}.get(name, EntityType)


# ---------------------------------------------------------------- readers

def read_articles(articles_dir: Path) -> dict[str, Article]:
    """Every ``*.txt`` in ``articles_dir``, by file stem, with the exact text and its SHA-256."""
    articles = {}
    for path in sorted(articles_dir.glob("*.txt")):
        data = path.read_bytes()
        articles[path.stem] = Article(path.stem, path, data.decode("utf-8"), hashlib.sha256(data).hexdigest())
    return articles


def read_entities(entity_files: list[Path], problems: list[Problem]) -> dict[str, Entity]:
    """The entity registry from ``entity_files``; duplicate ids are reported in ``problems``."""
    entities: dict[str, Entity] = {}
    for path in entity_files:
        data = parse_located_yaml(path.read_text(encoding="utf-8"), path, problems)
        if data is None:
            continue
        items = data.get("entities") if isinstance(data, dict) else None
        if not isinstance(items, list):
            problems.append(Problem(path, getattr(data, "line", 1), "no 'entities:' list",
                                    "An entity file holds 'entities:' followed by a list of entities."))
            continue
        for index, item in enumerate(items):
            line = items.item_lines[index]
            model = _validate_item(EntitySchema, item, path, line, problems)
            if model is None:
                continue
            if model.id in entities:
                first = entities[model.id]
                problems.append(Problem(path, line, f"duplicate entity id '{model.id}'",
                                        f"It is already defined at {first.path}:{first.line}; "
                                        "merge the two entries or rename one."))
                continue
            entities[model.id] = Entity(model.id, model.type, model.label, tuple(model.aliases),
                                        model.description, path, line)
    return entities


def read_mapping(path: Path, problems: list[Problem]) -> ArticleMapping | None:
    """One article's mapping file, or None if it cannot be read at all."""
    data = parse_located_yaml(path.read_text(encoding="utf-8"), path, problems)
    if data is None:
        if not any(p.path == path for p in problems):
            problems.append(Problem(path, 1, "the mapping file is empty",
                                    "A mapping holds 'article:' and 'statements:'; see docs/mapping-format.md."))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(path, getattr(data, "line", 1), "a mapping file must be a YAML mapping",
                                "Start it with 'article:' and 'statements:'."))
        return None
    statements_data = data.get("statements") or []
    header = {k: v for k, v in data.items() if k != "statements"}
    try:
        header_model = MappingFileSchema.model_validate({**header, "statements": []})
    except ValidationError as exc:
        problems.extend(_schema_problems(exc, data, path, MappingFileSchema))
        header_model = None
    statements = []
    if not isinstance(statements_data, list):
        problems.append(Problem(path, data.key_lines.get("statements", 1), "'statements' must be a list",
                                "Write each statement as a '- subject: ...' item."))
        statements_data = []
    for index, item in enumerate(statements_data):
        model = _validate_item(StatementSchema, item, path, statements_data.item_lines[index], problems)
        if model is None:
            continue
        lines = dict(item.key_lines)
        statements.append(Statement(
            article_id=path.stem, subject=model.subject, predicate=model.predicate, object=model.object,
            quote=model.quote, speaker=model.speaker, date=model.date, place=model.place, event=model.event,
            role=model.role, involvement=model.involvement, modality=model.modality,
            path=path, line=statements_data.item_lines[index], lines=lines))
    if header_model is None:
        return None
    article = data["article"]
    meta = header_model.article

    def sourced(name):
        value = getattr(meta, name)
        if value is None:
            return None
        return SourcedValue(value.value, value.quote, article.key_lines.get(name, article.line))

    return ArticleMapping(
        article_id=path.stem, path=path, file=meta.file,
        file_line=article.key_lines.get("file", article.line), title=meta.title,
        title_line=article.key_lines.get("title", article.line),
        publisher=sourced("publisher"), date=sourced("date"), statements=tuple(statements))


def read_corpus(seeds_dir: Path | str) -> Corpus:
    """Read ``seeds_dir``: ``articles/*.txt``, ``entities/*.yaml`` and ``mapping/*.yaml``.

    Returns a :class:`Corpus` whose ``problems`` lists what could not be read; semantic checks
    (ids, predicates, quotes, dates) are :func:`graph_model.validate.validate_corpus`'s job.
    """
    seeds_dir = Path(seeds_dir)
    problems: list[Problem] = []
    for sub in (ARTICLES_DIR, ENTITIES_DIR, MAPPING_DIR):
        if not (seeds_dir / sub).is_dir():
            problems.append(Problem(seeds_dir / sub, None, "directory is missing",
                                    f"A seeds directory holds {ARTICLES_DIR}/, {ENTITIES_DIR}/ and {MAPPING_DIR}/; "
                                    "pass --seeds to point at one."))
    articles = read_articles(seeds_dir / ARTICLES_DIR) if (seeds_dir / ARTICLES_DIR).is_dir() else {}
    entity_files = sorted((seeds_dir / ENTITIES_DIR).glob("*.yaml"))
    entities = read_entities(entity_files, problems)
    mappings = []
    for path in sorted((seeds_dir / MAPPING_DIR).glob("*.yaml")):
        mapping = read_mapping(path, problems)
        if mapping is not None:
            mappings.append(mapping)
    return Corpus(seeds_dir, articles, entities, mappings, problems)
