"""A remote SPARQL server as the graph's store: a drop-in for :class:`~graph_model.store.GraphStore`.

:class:`RemoteStore` talks to any server that speaks the W3C SPARQL 1.1 Protocol (queries) and
the SPARQL 1.1 Graph Store HTTP Protocol (writes): Oxigraph server, Apache Jena Fuseki,
GraphDB / RDF4J, Virtuoso. Only the standard library does HTTP; pyoxigraph parses and
serialises every RDF term, so nothing is escaped by hand.

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

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import QueryError, StoreError
from .iris import BASE, ENTITIES_GRAPH, ONTOLOGY_GRAPH, PREFIXES, read_ontology_text
from .sparql_text import analyse, bind_values, check_read_only, with_prologue
from .store import ExportFormat, GraphStore, QueryDataset, QueryLimits

OUR_GRAPHS_PREFIX = BASE
"""Named graphs whose IRI starts with this are ours; the rest of the server is left alone."""

USER_ENV = "KG_STORE_USER"
PASSWORD_ENV = "KG_STORE_PASSWORD"

_RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.8, application/rdf+xml;q=0.5"
_ANY_ACCEPT = f"{_RESULTS_ACCEPT}, {_GRAPH_ACCEPT}"
_NTRIPLES = "application/n-triples"

_LIST_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
# For servers on which an empty GRAPH pattern matches nothing: slower, so only a fallback.
_LIST_GRAPHS_SCAN = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                     f"FILTER(STRSTARTS(STR(?g), {ox.Literal(OUR_GRAPHS_PREFIX)})) }}")

@dataclass(frozen=True)
class _Layout:
    """Where a server kind keeps its Graph Store and update endpoints, relative to its root."""

    name: str
    store: str
    update: str


# Tried in this order when looking for the Graph Store endpoint (a HEAD request each).
_LAYOUTS = (
    _Layout("Oxigraph server", "store", "update"),
    _Layout("Apache Jena Fuseki", "data", "update"),
    _Layout("GraphDB / RDF4J", "rdf-graphs/service", "statements"),
    _Layout("Virtuoso", "sparql-graph-crud-auth", "sparql-auth"),
)
_QUERY_ENDPOINT_NAMES = ("query", "sparql")


def _split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """``url`` without ``user:password@``, and the credentials it held (percent-decoded)."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None:
        return url, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    user = urllib.parse.unquote(parts.username)
    password = urllib.parse.unquote(parts.password or "")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), (user, password)


def _with_params(url: str, params: dict[str, str]) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params, quote_via=urllib.parse.quote)}"


def _strip_slash(url: str) -> str:
    return url.rstrip("/")


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


class _HTTPFailure(Exception):
    """An HTTP error status: the status, and the server's message."""

    def __init__(self, url: str, status: int, message: str):
        super().__init__(f"HTTP {status} from {url}: {message}")
        self.url = url
        self.status = status
        self.message = message


