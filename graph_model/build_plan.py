"""Deciding what a build redoes: which articles to map, which graphs to keep or drop.

An article is redone when its mapping or its text changed (by hash), when a registry record its
graph uses changed, or when the tool changed (then everything is). The graphs of articles whose
mapping is gone are removed. The checks across articles (shared addresses, the same bytes twice,
articles without a mapping) run over the new results and the recorded ones alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox

from .article_graph import ArticleGraph
from .build_inputs import FileStamp, SeedFiles, registry_key, stamp, tool_fingerprint
from .build_state import ArticleRecord, BuildState, is_build_graph
from .errors import Problem
from .iris import ENT_NS, ENTITIES_GRAPH, ONTOLOGY_GRAPH


@dataclass
class Plan:
    """What this build does, from the seed files and the previous build's state."""

    files: SeedFiles
    previous: BuildState
    fresh: bool  # a new store, every article mapped (no previous build, the tool changed, --full)
    to_map: list[str]
    unchanged: dict[str, ArticleRecord]
    removed: list[str]
    mapping_stamps: dict[str, FileStamp]
    article_stamps: dict[str, FileStamp | None]
    registry_files: dict[str, FileStamp]
    registry_key: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def registry_changed(self) -> bool:
        return self.fresh or self.registry_key != self.previous.registry_key

    @property
    def has_work(self) -> bool:
        return bool(self.to_map or self.removed or self.registry_changed)


def plan_build(files: SeedFiles, previous: BuildState, *, full: bool = False) -> Plan:
    """Compare ``files`` with ``previous`` (stamps and hashes; nothing is parsed)."""
    fresh = full or not previous.number or previous.tool != tool_fingerprint()
    problems: list[Problem] = []
    mapping_stamps, article_stamps = {}, {}
    old = previous.articles
    for article_id, path in files.mappings.items():
        record = old.get(article_id)
        found = stamp(path, record.mapping if record else None)
        if found is None:
            problems.append(Problem(path, None, "cannot read the mapping file", "Check its permissions."))
            continue
        mapping_stamps[article_id] = found
        article_path = files.articles.get(article_id)
        article_stamps[article_id] = stamp(article_path, record.article if record else None) if article_path else None
    registry_files = {}
    for path in files.registry:
        found = stamp(path, previous.registry_files.get(str(path)))
        if found is not None:
            registry_files[str(path)] = found
    unchanged = {} if fresh else {
        article_id: record for article_id, record in old.items()
        if article_id in mapping_stamps and record.mapping.sha256 == mapping_stamps[article_id].sha256
        and FileStamp.sha(record.article) == FileStamp.sha(article_stamps.get(article_id))}
    return Plan(files, previous, fresh, sorted(set(mapping_stamps) - set(unchanged)), unchanged,
                sorted(set(old) - set(files.mappings)), mapping_stamps, article_stamps,
                registry_files, registry_key({Path(p): s for p, s in registry_files.items()}), problems)


def redo_for_registry(plan: Plan, changed_entities: set[str], previous: ox.Store) -> None:
    """Move the unchanged articles whose graphs use one of ``changed_entities`` (ids whose
    registry record changed, appeared or went) to ``plan.to_map``."""
    if not changed_entities or not plan.unchanged:
        return
    graphs: set[str] = set()
    skip = {ENTITIES_GRAPH, ONTOLOGY_GRAPH}
    for entity_id in changed_entities:
        node = ox.NamedNode(ENT_NS + entity_id)
        for quads in (previous.quads_for_pattern(node, None, None, None),
                      previous.quads_for_pattern(None, None, node, None)):
            for quad in quads:
                graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
                if graph not in skip and not is_build_graph(graph):
                    graphs.add(graph)
    affected = {article_id for article_id, record in plan.unchanged.items() if record.graph in graphs}
    for article_id in affected:
        del plan.unchanged[article_id]
    plan.to_map = sorted(set(plan.to_map) | affected)


def check_across_articles(plan: Plan, results: dict[str, ArticleGraph]) -> list[Problem]:
    """Shared addresses, identical articles and articles without a mapping, over the articles
    mapped now (``results``) and those kept from the previous build."""
    from .validate import unmapped_problem
    from .validate_articles import check_duplicate_urls, check_identical_articles

    problems: list[Problem] = []
    for article_id in sorted(set(plan.files.articles) - set(plan.files.mappings)):
        problems.append(unmapped_problem(plan.files.articles[article_id], article_id))
    urls, hashes = {}, {}
    for article_id, result in results.items():
        if result.url is not None:
            urls[article_id] = (_mapping_ref(article_id, result.mapping_path, result.url_line), result.url)
        if result.article_sha256 is not None:
            hashes[article_id] = (result.article_path, result.article_sha256)
    for article_id, record in plan.unchanged.items():
        if record.url is not None:
            urls[article_id] = (_mapping_ref(article_id, plan.files.mappings[article_id], record.url_line), record.url)
        if record.article is not None and article_id in plan.files.articles:
            hashes[article_id] = (plan.files.articles[article_id], record.article.sha256)
    check_duplicate_urls(urls, problems)
    check_identical_articles(hashes, problems)
    return problems


def _mapping_ref(article_id: str, path: Path, url_line: int | None):
    """What check_duplicate_urls reads of a mapping: its article id, path and url line."""
    return SimpleNamespace(article_id=article_id, path=path, url=SimpleNamespace(line=url_line))
