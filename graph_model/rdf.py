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

import functools
import hashlib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Literal, URIRef

from . import iris
from .corpus import Corpus, Statement
from .languages import check_language_tag
from .textmatch import normalise
from .validate import ValidationReport
from .vocabulary import PREFIXES, STATEMENT, article_iri, entity_iri

Quad = tuple[URIRef, URIRef, URIRef | Literal, URIRef]


@functools.cache
def _node(iri: str) -> ox.NamedNode:
    """The pyoxigraph node of ``iri``: the graph is made of pyoxigraph terms (built and written
    by Rust, several times faster than rdflib's), one node object per IRI."""
    return ox.NamedNode(str(iri))


def _term(prefix: str):
    namespace = PREFIXES[prefix]
    return lambda name: _node(namespace + name)


_rdf, _rdfs, _xsd, _kg = _term("rdf"), _term("rdfs"), _term("xsd"), _term("kg")
_oa, _prov, _schema, _skos, _dcterms = _term("oa"), _term("prov"), _term("schema"), _term("skos"), _term("dcterms")
TYPE = _rdf("type")
ENTITIES_GRAPH = _node(iris.ENTITIES_GRAPH)


def _string(text: str) -> ox.Literal:
    return ox.Literal(text)


def _typed(text: str, datatype) -> ox.Literal:
    return ox.Literal(text, datatype=_node(str(datatype)))


def statement_iri(statement: Statement) -> URIRef:
    """A content-derived IRI: stable when statements are reordered or lines move.

    The hash covers subject, predicate, object and the normalised quote, which validation
    guarantees unique within an article.
    """
    key = "\x1f".join((statement.subject, statement.predicate, statement.object, normalise(statement.quote)[0]))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return STATEMENT[f"{statement.article_id}/{digest}"]


def generate_quads(corpus: Corpus, report: ValidationReport) -> Iterator[Quad]:
    """Yield every quad of the dataset as rdflib terms, deterministically ordered.

    ``report`` must come from :func:`graph_model.validate.validate_corpus` on the same corpus
    and conform; it supplies the quote offsets and parsed dates. (The build itself uses
    :func:`article_graph_quads` and :func:`entity_quads`, which give pyoxigraph terms.)
    """
    quads = entity_quads(corpus.entities.values())
    for mapping in corpus.mappings:
        quads = _chain(quads, article_graph_quads(mapping, corpus.articles[mapping.article_id], report))
    for quad in quads:
        yield tuple(to_rdflib(term) for term in (quad.subject, quad.predicate, quad.object, quad.graph_name))


def _chain(first: Iterable, second: Iterable) -> Iterator:
    yield from first
    yield from second


def article_graph_quads(mapping, article, report: ValidationReport) -> Iterator[ox.Quad]:
    """The quads of one article's named graph: the article and its statements, in order.
    ``report`` holds that article's quote offsets and dates (a per-article report will do)."""
    graph = _node(iris.article_iri(article.id))
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


def entity_quads(entities) -> Iterator[ox.Quad]:
    """The quads of ``entities`` (registry entries) in the entity graph, sorted by id."""
    g = ENTITIES_GRAPH
    Q = ox.Quad
    for entity in sorted(entities, key=lambda e: e.id):
        node = _node(iris.entity_iri(entity.id))
        kind = _node(entity.type.iri)
        yield Q(node, TYPE, kind, g)
        yield Q(node, TYPE, _node(entity.type.standard_class), g)
        yield Q(node, _kg("entityType"), kind, g)
        yield Q(node, _dcterms("identifier"), _string(entity.id), g)
        yield Q(node, _skos("prefLabel"), _string(entity.label), g)
        yield Q(node, _rdfs("label"), _string(entity.label), g)
        tagged = {(alias.value, alias.lang) for alias in entity.tagged_aliases}
        plain = set(entity.aliases) - {value for value, _ in tagged}
        # A tagged alias equal to the label stays: "Minsk"@de says the label is German too.
        labels = {(alias, None) for alias in plain - {entity.label}} | tagged
        for value, lang in sorted(labels, key=lambda label: (label[0], label[1] or "")):
            literal = ox.Literal(value, language=check_language_tag(lang)) if lang else _string(value)
            yield Q(node, _skos("altLabel"), literal, g)
        if entity.description:
            yield Q(node, _schema("description"), _string(entity.description), g)


def _article_quads(mapping, article, graph, report: ValidationReport) -> Iterator[ox.Quad]:
    node = graph
    Q = ox.Quad
    yield Q(node, TYPE, _kg("Article"), graph)
    yield Q(node, TYPE, _schema("NewsArticle"), graph)
    yield Q(node, _dcterms("identifier"), _string(article.id), graph)
    yield Q(node, _kg("fileName"), _string(article.path.name), graph)
    yield Q(node, _kg("sha256"), _string(article.sha256), graph)
    yield Q(node, _schema("articleBody"), _string(article.text), graph)
    yield Q(node, _rdfs("label"), _string(mapping.title or article.id), graph)
    if mapping.title:
        yield Q(node, _dcterms("title"), _string(mapping.title), graph)
    if mapping.publisher:
        yield Q(node, _dcterms("publisher"), _string(mapping.publisher.value), graph)
    if article.id in report.urls:
        yield Q(node, _schema("url"), ox.NamedNode(report.urls[article.id]), graph)
    if article.id in report.languages:
        yield Q(node, _dcterms("language"), _typed(report.languages[article.id], PREFIXES["xsd"] + "language"), graph)
    if mapping.date:
        from .dates import parse_date

        date = parse_date(mapping.date.value)
        yield Q(node, _dcterms("date"), _typed(date.lexical, date.datatype), graph)
        yield Q(node, _kg("datePrecision"), _node(date.precision.iri), graph)
        yield Q(node, _kg("dateText"), _string(date.text), graph)


