"""The build as a stream of named graphs, for a store that is not on this machine.

:func:`iter_graph_parts` maps every article on the process pool (as ``kg build`` does), checks
what spans articles, and only when the whole corpus is valid yields its graphs one at a time:
the entity graph, then one graph per article. Meanwhile the graphs wait in a spool file on disk,
never in memory, so a corpus of any size streams to ``kg build --store`` with flat memory, and an
invalid corpus sends nothing.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .article_pool import map_articles
from .build_inputs import list_seed_files
from .corpus import read_registry
from .errors import ValidationFailed
from .iris import ENTITIES_GRAPH
from .progress import Progress


@dataclass(frozen=True)
class GraphPart:
    """One named graph: its IRI, the hash of its N-Quads, and the N-Quads."""

    graph: str
    content_hash: str
    nquads: bytes


def iter_graph_parts(seeds_dir: Path | str, *, shapes: bool = True, jobs: int | None = None,
                     progress: Progress | None = None) -> Iterator[GraphPart]:
    """Every graph the seeds give, validated first (raises ValidationFailed, having yielded
    nothing, if any problem is found)."""
    from .build_plan import Plan, check_across_articles
    from .build_run import Mapped
    from .build_state import BuildState
    from .rdf import entity_quads, node_sources, serialize_nquads
    from .validate import ValidationReport, check_registry

    progress = progress or Progress()
    seeds_dir = Path(seeds_dir)
    registry = read_registry(seeds_dir)
    problems = list(registry.problems)
    if registry.stopped:
        raise ValidationFailed(problems)
    report = ValidationReport()
    check_registry(registry, report)
    problems += report.problems
    entities = serialize_nquads(entity_quads(registry.entities.values()))
    if shapes:
        from .shacl_core import check_nquads

        problems += check_nquads(entities, sources=node_sources(registry))
    files = list_seed_files(seeds_dir)
    with tempfile.TemporaryFile(prefix="kg-graphs-") as spool:
        index = []
        results = {}
        progress.start("mapping articles", len(files.mappings))
        for result in map_articles(list(files.mappings.values()), registry, shapes=shapes, jobs=jobs):
            progress.advance(1, quads=result.quads)
            problems += result.problems
            if result.problems:
                continue
            index.append((result.graph, spool.tell(), len(result.nquads)))
            spool.write(result.nquads)
            # only what the checks across articles read: memory holds a few fields per article
            results[result.article_id] = Mapped(result.graph, result.statements, result.quads, result.url,
                                                result.url_line, result.mapping_path, result.article_path,
                                                result.article_sha256, "")
        plan = Plan(files, BuildState(), True, sorted(files.mappings), {}, [], {}, {}, {}, "")
        problems += check_across_articles(plan, results)
        if problems:
            raise ValidationFailed(sorted(set(problems)))
        yield _part(ENTITIES_GRAPH, entities)
        for graph, offset, size in index:
            spool.seek(offset)
            yield _part(graph, spool.read(size))


def _part(graph: str, nquads: bytes) -> GraphPart:
    return GraphPart(graph, hashlib.sha256(nquads).hexdigest(), nquads)
