"""W3C Web Annotation export: read back as JSON-LD by rdflib, every selector checked against the
article's text, and the annotations the same RDF as the store holds."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef

from graph_model.export import export_bytes
from graph_model.export_annotation import ANNO_CONTEXT_URL, INLINE_CONTEXT
from graph_model.formats import Format
from graph_model.iris import STATEMENT_NS, article_iri

from .conftest import write_seeds
from .test_export_ftm import HOSTILE_ARTICLE, HOSTILE_ENTITIES, HOSTILE_MAPPING, HOSTILE_QUOTE, HOSTILE_URL, store_of

OA = Namespace("http://www.w3.org/ns/oa#")
AS = Namespace("http://www.w3.org/ns/activitystreams#")

# From the W3C's context, http://www.w3.org/ns/anno.jsonld (Web Annotation Data Model, appendix A),
# for the terms the export uses: what each must mean for a reader that loads the real context.
W3C_TERMS = {
    "id": "@id", "type": "@type", "Annotation": "oa:Annotation", "AnnotationCollection": "as:OrderedCollection",
    "AnnotationPage": "as:OrderedCollectionPage", "SpecificResource": "oa:SpecificResource",
    "TextQuoteSelector": "oa:TextQuoteSelector", "TextPositionSelector": "oa:TextPositionSelector",
    "TextualBody": "oa:TextualBody", "describing": "oa:describing", "motivation": "oa:motivatedBy",
    "purpose": "oa:hasPurpose", "body": "oa:hasBody", "target": "oa:hasTarget", "source": "oa:hasSource",
    "selector": "oa:hasSelector", "exact": "oa:exact", "prefix": "oa:prefix", "suffix": "oa:suffix",
    "start": "oa:start", "end": "oa:end", "value": "rdf:value", "format": "dc:format", "label": "rdfs:label",
    "first": "as:first", "partOf": "as:partOf", "items": "as:items", "total": "as:totalItems",
    "startIndex": "as:startIndex",
}
W3C_TYPES = {"id": "@id", "type": "@id", "body": "@id", "target": "@id", "source": "@id", "selector": "@id",
             "first": "@id", "partOf": "@id", "items": "@id", "motivation": "@vocab", "purpose": "@vocab",
             "start": "xsd:nonNegativeInteger", "end": "xsd:nonNegativeInteger", "total": "xsd:nonNegativeInteger",
             "startIndex": "xsd:nonNegativeInteger"}
W3C_PREFIXES = {"oa": str(OA), "as": str(AS), "rdf": str(RDF), "dc": "http://purl.org/dc/elements/1.1/",
                "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": "http://www.w3.org/2001/XMLSchema#"}


def expand(name: str) -> str:
    prefix, colon, local = name.partition(":")
    return W3C_PREFIXES[prefix] + local if colon else name


def read_offline(data: bytes) -> tuple[dict, Graph]:
    """The document and its RDF as rdflib's JSON-LD parser reads it, without the W3C context's
    URL (not fetchable here): the inline context must carry every term alone."""
    document = json.loads(data)
    assert document["@context"][0] == ANNO_CONTEXT_URL
    offline = dict(document, **{"@context": document["@context"][1:]})
    return document, Graph().parse(data=json.dumps(offline), format="json-ld")


@pytest.fixture(scope="module")
def seed_annotations(seed_store):
    return read_offline(export_bytes(seed_store, "web-annotation"))


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    return store_of(write_seeds(root / "seeds", article=HOSTILE_ARTICLE, entities=HOSTILE_ENTITIES,
                                mapping=HOSTILE_MAPPING))


def selections(graph: Graph):
    """(article IRI, exact, prefix, suffix, start, end) of every annotation's target."""
    for annotation in graph.subjects(RDF.type, OA.Annotation):
        target = graph.value(annotation, OA.hasTarget)
        quote = next(s for s in graph.objects(target, OA.hasSelector) if (s, RDF.type, OA.TextQuoteSelector) in graph)
        position = next(s for s in graph.objects(target, OA.hasSelector)
                        if (s, RDF.type, OA.TextPositionSelector) in graph)
        yield (str(graph.value(target, OA.hasSource)), *(str(graph.value(quote, p)) for p in (OA.exact, OA.prefix, OA.suffix)),
               graph.value(position, OA.start).toPython(), graph.value(position, OA.end).toPython())


