"""The ``kg`` command: a thin layer that opens inputs, calls one library function, and prints.

Exit codes: 0 ok, 1 invalid input (the data or the query is wrong), 2 usage (the command is).
Heavy modules are imported inside each command so ``kg --help`` and ``kg query`` start fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import GraphModelError, InputError, QueryError, StoreError, UsageError

EXIT_INVALID = 1
EXIT_USAGE = 2


class _Group(click.Group):
    """Turn our exceptions into the documented exit codes and one clean message."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(str(exc), err=True)
            problems = getattr(exc, "problems", [exc.problem])
            if len(problems) > 1:
                click.echo(f"{len(problems)} problems found.", err=True)
            ctx.exit(EXIT_INVALID)
        except (QueryError, StoreError) as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(EXIT_INVALID)
        except UsageError as exc:
            click.echo(f"Error: {exc}", err=True)
            click.echo(f"Try '{ctx.command_path} {ctx.invoked_subcommand or ''} --help' for help.".replace("  ", " "),
                       err=True)
            ctx.exit(EXIT_USAGE)
        except GraphModelError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(EXIT_INVALID)


def _echo(text: str) -> None:
    """Print text once, with exactly one final newline."""
    click.echo(text, nl=not text.endswith("\n"))


def _seeds_option(function):
    return click.option("--seeds", "seeds_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
                        default=Path("seeds"), show_default=True, help="The seeds directory.")(function)


def _out_option(function):
    return click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
                        default=Path("build"), show_default=True,
                        help="Where 'kg build' writes the store and the graph page.")(function)


