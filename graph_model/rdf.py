"""Stage 3: turn a validated corpus into RDF quads.

Layout (one named graph per article, plus one for the entity registry):

* in the article's graph: the article resource, and for every statement the direct triple
  ``ent:lukashenko kg:proposes ent:helsinki-2`` plus a ``kg:Statement`` node with its
  qualifiers and a Web Annotation whose target selects the quote (TextQuoteSelector and
  TextPositionSelector into ``schema:articleBody``);
* in ``graph:entities``: every entity, typed, labelled (skos:prefLabel, skos:altLabel; an alias
  given with its language as a language-tagged literal) and described.

An article's address is its ``schema:url`` (an IRI), its language ``dcterms:language`` (a BCP 47
tag, typed ``xsd:language``).

No blank nodes: every IRI is derived from the input (article id, entity id, and a hash of the
statement's content), so the same input always gives the same IRIs.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from .corpus import Corpus, Statement
from .languages import check_language_tag
from .textmatch import normalise
from .validate import ValidationReport
from .vocabulary import (
    DCTERMS,
    ENTITIES_GRAPH,
    KG,
    OA,
    PREFIXES,
    PROV,
    SCHEMA,
    SKOS,
    STATEMENT,
    article_iri,
    entity_iri,
)

Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef]


def statement_iri(statement: Statement) -> URIRef:
    """A content-derived IRI: stable when statements are reordered or lines move.

    The hash covers subject, predicate, object and the normalised quote, which validation
    guarantees unique within an article.
    """
    key = "\x1f".join((statement.subject, statement.predicate, statement.object, normalise(statement.quote)[0]))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return STATEMENT[f"{statement.article_id}/{digest}"]


def generate_quads(corpus: Corpus, report: ValidationReport) -> Iterator[Quad]:
    """Yield every quad of the dataset, deterministically ordered.

    ``report`` must come from :func:`graph_model.validate.validate_corpus` on the same corpus
    and conform; it supplies the quote offsets and parsed dates.
    """
    yield from entity_quads(corpus.entities.values())
    for mapping in corpus.mappings:
        yield from article_graph_quads(mapping, corpus.articles[mapping.article_id], report)


def article_graph_quads(mapping, article, report: ValidationReport) -> Iterator[Quad]:
    """The quads of one article's named graph: the article and its statements, in order.
    ``report`` holds that article's quote offsets and dates (a per-article report will do)."""
    graph = article_iri(article.id)
    yield from _article_quads(mapping, article, graph, report)
    for statement in mapping.statements:
        yield from _statement_quads(statement, graph, report)


def node_sources(corpus: Corpus) -> dict[str, tuple[Path, int]]:
    """Where each subject IRI (without its ``#fragment``) comes from: the seeds file and line.

    Lets a SHACL problem on the produced RDF name the input that made it.
    """
    sources = {str(entity_iri(e.id)): (e.path, e.line) for e in corpus.entities.values()}
    for mapping in corpus.mappings:
        sources[str(article_iri(mapping.article_id))] = (mapping.path, mapping.file_line)
        for statement in mapping.statements:
            sources[str(statement_iri(statement))] = (statement.path, statement.line)
    return sources


def entity_quads(entities) -> Iterator[Quad]:
    """The quads of ``entities`` (registry entries) in the entity graph, sorted by id."""
    g = ENTITIES_GRAPH
    for entity in sorted(entities, key=lambda e: e.id):
        node = entity_iri(entity.id)
        yield node, RDF.type, entity.type.iri, g
        yield node, RDF.type, entity.type.standard_class, g
        yield node, KG.entityType, entity.type.iri, g
        yield node, DCTERMS.identifier, Literal(entity.id), g
        yield node, SKOS.prefLabel, Literal(entity.label), g
        yield node, RDFS.label, Literal(entity.label), g
        tagged = {(alias.value, alias.lang) for alias in entity.tagged_aliases}
        plain = set(entity.aliases) - {value for value, _ in tagged}
        # A tagged alias equal to the label stays: "Minsk"@de says the label is German too.
        labels = {(alias, None) for alias in plain - {entity.label}} | tagged
        for value, lang in sorted(labels, key=lambda label: (label[0], label[1] or "")):
            yield node, SKOS.altLabel, Literal(value, lang=lang and check_language_tag(lang)), g
        if entity.description:
            yield node, SCHEMA.description, Literal(entity.description), g


def _article_quads(mapping, article, graph, report: ValidationReport) -> Iterator[Quad]:
    node = graph
    yield node, RDF.type, KG.Article, graph
    yield node, RDF.type, SCHEMA.NewsArticle, graph
    yield node, DCTERMS.identifier, Literal(article.id), graph
    yield node, KG.fileName, Literal(article.path.name), graph
    yield node, KG.sha256, Literal(article.sha256), graph
    yield node, SCHEMA.articleBody, Literal(article.text), graph
    yield node, RDFS.label, Literal(mapping.title or article.id), graph
    if mapping.title:
        yield node, DCTERMS.title, Literal(mapping.title), graph
    if mapping.publisher:
        yield node, DCTERMS.publisher, Literal(mapping.publisher.value), graph
    if article.id in report.urls:
        yield node, SCHEMA.url, URIRef(report.urls[article.id]), graph
    if article.id in report.languages:
        yield node, DCTERMS.language, Literal(report.languages[article.id], datatype=XSD.language), graph
    if mapping.date:
        from .dates import parse_date

        date = parse_date(mapping.date.value)
        yield node, DCTERMS.date, Literal(date.lexical, datatype=date.datatype), graph
        yield node, KG.datePrecision, date.precision.iri, graph
        yield node, KG.dateText, Literal(date.text), graph


