"""graph_model: an evidence-grounded knowledge graph of actors, organisations and initiatives.

The pipeline, one module per stage::

    corpus.read_corpus -> validate.validate_corpus -> rdf.generate_quads -> store.GraphStore
        -> queries.run_named_query / project.project_graph -> render / analyze / serve

``build()`` chains them. Names are imported lazily so ``import graph_model`` stays cheap.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "add_article": "add_article",
    "compute_coverage": "coverage",
    "list_entities": "registry",
    "find_duplicate_entities": "registry_duplicates",
    "rename_entity": "registry_edit",
    "merge_entities": "registry_edit",
    "article_similarity": "similarity",
    "find_similar": "similarity",
    "Format": "formats",
    "QueryDataset": "store",
    "QueryLimits": "sparql_text",
    "QueryRefused": "errors",
    "build": "build",
    "build_nquads": "build",
    "validate": "build",
    "open_store": "store",
    "BuildResult": "build",
    "read_corpus": "corpus",
    "Corpus": "corpus",
    "validate_corpus": "validate",
    "ValidationReport": "validate",
    "generate_quads": "rdf",
    "serialize_nquads": "rdf",
    "to_dataset": "rdf",
    "GraphStore": "store",
    "ExportFormat": "store",
    "read_named_queries": "queries",
    "run_named_query": "queries",
    "run_sparql": "queries",
    "resolve_entity": "queries",
    "find_entity_id": "lookup",
    "name_key": "lookup",
    "QueryResult": "results",
    "ResultFormat": "results",
    "format_result": "results",
    "export_bytes": "export",
    "compute_stats": "stats",
    "project_graph": "project",
    "to_pyvis": "pyvis_export",
    "show_graph": "notebook",
    "GraphFrame": "notebook",
    "format_html_table": "notebook",
    "find_quote": "textmatch",
    "parse_date": "dates",
    "GraphModelError": "errors",
    "InputError": "errors",
    "ValidationFailed": "errors",
    "UsageError": "errors",
    "StoreError": "errors",
    "QueryError": "errors",
    "Problem": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'graph_model' has no attribute '{name}'")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
