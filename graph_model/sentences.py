"""Sentences and capitalised names in an article's text, with code-point offsets.

Rule-based on purpose: news text in English and German, one paragraph per line or hard-wrapped,
with headlines and navigation lines that end in no full stop. A sentence ends at ``.``, ``!``,
``?`` or ``…`` (with any closing quotes) before a word that does not go on in lower case, unless
the full stop follows an abbreviation ("Mr.", "z.B.") or an initial; and at a line break, unless
the line ends in no punctuation and the next one goes on in lower case (a hard wrap).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_ABBREVIATIONS = frozenset("""
mr mrs ms dr prof st gen sen rep gov jr sr no nr vs e.g i.e z.b u.a bzw hr fr jan feb mar apr
aug sep sept oct nov dec ca approx dt inc ltd corp co hon rev lt col capt sgt
""".split())
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_POSSESSIVE = re.compile(r"(?:['’]s?)?$")  # "Lukashenko's", "Belarus'": not part of the name
_TOKEN = re.compile(r"\w+(?:[’'\-‐]\w+)*")
_MONTHS = frozenset("""
january february march april may june july august september october november december
januar februar märz mai juni juli oktober dezember
jan feb mar apr jun jul aug sep sept oct nov dec
monday tuesday wednesday thursday friday saturday sunday mo tu we th fr sa su
montag dienstag mittwoch donnerstag freitag samstag sonntag
""".split())
# Words that join a multi-word name ("Charter of Paris for a New Europe", "Conference on
# Security and Cooperation in Europe"); "and", "in", "a", "the" only once the name has one of
# the others, so "Belarus and Russia" stays two names.
_JOINERS = frozenset("of for on de von van der du la al für zu".split())
_LATE_JOINERS = frozenset("and in a the und".split())
# Titles before a person's name: dropped from the name, and they tell its type.
PERSON_TITLES = frozenset("""
mr mrs ms dr prof president vice prime minister chancellor secretary general ambassador
foreign defence defense deputy king queen pope
herr frau präsident präsidentin kanzler kanzlerin außenminister aussenminister ministerin
botschafter staatschef regierungschef
""".split())
_LEADING_DROPS = frozenset("""
the a an this that these those his her its their our we i he she it they according speaking
although however while when if as at in on for of by with from after before during since
but and or also even still yet all some many most other such both each every no not
der die das den dem des ein eine einer einem eines dieser diese dieses
""".split())


@dataclass(frozen=True, order=True)
class Span:
    """``text[start:end] == self.text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, order=True)
class NameSpan(Span):
    """A capitalised name; ``title`` is the person's title that preceded it ("President"), if any."""

    title: str = ""


def split_sentences(text: str) -> list[Span]:
    """The sentences of ``text``, stripped of surrounding white space, in order.

    >>> [s.text for s in split_sentences("Mr. Makei spoke. “We agree.” He left\\nearly.\\r\\nTags")]
    ['Mr. Makei spoke.', '“We agree.”', 'He left\\nearly.', 'Tags']
    """
    cuts = {len(text)}
    for match in _END.finditer(text):
        after = text[match.end():].lstrip()
        if not after or after[0].islower() or _is_abbreviation(text, match):
            continue
        cuts.add(match.end())
    for match in re.finditer(r"\r?\n", text):
        before = text[:match.start()].rstrip()
        after = text[match.end():].lstrip(" \t")
        continued = after[:1].islower() and before[-1:].isalnum() or before.endswith(("-", "\u00ad"))
        if not continued:
            cuts.add(match.start())
    sentences = []
    start = 0
    for cut in sorted(cuts):
        piece = text[start:cut]
        stripped = piece.strip()
        if stripped:
            offset = start + len(piece) - len(piece.lstrip())
            sentences.append(Span(offset, offset + len(stripped), stripped))
        start = cut
    return sentences


