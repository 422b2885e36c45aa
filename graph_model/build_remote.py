"""``kg build --store URL``: the build sent to a SPARQL server, only the graphs that changed."""

from __future__ import annotations

from pathlib import Path

from .build import DEFAULT_SEEDS
from .progress import Progress
from .remote.sync import SyncReport, ontology_part, sync_graphs


def build_into(store, seeds_dir: Path | str = DEFAULT_SEEDS, *, shapes: bool = True,
               progress: Progress | None = None, jobs: int | None = None, **options) -> SyncReport:
    """Validate ``seeds_dir`` and make ``store`` (a RemoteStore) hold its graphs and the ontology,
    sending only the graphs the server does not already hold as they are, and dropping the graphs
    of articles no longer in the seeds. ``options`` go to :func:`~.remote.sync.sync_graphs`
    (``chunk_triples``, ``retries``, ``retry_delay``); ``progress`` (graph_model.progress) hears of
    the articles mapped and the graphs sent.

    Returns the :class:`~.remote.sync.SyncReport`. Raises ValidationFailed (nothing sent) if the
    seeds are invalid, StoreError if the upload fails (running again resumes it).
    """
    # Articles are mapped one at a time on the process pool and spooled to disk until the whole
    # corpus is known to be valid (graph_model.graph_parts); each graph's content hash is that
    # of its N-Quads, so an unchanged article is skipped whatever else changed in the corpus.
    from itertools import chain

    from .graph_parts import iter_graph_parts

    progress = progress or Progress()
    parts = chain(iter_graph_parts(seeds_dir, shapes=shapes, jobs=jobs, progress=progress), [ontology_part()])

    def sending(action: str, graph: str, triples: int) -> None:
        progress.advance(1, **{f"graphs {action}": 1}, triples=triples)

    return sync_graphs(store, _announced(parts, progress), prune=True, progress=sending, **options)


def _announced(parts, progress: Progress):
    """``parts``, telling ``progress`` when the upload starts (after the corpus was validated)."""
    first = True
    for part in parts:
        if first:
            progress.start("sending graphs")
            first = False
        yield part
