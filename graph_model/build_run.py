"""One ``kg build``: plan, map the articles that changed, stream their graphs into a store, record
the build, swap the store in.

The new store is made in a staging folder: a fresh one, or, for an incremental build, a
checkpoint of the previous store (RocksDB hard-links its immutable files, so this costs
milliseconds at any size) from which the replaced graphs are removed. Only when everything
succeeded does the staging folder replace the outputs (graph_model.build), so a build that fails
or is killed leaves the previous store as it was, and readers see the old store or the new one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import chain
from pathlib import Path

import pyoxigraph as ox

from .article_pool import bulk_load_chunks, map_articles
from .build import GRAPH_HTML, BuildResult, build_lock, staging_dir, swap_in, sweep
from .build_history import Change, moved_quotes, orphan_problems, patch_path, write_patch
from .build_inputs import (CACHE_DIRNAME, FileStamp, content_hash, entity_record_hash, list_seed_files,
                           load_registry, tool_fingerprint, tool_version)
from .build_plan import Plan, check_across_articles, plan_build, redo_for_registry
from .build_state import (STATE_GRAPH, Activity, ArticleRecord, BuildState, activity_quads, article_state_quads,
                          entity_state_quads, global_state_quads, read_entity_hashes, read_state, subject_quads)
from .errors import Problem, ValidationFailed
from .iris import ENT_NS, ENTITIES_GRAPH, PREFIXES
from .progress import Progress
from .store import STORE_DIRNAME, GraphStore

ENTITY_BATCH = 5000
_STATEMENT = (ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(PREFIXES["kg"] + "Statement"))


def run_build(seeds_dir: Path, out_dir: Path, *, shapes: bool, render: bool, full: bool, jobs: int | None,
              executor, progress: Progress | None) -> BuildResult:
    progress = progress or Progress()
    clock, started = time.monotonic(), _now()
    with build_lock(out_dir):
        sweep(out_dir)  # what killed builds left, even if this one turns out to have nothing to do
        store_dir = out_dir / STORE_DIRNAME
        previous = _previous_state(store_dir)
        plan = plan_build(list_seed_files(seeds_dir), previous, full=full)
        if not plan.has_work and not plan.problems:
            return _up_to_date(plan, out_dir, render=render, seconds=time.monotonic() - clock)
        progress.note("reading the entity registry")
        registry = load_registry(seeds_dir, out_dir / CACHE_DIRNAME, plan.registry_key)
        problems = [*registry.problems, *plan.problems]
        if registry.stopped:
            raise ValidationFailed(sorted(problems))
        hashes = _EntityHashes(registry.entities)
        changed_entities = _changed_entities(plan, hashes, store_dir, problems, registry)
        progress.start("mapping articles", len(plan.to_map))
        results = map_articles([plan.files.mappings[a] for a in plan.to_map], registry, shapes=shapes, jobs=jobs,
                               executor=executor)
        first = next(results, None)  # starts the pool's workers before any store is opened here
        try:
            with staging_dir(out_dir) as staging:
                state, loader = _build_in(staging, plan, registry, hashes, changed_entities, results, first, problems,
                                          shapes=shapes, render=render, started=started, progress=progress)
                swap_in(staging, out_dir)
        finally:
            results.close()  # stops the pool, also when the build failed
        progress.finish()
        records = state.articles
        statements = sum(r.statements for r in records.values())
        quads = sum(r.quads for r in records.values()) + state.entity_quads + ontology_quads()
        was = previous.articles
        return BuildResult(out_dir, store_dir, len(records), len(registry.entities), statements, quads, state.number,
                           tuple(a for a in plan.to_map if a not in was), tuple(a for a in plan.to_map if a in was),
                           tuple(plan.removed), *loader.statement_counts(), time.monotonic() - clock)


def _build_in(staging: Path, plan: Plan, registry, hashes, changed_entities, results, first, problems, *,
              shapes: bool, render: bool, started: str, progress: Progress):
    """Make the new store (and page) in ``staging``; returns the new state and the loader.

    Every store this opens is closed when it returns or raises, so the staging folder can be
    moved or removed (a RocksDB still open would write into it).
    """
    previous = plan.previous
    out_dir = staging.parent
    prev = store = loader = None
    try:
        prev = GraphStore.open(out_dir / STORE_DIRNAME) if previous.number else None
        store = _new_store(plan, prev, staging / STORE_DIRNAME, changed_entities)
        loader = _Loader(plan, registry, prev, hashes, changed_entities, shapes, progress)
        bulk_load_chunks(store.ox, loader.chunks(results if first is None else chain([first], results)))
        problems += loader.problems + check_across_articles(plan, loader.results)
        if problems:
            raise ValidationFailed(sorted(set(problems)))
        progress.start("recording the build")
        state, activity = _record(plan, loader, hashes, started)
        _write_state(store.ox, plan, state, activity, hashes, changed_entities)
        if plan.fresh:
            store.load_ontology()
            store.ox.optimize()  # compact the bulk loads into one set of files: faster lookups
        store.flush()
        write_patch(patch_path(out_dir, state.number), state.number, previous.number or None, loader.change)
        if render:
            from .render import render_store_html

            progress.start("drawing the graph page")
            (staging / GRAPH_HTML).write_text(render_store_html(store), encoding="utf-8")
        return state, loader
    finally:
        if loader is not None:
            loader.prev = None
        prev = store = None  # noqa: F841 - closes RocksDB before the folder moves or goes


class _EntityHashes(dict):
    """Entity id -> the hash of its registry record, computed when first asked for."""

    def __init__(self, entities):
        super().__init__()
        self.entities = entities

    def __missing__(self, entity_id: str) -> str:
        value = self[entity_id] = entity_record_hash(self.entities[entity_id])
        return value

    def all(self) -> dict[str, str]:
        return {entity_id: self[entity_id] for entity_id in self.entities}


def _previous_state(store_dir: Path) -> BuildState:
    if not (store_dir / "CURRENT").exists():
        return BuildState()
    store = GraphStore.open(store_dir)
    try:
        return read_state(store.ox)
    finally:
        del store


def _changed_entities(plan: Plan, hashes: _EntityHashes, store_dir: Path, problems: list, registry) -> set[str]:
    """The ids whose registry record changed since the previous build (all, for a first one);
    the articles using them join ``plan.to_map``. The registry's own checks run here, once."""
    if not plan.registry_changed:
        return set()
    from .validate import ValidationReport, check_registry

    report = ValidationReport()
    check_registry(registry, report)
    problems.extend(report.problems)
    current = hashes.all()
    if not plan.previous.number:
        return set(current)
    store = GraphStore.open(store_dir)
    try:
        old = read_entity_hashes(store.ox)
        changed = {e for e in old.keys() | current.keys() if old.get(e) != current.get(e)}
        if not plan.fresh:
            redo_for_registry(plan, changed, store.ox)
    finally:
        del store
    return changed


