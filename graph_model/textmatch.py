"""Find a curated quote in its article's text.

A quote matches if it equals a passage of the article once both are normalised: Unicode NFKC,
typographic quotes and dashes folded to ASCII, and runs of whitespace collapsed. Nothing else
may differ, so a changed word never matches. Offsets are in Unicode code points of the
original text, as the W3C Web Annotation TextPositionSelector requires.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import unicodedata
from dataclasses import dataclass

_FOLD = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2033": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-",
})

CONTEXT_CHARS = 32  # prefix/suffix length of a TextQuoteSelector


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote sits in the original text: ``text[start:end] == exact``."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@functools.lru_cache(maxsize=256)
def normalise(text: str) -> tuple[str, tuple[int, ...]]:
    """Fold ``text`` for matching; also return, per folded character, its index in ``text``.

    Cached: validation matches every quote of an article against the same folded text.

    >>> normalise("“Helsinki–2”  now")[0]
    '"Helsinki-2" now'
    """
    out: list[str] = []
    origin: list[int] = []
    in_space = False
    for index, char in enumerate(text):
        if char.isspace():
            if not in_space and out:
                out.append(" ")
                origin.append(index)
            in_space = True
            continue
        in_space = False
        for folded in unicodedata.normalize("NFKC", char).translate(_FOLD):
            out.append(folded)
            origin.append(index)
    if out and out[-1] == " ":
        out.pop()
        origin.pop()
    return "".join(out), tuple(origin)


def find_quote(text: str, quote: str, *, start_at: int = 0) -> QuoteMatch | None:
    """The first place at or after ``start_at`` where ``quote`` occurs in ``text``, or None.

    >>> m = find_quote("He said: “We are ready”.", 'We are ready')
    >>> (m.start, m.end, m.exact)
    (10, 22, 'We are ready')
    >>> find_quote("He said: “We are ready”.", 'We were ready') is None
    True
    """
    folded_text, origin = normalise(text)
    folded_quote, _ = normalise(quote)
    if not folded_quote:
        return None
    first = bisect.bisect_left(origin, start_at)
    at = folded_text.find(folded_quote, first)
    if at < 0:
        return None
    start = origin[at]
    end = origin[at + len(folded_quote) - 1] + 1
    return QuoteMatch(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_CHARS):start],
        suffix=text[end:end + CONTEXT_CHARS],
    )


def closest_passage(text: str, quote: str) -> str:
    """The passage of ``text`` most like ``quote``, for a "did you mean" hint.

    >>> closest_passage("One two three. We are ready to act. Four.", "We were ready to act")
    'We are ready to act.'
    """
    folded_text, origin = normalise(text)
    folded_quote, _ = normalise(quote)
    if not folded_text or not folded_quote:
        return ""
    best_ratio, best = -1.0, (0, 0)
    # Anchor candidate windows on each word the quote shares with the text, then keep the
    # window whose similarity to the quote is highest.
    matcher = difflib.SequenceMatcher(None, folded_text, folded_quote, autojunk=False)
    for block in matcher.get_matching_blocks():
        if block.size < 3:
            continue
        begin = max(0, block.a - block.b)
        for width in (len(folded_quote) - 2, len(folded_quote), len(folded_quote) + 2):
            window = folded_text[begin:begin + width]
            ratio = difflib.SequenceMatcher(None, window, folded_quote, autojunk=False).ratio()
            if ratio > best_ratio:
                best_ratio, best = ratio, (begin, begin + len(window))
    begin, end = best
    if end <= begin:
        return ""
    passage = text[origin[begin]:origin[end - 1] + 1]
    return " ".join(passage.split())
