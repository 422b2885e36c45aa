"""Near-duplicate articles: the similarity's properties, the corpus search against comparing every
pair, and the figures on the seed articles."""

from __future__ import annotations

import itertools

from hypothesis import given, settings, strategies as st

from graph_model.similarity import NEAR_DUPLICATE, article_similarity, find_similar, find_similar_pairs

words = st.lists(st.sampled_from("the talks Minsk OSCE Helsinki process new proposed Lukashenko said".split()),
                 max_size=30).map(" ".join)


@given(words, words)
def test_similarity_is_symmetric_bounded_and_one_for_the_same_words(a, b):
    assert article_similarity(a, b) == article_similarity(b, a)
    assert 0.0 <= article_similarity(a, b) <= 1.0
    assert article_similarity(a, a) == 1.0
    assert article_similarity(a, f"  {a.upper()}!\n") == 1.0  # case, spacing, punctuation do not count


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdefgh"), words, max_size=8), st.sampled_from([0.3, 0.5, 0.8, 1.0]))
def test_the_corpus_search_finds_what_comparing_every_pair_finds(texts, threshold):
    every_pair = sorted((a, b, article_similarity(texts[a], texts[b])) for a, b in itertools.combinations(sorted(texts), 2)
                        if article_similarity(texts[a], texts[b]) >= threshold)
    assert find_similar_pairs(texts, threshold) == every_pair


def test_find_similar_orders_by_similarity_then_name():
    text = "one two three four five six seven eight nine ten"
    others = {"b": text, "a": text, "c": text.replace("ten", "eleven"), "d": "something else entirely here"}
    assert find_similar(text, others, 0.5) == [("a", 1.0), ("b", 1.0), ("c", 7 / 9)]  # 7 of 9 shingles shared
    assert find_similar(text, others) == [("a", 1.0), ("b", 1.0)]
    assert NEAR_DUPLICATE == 0.8


def test_figures_on_the_seed_articles(seeds_curated):
    """Five articles on one subject share almost no wording; a copy with a new headline, a
    sentence dropped or a paragraph added stays well above the warning threshold."""
    texts = {p.stem[:3]: p.read_text(encoding="utf-8") for p in sorted((seeds_curated / "articles").glob("*.txt"))}
    pairs = {(a, b): article_similarity(texts[a], texts[b]) for a, b in itertools.combinations(texts, 2)}
    assert max(pairs.values()) < 0.02
    assert find_similar_pairs(texts) == []
    text = texts["001"]
    sentences = text.split(". ")
    assert article_similarity(text, "A new headline\n" + text) > 0.95
    assert article_similarity(text, ". ".join(sentences[:3] + sentences[4:])) > 0.9
    assert article_similarity(text, text + " ".join(texts["000"].split()[:100])) > 0.85
    assert article_similarity(text, text[:len(text) // 2]) < 0.6