def _new_store(plan: Plan, prev: GraphStore | None, path: Path, changed_entities: set[str]) -> GraphStore:
    """The store to load into: new and empty, or a checkpoint of the previous one without the
    graphs (and registry entries) this build replaces."""
    if plan.fresh:
        return GraphStore.create(path)
    prev.ox.backup(str(path))
    store = GraphStore.open(path, read_only=False)
    for article_id in [*plan.to_map, *plan.removed]:
        record = plan.previous.articles.get(article_id)
        if record is not None:
            store.ox.remove_graph(ox.NamedNode(record.graph))
    graph = ox.NamedNode(ENTITIES_GRAPH)
    for entity_id in sorted(changed_entities):
        for quad in list(store.ox.quads_for_pattern(ox.NamedNode(ENT_NS + entity_id), None, None, graph)):
            store.ox.remove(quad)
    return store


@dataclass(frozen=True, slots=True)
class Mapped:
    """An article mapped by this build, as the record keeps it."""

    graph: str
    statements: int
    quads: int
    url: str | None
    url_line: int | None
    mapping_path: Path
    article_path: Path | None
    article_sha256: str | None
    content_hash: str


class _Loader:
    """Feeds the bulk loader: the changed registry entries, then each article's graph as the
    pool returns it; collects problems, the records of the articles and the change."""

    def __init__(self, plan, registry, prev, hashes, changed_entities, shapes, progress):
        self.plan, self.registry, self.prev, self.hashes = plan, registry, prev, hashes
        self.changed_entities, self.shapes, self.progress = changed_entities, shapes, progress
        self.problems: list[Problem] = []
        self.results: dict = {}
        self.change = Change()
        self.entity_quads = plan.previous.entity_quads if not plan.fresh else 0
        self.statements_added = 0

    def chunks(self, results):
        yield from self._entity_chunks()
        for result in results:
            self.progress.advance(1, quads=result.quads)
            if not result.conforms:
                self._fail(result)
                continue
            if not self.problems:
                yield result.nquads
                self._record_change(result)
            self.results[result.article_id] = self._kept(result)
        for article_id in self.plan.removed:
            self._record_change_removed(self.plan.previous.articles[article_id].graph)

    def _kept(self, result) -> Mapped:
        """What the record and the checks across articles need of a result (its graph and its
        quotes are gone by now: memory holds a few numbers per article, not the corpus)."""
        mapping, article = self.plan.mapping_stamps[result.article_id], self.plan.article_stamps.get(result.article_id)
        digest = content_hash(mapping, article, [self.hashes[e] for e in result.entities])
        return Mapped(result.graph, result.statements, result.quads, result.url, result.url_line,
                      result.mapping_path, result.article_path, result.article_sha256, digest)

    def _entity_chunks(self):
        from .rdf import entity_quads, node_sources, serialize_nquads

        # a new store needs every entry; a checkpoint only those that changed
        ids = sorted(self.registry.entities if self.plan.fresh else
                     (e for e in self.changed_entities if e in self.registry.entities))
        for start in range(0, len(ids), ENTITY_BATCH):
            entities = [self.registry.entities[e] for e in ids[start:start + ENTITY_BATCH]]
            quads = list(entity_quads(entities))
            data = serialize_nquads(quads)
            if self.shapes:
                from .corpus import Corpus
                from .shacl_core import check_nquads

                sources = node_sources(Corpus(self.registry.seeds_dir, {}, {e.id: e for e in entities}, [], []))
                self.problems.extend(check_nquads(data, sources=sources))
            self.entity_quads += len(quads)
            if self.prev is not None:
                self._diff_entities(entities, data)
            yield data
        if self.prev is not None:
            for entity_id in sorted(self.changed_entities - set(self.registry.entities)):
                self._diff_entities_removed(entity_id)

    def _diff_entities(self, entities, data: bytes) -> None:
        graph = ox.NamedNode(ENTITIES_GRAPH)
        entities = [e for e in entities if e.id in self.changed_entities]
        if not entities:
            return
        old = [q for e in entities for q in self.prev.ox.quads_for_pattern(ox.NamedNode(ENT_NS + e.id), None, None, graph)]
        if not self.plan.fresh:
            self.entity_quads -= len(old)
        new = [q for q in as_stored(data) if q.subject.value.removeprefix(ENT_NS) in self.changed_entities]
        self.change.record(old, new)

    def _diff_entities_removed(self, entity_id: str) -> None:
        old = list(self.prev.ox.quads_for_pattern(ox.NamedNode(ENT_NS + entity_id), None, None,
                                                  ox.NamedNode(ENTITIES_GRAPH)))
        if not self.plan.fresh:
            self.entity_quads -= len(old)
        self.change.record(old, ())

    def _record_change(self, result) -> None:
        if self.prev is None:  # a first build: everything is new, and no patch lists it all
            self.statements_added += result.statements
            return
        old = list(self.prev.ox.quads_for_pattern(None, None, None, ox.NamedNode(result.graph)))
        new = as_stored(result.nquads)
        record = self.plan.previous.articles.get(result.article_id)
        if record is not None and FileStamp.sha(record.article) != result.article_sha256 \
                and record.mapping.sha256 == self.plan.mapping_stamps[result.article_id].sha256:
            self.problems.extend(moved_quotes(old, new, result.mapping_path, self.plan.previous.number,
                                              self.lines_of(result)))
        self.change.record(old, new)

    def lines_of(self, result) -> dict[str, int]:
        """Statement IRI -> its line in the mapping, for the unchanged mapping of ``result``."""
        return {item.statement: item.line for item in result.quote_lines}

    def _record_change_removed(self, graph: str) -> None:
        if self.prev is not None:
            self.change.record(self.prev.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph)), ())

    def _fail(self, result) -> None:
        record = self.plan.previous.articles.get(result.article_id)
        problems = result.problems
        if self.prev is not None and record is not None and record.article is not None \
                and record.article.sha256 != result.article_sha256 and result.unmatched:
            orphans = orphan_problems(self.prev.ox, result.unmatched, result.mapping_path, self.plan.previous.number)
            lines = {p.line for p in orphans}
            problems = [p for p in problems if not (p.path == result.mapping_path and p.line in lines)] + orphans
        self.problems.extend(problems)

    def statement_counts(self) -> tuple[int, int]:
        """(statements added, statements removed) by this build."""
        added = self.statements_added + sum(1 for q in self.change.added if (q.predicate, q.object) == _STATEMENT)
        return added, sum(1 for q in self.change.removed if (q.predicate, q.object) == _STATEMENT)


