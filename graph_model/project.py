"""Stage 6: project the stored graph into networkx for analytics and rendering.

:func:`project_graph` returns a ``networkx.MultiDiGraph``: one node per entity, one edge per
distinct (subject, predicate, object) relation keyed by the predicate name, each edge carrying
every statement that supports it (quote, article, speaker, date, offsets).
"""

from __future__ import annotations

from .dates import DatePrecision
from .iris import KG_NS
from .queries import read_internal_query
from .results import QueryResult
from .vocabulary import EntityType, Modality, stored_member


def _records(store, name: str) -> list[dict]:
    return QueryResult.from_pyoxigraph(store.query(read_internal_query(name))).records()


def project_graph(store):
    """The store as a ``networkx.MultiDiGraph``.

    Node attributes: ``label``, ``type`` (an :class:`EntityType` value), ``aliases`` (list),
    ``description``. Edge attributes (key = predicate name): ``predicate``, ``label``,
    ``statements`` (list of dicts; ``precision`` is a :class:`DatePrecision` value or None,
    ``modality`` a :class:`Modality` value),
    ``sources`` (number of distinct articles). Graph attribute ``articles``: id ->
    {label, file, publisher, date, text, url, graph}. Types, precisions and modalities come from their
    IRIs, so a relabelled ontology changes no key.
    """
    import networkx as nx

    graph = nx.MultiDiGraph()
    for row in _records(store, "projection-entities"):
        graph.add_node(row["id"], label=row["label"], type=stored_member(EntityType, row["type"]).value,
                       aliases=sorted(a for a in (row["aliases"] or "").split("\x1f") if a),
                       description=row["description"] or "")
    articles = {}
    for row in _records(store, "projection-articles"):
        articles[row["id"]] = {"label": row["label"], "file": row["fileName"], "publisher": row["publisher"],
                               "date": row["dateText"], "text": row["text"],
                               # the named graph that holds the article's statements is the article's IRI
                               "url": row["url"], "graph": row["article"]}
    graph.graph["articles"] = articles
    for row in _records(store, "projection-statements"):
        precision = stored_member(DatePrecision, row["precision"]).value if row["precision"] else None
        predicate = row["predicate"].removeprefix(KG_NS)
        u, v = row["subjectId"], row["objectId"]
        if not graph.has_edge(u, v, key=predicate):
            graph.add_edge(u, v, key=predicate, predicate=predicate, label=row["predicateLabel"],
                           statements=[], sources=0)
        data = graph.edges[u, v, predicate]
        data["statements"].append({
            "statement": row["statement"], "article": row["articleId"], "quote": row["quote"],
            "start": int(row["start"]), "end": int(row["end"]), "speaker": row["speakerLabel"],
            "date": row["dateText"], "precision": precision, "role": row["role"],
            "involvement": row["involvement"], "modality": stored_member(Modality, row["modality"]).value,
            "file": row["mappingFile"], "line": int(row["mappingLine"]) if row["mappingLine"] else None,
        })
        data["sources"] = len({s["article"] for s in data["statements"]})
    return graph
