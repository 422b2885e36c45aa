"""Namespaces, IRIs and the closed vocabulary of graph_model.

The ontology (``ontology.ttl`` beside this file) is the single source of truth for which
relations exist and which entity types each accepts; :func:`read_relations` reads it.
``KG`` mirrors its terms as a closed rdflib namespace so a typo in code raises at once.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from . import iris
from .errors import StoreError
from .iris import read_ontology_text

ENT = Namespace(iris.ENT_NS)
ARTICLE = Namespace(iris.ARTICLE_NS)
STATEMENT = Namespace(iris.STATEMENT_NS)
GRAPH = Namespace(iris.GRAPH_NS)
ENTITIES_GRAPH = URIRef(iris.ENTITIES_GRAPH)
ONTOLOGY_GRAPH = URIRef(iris.ONTOLOGY_GRAPH)
BASE = iris.BASE
PREFIXES = iris.PREFIXES

SCHEMA = Namespace(PREFIXES["schema"])
OA = Namespace(PREFIXES["oa"])
PROV = Namespace(PREFIXES["prov"])
ORG = Namespace(PREFIXES["org"])
DCTERMS = Namespace(PREFIXES["dcterms"])
SKOS = Namespace(PREFIXES["skos"])


class KG(DefinedNamespace):
    """The graph_model ontology's terms; see ontology.ttl for their meaning."""

    _NS = Namespace(iris.KG_NS)
    _fail = True

    # classes
    Entity: URIRef
    Person: URIRef
    State: URIRef
    Organisation: URIRef
    Initiative: URIRef
    Event: URIRef
    Place: URIRef
    Topic: URIRef
    Document: URIRef
    Article: URIRef
    Statement: URIRef
    Relation: URIRef
    DatePrecision: URIRef
    Modality: URIRef
    # relations
    proposes: URIRef
    promotes: URIRef
    supports: URIRef
    opposes: URIRef
    welcomes: URIRef
    expressesConcernAbout: URIRef
    criticises: URIRef
    discusses: URIRef
    involves: URIRef
    memberOf: URIRef
    partyTo: URIRef
    allyOf: URIRef
    hasAgreementWith: URIRef
    holdsPosition: URIRef
    counterpartOf: URIRef
    participatesIn: URIRef
    meetsWith: URIRef
    modelledOn: URIRef
    partOf: URIRef
    expands: URIRef
    addresses: URIRef
    heldIn: URIRef
    ledTo: URIRef
    concerns: URIRef
    affects: URIRef
    locatedIn: URIRef
    cooperatesWith: URIRef
    adopts: URIRef
    # qualifiers and metadata
    speaker: URIRef
    date: URIRef
    datePrecision: URIRef
    dateText: URIRef
    place: URIRef
    event: URIRef
    role: URIRef
    involvement: URIRef
    modality: URIRef
    evidence: URIRef
    sha256: URIRef
    fileName: URIRef
    mappingFile: URIRef
    mappingLine: URIRef
    entityType: URIRef
    # individuals
    DayPrecision: URIRef
    MonthPrecision: URIRef
    YearPrecision: URIRef
    EarlyYearPrecision: URIRef
    MidYearPrecision: URIRef
    LateYearPrecision: URIRef
    MonthDayPrecision: URIRef
    Asserted: URIRef
    Proposed: URIRef
    Possible: URIRef


class EntityType(str, enum.Enum):
    """The types an entity in the registry may have: the one list of them in code.

    A value is the type's name in the registry YAML and its class in the ontology (``kg:Person``);
    code that reads the graph keys on the IRI (:func:`member_by_iri`), never on a label.
    """

    PERSON = "Person"
    STATE = "State"
    ORGANISATION = "Organisation"
    INITIATIVE = "Initiative"
    EVENT = "Event"
    PLACE = "Place"
    TOPIC = "Topic"
    DOCUMENT = "Document"

    @property
    def iri(self) -> URIRef:
        return KG[self.value]

    @property
    def standard_class(self) -> URIRef:
        """The schema.org / SKOS class most tools understand for this type."""
        return _STANDARD_CLASS[self]


