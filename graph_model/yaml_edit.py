r"""Edit YAML text in place, at the positions its parser reports, so comments, key order, quoting
and blank lines stay as the curator wrote them.

Re-dumping YAML would lose all of that. Here a change is an :class:`Edit`, a replacement of one
span of the original text, placed by the code-point offsets of PyYAML's composed nodes
(``start_mark.index``, ``end_mark.index``); :mod:`graph_model.yaml_reader` stays the one reader of
values and lines, this module only finds where a value sits. Callers check the edited text by
reading it back (see :mod:`graph_model.registry_edit`).

>>> text = "id: old   # kept\nlabel: 'A'\n"
>>> node = compose_yaml(text)
>>> value = mapping_value(node, "id")
>>> print(apply_edits(text, [Edit(*scalar_span(text, value), render_scalar("new", like=value))]), end="")
id: new   # kept
label: 'A'
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` with ``text``; ``start == end`` inserts."""

    start: int
    end: int
    text: str


def compose_yaml(text: str) -> yaml.Node | None:
    """The node tree of ``text`` with positions (None for an empty document).

    Call it only on text :func:`graph_model.yaml_reader.parse_located_yaml` accepted: that is
    where syntax errors and hostile aliases are reported.
    """
    return yaml.compose(text, Loader=_LOADER)


def mapping_item(node: yaml.Node | None, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    """(key node, value node) of ``key`` in a mapping node, or None."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return key_node, value_node
    return None


def mapping_value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    item = mapping_item(node, key)
    return item[1] if item else None


def sequence_items(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def is_flow(node: yaml.Node) -> bool:
    return bool(getattr(node, "flow_style", False))


def content_end(node: yaml.Node) -> int:
    """The offset just after the last character of ``node`` itself.

    A block collection's end mark lies at the next token, past any comments and blank lines
    that follow it; its content ends where its last value does.
    """
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not is_flow(node) and node.value:
        last = node.value[-1]
        return content_end(last[1] if isinstance(last, tuple) else last)
    return node.end_mark.index


def scalar_span(text: str, node: yaml.Node) -> tuple[int, int]:
    r"""(start, end) of a scalar's own text: its node starts at an anchor or tag before it
    (``&id lukashenko``, ``!!str x``), which an edit must keep.

    >>> text = "a: &l lukashenko\n"
    >>> start, end = scalar_span(text, mapping_value(compose_yaml(text), "a"))
    >>> text[start:end]
    'lukashenko'
    """
    start, end = node.start_mark.index, node.end_mark.index
    while start < end and text[start] in "&!":
        while start < end and not text[start].isspace():
            start += 1
        while start < end and text[start].isspace():
            start += 1
    return start, end


def iter_scalars(node: yaml.Node):
    """Every scalar node under ``node`` (keys too), in document order."""
    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from iter_scalars(item)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from iter_scalars(key)
            yield from iter_scalars(value)


def line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def next_line_start(text: str, index: int) -> int:
    """The start of the line after the one holding ``index`` (the end of the text if none)."""
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def newline_of(text: str) -> str:
    """The file's line ending, for the lines an edit adds."""
    return "\r\n" if "\r\n" in text else "\n"


def render_scalar(value: str, *, like: yaml.Node | None = None, flow: bool = False) -> str:
    """``value`` as YAML scalar text that reads back as exactly ``value``: quoted as ``like``
    was, else plain when plain is safe there (``flow``: inside ``[...]`` or ``{...}``), else in
    double quotes.

    >>> render_scalar("Lukashenko"), render_scalar("yes"), render_scalar("a, b", flow=True), render_scalar("x: y")
    ('Lukashenko', '"yes"', '"a, b"', '"x: y"')
    >>> render_scalar("it's", like=compose_yaml("'q'"))
    "'it''s'"
    """
    style = getattr(like, "style", None)
    if style == "'" and value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    if style != '"' and _plain_reads_back(value, flow=flow):
        return value
    return _double_quoted(value)


def _plain_reads_back(value: str, *, flow: bool) -> bool:
    if not value or value != value.strip() or not value.isprintable():
        return False
    probe = f"[{value}]" if flow else f"- {value}"
    try:
        return yaml.load(probe, Loader=_LOADER) == [value]
    except yaml.YAMLError:
        return False


def _double_quoted(value: str) -> str:
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif char == " " or char.isprintable():
            out.append(char)
        elif ord(char) <= 0xFF:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with every edit applied; edits at one offset go in the order given.

    Raises ValueError if two edits overlap (a bug in the caller, never bad input).
    """
    ordered = sorted(enumerate(edits), key=lambda pair: (pair[1].start, pair[1].end, pair[0]))
    out, at = [], 0
    for _, edit in ordered:
        if edit.start < at:
            raise ValueError(f"overlapping edits at offset {edit.start}")
        out += [text[at:edit.start], edit.text]
        at = edit.end
    out.append(text[at:])
    return "".join(out)
