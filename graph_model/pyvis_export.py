"""The graph as a ``pyvis.network.Network``, for people who already draw with pyvis.

:func:`to_pyvis` fills a real pyvis Network with what the graph page shows, taken from the same
places the page takes it from: the selection (:mod:`graph_model.selection`), the stable positions
(:mod:`graph_model.layout`, physics off) and the colours, shapes and sizes
(:mod:`graph_model.page_data`). pyvis's own API then works as usual: ``net.generate_html()``,
``net.write_html(...)``, ``net.show(...)``, more ``add_node`` calls.

Two things differ from a ``Network()`` made by hand, both so that the result works offline and
safely:

* vis-network is inlined (``cdn_resources="in_line"``), and the copy of pyvis's template the
  Network renders with leaves out the two Bootstrap files pyvis 0.3.2 fetches from a CDN whatever
  ``cdn_resources`` says (WestHealth/pyvis#229, fix unmerged in #201). Bootstrap only styles the
  frame around the drawing.
* tooltips are HTML-escaped plain text: pyvis's template puts node titles into the page with
  ``innerHTML`` as soon as any title contains "href", so a label or a quote must never be read as
  markup. (Without such a title vis-network shows titles as text, escapes and all.)
"""

from __future__ import annotations

import html
import re
from importlib import resources

from .errors import GraphModelError
from .page_data import EDGE_LABEL_LIMIT, graph_payload, type_style
from .selection import check_arguments, number_problems, raise_all, reduce_selection, select

#: A quote in an edge's tooltip is cut to this many characters, and at most this many quotes are
#: listed: the tooltip is a preview, not the evidence panel of the page.
TOOLTIP_QUOTE_CHARS = 200
TOOLTIP_QUOTES = 3


def to_pyvis(source, *, focus: str | None = None, depth: int = 1, types: set[str] | None = None,
             predicates: set[str] | None = None, max_nodes: int = 2000, height: str = "750px",
             width: str = "100%"):
    """``source`` (a store, or the graph from :func:`~graph_model.project.project_graph`) as a
    directed ``pyvis.network.Network``, laid out and styled as on the graph page; returns it.

    The options choose what is shown, as for :func:`graph_model.render.render_html`; ``height``
    and ``width`` are the drawing's CSS size. Each node carries ``x``/``y`` from the page's
    layout (physics is off), the page's colour, shape and size, and a plain-text ``title``; each
    edge carries ``predicate`` (the relation's name), the page's width, its label and a title with
    the first quotes behind it.

    Raises one UsageError naming every problem with the options (bad numbers first, before a
    store is read), GraphModelError if pyvis's template is not the one this code was written for.
    """
    from .notebook import is_graph

    if not is_graph(source):
        from .project import project_graph

        raise_all(number_problems(depth=depth, max_nodes=max_nodes))
        source = project_graph(source)
    focus = check_arguments(source, focus=focus, depth=depth, max_nodes=max_nodes, types=types,
                            predicates=predicates)
    selected = select(source, focus=focus, depth=depth, types=types, predicates=predicates)
    payload = graph_payload(source, reduce_selection(selected, max_nodes, keep=focus))
    from pyvis.network import Network

    net = Network(height=height, width=width, directed=True, cdn_resources="in_line")
    use_offline_template(net)
    net.toggle_physics(False)
    # straight edges, as on the page; 'dynamic' (pyvis's default) would add hidden physics nodes
    net.options.edges.smooth.enabled = False
    _add_nodes(net, payload)
    _add_edges(net, payload)
    return net


def _add_nodes(net, payload: dict) -> None:
    degree = {n["id"]: 0 for n in payload["nodes"]}
    for edge in payload["edges"]:
        degree[edge["from"]] += 1
        degree[edge["to"]] += 1
    for node in payload["nodes"]:
        style = type_style(node["type"])
        lines = [node["label"], node["type"]]
        if node["aliases"]:
            lines.append("Also: " + "; ".join(node["aliases"]))
        if node["description"]:
            lines.append(node["description"])
        lines.append(_plural(degree[node["id"]], "relation"))
        net.add_node(node["id"], label=node["label"], shape=style["shape"], color=style["color"],
                     x=node["x"], y=node["y"], size=node["size"], title=_title(lines), type=node["type"])


def _add_edges(net, payload: dict) -> None:
    labels = {n["id"]: n["label"] for n in payload["nodes"]}
    predicate_labels = {p["name"]: p["label"] for p in payload["predicates"]}
    label_all = len(payload["edges"]) <= EDGE_LABEL_LIMIT
    for edge in payload["edges"]:
        name = edge["predicate"]
        relation = predicate_labels.get(name, name)
        statements = edge["statements"]
        lines = [f"{labels[edge['from']]} → {relation} → {labels[edge['to']]}",
                 f"{_plural(edge['sources'], 'source article')}, {_plural(len(statements), 'statement')}"]
        lines += [f"“{_cut(s['quote'])}”" for s in statements[:TOOLTIP_QUOTES] if s["quote"]]
        options = {"predicate": name, "width": edge["width"], "title": _title(lines)}
        if label_all:
            options["label"] = relation
        if "roundness" in edge:  # parallel edges bend apart, as on the page
            options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": edge["roundness"]}
        net.add_edge(edge["from"], edge["to"], **options)


def use_offline_template(net) -> None:
    """Make ``net`` (a pyvis Network with ``cdn_resources="in_line"``) render with pyvis's own
    template minus its CDN-loaded Bootstrap, for ``generate_html()`` and for ``show()`` in a
    notebook alike.

    Raises GraphModelError when pyvis's template does not hold those two tags exactly once each
    (another pyvis release: pyproject.toml pins the one this was written for).
    """
    import jinja2

    folder = resources.files("pyvis").joinpath("templates")
    text = folder.joinpath(net.path).read_text(encoding="utf-8")
    patched, count = _BOOTSTRAP.subn("", text)
    if count != 2:
        raise GraphModelError(f"pyvis's {net.path} no longer loads Bootstrap as pyvis 0.3.2 did "
                              f"({count} matching tags, expected 2), so graph_model cannot make it work offline. "
                              "Install the pinned version: pip install 'pyvis==0.3.2'.")
    # the template includes vis-network's files by path: those still come from pyvis's folder
    net.templateEnv = jinja2.Environment(loader=jinja2.ChoiceLoader([
        jinja2.DictLoader({net.path: patched}), jinja2.FileSystemLoader(str(folder))]))
    # generate_html(notebook=True), which show() uses, renders self.template instead
    net.template = net.templateEnv.get_template(net.path)


_BOOTSTRAP = re.compile(
    r"""<link\s[^>]*href="https://cdn\.jsdelivr\.net/npm/bootstrap@[^"]*"[^>]*>"""
    r"""|<script\s[^>]*src="https://cdn\.jsdelivr\.net/npm/bootstrap@[^"]*"[^>]*>\s*</script>""")


def _title(lines: list[str]) -> str:
    return html.escape("\n".join(lines), quote=False)


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TOOLTIP_QUOTE_CHARS else text[:TOOLTIP_QUOTE_CHARS - 1] + "…"


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
