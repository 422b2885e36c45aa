"""Reading a SPARQL server's answers: what to ask for (Accept), and parsing what comes back
into the embedded store's types.

SELECT and ASK answers are SPARQL results (JSON, XML, TSV, CSV), parsed by pyoxigraph into
``QuerySolutions`` or ``QueryBoolean``; CONSTRUCT and DESCRIBE answers are RDF (N-Triples,
Turtle, RDF/XML, JSON-LD, ...), parsed into ``Triple``. The reply's media type picks the
parser (pyoxigraph's ``from_media_type``), within the kind the query form expects: some media
types (``application/xml``, ``text/plain``) name a format of either kind.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pyoxigraph as ox

from ..errors import StoreError
from .http import Reply

MAX_ROWS_HEADER = "X-SPARQL-MaxRows"
"""Virtuoso sends this header, with its ResultSetMaxRows setting, on an answer that reached that
many rows, which it cuts there without an error (SELECT, and CONSTRUCT or a Graph Store GET
without even the header)."""

RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.8, application/rdf+xml;q=0.5"
ANY_ACCEPT = f"{RESULTS_ACCEPT}, {GRAPH_ACCEPT}"

_RESULT_FORMS = ("SELECT", "ASK")
_GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")


def accept_for(form: str | None) -> str:
    """The Accept header for a query of ``form`` (None: not known, so either kind)."""
    if form in _RESULT_FORMS:
        return RESULTS_ACCEPT
    return GRAPH_ACCEPT if form in _GRAPH_FORMS else ANY_ACCEPT


class ResultsTruncated(StoreError):
    """The server cut its answer at its row limit: the rows it sent are not all the rows."""


def truncation_error(url: str, limit: int | str, what: str = "the answer") -> ResultsTruncated:
    """The error for an answer cut at ``limit`` rows, with the two ways out."""
    return ResultsTruncated(
        f"{url} cut {what} at {limit} rows, its limit on result rows (Virtuoso: ResultSetMaxRows): the "
        "rows received are not all the rows. Raise the limit on the server (Virtuoso: ResultSetMaxRows in the "
        "[SPARQL] section of virtuoso.ini, then restart it), or ask for fewer rows (LIMIT and OFFSET).")


def check_complete(reply: Reply) -> None:
    """Raise :class:`ResultsTruncated` if the server says it cut this answer at its row limit.

    Virtuoso marks the cut only with :data:`MAX_ROWS_HEADER`, and sends the header too when a
    query's own LIMIT is exactly that number; such an answer is refused as well, since the two
    cannot be told apart.
    """
    limit = reply.headers.get(MAX_ROWS_HEADER)
    if limit:
        raise truncation_error(reply.url, limit.strip())


def parse_answer(reply: Reply, form: str | None):
    """``QuerySolutions`` or ``QueryBoolean`` for SELECT / ASK, an iterator of ``Triple`` for
    CONSTRUCT / DESCRIBE (with ``form`` None: whichever the media type names).

    A reply without a Content-Type is read as SPARQL JSON results or N-Triples. Raises
    StoreError naming the media type and the URL when the media type is one this form's answer
    cannot be in, or the body does not parse.
    """
    results_format = ox.QueryResultsFormat.from_media_type(reply.media_type) if reply.media_type else None
    if form not in _GRAPH_FORMS and results_format is not None:
        return parse_results(reply, results_format, form)
    if form in _RESULT_FORMS:
        if not reply.media_type:
            return parse_results(reply, ox.QueryResultsFormat.JSON, form)
        raise StoreError(f"{reply.url} answered the {form} query in {reply.media_type}, which is not a "
                         "SPARQL results format we read (JSON, XML, TSV, CSV). Check that the URL is the "
                         "server's SPARQL query endpoint.")
    return iter(list(parse_triples(reply)))


def parse_results(reply: Reply, results_format: ox.QueryResultsFormat, form: str | None):
    """SPARQL results in ``results_format`` as ``QuerySolutions`` or ``QueryBoolean``.

    Raises StoreError if they do not parse.
    """
    data = reply.body
    try:
        if results_format == ox.QueryResultsFormat.CSV:  # pyoxigraph does not read CSV: it is lossy
            data, results_format = _csv_as_json(data, form), ox.QueryResultsFormat.JSON
        return ox.parse_query_results(data, format=results_format)
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"{reply.url} sent SPARQL results ({reply.media_type or 'no content type'}) "
                         f"that do not parse: {exc}") from exc


def parse_triples(reply: Reply) -> Iterator[ox.Triple]:
    """The triples of an RDF reply (of a dataset format: every graph's); N-Triples if the
    reply has no media type.

    Raises StoreError naming the media type and the URL if that is no RDF format pyoxigraph
    reads, or if the body does not parse.
    """
    rdf_format = ox.RdfFormat.from_media_type(reply.media_type) if reply.media_type else ox.RdfFormat.N_TRIPLES
    if rdf_format is None:
        raise StoreError(f"{reply.url} answered in {reply.media_type}, which is not an RDF format we read "
                         "(N-Triples, Turtle, RDF/XML, JSON-LD, N-Quads, TriG). Check that the URL is the "
                         "server's SPARQL or Graph Store endpoint.")
    try:
        quads = list(ox.parse(reply.body, format=rdf_format))
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"{reply.url} sent RDF ({reply.media_type or 'no content type'}) that does not "
                         f"parse: {exc}") from exc
    return (q.triple for q in quads)


def _csv_as_json(data: bytes, form: str | None) -> bytes:
    """SPARQL CSV results restated as SPARQL JSON results.

    CSV drops what kind of term a value is. As rdflib's CSV results parser does, a value that
    starts with ``_:`` is read as a blank node, one that starts with ``http://`` or ``https://``
    as an IRI, an empty one as unbound, and anything else as a plain string (numbers too). An
    ASK answer, which the CSV format leaves undefined, is read as the single word ``true`` or
    ``false``, as Oxigraph and Jena write it.
    """
    text = data.decode("utf-8-sig")
    word = text.strip().lower()
    if form == "ASK" or (form is None and word in ("true", "false")):
        if word not in ("true", "false"):
            raise ValueError(f"an ASK answer in CSV must be true or false, not {text[:100]!r}")
        return json.dumps({"head": {}, "boolean": word == "true"}).encode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise ValueError("the CSV has no header line")
    variables, bindings = rows[0], []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(variables):
            raise ValueError(f"line {number} has {len(row)} values for {len(variables)} variables")
        bindings.append({name: _csv_term(value) for name, value in zip(variables, row) if value})
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}).encode("utf-8")


def _csv_term(value: str) -> dict[str, str]:
    if value.startswith("_:"):
        return {"type": "bnode", "value": value[2:]}
    if value.startswith(("http://", "https://")):
        return {"type": "uri", "value": value}
    return {"type": "literal", "value": value}
