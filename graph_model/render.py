"""Stage 7: render the projected graph as one self-contained, interactive HTML page.

:func:`render_html` turns the ``networkx.MultiDiGraph`` from :func:`graph_model.project.project_graph`
into a page that draws the graph with vis-network (the library pyvis wraps) and lets a reader
click through to the quotes behind every relation. The page is assembled here from its parts:

* :mod:`graph_model.selection` picks what the page shows and checks the options;
* :mod:`graph_model.layout` places every entity, once, with a fixed seed (the browser's physics
  stays off: the same graph always gives the same picture and the same bytes);
* :mod:`graph_model.page_data` builds the JSON the page reads with ``JSON.parse`` (so no value
  from the data is ever parsed as HTML);
* ``templates/graph.html`` is the markup, ``templates/graph-*.css`` and ``templates/graph-*.js``
  the styles and code of each panel, and vis-network's JavaScript and CSS come from the
  installed pyvis package (:func:`vis_asset`).

Everything is inlined into one file that makes no network request, and a Content-Security-Policy
``<meta>`` (:func:`graph_model.csp.with_meta_policy`) lets only that inlined code run, by hash.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .csp import with_meta_policy
from .errors import GraphModelError
from .page_data import embed_json, graph_payload, page_meta
from .selection import check_arguments, number_problems, raise_all, reduce_selection, select

#: The pyvis release whose files the page inlines (pyproject.toml pins the same version; a test
#: keeps the two equal) and the vis-network version bundled inside it.
PYVIS_VERSION = "0.3.2"
VIS_NETWORK_VERSION = "9.1.2"

#: The page's own styles and scripts in templates/, one file per panel, in the order they are
#: inlined. The scripts share one scope: they are joined inside a single function, so the page has
#: one <script> of its own (one hash in the policy) and defines no globals but ``graphView``.
PAGE_STYLES = ("graph-page.css", "graph-search.css", "graph-filters.css", "graph-legend.css",
               "graph-details.css", "graph-evidence.css", "graph-timeline.css")
PAGE_SCRIPTS = ("graph-dom.js", "graph-model.js", "graph-loader.js", "graph-network.js", "graph-legend.js",
                "graph-filters.js", "graph-focus.js", "graph-search.js", "graph-evidence.js", "graph-details.js",
                "graph-timeline.js", "graph-main.js")


def render_html(graph, *, focus: str | None = None, depth: int = 1, types: set[str] | None = None,
                predicates: set[str] | None = None, max_nodes: int = 2000,
                title: str = "Knowledge graph") -> str:
    """One self-contained HTML page drawing ``graph``; returns the page as a string.

    ``types`` / ``predicates`` keep only entities of those types / relations with those
    predicate names. ``focus`` (an entity's id, label or alias) keeps only the entities within
    ``depth`` relations of it, in either direction. Above ``max_nodes`` entities the page shows
    the ``max_nodes`` most connected ones and says so. The same arguments always give the same
    bytes.

    Raises one UsageError naming every problem: a negative ``depth``, a ``max_nodes`` below 1, an
    unknown type or predicate, a ``focus`` that names no entity
    (:func:`graph_model.selection.check_arguments`).
    """
    focus = check_arguments(graph, focus=focus, depth=depth, max_nodes=max_nodes, types=types,
                            predicates=predicates)
    selected = select(graph, focus=focus, depth=depth, types=types, predicates=predicates)
    shown = reduce_selection(selected, max_nodes, keep=focus)
    payload = graph_payload(graph, shown)
    payload["meta"] = page_meta(graph, selected, shown, focus=focus, depth=depth, title=title)
    return assemble_page(payload, title=title)


def render_store_html(store, *, focus: str | None = None, depth: int = 1, types: set[str] | None = None,
                      predicates: set[str] | None = None, max_nodes: int = 2000,
                      title: str = "Knowledge graph") -> str:
    """The page for ``store``: ``render_html(project_graph(store), ...)`` when the store has at
    most ``max_nodes`` entities; above that, the part the page shows is chosen in the store and
    only that part is projected (:mod:`graph_model.page_store`), so the cost follows the page,
    not the corpus. Both give the same entities, relations and quotes; the larger page carries
    the quotes of at most :data:`~graph_model.page_store.EVIDENCE_LIMIT` statements and says so.

    The numeric options are checked before the store is read, so a bad one fails at once.
    """
    from .page_store import can_reduce, count_entities, store_page
    from .project import project_graph

    raise_all(number_problems(depth=depth, max_nodes=max_nodes))
    if not can_reduce(store) or count_entities(store) <= max_nodes:
        return render_html(project_graph(store), focus=focus, depth=depth, types=types, predicates=predicates,
                           max_nodes=max_nodes, title=title)
    page = store_page(store, focus=focus, depth=depth, types=types, predicates=predicates, max_nodes=max_nodes)
    payload = graph_payload(page.graph, page.shown)
    payload["meta"] = page_meta(page.graph, page.selected, page.shown, focus=page.focus, depth=depth, title=title,
                                totals=page.totals)
    return assemble_page(payload, title=title)


def assemble_page(payload: dict, *, title: str) -> str:
    """The page for ``payload`` (from :func:`graph_model.page_data.graph_payload`, with ``meta``):
    the template with every style and script inlined and the policy that allows exactly those;
    returns the HTML."""
    page_css, page_js = page_code()
    shell = _template().render(
        title=title,
        notice=payload["meta"]["notice"],
        vis_css=vis_asset("vis-network.css"),
        vis_js=vis_asset("vis-network.min.js"),
        page_css=page_css,
        page_js=page_js,
        data_json=_DATA_SLOT,
    )
    # The policy hashes the inline code exactly as it is sent, so it is computed over the page with
    # everything inlined but the data: the JSON block is never hashed (it never runs), so the
    # policy is the same with or without it, and scanning megabytes of JSON for the end of the
    # element would be a tenth of the render time of a large graph. A test checks that
    # csp.page_policy of the finished page is the policy the page carries.
    before, after = with_meta_policy(shell).split(_DATA_SLOT)
    return before + embed_json(payload) + after


# Where the data goes: autoescaping turns any "<" in the title or notice into "&lt;", and the
# inlined code before the data cannot contain it, so the split above finds exactly one.
_DATA_SLOT = "<graph-model-data-slot>"


@lru_cache(maxsize=None)
def page_code() -> tuple[str, str]:
    """The page's own CSS and JavaScript, joined from templates/; returns (css, js)."""
    css = "\n".join(_inlinable(_template_text(name)) for name in PAGE_STYLES)
    js = "\n".join(_inlinable(_template_text(name)) for name in PAGE_SCRIPTS)
    return css, '(function () {\n"use strict";\n' + js + "})();\n"


def vis_asset(name: str, *, package_dir: Path | None = None) -> str:
    """The text of vis-network's file ``name`` (``vis-network.min.js`` or ``vis-network.css``)
    from inside the installed pyvis package (or the pyvis package at ``package_dir``), so the page
    needs no CDN.

    Raises GraphModelError, naming the pyvis version installed and the one expected, when pyvis or
    the file is missing (another pyvis release keeps vis-network elsewhere, or not at all).
    """
    return _read_vis_asset(name, package_dir or _pyvis_dir())


@lru_cache(maxsize=None)
def _read_vis_asset(name: str, package_dir: Path) -> str:
    path = package_dir / "lib" / f"vis-{VIS_NETWORK_VERSION}" / name
    if not path.is_file():
        raise GraphModelError(
            f"vis-network {VIS_NETWORK_VERSION} is not where pyvis {PYVIS_VERSION} keeps it: {path} is missing "
            f"(pyvis {_installed_pyvis_version()} is installed). Install the expected version: "
            f"pip install 'pyvis=={PYVIS_VERSION}'.")
    return _inlinable(path.read_text(encoding="utf-8"))


def _pyvis_dir() -> Path:
    # located, not imported: importing pyvis pulls in IPython and costs a fifth of a second
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise GraphModelError(f"pyvis is not installed. Install it: pip install 'pyvis=={PYVIS_VERSION}'.")
    return Path(list(spec.submodule_search_locations)[0])


def _installed_pyvis_version() -> str:
    try:
        return importlib.metadata.version("pyvis")
    except importlib.metadata.PackageNotFoundError:
        return "of unknown version"


def _inlinable(text: str) -> str:
    """``text`` made safe to inline in a <script> or <style> element: it must not be able to end
    its own element early (JavaScript reads ``<\\/`` as ``</``; no CSS we inline contains it)."""
    return text.replace("</script", "<\\/script").replace("</style", "<\\/style")


def _template_text(name: str) -> str:
    return resources.files("graph_model").joinpath("templates", name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def _template():
    """The compiled Jinja2 page template (autoescaping on: the title is data too)."""
    import jinja2

    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True)
    return env.from_string(_template_text("graph.html"))
