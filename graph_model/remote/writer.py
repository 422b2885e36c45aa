"""Writing to a SPARQL server: named graphs replaced, appended to, dropped.

A Graph Store Protocol ``PUT`` replaces a graph, ``POST`` adds to it, ``DELETE`` drops it; a
server without a Graph Store endpoint gets SPARQL Update requests instead. Either way loading
the same data twice leaves the same data, never duplicates. Which graphs to send, in which
chunks, and the record of what the server holds, are :mod:`.sync`'s.
"""

from __future__ import annotations

import urllib.parse

import pyoxigraph as ox

from ..errors import StoreError
from ..iris import BASE
from .http import OPTIONS_HINT, Action, HTTPClient, Purpose, with_params

OUR_GRAPHS_PREFIX = BASE
"""Named graphs whose IRI starts with this are ours; the rest of the server is left alone."""

MANIFEST_GRAPH = f"{BASE}build/remote-manifest"
"""The server's own record of what it holds: per named graph, the content hash of what was sent
(see :mod:`.sync`). Bookkeeping, not data: never part of the graphs queries see."""

CONTENT_HASH = f"{BASE}build/contentHash"
"""The predicate of the manifest: ``<graph> <CONTENT_HASH> "sha256 hex"``."""

_NTRIPLES = "application/n-triples"


def group_by_graph(nquads: bytes) -> dict[str, list[ox.Triple]]:
    """The triples of ``nquads`` by named graph IRI, without duplicates.

    Raises StoreError if the N-Quads do not parse, put a triple in the default graph, or name a
    graph outside :data:`OUR_GRAPHS_PREFIX` (which queries would never see).
    """
    try:
        quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    except SyntaxError as exc:
        raise StoreError(f"the generated N-Quads did not parse: {exc}") from exc
    by_graph: dict[str, dict[ox.Triple, None]] = {}
    for quad in quads:
        if not isinstance(quad.graph_name, ox.NamedNode):
            raise StoreError(f"the N-Quads put a triple in the default graph ({quad.triple}); "
                             "a remote store holds only named graphs.")
        by_graph.setdefault(quad.graph_name.value, {})[quad.triple] = None  # a graph is a set
    foreign = sorted(g for g in by_graph if not g.startswith(OUR_GRAPHS_PREFIX))
    if foreign:
        raise StoreError(f"graphs outside {OUR_GRAPHS_PREFIX} would be invisible to queries: "
                         f"{', '.join(foreign)}.")
    return {graph: list(triples) for graph, triples in by_graph.items()}


class GraphWriter:
    """Replaces and drops named graphs through ``store_url`` (Graph Store Protocol), else
    ``update_url`` (SPARQL Update). ``query_url`` only names the server in messages."""

    def __init__(self, http: HTTPClient, *, query_url: str, store_url: str | None, update_url: str | None,
                 append_params: dict[str, str] | None = None):
        self.http = http
        self.query_url = query_url
        self.store_url = store_url
        self.update_url = update_url
        self.append_params = append_params or {}  # extra query parameters of a Graph Store POST

    def put_graph(self, graph: str, triples: list[ox.Triple]) -> None:
        """Make ``graph`` on the server hold exactly ``triples``. Raises StoreError."""
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        action = _writing(graph)
        if self.store_url is not None:
            url = with_params(self.store_url, {"graph": graph})
            reply = self.http.request("PUT", url, action, data=body, headers={"Content-Type": _NTRIPLES},
                                      allow=(415,))
            if reply.status == 415:  # N-Triples is Turtle; some servers only take the latter
                self.http.request("PUT", url, action, data=body, headers={"Content-Type": "text/turtle"})
            return
        iri = ox.NamedNode(graph)
        self.update(f"DROP SILENT GRAPH {iri} ;\nINSERT DATA {{ GRAPH {iri} {{\n{body.decode('utf-8')}}} }}", graph)

    def append_graph(self, graph: str, triples: list[ox.Triple]) -> None:
        """Add ``triples`` to ``graph`` on the server (Graph Store ``POST``, else ``INSERT DATA``).
        Raises StoreError."""
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        action = _writing(graph)
        if self.store_url is not None:
            url = with_params(self.store_url, {"graph": graph, **self.append_params})
            reply = self.http.request("POST", url, action, data=body, headers={"Content-Type": _NTRIPLES},
                                      allow=(415,))
            if reply.status == 415:
                self.http.request("POST", url, action, data=body, headers={"Content-Type": "text/turtle"})
            return
        self.update(f"INSERT DATA {{ GRAPH {ox.NamedNode(graph)} {{\n{body.decode('utf-8')}}} }}", graph)

    def drop_graph(self, graph: str) -> None:
        """Delete ``graph`` from the server (nothing if it is not there). Raises StoreError."""
        if self.store_url is not None:
            self.http.request("DELETE", with_params(self.store_url, {"graph": graph}), _writing(graph), allow=(404,))
            return
        self.update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}", graph)

    def update(self, sparql_update: str, graph: str) -> None:
        """Send a SPARQL Update that writes ``graph`` (named in messages). Raises StoreError."""
        if self.update_url is None:
            raise StoreError(f"cannot write graph {graph}: no Graph Store or update endpoint is known "
                             f"for {self.query_url}. " + OPTIONS_HINT)
        body = urllib.parse.urlencode({"update": sparql_update}).encode("ascii")
        self.http.request("POST", self.update_url, _writing(graph), data=body,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})


OXIGRAPH_BULK = {"no_transaction": "", "lenient": ""}
"""What the Oxigraph server's Graph Store takes to load a POST through its bulk loader, about
twice as fast as in a transaction. Safe for kg build --store: a chunk cut off half-loaded belongs to
a graph whose hash the manifest does not record yet, so the next run replaces that graph whole; and
the triples are pyoxigraph's serialisation of terms it validated (what ``lenient`` skips)."""


def _writing(graph: str) -> Action:
    return Action(Purpose.WRITE, f"writing graph {graph}")