def _is_abbreviation(text: str, match: re.Match) -> bool:
    if match.group()[0] != "." or len(match.group()) > 1:
        return False
    word = _WORD_BEFORE.search(text, 0, match.start())
    if not word:
        return False
    token = word.group(1).lower().rstrip(".")
    if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
        return True
    # "5. Juli 2017": a German ordinal day before a month is no sentence end.
    nxt = re.match(r"\s*(\w+)", text[match.end():])
    return token.isdigit() and nxt is not None and nxt.group(1).lower() in _MONTHS


def iter_name_spans(text: str, *, language: str = "en") -> Iterator[NameSpan]:
    """Runs of capitalised words and acronyms: the names a text may hold.

    A sentence's first word counts only if it is not a common word; titles ("President",
    "Herr") are left out of the name and given as ``title``; months and weekdays are no names.
    In German, where every noun is capitalised, a single word counts only as an acronym or
    after a title.

    >>> [(s.text, s.title) for s in iter_name_spans("The summit of the Collective Security Treaty Organization. President Emmanuel Macron met NATO.")]
    [('Collective Security Treaty Organization', ''), ('Emmanuel Macron', 'President'), ('NATO', '')]
    """
    starts = set()
    for sentence in split_sentences(text):
        first = _TOKEN.search(sentence.text)
        if first:  # the first word, after any opening quote or bullet
            starts.add(sentence.start + first.start())
    elsewhere = {m.group() for m in _TOKEN.finditer(text) if m.start() not in starts}
    tokens = list(_TOKEN.finditer(text))
    i = 0
    while i < len(tokens):
        run, i = _collect_run(text, tokens, i)
        title: list[str] = []
        segment: list[re.Match] = []
        for token in [*run, None]:
            word = token.group() if token else ""
            if token is not None and word.lower() not in PERSON_TITLES:
                segment.append(token)
                continue
            name = _trim(segment, starts, elsewhere)
            if language == "de":  # "NATO Zustimmung": a German noun after an acronym is no part of it
                name = name[:next((k + 1 for k, t in enumerate(name) if _is_acronym(t.group())), len(name))]
            if name and not (language == "de" and len(name) == 1 and not (title or _is_acronym(name[0].group()))):
                start, end = name[0].start(), name[-1].end()
                end -= len(_POSSESSIVE.search(text[start:end]).group())
                yield NameSpan(start, end, text[start:end], " ".join(title))
            title = title + [word] if not segment else [word]
            segment = []


def _trim(run: list[re.Match], starts: set[int], elsewhere: set[str]) -> list[re.Match]:
    """A run without its leading common words and trailing joiners; a sentence's first word
    stays only if the text also has it capitalised elsewhere ("Belarus"), or as an acronym."""
    run = list(run)
    while run and run[0].group().lower() in _LEADING_DROPS:
        run.pop(0)
    if len(run) == 1 and run[0].start() in starts and not _is_acronym(run[0].group()) \
            and run[0].group() not in elsewhere:
        run.pop(0)
    while run and run[-1].group()[0].islower():
        run.pop()
    return run


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and all(c.isupper() or not c.isalpha() for c in word)


def _collect_run(text: str, tokens: list[re.Match], i: int) -> tuple[list[re.Match], int]:
    """The run of capitalised tokens (and joiners) from ``tokens[i]``, and the index after it."""
    run: list[re.Match] = []
    joined = False
    while i < len(tokens):
        token = tokens[i]
        word = token.group()
        if run and not _same_line_gap(text, run[-1].end(), token.start()):
            break
        if word[0].isupper() and word.lower() not in _MONTHS:
            run.append(token)
        elif run and (word in _JOINERS or (joined and word in _LATE_JOINERS)):
            joined = joined or word in _JOINERS
            run.append(token)
        else:
            return run, i + 1
        i += 1
    return run, i


def _same_line_gap(text: str, end: int, start: int) -> bool:
    """Two words belong to one name only with nothing but spaces between them."""
    return text[end:start].strip(" \t") == "" and "\n" not in text[end:start]
