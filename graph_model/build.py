"""The whole pipeline: read -> validate -> map to RDF -> check shapes -> store (-> render).

``build()`` chains the stages. It writes into a fresh directory beside the output and swaps it
in only when everything succeeded, so a failed build leaves the previous outputs intact.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .corpus import read_corpus
from .errors import ValidationFailed
from .rdf import generate_quads, node_sources, serialize_nquads
from .store import DEFAULT_OUT, STORE_DIRNAME, GraphStore, open_store  # noqa: F401 - re-exported
from .validate import ValidationReport, validate_corpus

DEFAULT_SEEDS = Path("seeds")
GRAPH_HTML = "graph.html"


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    out_dir: Path
    store_path: Path
    articles: int
    entities: int
    statements: int
    quads: int


def validate(seeds_dir: Path | str = DEFAULT_SEEDS, *, shapes: bool = True) -> ValidationReport:
    """Validate the mapping in ``seeds_dir`` and, if it is clean, the RDF it produces (SHACL).

    Returns the report; never raises for bad data.
    """
    corpus = read_corpus(seeds_dir)
    report = validate_corpus(corpus)
    if report.conforms and shapes:
        from .shapes import check_shapes

        report.problems.extend(check_shapes(generate_quads(corpus, report), sources=node_sources(corpus)))
    return report


def build_nquads(seeds_dir: Path | str = DEFAULT_SEEDS, *, shapes: bool = True):
    """Read, validate and map ``seeds_dir``; returns (corpus, report, N-Quads bytes).

    Raises ValidationFailed listing every problem if the mapping or the RDF is invalid.
    """
    corpus = read_corpus(seeds_dir)
    report = validate_corpus(corpus)
    if not report.conforms:
        raise ValidationFailed(report.problems)
    if not shapes:
        return corpus, report, serialize_nquads(generate_quads(corpus, report))
    from .shapes import check_shapes

    # The SHACL check takes the very terms that are serialised; it never re-parses our own text.
    quads = list(generate_quads(corpus, report))
    problems = check_shapes(quads, sources=node_sources(corpus))
    if problems:
        raise ValidationFailed(problems)
    return corpus, report, serialize_nquads(quads)


def build(seeds_dir: Path | str = DEFAULT_SEEDS, out_dir: Path | str = DEFAULT_OUT, *,
          shapes: bool = True, render: bool = True) -> BuildResult:
    """Build the on-disk store (and the graph page) from ``seeds_dir`` into ``out_dir``.

    Raises ValidationFailed (nothing written) if the input is invalid.
    """
    out_dir = Path(out_dir)
    corpus, report, nquads = build_nquads(seeds_dir, shapes=shapes)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build-", dir=out_dir))
    try:
        store = GraphStore.create(staging / STORE_DIRNAME)
        store.load_nquads(nquads)
        store.load_ontology()
        # Compact the two bulk loads into one set of files: lookups then touch half as many.
        store.ox.optimize()
        store.flush()
        quads = len(store)
        if render:
            from .render import render_store_html

            (staging / GRAPH_HTML).write_text(render_store_html(store), encoding="utf-8")
        del store  # release RocksDB's lock before moving the directory
        _swap_in(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(out_dir, out_dir / STORE_DIRNAME, len(corpus.mappings), len(corpus.entities),
                       report.statement_count, quads)


def build_into(store, seeds_dir: Path | str = DEFAULT_SEEDS, *, shapes: bool = True) -> dict[str, int]:
    """Validate ``seeds_dir`` and replace each of its graphs in ``store`` (a RemoteStore), one bulk
    request per graph, so re-running is idempotent; graphs of articles no longer in the seeds are
    removed. Returns triples per graph uploaded."""
    _, _, nquads = build_nquads(seeds_dir, shapes=shapes)
    counts = store.replace_graphs(nquads, prune=True)
    store.load_ontology()
    return counts


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Move each staged output over the old one; the old one is removed only after the move."""
    for item in sorted(staging.iterdir()):
        target = out_dir / item.name
        retired = out_dir / f".old-{item.name}"
        shutil.rmtree(retired, ignore_errors=True)
        if target.exists():
            target.rename(retired)
        item.rename(target)
        if retired.is_dir():
            shutil.rmtree(retired, ignore_errors=True)
        elif retired.exists():
            retired.unlink()
