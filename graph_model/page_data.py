"""The data a graph page carries: one JSON-ready dict that the page reads with ``JSON.parse``.

:func:`graph_payload` turns a :class:`~graph_model.selection.Selection` of the projected graph
into entities (with their precomputed positions), relations (with every statement behind them),
the legend's types, the filters' predicates, date precisions and articles, and the vis-network
options; :func:`embed_json` makes it safe to put inside a ``<script>`` element. Every list is
built in a fixed order, so the same input gives the same bytes.
"""

from __future__ import annotations

import json
from collections import Counter

from . import layout
from .page_evidence import date_span, dispute_notes, statement_key
from .selection import Selection, select
from .dates import DatePrecision
from .vocabulary import EntityType

#: How each entity type is drawn (vis-network shapes whose label sits below the node, so the
#: node's size, not its label, says how central it is), keyed by the vocabulary's type, never by
#: a display label. Types not listed (a graph from elsewhere) fall back to ``_OTHER``.
TYPE_STYLES: dict[EntityType, dict[str, str]] = {
    EntityType.PERSON: {"color": "#d62728", "shape": "dot"},
    EntityType.STATE: {"color": "#1f77b4", "shape": "diamond"},
    EntityType.ORGANISATION: {"color": "#9467bd", "shape": "hexagon"},
    EntityType.INITIATIVE: {"color": "#2ca02c", "shape": "star"},
    EntityType.EVENT: {"color": "#ff7f0e", "shape": "triangle"},
    EntityType.PLACE: {"color": "#8c564b", "shape": "triangleDown"},
    EntityType.TOPIC: {"color": "#17becf", "shape": "dot"},
    EntityType.DOCUMENT: {"color": "#e377c2", "shape": "square"},
}
_OTHER = {"color": "#7f7f7f", "shape": "dot"}

#: Graphs with more nodes than this get the browser's large-graph options.
LARGE_GRAPH = 500
#: Above this many edges only the selection's edges are labelled: vis-network draws every edge
#: label in every frame, and a few thousand of them make zooming in take seconds.
EDGE_LABEL_LIMIT = 1000
#: Above this many edges they are drawn without arrowheads: vis-network draws every edge in every
#: frame, and the heads are a third of that work; at this size a frame would otherwise block the
#: page for more than half a second, while the heads are too small to see until zoomed far in.
#: The direction stays in every tooltip and in the details panel ("A → predicate → B").
ARROW_LIMIT = 20000

_NO_DATE = "none"


def type_style(name: str) -> dict[str, str]:
    """The colour and shape for entity type ``name`` (an :class:`EntityType` value, or any other
    name, which gets the neutral style); returns a new dict.

    >>> type_style("Person")
    {'color': '#d62728', 'shape': 'dot'}
    >>> type_style("Spaceship")
    {'color': '#7f7f7f', 'shape': 'dot'}
    """
    try:
        kind = EntityType(name)
    except ValueError:
        return dict(_OTHER)
    return dict(TYPE_STYLES.get(kind, _OTHER))


def format_date(text: str | None, precision: str | None) -> str:
    """A statement's date as a reader should see it, at the precision the article gives
    (``precision`` is a :class:`~graph_model.dates.DatePrecision` value).

    >>> format_date("2017-07-05", "day"), format_date("2017-07", "month"), format_date("1945", "year")
    ('5 July 2017', 'July 2017', '1945')
    >>> format_date("--05-17", "day, year unknown"), format_date("late 2016", "late year")
    ('17 May (year not given)', 'late 2016')
    >>> format_date(None, None)
    'date not given'
    """
    if not text:
        return "date not given"
    try:
        if precision == DatePrecision.DAY:
            year, month, day = text.split("-")
            return f"{int(day)} {_MONTHS[int(month) - 1]} {year}"
        if precision == DatePrecision.MONTH:
            year, month = text.split("-")
            return f"{_MONTHS[int(month) - 1]} {year}"
        if precision == DatePrecision.MONTH_DAY:
            month, day = text.lstrip("-").split("-")
            return f"{int(day)} {_MONTHS[int(month) - 1]} (year not given)"
    except (ValueError, IndexError):
        pass  # an unexpected form is shown as the article wrote it
    return text


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]