def test_every_selector_selects_its_quote_in_the_article(seed_annotations, seed_build):
    _, graph = seed_annotations
    corpus, report = seed_build[0], seed_build[1]
    # an article is the source by the address it was read at, where its mapping gives one
    texts = {report.urls.get(a.id, article_iri(a.id)): a.text for a in corpus.articles.values()}
    found = list(selections(graph))
    assert len(found) == sum(len(m.statements) for m in corpus.mappings) > 200
    for source, exact, prefix, suffix, start, end in found:
        text = texts[source]
        assert text[start:end] == exact
        assert text[:start].endswith(prefix) and text[end:].startswith(suffix)


def test_annotations_are_the_ones_the_store_holds(seed_annotations, seed_store, seed_build):
    _, graph = seed_annotations
    urls = {article_iri(a): url for a, url in seed_build[1].urls.items()}
    stored = [q.triple for q in ox.parse(seed_store.dump(Format.NQUADS), format=ox.RdfFormat.N_QUADS)
              if q.subject.value.startswith(STATEMENT_NS)
              and q.subject.value.rsplit("#", 1)[-1] in ("evidence", "target", "quote", "position")]
    assert len(stored) > 3000
    for triple in stored:
        obj = triple.object
        if isinstance(obj, ox.Literal):
            # Oxigraph keeps xsd:nonNegativeInteger as xsd:integer (the same value); the export
            # gives offsets the datatype the W3C context coerces them to.
            datatype = {str(XSD.integer): XSD.nonNegativeInteger, str(XSD.string): None}.get(
                obj.datatype.value, URIRef(obj.datatype.value))
            term = Literal(obj.value, datatype=datatype)
        else:
            term = URIRef(urls.get(obj.value, obj.value) if triple.predicate.value == str(OA.hasSource) else obj.value)
        assert (URIRef(triple.subject.value), URIRef(triple.predicate.value), term) in graph, triple


def test_bodies_link_and_describe_the_statement(seed_annotations):
    document, graph = seed_annotations
    items = document["first"]["items"]
    assert document["total"] == len(items) and document["type"] == "AnnotationCollection"
    assert {a["motivation"] for a in items} == {"describing"}
    proposal = next(a for a in items if a["target"]["selector"][0]["exact"].startswith("In late 2016 I suggested"))
    statement, textual = proposal["body"]
    assert (URIRef(proposal["id"]), OA.hasBody, URIRef(statement)) in graph
    assert textual == {"type": "TextualBody", "purpose": "describing", "format": "text/plain",
                       "value": "Alexander Lukashenko proposes Helsinki-2"}
    # The page's items are an ordered list in RDF too (as:items is an @list).
    page = graph.value(URIRef(document["id"]), AS.first)
    assert len(list(graph.items(graph.value(page, AS.items)))) == len(items)


def test_hypothesis_shape_of_every_target(seed_annotations):
    document, _ = seed_annotations
    for annotation in document["first"]["items"]:
        target = annotation["target"]
        assert isinstance(target["source"], str)
        quote, position = target["selector"]
        assert quote["type"] == "TextQuoteSelector" and all(isinstance(quote[k], str) for k in ("exact", "prefix", "suffix"))
        assert position["type"] == "TextPositionSelector" and 0 <= position["start"] < position["end"]


def test_inline_context_says_what_the_w3c_context_says(seed_annotations):
    document, _ = seed_annotations
    used = set()

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key != "@context":
                    used.add(key)
                    walk(item)
            if isinstance(value.get("type"), str):
                used.add(value["type"])
            if isinstance(value.get("motivation"), str) or isinstance(value.get("purpose"), str):
                used.update(v for v in (value.get("motivation"), value.get("purpose")) if v)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(document)
    assert used <= set(INLINE_CONTEXT), used - set(INLINE_CONTEXT)
    for term, definition in INLINE_CONTEXT.items():
        iri, coerced = (definition["@id"], definition.get("@type")) if isinstance(definition, dict) else (definition, None)
        assert iri == expand(W3C_TERMS[term]), term
        assert coerced == (expand(W3C_TYPES[term]) if term in W3C_TYPES else None), term
    assert INLINE_CONTEXT["items"]["@container"] == "@list"


def test_untrusted_text_reads_back_exactly(hostile_store, tmp_path):
    data = export_bytes(hostile_store, "web-annotation")
    assert "\u2028" not in data.decode("utf-8")  # escaped, so line-based tools see one line per line
    _, graph = read_offline(data)
    exacts = {exact for _, exact, *_ in selections(graph)}
    assert HOSTILE_QUOTE in exacts
    assert (None, OA.exact, Literal(HOSTILE_QUOTE)) in graph
    assert set(graph.objects(None, OA.hasSource)) == {URIRef(HOSTILE_URL)}


def test_same_store_gives_the_same_bytes(seed_store):
    assert export_bytes(seed_store, "web-annotation") == export_bytes(seed_store, "web-annotation")
