"""kg serve: the SPARQL endpoint, the graph page and the named queries over HTTP."""

from __future__ import annotations


import click

from .group import main
from .options import open_target, out_option, remote_options


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
@out_option
@remote_options
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
    from ..serve import ServeSettings, serve as run_server
    from ..store import STORE_DIRNAME

    settings = ServeSettings(timeout=timeout, max_results=max_results, allow_service=allow_service,
                             cors_origins=tuple(cors_origins), workers=workers, cache_bytes=cache_mb * 1024 * 1024,
                             max_body_bytes=max_body_bytes, max_query_length=max_query_length, max_depth=max_depth)
    target = open_target(out_dir, **remote)  # fails early, with the hint, if there is no store
    if target.location is None:
        from ..render import render_store_html

        click.echo(f"serving {remote['store_url'] or remote['query_endpoint']} on http://{host}:{port}/", err=True)
        run_server(target, host=host, port=port, settings=settings, graph_html=render_store_html(target))
        return
    del target  # the workers open the store themselves
    click.echo(f"serving {out_dir / STORE_DIRNAME} on http://{host}:{port}/ (SPARQL at /sparql)", err=True)
    run_server(out_dir / STORE_DIRNAME, host=host, port=port, settings=settings)
