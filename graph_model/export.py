"""Stage 7: export the built graph as RDF, as a network for Gephi and Cytoscape, or as the files
analysts' tools read (FollowTheMoney for Aleph, TimelineJS, W3C Web Annotation).

Each tool format has its own module (``export_ftm``, ``export_timeline``, ``export_annotation``);
this one picks the writer by the format's kind and holds what they share: JSON text that survives
every line-splitting reader.
"""

from __future__ import annotations

import importlib
import json
import re

from .formats import EXPORT_FORMATS, Format, Kind, parse_format
from .queries import read_internal_query
from .results import QueryResult


def export_bytes(store, format_name: str | Format, *, progress=None) -> bytes:
    """The graph in an export format of the registry, deterministically: the same store gives
    byte-identical output. ``progress`` (graph_model.progress) hears of the quads written, for
    the RDF formats of the embedded store.

    Raises UsageError for a format ``kg export`` does not write.
    """
    export_format = parse_format(Format(format_name).value if isinstance(format_name, Format) else format_name,
                                 EXPORT_FORMATS)
    if export_format.kind is Kind.NETWORK:
        from .analyze import write_network

        return write_network(store, export_format.value)
    if export_format.kind is Kind.TOOL:
        module, function = _TOOL_WRITERS[export_format]
        return getattr(importlib.import_module(f".{module}", __package__), function)(store)
    from .store import GraphStore

    if progress is not None and isinstance(store, GraphStore):
        return store.dump(export_format, progress=progress)
    return store.dump(export_format)


# Imported when asked for: `kg export --format trig` need not load the tools' writers.
_TOOL_WRITERS = {
    Format.FTM: ("export_ftm", "write_ftm"),
    Format.TIMELINEJS: ("export_timeline", "write_timeline"),
    Format.WEB_ANNOTATION: ("export_annotation", "write_annotations"),
}


def read_records(store, name: str) -> list[dict[str, str | None]]:
    """The rows of the internal query ``graph_model/sparql/NAME.rq`` as plain values."""
    return QueryResult.from_pyoxigraph(store.query(read_internal_query(name))).records()


# JSON allows NEL, LS and PS raw inside strings, but Python's str.splitlines and many editors
# break lines there: one JSON-lines record would read as two. Written as escapes they are the
# same JSON value (the RDF exports do the same, formats.escape_line_ends).
_LINE_BREAKING = re.compile("[\u0085\u2028\u2029]")


def json_text(value, *, indent: int | None = None) -> str:
    r"""``value`` as JSON: UTF-8 text as it is, keys in a fixed order, control characters and
    NEL, LS and PS escaped, so no string in it holds a line break.

    >>> json_text({"b": "x\u2028y", "a": 1})
    '{"a":1,"b":"x\\u2028y"}'
    """
    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=indent, separators=separators)
    return _LINE_BREAKING.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