def as_stored(nquads: bytes) -> list[ox.Quad]:
    """The quads of ``nquads`` as the store gives them back: Oxigraph keeps some literals in a
    canonical form (an xsd:nonNegativeInteger comes back as an xsd:integer), and a diff compares
    like with like."""
    store = ox.Store()
    store.load(nquads, format=ox.RdfFormat.N_QUADS)
    return list(store)


def _record(plan: Plan, loader: _Loader, hashes: _EntityHashes, started: str) -> tuple[BuildState, Activity]:
    previous = plan.previous
    records = dict(plan.unchanged)
    for article_id, result in loader.results.items():
        mapping, article = plan.mapping_stamps[article_id], plan.article_stamps.get(article_id)
        records[article_id] = ArticleRecord(article_id, result.graph, result.content_hash, mapping, article,
                                            result.statements, result.quads, result.url, result.url_line)
    registry_hash = previous.registry_hash
    if plan.registry_changed:
        from hashlib import sha256

        registry_hash = sha256("".join(sorted(hashes.all().values())).encode()).hexdigest()
    state = BuildState(previous.number + 1, tool_fingerprint(), plan.registry_key, registry_hash,
                       loader.entity_quads, len(loader.registry.entities), plan.registry_files, records)
    was = previous.articles
    mapped = sorted(loader.results)
    activity = Activity(
        state.number, started, _now(), tool_version(), state.tool,
        tuple(sorted((r.graph, r.content_hash) for r in records.values())), registry_hash,
        tuple(records[a].graph for a in mapped if a not in was), tuple(records[a].graph for a in mapped if a in was),
        tuple(was[a].graph for a in plan.removed), *loader.statement_counts(), previous.number or None)
    return state, activity


