"""Checks of the entity registry as a whole: names shared by two entities (a problem), names
two entities nearly share (a warning: perhaps one entity entered twice), the languages of
aliases, and entities no statement uses (a warning: the normal state while an article is being
curated, its entities written before its statements).
"""

from __future__ import annotations

import unicodedata

from .corpus import Corpus, Entity
from .errors import Problem, show_value
from .languages import LanguageTagError, check_language_tag


def same_name_key(name: str) -> str:
    """Two names with this key are one name: equal once Unicode-normalised (NFC: "a" plus a
    combining diaeresis is "ä"), case-folded, with white space collapsed.

    >>> same_name_key("Kent  Ha\\u0308rstedt") == same_name_key("KENT HÄRSTEDT"), same_name_key("Harstedt")
    (True, 'harstedt')
    """
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def near_name_key(name: str) -> str:
    """Two names with this key may name one entity: the key under which running text is
    matched to entities (:func:`graph_model.mentions.match_key`: transliterated, accents and
    spelling variants of transliteration merged, so "Kent Härstedt" and "Kent Harstedt",
    "Lukaschenko" and "Lukashenko" share it)."""
    from .mentions import match_key

    return match_key(name)


def check_names(corpus: Corpus, problems: list[Problem], warnings: list[Problem]) -> None:
    """A name (label or alias) of two entities is a problem: it would find both. Names two
    entities share under :func:`near_name_key` are a warning, once per pair, at the later entry."""
    owner: dict[str, str] = {}
    near: dict[str, tuple[str, str]] = {}  # near key -> (entity id, name) that first had it
    warned: set[tuple[str, str]] = set()
    for entity in corpus.entities.values():
        for name in dict.fromkeys((entity.label, *entity.aliases)):
            key = same_name_key(name)
            if key in owner and owner[key] != entity.id:
                other = corpus.entities[owner[key]]
                problems.append(Problem(
                    entity.path, entity.line, f"name {show_value(name)} of '{entity.id}' also names '{other.id}'",
                    f"A name must find one entity; keep it on one of them ({other.path}:{other.line})."))
                warned.add((other.id, entity.id))
            owner.setdefault(key, entity.id)
        for name in dict.fromkeys((entity.label, *entity.aliases)):
            key = near_name_key(name)
            if not key.strip():  # a name of punctuation alone: no spelling to compare
                continue
            first = near.setdefault(key, (entity.id, name))
            if first[0] != entity.id and (first[0], entity.id) not in warned:
                warned.add((first[0], entity.id))
                warnings.append(_near_duplicate(corpus.entities[first[0]], first[1], entity, name))


def _near_duplicate(first: Entity, first_name: str, second: Entity, name: str) -> Problem:
    return Problem(
        second.path, second.line,
        f"entity '{second.id}' ({show_value(name)}) may be the same as '{first.id}' ({show_value(first_name)}, "
        f"{first.path}:{first.line}): their names differ only in accents or transliteration",
        "If they are one, merge the two entries and keep both spellings as aliases; if they are two, "
        "nothing needs doing.")


def check_alias_languages(corpus: Corpus, problems: list[Problem]) -> None:
    """Each alias given with a language names a language BCP 47 and CLDR know."""
    for entity in corpus.entities.values():
        for alias in entity.tagged_aliases:
            try:
                check_language_tag(alias.lang)
            except LanguageTagError as exc:
                problems.append(Problem(entity.path, alias.line,
                                        f"alias {show_value(alias.value)} of '{entity.id}': language {exc}", exc.hint))


def check_unused_entities(corpus: Corpus, warnings: list[Problem]) -> None:
    """An entity no statement mentions would float alone in the graph, unsupported by any quote;
    while an article is being curated that is the normal state of its new entities, so it is a
    warning."""
    used = {value for mapping in corpus.mappings for s in mapping.statements
            for value in (s.subject, s.object, s.speaker, s.place, s.event)}
    for entity in corpus.entities.values():
        if entity.id not in used:
            warnings.append(Problem(
                entity.path, entity.line, f"entity '{entity.id}' is used by no statement",
                "Add a statement that mentions it (with its quote), or remove it from the registry."))
