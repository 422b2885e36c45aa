"""Find a curated quote in its article's text.

A quote matches if it equals a passage of the article once both are normalised: Unicode NFKC,
typographic quotes and dashes folded to ASCII, and runs of whitespace collapsed. Nothing else
may differ, so a changed word never matches. Offsets are in Unicode code points of the
original text, as the W3C Web Annotation TextPositionSelector requires.

Normalisation works on whole characters as a reader sees them, not on code points: "a" followed
by a combining diaeresis (how macOS file names and many PDFs store "ä") is one character and
matches a quote typed with "ä", and a match never starts or ends between a letter and its marks.
"""

from __future__ import annotations

import bisect
import collections
import difflib
import functools
import re
import string
import unicodedata
from dataclasses import dataclass

_FOLD = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2033": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-",
})

CONTEXT_CHARS = 32  # prefix/suffix length of a TextQuoteSelector
# A closest passage must share at least this share of words with the quote (difflib ratio),
# else the hint would point at a passage that merely shares a 'the'.
MIN_PASSAGE_SIMILARITY = 0.34
MAX_CANDIDATE_PASSAGES = 20
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote sits in the original text: ``text[start:end] == exact``."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def normalise(text: str) -> tuple[str, tuple[int, ...]]:
    """Fold ``text`` for matching; also return, per folded character, its index in ``text``.

    >>> normalise("“Helsinki–2”  now")[0]
    '"Helsinki-2" now'
    >>> normalise("Ha\u0308rstedt") == normalise("Härstedt")[:1] + ((0, 1, 3, 4, 5, 6, 7, 8),)
    True
    """
    folded, origin, _ = _fold(text)
    return folded, origin


def _joins_previous(char: str) -> bool:
    """True if ``char`` belongs to the character before it: a combining mark, or a Hangul vowel
    or final consonant (which NFC composes with the syllable before). Only these can compose
    with what precedes them, so normalising each such run alone equals normalising the whole."""
    return unicodedata.category(char)[0] == "M" or "\u1160" <= char <= "\u11ff" or "\ud7b0" <= char <= "\ud7ff"


# Printable ASCII not followed by a character that could join it (a combining accent, say):
# those characters fold to themselves, so a run of them is copied whole.
# Single spaces between such characters fold to themselves too.
_ASCII_RUN = re.compile(r"[!-~](?![^\x00-\x7f\s])(?:[!-~](?![^\x00-\x7f\s])| (?=[!-~]))*")
_SPACE_RUN = re.compile(r"\s+")


