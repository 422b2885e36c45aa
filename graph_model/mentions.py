"""Find where an article names the entities of the registry, with code-point offsets.

The rule of :mod:`graph_model.lookup` (a text names an entity if its ``name_key`` equals the key
of the entity's label or of an alias) is exact: it serves ids typed on a command line. Running
text spells the same names more loosely, so here each name and the text are folded to a
*match key*, a coarser form of ``name_key`` (names equal under ``name_key`` are equal here too):

* every character transliterated to ASCII (anyascii): accents go, "Лукашенко" is "lukashenko";
* typographic quotes and apostrophes become ASCII; dashes, hyphens and white space one space;
  a word hyphenated at a line break ("Lukash-\\nenko") is joined;
* spelling variants of transliteration are merged: x/ks, w/v, j/y/i, sch/sh, tsch/ch, ph/f,
  ä/ae, doubled letters ("Aleksander" = "Alexander", "Lukaschenko" = "Lukashenko").

An Aho–Corasick automaton (pyahocorasick) over the keys of every label and alias finds all
occurrences in one pass over the folded text; an occurrence counts when it starts at a word
boundary and ends at one, or before a possessive ("Lukashenko's", "Belarus'": not part of the
mention) or an inflection ("Lukaschenkos"; for states and places also demonyms such as
"Belarusian", "Chinese": part of the mention). The longest occurrence wins where they overlap.
A capitalised name that is no key but is close to one ("Aleksandr Lukaschenka" for "Alexander
Lukashenko") is a mention too, scored by rapidfuzz. Offsets map back to the original text
through the fold, so ``text[start:end]`` is always the words the article wrote.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick
from anyascii import anyascii
from rapidfuzz import fuzz, process

from .sentences import Span, iter_name_spans

# Rewrites that merge the spellings transliteration produces; longest first, applied in one
# left-to-right pass. Both the names and the text go through them, so they only ever merge.
_REWRITES = {"tsch": "ch", "sch": "sh", "x": "ks", "ph": "f", "w": "v", "ck": "k", "kh": "h",
             "ae": "a", "oe": "o", "ue": "u", "y": "i", "j": "i"}
_REWRITE = re.compile("|".join(sorted(_REWRITES, key=len, reverse=True)))
_DOUBLED = re.compile(r"([a-z])\1+")
# A hyphen at a line break between letters, with the next line going on in lower case.
_LINE_HYPHEN = re.compile(r"(?<=[^\W\d_])[-\u00ad\u2010\u2011][ \t]*\r?\n\s*(?=[^\W\d_])")
# Inflections that stay part of the mention: plural and genitive ("Lukaschenkos", "NATOs"),
# German weak endings; for states and places also demonyms ("Belarusian", "Russian",
# "Chinese" from "Chin(a)", "belarussische").
_INFLECTIONS = ("s", "es", "n", "en", "ns")
_DEMONYMS = ("n", "an", "ian", "ians", "ns", "ans", "ese", "ish", "i", "ic",
             "isch", "ische", "ischen", "ischer", "isches", "sisch", "sische", "sischen", "sischer")
_PLACE_TYPES = {"State", "Place"}
# Short all-capital names ("UN", "EU", "SCO") match only in capitals: "un", "eu" are words.
_CASE_SENSITIVE_MAX = 3
# rapidfuzz similarity (0-100) for a capitalised name that is no key: a variant spelling at or
# above it is a mention; lower, down to SIMILAR_CUTOFF, only "similar to" for a new entity.
VARIANT_CUTOFF = 90.0
SIMILAR_CUTOFF = 80.0
_MIN_VARIANT_LENGTH = 6  # shorter single words are too easily one letter from another name


@dataclass(frozen=True, order=True)
class Mention:
    """``text[start:end]`` (code points) names the entity ``entity``."""

    start: int
    end: int
    entity: str
    text: str
    variant: bool = False  # found by similarity, not by a key: check the spelling


@dataclass(frozen=True)
class _Name:
    entity: str
    entity_type: str
    name: str
    case_sensitive: bool


def fold(text: str) -> tuple[str, tuple[int, ...]]:
    """The match key of ``text`` and, per character of it, its index in ``text``.

    >>> fold("Aleksandr LUKASCHENKO’s")[0]
    "aleksandr lukashenko's"
    >>> key, origin = fold("Härstedt–Лукашенко")
    >>> key, origin[key.index("l")]
    ('harstedt lukashenko', 9)
    """
    return _fold(text)


@functools.lru_cache(maxsize=64)
def _fold(text: str) -> tuple[str, tuple[int, ...]]:
    skipped = {i for m in _LINE_HYPHEN.finditer(text) if text[m.end()].islower() for i in range(*m.span())}
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if index in skipped or char == "\u00ad":  # the soft hyphen is invisible
            continue
        if char.isspace() or unicodedata.category(char) == "Pd":
            if chars and chars[-1] != " ":
                chars.append(" ")
                origin.append(index)
            continue
        for part in unicodedata.normalize("NFKD", char):
            if unicodedata.category(part) == "Mn":
                continue
            for ascii_char in (part if part.isascii() else anyascii(part)).lower():
                if ascii_char.isspace():
                    ascii_char = " "
                    if chars and chars[-1] == " ":
                        continue
                chars.append(ascii_char)
                origin.append(index)
    return _rewrite("".join(chars), origin)


def _rewrite(folded: str, origin: list[int]) -> tuple[str, tuple[int, ...]]:
    """Apply the transliteration rewrites, keeping each output character's origin: the first
    character of a replacement keeps the first origin and the last the last, so a match that
    ends on a rewritten letter still ends where the original letters end."""
    for pattern, replace in ((_REWRITE, lambda m: _REWRITES[m.group()]), (_DOUBLED, lambda m: m.group(1))):
        out: list[str] = []
        out_origin: list[int] = []
        at = 0
        for match in pattern.finditer(folded):
            out.extend(folded[at:match.start()])
            out_origin.extend(origin[at:match.start()])
            new = replace(match)
            for k, char in enumerate(new):
                out.append(char)
                out_origin.append(origin[match.end() - 1] if k == len(new) - 1 else origin[match.start()])
            at = match.end()
        out.extend(folded[at:])
        out_origin.extend(origin[at:])
        folded, origin = "".join(out), out_origin
    return folded, tuple(origin)


def match_key(name: str) -> str:
    """The key a name is matched by (see the module docstring).

    >>> match_key("Alexander  Lukashenko") == match_key("Aleksander Lukaschenko")
    True
    """
    return fold(name)[0].strip()


class EntityMatcher:
    """Finds the mentions of a fixed set of entities in texts.

    ``entities`` are objects with ``id``, ``type``, ``label`` and ``aliases`` (the registry's
    :class:`~graph_model.corpus.Entity`).
    """

    def __init__(self, entities: Iterable):
        self._names: dict[str, list[_Name]] = {}
        for entity in sorted(entities, key=lambda e: e.id):
            entity_type = getattr(entity.type, "value", entity.type)
            for name in dict.fromkeys((entity.label, *entity.aliases)):
                key = match_key(name)
                letters = [c for c in name if c.isalpha()]
                if not key or not letters:
                    continue
                short_caps = all(c.isupper() for c in letters) and len(letters) <= _CASE_SENSITIVE_MAX
                self._names.setdefault(key, []).append(_Name(entity.id, entity_type, name, short_caps))
        # A pattern is a key, or a place's key less its final vowel ("Chin" for "Chin-ese",
        # "Ukrain" for "Ukrain-ian"), which then must go on into a demonym.
        patterns: dict[str, list[tuple[str, bool]]] = {}
        self._suffixes: dict[tuple[str, bool], tuple[str, ...]] = {}
        for key, names in self._names.items():
            patterns.setdefault(key, []).append((key, False))
            place = self._is_place(key)
            self._suffixes[key, False] = _folded_suffixes(names[0].name, (*_INFLECTIONS, *(_DEMONYMS if place else ())))
            stem = key[:-1]
            if key[-1] in "aeio" and len(stem) >= 4 and place:
                patterns.setdefault(stem, []).append((key, True))
                self._suffixes[key, True] = _folded_suffixes(names[0].name[:-1], _DEMONYMS)
        self._automaton = ahocorasick.Automaton()
        for pattern, keys in patterns.items():
            self._automaton.add_word(pattern, (len(pattern), keys))
        if patterns:
            self._automaton.make_automaton()
        self._keys = sorted(self._names)

    def _is_place(self, key: str) -> bool:
        return any(n.entity_type in _PLACE_TYPES for n in self._names[key])

    def find(self, text: str) -> list[Mention]:
        """Every mention in ``text``, sorted by offset; where two overlap, the longer one.

        An ambiguous name (two entities share it) gives one mention per entity, same offsets.
        """
        if not self._names:
            return []
        folded, origin = fold(text)
        found = []
        for last, (length, keys) in self._automaton.iter(folded):
            begin = last + 1 - length
            if begin > 0 and folded[begin - 1].isalnum():
                continue
            for key, stemmed in keys:
                end = self._end(folded, last + 1, key, stemmed=stemmed)
                if end is None:
                    continue
                start, stop = origin[begin], origin[end - 1] + 1
                for name in self._names[key]:
                    if name.case_sensitive and text[start:stop].upper() != text[start:stop]:
                        continue
                    found.append(Mention(start, stop, name.entity, text[start:stop]))
        return self._with_variants(text, _longest(found))

    def _end(self, folded: str, end: int, key: str, *, stemmed: bool) -> int | None:
        """Where the mention ending at ``end`` ends once an inflection is taken in, or None if
        the word goes on into something else."""
        rest = folded[end:end + 12]
        if not stemmed and (not rest or not rest[0].isalnum()):
            return end
        for suffix in self._suffixes.get((key, stemmed), ()):
            tail = rest[len(suffix):len(suffix) + 1]
            if rest.startswith(suffix) and (not tail or not tail.isalnum()):
                return end + len(suffix)
        return None

    def _with_variants(self, text: str, exact: list[Mention]) -> list[Mention]:
        """Add capitalised names near a known name's key ("Aleksandr Lukaschenka"): the longest
        run of up to four words of a name that scores VARIANT_CUTOFF against a name; a run that
        holds exact mentions must name the same entities, and replaces them."""
        mentions = list(exact)
        for span in iter_name_spans(text):
            inside = [m for m in mentions if m.start < span.end and span.start < m.end]
            if any(m.start < span.start or m.end > span.end or m.variant for m in inside):
                continue
            words = [(span.start + w.start(), span.start + w.end()) for w in re.finditer(r"\S+", span.text)]
            best = None
            for i in range(len(words)):
                for j in range(i, min(len(words), i + 4)):
                    start, end = words[i][0], words[j][1]
                    covered = [m for m in inside if m.start < end and start < m.end]
                    if any(m.start < start or m.end > end for m in covered) or \
                            any((m.start, m.end) == (start, end) for m in covered):
                        continue
                    if i == j and end - start < _MIN_VARIANT_LENGTH:
                        continue
                    match = self.closest(text[start:end], cutoff=VARIANT_CUTOFF, limit=1)
                    if not match:
                        continue
                    entities = [name.entity for name in self._names[match[0][2]]]
                    if {m.entity for m in covered} - set(entities):
                        continue
                    if best is None or (end - start, match[0][1]) > best[0]:
                        best = ((end - start, match[0][1]), start, end, entities, covered)
            if best:
                _, start, end, entities, covered = best
                mentions = [m for m in mentions if m not in covered]
                mentions += [Mention(start, end, entity, text[start:end], variant=True) for entity in entities]
        return sorted(mentions)

    def closest(self, name: str, *, cutoff: float = SIMILAR_CUTOFF, limit: int = 3) -> list[tuple[str, float, str]]:
        """The entities whose names are most like ``name``: ``(entity id, score 0-100, key)``,
        best first, at most ``limit``, none under ``cutoff``; one row per entity."""
        key = match_key(name)
        if not key or not self._keys:
            return []
        rows = process.extract(key, self._keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit * 3)
        best: dict[str, tuple[str, float, str]] = {}
        for candidate, score, _ in sorted(rows, key=lambda r: (-r[1], r[0])):
            for entry in self._names[candidate]:
                best.setdefault(entry.entity, (entry.entity, round(score, 1), candidate))
        return list(best.values())[:limit]


def _folded_suffixes(name: str, suffixes: tuple[str, ...]) -> tuple[str, ...]:
    """The suffixes as they look after the name once folded ("Belarus" + "sische" folds to
    "belarus" + "ishe"), longest first."""
    key = match_key(name)
    folded = {match_key(name + suffix)[len(key):] for suffix in suffixes
              if match_key(name + suffix).startswith(key)}
    return tuple(sorted(folded - {""}, key=lambda s: (-len(s), s)))


def _longest(found: list[Mention]) -> list[Mention]:
    """Drop mentions overlapping a longer one (ties: the earlier one); same-span mentions of
    several entities stay together. A name inside a descriptive label stays too: "the European
    Union" in "dialogue between the European Union and ...", but not "Europe" in the proper
    name "Organization for Security and Cooperation in Europe"."""
    kept: list[Mention] = []
    for mention in sorted(found, key=lambda m: (-(m.end - m.start), m.start, m.entity)):
        clash = [k for k in kept if k.start < mention.end and mention.start < k.end]
        if all((k.start, k.end) == (mention.start, mention.end) or _is_named_inside(mention, k) for k in clash):
            if mention not in kept:
                kept.append(mention)
    return sorted(kept)


def _is_named_inside(inner: Mention, outer: Mention) -> bool:
    if not (outer.start <= inner.start and inner.end <= outer.end) or inner.entity == outer.entity:
        return False
    if not outer.text[:1].islower():
        return False
    before = len(outer.text[:inner.start - outer.start].split())
    after = len(outer.text[inner.end - outer.start:].split())
    return max(before, after) >= 2


def find_mentions(text: str, entities: Iterable) -> list[Mention]:
    """The mentions of ``entities`` in ``text``; see :class:`EntityMatcher`.

    >>> from types import SimpleNamespace as E
    >>> lukashenko = E(id="lukashenko", type="Person", label="Alexander Lukashenko", aliases=("Lukashenko",))
    >>> belarus = E(id="belarus", type="State", label="Belarus", aliases=())
    >>> text = "Präsident Aleksandr Lukaschenko sagte, Lukaschenkos Belarus’ Idee, Belarusian"
    >>> [(m.entity, m.text) for m in find_mentions(text, [lukashenko, belarus])]
    [('lukashenko', 'Aleksandr Lukaschenko'), ('lukashenko', 'Lukaschenkos'), ('belarus', 'Belarus'), ('belarus', 'Belarusian')]
    """
    return EntityMatcher(entities).find(text)


__all__ = ["EntityMatcher", "Mention", "Span", "find_mentions", "fold", "match_key"]
