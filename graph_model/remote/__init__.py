"""A remote SPARQL server as the graph's store: a drop-in for :class:`~graph_model.store.GraphStore`.

:class:`RemoteStore` talks to any server that speaks the W3C SPARQL 1.1 Protocol (queries) and
the SPARQL 1.1 Graph Store HTTP Protocol (writes): Oxigraph server, Apache Jena Fuseki,
GraphDB / RDF4J, Virtuoso. Only the standard library does HTTP; pyoxigraph parses and
serialises every RDF term, so nothing is escaped by hand.

One module per job:

* :mod:`.store` -- :class:`RemoteStore`: listing our graphs, queries, counts, dumps.
* :mod:`.discovery` -- finding the endpoints from a base URL (``RemoteStore.connect``).
* :mod:`.writer` -- replacing and dropping named graphs (Graph Store Protocol, else SPARQL Update).
* :mod:`.answers` -- the Accept headers, and parsing the server's results and RDF.
* :mod:`.http` -- the HTTP client, credentials, and the one mapping of HTTP failures to our errors.

How it keeps the embedded store's semantics:

* **Union default graph.** The embedded store queries the union of all graphs. Remotely the
  union of *our* graphs (IRIs under ``https://newsgraph.example/``) is requested explicitly: one
  ``default-graph-uri`` and one ``named-graph-uri`` per graph, listed once per store with
  ``SELECT DISTINCT ?g WHERE { GRAPH ?g { } }`` and re-listed after every write. Other graphs on
  the server are invisible to our queries.
* **Prefixes.** The embedded store passes :data:`~graph_model.vocabulary.PREFIXES` as default
  prefixes; here the missing ``PREFIX`` declarations are put in front of the query text, on its
  first line, so the server's line numbers in error messages still match the query.
* **Writes** replace whole named graphs, one Graph Store Protocol ``PUT`` per graph, so loading
  twice leaves the same data, never duplicates.
* **Results** have the embedded store's types: ``pyoxigraph.QuerySolutions``,
  ``pyoxigraph.QueryBoolean`` or an iterator of ``pyoxigraph.Triple``.
"""

from .store import RemoteStore

__all__ = ["RemoteStore"]
