"""The file format as pydantic models, and its errors as located problems.

:func:`validate_block` checks one YAML block (an entity, a statement, a mapping's header)
against its model and turns each pydantic error into a :class:`~graph_model.errors.Problem` at
the line of the offending key, worded for the person editing the file.
"""

from __future__ import annotations

import re
from typing import Annotated, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from .errors import Problem, did_you_mean, show_value
from .vocabulary import EntityType, Modality
from .yaml_reader import LocatedDict, LocatedList

MAX_ID_LENGTH = 64
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_RULE = (f"Ids are at most {MAX_ID_LENGTH} characters: lowercase letters and digits, with single '-' "
           "between them, e.g. 'osce-pa'.")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SHAPE_HINT = "See docs/mapping-format.md for the expected shape."
_BOOLEAN_WORDS = "yes, no, on, off, true and false"


def is_valid_id(value: str) -> bool:
    """True if ``value`` has the form of an entity id.

    >>> is_valid_id("osce-pa"), is_valid_id("OSCE"), is_valid_id("a--b"), is_valid_id("a" * 65)
    (True, False, False, False)
    """
    return len(value) <= MAX_ID_LENGTH and _ID.fullmatch(value) is not None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    noun: ClassVar[str] = "a block"


class AliasSchema(_Strict):
    """An alias: a plain name, or ``{value: Makej, lang: de}`` for a spelling of one language."""

    noun: ClassVar[str] = "an alias"
    value: str = Field(min_length=1)
    lang: str | None = None


def _alias_block(item):
    # A plain name is the block without a language, so both forms are one model and an error
    # in either is reported once (a union would report it against each form).
    return {"value": item} if isinstance(item, str) else item


class EntitySchema(_Strict):
    noun: ClassVar[str] = "an entity"
    id: str = Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)
    type: EntityType
    label: str = Field(min_length=1)
    aliases: list[Annotated[AliasSchema, BeforeValidator(_alias_block)]] = []
    description: str = ""


class SourcedValueSchema(_Strict):
    noun: ClassVar[str] = "a sourced value"
    value: str = Field(min_length=1)
    quote: str = Field(min_length=1)


def _own_quote(item):
    # A plain publisher is its own quote, as a title is: it must stand in the text as written.
    return {"value": item, "quote": item} if isinstance(item, str) else item


class ArticleSchema(_Strict):
    noun: ClassVar[str] = "the article block"
    file: str = Field(min_length=1)
    url: str | None = None  # checked in validation, so a bad one leaves the statements checked
    language: str | None = None  # likewise
    title: str | None = None
    publisher: Annotated[SourcedValueSchema | None, BeforeValidator(_own_quote)] = None
    date: SourcedValueSchema | None = None


class StatementSchema(_Strict):
    noun: ClassVar[str] = "a statement"
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
    occurrence: int | None = None  # its range depends on the article: checked in validation
    suggested: bool = False


class LeftOutSchema(_Strict):
    noun: ClassVar[str] = "a left-out passage"
    quote: str = Field(min_length=1)
    reason: str = Field(min_length=1)


class MappingFileSchema(_Strict):
    noun: ClassVar[str] = "a mapping file"
    article: ArticleSchema
    statements: list[StatementSchema] = []
    left_out: list[LeftOutSchema] = []


def validate_block(schema: type[BaseModel], item, path, line: int, problems: list[Problem]):
    """Validate one YAML block against ``schema``; problems go to ``problems``, returns the
    model or None.

    Unknown fields are reported and then ignored, so the rest of the block is still checked.
    """
    if isinstance(item, dict):
        known = {k: v for k, v in item.items() if k in schema.model_fields}
        for key in sorted(item.keys() - known.keys()):
            allowed = sorted(schema.model_fields)
            hint = f"{did_you_mean(key, allowed)} Allowed fields: {', '.join(allowed)}.".strip()
            problems.append(Problem(path, item.key_lines.get(key, line), f"unknown field {show_value(key)}", hint))
        if len(known) != len(item):
            located = LocatedDict(known)
            located.line, located.key_lines = item.line, item.key_lines
            item = located
    try:
        return schema.model_validate(item)
    except ValidationError as exc:
        problems.extend(schema_problems(exc, item, path, schema, line))
        return None


