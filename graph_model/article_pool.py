"""Running :func:`graph_model.article_graph.map_article` over many articles, and streaming the
graphs into a store's bulk loader.

Articles are mapped over a process pool (the step is pure Python, so threads would share one
core), at most a few per worker in flight, and the results come back in the order given: memory
holds a window of graphs, never the corpus. The graphs go to Oxigraph's bulk loader through a
file-like reader that pulls the next graph when the loader asks for more bytes, so mapping in the
workers and loading in this process run at the same time.
"""

from __future__ import annotations

import gc
import io
import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path

from .article_graph import ArticleGraph, map_article
from .corpus import Corpus

# Below this many articles a pool costs more (starting workers) than it saves.
MIN_ARTICLES_FOR_POOL = 8
IN_FLIGHT_PER_WORKER = 4

_worker_registry: Corpus | None = None


def default_jobs() -> int:
    """Workers for the pool: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def map_articles(paths: list[Path], registry: Corpus, *, shapes: bool = True, jobs: int | None = None,
                 executor: Executor | None = None) -> Iterator[ArticleGraph]:
    """:func:`map_article` of each of ``paths``, in order.

    ``executor``: any ``concurrent.futures``-style executor to run on instead of our pool (each
    task then carries the registry). ``jobs``: workers of our pool (default: the cores); 1 maps
    in this process.
    """
    if executor is not None:
        yield from _bounded(lambda path: executor.submit(map_article, path, registry, shapes=shapes), paths,
                            IN_FLIGHT_PER_WORKER * 8)
        return
    jobs = default_jobs() if jobs is None else jobs
    if jobs <= 1 or len(paths) < MIN_ARTICLES_FOR_POOL:
        for path in paths:
            yield map_article(path, registry, shapes=shapes)
        return
    # fork: the workers inherit the registry instead of unpickling a copy each. The pool starts
    # all its workers at the first submit, before this process opens any store (and its threads).
    # The first article is mapped here: it fills this process's caches (the shapes compiled, the
    # ontology indexed, the date patterns of the language from CLDR), which the workers then
    # inherit instead of each building its own.
    first = map_article(paths[0], registry, shapes=shapes)
    context = multiprocessing.get_context("fork")
    # Frozen objects are never scanned by the collector, so the workers do not write to (and
    # copy) the pages of the registry they inherit just by collecting garbage.
    gc.freeze()
    try:
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_set_registry,
                                 initargs=(registry, os.getpid())) as pool:
            # Submitting starts the workers, before the caller (given the first result) opens a
            # store: a fork never copies RocksDB's threads.
            rest = _bounded(lambda path: pool.submit(_map_in_worker, path, shapes), paths[1:],
                            IN_FLIGHT_PER_WORKER * jobs)
            yield first
            yield from rest
    finally:
        gc.unfreeze()


def _bounded(submit: Callable, items: Iterable, window: int) -> Iterator:
    """Results of ``submit(item)`` futures in order, with at most ``window`` pending. The first
    ``window`` are submitted at once, when this is called."""
    items = iter(items)
    pending = deque(submit(item) for item in itertools.islice(items, window))
    return _drain(submit, items, pending)


def _drain(submit: Callable, items: Iterator, pending: deque) -> Iterator:
    for item in items:
        yield pending.popleft().result()
        pending.append(submit(item))
    while pending:
        yield pending.popleft().result()


def _set_registry(registry: Corpus, parent: int) -> None:
    global _worker_registry
    _worker_registry = registry
    _die_with(parent)


def _die_with(parent: int) -> None:
    """Have the kernel end this worker when its parent dies, however it dies (kill -9 of a
    build must not leave its workers waiting forever)."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the workers end when their queue closes
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _map_in_worker(path: Path, shapes: bool) -> ArticleGraph:
    return map_article(path, _worker_registry, shapes=shapes)


class ChunkReader(io.RawIOBase):
    """A binary file over an iterator of byte chunks: what Oxigraph's bulk loader reads from.

    With ``max_lines``, the file ends after the chunk that reaches that many lines (quads), and
    :attr:`exhausted` says whether the iterator has more: the caller loads the rest with a new
    reader over the same iterator. Oxigraph's bulk loader holds a whole load in memory while it
    sorts it (about 1.3 KB per quad), so bounded loads keep the build's memory flat.

    An exception raised by the iterator is kept in :attr:`error` (the loader would only see an
    I/O error) and ends the stream; the caller re-raises it after the load.
    """

    def __init__(self, chunks: Iterable[bytes], *, max_lines: int | None = None):
        self._chunks = iter(chunks)
        self._buffer = memoryview(b"")
        self._lines = 0
        self._max_lines = max_lines
        self.exhausted = False
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buffer:
            if self._max_lines is not None and self._lines >= self._max_lines:
                return 0  # this load is full; the next reader goes on from here
            try:
                chunk = next(self._chunks)
            except StopIteration:
                self.exhausted = True
                return 0
            except BaseException as exc:  # noqa: BLE001 - re-raised by the caller, see above
                self.error = exc
                self.exhausted = True
                return 0
            self._lines += chunk.count(b"\n")
            self._buffer = memoryview(chunk)
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def bulk_load_chunks(store, chunks: Iterable[bytes], *, max_quads: int = 250_000) -> None:
    """Load N-Quads ``chunks`` into ``store`` (pyoxigraph) in bulk loads of about ``max_quads``
    quads each. Re-raises what the iterator raised."""
    import pyoxigraph as ox

    chunks = iter(chunks)
    while True:
        reader = ChunkReader(chunks, max_lines=max_quads)
        # lenient: the loader skips validating IRIs and language tags again. Every chunk is
        # pyoxigraph's own serialisation of terms it validated when the mapping made them
        # (NamedNode and Literal refuse invalid ones), and parsing is most of a load's time.
        store.bulk_load(reader, format=ox.RdfFormat.N_QUADS, lenient=True)
        if reader.error is not None:
            raise reader.error
        if reader.exhausted:
            return
