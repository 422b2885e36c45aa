"""How graph_model's objects show themselves in Jupyter and VS Code notebooks, offline.

Notebooks display any object with a ``_repr_html_`` method as its HTML, so nothing here imports
IPython:

* :func:`format_html_table` is the HTML table of a :class:`~graph_model.results.QueryResult`
  (``QueryResult._repr_html_`` calls it): every value escaped, long values cut with the whole
  text in the cell's ``title``, and a row-count line;
* :func:`show_graph` returns a :class:`GraphFrame`, the graph page of :mod:`graph_model.render`
  in an ``<iframe srcdoc>``. The page already inlines vis-network and its own code, so it fetches
  nothing; ``sandbox="allow-scripts"`` lets its scripts run in an opaque origin, where they cannot
  reach the notebook, its cookies or its kernel.

Jupyter sanitizes the HTML outputs of a saved notebook that is not trusted (its rule for every
HTML output), which can hide the graph when the notebook is reopened; re-running the cell shows it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from .errors import UsageError
from .results import QueryResult, shorten

#: Characters of a value shown in a cell; the rest is in the cell's tooltip. Wider than the
#: terminal's 60: a notebook cell wraps, a terminal line does not.
HTML_CELL_WIDTH = 80
#: Rows drawn in a notebook table: a browser lays out ten thousand rows slowly, and nobody reads
#: them there (``records()`` and the csv/json formats keep every row).
HTML_MAX_ROWS = 200


def format_html_table(result: QueryResult, *, cell_width: int = HTML_CELL_WIDTH,
                      max_rows: int = HTML_MAX_ROWS) -> str:
    """``result`` as an HTML table followed by a row-count line; returns the HTML.

    IRIs are shown prefixed (``ent:nato``) with the whole IRI in the cell's ``title``; values
    longer than ``cell_width`` are cut, with the whole value in the ``title``. Only the first
    ``max_rows`` rows are drawn, and the count line says so. Every value is escaped.

    >>> import pyoxigraph as ox
    >>> print(format_html_table(QueryResult(("x",), ((ox.Literal("<b>"),),))))
    <table class="graph-model-result">
    <thead><tr><th>x</th></tr></thead>
    <tbody>
    <tr><td>&lt;b&gt;</td></tr>
    </tbody>
    </table>
    <p class="graph-model-count">(1 row)</p>
    """
    if result.boolean is not None:
        return f'<p class="graph-model-boolean">{"true" if result.boolean else "false"}</p>'
    lines = ['<table class="graph-model-result">',
             "<thead><tr>" + "".join(f"<th>{_text(v)}</th>" for v in result.variables) + "</tr></thead>",
             "<tbody>"]
    cut = False
    for row in result.rows[:max_rows]:
        cells = []
        for term in row:
            cell, was_cut = _cell(term, cell_width)
            cells.append(cell)
            cut = cut or was_cut
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines += ["</tbody>", "</table>", f'<p class="graph-model-count">{_count_line(len(result.rows), max_rows, cut)}</p>']
    return "\n".join(lines)


def _cell(term, width: int) -> tuple[str, bool]:
    """One ``<td>``, and whether its value was cut."""
    shown = " ".join(shorten(term).split())
    full = "" if term is None else term.value
    cut = len(shown) > width
    if cut:
        shown = shown[:width - 1] + "…"
    title = f' title="{_attribute(full)}"' if full != shown else ""
    return f"<td{title}>{_text(shown)}</td>", cut


def _count_line(total: int, max_rows: int, cut: bool) -> str:
    line = f"{total:,} row{'s' if total != 1 else ''}"
    if total > max_rows:
        line += f"; the first {max_rows:,} shown, records() has them all"
    if cut:
        line += "; long values cut, hover for the full text"
    return f"({line})"


@dataclass(frozen=True)
class GraphFrame:
    """The self-contained graph page, shown by a notebook in a sandboxed iframe.

    ``page`` is the HTML page itself (write it to a file to open it in a browser); ``height`` is
    the iframe's height in pixels.
    """

    page: str
    height: int = 600
    title: str = "Knowledge graph"

    def _repr_html_(self) -> str:
        # srcdoc rather than a data: URL (which some notebook front ends block) or a file next to
        # the notebook (which VS Code does not serve). The whole page is escaped into the
        # attribute, quotes included, so nothing in it can end the attribute early. The sandbox
        # grants scripts only: no same origin, so the page cannot touch the notebook around it.
        return (f'<iframe class="graph-model-graph" sandbox="allow-scripts" referrerpolicy="no-referrer"'
                f' title="{_attribute(self.title)}"'
                f' style="width: 100%; height: {int(self.height)}px; border: 1px solid #dde3ea;"'
                f' srcdoc="{_attribute(self.page)}"></iframe>')


def show_graph(source, *, focus: str | None = None, depth: int = 1, types: set[str] | None = None,
               predicates: set[str] | None = None, max_nodes: int = 2000, height: int = 600,
               title: str = "Knowledge graph") -> GraphFrame:
    """The graph page of ``source`` (a store from :func:`~graph_model.store.open_store`, or the
    ``networkx`` graph from :func:`~graph_model.project.project_graph`) for a notebook; returns a
    :class:`GraphFrame`, which a notebook displays as the interactive page, ``height`` pixels high.

    The other options are those of :func:`graph_model.render.render_html`: ``focus`` (an entity's
    id, label or alias) and ``depth`` show the entities within ``depth`` relations of it.

    Raises UsageError for a ``height`` that is not a positive whole number of pixels, and
    whatever :func:`~graph_model.render.render_html` raises for the other options.

    >>> show_graph(None, height=0)
    Traceback (most recent call last):
    ...
    graph_model.errors.UsageError: height must be a positive number of pixels, not 0. Pass the iframe's height, e.g. height=600.
    """
    if not isinstance(height, int) or isinstance(height, bool) or height < 1:
        raise UsageError(f"height must be a positive number of pixels, not {height!r}.",
                         "Pass the iframe's height, e.g. height=600.")
    from .render import render_html, render_store_html

    render = render_html if is_graph(source) else render_store_html
    page = render(source, focus=focus, depth=depth, types=types, predicates=predicates, max_nodes=max_nodes,
                  title=title)
    return GraphFrame(page, height, title)


def is_graph(source) -> bool:
    """Whether ``source`` is a networkx graph (rather than a store to project one from)."""
    import networkx as nx

    return isinstance(source, nx.Graph)


def _text(value: str) -> str:
    return html.escape(value, quote=False)


def _attribute(value: str) -> str:
    return html.escape(value, quote=True)
