"""Stage 4: the embedded Oxigraph store.

The graph lives in an on-disk Oxigraph (RocksDB) store by default, or in memory for tests.
Data goes in through Oxigraph's bulk loader from N-Quads, never one triple at a time, and
SPARQL runs on Oxigraph's own engine. :meth:`GraphStore.as_rdflib` gives rdflib users the
same store through oxrdflib, whose ``query`` also hands the SPARQL to Oxigraph.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import QueryError, StoreError
from .formats import Format, escape_line_ends, write_rdf
from .iris import BASE, BUILD_NS, ONTOLOGY_GRAPH, PREFIXES, read_ontology_text
from .sparql_text import QueryLimits, bind_values  # QueryLimits: re-exported for callers of the store


DEFAULT_OUT = Path("build")
BUILD_GRAPHS = BUILD_NS
STORE_DIRNAME = "store"


ExportFormat = Format
"""Kept for callers of the first releases: export formats are members of the one registry."""


@dataclass(frozen=True)
class QueryDataset:
    """The RDF dataset a request names (SPARQL 1.1 Protocol ``default-graph-uri`` and
    ``named-graph-uri``): graph IRIs. It overrides any FROM / FROM NAMED in the query.

    With neither given (and no FROM in the query), the default graph is the union of all graphs.
    """

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


class GraphStore:
    r"""An Oxigraph store holding the knowledge graph.

    >>> store = GraphStore.in_memory()
    >>> store.load_nquads(b'<urn:a> <urn:p> <urn:b> <urn:g> .\n')
    >>> len(store)
    1
    """

    def __init__(self, store: ox.Store, location: Path | None = None):
        self.ox = store
        self.location = location

    @classmethod
    def in_memory(cls) -> GraphStore:
        return cls(ox.Store())

    @classmethod
    def create(cls, location: Path | str) -> GraphStore:
        """A new, empty on-disk store at ``location`` (which must not hold one already)."""
        location = Path(location)
        if location.exists() and any(location.iterdir()):
            raise StoreError(f"{location} is not empty; refusing to create a store over it")
        return cls(ox.Store(str(location)), location)

    @classmethod
    def open(cls, location: Path | str, *, read_only: bool = True) -> GraphStore:
        """Open the store ``kg build`` wrote. Read-only by default, so several readers can share it."""
        location = Path(location)
        if not (location / "CURRENT").exists():
            raise StoreError(f"no store at {location}. Run 'kg build' first, or pass --out with the folder "
                             "'kg build --out' wrote (or --store URL for a SPARQL server).")
        try:
            store = ox.Store.read_only(str(location)) if read_only else ox.Store(str(location))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {location}: {exc}") from exc
        return cls(store, location)

    def __len__(self) -> int:
        """Quads of the knowledge graph (not counting the build's own record)."""
        return len(self.ox) - sum(1 for _ in self._build_quads())

    def data_quads(self):
        """Every quad but those of the build's own graphs (graph_model.build_state), in the
        store's order: what exports hold."""
        build_graphs = {g for g in self.ox.named_graphs() if g.value.startswith(BUILD_GRAPHS)}
        if not build_graphs:
            return iter(self.ox)
        return (q for q in self.ox if q.graph_name not in build_graphs)

    def _build_quads(self):
        for graph in self.ox.named_graphs():
            if graph.value.startswith(BUILD_GRAPHS):
                yield from self.ox.quads_for_pattern(None, None, None, graph)

    def load_nquads(self, data: bytes) -> None:
        """Bulk-load N-Quads bytes (Oxigraph's bulk loader: no per-triple transactions)."""
        try:
            self.ox.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        except SyntaxError as exc:
            raise StoreError(f"the generated N-Quads did not parse: {exc}") from exc

    def load_ontology(self) -> None:
        """Put the ontology in its own named graph, so labels of relations are queryable."""
        self.ox.bulk_load(read_ontology_text().encode("utf-8"), format=ox.RdfFormat.TURTLE,
                          to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)))

    def flush(self) -> None:
        if self.location is not None:
            self.ox.flush()

    def query(self, sparql: str, *, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None,
              dataset: QueryDataset | None = None, limits: QueryLimits = QueryLimits()):
        """Run SPARQL on Oxigraph's engine.

        The dataset is ``dataset`` if given, else the query's own FROM / FROM NAMED, else the
        union of all graphs as default graph. Relative IRIs resolve against the graph's base IRI.
        ``bindings`` substitute values for variables (parameters are bound, never pasted into
        the text). Returns pyoxigraph's solutions, boolean or triples.

        Raises QueryError for a syntax error, a text over ``limits``, or an update;
        QueryRefused (a QueryError) for what the limits do not allow.
        """
        info = limits.check(sparql)
        options = {}
        if dataset:
            try:
                options["default_graph"] = [ox.NamedNode(g) for g in dataset.default_graphs]
                options["named_graphs"] = [ox.NamedNode(g) for g in dataset.named_graphs]
            except ValueError as exc:
                raise QueryError(f"a graph named for the dataset is not an IRI: {exc}. "
                                 "Give absolute IRIs in default-graph-uri and named-graph-uri.") from exc
        elif not info.has_dataset:
            options["use_default_graph_as_union"] = True
        try:
            return self.ox.query(bind_values(sparql, bindings or {}, info=info), base_iri=BASE,
                                 prefixes=PREFIXES, **options)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        except (OSError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from exc

    def dump(self, export_format: Format, *, progress=None) -> bytes:
        """The whole dataset in an RDF format of the registry; for graph-less formats, the union
        of all graphs, sorted. Raises ValueError for a format that is not RDF."""
        fmt = Format(export_format).rdf_format
        if fmt is None:
            raise ValueError(f"{export_format} is not an RDF format")
        if export_format is Format.NQUADS:
            # Oxigraph writes the dataset at Rust speed; the build's few lines are cut out after.
            if progress is not None:
                progress.start("exporting")
            data = drop_build_lines(self.ox.dump(format=fmt))
            if progress is not None:
                lines = data.count(b"\n")
                progress.advance(lines, quads=lines)
                progress.finish()
            return escape_line_ends(data, Format.NQUADS)
        if fmt.supports_datasets:
            prefixes = {"prefixes": PREFIXES} if export_format is Format.TRIG else {}
            # the build's record carries times: it stays out of the (deterministic) exports
            return escape_line_ends(ox.serialize(_counted(self.data_quads(), progress), format=fmt, **prefixes)
                                    or b"", Format(export_format))
        triples = sorted({(q.subject, q.predicate, q.object) for q in _counted(self.data_quads(), progress)}, key=str)
        return write_rdf((ox.Triple(*t) for t in triples), Format(export_format))

    def as_rdflib(self):
        """This store as an rdflib ``Dataset`` (via oxrdflib), default graph = union of all graphs.

        ``dataset.query(...)`` is evaluated by Oxigraph, not by rdflib's Python engine.
        """
        from oxrdflib import OxigraphStore
        from rdflib import Dataset

        dataset = Dataset(store=OxigraphStore(store=self.ox), default_union=True)
        for prefix, namespace in PREFIXES.items():
            dataset.bind(prefix, namespace)
        return dataset


_BUILD_GRAPH = b" <" + BUILD_NS.encode()


def drop_build_lines(nquads: bytes) -> bytes:
    r"""``nquads`` without the lines whose graph is one of the build's own (graph_model.build_state).

    A line is dropped only if the build graph's IRI is its last term (`` <IRI> .`` then the line
    end): the same text inside a literal of another line is kept.

    >>> drop_build_lines(b'<a> <p> "x <https://newsgraph.example/build/1> ." <g> .\n'
    ...                  b'<b> <p> <https://newsgraph.example/build/1> <https://newsgraph.example/build/2> .\n'
    ...                  b'<c> <p> <o> <g> .\n')
    b'<a> <p> "x <https://newsgraph.example/build/1> ." <g> .\n<c> <p> <o> <g> .\n'
    """
    kept, start, at = [], 0, nquads.find(_BUILD_GRAPH)
    while at >= 0:
        end = nquads.find(b"\n", at)
        end = len(nquads) if end < 0 else end + 1
        close = nquads.find(b">", at)
        if nquads[close + 1:end] in (b" .\n", b" ."):
            line = nquads.rfind(b"\n", 0, at) + 1
            kept.append(nquads[start:line])
            start = end
            at = nquads.find(_BUILD_GRAPH, end)
        else:  # a build IRI as subject or object, or inside a literal: look further along
            at = nquads.find(_BUILD_GRAPH, close)
    kept.append(nquads[start:])
    return b"".join(kept)


def _counted(quads, progress, *, every: int = 100_000):
    """``quads``, telling ``progress`` (graph_model.progress) every ``every`` of them."""
    if progress is None:
        yield from quads
        return
    progress.start("exporting")
    count = 0
    for quad in quads:
        yield quad
        count += 1
        if count == every:
            progress.advance(count, quads=count)
            count = 0
    progress.advance(count, quads=count)
    progress.finish()


def is_store_url(location) -> bool:
    """Whether ``location`` names a SPARQL server (http:// or https://) rather than a folder."""
    return isinstance(location, str) and location.lower().startswith(("http://", "https://"))


def open_store(location: Path | str = DEFAULT_OUT, **remote_options):
    """The store at ``location``: a SPARQL server if it is an http(s) URL (``remote_options``
    go to :meth:`RemoteStore.connect <graph_model.remote.RemoteStore.connect>`), else the
    on-disk store a previous ``build()`` wrote under that folder, read-only.

    Raises StoreError when there is no store there.
    """
    if is_store_url(location) or remote_options.get("query_url"):
        from .remote import RemoteStore

        return RemoteStore.connect(str(location) if location else remote_options["query_url"], **remote_options)
    return GraphStore.open(Path(location) / STORE_DIRNAME)
