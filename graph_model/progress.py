"""Progress of long work (a build, an export, an upload), reported to whoever is watching.

The library reports through a :class:`Progress`; it draws nothing itself. ``Progress()`` is
silent (scripts, tests, notebooks); the CLI passes :func:`terminal_progress`, which draws a bar
with rich on a terminal, only once the work has lasted a moment, and stays silent when stderr is
not a terminal (CI, pipes) or with ``--quiet``.
"""

from __future__ import annotations

import os
import sys
import threading
import time


class Progress:
    """Receives progress; this base class ignores it."""

    def start(self, what: str, total: int | None = None) -> None:
        """A new stage: ``what`` (e.g. "mapping articles"), ``total`` steps if known."""

    def advance(self, steps: int = 1, **counts: int) -> None:
        """``steps`` more done; ``counts`` adds to running totals shown beside (e.g. quads=1350)."""

    def note(self, text: str) -> None:
        """A line worth showing in verbose mode."""

    def finish(self) -> None:
        """The work is over: remove the bar."""


class TerminalProgress(Progress):
    """A rich progress bar on stderr, shown only after ``delay`` seconds of work."""

    def __init__(self, *, delay: float = 1.0, verbose: bool = False, bar: bool = True):
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        self._console = Console(stderr=True)
        self._bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[counts]}"), TimeElapsedColumn(), TextColumn("left"),
                        TimeRemainingColumn(), console=self._console, transient=True)
        self._delay, self._verbose, self._draws = delay, verbose, bar
        self._begun = time.monotonic()
        self._shown = False
        self._task = None
        self._counts: dict[str, int] = {}
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def start(self, what: str, total: int | None = None) -> None:
        self._counts = {}
        if self._task is not None:
            self._bar.remove_task(self._task)
        self._task = self._bar.add_task(what, total=total, counts="")
        self.note(what)
        # A stage may be one long call that never advances (Oxigraph writing an export): the bar
        # then appears when the delay is up all the same, and rich keeps its clock running.
        if self._draws and not self._shown and self._timer is None:
            self._timer = threading.Timer(max(0.0, self._delay - (time.monotonic() - self._begun)), self._show)
            self._timer.daemon = True
            self._timer.start()

    def advance(self, steps: int = 1, **counts: int) -> None:
        for name, value in counts.items():
            self._counts[name] = self._counts.get(name, 0) + value
        if self._task is None:
            return
        text = "  ".join(f"{value:,} {name}" for name, value in self._counts.items())
        self._bar.update(self._task, advance=steps, counts=text)
        if self._draws and not self._shown and time.monotonic() - self._begun >= self._delay:
            self._show()

    def _show(self) -> None:
        with self._lock:
            if not self._shown:
                self._bar.start()
                self._shown = True

    def note(self, text: str) -> None:
        if self._verbose:
            self._console.print(f"[dim]{time.monotonic() - self._begun:7.2f}s[/dim] {text}", highlight=False)

    def finish(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._shown:
                self._bar.stop()
                self._shown = False


def terminal_progress(*, quiet: bool = False, verbose: bool = False) -> Progress:
    """What the CLI reports to: a bar on a terminal, nothing in scripts or with ``quiet``;
    ``verbose`` adds a line per stage (also when stderr is not a terminal)."""
    if quiet or not (verbose or sys.stderr.isatty()):
        return Progress()
    # KG_PROGRESS_DELAY: seconds of work before the bar appears (tests set 0 to see it at once)
    delay = float(os.environ.get("KG_PROGRESS_DELAY", "1"))
    return TerminalProgress(verbose=verbose, bar=sys.stderr.isatty(), delay=delay)
