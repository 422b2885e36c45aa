"""The project's IRIs and prefixes as plain strings.

Kept free of rdflib so the query path (``kg query``, ``kg serve``) starts without importing
it; :mod:`graph_model.vocabulary` wraps the same values as rdflib terms.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

BASE = "https://newsgraph.example/"
KG_NS = BASE + "ontology#"
ENT_NS = BASE + "entity/"
ARTICLE_NS = BASE + "article/"
STATEMENT_NS = BASE + "statement/"
GRAPH_NS = BASE + "graph/"
ONTOLOGY_IRI = BASE + "ontology"
ENTITIES_GRAPH = GRAPH_NS + "entities"
ONTOLOGY_GRAPH = GRAPH_NS + "ontology"
BUILD_NS = BASE + "build/"  # the build's record of itself (graph_model.build_state), not data

PREFIXES = {
    "kg": KG_NS,
    "ent": ENT_NS,
    "article": ARTICLE_NS,
    "stmt": STATEMENT_NS,
    "graph": GRAPH_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "oa": "http://www.w3.org/ns/oa#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "dcterms": "http://purl.org/dc/terms/",
}


def entity_iri(entity_id: str) -> str:
    """The IRI of a registry entity.

    >>> entity_iri("helsinki-2")
    'https://newsgraph.example/entity/helsinki-2'
    """
    return ENT_NS + quote(entity_id, safe="-._~")


def article_iri(article_id: str) -> str:
    """The IRI of an article (also the IRI of its named graph)."""
    return ARTICLE_NS + quote(article_id, safe="-._~")


def entity_id_from_iri(iri: str) -> str | None:
    """The registry id of an entity IRI, or None if the IRI is not an entity's."""
    return iri[len(ENT_NS):] if iri.startswith(ENT_NS) else None


def read_ontology_text() -> str:
    """The ontology (``ontology.ttl`` beside this file) as Turtle text."""
    return (Path(__file__).parent / "ontology.ttl").read_text(encoding="utf-8")
