"""The entity registry as records: who is in it, how much each entity is used, and search.

:func:`list_entities` returns one :class:`EntityRecord` per entity of a seeds folder (id, type,
label, aliases, the statements and articles that name it), optionally only those of one type or
those a search text finds. The search is tolerant, in this order (the first that holds wins):

1. ``name``: the one lookup rule (:mod:`graph_model.lookup`): the id, or a name equal under
   :func:`~graph_model.lookup.name_key` (case, accents, spacing);
2. ``transliteration``: equal under :func:`~graph_model.mentions.match_key` (any script to ASCII
   by anyascii, then the spelling variants of transliteration merged: "Лукашенко",
   "Lukaschenko" and "Lukashenko" are one key);
3. ``contains``: the text starts a word of a name or of the id, under either key ("helsinki"),
   scored by the share of the name it covers;
4. ``similar``: a rapidfuzz ratio of at least :data:`SEARCH_SIMILARITY` between the match keys
   of the text and of a name, or of a run of as many consecutive words of the name as the text
   has ("Lukashenka" finds "Alexander Lukashenko").

Aliases are read in every language they are given in: a plain string, or ``{value, lang}``.
Duplicates are :mod:`graph_model.registry_duplicates`, renaming and merging
:mod:`graph_model.registry_edit`.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from .corpus import ENTITIES_DIR, Corpus, read_corpus
from .errors import UsageError, ValidationFailed, show_value
from .lookup import name_key
from .mentions import match_key
from .validate import QUALIFIER_TYPES
from .vocabulary import EntityType

# Every statement field that holds an entity id (the qualifiers come from validation's table,
# so a new qualifier field is counted, renamed and merged too). 'involvement' and 'role' are
# the article's words, not ids.
ID_FIELDS = ("subject", "object", *QUALIFIER_TYPES)
SEARCH_SIMILARITY = 80.0  # rapidfuzz ratio, 0-100: "lukashenka" ~ "lukashenko" is 90
_MIN_CONTAINED = 3  # shorter texts start a word in nearly every name


class MatchKind(enum.Enum):
    """How a search text found an entity, strongest first."""

    NAME = "name"
    TRANSLITERATION = "transliteration"
    CONTAINS = "contains"
    SIMILAR = "similar"


@dataclass(frozen=True)
class SearchMatch:
    kind: MatchKind
    name: str  # the id, label or alias that matched
    score: float  # 100 for the exact kinds; the rapidfuzz ratio for SIMILAR


@dataclass(frozen=True)
class Alias:
    value: str
    lang: str | None = None


@dataclass(frozen=True)
class EntityRecord:
    id: str
    type: str
    label: str
    aliases: tuple[Alias, ...]
    description: str
    statements: int  # statements naming it in any id field
    articles: int  # articles with such a statement
    path: Path
    line: int
    match: SearchMatch | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *(alias.value for alias in self.aliases))


def read_alias(alias) -> Alias:
    """An alias of the registry in either form: a plain string, or ``{value, lang}`` (as a
    mapping or as an object with those attributes).

    >>> read_alias("Makei"), read_alias({"value": "Makej", "lang": "de"})
    (Alias(value='Makei', lang=None), Alias(value='Makej', lang='de'))
    """
    if isinstance(alias, str):
        return Alias(alias)
    if isinstance(alias, dict):
        return Alias(str(alias.get("value", "")), alias.get("lang"))
    return Alias(str(getattr(alias, "value", alias)), getattr(alias, "lang", None))


def read_registry(seeds_dir: Path | str) -> Corpus:
    """The corpus of ``seeds_dir``, once any interrupted rename or merge is completed or undone.

    Raises ValidationFailed when part of the registry cannot be read: a listing, a duplicate
    check or a rename that silently skipped an entity file would mislead.
    """
    from .file_transaction import recover

    recover(seeds_dir)
    corpus = read_corpus(seeds_dir)
    if not corpus.registry_complete:
        entities_dir = Path(seeds_dir) / ENTITIES_DIR
        blocking = [p for p in corpus.problems
                    if Path(p.path) in (Path(seeds_dir), entities_dir) or Path(p.path).parent == entities_dir]
        raise ValidationFailed(blocking or corpus.problems)
    return corpus


def entity_records(corpus: Corpus) -> list[EntityRecord]:
    """One record per entity of ``corpus``, by id."""
    statements: dict[str, int] = {}
    articles: dict[str, set[str]] = {}
    for mapping in corpus.mappings:
        for statement in mapping.statements:
            for entity_id in {getattr(statement, name) for name in ID_FIELDS} - {None}:
                statements[entity_id] = statements.get(entity_id, 0) + 1
                articles.setdefault(entity_id, set()).add(mapping.article_id)
    return [EntityRecord(e.id, getattr(e.type, "value", str(e.type)), e.label, entity_aliases(e), e.description,
                         statements.get(e.id, 0), len(articles.get(e.id, ())), e.path, e.line)
            for e in sorted(corpus.entities.values(), key=lambda e: e.id)]


def entity_aliases(entity) -> tuple[Alias, ...]:
    """The aliases of a corpus entity with their languages: the corpus keeps every spelling in
    ``aliases`` and the language-tagged ones again in ``tagged_aliases``."""
    langs: dict[str, str] = {}
    for tagged in getattr(entity, "tagged_aliases", ()):
        alias = read_alias(tagged)
        langs.setdefault(alias.value, alias.lang)
    return tuple(Alias(alias.value, alias.lang or langs.get(alias.value)) for alias in map(read_alias, entity.aliases))


def list_entities(seeds_dir: Path | str, *, entity_type: str | None = None,
                  search: str | None = None) -> list[EntityRecord]:
    """The entities of ``seeds_dir``: all, by id; with ``search``, those it finds, best first.

    Raises UsageError for an unknown type or an empty search, ValidationFailed when the registry
    cannot be read whole. ``list_entities("seeds", search="Lukaschenko")`` finds ``lukashenko``
    by transliteration.
    """
    if entity_type is not None:
        types = {t.value.lower(): t.value for t in EntityType}
        if entity_type.lower() not in types:
            raise UsageError(f"unknown type {show_value(entity_type)}.", f"Use one of: {', '.join(types.values())}.")
        entity_type = types[entity_type.lower()]
    if search is not None and not name_key(search):
        raise UsageError("--search needs some text.", "Pass an id, a name or part of one, e.g. --search lukashenko.")
    records = entity_records(read_registry(seeds_dir))
    if entity_type is not None:
        records = [r for r in records if r.type == entity_type]
    if search is None:
        return records
    found = []
    for record in records:
        match = match_entity(search, record.id, record.names)
        if match is not None:
            found.append(dataclasses.replace(record, match=match))
    order = list(MatchKind)
    return sorted(found, key=lambda r: (order.index(r.match.kind), -r.match.score, r.id))


def match_entity(text: str, entity_id: str, names) -> SearchMatch | None:
    """How ``text`` finds the entity ``entity_id`` with ``names`` (label and alias values), or
    None; see the module docstring for the four kinds.

    >>> match_entity("Лукашенко", "lukashenko", ["Alexander Lukashenko", "Lukashenko"]).kind
    <MatchKind.TRANSLITERATION: 'transliteration'>
    >>> match_entity("Aleksandr Lukaschenka", "lukashenko", ["Alexander Lukashenko"]).kind
    <MatchKind.SIMILAR: 'similar'>
    """
    key, folded = name_key(text), match_key(text)
    if text == entity_id or any(name_key(name) == key for name in names):
        return SearchMatch(MatchKind.NAME, text if text == entity_id else _first(names, key, name_key), 100.0)
    if folded and any(match_key(name) == folded for name in names):
        return SearchMatch(MatchKind.TRANSLITERATION, _first(names, folded, match_key), 100.0)
    contained = [(round(100 * len(part) / len(whole), 1), name) for name in (entity_id, *names)
                 for part, whole in ((key, name_key(name)), (folded, match_key(name)))
                 if len(part) >= _MIN_CONTAINED and _starts_a_word_in(part, whole)]
    if contained:
        score, name = max(contained, key=lambda pair: (pair[0], -len(pair[1])))
        return SearchMatch(MatchKind.CONTAINS, name, score)
    best: tuple[float, str] = (0.0, "")
    width = len(folded.split())
    for name in names:
        words = match_key(name).split()
        runs = {" ".join(words)} | {" ".join(words[i:i + width]) for i in range(max(1, len(words) - width + 1))}
        score = max(fuzz.ratio(folded, run) for run in runs)
        if score > best[0]:  # on a tie the earlier name, the label first
            best = (score, name)
    if best[0] >= SEARCH_SIMILARITY:
        return SearchMatch(MatchKind.SIMILAR, best[1], round(best[0], 1))
    return None


def _starts_a_word_in(part: str, whole: str) -> bool:
    """``part`` occurs in ``whole`` from the start of a word: "helsinki" in "on helsinki-2",
    not "ara" in "paragraph"."""
    return re.search(r"(?<![^\W_])" + re.escape(part), whole) is not None


def _first(names, key: str, key_of) -> str:
    return next(name for name in names if key_of(name) == key)


def entity_data(record: EntityRecord) -> dict:
    """``record`` as JSON-ready data; aliases as in the files: a string, or ``{value, lang}``."""
    data = {"id": record.id, "type": record.type, "label": record.label,
            "aliases": [a.value if a.lang is None else {"value": a.value, "lang": a.lang} for a in record.aliases],
            "description": record.description, "statements": record.statements, "articles": record.articles,
            "file": str(record.path), "line": record.line}
    if record.match is not None:
        data["match"] = {"kind": record.match.kind.value, "name": record.match.name, "score": record.match.score}
    return data


def format_entities(records: list[EntityRecord], *, as_json: bool = False, width: int = 40) -> str:
    """A table (labels and aliases cut to ``width`` characters) or, with ``as_json``, every field."""
    if as_json:
        return json.dumps({"entities": [entity_data(r) for r in records]}, ensure_ascii=False, indent=2)
    header = ["id", "type", "label", "aliases", "statements", "articles"]
    searched = any(r.match is not None for r in records)
    if searched:
        header.append("found by")
    rows = []
    for r in records:
        aliases = "; ".join(a.value if a.lang is None else f"{a.value} ({a.lang})" for a in r.aliases)
        row = [r.id, r.type, _cut(r.label, width), _cut(aliases, width), str(r.statements), str(r.articles)]
        if searched:
            row.append(f"{r.match.kind.value}: {_cut(r.match.name, width)}")
        rows.append(row)
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(header)]
    numeric = {4, 5}
    lines = ["  ".join(h.rjust(w) if i in numeric else h.ljust(w) for i, (h, w) in enumerate(zip(header, widths))).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()
              for row in rows]
    lines.append(f"({len(rows)} entit{'y' if len(rows) == 1 else 'ies'}; --json gives every name whole, and the descriptions)")
    return "\n".join(lines)


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"
