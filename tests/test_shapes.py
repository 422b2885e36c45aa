"""The SHACL data contract (graph_model/shapes.ttl): every constraint has RDF that breaks it and
the exact problem it reports; every constraint is known to matter (removing or loosening it turns
its case red); the real seeds conform; the check scales linearly with article length."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from graph_model.corpus import read_corpus
from graph_model.rdf import generate_quads, node_sources
from graph_model.shapes import check_shapes, format_path, read_shapes
from graph_model.validate import validate_corpus
from graph_model.vocabulary import DCTERMS, KG, OA, PROV, SCHEMA, SKOS, article_iri, entity_iri

from .conftest import TINY_ARTICLE, write_seeds

LUKASHENKO, HELSINKI, OSCE = entity_iri("lukashenko"), entity_iri("helsinki-2"), entity_iri("osce")
ARTICLE = article_iri("001_tiny")
OTHER_ARTICLE = article_iri("002_other")


class Data:
    """The tiny corpus's quads, and the edits a case makes to break one constraint."""

    def __init__(self, quads):
        self.quads = list(quads)
        statements = [s for s, p, o, _ in self.quads if p == RDF.type and o == KG.Statement]
        self.st, self.st2 = statements  # "proposes" (dated, with speaker and role), then "involves"
        self.ev, self.target = URIRef(self.st + "#evidence"), URIRef(self.st + "#target")
        self.quote, self.position = URIRef(self.st + "#quote"), URIRef(self.st + "#position")

    def names(self) -> dict[str, str]:
        return {name: f"<{getattr(self, name)}>" for name in ("st", "st2", "ev", "target", "quote", "position")}

    def value(self, s, p):
        (value,) = [o for s2, p2, o, _ in self.quads if (s2, p2) == (s, p)]
        return value

    def drop(self, s, p) -> None:
        self.quads = [q for q in self.quads if (q[0], q[1]) != (s, p)]

    def add(self, s, p, o) -> None:
        self.quads.append((s, p, o, ARTICLE))

    def swap(self, s, p, o) -> None:
        self.drop(s, p)
        self.add(s, p, o)

    def clone(self, s, new) -> None:
        """Give ``new`` every property ``s`` has: a second, valid node of the same kind."""
        self.quads += [(new, p, o, g) for s2, p, o, g in self.quads if s2 == s]

    def second_selector(self, selector, p, value) -> None:
        """Give the target a second, valid selector like ``selector`` but with ``p`` = ``value``."""
        other = URIRef(selector + "2")
        self.clone(selector, other)
        self.swap(other, p, value)
        self.add(self.target, OA.hasSelector, other)

    def relabel(self, s, new) -> None:
        """Replace ``s`` as a subject by ``new`` (its incoming links stay on ``s``)."""
        self.quads = [(new if q[0] == s else q[0], *q[1:]) for q in self.quads]


@dataclass(frozen=True)
class Case:
    shape: str  # the node shape's local name
    path: str  # the property shape's path as SPARQL text; "" for the node shape's own constraint
    parameter: str  # the constraint parameter, e.g. "minCount"
    break_data: Callable[[Data], None]
    expected: tuple[str, ...]  # Problem.message of each violation; {st} etc. name the nodes

    @property
    def key(self) -> tuple[str, str, str]:
        return self.shape, self.path, self.parameter

    def __str__(self) -> str:
        return " ".join(filter(None, (self.shape, self.path, f"sh:{self.parameter}")))


def case(shape, path, parameter, break_data, *expected):
    return Case(shape, path, parameter, break_data, expected)


def _lang(text="President"):
    return Literal(text, lang="en")


