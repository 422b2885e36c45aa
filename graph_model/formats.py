"""The one registry of output formats: their names (``--format``, ``?format=``), media types,
kinds, and the functions that write them.

Every path that writes results or RDF comes here: the CLI (``kg query``, ``kg sparql``,
``kg export``), the server's content negotiation, and the stores' dumps. Adding a format is
one entry in :data:`_SPECS` and, if it is new in kind, one writer below.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from .iris import PREFIXES


class Kind(str, enum.Enum):
    RESULTS = "results"  # SELECT / ASK answers
    RDF = "rdf"          # triples or quads: CONSTRUCT / DESCRIBE answers, exports
    NETWORK = "network"  # the networkx projection, for Gephi and Cytoscape
    TOOL = "tool"        # what an analysts' tool reads (Aleph, TimelineJS, annotation clients), in its own JSON


class Format(str, enum.Enum):
    """Every format the product writes, by the name users type."""

    TABLE = "table"
    JSON = "json"
    XML = "xml"
    CSV = "csv"
    TSV = "tsv"
    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    NQUADS = "nquads"
    TRIG = "trig"
    JSONLD = "jsonld"
    RDFXML = "rdfxml"
    GRAPHML = "graphml"
    GEXF = "gexf"
    FTM = "ftm"
    TIMELINEJS = "timelinejs"
    WEB_ANNOTATION = "web-annotation"

    @property
    def kind(self) -> Kind:
        return _SPECS[self].kind

    @property
    def media_type(self) -> str:
        return _SPECS[self].media_type

    @property
    def media_types(self) -> tuple[str, ...]:
        """The media type and the aliases that also ask for this format in an Accept header."""
        return (_SPECS[self].media_type, *_SPECS[self].aliases)

    @property
    def rdf_format(self) -> ox.RdfFormat | None:
        return _SPECS[self].rdf_format

    @property
    def extension(self) -> str:
        return _SPECS[self].extension


@dataclass(frozen=True)
class _Spec:
    kind: Kind
    media_type: str
    extension: str
    aliases: tuple[str, ...] = ()
    rdf_format: ox.RdfFormat | None = None


_SPECS = {
    Format.TABLE: _Spec(Kind.RESULTS, "text/plain", "txt"),
    Format.JSON: _Spec(Kind.RESULTS, "application/sparql-results+json", "srj", ("application/json",)),
    Format.XML: _Spec(Kind.RESULTS, "application/sparql-results+xml", "srx", ("application/xml", "text/xml")),
    Format.CSV: _Spec(Kind.RESULTS, "text/csv", "csv"),
    Format.TSV: _Spec(Kind.RESULTS, "text/tab-separated-values", "tsv"),
    Format.TURTLE: _Spec(Kind.RDF, "text/turtle", "ttl", ("application/x-turtle",), ox.RdfFormat.TURTLE),
    Format.NTRIPLES: _Spec(Kind.RDF, "application/n-triples", "nt", ("text/plain",), ox.RdfFormat.N_TRIPLES),
    Format.NQUADS: _Spec(Kind.RDF, "application/n-quads", "nq", (), ox.RdfFormat.N_QUADS),
    Format.TRIG: _Spec(Kind.RDF, "application/trig", "trig", (), ox.RdfFormat.TRIG),
    Format.JSONLD: _Spec(Kind.RDF, "application/ld+json", "jsonld", (), ox.RdfFormat.JSON_LD),
    Format.RDFXML: _Spec(Kind.RDF, "application/rdf+xml", "rdf", ("application/xml", "text/xml"), ox.RdfFormat.RDF_XML),
    Format.GRAPHML: _Spec(Kind.NETWORK, "application/graphml+xml", "graphml"),
    Format.GEXF: _Spec(Kind.NETWORK, "application/gexf+xml", "gexf"),
    # FollowTheMoney entities, one JSON object a line, as Aleph and the ftm tool read them
    Format.FTM: _Spec(Kind.TOOL, "application/x-ndjson", "ftm.json"),
    Format.TIMELINEJS: _Spec(Kind.TOOL, "application/json", "json"),
    Format.WEB_ANNOTATION: _Spec(Kind.TOOL, 'application/ld+json;profile="http://www.w3.org/ns/anno.jsonld"',
                                 "anno.jsonld"),
}

CLI_RESULT_FORMATS = (Format.TABLE, Format.CSV, Format.TSV, Format.JSON, Format.XML)
"""What ``kg query`` and ``kg sparql`` print."""
HTTP_RESULT_FORMATS = (Format.JSON, Format.XML, Format.CSV, Format.TSV)
"""What the SPARQL endpoint answers a SELECT or ASK with; the first is the default."""
HTTP_GRAPH_FORMATS = (Format.TURTLE, Format.RDFXML, Format.NTRIPLES, Format.JSONLD)
"""What the endpoint answers a CONSTRUCT or DESCRIBE with (RDF/XML: the default of SPARQLWrapper
and of rdflib's SPARQLStore); the first is the default."""
EXPORT_FORMATS = (Format.TURTLE, Format.TRIG, Format.NQUADS, Format.JSONLD, Format.NTRIPLES, Format.RDFXML,
                  Format.GRAPHML, Format.GEXF, Format.FTM, Format.TIMELINEJS, Format.WEB_ANNOTATION)
"""What ``kg export`` writes."""


def names(formats: Iterable[Format]) -> list[str]:
    return [f.value for f in formats]


def parse_format(name: str, allowed: Sequence[Format]) -> Format:
    """The format called ``name`` among ``allowed``; raises UsageError naming the allowed ones.

    >>> parse_format("csv", HTTP_RESULT_FORMATS)
    <Format.CSV: 'csv'>
    """
    from .errors import UsageError

    for candidate in allowed:
        if candidate.value == name:
            return candidate
    raise UsageError(f"unknown format '{name}'.", f"Use one of: {', '.join(names(allowed))}.")


# ---- the ?format= parameter that SPARQL clients send

_PARAMETER_NAMES = {
    # name: (for SELECT/ASK, for CONSTRUCT/DESCRIBE), as Fuseki and Virtuoso read them
    "json": (Format.JSON, Format.JSONLD), "xml": (Format.XML, Format.RDFXML),
    "csv": (Format.CSV, None), "tsv": (Format.TSV, None),
    "turtle": (None, Format.TURTLE), "ttl": (None, Format.TURTLE), "n3": (None, Format.TURTLE),
    "ntriples": (None, Format.NTRIPLES), "nt": (None, Format.NTRIPLES),
    "jsonld": (None, Format.JSONLD), "json-ld": (None, Format.JSONLD),
    "rdfxml": (None, Format.RDFXML), "rdf+xml": (None, Format.RDFXML), "rdf": (None, Format.RDFXML),
}


def format_parameter(value: str) -> tuple[Format | None, Format | None] | None:
    """What a ``?format=`` value asks for: (the format for results, the format for graphs), or
    None if it names nothing we write. Takes our names, the names SPARQLWrapper and other
    clients send (``n3``, ``json-ld``, ...) and media types.

    >>> format_parameter("xml")
    (<Format.XML: 'xml'>, <Format.RDFXML: 'rdfxml'>)
    >>> format_parameter("text/tab-separated-values")
    (<Format.TSV: 'tsv'>, None)
    """
    key = value.strip().lower()
    if key in _PARAMETER_NAMES:
        return _PARAMETER_NAMES[key]
    for fmt in HTTP_RESULT_FORMATS:
        if key in fmt.media_types:
            graph = next((g for g in HTTP_GRAPH_FORMATS if key in g.media_types), None)
            return fmt, graph
    for fmt in HTTP_GRAPH_FORMATS:
        if key in fmt.media_types:
            return None, fmt
    return None


# ---- content negotiation

def _quality(params: list[str]) -> float:
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0
            # RFC 9110: 0 to 1. Anything else (negative, NaN, inf) is not a preference we can honour.
            return q if math.isfinite(q) and 0.0 <= q <= 1.0 else 0.0
    return 1.0


def negotiate(accept: str | None, offers: Sequence[Format]) -> Format | None:
    """The best of ``offers`` for an Accept header, or None when none is acceptable.

    q-values are honoured; q=0 (and a malformed, negative or NaN q) means "not acceptable",
    also for an exact type that a wildcard would otherwise allow. No header, or a wildcard,
    gives the first offer.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", HTTP_RESULT_FORMATS)
    <Format.XML: 'xml'>
    >>> negotiate("*/*, application/sparql-results+json;q=0", HTTP_RESULT_FORMATS)
    <Format.XML: 'xml'>
    >>> negotiate("text/csv;q=NaN", HTTP_RESULT_FORMATS) is None
    True
    """
    if not accept or not accept.strip():
        return offers[0]
    ranges = []
    for order, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        if media:
            ranges.append((media.lower(), _quality(params), order))

    def best_range(offer: Format):
        # The most specific range that matches decides (RFC 9110 12.5.1): exact, type/*, */*.
        best = None
        for media, q, order in ranges:
            if media in offer.media_types:
                specificity = 3
            elif media.endswith("/*") and offer.media_type.startswith(media[:-1]):
                specificity = 2
            elif media == "*/*":
                specificity = 1
            else:
                continue
            if best is None or specificity > best[0]:
                best = (specificity, q, order)
        return best

    ranked = []
    for index, offer in enumerate(offers):
        best = best_range(offer)
        if best is not None and best[1] > 0:
            specificity, q, order = best
            # Highest q first; then an exact type over a wildcard; then the client's order; then ours.
            ranked.append((q, specificity == 3, -order, -index, offer))
    return max(ranked)[-1] if ranked else None


# ---- writers

def write_results(result, result_format: Format, *, pretty: bool = False) -> bytes:
    """A SELECT or ASK result (``QueryResult``) in ``result_format``, as UTF-8 bytes."""
    return format_results(result, result_format, pretty=pretty).encode("utf-8")


def format_results(result, result_format: Format, *, pretty: bool = True) -> str:
    """A SELECT or ASK result as text in ``result_format`` (any RESULTS-kind format)."""
    from .results import format_table

    writers = {Format.TABLE: format_table, Format.CSV: format_csv, Format.TSV: format_tsv, Format.XML: format_xml,
               Format.JSON: lambda r: format_json(r, pretty=pretty)}
    return writers[result_format](result)


def format_csv(result) -> str:
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


def format_tsv(result) -> str:
    """SPARQL 1.1 TSV results: terms in N-Triples syntax (tabs and line ends escaped)."""
    if result.boolean is not None:
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": json_term(term.subject),
                                            "predicate": json_term(term.predicate),
                                            "object": json_term(term.object)}}
    value = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        value["datatype"] = term.datatype.value
    return value


