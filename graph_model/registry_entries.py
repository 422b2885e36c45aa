"""The text edits a merge makes to entity entries: remove one entry, add aliases to another, and
leave a comment there with what the removed entry said that the graph does not keep.

Each function appends :class:`~graph_model.yaml_edit.Edit` s to ``seed_file.edits`` (a file of
:mod:`graph_model.registry_edit`, which reads the result back before anything is written), placed
at node offsets and written in the style of the lines around them: the dash column of the
list's items, the key column of the entry, the file's line ending.
"""

from __future__ import annotations

import re
import textwrap

import yaml

from .errors import InputError, Problem
from .lookup import name_key
from .yaml_edit import (
    Edit,
    content_end,
    is_flow,
    iter_scalars,
    line_start,
    mapping_item,
    mapping_value,
    newline_of,
    next_line_start,
    render_scalar,
    scalar_span,
)

_COMMENT = re.compile(r"(?:^|\s)#")
_NOTE_WIDTH = 100


def remove_entry(seed_file, node: yaml.Node) -> None:
    """Remove the entry ``node`` of the file's ``entities:`` list, its lines whole, and one of
    the blank lines around it; an emptied list becomes ``entities: []``."""
    text, entries = seed_file.text, mapping_value(seed_file.node, "entities")
    if is_flow(entries):
        raise _cannot_edit(seed_file, node, "its 'entities:' list is written in brackets")
    start, end = line_start(text, node.start_mark.index), next_line_start(text, content_end(node))
    # One blank line goes with it, the one after it, when one before (or the list's start) separates
    # what comes before from what comes after.
    first = entries.value[0] is node
    if (first or (0 < start and not text[line_start(text, start - 1):start].strip())) and \
            end < len(text) and not text[end:next_line_start(text, end)].strip():
        end = next_line_start(text, end)
    seed_file.edits.append(Edit(start, end, ""))
    if len(entries.value) == 1:  # 'entities:' with nothing under it would be no list at all
        colon = text.index(":", mapping_item(seed_file.node, "entities")[0].end_mark.index)
        seed_file.edits.append(Edit(colon + 1, colon + 1, " []"))


def insert_aliases(seed_file, node: yaml.Node, aliases: list) -> None:
    """Append ``aliases`` (strings or ``{value, lang}`` mappings) to the entry ``node``'s
    ``aliases:`` list, creating the list after ``label:`` if there is none."""
    if not aliases:
        return
    text, nl = seed_file.text, newline_of(seed_file.text)
    item = mapping_item(node, "aliases")
    value = item[1] if item else None
    flow_items = ", ".join(_render_alias(alias, flow=True) for alias in aliases)
    if isinstance(value, yaml.SequenceNode) and is_flow(value):
        at = content_end(value.value[-1]) if value.value else value.end_mark.index - 1
        seed_file.edits.append(Edit(at, at, (", " if value.value else "") + flow_items))
        return
    if is_flow(node):  # {id: x, label: X, ...}: no lines to add inside it
        if value is None:
            at = content_end(node.value[-1][1])
            seed_file.edits.append(Edit(at, at, f", aliases: [{flow_items}]"))
        return
    key_column = node.value[0][0].start_mark.column
    if isinstance(value, yaml.SequenceNode) and value.value:
        dash, at = value.start_mark.column, next_line_start(text, content_end(value.value[-1]))
        head = ""
    else:  # no aliases yet ('aliases:' with nothing, which the schema refuses, never gets here)
        label = mapping_value(node, "label")
        if label is None:
            raise _cannot_edit(seed_file, node, "the entry has no 'label:'")
        dash, at = key_column + 2, next_line_start(text, content_end(label))
        head = " " * key_column + "aliases:" + nl
    lines = head + "".join(" " * dash + "- " + _render_alias(alias, flow=False) + nl for alias in aliases)
    seed_file.edits.append(Edit(at, at, _after_last_line(text, at, nl) + lines))


def merge_note(seed_file, node: yaml.Node, source_id: str, description: str, target_description: str,
               comments: list[str]) -> None:
    """A comment at the end of the entry ``node`` with the merged entry's description (unless
    the same as the entry's own) and the comments its entry held; nothing if neither."""
    carried = description if description and name_key(description) != name_key(target_description) else ""
    if not (carried or comments):
        return
    text, nl = seed_file.text, newline_of(seed_file.text)
    indent = " " * node.value[0][0].start_mark.column
    head = f"Merged from '{source_id}' by kg merge. " + (f"Its description: {_printable(carried)}" if carried
                                                         else "Its comments:")
    wrapped = textwrap.wrap(head, width=max(40, _NOTE_WIDTH - len(indent) - 2), break_on_hyphens=False)
    lines = [f"{indent}# {wrapped[0]}", *(f"{indent}#   {more}" for more in wrapped[1:])]
    lines += [f"{indent}{_printable(comment)}" for comment in comments]
    at = next_line_start(text, content_end(node))
    seed_file.edits.append(Edit(at, at, _after_last_line(text, at, nl) + nl.join(lines) + nl))


def comment_lines(text: str, node: yaml.Node) -> list[str]:
    """The comments on the lines of the entry ``node``, each from its ``#``, in order."""
    start, end = line_start(text, node.start_mark.index), next_line_start(text, content_end(node))
    spans = [scalar_span(text, scalar) for scalar in iter_scalars(node)]
    found = []
    at = start
    while at < end:
        stop = next_line_start(text, at)
        # Blank out the values on this line: a '#' inside a quoted value is no comment.
        line = list(text[at:stop].rstrip("\r\n"))
        for span_start, span_end in spans:
            for index in range(max(span_start, at), min(span_end, at + len(line))):
                line[index - at] = "x"
        match = _COMMENT.search("".join(line))
        if match:
            found.append(text[at + match.end() - 1:at + len(line)].rstrip())
        at = stop
    return found


def _render_alias(alias, *, flow: bool) -> str:
    if isinstance(alias, dict):
        return "{" + ", ".join(f"{render_scalar(str(k), flow=True)}: {render_scalar(str(v), flow=True)}"
                               for k, v in alias.items() if v is not None) + "}"
    return render_scalar(alias, flow=flow)


def _after_last_line(text: str, at: int, nl: str) -> str:
    """A line break first when inserting at the end of a file whose last line has none."""
    return nl if at == len(text) and text and not text.endswith("\n") else ""


def _printable(text: str) -> str:
    """``text`` on one line: a comment cannot hold a line break or other unprintable character."""
    return "".join(c if c.isprintable() else " " if c.isspace() else f"\\u{ord(c):04x}" for c in text)


def _cannot_edit(seed_file, node: yaml.Node, why: str) -> InputError:
    return InputError(Problem(seed_file.path, node.start_mark.line + 1, f"kg merge cannot change this entry in place: {why}",
                              "Nothing was changed. Write the entry in block style (one key per line), then merge."))