SUBJECT = "a statement needs exactly one subject that is a registered entity"
PREDICATE = "a statement needs exactly one predicate, a kg:Relation of the ontology"
OBJECT = "a statement needs exactly one object that is a registered entity"
ARTICLE_OF = "a statement must come from exactly one article"
EVIDENCE = "a statement needs exactly one evidence annotation"
MODALITY = "a statement needs exactly one kg:Modality"
DATE = "a statement has at most one date, typed xsd:date, xsd:gYearMonth, xsd:gYear or xsd:gMonthDay"
SPEAKER = "a statement has at most one speaker, a registered entity"
PLACE = "a statement has at most one place, a registered entity"
EVENT = "a statement has at most one event, a registered entity"
ROLE = "a statement has at most one role, a plain string"
INVOLVEMENT = "a statement has at most one involvement, a plain string"
PRECISION = "a date needs exactly one kg:DatePrecision"
DATE_TEXT = "a date needs exactly one kg:dateText, a plain string"
BODY = "evidence is about exactly one kg:Statement"
SOURCE = "evidence points into exactly one article"
QUOTE = "evidence needs exactly one quote (TextQuoteSelector)"
POSITION = "evidence needs exactly one position (TextPositionSelector)"
EXACT = "a quote selector needs exactly one non-empty oa:exact string"
PREFIX = "a quote selector has at most one oa:prefix string"
SUFFIX = "a quote selector has at most one oa:suffix string"
START = "a position selector needs exactly one oa:start, an xsd:nonNegativeInteger before oa:end"
END = "a position selector needs exactly one oa:end, an xsd:nonNegativeInteger"
TYPE = "an entity needs exactly one graph_model type"
IDENTIFIER = "an entity needs exactly one dcterms:identifier, its registry id"
PREF_LABEL = "an entity needs exactly one preferred label"
ALIAS = "an alias must be a non-empty string, with or without a language tag"
ENTITY_LABEL = "an entity needs exactly one rdfs:label, for generic tools"
SHA = "an article needs exactly one kg:sha256, 64 lowercase hex digits"
TEXT = "an article needs exactly one schema:articleBody, its text"
FILE_NAME = "an article needs exactly one kg:fileName"
ARTICLE_LABEL = "an article needs exactly one rdfs:label, for generic tools"
ARTICLE_DATE = "an article has at most one date, typed xsd:date, xsd:gYearMonth, xsd:gYear or xsd:gMonthDay"
ARTICLE_URL = "an article has at most one schema:url, an IRI"
ARTICLE_LANGUAGE = "an article has at most one dcterms:language, typed xsd:language"
EXACT_PATH, SOURCE_PATH = "oa:hasTarget/oa:hasSelector/oa:exact", "oa:hasTarget/oa:hasSource"
START_PATH = "oa:hasTarget/oa:hasSelector/oa:start"

