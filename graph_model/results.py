"""Query results as plain data, and the ``format_*`` functions that turn them into text.

The library returns :class:`QueryResult`; only the CLI prints. JSON follows the W3C
"SPARQL 1.1 Query Results JSON Format", so any SPARQL tool can read ``--format json``.
"""

from __future__ import annotations

import csv
import enum
import io
import json
from dataclasses import dataclass

import pyoxigraph as ox

from .iris import PREFIXES


class ResultFormat(str, enum.Enum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


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


def format_csv(result: QueryResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if result.boolean is not None:
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return out.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if t is None else t.value for t in row])
    return out.getvalue()


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    value = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        value["datatype"] = term.datatype.value
    return value


def format_json(result: QueryResult) -> str:
    if result.boolean is not None:
        return json.dumps({"head": {}, "boolean": result.boolean}, indent=2)
    bindings = [{v: _json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
    return json.dumps({"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}},
                      indent=2, ensure_ascii=False)


def format_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 TSV results: terms in N-Triples syntax."""
    if result.boolean is not None:
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def format_xml(result: QueryResult) -> str:
    """SPARQL Query Results XML Format."""
    from xml.sax.saxutils import escape, quoteattr

    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    out.append("</head>")
    if result.boolean is not None:
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in result.rows:
            out.append("<result>")
            for name, term in zip(result.variables, row):
                if term is None:
                    continue
                if isinstance(term, ox.NamedNode):
                    value = f"<uri>{escape(term.value)}</uri>"
                elif isinstance(term, ox.BlankNode):
                    value = f"<bnode>{escape(term.value)}</bnode>"
                elif term.language:
                    value = f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
                else:
                    value = f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
                out.append(f"<binding name={quoteattr(name)}>{value}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


FORMATTERS = {ResultFormat.TABLE: format_table, ResultFormat.CSV: format_csv, ResultFormat.JSON: format_json}


def format_result(result: QueryResult, result_format: ResultFormat) -> str:
    return FORMATTERS[result_format](result)
