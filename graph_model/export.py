"""Stage 7: export the built graph as RDF, or as a network for Gephi and Cytoscape."""

from __future__ import annotations

from .store import ExportFormat, GraphStore

NETWORK_FORMATS = ("graphml", "gexf")


def export_bytes(store: GraphStore, format_name: str) -> bytes:
    """The graph in ``format_name`` (an ExportFormat value, 'graphml' or 'gexf'), deterministically."""
    if format_name in NETWORK_FORMATS:
        from .analyze import write_network

        return write_network(store, format_name)
    return store.dump(ExportFormat(format_name))
