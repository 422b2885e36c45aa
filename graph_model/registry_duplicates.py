"""Entities of the registry that are likely one and the same, each pair with its reasons.

Names are an entity's label and every alias (in every language). A pair is reported for any of:

* ``same name``: two names equal under the one lookup rule (:func:`~graph_model.lookup.name_key`:
  case, accents, spacing): "Kent Harstedt" / "Kent Härstedt". A text naming either is then
  ambiguous for every command. (``kg validate`` compares names case-blind only.)
* ``same transliteration``: equal under :func:`~graph_model.mentions.match_key`, which takes any
  script to ASCII and merges the spelling variants transliteration makes (x/ks, sch/sh, j/y/i,
  w/v, doubled letters): "Lukaschenko" / "Lukashenko", "Макей" / "Makei". Plain anyascii of the
  name key would not merge the first pair.
* ``similar names``: a rapidfuzz ratio of at least :data:`SIMILAR_NAMES` (0-100) between the
  match keys of two names of at least :data:`MIN_SIMILAR_LENGTH` characters that hold the same
  numbers: "Aleksandr Lukashenko" / "Alexander Lukashenko" score 98. At 90 the closest pairs of
  different entities in the seeds stay apart: "integration processes" / "migration processes"
  (89.5), "Helsinki process" / "new Helsinki process" (88). Names that differ in a number
  ("26th OSCE PA session" / "27th ...", "Helsinki-2 process" / "Helsinki process", 94) are
  different things, however alike.
* ``acronym``: a name in capitals is the initials of another's name of two or more words, a
  word in capitals kept whole and short function words skipped or not: "OSCE PA" / "OSCE
  Parliamentary Assembly", "CSTO" / "Collective Security Treaty Organization".
* ``same description``: equal non-empty descriptions under the name key.

Every pair of names is compared (rapidfuzz in C++): about a second for 10,000 names.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from .lookup import name_key
from .mentions import match_key
from .registry import EntityRecord, entity_records, read_registry

SIMILAR_NAMES = 90.0
MIN_SIMILAR_LENGTH = 5
_FUNCTION_WORDS = frozenset("a an and at de der des die du for in of on the to und von".split())
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Reason:
    kind: str  # "same name", "same transliteration", "similar names", "acronym", "same description"
    first: str  # the name (or description) of the first entity that matched
    second: str  # ... and of the second
    score: float = 100.0


@dataclass(frozen=True)
class DuplicatePair:
    """Two entities (``first`` < ``second`` by id) that are likely one, and why."""

    first: EntityRecord
    second: EntityRecord
    reasons: tuple[Reason, ...]

    @property
    def merge_command(self) -> str | None:
        """``kg merge`` folding the less used entity into the more used one; None if their types
        differ (merge refuses that)."""
        if self.first.type != self.second.type:
            return None
        keep, drop = sorted((self.first, self.second), key=lambda r: (-r.statements, r.id))
        return f"kg merge {drop.id} INTO {keep.id}"


def find_duplicate_entities(seeds_dir: Path | str) -> list[DuplicatePair]:
    """The likely duplicates of the registry of ``seeds_dir``, strongest reason first.

    Raises ValidationFailed when the registry cannot be read whole.
    """
    return find_duplicates(entity_records(read_registry(seeds_dir)))


def find_duplicates(records: list[EntityRecord]) -> list[DuplicatePair]:
    """The likely duplicates among ``records``; see the module docstring for the rules.

    >>> from graph_model.registry import EntityRecord, Alias
    >>> def entity(i, label, *aliases):
    ...     return EntityRecord(i, "Person", label, tuple(map(Alias, aliases)), "", 0, 0, Path("e.yaml"), 1)
    >>> pairs = find_duplicates([entity("a", "Alexander Lukashenko"), entity("b", "Aleksandr Lukashenko"),
    ...                          entity("c", "Lukaschenko"), entity("d", "Lukashenko")])
    >>> [(p.first.id, p.second.id, p.reasons[0].kind) for p in pairs]
    [('c', 'd', 'same transliteration'), ('a', 'b', 'similar names')]
    """
    found: dict[tuple[str, str], list[Reason]] = {}
    by_id = {record.id: record for record in records}

    def add(first: str, second: str, reason: Reason) -> None:
        if first == second:
            return
        if first > second:
            first, second = second, first
            reason = Reason(reason.kind, reason.second, reason.first, reason.score)
        reasons = found.setdefault((first, second), [])
        if all(r.kind != reason.kind for r in reasons):  # the first (best) example of each kind
            reasons.append(reason)

    names = [(record.id, name) for record in records for name in dict.fromkeys(record.names)]
    for kind, key_of in (("same name", name_key), ("same transliteration", match_key)):
        groups: dict[str, list[tuple[str, str]]] = {}
        for entity_id, name in names:
            groups.setdefault(key_of(name), []).append((entity_id, name))
        for key, members in groups.items():
            for index, (first, first_name) in enumerate(members):
                for second, second_name in members[index + 1:]:
                    if key and (kind == "same name" or name_key(first_name) != name_key(second_name)):
                        add(first, second, Reason(kind, first_name, second_name))
    _similar_names(names, add)
    _acronyms(names, add)
    descriptions: dict[str, list[EntityRecord]] = {}
    for record in records:
        if name_key(record.description):
            descriptions.setdefault(name_key(record.description), []).append(record)
    for group in descriptions.values():
        for index, first in enumerate(group):
            for second in group[index + 1:]:
                add(first.id, second.id, Reason("same description", first.description, second.description))
    order = ["same name", "same transliteration", "acronym", "similar names", "same description"]
    pairs = [DuplicatePair(by_id[a], by_id[b], tuple(sorted(reasons, key=lambda r: order.index(r.kind))))
             for (a, b), reasons in found.items()]
    return sorted(pairs, key=lambda p: (order.index(p.reasons[0].kind), -p.reasons[0].score, p.first.id, p.second.id))


def _similar_names(names: list[tuple[str, str]], add) -> None:
    keys = [match_key(name) for _, name in names]
    for index, key in enumerate(keys):
        if len(key) < MIN_SIMILAR_LENGTH:
            continue
        later = keys[index + 1:]
        for _, score, offset in process.extract(key, later, scorer=fuzz.ratio, score_cutoff=SIMILAR_NAMES,
                                                limit=None):
            other = index + 1 + offset
            if len(keys[other]) >= MIN_SIMILAR_LENGTH and key != keys[other] \
                    and _NUMBER.findall(key) == _NUMBER.findall(keys[other]):
                add(names[index][0], names[other][0], Reason("similar names", names[index][1], names[other][1],
                                                             round(score, 1)))


def acronyms_of(name: str) -> set[str]:
    """The initials ``name`` may be written as (none for a single word).

    >>> sorted(acronyms_of("OSCE Parliamentary Assembly")), sorted(acronyms_of("Partnership for Peace"))
    (['OSCEPA'], ['PFP', 'PP'])
    """
    words = _WORD.findall(name)
    if len(words) < 2:
        return set()

    def initials(skip: bool) -> str:
        return "".join(w if w.isupper() and len(w) > 1 else w[0].upper()
                       for w in words if not (skip and w.lower() in _FUNCTION_WORDS))

    return {initials(True), initials(False)} - {""}


def _compact_acronym(name: str) -> str | None:
    """``name`` as bare capitals if it reads as an acronym ("OSCE PA", "PfP", "U.N."), else None."""
    compact = "".join(_WORD.findall(name)).replace("-", "").replace("'", "").replace("’", "")
    upper = sum(char.isupper() for char in compact)
    if len(compact) < 2 or upper < 2 or upper < len(compact) - upper or not compact.isalnum():
        return None
    return compact.upper()


def _acronyms(names: list[tuple[str, str]], add) -> None:
    expansions: dict[str, list[tuple[str, str]]] = {}
    for entity_id, name in names:
        for acronym in acronyms_of(name):
            expansions.setdefault(acronym, []).append((entity_id, name))
    for entity_id, name in names:
        compact = _compact_acronym(name)
        for other_id, other_name in expansions.get(compact, []) if compact else []:
            add(entity_id, other_id, Reason("acronym", name, other_name))


def duplicates_data(pairs: list[DuplicatePair]) -> list[dict]:
    return [{"first": {"id": p.first.id, "type": p.first.type, "label": p.first.label, "statements": p.first.statements},
             "second": {"id": p.second.id, "type": p.second.type, "label": p.second.label,
                        "statements": p.second.statements},
             "reasons": [{"kind": r.kind, "first": r.first, "second": r.second, "score": r.score} for r in p.reasons],
             "merge": p.merge_command} for p in pairs]


def format_duplicates(pairs: list[DuplicatePair], *, as_json: bool = False) -> str:
    """One block per pair: the two entities, each reason, and the merge command; or JSON."""
    if as_json:
        return json.dumps({"duplicates": duplicates_data(pairs)}, ensure_ascii=False, indent=2)
    if not pairs:
        return "No likely duplicates."
    lines = []
    for pair in pairs:
        lines.append(f"{pair.first.id} ({_used(pair.first)})  ~  {pair.second.id} ({_used(pair.second)})")
        for reason in pair.reasons:
            score = f" ({reason.score:g})" if reason.kind == "similar names" else ""
            lines.append(f"  {reason.kind}{score}: {_short(reason.first)!r} / {_short(reason.second)!r}")
        if pair.merge_command is None:
            lines.append("  types differ: kg merge does not merge them")
        elif {r.kind for r in pair.reasons} == {"same description"}:
            lines.append(f"  to merge: {pair.merge_command} (if one; if not, say in each description what tells them apart)")
        else:
            lines.append(f"  to merge: {pair.merge_command}")
    lines.append(f"({len(pairs)} pair{'s' if len(pairs) != 1 else ''}; merge only what the articles show to be one)")
    return "\n".join(lines)


def _used(record: EntityRecord) -> str:
    return f"{record.type}, {record.statements} statement{'' if record.statements == 1 else 's'}"


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"
