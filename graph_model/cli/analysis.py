"""kg analyze, path, render: the networkx projection and the graph page."""

from __future__ import annotations

from pathlib import Path

import click

from .group import main
from .options import out_option


@main.command()
@click.option("--top", type=int, default=20, show_default=True, help="How many entities to rank (0 = all).")
@click.option("--by", type=click.Choice(["degree", "betweenness", "pagerank"]), default="degree",
              show_default=True, help="Measure to rank by.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
@out_option
def analyze(top, by, as_json, out_dir):
    """Rank entities by degree, betweenness and PageRank; find communities and bridges.

    \b
    Example:
      kg analyze --top 10
    """
    from ..analyze import analyze_graph, format_analysis
    from ..store import open_store
    from ..project import project_graph

    analysis = analyze_graph(project_graph(open_store(out_dir)), top=top or None, by=by)
    click.echo(format_analysis(analysis, as_json=as_json))


@main.command()
@click.argument("source")
@click.argument("target")
@click.option("--limit", type=int, default=3, show_default=True, help="How many shortest chains to show.")
@out_option
def path(source, target, limit, out_dir):
    """The shortest chains of relations between two entities, each hop with its quote.

    SOURCE and TARGET are ids, labels or aliases.

    \b
    Example:
      kg path lukashenko nato
    """
    from ..analyze import format_paths, shortest_paths
    from ..store import open_store
    from ..project import project_graph

    graph = project_graph(open_store(out_dir))
    click.echo(format_paths(shortest_paths(graph, source, target, limit=limit), graph))


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="HTML file to write (default: build/graph.html).")
@click.option("--focus", metavar="ENTITY", help="Show only this entity (id, label or alias) and its neighbourhood.")
@click.option("--depth", type=int, default=1, show_default=True, help="Neighbourhood depth for --focus.")
@click.option("--type", "types", multiple=True, help="Keep only entities of this type (repeatable).")
@click.option("--predicate", "predicates", multiple=True, help="Keep only relations with this predicate (repeatable).")
@click.option("--max-nodes", type=int, default=2000, show_default=True,
              help="Above this, show the most central entities and say so on the page.")
@out_option
def render(output, focus, depth, types, predicates, max_nodes, out_dir):
    """Write the interactive graph page: one self-contained HTML file, no network needed.

    \b
    Example:
      kg render --focus "Helsinki-2" --depth 2 -o helsinki-2.html
    """
    from ..build import GRAPH_HTML
    from ..render import render_store_html
    from ..store import open_store

    # the library checks every option (UsageError: exit 2 with its message and hint)
    html = render_store_html(open_store(out_dir), focus=focus, depth=depth, types=set(types) or None,
                             predicates=set(predicates) or None, max_nodes=max_nodes)
    from ..files import write_atomically

    output = output or out_dir / GRAPH_HTML
    click.echo(f"wrote {output} ({write_atomically(output, html)} bytes)", err=True)
