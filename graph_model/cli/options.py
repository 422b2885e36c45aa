"""Options and small helpers shared by the commands: parsing and printing only."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import UsageError


def echo(text: str) -> None:
    """Print text once, with exactly one final newline."""
    click.echo(text, nl=not text.endswith("\n"))


def seeds_option(function):
    return click.option("--seeds", "seeds_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
                        default=Path("seeds"), show_default=True, help="The seeds directory.")(function)


def out_option(function):
    return click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
                        default=Path("build"), show_default=True,
                        help="Where 'kg build' writes the store and the graph page.")(function)


def remote_options(function):
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


def open_target(out_dir, store_url, query_endpoint=None, update_endpoint=None, graph_store_endpoint=None):
    """The remote store if --store (or --query-endpoint) was given, else the embedded store in --out."""
    from ..store import open_store

    if store_url or query_endpoint:
        return open_store(store_url or query_endpoint, query_url=query_endpoint, update_url=update_endpoint,
                          store_url=graph_store_endpoint)
    return open_store(out_dir)


def format_names(group: str) -> list[str]:
    from .. import formats

    return formats.names(getattr(formats, group))


def format_option(function):
    from ..formats import CLI_RESULT_FORMATS, names

    return click.option("--format", "result_format", type=click.Choice(names(CLI_RESULT_FORMATS)),
                        default="table", show_default=True, help="Output format.")(function)


def parse_params(params: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--param '{item}' is not KEY=VALUE.", "Write e.g. --param initiative=helsinki-2.")
        values[key.strip()] = value
    return values


def verbosity_options(function):
    """--quiet / --verbose: what long work shows on the terminal (graph_model.progress)."""
    function = click.option("-v", "--verbose", is_flag=True,
                            help="Also print each stage as it starts, with the time since the start.")(function)
    return click.option("-q", "--quiet", is_flag=True,
                        help="No progress bar and no summary line; errors are still printed.")(function)
