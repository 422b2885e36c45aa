"""Curation decisions on the seeds (docs/curation-decisions.md) hold: navigation text is no
evidence, entities that the texts keep apart stay apart, and the facts the new relations record are
there. Each test names the rows it expects; an added article adds rows and breaks none."""

from __future__ import annotations

import re

import pytest

from graph_model.corpus import read_corpus


ARTICLE_002 = "002_b4d5144d84c232ef"


@pytest.fixture(scope="module")
def corpus(seeds_curated):
    return read_corpus(seeds_curated)


def triples(corpus):
    return {(m.article_id, s.subject, s.predicate, s.object) for m in corpus.mappings for s in m.statements}


def navigation_lines(text: str) -> list[str]:
    """Lines that point elsewhere rather than state anything: 'SEE: ...', 'Read also: ...'."""
    return [line for line in text.splitlines() if re.match(r"\s*(SEE|See also|Read also|READ MORE)\s*:", line)]


def test_no_quote_is_taken_from_navigation_text(corpus):
    for mapping in corpus.mappings:
        article = corpus.articles[mapping.article_id].text
        for line in navigation_lines(article):
            link_title = line.split(":", 1)[1].strip()
            for statement in mapping.statements:
                assert statement.quote not in line and link_title not in statement.quote, \
                    f"{mapping.article_id}: {statement.quote!r} is navigation text"


def test_article_002_link_title_is_navigation_and_its_facts_come_from_the_body(corpus):
    article = corpus.articles[ARTICLE_002].text
    assert navigation_lines(article) == ["SEE: Belarus President suggests Helsinki-2 process"]
    mapping = next(m for m in corpus.mappings if m.article_id == ARTICLE_002)
    from_body = {(s.subject, s.predicate, s.object, s.role, s.quote) for s in mapping.statements}
    assert ("lukashenko", "proposes", "helsinki-2", "Foreign Minister",
            "We have developed the concept of this proposal, the initiative of our President.") in from_body
    assert ("lukashenko", "holdsPosition", "belarus", "President", "the initiative of our President") in from_body


@pytest.mark.parametrize("first, second", [("migration-processes", "illegal-migration"),
                                           ("consulted-countries", "colleagues-and-partners"),
                                           ("tensions", "information-field-tensions")])
def test_entities_the_texts_keep_apart_are_apart(corpus, first, second):
    one, other = corpus.entities[first], corpus.entities[second]
    assert not ({one.label, *one.aliases} & {other.label, *other.aliases})


def test_statements_point_at_the_entity_their_quote_names(corpus):
    found = triples(corpus)
    assert {("001_193587b326805307", "helsinki-2", "addresses", "migration-processes"),
            ("004_b2aff0031e872d3e", "lukashenko", "expressesConcernAbout", "illegal-migration"),
            ("002_b4d5144d84c232ef", "belarus", "meetsWith", "consulted-countries"),
            ("002_b4d5144d84c232ef", "colleagues-and-partners", "welcomes", "helsinki-2"),
            ("001_193587b326805307", "helsinki-2", "addresses", "tensions"),
            ("004_b2aff0031e872d3e", "good-neighborliness-belt", "addresses", "information-field-tensions")} <= found
    for mapping in corpus.mappings:
        for s in mapping.statements:
            if "illegal-migration" in (s.subject, s.object):
                assert "illegal migration" in s.quote
            if "migration-processes" in (s.subject, s.object):
                assert "migration processes" in s.quote
            if "information-field-tensions" in (s.subject, s.object):
                assert "tensions in the information field" in s.quote
            if "colleagues-and-partners" in (s.subject, s.object):
                assert "colleagues and partners" in s.quote


def test_the_csce_of_article_003_is_the_helsinki_process(corpus):
    assert "csce" not in corpus.entities
    assert "Conference on Security and Cooperation in Europe" in corpus.entities["helsinki-process"].aliases
    assert {("003_213a5d6f32416dc9", "helsinki-2", "modelledOn", "helsinki-process"),
            ("003_213a5d6f32416dc9", "helsinki-process", "ledTo", "helsinki-final-act"),
            ("004_b2aff0031e872d3e", "helsinki-2", "modelledOn", "helsinki-process")} <= triples(corpus)


def test_the_new_relations_record_what_the_texts_state(corpus):
    assert {("002_b4d5144d84c232ef", "belarus", "locatedIn", "europe"),
            ("000_e7ccb706e8c9b9a5", "unfriendly-actions", "ledTo", "mutual-suspicions"),
            ("003_213a5d6f32416dc9", "western-countries-policy", "ledTo", "conflict-in-europe"),
            ("004_b2aff0031e872d3e", "regional-armed-conflicts", "ledTo", "illegal-migration"),
            ("002_b4d5144d84c232ef", "belarus", "cooperatesWith", "leading-geopolitical-players"),
            ("004_b2aff0031e872d3e", "csto", "cooperatesWith", "csto-other-organisations"),
            ("002_b4d5144d84c232ef", "some-countries", "adopts", "national-security-strategies"),
            ("001_193587b326805307", "helsinki-2", "heldIn", "belarus"),
            ("004_b2aff0031e872d3e", "tcg-constructive-dialogue", "partOf", "trilateral-contact-group"),
            } <= triples(corpus)
    # Belarus is the offered venue of the process, not a participant in it
    assert ("001_193587b326805307", "helsinki-2", "involves", "belarus") not in triples(corpus)
    venue = next(s for m in corpus.mappings for s in m.statements
                 if (s.subject, s.predicate, s.object) == ("helsinki-2", "heldIn", "belarus"))
    assert venue.modality == "proposed" and "launching ground" in venue.quote
