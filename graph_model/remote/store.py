"""RemoteStore: a SPARQL server used wherever a :class:`~graph_model.store.GraphStore` is.

Reading is here (graphs, queries, counts, dumps); connecting is :mod:`.discovery`, writing
:mod:`.writer`, HTTP and its errors :mod:`.http`, parsing replies :mod:`.answers`.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import urllib.parse

import pyoxigraph as ox

from ..iris import BASE, ENTITIES_GRAPH, PREFIXES
from ..sparql_text import analyse, bind_values, with_prologue
from ..store import ExportFormat, GraphStore, QueryDataset, QueryLimits
from .answers import GRAPH_ACCEPT, accept_for, check_complete, parse_answer, parse_triples, truncation_error
from .discovery import find_endpoints
from .http import Action, HTTPClient, Purpose, with_params
from .sync import ontology_part, parts_from_graphs, sync_graphs
from .writer import MANIFEST_GRAPH, OUR_GRAPHS_PREFIX, OXIGRAPH_BULK, GraphWriter, group_by_graph

_LIST_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
# For servers on which an empty GRAPH pattern matches nothing: slower, so only a fallback.
_LIST_GRAPHS_SCAN = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                     f"FILTER(STRSTARTS(STR(?g), {ox.Literal(OUR_GRAPHS_PREFIX)})) }}")


_COUNT_OUR_QUADS = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                    f"FILTER(STRSTARTS(STR(?g), {ox.Literal(OUR_GRAPHS_PREFIX)}) && ?g != {ox.NamedNode(MANIFEST_GRAPH)}) }}")


class RemoteStore:
    """A SPARQL server holding the knowledge graph; use it wherever a GraphStore is used.

    Make one with :meth:`connect`. ``query_url`` answers queries; ``store_url`` (Graph Store
    Protocol) takes writes, or, when there is none, ``update_url`` (SPARQL Update).
    """

    location = None  # not on this machine; GraphStore.location is a directory

    def __init__(self, query_url: str, *, store_url: str | None = None, update_url: str | None = None,
                 timeout: float = 30.0, auth: tuple[str, str] | None = None, layout: str | None = None):
        self.query_url = query_url
        self.store_url = store_url
        self.update_url = update_url
        self.timeout = timeout
        self.layout = layout
        self._http = HTTPClient(timeout, auth)
        self._graphs: tuple[str, ...] | None = None
        self._server = ""  # the Server header of the last answer to a query
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (f"RemoteStore(query_url={self.query_url!r}, store_url={self.store_url!r}, "
                f"update_url={self.update_url!r})")

    @classmethod
    def connect(cls, base_url: str, *, query_url: str | None = None, update_url: str | None = None,
                store_url: str | None = None, timeout: float = 30.0,
                auth: tuple[str, str] | None = None) -> RemoteStore:
        """Find the endpoints of the server at ``base_url`` and return a store using them.

        Recognises Oxigraph server (``BASE/query``, ``BASE/store``, ``BASE/update``), Fuseki
        (``BASE`` = ``http://host:3030/DATASET``: ``BASE/query`` or ``BASE/sparql``,
        ``BASE/data``, ``BASE/update``), GraphDB / RDF4J (``BASE`` = ``.../repositories/REPO``:
        ``BASE/rdf-graphs/service``, ``BASE/statements``), Virtuoso (``http://host:8890/sparql``,
        ``/sparql-graph-crud-auth``, ``/sparql-auth``) and a ``base_url`` that is itself a query
        endpoint. The query endpoint is found with a cheap ``ASK {}`` GET, the Graph Store
        endpoint with a HEAD request. Explicit URLs are used as given (the query URL is still
        checked with ``ASK {}``).

        Credentials (sent only when the server asks, Basic or Digest) come from ``auth``, from
        ``user:password@`` in any of the URLs, or from $KG_STORE_USER / $KG_STORE_PASSWORD.
        They never appear in messages.

        Raises StoreError, naming every URL tried, when no query endpoint answers.
        """
        found = find_endpoints(base_url, query_url=query_url, update_url=update_url, store_url=store_url,
                               timeout=timeout, auth=auth)
        return cls(found.query_url, store_url=found.store_url, update_url=found.update_url, timeout=timeout,
                   auth=found.auth, layout=found.layout)

    def graphs(self, *, refresh: bool = False) -> tuple[str, ...]:
        """The IRIs of our named graphs on the server, sorted (cached; re-listed after writes).

        The upload's manifest (:mod:`.sync`) is not among them: it is bookkeeping, not data.
        """
        with self._lock:
            if self._graphs is None or refresh:
                names = self._list_graphs(_LIST_GRAPHS)
                if not names - {MANIFEST_GRAPH}:
                    names = self._list_graphs(_LIST_GRAPHS_SCAN)
                self._graphs = tuple(sorted(n for n in names
                                            if n.startswith(OUR_GRAPHS_PREFIX) and n != MANIFEST_GRAPH))
            return self._graphs

    def _list_graphs(self, sparql: str) -> set[str]:
        result = self._run(sparql, [])
        return {s["g"].value for s in result if isinstance(s["g"], ox.NamedNode)}

    def query(self, sparql: str, *, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None,
              dataset: QueryDataset | None = None, limits: QueryLimits = QueryLimits()):
        """Run SPARQL on the server, with the embedded store's semantics (see
        :meth:`GraphStore.query <graph_model.store.GraphStore.query>`): ``dataset`` if given,
        else the query's own FROM / FROM NAMED, else the union of our graphs; relative IRIs
        against the graph's base IRI; ``bindings`` bound as VALUES, never pasted.

        Returns ``QuerySolutions`` (SELECT), ``QueryBoolean`` (ASK) or an iterator of ``Triple``.
        Raises QueryError when the text or the server rejects the query, StoreError when the
        server cannot be reached or its answer cannot be read.
        """
        info = limits.check(sparql)
        text = bind_values(sparql, bindings or {}, info=info)
        if dataset:
            params = ([("default-graph-uri", g) for g in dataset.default_graphs]
                      + [("named-graph-uri", g) for g in dataset.named_graphs])
        else:
            params = [] if info.has_dataset else self._dataset_params()
        return self._run(text, params, info=info)

    def _dataset_params(self) -> list[tuple[str, str]]:
        graphs = self.graphs() or (str(ENTITIES_GRAPH),)  # none yet: an empty graph of ours, not the server's default
        return [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]

    def _run(self, sparql: str, dataset_params: list[tuple[str, str]], *, info=None):
        info = info or analyse(sparql)
        text = with_prologue(sparql, PREFIXES, base=BASE, info=info)
        added = len(text) - len(sparql)
        note = (f" (Positions on line 1 include the {added} characters of BASE and PREFIX "
                "declarations put in front of the query.)") if added else ""
        body = urllib.parse.urlencode([("query", text)] + dataset_params).encode("ascii")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept_for(info.form)}
        action = Action(Purpose.QUERY, f"querying {self.query_url}", rejected_note=note)
        reply = self._http.request("POST", self.query_url, action, data=body, headers=headers)
        self._server = reply.headers.get("Server") or ""
        check_complete(reply)
        return parse_answer(reply, info.form)

    def __len__(self) -> int:
        """The number of quads in our graphs."""
        # One scan of the server's named graphs, filtered by name: a VALUES list of our graphs
        # outgrew the query length limit at a few thousand articles.
        result = self._run(_COUNT_OUR_QUADS, [])
        for solution in result:
            return int(solution["n"].value)
        return 0

    def graph_triples(self, graph: str) -> list[ox.Triple]:
        """The triples of one named graph (Graph Store GET, else a CONSTRUCT).

        Raises ResultsTruncated (a StoreError) if the server sent fewer triples than the graph
        holds: Virtuoso cuts both at its result row limit without a word, so from a server that
        calls itself Virtuoso the count is checked with a COUNT query, whose one row no limit cuts.
        """
        iri = ox.NamedNode(graph)
        if self.store_url is not None:
            reply = self._http.request("GET", with_params(self.store_url, {"graph": graph}),
                                       Action(Purpose.READ, f"reading graph {graph}"),
                                       headers={"Accept": GRAPH_ACCEPT}, allow=(404,))
            triples = [] if reply.status == 404 else list(dict.fromkeys(parse_triples(reply)))
            url, server = reply.url, reply.headers.get("Server") or ""
        else:
            triples = list(dict.fromkeys(self._run(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri} {{ ?s ?p ?o }} }}",
                                                   [("named-graph-uri", graph)])))
            url, server = self.query_url, self._server
        if triples and server.startswith("Virtuoso"):
            for solution in self._run(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {iri} {{ ?s ?p ?o }} }}",
                                      [("named-graph-uri", graph)]):
                if len(triples) < int(solution["n"].value):
                    raise truncation_error(url, len(triples), f"graph {graph}")
        return triples

    def dump(self, export_format: ExportFormat) -> bytes:
        """Our graphs serialised exactly as :meth:`GraphStore.dump` serialises a built store.

        For dataset formats (TriG, N-Quads, JSON-LD) the graphs are copied into a temporary
        on-disk Oxigraph store, the kind ``kg build`` writes, whose export order depends only on
        the data (an in-memory store's follows insertion order); so the bytes equal those of
        ``kg export`` from a build of the same data. Turtle is sorted anyway: memory suffices.
        """
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
                 for graph in self.graphs(refresh=True) for t in self.graph_triples(graph)]
        rdf_format = export_format.rdf_format
        if rdf_format is None or not rdf_format.supports_datasets:
            local = ox.Store()
            local.extend(quads)
            return GraphStore(local).dump(export_format)
        directory = tempfile.mkdtemp(prefix="kg-remote-dump-")
        try:
            local = ox.Store(directory)
            local.extend(quads)
            data = GraphStore(local).dump(export_format)
            del local  # close RocksDB before its directory goes
            return data
        finally:
            shutil.rmtree(directory, ignore_errors=True)

    def replace_graphs(self, nquads: bytes, *, prune: bool = False) -> dict[str, int]:
        """Make each named graph that ``nquads`` holds hold exactly that on the server; returns
        triples per graph.

        Through :func:`~.sync.sync_graphs`: a graph the server already holds with the same content
        is not sent again, so loading twice changes nothing. Other graphs are kept, unless
        ``prune``: then our graphs absent from ``nquads`` (except the ontology's) are deleted,
        so the server holds exactly what a fresh build would. Raises StoreError.
        """
        by_graph = group_by_graph(nquads)
        sync_graphs(self, parts_from_graphs(by_graph), prune=prune)
        return {graph: len(triples) for graph, triples in by_graph.items()}

    def load_nquads(self, data: bytes) -> None:
        """As :meth:`GraphStore.load_nquads`, except that the graphs in ``data`` are replaced."""
        self.replace_graphs(data)

    def load_ontology(self) -> int:
        """Make the ontology graph hold the ontology; returns its number of triples."""
        part = ontology_part()
        sync_graphs(self, [part], prune=False)
        return part.nquads.count(b"\n")

    def flush(self) -> None:
        """Nothing to do: the server commits each request."""

    def _writer(self) -> GraphWriter:
        # Made per write, so that endpoints set on the store after construction are used.
        bulk = OXIGRAPH_BULK if self.layout == "Oxigraph server" else None
        return GraphWriter(self._http, query_url=self.query_url, store_url=self.store_url,
                           update_url=self.update_url, append_params=bulk)