def _statement_quads(statement: Statement, graph: URIRef, report: ValidationReport) -> Iterator[Quad]:
    subject = entity_iri(statement.subject)
    predicate = KG[statement.predicate]
    obj = entity_iri(statement.object)
    node = statement_iri(statement)
    key = (statement.article_id, statement.line)
    yield subject, predicate, obj, graph
    yield node, RDF.type, KG.Statement, graph
    yield node, RDF.subject, subject, graph
    yield node, RDF.predicate, predicate, graph
    yield node, RDF.object, obj, graph
    yield node, PROV.wasDerivedFrom, graph, graph
    yield node, KG.modality, statement.modality.iri, graph
    # where it was curated, for the page's evidence card; relative, so the bytes do not depend on
    # where the seeds directory sits
    yield node, KG.mappingFile, Literal(f"{statement.path.parent.name}/{statement.path.name}"), graph
    yield node, KG.mappingLine, Literal(statement.line), graph
    if statement.speaker:
        yield node, KG.speaker, entity_iri(statement.speaker), graph
    date = report.dates.get(key)
    if date is not None:
        yield node, KG.date, Literal(date.lexical, datatype=date.datatype), graph
        yield node, KG.datePrecision, date.precision.iri, graph
        yield node, KG.dateText, Literal(date.text), graph
    if statement.place:
        yield node, KG.place, entity_iri(statement.place), graph
    if statement.event:
        yield node, KG.event, entity_iri(statement.event), graph
    if statement.role:
        yield node, KG.role, Literal(statement.role), graph
    if statement.involvement:
        yield node, KG.involvement, Literal(statement.involvement), graph
    match = report.quote_matches[key]
    annotation = URIRef(node + "#evidence")
    target = URIRef(node + "#target")
    quote_selector = URIRef(node + "#quote")
    position_selector = URIRef(node + "#position")
    yield node, KG.evidence, annotation, graph
    yield annotation, RDF.type, OA.Annotation, graph
    yield annotation, OA.motivatedBy, OA.describing, graph
    yield annotation, OA.hasBody, node, graph
    yield annotation, OA.hasTarget, target, graph
    yield target, RDF.type, OA.SpecificResource, graph
    yield target, OA.hasSource, graph, graph
    yield target, OA.hasSelector, quote_selector, graph
    yield target, OA.hasSelector, position_selector, graph
    yield quote_selector, RDF.type, OA.TextQuoteSelector, graph
    yield quote_selector, OA.exact, Literal(match.exact), graph
    yield quote_selector, OA.prefix, Literal(match.prefix), graph
    yield quote_selector, OA.suffix, Literal(match.suffix), graph
    yield position_selector, RDF.type, OA.TextPositionSelector, graph
    yield position_selector, OA.start, Literal(match.start, datatype=XSD.nonNegativeInteger), graph
    yield position_selector, OA.end, Literal(match.end, datatype=XSD.nonNegativeInteger), graph


# Every character some reader takes as a line end is escaped, not just \n and \r: Python's
# str.splitlines (which rdflib's N-Triples reader and our own tools use) also splits on VT, FF,
# FS/GS/RS, NEL, U+2028 and U+2029, all common in text pasted from PDFs. Control characters take
# the forms canonical N-Triples (RDF 1.2) prescribes: ECHAR where one exists, else UCHAR.
_ECHARS = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_UCHARS = [*map(chr, range(0x20)), "\x7f", "\x85", "\u2028", "\u2029"]
_ESCAPES = {c: f"\\u{ord(c):04X}" for c in _UCHARS} | _ECHARS
# A regex finds the rare characters to escape far faster than str.translate walks a 10 MB body.
_TO_ESCAPE = re.compile("[" + "".join(map(re.escape, _ESCAPES)) + "]")


def escape_literal(text: str) -> str:
    r"""``text`` as the inside of an N-Triples/N-Quads string literal; no line break survives.

    >>> escape_literal('a "b"\u2028c\x0bd\fe')
    'a \\"b\\"\\u2028c\\u000Bd\\fe'
    """
    return _TO_ESCAPE.sub(lambda m: _ESCAPES[m.group()], text)


def _term(term) -> str:
    if isinstance(term, Literal):
        text = f'"{escape_literal(str(term))}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype and term.datatype != XSD.string:
            return f"{text}^^<{term.datatype}>"
        return text
    return f"<{term}>"


def serialize_nquads(quads) -> bytes:
    """N-Quads for ``quads``, one line each, in the order given (the bulk-load input)."""
    return "".join(f"{_term(s)} {_term(p)} {_term(o)} {_term(g)} .\n" for s, p, o, g in quads).encode("utf-8")


def to_dataset(quads) -> Dataset:
    """An in-memory rdflib Dataset of ``quads``, with the project's prefixes bound."""
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    dataset.addN((s, p, o, dataset.graph(g)) for s, p, o, g in quads)
    return dataset