def embed_json(payload) -> str:
    """``payload`` as JSON that is safe inside a ``<script>`` element; returns the text.

    ``<``, ``>`` and ``&`` become ``\\u003c`` / ``\\u003e`` / ``\\u0026``, so no value can close the
    element or open a comment; ``JSON.parse`` turns them back into the original characters.
    """
    # no sort_keys: every dict is built in a fixed order already, and sorting costs a third
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def graph_payload(graph, selection: Selection | None = None) -> dict:
    """Everything the page draws for ``selection`` (default: all of ``graph``), as JSON-ready
    data; returns a dict.

    Keys: ``nodes`` (id, label, type, aliases, description, x, y, size, and rank: 0 for the most
    connected, the order in which the page names them), ``edges`` (id, from, to,
    predicate, sources, width, statements, and roundness for parallel edges), ``types``, ``predicates``,
    ``precisions``, ``articles`` (only those some statement cites), ``options`` (vis-network),
    ``edgeLabels`` ("all", or "selected" for graphs too large to label every edge), ``large``
    (the browser should skip per-node refinements).
    Nodes are sorted by id and edges by (from, to, predicate), so the output is deterministic.
    """
    if selection is None:
        selection = select(graph)
    positions = layout.positions(selection.nodes, [(u, v) for u, v, _, _ in selection.edges])
    scores = selection.degree()
    top = max(scores.values(), default=0) or 1
    # the page names the most connected entities first, and skips a name that would overlap one
    # already drawn: rank 0 is the most connected, ties broken by id so the bytes stay the same
    rank = {node: index for index, node in enumerate(sorted(selection.nodes, key=lambda n: (-scores[n], str(n))))}
    node_items = []
    for node in selection.nodes:
        data = graph.nodes[node]
        x, y = positions[node]
        node_items.append({
            "id": str(node), "label": str(data.get("label") or node), "type": str(data.get("type") or "Thing"),
            "aliases": [str(a) for a in data.get("aliases") or []],
            "description": str(data.get("description") or ""),
            "x": x, "y": y, "size": layout.node_size(scores[node], top), "rank": rank[node],
        })
    edge_items = _edge_items(selection.edges, dispute_notes(graph))
    cited = sorted({s["article"] for e in edge_items for s in e["statements"] if s["article"]})
    articles = graph.graph.get("articles") or {}
    return {
        "nodes": node_items,
        "edges": edge_items,
        "types": _type_entries(node_items),
        "predicates": _predicate_entries(selection.edges),
        "precisions": _precision_entries(edge_items),
        "articles": {a: _article_entry(a, articles.get(a)) for a in cited},
        "options": vis_options(len(node_items), len(edge_items)),
        "edgeLabels": "all" if len(edge_items) <= EDGE_LABEL_LIMIT else "selected",
        "large": is_large(len(node_items), len(edge_items)),
    }


def edge_width(sources: int) -> float:
    """An edge's line width for a relation stated in ``sources`` distinct articles."""
    return round(1 + 1.5 * (min(max(sources, 1), 6) - 1), 1)


def is_large(n_nodes: int, n_edges: int) -> bool:
    """Whether the browser should draw a graph this size in its cheaper way (no hover effects,
    no edges while moving, no per-node fonts); returns a bool."""
    return n_nodes > LARGE_GRAPH or n_edges > 2 * LARGE_GRAPH


def vis_options(n_nodes: int, n_edges: int) -> dict:
    """vis-network options for a graph of this size; returns a dict.

    Physics is always off (positions come from Python). Large graphs also hide edges while the
    view moves, the single most effective speed-up vis-network offers, and graphs with more than
    ``ARROW_LIMIT`` edges are drawn without arrowheads (a third of the cost of every frame).
    """
    large = is_large(n_nodes, n_edges)
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "groups": {**{kind.value: _group_style(style) for kind, style in TYPE_STYLES.items()},
                   "Thing": _group_style(_OTHER)},
        "nodes": {
            "font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "borderWidth": 1,
            # labels smaller than 7 screen pixels are skipped: zoomed out, only the hubs (whose
            # font grows with their size) are named, and every name appears when zooming in
            "scaling": {"label": {"enabled": False, "drawThreshold": 8}},
        },
        "edges": {
            "arrows": {"to": {"enabled": n_edges <= ARROW_LIMIT, "scaleFactor": 0.6}},
            "color": {"color": "#9aa5b1", "highlight": "#2b6cb0", "hover": "#4a5568", "inherit": False},
            "font": {"size": 11, "color": "#4a5568", "face": "system-ui, sans-serif",
                     "strokeWidth": 3, "strokeColor": "#ffffff", "align": "middle"},
            "scaling": {"label": {"enabled": False, "drawThreshold": 8}},
            # straight by default; parallel edges get their own curvedCW roundness per edge.
            # Never 'dynamic': it adds hidden support nodes to the physics model.
            "smooth": False,
            "selectionWidth": 2,
        },
        "interaction": {
            "hover": not large,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "multiselect": False,
            "navigationButtons": False,
            "keyboard": False,
        },
    }


