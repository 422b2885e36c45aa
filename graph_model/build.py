"""The whole pipeline: read -> validate -> map to RDF -> check shapes -> store (-> render).

``build()`` chains the stages. It writes into a fresh staging directory beside the outputs and
swaps it in only when everything succeeded, so a failed build leaves the previous outputs intact.

A build that is killed cannot clean up after itself, so each build holds a lock on its staging
directory that the kernel drops when the build dies, however it dies; the next build removes the
staging directories nobody holds, and finishes or undoes a swap that was cut short. The locks are
POSIX ``flock`` locks on the directories themselves, so they leave no files behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .corpus import read_corpus
from .errors import ValidationFailed
from .rdf import generate_quads, node_sources, serialize_nquads
from .store import DEFAULT_OUT, STORE_DIRNAME, GraphStore, open_store  # noqa: F401 - re-exported
from .validate import ValidationReport, validate_corpus

DEFAULT_SEEDS = Path("seeds")
GRAPH_HTML = "graph.html"
STAGING_PREFIX = ".build-"
RETIRED_PREFIX = ".old-"


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
    with staging_dir(out_dir) as staging:
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
        with _locked(out_dir):
            _swap_in(staging, out_dir)
    return BuildResult(out_dir, out_dir / STORE_DIRNAME, len(corpus.mappings), len(corpus.entities),
                       report.statement_count, quads)


@contextmanager
def staging_dir(out_dir: Path) -> Iterator[Path]:
    """A new, empty staging directory in ``out_dir``, locked while the block runs, removed after.

    First removes what killed builds left behind (:func:`sweep_staging`).
    """
    with _locked(out_dir):
        sweep_staging(out_dir)
        # Created and locked while out_dir is locked, so no sweep ever sees it unlocked.
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
        handle = _lock(staging)
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        os.close(handle)


def sweep_staging(out_dir: Path) -> list[Path]:
    """Remove the staging directories of builds that died, and finish or undo their swaps.

    Call it with ``out_dir`` locked. A staging directory is removed only if no process holds
    its lock (a build still running does); returns the directories removed.
    """
    removed = []
    for staging in sorted(out_dir.glob(f"{STAGING_PREFIX}*")):
        try:
            handle = _lock(staging, wait=False)
        except BlockingIOError:
            continue  # its build is running
        except (FileNotFoundError, NotADirectoryError):
            continue
        try:
            shutil.rmtree(staging, ignore_errors=True)
            removed.append(staging)
        finally:
            os.close(handle)
    for retired in sorted(out_dir.glob(f"{RETIRED_PREFIX}*")):
        # A swap cut short: the previous output was moved aside but the new one not moved in.
        target = out_dir / retired.name.removeprefix(RETIRED_PREFIX)
        if not target.exists():
            retired.rename(target)
        else:
            _remove(retired)
    return removed


def _lock(directory: Path, *, wait: bool = True) -> int:
    """An open descriptor of ``directory`` holding an exclusive flock on it; close it to unlock.

    Raises BlockingIOError if ``wait`` is false and another process holds the lock.
    """
    import fcntl

    handle = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BaseException:
        os.close(handle)
        raise
    return handle


@contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """Hold the lock of ``out_dir``: it serialises creating, sweeping and swapping in staging."""
    handle = _lock(out_dir)
    try:
        yield
    finally:
        os.close(handle)


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Move each staged output over the old one; the old one is removed only after the move."""
    for item in sorted(staging.iterdir()):
        target = out_dir / item.name
        retired = out_dir / f"{RETIRED_PREFIX}{item.name}"
        _remove(retired)
        if target.exists():
            target.rename(retired)
        item.rename(target)
        _remove(retired)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