CASES = [
    # shapes:Statement
    case("Statement", "", "nodeKind", lambda d: d.clone(d.st, BNode("st")),
         "SHACL: _:st: Value is not of Node Kind sh:IRI [sh:nodeKind]"),
    case("Statement", "rdf:subject", "minCount", lambda d: d.drop(d.st, RDF.subject),
         f"SHACL: {{st}} rdf:subject: {SUBJECT} [sh:minCount]"),
    case("Statement", "rdf:subject", "maxCount", lambda d: d.add(d.st, RDF.subject, OSCE),
         f"SHACL: {{st}} rdf:subject: {SUBJECT} [sh:maxCount]"),
    case("Statement", "rdf:subject", "class", lambda d: d.swap(d.st, RDF.subject, ARTICLE),
         f"SHACL: {{st}} rdf:subject: {SUBJECT} [sh:class, value article:001_tiny]"),
    case("Statement", "rdf:predicate", "minCount", lambda d: d.drop(d.st, RDF.predicate),
         f"SHACL: {{st}} rdf:predicate: {PREDICATE} [sh:minCount]"),
    case("Statement", "rdf:predicate", "maxCount", lambda d: d.add(d.st, RDF.predicate, KG.involves),
         f"SHACL: {{st}} rdf:predicate: {PREDICATE} [sh:maxCount]"),
    case("Statement", "rdf:predicate", "class", lambda d: d.swap(d.st, RDF.predicate, KG.dateText),
         f"SHACL: {{st}} rdf:predicate: {PREDICATE} [sh:class, value kg:dateText]"),
    case("Statement", "rdf:object", "minCount", lambda d: d.drop(d.st, RDF.object),
         f"SHACL: {{st}} rdf:object: {OBJECT} [sh:minCount]"),
    case("Statement", "rdf:object", "maxCount", lambda d: d.add(d.st, RDF.object, OSCE),
         f"SHACL: {{st}} rdf:object: {OBJECT} [sh:maxCount]"),
    case("Statement", "rdf:object", "class", lambda d: d.swap(d.st, RDF.object, KG.Person),
         f"SHACL: {{st}} rdf:object: {OBJECT} [sh:class, value kg:Person]"),
    case("Statement", "prov:wasDerivedFrom", "minCount", lambda d: d.drop(d.st, PROV.wasDerivedFrom),
         f"SHACL: {{st}} prov:wasDerivedFrom: {ARTICLE_OF} [sh:minCount]"),
    case("Statement", "prov:wasDerivedFrom", "maxCount",
         lambda d: (d.clone(ARTICLE, OTHER_ARTICLE), d.add(d.st, PROV.wasDerivedFrom, OTHER_ARTICLE)),
         f"SHACL: {{st}} prov:wasDerivedFrom: {ARTICLE_OF} [sh:maxCount]"),
    case("Statement", "prov:wasDerivedFrom", "class", lambda d: d.swap(d.st, PROV.wasDerivedFrom, OSCE),
         f"SHACL: {{st}} prov:wasDerivedFrom: {ARTICLE_OF} [sh:class, value ent:osce]"),
    case("Statement", "kg:evidence", "minCount", lambda d: d.drop(d.st, KG.evidence),
         f"SHACL: {{st}} kg:evidence: {EVIDENCE} [sh:minCount]"),
    case("Statement", "kg:evidence", "maxCount", lambda d: d.add(d.st, KG.evidence, URIRef(d.st2 + "#evidence")),
         f"SHACL: {{st}} kg:evidence: {EVIDENCE} [sh:maxCount]"),
    case("Statement", "kg:modality", "minCount", lambda d: d.drop(d.st, KG.modality),
         f"SHACL: {{st}} kg:modality: {MODALITY} [sh:minCount]"),
    case("Statement", "kg:modality", "maxCount", lambda d: d.add(d.st, KG.modality, KG.Possible),
         f"SHACL: {{st}} kg:modality: {MODALITY} [sh:maxCount]"),
    case("Statement", "kg:modality", "class", lambda d: d.swap(d.st, KG.modality, KG.DayPrecision),
         f"SHACL: {{st}} kg:modality: {MODALITY} [sh:class, value kg:DayPrecision]"),
    case("Statement", "kg:date", "maxCount", lambda d: d.add(d.st, KG.date, Literal("2017", datatype=XSD.gYear)),
         f"SHACL: {{st}} kg:date: {DATE} [sh:maxCount]"),
    case("Statement", "kg:date", "or", lambda d: d.swap(d.st, KG.date, Literal(2017)),
         f'SHACL: {{st}} kg:date: {DATE} [sh:or, value "2017"^^xsd:integer]'),
    case("Statement", "kg:speaker", "maxCount", lambda d: d.add(d.st, KG.speaker, OSCE),
         f"SHACL: {{st}} kg:speaker: {SPEAKER} [sh:maxCount]"),
    case("Statement", "kg:speaker", "class", lambda d: d.swap(d.st, KG.speaker, ARTICLE),
         f"SHACL: {{st}} kg:speaker: {SPEAKER} [sh:class, value article:001_tiny]"),
    case("Statement", "kg:place", "maxCount", lambda d: (d.add(d.st, KG.place, OSCE), d.add(d.st, KG.place, HELSINKI)),
         f"SHACL: {{st}} kg:place: {PLACE} [sh:maxCount]"),
    case("Statement", "kg:place", "class", lambda d: d.add(d.st, KG.place, Literal("Minsk")),
         f'SHACL: {{st}} kg:place: {PLACE} [sh:class, value "Minsk"]'),
    case("Statement", "kg:event", "maxCount", lambda d: (d.add(d.st, KG.event, OSCE), d.add(d.st, KG.event, HELSINKI)),
         f"SHACL: {{st}} kg:event: {EVENT} [sh:maxCount]"),
    case("Statement", "kg:event", "class", lambda d: d.add(d.st, KG.event, ARTICLE),
         f"SHACL: {{st}} kg:event: {EVENT} [sh:class, value article:001_tiny]"),
    case("Statement", "kg:role", "maxCount", lambda d: d.add(d.st, KG.role, Literal("Head of state")),
         f"SHACL: {{st}} kg:role: {ROLE} [sh:maxCount]"),
    case("Statement", "kg:role", "datatype", lambda d: d.swap(d.st, KG.role, _lang()),
         f'SHACL: {{st}} kg:role: {ROLE} [sh:datatype, value "President"@en]'),
    case("Statement", "kg:involvement", "maxCount", lambda d: d.add(d.st2, KG.involvement, Literal("with")),
         f"SHACL: {{st2}} kg:involvement: {INVOLVEMENT} [sh:maxCount]"),
    case("Statement", "kg:involvement", "datatype", lambda d: d.swap(d.st2, KG.involvement, Literal(1)),
         f'SHACL: {{st2}} kg:involvement: {INVOLVEMENT} [sh:datatype, value "1"^^xsd:integer]'),
    # shapes:Dated (a dated statement here; the article's date is held to the same rules)
    case("Dated", "kg:datePrecision", "minCount", lambda d: d.drop(d.st, KG.datePrecision),
         f"SHACL: {{st}} kg:datePrecision: {PRECISION} [sh:minCount]"),
    case("Dated", "kg:datePrecision", "maxCount", lambda d: d.add(ARTICLE, KG.datePrecision, KG.YearPrecision),
         f"SHACL: article:001_tiny kg:datePrecision: {PRECISION} [sh:maxCount]"),
    case("Dated", "kg:datePrecision", "class", lambda d: d.swap(d.st, KG.datePrecision, KG.Asserted),
         f"SHACL: {{st}} kg:datePrecision: {PRECISION} [sh:class, value kg:Asserted]"),
    case("Dated", "kg:dateText", "minCount", lambda d: d.drop(ARTICLE, KG.dateText),
         f"SHACL: article:001_tiny kg:dateText: {DATE_TEXT} [sh:minCount]"),
    case("Dated", "kg:dateText", "maxCount", lambda d: d.add(d.st, KG.dateText, Literal("July 2017")),
         f"SHACL: {{st}} kg:dateText: {DATE_TEXT} [sh:maxCount]"),
    case("Dated", "kg:dateText", "datatype", lambda d: d.swap(d.st, KG.dateText, _lang("5 July 2017")),
         f'SHACL: {{st}} kg:dateText: {DATE_TEXT} [sh:datatype, value "5 July 2017"@en]'),
    # shapes:Evidence
    case("Evidence", "", "class", lambda d: d.drop(d.ev, RDF.type),
         "SHACL: {ev}: Value does not have class oa:Annotation [sh:class]"),
    case("Evidence", "oa:hasBody", "minCount", lambda d: d.drop(d.ev, OA.hasBody),
         f"SHACL: {{ev}} oa:hasBody: {BODY} [sh:minCount]"),
    case("Evidence", "oa:hasBody", "maxCount", lambda d: d.add(d.ev, OA.hasBody, d.st2),
         f"SHACL: {{ev}} oa:hasBody: {BODY} [sh:maxCount]"),
    case("Evidence", "oa:hasBody", "class", lambda d: d.swap(d.ev, OA.hasBody, LUKASHENKO),
         f"SHACL: {{ev}} oa:hasBody: {BODY} [sh:class, value ent:lukashenko]"),
    case("Evidence", SOURCE_PATH, "minCount", lambda d: d.drop(d.target, OA.hasSource),
         f"SHACL: {{ev}} {SOURCE_PATH}: {SOURCE} [sh:minCount]"),
    case("Evidence", SOURCE_PATH, "maxCount",
         lambda d: (d.clone(ARTICLE, OTHER_ARTICLE), d.add(d.target, OA.hasSource, OTHER_ARTICLE)),
         f"SHACL: {{ev}} {SOURCE_PATH}: {SOURCE} [sh:maxCount]"),
    case("Evidence", SOURCE_PATH, "class", lambda d: d.swap(d.target, OA.hasSource, LUKASHENKO),
         f"SHACL: {{ev}} {SOURCE_PATH}: {SOURCE} [sh:class, value ent:lukashenko]"),
    case("Evidence", EXACT_PATH, "minCount", lambda d: d.drop(d.target, OA.hasSelector),
         f"SHACL: {{ev}} {EXACT_PATH}: {QUOTE} [sh:minCount]",
         f"SHACL: {{ev}} {START_PATH}: {POSITION} [sh:minCount]"),
    case("Evidence", EXACT_PATH, "maxCount", lambda d: d.second_selector(d.quote, OA.exact, Literal("Lukashenko")),
         f"SHACL: {{ev}} {EXACT_PATH}: {QUOTE} [sh:maxCount]"),
    case("Evidence", START_PATH, "minCount", lambda d: d.relabel(d.position, URIRef(d.position + "2")),
         f"SHACL: {{ev}} {START_PATH}: {POSITION} [sh:minCount]"),
    case("Evidence", START_PATH, "maxCount",
         lambda d: d.second_selector(d.position, OA.start, Literal(0, datatype=XSD.nonNegativeInteger)),
         f"SHACL: {{ev}} {START_PATH}: {POSITION} [sh:maxCount]"),
    # shapes:QuoteSelector
    case("QuoteSelector", "oa:exact", "minCount", lambda d: d.drop(d.quote, OA.exact),
         f"SHACL: {{ev}} {EXACT_PATH}: {QUOTE} [sh:minCount]",
         f"SHACL: {{quote}} oa:exact: {EXACT} [sh:minCount]"),
    case("QuoteSelector", "oa:exact", "maxCount", lambda d: d.add(d.quote, OA.exact, Literal("Lukashenko")),
         f"SHACL: {{ev}} {EXACT_PATH}: {QUOTE} [sh:maxCount]",
         f"SHACL: {{quote}} oa:exact: {EXACT} [sh:maxCount]"),
    case("QuoteSelector", "oa:exact", "datatype", lambda d: d.swap(d.quote, OA.exact, _lang("Lukashenko")),
         f'SHACL: {{quote}} oa:exact: {EXACT} [sh:datatype, value "Lukashenko"@en]'),
    case("QuoteSelector", "oa:exact", "minLength", lambda d: d.swap(d.quote, OA.exact, Literal("")),
         f'SHACL: {{quote}} oa:exact: {EXACT} [sh:minLength, value ""]'),
    case("QuoteSelector", "oa:prefix", "maxCount", lambda d: d.add(d.quote, OA.prefix, Literal("President ")),
         f"SHACL: {{quote}} oa:prefix: {PREFIX} [sh:maxCount]"),
    case("QuoteSelector", "oa:prefix", "datatype", lambda d: d.swap(d.quote, OA.prefix, _lang("President ")),
         f'SHACL: {{quote}} oa:prefix: {PREFIX} [sh:datatype, value "President "@en]'),
    case("QuoteSelector", "oa:suffix", "maxCount", lambda d: d.add(d.quote, OA.suffix, Literal(" under")),
         f"SHACL: {{quote}} oa:suffix: {SUFFIX} [sh:maxCount]"),
    case("QuoteSelector", "oa:suffix", "datatype", lambda d: d.swap(d.quote, OA.suffix, _lang(" under")),
         f'SHACL: {{quote}} oa:suffix: {SUFFIX} [sh:datatype, value " under"@en]'),
    # shapes:PositionSelector
    case("PositionSelector", "oa:start", "minCount", lambda d: d.drop(d.position, OA.start),
         f"SHACL: {{ev}} {START_PATH}: {POSITION} [sh:minCount]",
         f"SHACL: {{position}} oa:start: {START} [sh:minCount]"),
    case("PositionSelector", "oa:start", "maxCount",
         lambda d: d.add(d.position, OA.start, Literal(0, datatype=XSD.nonNegativeInteger)),
         f"SHACL: {{ev}} {START_PATH}: {POSITION} [sh:maxCount]",
         f"SHACL: {{position}} oa:start: {START} [sh:maxCount]"),
    case("PositionSelector", "oa:start", "datatype", lambda d: d.swap(d.position, OA.start, Literal(1)),
         f'SHACL: {{position}} oa:start: {START} [sh:datatype, value "1"^^xsd:integer]'),
    case("PositionSelector", "oa:start", "lessThan",
         lambda d: d.swap(d.position, OA.start, d.value(d.position, OA.end)),
         f'SHACL: {{position}} oa:start: {START} [sh:lessThan, value "84"^^xsd:nonNegativeInteger]'),
    case("PositionSelector", "oa:end", "minCount", lambda d: d.drop(d.position, OA.end),
         f"SHACL: {{position}} oa:end: {END} [sh:minCount]"),
    case("PositionSelector", "oa:end", "maxCount",
         lambda d: d.add(d.position, OA.end, Literal(99, datatype=XSD.nonNegativeInteger)),
         f"SHACL: {{position}} oa:end: {END} [sh:maxCount]"),
    case("PositionSelector", "oa:end", "datatype", lambda d: d.swap(d.position, OA.end, Literal(99)),
         f'SHACL: {{position}} oa:end: {END} [sh:datatype, value "99"^^xsd:integer]'),
    # shapes:Entity
    case("Entity", "", "nodeKind", lambda d: d.clone(OSCE, BNode("osce")),
         "SHACL: _:osce: Value is not of Node Kind sh:IRI [sh:nodeKind]"),
    case("Entity", "kg:entityType", "minCount", lambda d: d.drop(OSCE, KG.entityType),
         f"SHACL: ent:osce kg:entityType: {TYPE} [sh:minCount]"),
    case("Entity", "kg:entityType", "maxCount", lambda d: d.add(OSCE, KG.entityType, KG.State),
         f"SHACL: ent:osce kg:entityType: {TYPE} [sh:maxCount]"),
    case("Entity", "kg:entityType", "in", lambda d: d.swap(OSCE, KG.entityType, KG.Article),
         f"SHACL: ent:osce kg:entityType: {TYPE} [sh:in, value kg:Article]"),
    case("Entity", "dcterms:identifier", "minCount", lambda d: d.drop(OSCE, DCTERMS.identifier),
         f"SHACL: ent:osce dcterms:identifier: {IDENTIFIER} [sh:minCount]"),
    case("Entity", "dcterms:identifier", "maxCount", lambda d: d.add(OSCE, DCTERMS.identifier, Literal("osce-2")),
         f"SHACL: ent:osce dcterms:identifier: {IDENTIFIER} [sh:maxCount]"),
    case("Entity", "dcterms:identifier", "datatype", lambda d: d.swap(OSCE, DCTERMS.identifier, URIRef(OSCE)),
         f"SHACL: ent:osce dcterms:identifier: {IDENTIFIER} [sh:datatype]"),
    case("Entity", "skos:prefLabel", "minCount", lambda d: d.drop(OSCE, SKOS.prefLabel),
         f"SHACL: ent:osce skos:prefLabel: {PREF_LABEL} [sh:minCount]"),
    case("Entity", "skos:prefLabel", "maxCount", lambda d: d.add(OSCE, SKOS.prefLabel, Literal("Organization")),
         f"SHACL: ent:osce skos:prefLabel: {PREF_LABEL} [sh:maxCount]"),
    case("Entity", "skos:prefLabel", "datatype", lambda d: d.swap(OSCE, SKOS.prefLabel, _lang("OSCE")),
         f'SHACL: ent:osce skos:prefLabel: {PREF_LABEL} [sh:datatype, value "OSCE"@en]'),
    case("Entity", "skos:prefLabel", "minLength", lambda d: d.swap(OSCE, SKOS.prefLabel, Literal("")),
         f'SHACL: ent:osce skos:prefLabel: {PREF_LABEL} [sh:minLength, value ""]'),
    case("Entity", "skos:altLabel", "or", lambda d: d.swap(LUKASHENKO, SKOS.altLabel, Literal(1)),
         f'SHACL: ent:lukashenko skos:altLabel: {ALIAS} [sh:or, value "1"^^xsd:integer]'),
    case("Entity", "skos:altLabel", "minLength", lambda d: d.swap(LUKASHENKO, SKOS.altLabel, Literal("")),
         f'SHACL: ent:lukashenko skos:altLabel: {ALIAS} [sh:minLength, value ""]'),
    case("Entity", "rdfs:label", "minCount", lambda d: d.drop(OSCE, RDFS.label),
         f"SHACL: ent:osce rdfs:label: {ENTITY_LABEL} [sh:minCount]"),
    case("Entity", "rdfs:label", "maxCount", lambda d: d.add(OSCE, RDFS.label, Literal("Organization")),
         f"SHACL: ent:osce rdfs:label: {ENTITY_LABEL} [sh:maxCount]"),
    case("Entity", "rdfs:label", "datatype", lambda d: d.swap(OSCE, RDFS.label, _lang("OSCE")),
         f'SHACL: ent:osce rdfs:label: {ENTITY_LABEL} [sh:datatype, value "OSCE"@en]'),
    # shapes:Article
    case("Article", "", "nodeKind", lambda d: d.clone(ARTICLE, BNode("article")),
         "SHACL: _:article: Value is not of Node Kind sh:IRI [sh:nodeKind]"),
    case("Article", "kg:sha256", "minCount", lambda d: d.drop(ARTICLE, KG.sha256),
         f"SHACL: article:001_tiny kg:sha256: {SHA} [sh:minCount]"),
    case("Article", "kg:sha256", "maxCount", lambda d: d.add(ARTICLE, KG.sha256, Literal("0" * 64)),
         f"SHACL: article:001_tiny kg:sha256: {SHA} [sh:maxCount]"),
    case("Article", "kg:sha256", "datatype",
         lambda d: d.swap(ARTICLE, KG.sha256, Literal("0" * 64, datatype=XSD.hexBinary)),
         f'SHACL: article:001_tiny kg:sha256: {SHA} [sh:datatype, value "{"0" * 64}"^^xsd:hexBinary]'),
    case("Article", "kg:sha256", "pattern", lambda d: d.swap(ARTICLE, KG.sha256, Literal("A" * 64)),
         f'SHACL: article:001_tiny kg:sha256: {SHA} [sh:pattern, value "{"A" * 64}"]'),
    # The pattern's $ lets a final newline through (Python's re); sh:maxLength does not.
    case("Article", "kg:sha256", "maxLength", lambda d: d.swap(ARTICLE, KG.sha256, Literal("0" * 64 + "\n")),
         f'SHACL: article:001_tiny kg:sha256: {SHA} [sh:maxLength, value "{"0" * 64}…"]'),
    case("Article", "schema:articleBody", "minCount", lambda d: d.drop(ARTICLE, SCHEMA.articleBody),
         f"SHACL: article:001_tiny schema:articleBody: {TEXT} [sh:minCount]"),
    case("Article", "schema:articleBody", "maxCount", lambda d: d.add(ARTICLE, SCHEMA.articleBody, Literal("x")),
         f"SHACL: article:001_tiny schema:articleBody: {TEXT} [sh:maxCount]"),
    case("Article", "schema:articleBody", "datatype", lambda d: d.swap(ARTICLE, SCHEMA.articleBody, _lang("x")),
         f'SHACL: article:001_tiny schema:articleBody: {TEXT} [sh:datatype, value "x"@en]'),
    case("Article", "kg:fileName", "minCount", lambda d: d.drop(ARTICLE, KG.fileName),
         f"SHACL: article:001_tiny kg:fileName: {FILE_NAME} [sh:minCount]"),
    case("Article", "kg:fileName", "maxCount", lambda d: d.add(ARTICLE, KG.fileName, Literal("002.txt")),
         f"SHACL: article:001_tiny kg:fileName: {FILE_NAME} [sh:maxCount]"),
    case("Article", "kg:fileName", "datatype", lambda d: d.swap(ARTICLE, KG.fileName, URIRef("file:///001.txt")),
         f"SHACL: article:001_tiny kg:fileName: {FILE_NAME} [sh:datatype, value <file:///001.txt>]"),
    case("Article", "rdfs:label", "minCount", lambda d: d.drop(ARTICLE, RDFS.label),
         f"SHACL: article:001_tiny rdfs:label: {ARTICLE_LABEL} [sh:minCount]"),
    case("Article", "rdfs:label", "maxCount", lambda d: d.add(ARTICLE, RDFS.label, Literal("tiny")),
         f"SHACL: article:001_tiny rdfs:label: {ARTICLE_LABEL} [sh:maxCount]"),
    case("Article", "rdfs:label", "datatype", lambda d: d.swap(ARTICLE, RDFS.label, _lang("tiny")),
         f'SHACL: article:001_tiny rdfs:label: {ARTICLE_LABEL} [sh:datatype, value "tiny"@en]'),
    case("Article", "dcterms:date", "maxCount",
         lambda d: d.add(ARTICLE, DCTERMS.date, Literal("2017-07", datatype=XSD.gYearMonth)),
         f"SHACL: article:001_tiny dcterms:date: {ARTICLE_DATE} [sh:maxCount]"),
    case("Article", "dcterms:date", "or", lambda d: d.swap(ARTICLE, DCTERMS.date, Literal(2017)),
         f'SHACL: article:001_tiny dcterms:date: {ARTICLE_DATE} [sh:or, value "2017"^^xsd:integer]'),
    case("Article", "schema:url", "maxCount",
         lambda d: (d.add(ARTICLE, SCHEMA.url, URIRef("https://a.example/1")),
                    d.add(ARTICLE, SCHEMA.url, URIRef("https://a.example/2"))),
         f"SHACL: article:001_tiny schema:url: {ARTICLE_URL} [sh:maxCount]"),
    case("Article", "schema:url", "nodeKind", lambda d: d.add(ARTICLE, SCHEMA.url, Literal("https://a.example/1")),
         f'SHACL: article:001_tiny schema:url: {ARTICLE_URL} [sh:nodeKind, value "https://a.example/1"]'),
    case("Article", "dcterms:language", "maxCount",
         lambda d: (d.add(ARTICLE, DCTERMS.language, Literal("en", datatype=XSD.language)),
                    d.add(ARTICLE, DCTERMS.language, Literal("de", datatype=XSD.language))),
         f"SHACL: article:001_tiny dcterms:language: {ARTICLE_LANGUAGE} [sh:maxCount]"),
    case("Article", "dcterms:language", "datatype", lambda d: d.add(ARTICLE, DCTERMS.language, Literal("en")),
         f'SHACL: article:001_tiny dcterms:language: {ARTICLE_LANGUAGE} [sh:datatype, value "en"]'),
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """(corpus, quads) of the tiny seeds."""
    seeds = write_seeds(tmp_path_factory.mktemp("tiny") / "seeds")
    corpus = read_corpus(seeds)
    report = validate_corpus(corpus)
    assert report.conforms, report.problems
    return corpus, list(generate_quads(corpus, report))


def _violations(quads, **kwargs) -> list[str]:
    return [p.message for p in check_shapes(quads, **kwargs)]


def _broken(case: Case, quads) -> tuple[Data, list[str]]:
    data = Data(quads)
    case.break_data(data)
    return data, sorted(line.format(**data.names()) for line in case.expected)


def test_the_tiny_corpus_conforms(tiny):
    assert _violations(tiny[1]) == []


def test_the_seeds_conform(seeds_curated):
    corpus = read_corpus(seeds_curated)
    report = validate_corpus(corpus)
    assert report.conforms, [str(p) for p in report.problems]
    assert [str(p) for p in check_shapes(generate_quads(corpus, report))] == []


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_constraint_reports_rdf_that_breaks_it(tiny, case):
    data, expected = _broken(case, tiny[1])
    assert _violations(data.quads) == expected


def _constraints(shapes: Graph) -> dict[tuple[str, str, str], tuple]:
    """Every constraint of the shapes graph, keyed like Case.key, with the triple that states it."""
    not_constraints = {RDF.type, SH.property, SH.path, SH.message, SH.targetClass, SH.targetSubjectsOf,
                       SH.targetObjectsOf, SH.targetNode, SH.name, SH.description, SH.severity}
    found = {}
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        name = str(shape).rpartition("#")[2]
        nodes = [(shape, "")] + [(p, format_path(shapes, shapes.value(p, SH.path), shapes.namespace_manager))
                                 for p in shapes.objects(shape, SH.property)]
        for node, path in nodes:
            for parameter, value in shapes.predicate_objects(node):
                if parameter not in not_constraints:
                    found[(name, path, str(parameter).removeprefix(str(SH)))] = (node, parameter, value)
    return found


def test_every_constraint_has_a_violation_case():
    """A constraint added to shapes.ttl without a case here, or a case whose constraint is gone, fails."""
    shapes = read_shapes()
    constraints = set(_constraints(shapes))
    cases = [c.key for c in CASES]
    assert len(cases) == len(set(cases)), "two cases for one constraint"
    assert sorted(constraints - set(cases)) == [], "constraints in shapes.ttl with no case"
    assert sorted(set(cases) - constraints) == [], "cases for constraints shapes.ttl does not have"


def _loosened(shapes: Graph, node, parameter, value) -> list[Graph]:
    """Mutants of ``shapes`` where one constraint is deleted, or relaxed by one step."""
    deleted = Graph() + shapes
    deleted.remove((node, parameter, value))
    mutants = [deleted]
    relax = {SH.minCount: -1, SH.minLength: -1, SH.maxCount: 1, SH.maxLength: 1}
    if parameter in relax:
        relaxed = Graph() + shapes
        relaxed.set((node, parameter, Literal(int(value) + relax[parameter])))
        mutants.append(relaxed)
    if parameter in (SH["in"], SH["or"]):  # one more allowed choice
        relaxed = Graph() + shapes
        extra = KG.Article if parameter == SH["in"] else BNode()
        if parameter == SH["or"]:
            relaxed.add((extra, SH.datatype, XSD.integer))
        Collection(relaxed, value).append(extra)
        mutants.append(relaxed)
    return mutants


def test_deleting_or_loosening_any_constraint_turns_its_case_red(tiny):
    """Mutation test of the contract: each case catches its own constraint being weakened."""
    shapes = read_shapes()
    constraints = _constraints(shapes)
    survivors = []
    for case in CASES:
        data, expected = _broken(case, tiny[1])
        for number, mutant in enumerate(_loosened(shapes, *constraints[case.key])):
            if _violations(data.quads, shapes=mutant) == expected:
                survivors.append(f"{case} (mutant {number})")
    assert survivors == []


def test_a_violation_names_the_seeds_file_and_line_it_comes_from(tiny):
    corpus, quads = tiny
    data = Data(quads)
    data.drop(data.st, KG.modality)
    data.swap(OSCE, SKOS.prefLabel, Literal(""))
    problems = check_shapes(data.quads, sources=node_sources(corpus))
    mapping, entities = corpus.mappings[0].path, corpus.entities["osce"].path
    assert [(p.path, p.line, p.message.split(": ")[-1]) for p in problems] == [
        (entities, corpus.entities["osce"].line, 'an entity needs exactly one preferred label [sh:minLength, value ""]'),
        (mapping, corpus.mappings[0].statements[0].line, "a statement needs exactly one kg:Modality [sh:minCount]"),
    ]


def test_shacl_time_grows_linearly_with_article_length(tmp_path):
    """4x the text may cost at most 6x the time (it cost 20x when the check re-parsed N-Quads text)."""
    paragraph = "The delegates met again and talked at length about many things of no consequence.\n"

    def seconds(megabytes: float) -> float:
        article = TINY_ARTICLE + paragraph * int(megabytes * 1_000_000 / len(paragraph))
        corpus = read_corpus(write_seeds(tmp_path / f"seeds-{megabytes}", article=article))
        report = validate_corpus(corpus)
        quads = list(generate_quads(corpus, report))
        best = float("inf")
        for _ in range(3):  # best of three: the machine is shared
            start = time.perf_counter()
            assert check_shapes(quads) == []
            best = min(best, time.perf_counter() - start)
        return best

    seconds(0.01)  # warm-up: imports and first parses
    small, large = seconds(0.5), seconds(2)
    assert large < 6 * small, f"0.5 MB: {small:.3f} s, 2 MB: {large:.3f} s"
