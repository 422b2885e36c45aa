"""FollowTheMoney entities for Aleph and OpenAleph: one JSON object a line (``ftm validate``,
``alephclient write-entities`` and ``ftm`` read this form).

What each of our entity types becomes, by the FtM schema that says the same thing:

=============  ================  ==========================================================
ours           FtM schema        why
=============  ================  ==========================================================
Person         Person
Organisation   Organization
State          PublicBody        a state acts (proposes, is a member); FtM countries are
                                 only property values, and PublicBody is the Organization
                                 that is the state's own
Initiative     Project           "an activity carried out by a group of participants"
Event          Event
Place          Address           FtM's located thing (``full`` = the place's name)
Topic          (left out)        FtM has no schema for a subject or concept
Document       (left out)        FtM's Document is a file and needs its file name; a treaty
                                 named in an article has none
=============  ================  ==========================================================

Each article is an ``Article`` (title, publisher, publication date, file name, address, text), linked to
every entity its statements name by a ``Documentation``. Each statement becomes one relation
entity, carrying its quote as ``summary``, the article as ``proof``, the date at the article's
precision as ``date`` (a year stays a year), the speaker, role, date text and modality in
``description``, and the statement's IRI as ``recordId``:

* ``memberOf``/``partyTo`` an organisation: ``Membership``;
* ``holdsPosition`` with its role: ``Occupancy`` of a ``Position`` named by the role's words
  and tied to the organisation or state;
* ``counterpartOf`` between people: ``Associate``;
* ``involves`` from an initiative to an actor: ``ProjectParticipant``, role = the involvement;
* everything else: ``UnknownLink`` whose ``role`` is the relation's label.

Statements about a topic or a document are left out with those entities (:attr:`FtmExport.left_out`).
Ids are deterministic: ``newsgraph-entity-<our id>`` for registry entities, and
``newsgraph-<kind>-<sha1 of our IRI>`` for articles, statements, positions and documentation.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from . import iris
from .export import json_text, read_records
from .export_dates import iso_prefix, precision_of
from .vocabulary import EntityType, Modality, stored_member

ID_PREFIX = "newsgraph"

FTM_SCHEMA: dict[EntityType, str | None] = {
    EntityType.PERSON: "Person",
    EntityType.ORGANISATION: "Organization",
    EntityType.STATE: "PublicBody",
    EntityType.INITIATIVE: "Project",
    EntityType.EVENT: "Event",
    EntityType.PLACE: "Address",
    EntityType.TOPIC: None,
    EntityType.DOCUMENT: None,
}
"""The FtM schema of each entity type; None: left out (see the module's docstring)."""

# The FtM ranges the relation schemata need (followthemoney's model: Membership.member is a
# LegalEntity, Membership.organization and Position.organization an Organization, ...).
_LEGAL_ENTITY = frozenset({"Person", "Organization", "PublicBody"})
_ORGANIZATION = frozenset({"Organization", "PublicBody"})
_FTM_ID = re.compile(r"[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?")


@dataclass(frozen=True)
class FtmExport:
    """The entities (FtM's dict form, in output order) and the IRIs of the statements left out."""

    entities: tuple[dict, ...]
    left_out: tuple[str, ...]


def entity_ftm_id(entity_id: str) -> str:
    """The FtM id of a registry entity: readable, since registry ids are already valid FtM ids.

    >>> entity_ftm_id("helsinki-2")
    'newsgraph-entity-helsinki-2'
    """
    if _FTM_ID.fullmatch(entity_id):
        return f"{ID_PREFIX}-entity-{entity_id}"
    return hashed_ftm_id("entity", iris.entity_iri(entity_id))


def hashed_ftm_id(kind: str, *key: str) -> str:
    """An FtM id from our IRIs (which hold characters FtM ids may not), the way FtM's ``make_id``
    makes them: a SHA-1 of the key."""
    return f"{ID_PREFIX}-{kind}-{hashlib.sha1(chr(0x1f).join(key).encode('utf-8')).hexdigest()}"


def _entity(entity_id: str, schema: str, properties: dict[str, list[str | None]]) -> dict:
    """FtM's dict form; a property whose values are all missing is left out, not written empty."""
    present = {name: [v for v in values if v] for name, values in properties.items()}
    return {"id": entity_id, "schema": schema, "properties": {name: vs for name, vs in present.items() if vs}}


def build_ftm(store) -> FtmExport:
    """Every entity, article and relation FtM can express, as FtM entity dicts."""
    schema_of: dict[str, str | None] = {}
    entities = []
    for row in read_records(store, "projection-entities"):
        schema = FTM_SCHEMA[stored_member(EntityType, row["type"])]
        schema_of[row["id"]] = schema
        if schema is None:
            continue
        aliases = sorted({a for a in (row["aliases"] or "").split("\x1f") if a} - {row["label"]})
        properties = {"name": [row["label"]], "alias": aliases, "description": [row["description"]]}
        if schema == "Address":
            properties["full"] = [row["label"]]
        entities.append(_entity(entity_ftm_id(row["id"]), schema, properties))

    articles = []
    for row in read_records(store, "export-articles"):
        precision = precision_of(row["precision"])
        articles.append(_entity(hashed_ftm_id("article", row["article"]), "Article", {
            "title": [row["title"]], "fileName": [row["fileName"]], "publisher": [row["publisher"]],
            "sourceUrl": [row["url"]],
            "publishedAt": [iso_prefix(row["date"], precision)] if precision else [],
            "bodyText": [row["text"]],
        }))

    positions: dict[str, dict] = {}
    relations, left_out = [], []
    mentioned: set[tuple[str, str]] = set()
    for row in read_records(store, "export-statements"):
        subject, obj = schema_of.get(row["subjectId"]), schema_of.get(row["objectId"])
        article = iris.article_iri(row["articleId"])
        for named in (row["subjectId"], row["objectId"], row["speakerId"]):
            if named and schema_of.get(named):
                mentioned.add((article, named))
        if subject is None or obj is None:
            left_out.append(row["statement"])
            continue
        relations.extend(_relation(row, subject, obj, positions))

    documentation = [
        _entity(hashed_ftm_id("documentation", article, iris.entity_iri(named)), "Documentation",
                {"document": [hashed_ftm_id("article", article)], "entity": [entity_ftm_id(named)]})
        for article, named in mentioned]
    groups = (articles, entities, list(positions.values()), relations, documentation)
    ordered = tuple(e for group in groups for e in sorted(group, key=lambda e: e["id"]))
    return FtmExport(ordered, tuple(left_out))


def _relation(row: dict, subject: str, obj: str, positions: dict[str, dict]) -> Iterator[dict]:
    predicate = row["predicate"].removeprefix(iris.KG_NS)
    s, o = entity_ftm_id(row["subjectId"]), entity_ftm_id(row["objectId"])
    role_is_position = False
    if predicate in ("memberOf", "partyTo") and subject in _LEGAL_ENTITY and obj in _ORGANIZATION:
        schema, ends = "Membership", {"member": [s], "organization": [o]}
    elif predicate == "holdsPosition" and row["role"] and subject == "Person" and obj in _ORGANIZATION:
        # One Position per (organisation, role as worded): "Foreign Minister" of Belarus is not
        # Russia's, and two wordings stay two posts rather than a guess that they are one.
        post = hashed_ftm_id("position", iris.entity_iri(row["objectId"]), row["role"])
        positions[post] = _entity(post, "Position", {"name": [row["role"]], "organization": [o]})
        schema, ends, role_is_position = "Occupancy", {"holder": [s], "post": [post]}, True
    elif predicate == "counterpartOf" and subject == obj == "Person":
        schema, ends = "Associate", {"person": [s], "associate": [o], "relationship": [row["predicateLabel"]]}
    elif predicate == "involves" and subject == "Project" and obj in _LEGAL_ENTITY:
        schema, ends = "ProjectParticipant", {"project": [s], "participant": [o], "role": [row["involvement"]]}
    else:
        schema, ends = "UnknownLink", {"subject": [s], "object": [o], "role": [row["predicateLabel"]]}
    precision = precision_of(row["precision"])
    yield _entity(hashed_ftm_id("statement", row["statement"]), schema, {
        **ends,
        "summary": [row["quote"]],
        "description": [_description(row, role_is_position)],
        "date": [iso_prefix(row["date"], precision)] if precision else [],
        "proof": [hashed_ftm_id("article", iris.article_iri(row["articleId"]))],
        "recordId": [row["statement"]],
    })


def _description(row: dict, role_is_position: bool) -> str:
    """What the relation's schema has no property for, in words: who said it, in what role,
    when as the article words it, and how firmly."""
    parts = [f"{row['subjectLabel']} {row['predicateLabel']} {row['objectLabel']}"]
    if row["speakerLabel"]:
        parts.append(f"speaker: {row['speakerLabel']}")
    if row["role"] and not role_is_position:
        parts.append(f"role: {row['role']}")
    if row["dateText"]:
        parts.append(f"date: {row['dateText']}")
    if row["involvement"]:
        parts.append(f"involvement: {row['involvement']}")
    modality = stored_member(Modality, row["modality"])
    if modality is not Modality.ASSERTED:
        parts.append(f"modality: {modality.value}")
    return "; ".join(parts)


def write_ftm(store) -> bytes:
    """The FtM entities as JSON lines (UTF-8), byte-identical for the same store."""
    return "".join(json_text(entity) + "\n" for entity in build_ftm(store).entities).encode("utf-8")