def _write_state(store: ox.Store, plan: Plan, state: BuildState, activity: Activity, hashes: _EntityHashes,
                 changed_entities: set[str]) -> None:
    if not plan.fresh:
        replaced = [plan.previous.articles[a].graph for a in [*plan.to_map, *plan.removed] if a in plan.previous.articles]
        stale = subject_quads(store, [*replaced, STATE_GRAPH, *(ENT_NS + e for e in changed_entities)])
        for quad in stale:
            store.remove(quad)
    new = [state.articles[a] for a in sorted(state.articles) if plan.fresh or a in plan.to_map]
    quads = list(chain((q for r in new for q in article_state_quads(r)),
                       entity_state_quads(hashes.all() if plan.fresh else
                                          {e: hashes[e] for e in changed_entities if e in hashes.entities}),
                       global_state_quads(state), activity_quads(activity)))
    store.bulk_extend(quads)


def _up_to_date(plan: Plan, out_dir: Path, *, render: bool, seconds: float) -> BuildResult:
    """Nothing changed: the store stays; the page is drawn only if it is missing."""
    previous = plan.previous
    store_dir = out_dir / STORE_DIRNAME
    if render and not (out_dir / GRAPH_HTML).exists():
        from .files import write_atomically
        from .render import render_store_html

        write_atomically(out_dir / GRAPH_HTML, render_store_html(GraphStore.open(store_dir)))
    records = previous.articles.values()
    return BuildResult(out_dir, store_dir, len(records), previous.entities, sum(r.statements for r in records),
                       sum(r.quads for r in records) + previous.entity_quads + ontology_quads(), previous.number,
                       seconds=seconds, up_to_date=True)


def ontology_quads() -> int:
    """Triples of the ontology graph (the fast SHACL engine's parse of it, made once per process)."""
    from .shacl_core import ontology_triples

    return len(set(ontology_triples()))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
