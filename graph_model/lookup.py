r"""The one rule that says which entity a text names, shared by every command and the page.

A text names an entity if it equals the entity's id exactly; otherwise if its :func:`name_key`
equals the name key of the entity's label or of one of its aliases. The name key is the text
in Unicode NFKD with the combining marks (category Mn) dropped, lower-cased, with every run of
white space made one space, stripped: "Lukašenko", "LUKASENKO" and " lukasenko " share a key
("Ł", which NFKD does not decompose, stays a different letter from "L").

The graph page computes the same key in JavaScript::

    s.normalize('NFKD').replace(/\p{Mn}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim()

which is why white space here is JavaScript's ``\s``, not Python's (they differ on a few
control characters and U+FEFF), and why the key is lower-cased, not case-folded ("ß" stays).

:func:`find_entity_id` applies the rule to an ``{id: names}`` mapping (the networkx projection,
the page's data); :func:`find_store_entity_id` to a store, where an id is one index lookup.
More than one entity, or none, raises UsageError.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping

from .errors import UsageError

# JavaScript's \s (ECMAScript WhiteSpace and LineTerminator), so both sides split alike.
_JS_WHITESPACE = re.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+")


def name_key(text: str) -> str:
    """The form two names must share to name the same entity.

    >>> name_key("  Lukašenko\\u00a0 HELSINKI-2 ")
    'lukasenko helsinki-2'
    >>> name_key("Zürich") == name_key("ZURICH")
    True
    """
    decomposed = unicodedata.normalize("NFKD", text)
    if not decomposed.isascii():  # ASCII has no marks: skip the per-character look-up (most names)
        decomposed = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    # After collapsing, any leading or trailing run is one plain space: strip(" ") is JS trim().
    return _JS_WHITESPACE.sub(" ", decomposed.lower()).strip(" ")


def match_entity_ids(names: Mapping[str, Iterable[str]], text: str) -> list[str]:
    """The ids of every entity ``text`` names under the rule, sorted (empty if none).

    ``names`` maps each entity id to its label and aliases.

    >>> names = {"helsinki-2": ["Helsinki-2", "new Helsinki process"], "osce": ["OSCE"]}
    >>> match_entity_ids(names, "NEW  helsinki process")
    ['helsinki-2']
    """
    if text in names:
        return [text]
    key = name_key(text)
    return sorted(entity_id for entity_id, entity_names in names.items()
                  if any(name_key(name) == key for name in entity_names))


def find_entity_id(names: Mapping[str, Iterable[str]], text: str) -> str:
    """The id of the one entity ``text`` names; ``names`` maps each id to its label and aliases.

    Raises UsageError listing the ids when several entities match, or naming the closest ids
    and names when none does.

    >>> names = {"lukashenko": ["Alexander Lukashenko", "Lukashenko"], "nato": ["NATO"]}
    >>> find_entity_id(names, "alexander  LUKASHENKO")
    'lukashenko'
    >>> find_entity_id(names, "natoo")
    Traceback (most recent call last):
    ...
    graph_model.errors.UsageError: no entity named 'natoo'. Did you mean 'nato'?
    """
    names = {entity_id: list(entity_names) for entity_id, entity_names in names.items()}
    ids = match_entity_ids(names, text)
    if len(ids) == 1:
        return ids[0]
    if ids:
        raise UsageError(f"'{text}' names several entities: {', '.join(ids)}.", "Pass one of the ids instead.")
    raise UsageError(f"no entity named '{text}'.", suggest_names(names, text))


def suggest_names(names: Mapping[str, Iterable[str]], text: str, *, limit: int = 3) -> str:
    """A "Did you mean" hint naming the ids and names closest to ``text`` (compared by name key).

    >>> suggest_names({"osce": ["OSCE", "Organization for Security and Co-operation in Europe"]}, "osse")
    "Did you mean 'osce'?"
    """
    by_key: dict[str, str] = {}
    for entity_id in sorted(names):
        by_key.setdefault(name_key(entity_id), entity_id)  # an id is the clearest thing to suggest
    for entity_id in sorted(names):
        for name in sorted(names[entity_id]):  # sorted: a store returns names in no set order
            by_key.setdefault(name_key(name), name)
    close = difflib.get_close_matches(name_key(text), by_key, n=limit, cutoff=0.6)
    if not close:
        return "Pass an entity's id, label or alias; 'kg stats' shows what the graph holds."
    return "Did you mean " + " or ".join(f"'{by_key[key]}'" for key in close) + "?"


def graph_names(graph) -> dict[str, list[str]]:
    """``{id: [label, *aliases]}`` of a networkx projection (see :func:`graph_model.project.project_graph`)."""
    return {node: [data.get("label") or node, *data.get("aliases", [])] for node, data in graph.nodes(data=True)}


def find_graph_entity_id(graph, text: str) -> str:
    """The node of the networkx projection that ``text`` names; see :func:`find_entity_id`."""
    if text in graph:  # the common case (ids from links and defaults) without building the names
        return text
    return find_entity_id(graph_names(graph), text)


def store_names(store) -> dict[str, list[str]]:
    """``{id: [label, *aliases]}`` of every entity in ``store`` (one scan)."""
    from .queries import read_internal_query

    names: dict[str, list[str]] = {}
    for solution in store.query(read_internal_query("entity-names")):
        names.setdefault(solution["id"].value, []).append(solution["n"].value)
    return names


def find_store_entity_id(store, text: str) -> str:
    """The id of the entity in ``store`` that ``text`` names; see :func:`find_entity_id`.

    An id is one index lookup. A name needs every entity's names, as SPARQL cannot compute the
    name key (NFKD, dropping accents): one scan, on the ids and names the rule compares anyway.
    """
    import pyoxigraph as ox

    from .queries import read_internal_query

    if any(True for _ in store.query(read_internal_query("entity-by-id"), bindings={"id": ox.Literal(text)})):
        return text
    return find_entity_id(store_names(store), text)