def schema_problems(exc: ValidationError, data, path, schema: type[BaseModel],
                    default_line: int = 1) -> list[Problem]:
    """One located problem per error in ``exc``, raised validating ``data`` against ``schema``."""
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        line = _line_at(data, loc, default_line)
        message, hint = _explain(error, loc, schema)
        problems.append(Problem(path, line, message, hint))
    return problems


def _explain(error, loc: tuple, schema: type[BaseModel]) -> tuple[str, str]:
    """(message, hint) for one pydantic error."""
    kind, given = error["type"], error.get("input")
    fields = [part for part in loc if isinstance(part, str)]
    name = fields[-1] if fields else ""
    if not loc:
        what = schema.noun
    else:
        what = f"'{name}'" + (f" item {loc[-1] + 1}" if isinstance(loc[-1], int) else "")
    if kind == "extra_forbidden":
        parent = _schema_at(schema, loc[:-1])
        allowed = sorted(parent.model_fields) if parent else []
        return (f"unknown field {show_value(name)}",
                f"{did_you_mean(name, allowed)} Allowed fields: {', '.join(allowed)}.".strip())
    if kind == "missing":
        return f"missing field '{name}'", f"Add '{name}:' to this block."
    if loc[:1] == ("aliases",) and len(loc) == 2 and kind in ("model_type", "model_attributes_type", "dict_type"):
        hint = (f"Put it in quotes: unquoted, {_BOOLEAN_WORDS} mean true or false." if isinstance(given, bool)
                else "Write the name as text, or as {value: Makej, lang: de} for a spelling in one language.")
        return f"'aliases' item {loc[1] + 1} must be a name, not {_describe(given)}", hint
    if loc[:1] == ("aliases",) and len(loc) == 3:
        what = f"'aliases' item {loc[1] + 1}" + ("" if name == "value" else f" '{name}'")
    if _schema_at(schema, loc) is SourcedValueSchema and kind in ("model_type", "model_attributes_type", "dict_type"):
        shown = show_value(given) if isinstance(given, str) else "..."
        return (f"{what} must be {{value: ..., quote: ...}}, not {_describe(given)}",
                f'Write {name}: {{value: {shown}, quote: "..."}} with the words of the article that give it.')
    if given is None or kind == "string_too_short":
        return f"{what} is empty", (f"Give {what} a value or remove the line." if loc else "Fill it in or remove it.")
    if name == "id" and kind in ("string_pattern_mismatch", "string_too_long"):
        return f"id {show_value(given)} is not a valid id", ID_RULE
    if kind == "enum":
        choices = [m.value for m in _enum_for(name)]
        return (f"{show_value(given)} is not an allowed {name}",
                (did_you_mean(str(given), choices) + f" Allowed: {', '.join(choices)}.").strip())
    if kind == "string_type":
        hint = (f"Put it in quotes: unquoted, {_BOOLEAN_WORDS} mean true or false."
                if isinstance(given, bool) else "Write it as text on the same line.")
        return f"{what} must be text, not {_describe(given)}", hint
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{what} must be a whole number, not {_describe(given)}", f"Write e.g. '{name}: 2'."
    if kind in ("bool_parsing", "bool_type"):
        return f"{what} must be true or false, not {_describe(given)}", f"Write '{name}: true' or remove the line."
    if kind == "list_type":
        return f"{what} must be a list, not {_describe(given)}", "Write each item on its own line as '- item'."
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        block = _schema_at(schema, loc) or schema
        return (f"{what} must be a block of fields, not {_describe(given)}",
                f"Write it with the fields {', '.join(sorted(block.model_fields))} (docs/mapping-format.md).")
    return f"{'.'.join(str(p) for p in loc) or 'block'}: {error['msg']}", _SHAPE_HINT


def _describe(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a block of fields"
    if isinstance(value, list):
        return "a list"
    return f"the text {show_value(value, limit=30)}"


def _line_at(data, loc: tuple, default_line: int = 1) -> int:
    """The line of the value at pydantic location ``loc`` in located YAML data."""
    line = getattr(data, "line", default_line)
    current = data
    for part in loc:
        if isinstance(current, LocatedDict) and part in current:
            line = current.key_lines.get(part, line)
            current = current[part]
        elif isinstance(current, LocatedList) and isinstance(part, int) and part < len(current):
            line = current.item_lines[part]
            current = current[part]
        else:
            break
    return line


def _schema_at(schema: type[BaseModel], loc: tuple):
    """The model a location points into, or None if it points at a plain value."""
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
