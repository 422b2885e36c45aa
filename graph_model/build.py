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
from .rdf import node_sources, serialize_nquads
from .store import DEFAULT_OUT, STORE_DIRNAME, GraphStore, open_store  # noqa: F401 - re-exported
from .validate import ValidationReport, validate_corpus

DEFAULT_SEEDS = Path("seeds")
GRAPH_HTML = "graph.html"
STAGING_PREFIX = ".build-"
RETIRED_PREFIX = ".old-"
BUILDING_LOCK = ".kg-build.lock"  # a directory: _lock takes directories


@dataclass(frozen=True)
class BuildResult:
    """What a build produced, and what it changed since the previous one."""

    out_dir: Path
    store_path: Path
    articles: int
    entities: int
    statements: int
    quads: int
    number: int = 0  # the build's number in the store's history (0: nothing built)
    added: tuple[str, ...] = ()  # article ids
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    statements_added: int = 0
    statements_removed: int = 0
    seconds: float = 0.0
    up_to_date: bool = False  # nothing changed: the store was left as it was


def validate(seeds_dir: Path | str = DEFAULT_SEEDS, *, shapes: bool = True) -> ValidationReport:
    """Validate the mapping in ``seeds_dir`` and, if it is clean, the RDF it produces (SHACL).

    Returns the report; never raises for bad data.
    """
    corpus = read_corpus(seeds_dir)
    report = validate_corpus(corpus)
    if report.conforms and shapes:
        report.problems.extend(_check_contract(_quads(corpus, report), corpus))
    return report


def build_nquads(seeds_dir: Path | str = DEFAULT_SEEDS, *, shapes: bool = True):
    """Read, validate and map ``seeds_dir``; returns (corpus, report, N-Quads bytes), the whole
    corpus in memory (``build()`` streams it instead).

    Raises ValidationFailed listing every problem if the mapping or the RDF is invalid.
    """
    corpus = read_corpus(seeds_dir)
    report = validate_corpus(corpus)
    if not report.conforms:
        raise ValidationFailed(report.problems)
    quads = _quads(corpus, report)
    if shapes:
        # The check takes the very terms that are serialised; it never re-parses our own text.
        problems = _check_contract(quads, corpus)
        if problems:
            raise ValidationFailed(problems)
    return corpus, report, serialize_nquads(quads)


def _quads(corpus, report) -> list:
    """The corpus's quads as pyoxigraph terms: the registry's, then each article's."""
    from .rdf import article_graph_quads, entity_quads

    quads = list(entity_quads(corpus.entities.values()))
    for mapping in corpus.mappings:
        quads.extend(article_graph_quads(mapping, corpus.articles[mapping.article_id], report))
    return quads


def _check_contract(quads: list, corpus) -> list:
    """The SHACL contract on ``quads``, by the fast engine (graph_model.shacl_core), which reports
    what pySHACL (graph_model.shapes, the reference) reports: the tests compare the two."""
    from .shacl_core import check_graph

    return check_graph(quads, sources=node_sources(corpus))


def build(seeds_dir: Path | str = DEFAULT_SEEDS, out_dir: Path | str = DEFAULT_OUT, *,
          shapes: bool = True, render: bool = True, full: bool = False, jobs: int | None = None,
          executor=None, progress=None) -> BuildResult:
    """Build the on-disk store (and the graph page) from ``seeds_dir`` into ``out_dir``.

    Incremental: only the articles whose content hash changed are mapped again, and only their
    graphs are replaced (``full`` redoes everything); see :mod:`graph_model.build_run`.
    ``jobs`` workers map articles (default: the cores), or ``executor`` does. Raises
    ValidationFailed (nothing written) if the input is invalid.
    """
    from .build_run import run_build

    return run_build(Path(seeds_dir), Path(out_dir), shapes=shapes, render=render, full=full, jobs=jobs,
                     executor=executor, progress=progress)


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
        _unlock(handle)


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
            _unlock(handle)
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
    _HELD.add(handle)
    return handle


def _unlock(handle: int) -> None:
    _HELD.discard(handle)
    os.close(handle)


# A forked child (a worker of the build's pool) shares the lock with its parent as long as it
# keeps the descriptor: it would keep the lock of a build killed with kill -9. Children close
# their copies; the parent's lock stays.
_HELD: set[int] = set()


def _close_held_in_child() -> None:
    for handle in list(_HELD):
        try:
            os.close(handle)
        except OSError:
            pass
    _HELD.clear()


os.register_at_fork(after_in_child=_close_held_in_child)


@contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """Hold the lock of ``out_dir``: it serialises creating, sweeping and swapping in staging."""
    handle = _lock(out_dir)
    try:
        yield
    finally:
        _unlock(handle)


def sweep(out_dir: Path) -> None:
    """:func:`sweep_staging` with ``out_dir``'s lock held."""
    with _locked(out_dir):
        sweep_staging(out_dir)


def swap_in(staging: Path, out_dir: Path) -> None:
    """Move the outputs in ``staging`` over those in ``out_dir`` (holding ``out_dir``'s lock)."""
    with _locked(out_dir):
        _swap_in(staging, out_dir)


@contextmanager
def build_lock(out_dir: Path) -> Iterator[None]:
    """One build at a time per ``out_dir``: a second one is refused, not queued."""
    from .errors import UsageError

    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        handle = _lock(_make_lock_dir(out_dir), wait=False)
    except BlockingIOError:
        raise UsageError(f"another kg build is writing {out_dir}",
                         "Wait for it to finish, or build into another folder with --out.") from None
    try:
        yield
    finally:
        _unlock(handle)


def _make_lock_dir(out_dir: Path) -> Path:
    (out_dir / BUILDING_LOCK).mkdir(exist_ok=True)
    return out_dir / BUILDING_LOCK


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