class _Unreachable(Exception):
    """No HTTP answer at all: refused, unknown host, timed out."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class _HTTP:
    """Plain urllib requests with a timeout and optional Basic/Digest credentials."""

    def __init__(self, timeout: float, credentials: tuple[str, str] | None):
        self.timeout = timeout
        self.credentials = credentials
        handlers = []
        if credentials is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            self._passwords = passwords
            handlers = [urllib.request.HTTPBasicAuthHandler(passwords),
                        urllib.request.HTTPDigestAuthHandler(passwords)]
        self.opener = urllib.request.build_opener(*handlers)
        self._registered: set[str] = set()

    def _register(self, url: str) -> None:
        if self.credentials is None:
            return
        parts = urllib.parse.urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}/"
        if root not in self._registered:
            self._passwords.add_password(None, root, *self.credentials)
            self._registered.add(root)

    def request(self, method: str, url: str, *, data: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
        """(status, media type, body) of a 2xx answer; raises _HTTPFailure or _Unreachable."""
        self._register(url)
        request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, _media_type(response.headers.get("Content-Type")), response.read()
        except urllib.error.HTTPError as exc:
            try:
                body = exc.read()
            except OSError:
                body = b""
            finally:
                exc.close()
            message = body.decode("utf-8", errors="replace").strip() or (exc.reason or "")
            raise _HTTPFailure(url, exc.code, str(message)[:2000]) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise _Unreachable(url, f"no answer within {self.timeout:g} s") from None
            raise _Unreachable(url, str(reason)) from None
        except (TimeoutError, socket.timeout):
            raise _Unreachable(url, f"no answer within {self.timeout:g} s") from None
        except (OSError, ValueError) as exc:  # connection reset, bad status line, malformed URL
            raise _Unreachable(url, f"{type(exc).__name__}: {exc}") from None


_OPTIONS_HINT = ("Give the endpoints explicitly: on the command line --query-endpoint, --graph-store-endpoint "
                 "and --update-endpoint; in Python RemoteStore.connect(url, query_url=..., store_url=..., "
                 "update_url=...).")


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
        self._http = _HTTP(timeout, auth)
        self._graphs: tuple[str, ...] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (f"RemoteStore(query_url={self.query_url!r}, store_url={self.store_url!r}, "
                f"update_url={self.update_url!r})")

    # -- connecting ------------------------------------------------------------------------

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
        found_auth = None
        urls = []
        for url in (base_url, query_url, update_url, store_url):
            if url is None:
                urls.append(None)
                continue
            clean, credentials = _split_credentials(url)
            urls.append(_strip_slash(clean))
            found_auth = found_auth or credentials
        base_url, query_url, update_url, store_url = urls
        for url in filter(None, urls):
            if urllib.parse.urlsplit(url).scheme not in ("http", "https") or not urllib.parse.urlsplit(url).netloc:
                raise StoreError(f"'{url}' is not an http:// or https:// URL. Give the server's base URL, "
                                 "e.g. http://127.0.0.1:7878 (Oxigraph) or http://localhost:3030/ds (Fuseki).")
        if auth is None:
            auth = found_auth
        if auth is None and os.environ.get(USER_ENV):
            auth = (os.environ[USER_ENV], os.environ.get(PASSWORD_ENV, ""))

        http = _HTTP(timeout, auth)
        root = base_url
        for name in _QUERY_ENDPOINT_NAMES:
            if base_url.endswith("/" + name):
                root = base_url[: -len(name) - 1]
        if query_url is not None:
            candidates = [query_url]
        elif root != base_url:
            candidates = [base_url]
        else:
            candidates = [f"{base_url}/{name}" for name in _QUERY_ENDPOINT_NAMES] + [base_url]

        tried = []
        found = None
        for candidate in candidates:
            outcome = _probe_query(http, candidate)
            tried.append(f"{candidate} ({outcome})")
            if outcome == "ok":
                found = candidate
                break
            if outcome.startswith("unreachable"):
                break  # the host does not answer; other paths on it will not either
            if outcome.startswith("HTTP 401") or outcome.startswith("HTTP 403"):
                raise StoreError(
                    f"the SPARQL endpoint {candidate} refused access ({outcome}). Give credentials: "
                    f"user:password@ in the URL, or ${USER_ENV} and ${PASSWORD_ENV}.")
        if found is None:
            raise StoreError(f"no SPARQL query endpoint found at {base_url}. Tried: {'; '.join(tried)}. "
                             "Check that the server runs and the URL is its base URL (Oxigraph: "
                             "http://host:7878, Fuseki: http://host:3030/DATASET, GraphDB: "
                             "http://host:7200/repositories/REPO, Virtuoso: http://host:8890/sparql). "
                             + _OPTIONS_HINT)

        layout = None
        if store_url is None:
            for candidate in _LAYOUTS:
                url = f"{root}/{candidate.store}"
                if _probe_store(http, url):
                    store_url, layout = url, candidate.name
                    if update_url is None:
                        update_url = f"{root}/{candidate.update}"
                    break
        store = cls(found, store_url=store_url, update_url=update_url, timeout=timeout, auth=auth,
                    layout=layout)
        store._http = http
        return store

    # -- reading ---------------------------------------------------------------------------

    def graphs(self, *, refresh: bool = False) -> tuple[str, ...]:
        """The IRIs of our named graphs on the server, sorted (cached; re-listed after writes)."""
        with self._lock:
            if self._graphs is None or refresh:
                names = self._list_graphs(_LIST_GRAPHS)
                if not names:
                    names = self._list_graphs(_LIST_GRAPHS_SCAN)
                self._graphs = tuple(sorted(n for n in names if n.startswith(OUR_GRAPHS_PREFIX)))
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
        server cannot be reached.
        """
        info = analyse(sparql, max_depth=limits.max_depth, max_length=limits.max_length)
        check_read_only(info, allow_service=limits.allow_service)
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
        form = info.form
        accept = {"SELECT": _RESULTS_ACCEPT, "ASK": _RESULTS_ACCEPT}.get(form, _GRAPH_ACCEPT if form else _ANY_ACCEPT)
        params = [("query", text)] + dataset_params
        body = urllib.parse.urlencode(params).encode("ascii")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        try:
            _, media, data = self._http.request("POST", self.query_url, data=body, headers=headers)
        except _HTTPFailure as exc:
            if exc.status == 400:
                added = len(text) - len(sparql)
                note = (f" (Positions on line 1 include the {added} characters of BASE and PREFIX "
                        "declarations put in front of the query.)") if added else ""
                raise QueryError(f"the server rejected the query: {exc.message}{note}") from None
            if exc.status in (401, 403):
                raise StoreError(f"{exc}. Give credentials: user:password@ in the URL, "
                                 f"or ${USER_ENV} and ${PASSWORD_ENV}.") from None
            if exc.status == 500:
                raise QueryError(f"the server failed to run the query: {exc.message}") from None
            raise StoreError(f"querying {self.query_url} failed: {exc}") from None
        except _Unreachable as exc:
            raise StoreError(f"cannot reach the SPARQL server: {exc}") from None
        return _parse_answer(data, media, form, self.query_url)

    def __len__(self) -> int:
        """The number of quads in our graphs."""
        graphs = self.graphs()
        if not graphs:
            return 0
        values = " ".join(str(ox.NamedNode(g)) for g in graphs)
        result = self._run(f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}",
                           self._dataset_params())
        for solution in result:
            return int(solution["n"].value)
        return 0

    def graph_triples(self, graph: str) -> list[ox.Triple]:
        """The triples of one named graph (Graph Store GET, else a CONSTRUCT)."""
        if self.store_url is not None:
            url = _with_params(self.store_url, {"graph": graph})
            try:
                _, media, data = self._http.request("GET", url, headers={"Accept": _GRAPH_ACCEPT})
            except _HTTPFailure as exc:
                if exc.status == 404:
                    return []
                raise StoreError(f"reading graph {graph} failed: {exc}") from None
            except _Unreachable as exc:
                raise StoreError(f"cannot reach the SPARQL server: {exc}") from None
            return list(_parse_triples(data, media, url))
        iri = ox.NamedNode(graph)
        return list(self._run(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri} {{ ?s ?p ?o }} }}",
                              self._dataset_params()))

    def dump(self, export_format: ExportFormat) -> bytes:
        """Our graphs serialised exactly as :meth:`GraphStore.dump` serialises a built store.

        For dataset formats (TriG, N-Quads, JSON-LD) the graphs are copied into a temporary
        on-disk Oxigraph store, the kind ``kg build`` writes, whose export order depends only on
        the data (an in-memory store's follows insertion order); so the bytes equal those of
        ``kg export`` from a build of the same data. Turtle is sorted anyway: memory suffices.
        """
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
                 for graph in self.graphs(refresh=True) for t in self.graph_triples(graph)]
        if not export_format.rdf_format.supports_datasets:
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

    # -- writing ---------------------------------------------------------------------------

    def replace_graphs(self, nquads: bytes, *, prune: bool = False) -> dict[str, int]:
        """Replace, on the server, each named graph that ``nquads`` holds; returns triples per graph.

        One Graph Store ``PUT`` per graph, so loading twice changes nothing. Other graphs are
        kept, unless ``prune``: then our graphs absent from ``nquads`` (except the ontology's)
        are deleted, so the server holds exactly what a fresh build would.
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
        counts = {}
        try:
            for graph, triples in by_graph.items():
                self._put_graph(graph, list(triples))
                counts[graph] = len(triples)
            if prune:
                keep = set(by_graph) | {str(ONTOLOGY_GRAPH)}
                for graph in self.graphs(refresh=True):
                    if graph not in keep:
                        self._drop_graph(graph)
        finally:
            self._graphs = None
        return counts

    def load_nquads(self, data: bytes) -> None:
        """As :meth:`GraphStore.load_nquads`, except that the graphs in ``data`` are replaced."""
        self.replace_graphs(data)

    def load_ontology(self) -> int:
        """Replace the ontology graph with the ontology; returns its number of triples."""
        triples = [q.triple for q in ox.parse(read_ontology_text(), format=ox.RdfFormat.TURTLE)]
        try:
            self._put_graph(str(ONTOLOGY_GRAPH), triples)
        finally:
            self._graphs = None
        return len(triples)

    def flush(self) -> None:
        """Nothing to do: the server commits each request."""

    def _put_graph(self, graph: str, triples: list[ox.Triple]) -> None:
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        if self.store_url is not None:
            url = _with_params(self.store_url, {"graph": graph})
            try:
                self._http.request("PUT", url, data=body, headers={"Content-Type": _NTRIPLES})
            except _HTTPFailure as exc:
                if exc.status != 415:
                    raise self._write_error(graph, exc) from None
                try:  # N-Triples is Turtle; some servers only take the latter
                    self._http.request("PUT", url, data=body, headers={"Content-Type": "text/turtle"})
                except _HTTPFailure as exc2:
                    raise self._write_error(graph, exc2) from None
                except _Unreachable as exc2:
                    raise StoreError(f"cannot reach the SPARQL server: {exc2}") from None
            except _Unreachable as exc:
                raise StoreError(f"cannot reach the SPARQL server: {exc}") from None
            return
        iri = ox.NamedNode(graph)
        self._update(f"DROP SILENT GRAPH {iri} ;\nINSERT DATA {{ GRAPH {iri} {{\n{body.decode('utf-8')}}} }}", graph)

    def _drop_graph(self, graph: str) -> None:
        if self.store_url is not None:
            try:
                self._http.request("DELETE", _with_params(self.store_url, {"graph": graph}))
            except _HTTPFailure as exc:
                if exc.status != 404:
                    raise self._write_error(graph, exc) from None
            except _Unreachable as exc:
                raise StoreError(f"cannot reach the SPARQL server: {exc}") from None
            return
        self._update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}", graph)

    def _update(self, sparql_update: str, graph: str) -> None:
        if self.update_url is None:
            raise StoreError(f"cannot write graph {graph}: no Graph Store or update endpoint is known "
                             f"for {self.query_url}. " + _OPTIONS_HINT)
        body = urllib.parse.urlencode({"update": sparql_update}).encode("ascii")
        try:
            self._http.request("POST", self.update_url, data=body,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        except _HTTPFailure as exc:
            raise self._write_error(graph, exc) from None
        except _Unreachable as exc:
            raise StoreError(f"cannot reach the SPARQL server: {exc}") from None

    def _write_error(self, graph: str, exc: _HTTPFailure) -> StoreError:
        hint = ""
        if exc.status in (401, 403):
            hint = f" Give credentials: user:password@ in the URL, or ${USER_ENV} and ${PASSWORD_ENV}."
        elif exc.status in (404, 405):
            hint = " The endpoint does not take writes there. " + _OPTIONS_HINT
        return StoreError(f"writing graph {graph} failed: {exc}.{hint}")


def _probe_query(http: _HTTP, url: str) -> str:
    """``ok`` if ``url`` answers ``ASK {}`` with SPARQL results, else why not."""
    try:
        _, media, data = http.request("GET", _with_params(url, {"query": "ASK {}"}),
                                      headers={"Accept": _RESULTS_ACCEPT})
    except _HTTPFailure as exc:
        return f"HTTP {exc.status}"
    except _Unreachable as exc:
        return f"unreachable: {exc.reason}"
    fmt = ox.QueryResultsFormat.from_media_type(media) if media else None
    if fmt is None:
        return f"answered {media or 'without a content type'}, not SPARQL results"
    try:
        result = ox.parse_query_results(data, format=fmt)
    except (SyntaxError, ValueError, OSError) as exc:
        return f"unreadable SPARQL results: {exc}"
    return "ok" if isinstance(result, ox.QueryBoolean) else "not an ASK answer"


def _probe_store(http: _HTTP, url: str) -> bool:
    """Whether a Graph Store endpoint seems to live at ``url`` (a HEAD of its default graph)."""
    try:
        http.request("HEAD", f"{url}{'&' if '?' in url else '?'}default")
    except _HTTPFailure as exc:
        return exc.status not in (404, 410)  # 401/403: there, but wants credentials; 405: no HEAD
    except _Unreachable:
        return False
    return True


def _parse_answer(data: bytes, media: str, form: str | None, url: str):
    results_format = ox.QueryResultsFormat.from_media_type(media) if media else None
    if results_format is None and form in ("SELECT", "ASK"):
        results_format = ox.QueryResultsFormat.JSON
    if results_format is not None:
        try:
            return ox.parse_query_results(data, format=results_format)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"{url} sent SPARQL results that do not parse: {exc}") from exc
    return iter(list(_parse_triples(data, media, url)))


def _parse_triples(data: bytes, media: str, url: str) -> Iterator[ox.Triple]:
    rdf_format = (ox.RdfFormat.from_media_type(media) if media else None) or ox.RdfFormat.N_TRIPLES
    try:
        quads = list(ox.parse(data, format=rdf_format))
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"{url} sent RDF that does not parse: {exc}") from exc
    return (q.triple for q in quads)


__all__ = ["RemoteStore"]
