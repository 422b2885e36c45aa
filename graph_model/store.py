"""Stage 4: the embedded Oxigraph store.

The graph lives in an on-disk Oxigraph (RocksDB) store by default, or in memory for tests.
Data goes in through Oxigraph's bulk loader from N-Quads, never one triple at a time, and
SPARQL runs on Oxigraph's own engine. :meth:`GraphStore.as_rdflib` gives rdflib users the
same store through oxrdflib, whose ``query`` also hands the SPARQL to Oxigraph.
"""

from __future__ import annotations

import enum
import re
from pathlib import Path

import pyoxigraph as ox

from .errors import QueryError, StoreError
from .iris import ONTOLOGY_GRAPH, PREFIXES, read_ontology_text


DEFAULT_OUT = Path("build")
STORE_DIRNAME = "store"


class ExportFormat(str, enum.Enum):
    """RDF serialisations ``kg export`` writes."""

    TURTLE = "turtle"
    TRIG = "trig"
    NQUADS = "nquads"
    JSONLD = "jsonld"

    @property
    def rdf_format(self) -> ox.RdfFormat:
        return {
            ExportFormat.TURTLE: ox.RdfFormat.TURTLE,
            ExportFormat.TRIG: ox.RdfFormat.TRIG,
            ExportFormat.NQUADS: ox.RdfFormat.N_QUADS,
            ExportFormat.JSONLD: ox.RdfFormat.JSON_LD,
        }[self]


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def bind_values(sparql: str, bindings: dict) -> str:
    r"""``sparql`` with ``VALUES ?var { term }`` opening its first WHERE group, one per binding.

    Terms are serialised by pyoxigraph (N-Triples escaping), so a value can never become query
    syntax. Unlike SEP-0007 substitutions this needs no projected variable and works against
    any SPARQL endpoint.

    >>> bind_values("SELECT ?x WHERE { ?x ?p ?o }", {"o": ox.Literal('a" } DROP ALL #')})
    'SELECT ?x WHERE { VALUES ?o { "a\\" } DROP ALL #" } ?x ?p ?o }'
    """
    if not bindings:
        return sparql
    match = _WHERE.search(sparql)
    if match is None:
        raise QueryError("cannot bind parameters: the query has no WHERE clause")
    values = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in sorted(bindings.items()))
    return f"{sparql[:match.end()]} {values}{sparql[match.end():]}"


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
            raise StoreError(f"no store at {location}. Run 'kg build' first, or pass --store-dir.")
        try:
            store = ox.Store.read_only(str(location)) if read_only else ox.Store(str(location))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {location}: {exc}") from exc
        return cls(store, location)

    def __len__(self) -> int:
        return len(self.ox)

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

    def query(self, sparql: str, *, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None):
        """Run SPARQL on Oxigraph's engine with the union of all graphs as default graph.

        ``bindings`` substitute values for variables (parameters are bound, never pasted into
        the text). Returns pyoxigraph's solutions, boolean or triples.
        """
        try:
            return self.ox.query(bind_values(sparql, bindings or {}), use_default_graph_as_union=True,
                                 prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        except OSError as exc:
            raise QueryError(f"query failed: {exc}") from exc

    def dump(self, export_format: ExportFormat) -> bytes:
        """The whole dataset serialised; for graph-less formats, the union of all graphs."""
        fmt = export_format.rdf_format
        prefixes = PREFIXES if export_format in (ExportFormat.TURTLE, ExportFormat.TRIG) else None
        if fmt.supports_datasets:
            return self.ox.dump(format=fmt, prefixes=prefixes) if prefixes else self.ox.dump(format=fmt)
        triples = sorted({(q.subject, q.predicate, q.object) for q in self.ox}, key=str)
        return ox.serialize((ox.Triple(*t) for t in triples), format=fmt, prefixes=prefixes)

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


def open_store(out_dir: Path | str = DEFAULT_OUT) -> GraphStore:
    """The store a previous ``build()`` wrote under ``out_dir``, read-only."""
    return GraphStore.open(Path(out_dir) / STORE_DIRNAME)
