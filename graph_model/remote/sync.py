"""Sending a build to a SPARQL server: only the graphs that changed, in bounded chunks, retried,
and resumed by running again.

The server keeps its own record of what it holds, the *manifest*: a small named graph
(:data:`~.writer.MANIFEST_GRAPH`) with one ``<graph> <contentHash> "sha256"`` triple per graph
sent. :func:`sync_graphs` compares each part's hash with it and sends only what differs, so no
state lives on the machine that builds, and any machine can resume any other's upload.

A changed graph is sent as: forget its hash; replace the graph with the first chunk (Graph
Store ``PUT``, else ``DROP`` + ``INSERT DATA``; for a graph the server does not hold yet, an
append); append the other chunks (``POST``, else ``INSERT DATA``); record its new hash. One
upload at a time per server: two runs writing the same graphs at once can mix their chunks. Its hash is recorded only after its last chunk is stored,
so a run that stops anywhere leaves every graph either recorded with what it holds or not
recorded at all, and the next run sends exactly the graphs not recorded. Each request is
retried on failures that may pass (no answer, 5xx, 429, 503 with Retry-After), with backoff, a
bounded number of times.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import GraphModelError, StoreError
from ..iris import ONTOLOGY_GRAPH, read_ontology_text
from .http import is_transient
from .writer import CONTENT_HASH, MANIFEST_GRAPH, GraphWriter, group_by_graph

DEFAULT_CHUNK_TRIPLES = 50_000
"""Triples per request: about 5-10 MB of N-Triples, well under the body limits servers ship with."""

DEFAULT_RETRIES = 4
DEFAULT_RETRY_DELAY = 0.5  # seconds before the first retry; doubled for each further one
MAX_RETRY_DELAY = 30.0     # a Retry-After longer than this is cut to it

_FORGET_BATCH = 500  # graphs whose hashes one SPARQL Update deletes

Progress = Callable[[str, str, int], None]
"""Called as ``progress(action, graph, triples)`` with action ``sent``, ``skipped`` or ``dropped``."""


@dataclass(frozen=True)
class GraphPart:
    """One named graph to store: its IRI, the hash that identifies its content, its N-Quads."""

    graph: str
    content_hash: str
    nquads: bytes


@dataclass(frozen=True)
class SyncReport:
    """What :func:`sync_graphs` did: graphs sent, skipped (the server had them) and dropped."""

    sent: tuple[str, ...]
    skipped: tuple[str, ...]
    dropped: tuple[str, ...]
    triples_sent: int
    chunks_sent: int
    seconds: float


def content_hash(triples: Iterable[ox.Triple]) -> str:
    """The sha256 (hex) of the triples' sorted N-Triples lines: the same set, the same hash.

    >>> t = ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o"))
    >>> content_hash([t]) == content_hash([t, t])
    True
    """
    lines = sorted({f"{t} .".encode() for t in triples})
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line + b"\n")
    return digest.hexdigest()


def parts_from_nquads(nquads: bytes) -> list[GraphPart]:
    """One :class:`GraphPart` per named graph of ``nquads``, in the order the graphs first appear.

    Raises StoreError as :func:`~.writer.group_by_graph` does (default graph, foreign graphs).
    """
    return parts_from_graphs(group_by_graph(nquads))


def parts_from_graphs(by_graph: dict[str, list[ox.Triple]]) -> list[GraphPart]:
    """One :class:`GraphPart` per graph IRI -> triples."""
    parts = []
    for graph, triples in by_graph.items():
        node = ox.NamedNode(graph)
        data = ox.serialize([ox.Quad(t.subject, t.predicate, t.object, node) for t in triples],
                            format=ox.RdfFormat.N_QUADS) or b""
        parts.append(GraphPart(graph, content_hash(triples), data))
    return parts


def ontology_part() -> GraphPart:
    """The ontology as a part of its graph, :data:`~graph_model.iris.ONTOLOGY_GRAPH`."""
    triples = list(dict.fromkeys(q.triple for q in ox.parse(read_ontology_text(), format=ox.RdfFormat.TURTLE)))
    return parts_from_graphs({str(ONTOLOGY_GRAPH): triples})[0]


class _Retrying:
    """Runs a request again while its failure may pass, up to ``retries`` more times."""

    def __init__(self, retries: int, delay: float):
        self.retries = retries
        self.delay = delay

    def __call__(self, request: Callable[[], object]):
        for attempt in range(self.retries + 1):
            try:
                return request()
            except GraphModelError as exc:
                if attempt == self.retries or not is_transient(exc):
                    exc.attempts = attempt + 1
                    raise
                wait = getattr(exc, "retry_after", None)
                time.sleep(min(MAX_RETRY_DELAY, wait if wait is not None else self.delay * 2 ** attempt))
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


class Manifest:
    """The server's record of the content hash of each graph it holds (see the module's docstring).

    Written with SPARQL Update when the server has an update endpoint; otherwise the whole
    manifest graph is replaced (Graph Store ``PUT``) on every change, which costs one body the
    size of the manifest per graph sent.
    """

    def __init__(self, store, writer: GraphWriter, retrying: _Retrying):
        self.store = store
        self.writer = writer
        self.retrying = retrying
        self.hashes: dict[str, str] = {}

    def read(self) -> dict[str, str]:
        """Graph IRI -> hash, as the server records it now (empty if it has no manifest)."""
        triples = self.retrying(lambda: self.store.graph_triples(MANIFEST_GRAPH))
        self.hashes = {t.subject.value: t.object.value for t in triples
                       if t.predicate.value == CONTENT_HASH and isinstance(t.subject, ox.NamedNode)}
        return dict(self.hashes)

    def record(self, graph: str, digest: str) -> None:
        """Record that ``graph`` holds the content hashed ``digest``."""
        self.hashes[graph] = digest
        if self.writer.update_url is None:
            self._put()
            return
        node, predicate = ox.NamedNode(graph), ox.NamedNode(CONTENT_HASH)
        self._update(f"{_delete_hashes([graph])} ;\nINSERT DATA {{ GRAPH {ox.NamedNode(MANIFEST_GRAPH)} "
                     f"{{ {node} {predicate} {ox.Literal(digest)} }} }}")

    def forget(self, graphs: Iterable[str]) -> None:
        """Delete the hashes of ``graphs``: the server may no longer hold what they say."""
        graphs = [g for g in graphs if g in self.hashes]
        if not graphs:
            return
        for graph in graphs:
            del self.hashes[graph]
        if self.writer.update_url is None:
            self._put()
            return
        for start in range(0, len(graphs), _FORGET_BATCH):
            self._update(_delete_hashes(graphs[start:start + _FORGET_BATCH]))

    def _update(self, sparql_update: str) -> None:
        self.retrying(lambda: self.writer.update(sparql_update, MANIFEST_GRAPH))

    def _put(self) -> None:
        predicate = ox.NamedNode(CONTENT_HASH)
        triples = [ox.Triple(ox.NamedNode(g), predicate, ox.Literal(h)) for g, h in sorted(self.hashes.items())]
        self.retrying(lambda: self.writer.put_graph(MANIFEST_GRAPH, triples))


def _delete_hashes(graphs: list[str]) -> str:
    # One DELETE ... WHERE per graph rather than VALUES in a single one: the plainest form of
    # SPARQL Update, which every server we know runs the same way.
    manifest, predicate = ox.NamedNode(MANIFEST_GRAPH), ox.NamedNode(CONTENT_HASH)
    return " ;\n".join(f"DELETE {{ GRAPH {manifest} {{ {ox.NamedNode(g)} {predicate} ?old }} }} "
                       f"WHERE {{ GRAPH {manifest} {{ {ox.NamedNode(g)} {predicate} ?old }} }}" for g in graphs)


def sync_graphs(store, parts: Iterable, *, prune: bool = True, chunk_triples: int = DEFAULT_CHUNK_TRIPLES,
                retries: int = DEFAULT_RETRIES, retry_delay: float = DEFAULT_RETRY_DELAY,
                progress: Progress | None = None) -> SyncReport:
    """Make ``store`` (a RemoteStore) hold each of ``parts``, sending only those whose
    ``content_hash`` the server's manifest does not record for a graph it holds.

    ``parts`` is any iterable of objects with ``graph`` (IRI), ``content_hash`` and ``nquads``
    (that graph's N-Quads), e.g. :class:`GraphPart`; it is read once, one part at a time. A
    changed graph is replaced in chunks of at most ``chunk_triples`` triples. With ``prune``,
    our graphs on the server that no part names are dropped (the ontology's excepted).

    Returns a :class:`SyncReport`. Raises StoreError naming the graph that failed and saying
    that running again resumes; graphs recorded before it are not sent again. Example::

        report = sync_graphs(RemoteStore.connect("http://127.0.0.1:7878"), parts_from_nquads(data))
        report.sent, report.skipped, report.dropped   # graph IRIs
    """
    if chunk_triples < 1:
        raise ValueError("chunk_triples must be at least 1")
    started = time.monotonic()
    retrying = _Retrying(retries, retry_delay)
    writer = store._writer()
    manifest = Manifest(store, writer, retrying)
    recorded = manifest.read()
    held = set(retrying(lambda: store.graphs(refresh=True)))
    named, sent, skipped = [], [], []
    triples_sent = chunks_sent = 0
    try:
        for part in parts:
            graph = part.graph
            named.append(graph)
            if recorded.get(graph) == part.content_hash and graph in held:
                skipped.append(graph)
                if progress:
                    progress("skipped", graph, 0)
                continue
            chunks = _chunks(part, chunk_triples)
            try:
                manifest.forget([graph])
                for number, chunk in enumerate(chunks):
                    # A graph the server does not hold is only added to: the Oxigraph server
                    # stores a POST in half the time of a PUT, which first clears the graph.
                    send = writer.put_graph if number == 0 and graph in held else writer.append_graph
                    retrying(lambda send=send, chunk=chunk: send(graph, chunk))
                manifest.record(graph, part.content_hash)
            except GraphModelError as exc:
                raise _resume_error(graph, exc, len(sent)) from exc
            count = sum(map(len, chunks))
            sent.append(graph)
            triples_sent += count
            chunks_sent += len(chunks)
            if progress:
                progress("sent", graph, count)
        dropped = _prune(store, writer, manifest, retrying, set(named), progress) if prune else []
    finally:
        store._graphs = None  # the cached list of graphs is stale after any write
    return SyncReport(tuple(sent), tuple(skipped), tuple(dropped), triples_sent, chunks_sent,
                      time.monotonic() - started)


def _chunks(part, size: int) -> list[list[ox.Triple]]:
    """The part's triples (a set: duplicates dropped) in lists of at most ``size``; one empty
    list for an empty graph, which still replaces what the server held under that name.

    Raises StoreError if the N-Quads do not parse or hold another graph's triples.
    """
    try:
        quads = ox.parse(part.nquads, format=ox.RdfFormat.N_QUADS)
        seen: dict[ox.Triple, None] = {}
        for quad in quads:
            if not isinstance(quad.graph_name, ox.NamedNode) or quad.graph_name.value != part.graph:
                raise StoreError(f"the N-Quads of graph {part.graph} hold a triple of another graph "
                                 f"({quad.graph_name}); each part must hold its own graph only.")
            seen[quad.triple] = None
    except SyntaxError as exc:
        raise StoreError(f"the N-Quads of graph {part.graph} did not parse: {exc}") from exc
    triples = list(seen)
    return [triples[start:start + size] for start in range(0, len(triples), size)] or [[]]


def _prune(store, writer: GraphWriter, manifest: Manifest, retrying: _Retrying, named: set[str],
           progress: Progress | None) -> list[str]:
    keep = named | {str(ONTOLOGY_GRAPH)}
    dropped = []
    for graph in retrying(lambda: store.graphs(refresh=True)):
        if graph in keep:
            continue
        try:
            retrying(lambda graph=graph: writer.drop_graph(graph))
        except GraphModelError as exc:
            raise StoreError(f"dropping graph {graph}, which the build no longer produces, failed: {exc} "
                             "Every graph of the build is stored; run the same command again to finish "
                             "removing the old ones.") from exc
        dropped.append(graph)
        if progress:
            progress("dropped", graph, 0)
    manifest.forget([g for g in list(manifest.hashes) if g not in keep])
    return dropped


def _resume_error(graph: str, exc: GraphModelError, done: int) -> StoreError:
    attempts = getattr(exc, "attempts", 1)
    tried = f" (tried {attempts} times)" if attempts > 1 else ""
    return StoreError(f"sending graph {graph} failed{tried}: {exc} {done} changed graph"
                      f"{'' if done == 1 else 's'} of this run were stored and recorded before it. Run the same "
                      "command again to resume: graphs the server already holds are not sent again.")


def format_sync_report(report: SyncReport, target: str) -> str:
    """One line for the terminal.

    >>> print(format_sync_report(SyncReport(("g",), ("h", "i"), (), 12, 1, 0.25), "http://h"))
    sent 1 graph (12 triples in 1 request) to http://h, skipped 2 unchanged, dropped 0, in 0.2 s
    """
    return (f"sent {len(report.sent)} graph{'' if len(report.sent) == 1 else 's'} ({report.triples_sent} triples "
            f"in {report.chunks_sent} request{'' if report.chunks_sent == 1 else 's'}) to {target}, skipped "
            f"{len(report.skipped)} unchanged, dropped {len(report.dropped)}, in {report.seconds:.1f} s")