def _statement_quads(statement: Statement, graph, report: ValidationReport) -> Iterator[ox.Quad]:
    Q = ox.Quad
    subject = _node(iris.entity_iri(statement.subject))
    predicate = _kg(statement.predicate)
    obj = _node(iris.entity_iri(statement.object))
    node_iri = str(statement_iri(statement))
    node = ox.NamedNode(node_iri)
    key = (statement.article_id, statement.line)
    yield Q(subject, predicate, obj, graph)
    yield Q(node, TYPE, _kg("Statement"), graph)
    yield Q(node, _rdf("subject"), subject, graph)
    yield Q(node, _rdf("predicate"), predicate, graph)
    yield Q(node, _rdf("object"), obj, graph)
    yield Q(node, _prov("wasDerivedFrom"), graph, graph)
    yield Q(node, _kg("modality"), _node(statement.modality.iri), graph)
    # where it was curated, for the page's evidence card; relative, so the bytes do not depend on
    # where the seeds directory sits
    yield Q(node, _kg("mappingFile"), _string(f"{statement.path.parent.name}/{statement.path.name}"), graph)
    yield Q(node, _kg("mappingLine"), _typed(str(statement.line), PREFIXES["xsd"] + "integer"), graph)
    if statement.speaker:
        yield Q(node, _kg("speaker"), _node(iris.entity_iri(statement.speaker)), graph)
    date = report.dates.get(key)
    if date is not None:
        yield Q(node, _kg("date"), _typed(date.lexical, date.datatype), graph)
        yield Q(node, _kg("datePrecision"), _node(date.precision.iri), graph)
        yield Q(node, _kg("dateText"), _string(date.text), graph)
    if statement.place:
        yield Q(node, _kg("place"), _node(iris.entity_iri(statement.place)), graph)
    if statement.event:
        yield Q(node, _kg("event"), _node(iris.entity_iri(statement.event)), graph)
    if statement.role:
        yield Q(node, _kg("role"), _string(statement.role), graph)
    if statement.involvement:
        yield Q(node, _kg("involvement"), _string(statement.involvement), graph)
    match = report.quote_matches[key]
    annotation = ox.NamedNode(node_iri + "#evidence")
    target = ox.NamedNode(node_iri + "#target")
    quote_selector = ox.NamedNode(node_iri + "#quote")
    position_selector = ox.NamedNode(node_iri + "#position")
    count = PREFIXES["xsd"] + "nonNegativeInteger"
    yield Q(node, _kg("evidence"), annotation, graph)
    yield Q(annotation, TYPE, _oa("Annotation"), graph)
    yield Q(annotation, _oa("motivatedBy"), _oa("describing"), graph)
    yield Q(annotation, _oa("hasBody"), node, graph)
    yield Q(annotation, _oa("hasTarget"), target, graph)
    yield Q(target, TYPE, _oa("SpecificResource"), graph)
    yield Q(target, _oa("hasSource"), graph, graph)
    yield Q(target, _oa("hasSelector"), quote_selector, graph)
    yield Q(target, _oa("hasSelector"), position_selector, graph)
    yield Q(quote_selector, TYPE, _oa("TextQuoteSelector"), graph)
    yield Q(quote_selector, _oa("exact"), _string(match.exact), graph)
    yield Q(quote_selector, _oa("prefix"), _string(match.prefix), graph)
    yield Q(quote_selector, _oa("suffix"), _string(match.suffix), graph)
    yield Q(position_selector, TYPE, _oa("TextPositionSelector"), graph)
    yield Q(position_selector, _oa("start"), _typed(str(match.start), count), graph)
    yield Q(position_selector, _oa("end"), _typed(str(match.end), count), graph)


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


def serialize_nquads(quads) -> bytes:
    """N-Quads for ``quads`` (pyoxigraph quads, or rdflib 4-tuples), one line each, in the order
    given (the bulk-load input). No line break survives inside a line (see above)."""
    from .formats import Format, escape_line_ends

    quads = list(quads)
    if quads and not isinstance(quads[0], ox.Quad):
        quads = [ox.Quad(*(from_rdflib(term) for term in quad)) for quad in quads]
    return escape_line_ends(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"", Format.NQUADS)


def to_rdflib(term):
    """An rdflib term for a pyoxigraph term (IRIs and literals: the graph has no blank nodes)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))


def from_rdflib(term):
    """A pyoxigraph term for an rdflib IRI or literal."""
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=_node(str(term.datatype)) if term.datatype else None)
    return ox.NamedNode(str(term))


_XSD_STRING = PREFIXES["xsd"] + "string"


def to_dataset(quads) -> Dataset:
    """An in-memory rdflib Dataset of ``quads``, with the project's prefixes bound."""
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    dataset.addN((s, p, o, dataset.graph(g)) for s, p, o, g in quads)
    return dataset
