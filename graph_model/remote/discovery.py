"""Finding a SPARQL server's endpoints from its base URL.

The query endpoint is found with a cheap ``ASK {}`` GET, the Graph Store endpoint with a HEAD
request, trying the layouts of the servers we know (:data:`LAYOUTS`). Explicit URLs are used
as given; the query URL is still checked with ``ASK {}``.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import StoreError
from .answers import RESULTS_ACCEPT, parse_results
from .http import (
    CREDENTIALS_HINT,
    OPTIONS_HINT,
    Action,
    HTTPClient,
    Purpose,
    Unreachable,
    credentials_from_environment,
    split_credentials,
    with_params,
)


@dataclass(frozen=True)
class Layout:
    """Where a server kind keeps its Graph Store and update endpoints, relative to its root."""

    name: str
    store: str
    update: str


LAYOUTS = (
    Layout("Oxigraph server", "store", "update"),
    Layout("Apache Jena Fuseki", "data", "update"),
    Layout("GraphDB / RDF4J", "rdf-graphs/service", "statements"),
    Layout("Virtuoso", "sparql-graph-crud-auth", "sparql-auth"),
)
"""Tried in this order when looking for the Graph Store endpoint (a HEAD request each)."""

QUERY_ENDPOINT_NAMES = ("query", "sparql")

_PROBE = Action(Purpose.PROBE, "probing")


@dataclass(frozen=True)
class Endpoints:
    """What :func:`find_endpoints` found: the URLs (without credentials), the credentials, and
    the name of the layout the Graph Store endpoint was found by (None if given or not found)."""

    query_url: str
    store_url: str | None
    update_url: str | None
    auth: tuple[str, str] | None
    layout: str | None


def find_endpoints(base_url: str, *, query_url: str | None = None, update_url: str | None = None,
                   store_url: str | None = None, timeout: float = 30.0,
                   auth: tuple[str, str] | None = None) -> Endpoints:
    """The endpoints of the server at ``base_url`` (see :meth:`RemoteStore.connect
    <graph_model.remote.RemoteStore.connect>`).

    Credentials come from ``auth``, else from ``user:password@`` in any of the URLs, else from
    $KG_STORE_USER / $KG_STORE_PASSWORD; they are taken out of the URLs.

    Raises StoreError for a URL that is not http(s), for a query endpoint that refuses access,
    and, naming every URL tried, when no query endpoint answers.
    """
    found_auth = None
    urls = []
    for url in (base_url, query_url, update_url, store_url):
        if url is None:
            urls.append(None)
            continue
        clean, credentials = split_credentials(url)
        urls.append(clean.rstrip("/"))
        found_auth = found_auth or credentials
    base_url, query_url, update_url, store_url = urls
    for url in filter(None, urls):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise StoreError(f"'{url}' is not an http:// or https:// URL. Give the server's base URL, "
                             "e.g. http://127.0.0.1:7878 (Oxigraph) or http://localhost:3030/ds (Fuseki).")
    if auth is None:
        auth = found_auth if found_auth is not None else credentials_from_environment()
    http = HTTPClient(timeout, auth)

    root = base_url
    for name in QUERY_ENDPOINT_NAMES:
        if base_url.endswith("/" + name):
            root = base_url[: -len(name) - 1]
    found = _find_query_endpoint(http, base_url, root, query_url)

    layout = None
    if store_url is None:
        for candidate in LAYOUTS:
            url = f"{root}/{candidate.store}"
            if probe_store(http, url):
                store_url, layout = url, candidate.name
                if update_url is None:
                    update_url = f"{root}/{candidate.update}"
                break
    return Endpoints(found, store_url, update_url, auth, layout)


def _find_query_endpoint(http: HTTPClient, base_url: str, root: str, query_url: str | None) -> str:
    if query_url is not None:
        candidates = [query_url]
    elif root != base_url:
        candidates = [base_url]
    else:
        candidates = [f"{base_url}/{name}" for name in QUERY_ENDPOINT_NAMES] + [base_url]
    tried = []
    for candidate in candidates:
        outcome = probe_query(http, candidate)
        tried.append(f"{candidate} ({outcome})")
        if outcome == "ok":
            return candidate
        if outcome.startswith("unreachable"):
            break  # the host does not answer; other paths on it will not either
        if outcome.startswith(("HTTP 401", "HTTP 403")):
            raise StoreError(f"the SPARQL endpoint {candidate} refused access ({outcome}). {CREDENTIALS_HINT}")
    raise StoreError(f"no SPARQL query endpoint found at {base_url}. Tried: {'; '.join(tried)}. "
                     "Check that the server runs and the URL is its base URL (Oxigraph: "
                     "http://host:7878, Fuseki: http://host:3030/DATASET, GraphDB: "
                     "http://host:7200/repositories/REPO, Virtuoso: http://host:8890/sparql). "
                     + OPTIONS_HINT)


def probe_query(http: HTTPClient, url: str) -> str:
    """``ok`` if ``url`` answers ``ASK {}`` with SPARQL results, else why not."""
    try:
        reply = http.request("GET", with_params(url, {"query": "ASK {}"}), _PROBE,
                             headers={"Accept": RESULTS_ACCEPT})
    except Unreachable as exc:
        return f"unreachable: {exc.reason}"
    if not reply.is_success:
        return f"HTTP {reply.status}"
    fmt = ox.QueryResultsFormat.from_media_type(reply.media_type) if reply.media_type else None
    if fmt is None:
        return f"answered {reply.media_type or 'without a content type'}, not SPARQL results"
    try:
        result = parse_results(reply, fmt, "ASK")
    except StoreError as exc:
        return f"unreadable SPARQL results: {exc.__cause__ or exc}"
    return "ok" if isinstance(result, ox.QueryBoolean) else "not an ASK answer"


def probe_store(http: HTTPClient, url: str) -> bool:
    """Whether a Graph Store endpoint seems to live at ``url`` (a HEAD of its default graph)."""
    try:
        reply = http.request("HEAD", f"{url}{'&' if '?' in url else '?'}default", _PROBE)
    except Unreachable:
        return False
    return reply.status not in (404, 410)  # 401/403: there, but wants credentials; 405: no HEAD
