"""Every quote as a W3C Web Annotation (https://www.w3.org/TR/annotation-model/), in JSON-LD:
one AnnotationCollection whose first page holds them all, in the order of the articles' text.

The annotations are the ones the store already holds (``kg:evidence``), read back with their
IRIs: each targets its article (``source``: the address it was read at where the mapping gives one,
so that a client finds the page, else the article's IRI) with a TextQuoteSelector (exact,
prefix, suffix) and a TextPositionSelector (start, end; code points into the article's text), the
pair Hypothesis and other annotation clients anchor by. Motivation ``describing``; two bodies:
the statement's IRI, and a TextualBody saying it in words ("Alexander Lukashenko proposes
Helsinki-2").

``@context`` is the W3C context, as the model requires, followed by an inline context that maps
every term used here to the IRI the W3C context gives it: a reader that cannot fetch
http://www.w3.org/ns/anno.jsonld (offline, or in a sandbox) can drop it and read the same RDF.
"""

from __future__ import annotations

from .export import json_text, read_records
from .iris import BASE

ANNO_CONTEXT_URL = "http://www.w3.org/ns/anno.jsonld"

_OA = "http://www.w3.org/ns/oa#"
_AS = "http://www.w3.org/ns/activitystreams#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
INLINE_CONTEXT = {
    "id": {"@id": "@id", "@type": "@id"},
    "type": {"@id": "@type", "@type": "@id"},
    "Annotation": _OA + "Annotation",
    "AnnotationCollection": _AS + "OrderedCollection",
    "AnnotationPage": _AS + "OrderedCollectionPage",
    "SpecificResource": _OA + "SpecificResource",
    "TextQuoteSelector": _OA + "TextQuoteSelector",
    "TextPositionSelector": _OA + "TextPositionSelector",
    "TextualBody": _OA + "TextualBody",
    "describing": _OA + "describing",
    "motivation": {"@id": _OA + "motivatedBy", "@type": "@vocab"},
    "purpose": {"@id": _OA + "hasPurpose", "@type": "@vocab"},
    "body": {"@id": _OA + "hasBody", "@type": "@id"},
    "target": {"@id": _OA + "hasTarget", "@type": "@id"},
    "source": {"@id": _OA + "hasSource", "@type": "@id"},
    "selector": {"@id": _OA + "hasSelector", "@type": "@id"},
    "exact": _OA + "exact",
    "prefix": _OA + "prefix",
    "suffix": _OA + "suffix",
    "start": {"@id": _OA + "start", "@type": _XSD + "nonNegativeInteger"},
    "end": {"@id": _OA + "end", "@type": _XSD + "nonNegativeInteger"},
    "value": "http://www.w3.org/1999/02/22-rdf-syntax-ns#value",
    "format": "http://purl.org/dc/elements/1.1/format",
    "label": "http://www.w3.org/2000/01/rdf-schema#label",
    "first": {"@id": _AS + "first", "@type": "@id"},
    "partOf": {"@id": _AS + "partOf", "@type": "@id"},
    "items": {"@id": _AS + "items", "@type": "@id", "@container": "@list"},
    "total": {"@id": _AS + "totalItems", "@type": _XSD + "nonNegativeInteger"},
    "startIndex": {"@id": _AS + "startIndex", "@type": _XSD + "nonNegativeInteger"},
}
"""The terms this export uses, defined exactly as http://www.w3.org/ns/anno.jsonld defines them."""

COLLECTION_IRI = BASE + "annotations"
_MOTIVATIONS = {_OA + "describing": "describing"}


def build_annotations(store) -> dict:
    """The AnnotationCollection of every quote's annotation, as a JSON-LD document."""
    items = [_annotation(row) for row in read_records(store, "export-annotations")]
    page = {"id": COLLECTION_IRI + "/page/1", "type": "AnnotationPage", "partOf": COLLECTION_IRI,
            "startIndex": 0, "items": items}
    return {
        "@context": [ANNO_CONTEXT_URL, INLINE_CONTEXT],
        "id": COLLECTION_IRI, "type": "AnnotationCollection",
        "label": "The quote behind every statement of the graph", "total": len(items), "first": page,
    }


def _annotation(row: dict) -> dict:
    return {
        "id": row["annotation"],
        "type": "Annotation",
        # The store holds the motivation as an IRI; the short name is the W3C context's term for it.
        "motivation": _MOTIVATIONS.get(row["motivation"], row["motivation"]),
        "body": [
            row["statement"],
            {"type": "TextualBody", "purpose": "describing", "format": "text/plain",
             "value": f"{row['subjectLabel']} {row['predicateLabel']} {row['objectLabel']}"},
        ],
        "target": {
            "id": row["target"], "type": "SpecificResource", "source": row["url"] or row["source"],
            "selector": [
                {"id": row["quoteSelector"], "type": "TextQuoteSelector",
                 "exact": row["exact"], "prefix": row["prefix"], "suffix": row["suffix"]},
                {"id": row["positionSelector"], "type": "TextPositionSelector",
                 "start": int(row["start"]), "end": int(row["end"])},
            ],
        },
    }


def write_annotations(store) -> bytes:
    """The annotations as JSON-LD (UTF-8), byte-identical for the same store."""
    return (json_text(build_annotations(store), indent=1) + "\n").encode("utf-8")