def _remote_options(function):
    """--store URL and friends: use a remote SPARQL store instead of the embedded one."""
    options = [
        click.option("--store", "store_url", metavar="URL",
                     help="Base URL of a SPARQL store (Oxigraph server, Fuseki dataset, ...) to use instead "
                          "of the embedded one."),
        click.option("--query-endpoint", metavar="URL", help="Its SPARQL query URL, if not recognised from --store."),
        click.option("--update-endpoint", metavar="URL", help="Its SPARQL update URL, if not recognised."),
        click.option("--graph-store-endpoint", metavar="URL", help="Its Graph Store Protocol URL, if not recognised."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _open_target(out_dir, store_url, query_endpoint=None, update_endpoint=None, graph_store_endpoint=None):
    """The remote store if --store (or --query-endpoint) was given, else the embedded store in --out."""
    from .store import open_store

    if store_url or query_endpoint:
        return open_store(store_url or query_endpoint, query_url=query_endpoint, update_url=update_endpoint,
                          store_url=graph_store_endpoint)
    return open_store(out_dir)


def _format_names(group: str) -> list[str]:
    from . import formats

    return formats.names(getattr(formats, group))


def _format_option(function):
    from .formats import CLI_RESULT_FORMATS, names

    return click.option("--format", "result_format", type=click.Choice(names(CLI_RESULT_FORMATS)),
                        default="table", show_default=True, help="Output format.")(function)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="graph-model")
def main():
    """Evidence-grounded knowledge graph of who proposes what, involving whom, when.

    \b
    Example:
      kg build && kg query proposers
    """


@main.command()
@_seeds_option
@click.option("--no-shapes", is_flag=True, help="Skip the SHACL check of the produced RDF.")
def validate(seeds_dir, no_shapes):
    """Check the mapping against the articles and the ontology; report every problem.

    Each problem is printed as FILE:LINE: what is wrong. hint. Exit 1 if there is any.

    \b
    Example:
      kg validate --seeds seeds
    """
    from .build import validate as run_validate

    report = run_validate(seeds_dir, shapes=not no_shapes)
    if not report.conforms:
        from .errors import ValidationFailed

        raise ValidationFailed(report.problems)
    click.echo(f"ok: {report.statement_count} statements in {seeds_dir} are valid.")


@main.command()
@_seeds_option
@_out_option
@click.option("--no-shapes", is_flag=True, help="Skip the SHACL check (faster on very large corpora).")
@click.option("--no-render", is_flag=True, help="Do not write the graph page.")
@_remote_options
def build(seeds_dir, out_dir, no_shapes, no_render, store_url, query_endpoint, update_endpoint,
          graph_store_endpoint):
    """Validate the seeds and build the on-disk store (and graph page) in --out.

    Nothing is written when the input is invalid; the previous build stays intact.

    \b
    Example:
      kg build --seeds seeds --out build
    """
    from .build import build as run_build, build_into

    if store_url or query_endpoint:
        target = _open_target(out_dir, store_url, query_endpoint, update_endpoint, graph_store_endpoint)
        counts = build_into(target, seeds_dir, shapes=not no_shapes)
        click.echo(f"uploaded {len(counts)} graphs ({sum(counts.values())} triples) to {store_url or query_endpoint}; "
                   f"the store now holds {len(target)} quads in our graphs")
        return
    result = run_build(seeds_dir, out_dir, shapes=not no_shapes, render=not no_render)
    click.echo(f"built {result.store_path}: {result.articles} articles, {result.entities} entities, "
               f"{result.statements} statements, {result.quads} quads")


@main.command("queries")
def list_queries():
    """List the named queries with their parameters, and where each comes from.

    The queries shipped with graph-model, plus your own NAME.rq files in ./queries; one of
    yours with a shipped query's name replaces it.

    \b
    Example:
      kg queries
    """
    from .queries import format_query_catalogue, read_named_queries

    _echo(format_query_catalogue(read_named_queries()))


def _parse_params(params: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--param '{item}' is not KEY=VALUE.", "Write e.g. --param initiative=helsinki-2.")
        values[key.strip()] = value
    return values


@main.command()
@click.argument("name")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="Bind a query parameter.")
@_format_option
@_out_option
@_remote_options
def query(name, params, result_format, out_dir, **remote):
    """Run the named query NAME (see 'kg queries').

    \b
    Example:
      kg query proposers --param initiative="new Helsinki process" --format csv
    """
    from .queries import run_named_query
    from .results import ResultFormat, format_result

    values = _parse_params(params)
    result = run_named_query(_open_target(out_dir, **remote), name, values)
    _echo(format_result(result, ResultFormat(result_format)))


@main.command()
@click.argument("query_or_file")
@_format_option
@_out_option
@_remote_options
def sparql(query_or_file, result_format, out_dir, **remote):
    """Run a SPARQL query given as text or as a path to a .rq file.

    The default graph is the union of all graphs, unless the query names its own (FROM).
    Relative IRIs resolve against https://newsgraph.example/ (so <entity/nato> works).

    \b
    Example:
      kg sparql 'SELECT (COUNT(*) AS ?n) WHERE { ?s a kg:Statement }'
    """
    from .queries import run_sparql
    from .results import ResultFormat, format_result

    path = Path(query_or_file)
    text = path.read_text(encoding="utf-8") if query_or_file.endswith(".rq") and path.is_file() else query_or_file
    _echo(format_result(run_sparql(_open_target(out_dir, **remote), text), ResultFormat(result_format)))


@main.command()
@click.option("--format", "export_format", type=click.Choice(_format_names("EXPORT_FORMATS")),
              default="trig", show_default=True, help="Serialisation.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout).")
@_out_option
def export(export_format, output, out_dir):
    """Export the built graph: RDF (turtle, trig, nquads, jsonld, ntriples, rdfxml) or a network (graphml, gexf).

    Same input, byte-identical output.

    \b
    Example:
      kg export --format nquads -o graph.nq
    """
    from .export import export_bytes
    from .files import write_atomically
    from .store import open_store

    data = export_bytes(open_store(out_dir), export_format)
    if output:
        click.echo(f"wrote {output} ({write_atomically(output, data)} bytes)", err=True)
    else:
        sys.stdout.buffer.write(data)


@main.command()
@_out_option
@_remote_options
def stats(out_dir, **remote):
    """Entities per type, statements per predicate and per article.

    \b
    Example:
      kg stats
    """
    from .stats import compute_stats, format_stats

    click.echo(format_stats(compute_stats(_open_target(out_dir, **remote))))


@main.command()
@click.option("--top", type=int, default=20, show_default=True, help="How many entities to rank (0 = all).")
@click.option("--by", type=click.Choice(["degree", "betweenness", "pagerank"]), default="degree",
              show_default=True, help="Measure to rank by.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
@_out_option
def analyze(top, by, as_json, out_dir):
    """Rank entities by degree, betweenness and PageRank; find communities and bridges.

    \b
    Example:
      kg analyze --top 10
    """
    from .analyze import analyze_graph, format_analysis
    from .store import open_store
    from .project import project_graph

    analysis = analyze_graph(project_graph(open_store(out_dir)), top=top or None, by=by)
    click.echo(format_analysis(analysis, as_json=as_json))


@main.command()
@click.argument("source")
@click.argument("target")
@click.option("--limit", type=int, default=3, show_default=True, help="How many shortest chains to show.")
@_out_option
def path(source, target, limit, out_dir):
    """The shortest chains of relations between two entities, each hop with its quote.

    SOURCE and TARGET are ids, labels or aliases.

    \b
    Example:
      kg path lukashenko nato
    """
    from .analyze import format_paths, shortest_paths
    from .store import open_store
    from .project import project_graph

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
@_out_option
def render(output, focus, depth, types, predicates, max_nodes, out_dir):
    """Write the interactive graph page: one self-contained HTML file, no network needed.

    \b
    Example:
      kg render --focus "Helsinki-2" --depth 2 -o helsinki-2.html
    """
    from .build import GRAPH_HTML
    from .render import render_store_html
    from .store import open_store

    # the library checks every option (UsageError: exit 2 with its message and hint)
    html = render_store_html(open_store(out_dir), focus=focus, depth=depth, types=set(types) or None,
                             predicates=set(predicates) or None, max_nodes=max_nodes)
    from .files import write_atomically

    output = output or out_dir / GRAPH_HTML
    click.echo(f"wrote {output} ({write_atomically(output, html)} bytes)", err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (loopback unless told).")
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--timeout", type=float, default=10.0, show_default=True,
              help="Seconds a client may wait for an answer, queueing included.")
@click.option("--max-results", type=int, default=10_000, show_default=True, help="Rows a result may have.")
@click.option("--allow-service", is_flag=True, help="Allow SERVICE (federated queries fetch URLs).")
@click.option("--cors-origin", "cors_origins", multiple=True, help="Origin allowed by CORS (repeatable; '*' for any).")
@click.option("--workers", type=int, default=2, show_default=True, help="Query worker processes.")
@click.option("--cache-mb", type=int, default=64, show_default=True,
              help="Memory for cached replies to repeated requests (0 disables the cache).")
@click.option("--max-body-bytes", type=int, default=1024 * 1024, show_default=True,
              help="Largest request body read (413 beyond it).")
@click.option("--max-query-length", type=int, default=256 * 1024, show_default=True,
              help="Longest query, in characters (400 beyond it).")
@click.option("--max-depth", type=int, default=64, show_default=True,
              help="Deepest nesting of { ( [ in a query (400 beyond it).")
@_out_option
@_remote_options
def serve(host, port, timeout, max_results, allow_service, cors_origins, workers, cache_mb, max_body_bytes,
          max_query_length, max_depth, out_dir, **remote):
    """Serve SPARQL (/sparql), the graph page (/), and the named queries (/query, /queries/NAME).

    Read-only; SPARQL Update, LOAD and (unless allowed) SERVICE are refused. After 'kg build'
    into the same --out, the server switches to the new build in one step.

    \b
    Example:
      kg serve --port 8000
      curl -H 'Accept: text/csv' 'http://127.0.0.1:8000/sparql?query=SELECT+*+WHERE+{?s+?p+?o}+LIMIT+3'
    """
    from .serve import ServeSettings, serve as run_server
    from .store import STORE_DIRNAME

    settings = ServeSettings(timeout=timeout, max_results=max_results, allow_service=allow_service,
                             cors_origins=tuple(cors_origins), workers=workers, cache_bytes=cache_mb * 1024 * 1024,
                             max_body_bytes=max_body_bytes, max_query_length=max_query_length, max_depth=max_depth)
    target = _open_target(out_dir, **remote)  # fails early, with the hint, if there is no store
    if target.location is None:
        from .render import render_store_html

        click.echo(f"serving {remote['store_url'] or remote['query_endpoint']} on http://{host}:{port}/", err=True)
        run_server(target, host=host, port=port, settings=settings, graph_html=render_store_html(target))
        return
    del target  # the workers open the store themselves
    click.echo(f"serving {out_dir / STORE_DIRNAME} on http://{host}:{port}/ (SPARQL at /sparql)", err=True)
    run_server(out_dir / STORE_DIRNAME, host=host, port=port, settings=settings)


def format_cli_reference() -> str:
    """docs/cli-reference.md: every command's --help, generated so it cannot drift."""
    sections = ["# CLI reference\n\nGenerated from `kg COMMAND --help` by `python -m graph_model.cli`; "
                "a test keeps it in sync.\n"]
    # A fixed width, so the reference does not depend on the terminal it is generated in.
    context = click.Context(main, info_name="kg", terminal_width=88, max_content_width=88,
                            help_option_names=["-h", "--help"])
    sections.append(f"## kg\n\n```\n{main.get_help(context)}\n```\n")
    for name in sorted(main.commands):
        command = main.commands[name]
        sub = click.Context(command, info_name=name, parent=context, terminal_width=88, max_content_width=88,
                            help_option_names=["-h", "--help"])
        sections.append(f"## kg {name}\n\n```\n{command.get_help(sub)}\n```\n")
    return "\n".join(sections)


if __name__ == "__main__":  # pragma: no cover
    # `python -m graph_model.cli` regenerates the CLI reference.
    Path("docs/cli-reference.md").write_text(format_cli_reference(), encoding="utf-8")
