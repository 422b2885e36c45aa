"""Where jobs run: worker processes over the on-disk store (real time limits), or a thread over
an in-process store.

Oxigraph cannot be interrupted from Python, so a query over its time limit is stopped by
killing its worker, which is then replaced. The limit bounds a client's whole wait: a request
that gets no free worker before its deadline is answered 503 with Retry-After.

A rebuild (``kg build`` renames a new store into place) is picked up in one step: a full set of
workers is started on the new store, then swapped in together, and the app empties its cache at
the same moment. Until then every answer comes from the old store, which the old workers still
hold open; no worker is ever started on a store other than its siblings'.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing
import os
import time
from pathlib import Path

from .jobs import Reply, execute_job, text_reply
from .settings import ServeSettings


def timeout_reply(settings: ServeSettings) -> Reply:
    return text_reply(503, f"the query ran past the time limit of {settings.timeout:g} s and was stopped. "
                           "Narrow it (LIMIT, more specific patterns) or start 'kg serve --timeout S'.")


def busy_reply(settings: ServeSettings) -> Reply:
    return text_reply(503, f"the server is busy: no worker was free within the time limit of {settings.timeout:g} s. "
                           "Try again shortly, or start 'kg serve --workers N'.",
                      {"retry-after": str(max(1, math.ceil(settings.timeout / 2)))})


class InlineRunner:
    """Run jobs in a thread against an in-process store (tests, a remote store). A job over the
    limit gets a 503 reply, but its thread runs on: the process pool is what really stops work."""

    generation = 0

    def __init__(self, store, settings: ServeSettings):
        self.store = store
        self.settings = settings

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    def check_for_rebuild(self) -> None:
        pass

    async def run(self, job: dict, deadline: float) -> Reply:
        try:
            return await asyncio.wait_for(asyncio.to_thread(execute_job, self.store, job, self.settings),
                                          max(0.0, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            return timeout_reply(self.settings)


def store_generation(location: Path) -> int | None:
    """Which build is at ``location``: the inode of its directory (a rebuild renames a new one
    into place), or None while there is none (mid-swap)."""
    try:
        return os.stat(location).st_ino
    except OSError:
        return None


def _worker_main(conn, location: str, settings: ServeSettings) -> None:
    from ..store import GraphStore

    before = store_generation(Path(location))
    store = GraphStore.open(location)
    # Stat again: if a rebuild renamed a new store in while we opened, we cannot tell which we got.
    after = store_generation(Path(location))
    conn.send(("ready", before if before == after else None))
    while True:
        job = conn.recv()
        if job is None:
            return
        conn.send(execute_job(store, job, settings))


class _Worker:
    def __init__(self, context, location: Path, settings: ServeSettings):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, str(location), settings), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(60):
            self.kill()
            raise RuntimeError("a query worker did not start")
        message, self.generation = self.conn.recv()
        if message != "ready":
            raise RuntimeError("a query worker did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class ProcessPoolRunner:
    """Run jobs in worker processes over the on-disk store at ``location``."""

    def __init__(self, location: Path, settings: ServeSettings):
        self.location = Path(location)
        self.settings = settings
        self.context = multiprocessing.get_context("spawn")
        self.idle: asyncio.Queue | None = None
        self.workers: set[_Worker] = set()
        self.generation: int | None = None
        self.replaced = 0
        self._reloading: asyncio.Task | None = None
        self._checked = 0.0

    def _spawn(self) -> _Worker:
        return _Worker(self.context, self.location, self.settings)

    async def _spawn_set(self) -> list[_Worker]:
        return list(await asyncio.gather(*(asyncio.to_thread(self._spawn) for _ in range(self.settings.workers))))

    async def start(self) -> None:
        self.idle = asyncio.Queue()
        workers = await self._spawn_set()
        self.generation = workers[0].generation
        for worker in workers:
            self._adopt(worker)

    def _adopt(self, worker: _Worker) -> None:
        self.workers.add(worker)
        self.idle.put_nowait(worker)

    def _retire(self, worker: _Worker) -> None:
        self.workers.discard(worker)
        worker.kill()

    async def stop(self) -> None:
        if self._reloading is not None:
            self._reloading.cancel()
        for worker in list(self.workers):
            self._retire(worker)

    def check_for_rebuild(self) -> None:
        """Start switching to a rebuilt store if there is one (a stat, at most every few tenths of a second)."""
        now = time.monotonic()
        if now - self._checked < self.settings.reload_check_seconds:
            return
        self._checked = now
        current = store_generation(self.location)
        if current is not None and current != self.generation and self._reloading is None:
            self._reloading = asyncio.get_running_loop().create_task(self._reload())

    async def _reload(self) -> None:
        try:
            workers = await self._spawn_set()
            generations = {w.generation for w in workers}
            if len(generations) != 1 or None in generations or store_generation(self.location) not in generations:
                for worker in workers:  # the store changed again while they started: try later
                    worker.kill()
                return
            # One step, no await in between: the old idle workers go, the new ones come in.
            while not self.idle.empty():
                self._retire(self.idle.get_nowait())
            self.generation = generations.pop()
            for worker in workers:
                self._adopt(worker)
        finally:
            self._reloading = None
            self._checked = 0.0

    async def run(self, job: dict, deadline: float) -> Reply:
        worker = await self._take(deadline)
        if worker is None:
            return busy_reply(self.settings)
        loop = asyncio.get_running_loop()
        healthy = False
        try:
            readable = loop.create_future()
            fd = worker.conn.fileno()
            loop.add_reader(fd, lambda: readable.done() or readable.set_result(None))
            try:
                worker.conn.send(job)
                await asyncio.wait_for(readable, max(0.0, deadline - time.monotonic()))
            finally:
                loop.remove_reader(fd)
            # uvloop leaves the pipe non-blocking; read the whole reply off the event loop.
            os.set_blocking(fd, True)
            try:
                reply = await asyncio.to_thread(worker.conn.recv)
            except (EOFError, OSError):  # the worker died on this query (e.g. the engine crashed)
                return text_reply(500, "the query engine failed on this query and was restarted. "
                                       "If the query is very large or deeply nested, simplify it.")
            healthy = True
            return reply
        except asyncio.TimeoutError:
            return timeout_reply(self.settings)
        finally:
            if healthy and worker.generation == self.generation:
                self.idle.put_nowait(worker)
            elif healthy:  # a worker of the build we switched away from
                self._retire(worker)
            else:  # over time, cancelled or broken: never reuse a worker in an unknown state
                self._retire(worker)
                self.replaced += 1
                loop.create_task(self._replace())

    async def _take(self, deadline: float) -> _Worker | None:
        while True:
            try:
                worker = await asyncio.wait_for(self.idle.get(), max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                return None
            if worker.generation == self.generation:
                return worker
            self._retire(worker)

    async def _replace(self) -> None:
        worker = await asyncio.to_thread(self._spawn)
        if worker.generation == self.generation and worker.generation is not None:
            self._adopt(worker)
        else:  # the store was rebuilt: this worker sees the new one, its siblings the old
            worker.kill()
            self._checked = 0.0
            self.check_for_rebuild()