_STANDARD_CLASS = {
    EntityType.PERSON: SCHEMA.Person,
    EntityType.STATE: SCHEMA.Country,
    EntityType.ORGANISATION: SCHEMA.Organization,
    EntityType.INITIATIVE: SCHEMA.Project,
    EntityType.EVENT: SCHEMA.Event,
    EntityType.PLACE: SCHEMA.Place,
    EntityType.TOPIC: SKOS.Concept,
    EntityType.DOCUMENT: SCHEMA.CreativeWork,
}


class Modality(str, enum.Enum):
    """How firmly the text states a statement."""

    ASSERTED = "asserted"
    PROPOSED = "proposed"
    POSSIBLE = "possible"

    @property
    def iri(self) -> URIRef:
        return KG[self.value.capitalize()]


def member_by_iri(kind: type[enum.Enum], iri: str):
    """The member of ``kind`` (an enum whose members have an ``iri``: EntityType, Modality,
    dates.DatePrecision) that ``iri`` names. Code keys on these IRIs, never on their labels.
    Raises ValueError naming the members when none has that IRI.

    >>> member_by_iri(EntityType, "https://newsgraph.example/ontology#Organisation")
    <EntityType.ORGANISATION: 'Organisation'>
    """
    for member in kind:
        if str(member.iri) == str(iri):
            return member
    raise ValueError(f"<{iri}> is no {_kind_and_members(kind)}")


def _kind_and_members(kind: type[enum.Enum]) -> str:
    return f"{kind.__name__} ({', '.join(str(m.value) for m in kind)})"


def stored_member(kind: type[enum.Enum], iri: str):
    """:func:`member_by_iri` for an IRI read from a store: StoreError, with the fix, for one this
    code does not know (a store built by another version of graph_model)."""
    try:
        return member_by_iri(kind, iri)
    except ValueError as exc:
        raise StoreError(f"the store holds <{iri}>, which is no {_kind_and_members(kind)}. It was built by "
                         "another version of graph_model: run 'kg build' again.") from exc


@dataclass(frozen=True)
class Relation:
    """A predicate a statement may use, with the entity types it accepts."""

    name: str
    label: str
    comment: str
    subject_types: frozenset[EntityType]
    object_types: frozenset[EntityType]

    @property
    def iri(self) -> URIRef:
        return KG[self.name]


@functools.cache
def read_relations() -> dict[str, Relation]:
    """Every kg:Relation of the ontology, by name.

    >>> read_relations()["proposes"].label
    'proposes'
    >>> sorted(t.value for t in read_relations()["memberOf"].object_types)
    ['Organisation']
    """
    import pyoxigraph as ox  # the ontology is small; pyoxigraph parses it in ~1 ms

    ns = str(KG._NS)
    by_subject: dict[str, dict[str, list[str]]] = {}
    for quad in ox.parse(read_ontology_text(), format=ox.RdfFormat.TURTLE):
        if not isinstance(quad.subject, ox.NamedNode) or not quad.subject.value.startswith(ns):
            continue
        props = by_subject.setdefault(quad.subject.value[len(ns):], {})
        props.setdefault(quad.predicate.value, []).append(quad.object.value)
    relations = {}
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    for name, props in by_subject.items():
        if ns + "Relation" not in props.get(rdf_type, []):
            continue
        relations[name] = Relation(
            name=name,
            label=props["http://www.w3.org/2000/01/rdf-schema#label"][0],
            comment=props["http://www.w3.org/2000/01/rdf-schema#comment"][0],
            subject_types=frozenset(member_by_iri(EntityType, v) for v in props[str(SCHEMA.domainIncludes)]),
            object_types=frozenset(member_by_iri(EntityType, v) for v in props[str(SCHEMA.rangeIncludes)]),
        )
    return relations


def entity_iri(entity_id: str) -> URIRef:
    """The IRI of a registry entity, as an rdflib term."""
    return URIRef(iris.entity_iri(entity_id))


def article_iri(article_id: str) -> URIRef:
    """The IRI of an article (also the IRI of its named graph), as an rdflib term."""
    return URIRef(iris.article_iri(article_id))
