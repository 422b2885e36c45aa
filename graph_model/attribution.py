"""Who a sentence's words are attributed to, and whom "the president" or "he" refers to.

Both are suggestions for the draft, read off the text's own structure: a quotation and the
clause that attributes it (``“…,” Vladimir Makei said``; ``X said: “…”``); a sentence with a
speech verb next to a person ("…, said Mr. Makei."). A role phrase ("the president", "the head
of state", "the minister") or "he"/"she" is taken to refer to the nearest person named before
it. The person must be a known entity the text names; nothing else is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .mentions import Mention
from .sentences import Span

_SPEECH = (r"said|says|say|stressed|stresses|noted|notes|added|adds|told|tells|emphasi[sz]ed|assured|"
           r"recalled|explained|pointed out|concluded|stated|believes|underlined|warned|declared|"
           r"according to|sagte|sagt|betonte|betont|erklärte|erklärt|fügte|unterstrich|meinte|laut|zufolge")
_SPEECH_VERB = re.compile(rf"(?<!\w)(?:{_SPEECH})(?!\w)", re.IGNORECASE)
_REFERENCE = re.compile(
    r"(?<!\w)(?:(?:the|der|die)\s+(?:\w+\s+)?(?:president|head of state|leader|minister|diplomat|chancellor|"
    r"präsident\w*|minister\w*|staatschef\w*|kanzler\w*)|he|she|him|er|sie|ihm)(?!\w)", re.IGNORECASE)
_STRAIGHT = "\""


def find_references(text: str, mentions: list[Mention], types: dict[str, str]) -> list[Mention]:
    """Role phrases and pronouns, each as a mention of the nearest person named before it.

    >>> lukashenko = Mention(0, 10, "lukashenko", "Lukashenko")
    >>> [(m.text, m.entity) for m in find_references("Lukashenko spoke. The head of state said he agreed.", [lukashenko], {"lukashenko": "Person"})]
    [('The head of state', 'lukashenko'), ('he', 'lukashenko')]
    """
    people = [m for m in mentions if types.get(m.entity) == "Person"]
    references = []
    for match in _REFERENCE.finditer(text):
        if match.group().lower() in ("sie", "er") and not match.group()[0].isupper():
            continue  # German "sie"/"er" are also "they"/"it": only sentence-initial ones
        before = [m for m in people if m.end <= match.start()]
        if before and not any(m.start <= match.start() < m.end for m in mentions):
            references.append(Mention(match.start(), match.end(), before[-1].entity, match.group(), variant=True))
    return references


def find_speakers(text: str, sentences: Iterable[Span], people: list[Mention]) -> dict[int, str]:
    """``{sentence start: entity id}`` for each sentence whose words are attributed to a person
    of ``people`` (mentions and references of Person entities)."""
    sentences = list(sentences)
    speakers: dict[int, str] = {}
    for start, end in _quotations(text):
        speaker = _attributed(text, start, end, sentences, people)
        if speaker:
            for sentence in sentences:
                if start <= sentence.end and sentence.start <= end:
                    speakers.setdefault(sentence.start, speaker)
    for sentence in sentences:
        if sentence.start in speakers:
            continue
        for verb in _SPEECH_VERB.finditer(sentence.text):
            at = sentence.start + verb.start()
            near = [p for p in people if sentence.start <= p.start and p.end <= sentence.end
                    and (0 <= at - p.end <= 3 or 0 <= p.start - (sentence.start + verb.end()) <= 3)]
            if near:
                speakers[sentence.start] = near[0].entity
                break
    return speakers


def _quotations(text: str) -> list[tuple[int, int]]:
    """(start, end) of each outermost quotation. Curly quotes nest (“… “One Belt” …”); German
    text opens with „ and closes with “. A straight quote opens after a space and closes
    otherwise; a paragraph that opens a quotation without closing it goes on into the next,
    whose opening quote continues it (news style)."""
    german = "„" in text
    opens, closes = ("„»", "“«") if german else ("“«", "”»")
    spans, depth, opened = [], 0, None
    for index, char in enumerate(text):
        straight = char == _STRAIGHT
        opening = straight and (index == 0 or text[index - 1].isspace() or text[index - 1] in "([—–-")
        if char in opens or (opening and depth == 0):
            if depth == 0:
                opened = index
            depth += 1
        elif opening:
            continue  # re-opened in a new paragraph: the same quotation goes on
        elif depth and (char in closes or straight):
            depth -= 1
            if depth == 0:
                spans.append((opened, index + 1))
    return spans


def _attributed(text: str, start: int, end: int, sentences: list[Span], people: list[Mention]) -> str | None:
    """The person the attribution clause around the quotation ``text[start:end]`` names."""
    after_sentence = next((s for s in sentences if s.start <= end <= s.end), None)
    clause_end = after_sentence.end if after_sentence else min(len(text), end + 80)
    before_sentence = next((s for s in sentences if s.start <= start <= s.end), None)
    clause_start = before_sentence.start if before_sentence else max(0, start - 80)
    for lo, hi in ((end, clause_end), (clause_start, start)):
        clause = text[lo:hi]
        if not _SPEECH_VERB.search(clause):
            continue
        inside = [p for p in people if lo <= p.start and p.end <= hi]
        if inside:
            return inside[0].entity if lo == end else inside[-1].entity
    return None
