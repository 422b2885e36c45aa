"""YAML with line numbers: parse text into dicts and lists that remember where each value was.

Built from libyaml's event stream (PyYAML's C parser when available) rather than from its
composed node graph, so that the things a node graph hides can be refused at the line that
causes them: an alias inside the block it names (``loop: &l [*l]``, which never ends), aliases
that multiply into billions of values ("billion laughs"), an undefined alias, a second
document. Characters YAML does not allow are reported with their line and column before
parsing. Every problem becomes a :class:`~graph_model.errors.Problem`; nothing here raises for
bad input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.resolver import Resolver

from .errors import Problem, show_value

# Values an alias may add to one file, counted with everything inside the blocks it repeats.
# A hand-written mapping repeats a few blocks at most; "billion laughs" needs far more.
MAX_ALIAS_VALUES = 10_000

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# YAML 1.1's printable set, the characters PyYAML's reader accepts; the rest are refused here
# first, so the message can say which character it is and where.
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Line breaks to YAML but not to most editors (nor to the line counts here): after one, every
# line number would be off by one. Text pasted from PDFs brings U+2028 along.
_ODD_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
_BREAK_NAMES = {"\r": "a carriage return (CR) without a line feed", "\x85": "U+0085 (NEXT LINE)",
                "\u2028": "U+2028 (LINE SEPARATOR)", "\u2029": "U+2029 (PARAGRAPH SEPARATOR)"}
_SYNTAX_HINT = ("Check the indentation and quoting on this line and the one before; "
                "quotes containing ':' or '\"' need single quotes.")


class LocatedDict(dict):
    """A YAML mapping; ``line`` is where it starts, ``key_lines[key]`` where each key is."""

    line: int
    key_lines: dict


class LocatedList(list):
    """A YAML sequence; ``line`` is where it starts, ``item_lines[i]`` where item ``i`` starts."""

    line: int
    item_lines: list


def parse_located_yaml(text: str, path: Path, problems: list[Problem]):
    """Parse YAML ``text`` into :class:`LocatedDict` / :class:`LocatedList` / scalars.

    Scalars stay strings (``2017-07-05`` is not turned into a date), except null and booleans.
    Problems (syntax errors, disallowed characters, duplicate keys, refused aliases) are
    appended to ``problems``; returns None when the file cannot be read as a whole.

    >>> problems = []
    >>> data = parse_located_yaml("a: 1\\nb:\\n  - x\\n  - y\\n", Path("f.yaml"), problems)
    >>> data, data.key_lines["b"], data["b"].item_lines
    ({'a': '1', 'b': ['x', 'y']}, 2, [3, 4])
    >>> parse_located_yaml("loop: &l [*l]\\n", Path("f.yaml"), problems) is None
    True
    >>> print(problems[0])
    f.yaml:1: alias '*l' is inside the block it names ('&l' at line 1), so it would repeat forever. Write the value out instead of using an alias.
    """
    bad = _NOT_PRINTABLE.search(text)
    if bad:
        problems.append(_unprintable(text, bad.start(), path))
        return None
    odd = _ODD_BREAK.search(text)
    if odd:
        line, column = _line_column(text, odd.start())
        problems.append(Problem(path, line, f"{_BREAK_NAMES[odd.group()]} at column {column}: YAML reads it as a "
                                            "line break, so line numbers would not match your editor's",
                                "Replace it with a space, or with a plain line break.", column))
        return None
    found: list[Problem] = []
    try:
        root = _build(yaml.parse(text, Loader=_LOADER), path, found)
    except _Refused as refused:
        problems.append(refused.problem)
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        what = exc.problem or exc.context or "invalid YAML"
        where = f" (column {column})" if column else ""
        problems.append(Problem(path, line, f"YAML syntax error: {what}{where}", _SYNTAX_HINT, column))
        return None
    except yaml.YAMLError as exc:  # unmarked errors; the character check above should leave none
        problems.append(Problem(path, None, f"YAML error: {str(exc).splitlines()[0]}", _SYNTAX_HINT))
        return None
    # Duplicate keys are reported only when the whole file parsed: after a syntax error they
    # are more often the parser's confusion than the author's.
    problems.extend(found)
    return root


class _Refused(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


_NO_KEY = object()
_BAD_KEY = object()


@dataclass
class _Open:
    """A mapping or sequence whose end event has not come yet."""

    container: LocatedDict | LocatedList
    anchor: str | None
    size: int = 1
    key: object = _NO_KEY
    key_line: int = 0


def _build(events, path: Path, found: list[Problem]):
    """Assemble located values from parser events; raises _Refused for a file that cannot be
    read as a whole. ``size`` counts values with aliases expanded, to bound them."""
    resolver = Resolver()
    anchors: dict[str, tuple[object, int]] = {}
    open_anchors: dict[str, int] = {}
    stack: list[_Open] = []
    root = None
    documents = 0
    expanded = 0
    for event in events:
        line = event.start_mark.line + 1 if event.start_mark else 1
        key_text = None
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _Refused(Problem(path, line, "a second YAML document in one file",
                                       "A file holds one document: remove the '---' that starts the second "
                                       "one and what follows it, or move that to a file of its own."))
            continue
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            container = LocatedDict() if isinstance(event, yaml.MappingStartEvent) else LocatedList()
            container.line = line
            if isinstance(container, LocatedDict):
                container.key_lines = {}
            else:
                container.item_lines = []
            stack.append(_Open(container, event.anchor))
            if event.anchor:
                open_anchors[event.anchor] = line
            continue
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            closed = stack.pop()
            value, size, line = closed.container, closed.size, closed.container.line
            if closed.anchor:
                open_anchors.pop(closed.anchor, None)
                anchors[closed.anchor] = (value, size)
        elif isinstance(event, yaml.ScalarEvent):
            value, size, key_text = _scalar(event, resolver), 1, event.value
            if event.anchor:
                anchors[event.anchor] = (value, 1)
        elif isinstance(event, yaml.AliasEvent):
            value, size = _resolve_alias(event.anchor, line, anchors, open_anchors, path)
            expanded += size
            if expanded > MAX_ALIAS_VALUES:
                raise _Refused(Problem(
                    path, line, f"aliases in this file expand to more than {MAX_ALIAS_VALUES:,} values",
                    "Aliases that repeat blocks full of aliases multiply (a 'billion laughs'); "
                    "write the values out instead."))
            key_text = value if isinstance(value, str) else None
        else:  # stream and document ends
            continue
        if not stack:
            root = value
            continue
        _add(stack[-1], value, size, line, key_text, path, found)
    return root


def _resolve_alias(name: str, line: int, anchors, open_anchors, path: Path):
    if name in open_anchors:
        raise _Refused(Problem(
            path, line, f"alias '*{name}' is inside the block it names ('&{name}' at line {open_anchors[name]}), "
            "so it would repeat forever", "Write the value out instead of using an alias."))
    if name not in anchors:
        raise _Refused(Problem(path, line, f"alias '*{name}' names no anchor",
                               f"Mark the block it repeats with '&{name}' before this line, or write the value out."))
    return anchors[name]


def _add(parent: _Open, value, size: int, line: int, key_text, path: Path, found: list[Problem]) -> None:
    container = parent.container
    parent.size += size
    if isinstance(container, LocatedList):
        container.append(value)
        container.item_lines.append(line)
        return
    if parent.key is _NO_KEY:  # this value is a key
        if key_text is None:
            found.append(Problem(path, line, "a key must be a plain name, not a list or a mapping",
                                 "Write 'name: value'; see docs/mapping-format.md for the fields."))
            parent.key = _BAD_KEY
        else:
            parent.key, parent.key_line = key_text, line
        return
    key, parent.key = parent.key, _NO_KEY
    if key is _BAD_KEY:
        return
    if key in container:
        found.append(Problem(path, parent.key_line, f"duplicate key {show_value(key)}",
                             "Each key may appear once in a block; merge the two or remove one."))
    container[key] = value
    container.key_lines[key] = parent.key_line


def _scalar(event, resolver: Resolver):
    tag = event.tag
    if tag is None or tag == "!":
        tag = resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
    kind = tag.rsplit(":", 1)[-1]
    if kind == "null":
        return None
    if kind == "bool":
        return event.value.lower() in ("true", "yes", "on")
    return event.value


def _line_column(text: str, at: int) -> tuple[int, int]:
    return text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def _unprintable(text: str, at: int, path: Path) -> Problem:
    char = text[at]
    line, column = _line_column(text, at)
    name = unicodedata.name(char, "a control character")
    return Problem(path, line, f"character U+{ord(char):04X} ({name}) at column {column} is not allowed in YAML",
                   "Delete it: YAML files may hold only printable characters, tabs and line breaks.", column)
