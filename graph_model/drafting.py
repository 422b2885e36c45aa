"""A draft of a new article's mapping: what a tool can pre-fill for the person who curates it.

:func:`draft_article` returns the known entities the text names (:mod:`graph_model.mentions`),
capitalised names that match nothing known (candidate new entities, with a type where a rule
can tell and the known entities they look like), one candidate statement per cue word in each
sentence that names two or more entities (a predicate from the ontology whose domain and range
fit the entities' types, the sentence as the verbatim quote), and the metadata the text gives
(:mod:`graph_model.draft_metadata`). Everything here is a suggestion for a person to check:
no date, speaker or relation the text does not show is added.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from .attribution import find_references, find_speakers
from .cues import Cue, find_cues
from .draft_metadata import Metadata, suggest_metadata
from .mentions import EntityMatcher, Mention, match_key
from .sentences import Span, iter_name_spans, split_sentences
from .textmatch import find_quote
from .vocabulary import read_relations

MAX_STATEMENTS_PER_SENTENCE = 4
# Last words that tell a new name's type ("Shanghai Cooperation Organisation" -> Organisation).
_HEAD_WORDS = {
    "Organisation": """organization organisation union council assembly ministry committee commission
        agency bank fund parliament party alliance office court institute association group
        community secretariat service forum bund rat versammlung ministerium ausschuss kommission
        agentur partei bündnis gericht verband gruppe""",
    "Event": """summit conference session meeting congress war talks games election forum gipfel
        konferenz sitzung tagung treffen krieg wahl""",
    "Document": """treaty act charter declaration agreement agreements accord accords convention
        protocol memorandum resolution pact vertrag abkommen erklärung charta konvention protokoll""",
    "Initiative": """initiative process programme program project plan strategy dialogue belt
        prozess programm projekt strategie dialog""",
}
_TYPE_OF_HEAD = {word: kind for kind, words in _HEAD_WORDS.items() for word in words.split()}


@dataclass(frozen=True)
class NewEntity:
    """A capitalised name that matches no known entity (first occurrence)."""

    text: str
    start: int
    end: int
    type: str | None  # a suggestion where a rule can tell; None where none can
    similar_to: tuple[tuple[str, float], ...]  # (entity id, similarity 0-100): likely duplicates
    why: str = ""  # the rule that gave the type


@dataclass(frozen=True)
class DraftStatement:
    subject: str
    predicate: str
    object: str
    quote: str  # the sentence, verbatim: text[start:end] == quote
    start: int
    end: int
    cues: tuple[str, ...]
    occurrence: int | None = None  # set when the quote occurs more than once in the text
    role: str | None = None  # for holdsPosition: the position words, verbatim
    speaker: str | None = None  # the person the text attributes the sentence to
    alternatives: tuple[str, ...] = ()  # predicates other cues of the sentence suggest for the pair


@dataclass(frozen=True)
class SentenceDraft:
    """A sentence naming two or more known entities, with its cue words and statements."""

    span: Span
    entities: tuple[str, ...]
    cues: tuple[str, ...]
    statements: tuple[DraftStatement, ...]
    references: tuple[Mention, ...] = ()  # "the president", "he": who they are taken to be
    speaker: str | None = None


@dataclass
class Draft:
    text: str
    mentions: list[Mention]
    references: list[Mention]
    new_entities: list[NewEntity]
    sentences: list[SentenceDraft]
    metadata: Metadata
    language: str | None
    statements: list[DraftStatement] = field(default_factory=list)


def draft_article(text: str, entities: Iterable, *, language: str | None = None) -> Draft:
    """The draft of ``text``'s mapping against the registry ``entities`` (``corpus.Entity``-like).

    ``language`` (BCP 47) picks the rules for names (German capitalises every noun); detected
    from the text when None.
    """
    entities = list(entities)
    types = {entity.id: getattr(entity.type, "value", entity.type) for entity in entities}
    matcher = EntityMatcher(entities)
    metadata = suggest_metadata(text)
    language = language or metadata.language
    mentions = matcher.find(text)
    references = find_references(text, mentions, types)
    spans = split_sentences(text)
    people = sorted([m for m in mentions if types.get(m.entity) == "Person"] + references)
    speakers = find_speakers(text, spans, people)
    sentences = [_draft_sentence(text, span, mentions, references, speakers.get(span.start), types)
                 for span in spans]
    sentences = [s for s in sentences if s is not None]
    statements: list[DraftStatement] = []
    seen: set[tuple] = set()
    for sentence in sentences:
        for statement in sentence.statements:
            key = (statement.subject, statement.predicate, statement.object, match_key(statement.quote))
            if key not in seen:  # a headline printed twice is one statement
                seen.add(key)
                statements.append(statement)
    new = _new_entities(text, mentions, matcher, (language or "en").split("-")[0].lower())
    return Draft(text, mentions, references, new, sentences, metadata, language, statements)


def _draft_sentence(text: str, span: Span, mentions: list[Mention], references: list[Mention],
                    speaker: str | None, types: dict[str, str]) -> SentenceDraft | None:
    """The sentence's cue words and candidate statements, if it names two or more entities:
    by name, by a reference ("the president"), or as the person its words are attributed to."""
    inside = [m for m in mentions if span.start <= m.start and m.end <= span.end]
    named = {m.entity for m in inside}
    refs = tuple(m for m in references if span.start <= m.start and m.end <= span.end and m.entity not in named)
    inside += refs
    if speaker and speaker not in {m.entity for m in inside}:
        inside.append(Mention(span.start, span.start, speaker, ""))  # speaks the whole sentence
    inside.sort()
    entities = tuple(dict.fromkeys(m.entity for m in inside))
    if len(entities) < 2:
        return None
    cues = [Cue(c.start + span.start, c.end + span.start, c.text, c.predicates) for c in find_cues(span.text)]
    occurrence = _occurrence(text, span)
    statements: dict[tuple[str, str], DraftStatement] = {}
    for cue in cues:
        for predicate in cue.predicates:
            pair = _best_pair(predicate, cue, inside, types)
            if pair is None:
                continue
            key = (pair[0].entity, pair[1].entity)
            earlier = statements.get(key)
            if earlier is not None:  # one statement per pair; other cues' predicates are noted
                alternatives = earlier.alternatives
                if predicate != earlier.predicate and predicate not in alternatives:
                    alternatives = (*alternatives, predicate)
                statements[key] = replace(earlier, cues=(*earlier.cues, cue.text), alternatives=alternatives)
            elif len(statements) < MAX_STATEMENTS_PER_SENTENCE:
                role = cue.text if predicate == "holdsPosition" else None
                statements[key] = DraftStatement(key[0], predicate, key[1], span.text, span.start, span.end,
                                                 (cue.text,), occurrence, role, speaker)
            break  # a cue suggests one relation: its best predicate that fits
    return SentenceDraft(span, entities, tuple(c.text for c in cues), tuple(statements.values()), refs, speaker)


def _best_pair(predicate: str, cue: Cue, mentions: list[Mention], types: dict[str, str]):
    """The (subject, object) mentions that best fit ``predicate`` around ``cue``, or None.

    The subject is looked for before the cue and the object after it ("Belarus *welcomed* the
    Minsk agreements"), the nearer the better; a position ("Belarus *President* Aleksandr
    Lukashenko") only needs its person and state close by, in either order.
    """
    relation = read_relations().get(predicate)
    if relation is None:
        return None
    domain = {t.value for t in relation.subject_types}
    range_ = {t.value for t in relation.object_types}
    best, best_score = None, None
    for subject in mentions:
        if types.get(subject.entity) not in domain:
            continue
        for obj in mentions:
            if obj.entity == subject.entity or types.get(obj.entity) not in range_:
                continue
            distance = _distance(subject, cue) + _distance(obj, cue)
            if predicate == "holdsPosition":
                if distance > 40:
                    continue
                order = 0
            else:
                order = (subject.end <= cue.start) + (obj.start >= cue.end)
            score = (order, -distance, -subject.start, -obj.start)
            if best_score is None or score > best_score:
                best, best_score = (subject, obj), score
    return best


def _distance(mention: Mention, cue: Cue) -> int:
    if mention.end <= cue.start:
        return cue.start - mention.end
    if mention.start >= cue.end:
        return mention.start - cue.end
    return 0


def _occurrence(text: str, span: Span) -> int | None:
    """Which occurrence of its words the sentence is (1-based), if they occur more than once."""
    count, at, mine = 0, 0, None
    while (match := find_quote(text, span.text, start_at=at)) is not None:
        count += 1
        if match.start == span.start:
            mine = count
        at = match.start + 1
    return mine if count > 1 else None


def _new_entities(text: str, mentions: list[Mention], matcher: EntityMatcher, language: str) -> list[NewEntity]:
    taken = [(m.start, m.end) for m in mentions]
    found: dict[str, NewEntity] = {}
    for span in iter_name_spans(text, language=language):
        if any(s < span.end and span.start < e for s, e in taken):
            continue
        key = match_key(span.text)
        if key in found:
            continue
        kind, why = suggest_type(span.text, span.title, language)
        similar = tuple((entity, score) for entity, score, _ in matcher.closest(span.text))
        found[key] = NewEntity(span.text, span.start, span.end, kind, similar, why)
    return sorted(found.values(), key=lambda n: n.start)


def suggest_type(name: str, title: str = "", language: str = "en") -> tuple[str | None, str]:
    """(type, the rule that tells it) for a new name, or (None, "") where no rule can tell.

    >>> suggest_type("Emmanuel Macron", "President")
    ('Person', "after the title 'President'")
    >>> suggest_type("Shanghai Cooperation Organisation")[0], suggest_type("Kazakhstan")[0], suggest_type("Bolt")[0]
    ('Organisation', 'State', None)
    """
    if title:
        return "Person", f"after the title '{title}'"
    last = name.split()[-1].lower()
    if " " in name and last in _TYPE_OF_HEAD:
        return _TYPE_OF_HEAD[last], f"a name ending in '{name.split()[-1]}'"
    if match_key(name) in _country_keys():
        return "State", "a country's name"
    if last in _TYPE_OF_HEAD and last.capitalize() != name:
        return _TYPE_OF_HEAD[last], f"a name ending in '{name.split()[-1]}'"
    return None, ""


@functools.cache
def _country_keys() -> frozenset[str]:
    """Country names in English and German from the Unicode CLDR (Babel's locale data)."""
    from babel import Locale

    names = set()
    for locale in ("en", "de"):
        for code, name in Locale.parse(locale).territories.items():
            if code.isalpha() and len(code) == 2:  # countries; numeric codes are regions
                names.add(match_key(name))
    return frozenset(names)
