"""Stage 7: export the built graph as RDF, or as a network for Gephi and Cytoscape."""

from __future__ import annotations

from .formats import EXPORT_FORMATS, Format, Kind, parse_format


def export_bytes(store, format_name: str | Format) -> bytes:
    """The graph in an export format of the registry (RDF, or GraphML/GEXF), deterministically.

    Raises UsageError for a format ``kg export`` does not write.
    """
    export_format = parse_format(Format(format_name).value if isinstance(format_name, Format) else format_name,
                                 EXPORT_FORMATS)
    if export_format.kind is Kind.NETWORK:
        from .analyze import write_network

        return write_network(store, export_format.value)
    return store.dump(export_format)