def format_json(result, *, pretty: bool = True) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.boolean is not None:
        document = {"head": {}, "boolean": result.boolean}
    else:
        bindings = [{v: json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
        document = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    if pretty:
        return json.dumps(document, indent=2, ensure_ascii=False)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


# Characters XML 1.0 cannot hold, not even as references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    r"""``text`` with the characters XML 1.0 forbids replaced by U+FFFD, so the document stays
    well-formed (the JSON, CSV and TSV formats keep them exactly).

    >>> xml_safe("a\x01b")
    'a\ufffdb'
    """
    return _NOT_XML.sub("\ufffd", text)


def format_xml(result) -> str:
    """SPARQL Query Results XML Format."""
    from xml.sax.saxutils import escape, quoteattr

    def text(value: str) -> str:
        return escape(xml_safe(value))

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
                    value = f"<uri>{text(term.value)}</uri>"
                elif isinstance(term, ox.BlankNode):
                    value = f"<bnode>{text(term.value)}</bnode>"
                elif term.language:
                    value = f"<literal xml:lang={quoteattr(term.language)}>{text(term.value)}</literal>"
                else:
                    value = f"<literal datatype={quoteattr(term.datatype.value)}>{text(term.value)}</literal>"
                out.append(f"<binding name={quoteattr(name)}>{value}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


def write_rdf(items: Iterable, rdf_format: Format) -> bytes:
    """Triples (or quads, for dataset formats) in ``rdf_format``; Turtle and TriG with our prefixes."""
    fmt = rdf_format.rdf_format
    if fmt is None:
        raise ValueError(f"{rdf_format.value} is not an RDF format")
    if rdf_format is Format.RDFXML:
        items = [_xml_safe_triple(t) for t in items]
    if rdf_format in (Format.TURTLE, Format.TRIG):
        return escape_line_ends(ox.serialize(items, format=fmt, prefixes=PREFIXES) or b"", rdf_format)
    return escape_line_ends(ox.serialize(items, format=fmt) or b"", rdf_format)


_LINE_ENDS = ((b"\xc2\x85", b"\\u0085"), (b"\xe2\x80\xa8", b"\\u2028"), (b"\xe2\x80\xa9", b"\\u2029"))


def escape_line_ends(data: bytes, rdf_format: Format) -> bytes:
    r"""Line-based RDF with NEL, LS and PS written as ``\uXXXX`` escapes, so that readers which
    split lines on them (Python's ``str.splitlines``, many editors) still see one statement per
    line. The escapes are valid wherever these characters can occur (in IRIs and strings).

    >>> escape_line_ends('"a\u2028b"'.encode(), Format.NTRIPLES)
    b'"a\\u2028b"'
    """
    if rdf_format not in (Format.NTRIPLES, Format.NQUADS, Format.TURTLE, Format.TRIG):
        return data
    for raw, escaped in _LINE_ENDS:
        data = data.replace(raw, escaped)
    return data


def _xml_safe_triple(triple: ox.Triple) -> ox.Triple:
    obj = triple.object
    if isinstance(obj, ox.Literal) and _NOT_XML.search(obj.value):
        safe = xml_safe(obj.value)
        obj = ox.Literal(safe, language=obj.language) if obj.language else ox.Literal(safe, datatype=obj.datatype)
        return ox.Triple(triple.subject, triple.predicate, obj)
    return triple