@functools.lru_cache(maxsize=256)
def _fold(text: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """(folded text, start, end): per folded character, where the character it comes from
    starts and ends in ``text``. Cached: validation matches every quote of an article against
    the same folded text."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    in_space = False
    index, size = 0, len(text)
    while index < size:
        run = _ASCII_RUN.match(text, index)
        if run is not None:  # most of a text: printable ASCII folds to itself, one to one
            end = run.end()
            out.append(run.group())
            starts.extend(range(index, end))
            ends.extend(range(index + 1, end + 1))
            in_space = False
            index = end
            continue
        space = _SPACE_RUN.match(text, index)
        if space is not None:
            if not in_space and out:
                out.append(" ")
                starts.append(index)
                ends.append(index + 1)
            in_space = True
            index = space.end()
            continue
        in_space = False
        end = index + 1
        while end < size and _joins_previous(text[end]):
            end += 1
        piece = text[index:end]
        if not piece.isascii():  # ASCII is its own NFKC: skip the call for most of the text
            piece = unicodedata.normalize("NFKC", piece).translate(_FOLD)
        for folded in piece:
            out.append(folded)
            starts.append(index)
            ends.append(end)
        index = end
    folded = "".join(out)
    if folded.endswith(" "):
        folded = folded[:-1]
        starts.pop()
        ends.pop()
    return folded, tuple(starts), tuple(ends)


def find_quote(text: str, quote: str, *, start_at: int = 0) -> QuoteMatch | None:
    """The first place at or after ``start_at`` where ``quote`` occurs in ``text``, or None.

    >>> m = find_quote("He said: “We are ready”.", 'We are ready')
    >>> (m.start, m.end, m.exact)
    (10, 22, 'We are ready')
    >>> find_quote("He said: “We are ready”.", 'We were ready') is None
    True
    """
    folded_text, origin, ends = _fold(text)
    folded_quote = _fold(quote)[0]
    if not folded_quote:
        return None
    first = bisect.bisect_left(origin, start_at)
    at = folded_text.find(folded_quote, first)
    while at >= 0 and not _on_boundaries(origin, at, at + len(folded_quote)):
        at = folded_text.find(folded_quote, at + 1)
    if at < 0:
        return None
    start = origin[at]
    end = ends[at + len(folded_quote) - 1]
    return QuoteMatch(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_CHARS):start],
        suffix=text[end:end + CONTEXT_CHARS],
    )


def find_all_quotes(text: str, quote: str) -> list[QuoteMatch]:
    """Every place ``quote`` occurs in ``text``, in order; occurrences may overlap ("ha ha" is
    twice in "ha ha ha"). The n-th is what a statement's ``occurrence: n`` points at.

    >>> [m.start for m in find_all_quotes("we agree. They said: we agree.", "we agree")]
    [0, 21]
    """
    found: list[QuoteMatch] = []
    while (match := find_quote(text, quote, start_at=found[-1].start + 1 if found else 0)) is not None:
        found.append(match)
    return found


def closest_passage(text: str, quote: str) -> str:
    """The passage of ``text`` most like ``quote``, in whole words, for a "did you mean" hint;
    empty if no passage shares enough words with it.

    Compared word by word (normalised, case and surrounding punctuation ignored), so the
    passage never starts or ends inside a word, and the cost stays near linear in the text
    even for a quote of thousands of words.

    >>> closest_passage("One two three. “We are ready to act.” Four.", "We were ready to act")
    'We are ready to act'
    """
    spans, keys = _words(text)
    _, quote_keys = _words(quote)
    if not keys or not quote_keys:
        return ""
    size = len(quote_keys)
    # Anchor candidate windows on runs of words the quote shares with the text; a window
    # where many shared words line up is tried first. The default autojunk ignores words
    # as common as 'the' in long quotes, which keeps this fast and anchors on telling words.
    support: collections.Counter = collections.Counter()
    for block in difflib.SequenceMatcher(None, keys, quote_keys).get_matching_blocks():
        if block.size:
            support[max(0, block.a - block.b)] += block.size
    best_ratio, best = MIN_PASSAGE_SIMILARITY, None
    for begin, _ in support.most_common(MAX_CANDIDATE_PASSAGES):
        for width in (size - 1, size, size + 1):
            window = keys[begin:begin + max(width, 1)]
            ratio = difflib.SequenceMatcher(None, window, quote_keys).ratio()
            if ratio > best_ratio:
                best_ratio, best = ratio, (begin, begin + len(window))
    if best is None:
        return ""
    begin, end = best
    # A misspelt first or last word counts as a mismatch above, so the best window tends to
    # leave it out; take it in when the text's neighbouring word is that word misspelt.
    if begin > 0 and keys[begin] != quote_keys[0] and _is_similar(keys[begin - 1], quote_keys[0]):
        begin -= 1
    if end < len(keys) and keys[end - 1] != quote_keys[-1] and _is_similar(keys[end], quote_keys[-1]):
        end += 1
    passage = " ".join(text[spans[begin][0]:spans[end - 1][1]].split())
    # Whole words carry their punctuation ('“In', 'Helsinki-2,'); drop it at an edge where
    # the quote has none, so the hint can be copied as the quote.
    quote = quote.strip()
    if not _is_punctuation(quote[0]):
        passage = passage[next((i for i, c in enumerate(passage) if not _is_punctuation(c)), len(passage)):]
    if not _is_punctuation(quote[-1]):
        while passage and _is_punctuation(passage[-1]):
            passage = passage[:-1]
    return passage


def _on_boundaries(origin: tuple[int, ...], begin: int, end: int) -> bool:
    """True unless the folded span [begin, end) starts or ends inside what one original
    character folds to ("ﬁ" folds to "fi": a quote "i" must not match its second half)."""
    return (begin == 0 or origin[begin - 1] != origin[begin]) and (end == len(origin) or origin[end] != origin[end - 1])


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def _is_similar(word: str, other: str) -> bool:
    return difflib.SequenceMatcher(None, word, other).ratio() >= 0.6


def _words(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """The (start, end) of each whitespace-separated word of ``text``, and the key it is
    compared by: normalised as for matching, casefolded, without surrounding punctuation."""
    spans, keys = [], []
    for match in _WORD.finditer(text):
        folded = normalise(match.group())[0]
        spans.append(match.span())
        keys.append(folded.strip(string.punctuation).casefold() or folded)
    return spans, keys