# --------------------------------------------------------------------------------------------
# Payload pieces


def _group_style(style: dict) -> dict:
    color = style["color"]
    return {"shape": style["shape"],
            "color": {"background": color, "border": _darker(color),
                      "highlight": {"background": color, "border": "#1a202c"},
                      "hover": {"background": color, "border": "#1a202c"}}}


def _darker(color: str) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c * 0.7) for c in (r, g, b)))


def _edge_items(edges: list, disputes: dict) -> list[dict]:
    """The JSON entry of each edge (same order as ``edges``), each statement with the notes of
    ``disputes`` (from :func:`graph_model.page_evidence.dispute_notes`); returns a list of dicts."""
    ends = [(str(u), str(v)) for u, v, _, _ in edges]
    roundness = _parallel_roundness(ends)
    widths: dict[int, float] = {}
    items = []
    for index, ((u, v, key, data), (frm, to)) in enumerate(zip(edges, ends)):
        raw = data.get("statements")
        predicate = str(data.get("predicate") or key)
        statements = [_statement_entry(s, disputes.get(statement_key(u, v, predicate, s))) for s in raw] if raw else []
        if len(statements) > 1:
            statements.sort(key=lambda s: (s["article"] or "", s["start"], s["end"], s["quote"]))
        sources = int(data.get("sources") or len({s["article"] for s in statements}) or 1)
        width = widths.get(sources)
        if width is None:
            width = widths[sources] = edge_width(sources)
        item = {"id": f"e{index}", "from": frm, "to": to, "predicate": predicate,
                "sources": sources, "width": width, "statements": statements}
        if any("disputes" in s for s in statements):
            item["disputed"] = True
        if data.get("quoted") is False:  # a reduced page left its quotes out (page_store)
            item["unquoted"] = True
        if roundness[index] is not None:
            item["roundness"] = roundness[index]
        items.append(item)
    return items


def _parallel_roundness(pairs: list[tuple]) -> list[float | None]:
    """Per edge: None (draw straight) if it is the only edge between its two nodes, else the
    curvedCW roundness that keeps it apart from the others between the same two nodes.

    curvedCW bends to the right of the edge's direction, so an A->B and a B->A edge already bend
    to opposite sides; giving every edge of the pair a different roundness separates the rest.
    """
    keys = [(u, v) if u < v else (v, u) for u, v in pairs]
    counts = Counter(keys)
    result: list[float | None] = [None] * len(pairs)
    ranks: dict[tuple, int] = {}
    for index, key in enumerate(keys):
        if counts[key] > 1 and key[0] != key[1]:
            rank = ranks[key] = ranks.get(key, -1) + 1
            result[index] = _ROUNDNESS[rank] if rank < len(_ROUNDNESS) else round(0.15 + 0.2 * rank, 2)
    return result


_ROUNDNESS = [round(0.15 + 0.2 * rank, 2) for rank in range(8)]


def _statement_entry(statement: dict, disputes: list[str] | None = None) -> dict:
    start, end = statement.get("start"), statement.get("end")
    date, precision = statement.get("date"), statement.get("precision")
    entry = {
        "quote": str(statement.get("quote") or ""),
        "article": statement.get("article"),
        "start": int(start) if start is not None else 0,
        "end": int(end) if end is not None else 0,
        "speaker": statement.get("speaker"),
        "role": statement.get("role"),
        # null when the article gives no date; the page then says so
        "when": format_date(statement.get("date"), statement.get("precision")) if statement.get("date") else None,
        "precision": (statement.get("precision") or "unspecified") if statement.get("date") else None,
        "modality": statement.get("modality"),
        # the date as the article words it, and the days it covers ([start, end), ISO), null when
        # it cannot be placed in time: the timeline draws exactly that and never invents a day
        "date": str(date) if date else None,
        "span": date_span(date, precision),
        # where it was curated (mapping file relative to the seeds, and line)
        "file": statement.get("file"),
        "line": statement.get("line"),
    }
    if disputes:
        entry["disputes"] = disputes
    return entry


