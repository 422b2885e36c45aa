"""Duplicate and near-duplicate articles: how much of their wording two texts share.

The similarity of two texts is the Jaccard index of their sets of word shingles: every run of
:data:`SHINGLE_WORDS` consecutive words, the words compared in Unicode NFKC, case-folded, without
punctuation, so that typography, line breaks and capitals do not count. 1.0 is the same words in
the same order. On the seeds (``tests/test_similarity.py``): a copy of a 680-word article with a
new headline scores 0.99, with one sentence dropped 0.95, with 100 words added 0.89, cut in half
0.50; the five seed articles, all about one initiative, score under 0.02 against each other. The
result is exact, deterministic and symmetric.

Used by ``kg validate`` (:data:`NEAR_DUPLICATE` and above is reported) and ``kg add`` (an
article about to be added). :func:`find_similar_pairs` compares a whole corpus without comparing
every pair: two texts can reach a similarity ``t`` only if they share one of the rarest
shingles of each (prefix filtering; Bayardo, Ma and Srikant, "Scaling up all pairs similarity
search", WWW 2007), so only such pairs are scored.

Stable API (other modules import it): :func:`article_similarity`, :func:`find_similar`,
:func:`find_similar_pairs`, :data:`NEAR_DUPLICATE`.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping

SHINGLE_WORDS = 3
NEAR_DUPLICATE = 0.8
_WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=1024)
def shingles(text: str) -> frozenset[str]:
    """The word shingles of ``text``; a text shorter than one shingle is one shingle of all its
    words, and a text without words has none.

    >>> sorted(shingles("One two, THREE four."))
    ['one two three', 'two three four']
    """
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    if len(words) <= SHINGLE_WORDS:
        return frozenset([" ".join(words)] if words else [])
    return frozenset(" ".join(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1))


def _jaccard(a: frozenset, b: frozenset) -> float:
    if not a and not b:
        return 1.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def article_similarity(a: str, b: str) -> float:
    """How much wording texts ``a`` and ``b`` share, from 0.0 (none) to 1.0 (the same words in
    the same order). Two texts without any words are the same (1.0).

    >>> article_similarity("Lukashenko proposed a new Helsinki process.", "LUKASHENKO proposed a new “Helsinki” process")
    1.0
    >>> round(article_similarity("a b c d e f", "a b c d e g"), 2)
    0.6
    """
    return _jaccard(shingles(a), shingles(b))


def find_similar(text: str, others: Mapping[str, str], threshold: float = NEAR_DUPLICATE) -> list[tuple[str, float]]:
    """The texts of ``others`` (name -> text) at least ``threshold`` similar to ``text``, as
    (name, similarity), most similar first (ties by name).

    >>> find_similar("one two three four", {"a": "One two three four!", "b": "five six seven"})
    [('a', 1.0)]
    """
    mine = shingles(text)
    found = [(name, similarity) for name, other in others.items()
             if (similarity := _jaccard(mine, shingles(other))) >= threshold]
    return sorted(found, key=lambda item: (-item[1], item[0]))


def find_similar_pairs(texts: Mapping[str, str], threshold: float = NEAR_DUPLICATE) -> list[tuple[str, str, float]]:
    """Every pair of ``texts`` (name -> text) at least ``threshold`` similar, as (first name,
    second name, similarity) with the names in sorted order, the pairs sorted by name.
    ``threshold`` must be above 0.

    >>> find_similar_pairs({"b": "one two three four", "a": "one two three four", "c": "five six seven"})
    [('a', 'b', 1.0)]
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    sets = {name: shingles(texts[name]) for name in sorted(texts)}
    frequency = Counter(token for tokens in sets.values() for token in tokens)
    index: dict[str, list[str]] = defaultdict(list)
    candidates: set[tuple[str, str]] = set()
    for name, tokens in sets.items():
        # Ordered rarest first: two sets with Jaccard >= t share a token among the first
        # |s| - ceil(t * |s|) + 1 of each, so indexing those prefixes finds every pair.
        ordered = sorted(tokens, key=lambda token: (frequency[token], token))
        prefix = len(ordered) - math.ceil(threshold * len(ordered)) + 1
        for token in ordered[:prefix]:
            for other in index[token]:
                candidates.add((other, name))
            index[token].append(name)
    empty = sorted(name for name, tokens in sets.items() if not tokens)  # no prefix to share
    candidates.update((a, b) for i, a in enumerate(empty) for b in empty[i + 1:])
    pairs = [(a, b, similarity) for a, b in candidates if (similarity := _jaccard(sets[a], sets[b])) >= threshold]
    return sorted(pairs)
