"""The one error family of graph_model.

GraphModelError
├── InputError             bad input at a known place: file, line, column, message, hint
│   └── ValidationFailed   a mapping with problems; carries every problem found in one run
├── UsageError             a command or function was called wrongly (unknown query, bad parameter)
├── StoreError             the store cannot be opened, read or written
└── QueryError             a SPARQL query failed to parse or run
    └── QueryRefused       a read-only endpoint will not run it (update, LOAD, SERVICE)

Messages state the problem, then the fix:
``seeds/mapping/001.yaml:14: unknown entity 'osce-pa'. Did you mean 'osce'? ...``
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

# Words longer than this get no "Did you mean": nothing in a vocabulary is that long, and
# difflib's cost grows with the word's length.
_MAX_SUGGESTION_INPUT = 200


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located in a file.

    >>> str(Problem(Path("seeds/x.yaml"), 3, "unknown predicate 'propose'", "Did you mean 'proposes'?"))
    "seeds/x.yaml:3: unknown predicate 'propose'. Did you mean 'proposes'?"
    """

    path: Path
    line: int | None
    message: str
    hint: str = ""
    column: int | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return self.format()

    def format(self, severity: str = "") -> str:
        """The problem as one line; ``severity`` ("warning") goes after the place, where
        editors that jump to FILE:LINE expect it.

        >>> print(Problem(Path("e.yaml"), 4, "entity 'nato' is used by no statement").format("warning"))
        e.yaml:4: warning: entity 'nato' is used by no statement.
        """
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        label = f"{severity}: " if severity else ""
        text = f"{where}: {label}{self.message.rstrip('.')}."
        return f"{text} {self.hint}" if self.hint else text


class GraphModelError(Exception):
    """Base of every error graph_model raises on purpose."""


class InputError(GraphModelError):
    """Bad input at a known location."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem
        self.path = problem.path
        self.line = problem.line
        self.column = problem.column
        self.hint = problem.hint


class ValidationFailed(InputError):
    """The mapping has problems; ``problems`` lists all of them, sorted by file and line."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (str(p.path), p.line or 0, p.message))
        super().__init__(self.problems[0])
        self.args = ("\n".join(str(p) for p in self.problems),)


class UsageError(GraphModelError):
    """A command or function was called with arguments that cannot work."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(f"{message} {hint}".strip())
        self.hint = hint


class StoreError(GraphModelError):
    """The store cannot be opened, read or written."""


class QueryError(GraphModelError):
    """A SPARQL query failed to parse or to run."""


class QueryRefused(QueryError):
    """The query asks for something a read-only endpoint does not do: an update, LOAD, or SERVICE."""


def did_you_mean(word: str, choices, *, limit: int = 3) -> str:
    """A hint naming the closest choices to ``word``, or an empty string.

    >>> did_you_mean("osce-pa", ["osce", "nato", "un"])
    "Did you mean 'osce'?"
    >>> did_you_mean("xyz", ["osce", "nato"])
    ''
    """
    if len(word) > _MAX_SUGGESTION_INPUT:
        return ""
    close = difflib.get_close_matches(word, list(choices), n=limit, cutoff=0.6)
    if not close:
        return ""
    return "Did you mean " + " or ".join(f"'{c}'" for c in close) + "?"


def show_value(value, *, limit: int = 60) -> str:
    r"""``value`` quoted for a one-line message: control and invisible characters escaped, and
    a long value cut, with its length, so a 100,000-character id does not flood the terminal.

    >>> print(show_value("osce-pa"), show_value("line\nbreak\u200b"))
    'osce-pa' 'line\nbreak\u200b'
    >>> print(show_value("x" * 100_000, limit=8))
    'xxxxxxxx…' (100,000 characters)
    """
    text = str(value)
    shown = "".join(_escape(char) for char in text[:limit])
    if len(text) > limit:
        return f"'{shown}…' ({len(text):,} characters)"
    return f"'{shown}'"


def _escape(char: str) -> str:
    if char == "\n":
        return "\\n"
    if char == "\t":
        return "\\t"
    # Cc control, Cf invisible format (zero-width space, BOM), Cs surrogate, Zl/Zp line breaks:
    # shown as escapes so the message stays on one line and says what is really there.
    if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return char