def _article_entry(article_id: str, article: dict | None) -> dict:
    article = article or {}
    return {"label": str(article.get("label") or article_id), "publisher": article.get("publisher"),
            "date": article.get("date"), "url": article.get("url"), "graph": article.get("graph"),
            "file": article.get("file"), "text": str(article.get("text") or "")}


def _type_entries(node_items: list[dict]) -> list[dict]:
    counts: dict[str, int] = {}
    for node in node_items:
        counts[node["type"]] = counts.get(node["type"], 0) + 1
    # the vocabulary's order first (as in the legend of every page), then any other type by name
    known = [kind.value for kind in TYPE_STYLES if kind.value in counts]
    other = sorted(t for t in counts if t not in known)
    return [{"name": t, "count": counts[t], **type_style(t)} for t in known + other]


def _predicate_entries(edges: list) -> list[dict]:
    """One entry per predicate: name, human label, number of shown relations."""
    entries: dict[str, dict] = {}
    for _, _, key, data in edges:
        name = str(data.get("predicate") or key)
        if name not in entries:
            entries[name] = {"name": name, "label": str(data.get("label") or name), "count": 0}
        entries[name]["count"] += 1
    return sorted(entries.values(), key=lambda e: (e["label"].lower(), e["name"]))


def _precision_entries(edge_items: list[dict]) -> list[dict]:
    counts: dict[str, int] = {}
    for edge in edge_items:
        for s in edge["statements"]:
            key = s["precision"] or _NO_DATE
            counts[key] = counts.get(key, 0) + 1
    # plain strings in the JSON (the values), never enum members
    order = [k.value if isinstance(k, DatePrecision) else k for k in _PRECISION_LABELS]
    keys = [k for k in order if k in counts] + sorted(k for k in counts if k not in order)
    return [{"key": k, "label": _PRECISION_LABELS.get(k, f"dated ({k})"), "count": counts[k]} for k in keys]


#: Filter labels for statement date precisions, keyed by the vocabulary's precision, in the order
#: the page lists them.
_PRECISION_LABELS = {
    DatePrecision.DAY: "dated to the day",
    DatePrecision.MONTH: "dated to the month",
    DatePrecision.YEAR: "dated to the year",
    DatePrecision.EARLY_YEAR: "early in a year",
    DatePrecision.MID_YEAR: "mid-year",
    DatePrecision.LATE_YEAR: "late in a year",
    DatePrecision.MONTH_DAY: "day and month, no year",
    _NO_DATE: "date not given",
}


def page_meta(graph, selected: Selection, shown: Selection, *, focus, depth: int, title: str,
              totals: tuple[int, int] | None = None) -> dict:
    """What the page says about itself: title, focus, and how much of the graph it shows; returns a dict.

    ``totals`` are the store's (entities, relations) when ``graph`` holds only the shown part
    (:mod:`graph_model.page_store`). The notice says what is left out and how to see it: every
    text in it is a number, so it needs no escaping beyond the template's.
    """
    reduced = len(shown.nodes) < len(selected.nodes)
    parts = []
    if reduced:
        parts.append(f"Showing the {len(shown.nodes):,} most connected of {len(selected.nodes):,} "
                     f"entities ({len(shown.edges):,} of {len(selected.edges):,} relations). "
                     "Use focus or the filters to explore the rest (kg render --focus ENTITY, "
                     "--type, --predicate, or a larger --max-nodes).")
    unquoted = sum(1 for _, _, _, data in shown.edges if data.get("quoted") is False)
    if unquoted:
        parts.append(f"Quotes are included for {len(shown.edges) - unquoted:,} of the {len(shown.edges):,} "
                     "relations shown (those of the most connected entities); render with --focus "
                     "ENTITY to include the quotes of its relations.")
    total_nodes, total_edges = totals or (graph.number_of_nodes(), graph.number_of_edges())
    return {
        "title": title,
        "focus": None if focus is None else str(focus),
        "depth": depth,
        "reduced": reduced,
        "notice": " ".join(parts),
        "totalNodes": total_nodes,
        "totalEdges": total_edges,
        "shownNodes": len(shown.nodes),
        "shownEdges": len(shown.edges),
        "unquotedEdges": unquoted,
    }
