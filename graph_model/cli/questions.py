"""kg queries, query, sparql: asking the graph."""

from __future__ import annotations

from pathlib import Path

import click

from .group import main
from .options import echo, format_option, open_target, out_option, parse_params, remote_options


@main.command("queries")
def list_queries():
    """List the named queries with their parameters, and where each comes from.

    The queries shipped with graph-model, plus your own NAME.rq files in ./queries; one of
    yours with a shipped query's name replaces it.

    \b
    Example:
      kg queries
    """
    from ..queries import format_query_catalogue, read_named_queries

    echo(format_query_catalogue(read_named_queries()))


@main.command()
@click.argument("name")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="Bind a query parameter.")
@click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N",
              help="Print one page of at most N rows (a line on stderr says whether more follow).")
@click.option("--offset", type=click.IntRange(min=0), default=0, metavar="K",
              help="Skip the first K rows (rows keep one fixed order, so pages never overlap).")
@format_option
@out_option
@remote_options
def query(name, params, limit, offset, result_format, out_dir, **remote):
    """Run the named query NAME (see 'kg queries').

    \b
    Example:
      kg query proposers --param initiative="new Helsinki process" --format csv
      kg query timeline --limit 100 --offset 100
    """
    from ..queries import format_page_note, page_named_query
    from ..results import ResultFormat, format_result

    values = parse_params(params)
    page = page_named_query(open_target(out_dir, **remote), name, values, limit=limit, offset=offset)
    echo(format_result(page.result, ResultFormat(result_format)))
    if limit is not None or offset:
        click.echo(format_page_note(page), err=True)


@main.command()
@click.argument("query_or_file")
@format_option
@out_option
@remote_options
def sparql(query_or_file, result_format, out_dir, **remote):
    """Run a SPARQL query given as text or as a path to a .rq file.

    The default graph is the union of all graphs, unless the query names its own (FROM).
    Relative IRIs resolve against https://newsgraph.example/ (so <entity/nato> works).

    \b
    Example:
      kg sparql 'SELECT (COUNT(*) AS ?n) WHERE { ?s a kg:Statement }'
    """
    from ..queries import run_sparql
    from ..results import ResultFormat, format_result

    path = Path(query_or_file)
    text = path.read_text(encoding="utf-8") if query_or_file.endswith(".rq") and path.is_file() else query_or_file
    echo(format_result(run_sparql(open_target(out_dir, **remote), text), ResultFormat(result_format)))
