"""Query results as plain data, and the terminal table of them.

The library returns :class:`QueryResult`; only the CLI prints. Every other serialisation (JSON,
XML, CSV, TSV) lives in the format registry, :mod:`graph_model.formats`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .formats import Format, format_results
from .iris import PREFIXES


ResultFormat = Format
"""Kept for callers of the first releases: result formats are members of the one registry."""


@dataclass(frozen=True)
class QueryResult:
    """A SELECT's variables and rows (terms or None), or an ASK's boolean."""

    variables: tuple[str, ...]
    rows: tuple[tuple, ...]
    boolean: bool | None = None

    @classmethod
    def from_pyoxigraph(cls, result) -> QueryResult:
        if isinstance(result, (bool, ox.QueryBoolean)):
            return cls((), (), bool(result))
        if isinstance(result, ox.QuerySolutions):
            variables = tuple(v.value for v in result.variables)
            return cls(variables, tuple(tuple(solution[v] for v in variables) for solution in result))
        # CONSTRUCT / DESCRIBE: present triples as rows
        return cls(("subject", "predicate", "object"),
                   tuple((t.subject, t.predicate, t.object) for t in result))

    def records(self) -> list[dict[str, str | None]]:
        """Rows as dicts of variable to the term's plain value (IRI or lexical form)."""
        return [{v: (t.value if t is not None else None) for v, t in zip(self.variables, row)} for row in self.rows]

    def _repr_html_(self) -> str:
        """Jupyter and VS Code notebooks show a result as this HTML table (graph_model.notebook)."""
        from .notebook import format_html_table

        return format_html_table(self)


def shorten(term) -> str:
    """A readable form of a term: prefixed IRIs, plain literal text.

    >>> shorten(ox.NamedNode("https://newsgraph.example/entity/nato"))
    'ent:nato'
    """
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace) and len(term.value) > len(namespace):
                return f"{prefix}:{term.value[len(namespace):]}"
        return f"<{term.value}>"
    return term.value


TABLE_CELL_WIDTH = 60


def _cell(term, width: int) -> tuple[str, bool]:
    text = " ".join(shorten(term).split())
    return (text, False) if len(text) <= width else (text[:width - 1] + "…", True)


def format_table(result: QueryResult, *, cell_width: int = TABLE_CELL_WIDTH) -> str:
    """An aligned text table; long values are cut to ``cell_width`` (csv and json keep them whole)."""
    if result.boolean is not None:
        return "true" if result.boolean else "false"
    cut = False
    cells = []
    for row in result.rows:
        pairs = [_cell(t, cell_width) for t in row]
        cut = cut or any(flag for _, flag in pairs)
        cells.append([text for text, _ in pairs])
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(result.variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(result.variables, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''}"
                 f"{'; long values cut, use --format csv or json for the full text' if cut else ''})")
    return "\n".join(lines)


def format_result(result: QueryResult, result_format: Format) -> str:
    """``result`` as text in a results format (table, csv, tsv, json, xml) of the format registry."""
    return format_results(result, Format(result_format), pretty=True)
