"""``kg build --store URL``: the build sent to a SPARQL server, one named graph at a time."""

from __future__ import annotations

from pathlib import Path

from .build import DEFAULT_SEEDS, build_nquads


def build_into(store, seeds_dir: Path | str = DEFAULT_SEEDS, *, shapes: bool = True) -> dict[str, int]:
    """Validate ``seeds_dir`` and replace each of its graphs in ``store`` (a RemoteStore), one bulk
    request per graph, so re-running is idempotent; graphs of articles no longer in the seeds are
    removed. Returns triples per graph uploaded."""
    _, _, nquads = build_nquads(seeds_dir, shapes=shapes)
    counts = store.replace_graphs(nquads, prune=True)
    store.load_ontology()
    return counts
