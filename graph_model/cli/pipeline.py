"""kg validate, build, export, stats: the pipeline from seeds to the store and out of it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .group import main
from .options import format_names, open_target, out_option, remote_options, seeds_option, verbosity_options


@main.command()
@seeds_option
@click.option("--no-shapes", is_flag=True, help="Skip the SHACL check of the produced RDF.")
def validate(seeds_dir, no_shapes):
    """Check the mapping against the articles and the ontology; report every problem.

    Each problem is printed as FILE:LINE: what is wrong. hint. Exit 1 if there is any.
    When there is none, warnings follow the ok line, as FILE:LINE: warning: ...
    (entities or articles that look like duplicates, entities no statement uses).

    \b
    Example:
      kg validate --seeds seeds
    """
    from ..build import validate as run_validate

    report = run_validate(seeds_dir, shapes=not no_shapes)
    if not report.conforms:
        from ..errors import ValidationFailed

        raise ValidationFailed(report.problems)
    click.echo(f"ok: {report.statement_count} statements in {seeds_dir} are valid.")
    for warning in report.sorted_warnings():
        click.echo(warning.format("warning"), err=True)
    if report.warnings:
        click.echo(f"{len(report.warnings)} warning{'s' if len(report.warnings) > 1 else ''}.", err=True)


@main.command()
@seeds_option
@out_option
@click.option("--no-shapes", is_flag=True, help="Skip the SHACL check (faster on very large corpora).")
@click.option("--no-render", is_flag=True, help="Do not write the graph page.")
@click.option("--full", is_flag=True, help="Redo every article, not only those that changed since the last build.")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Processes that map articles (default: one per core).")
@verbosity_options
@remote_options
def build(seeds_dir, out_dir, no_shapes, no_render, full, jobs, quiet, verbose, store_url, query_endpoint,
          update_endpoint, graph_store_endpoint):
    """Validate the seeds and build the on-disk store (and graph page) in --out.

    Incremental: only articles whose text, mapping or registry entries changed are mapped
    again, and only their graphs replaced; 'kg diff' shows what changed. Nothing is written
    when the input is invalid; the previous build stays intact, also if the build is killed.

    \b
    Example:
      kg build --seeds seeds --out build
    """
    from ..build import build as run_build
    from ..build_remote import build_into
    from ..progress import terminal_progress

    progress = terminal_progress(quiet=quiet, verbose=verbose)
    if store_url or query_endpoint:
        target = open_target(out_dir, store_url, query_endpoint, update_endpoint, graph_store_endpoint)
        from ..remote.sync import format_sync_report

        report = build_into(target, seeds_dir, shapes=not no_shapes, jobs=jobs, progress=progress)
        progress.finish()
        if not quiet:
            click.echo(f"{format_sync_report(report, store_url or query_endpoint)}; the store now holds "
                       f"{len(target)} quads in our graphs")
        return
    result = run_build(seeds_dir, out_dir, shapes=not no_shapes, render=not no_render, full=full, jobs=jobs,
                       progress=progress)
    if not quiet:
        click.echo(format_build_result(result))


def format_build_result(result) -> str:
    """The summary line of a build: what the store holds and what this build changed."""
    totals = (f"{result.articles} articles, {result.entities} entities, {result.statements} statements, "
              f"{result.quads} quads")
    if result.up_to_date:
        return f"up to date: {result.store_path}: {totals} (build {result.number}; nothing changed)"
    return (f"built {result.store_path}: {totals} (build {result.number}, {result.seconds:.1f} s; articles "
            f"{len(result.added)} added, {len(result.changed)} changed, {len(result.removed)} removed; "
            f"statements +{result.statements_added} -{result.statements_removed})")


@main.command()
@click.option("--format", "export_format", type=click.Choice(format_names("EXPORT_FORMATS")),
              default="trig", show_default=True, help="Serialisation.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout).")
@out_option
@verbosity_options
def export(export_format, output, out_dir, quiet, verbose):
    """Export the built graph: RDF (turtle, trig, nquads, jsonld, ntriples, rdfxml), a network (graphml; gexf,
    dynamic for Gephi's timeline), or what analysts' tools read.

    \b
      ftm             FollowTheMoney entities for Aleph (JSON lines); topics and
                      documents (treaties, charters), for which FtM has no
                      schema, are left out with their statements
      timelinejs      a TimelineJS timeline of the dated statements; the title
                      slide says how many have no date and are left out
      web-annotation  a W3C Web Annotation (JSON-LD) of every quote

    Dates keep the article's precision: a year is never given a month or a day.
    Same input, byte-identical output.

    \b
    Example:
      kg export --format nquads -o graph.nq
      kg export --format ftm -o graph.ftm.json
    """
    from ..export import export_bytes
    from ..files import write_atomically
    from ..store import open_store

    from ..progress import terminal_progress

    data = export_bytes(open_store(out_dir), export_format, progress=terminal_progress(quiet=quiet, verbose=verbose))
    if output:
        written = write_atomically(output, data)
        if not quiet:
            click.echo(f"wrote {output} ({written} bytes)", err=True)
    else:
        sys.stdout.buffer.write(data)


@main.command()
@out_option
@remote_options
def stats(out_dir, **remote):
    """Entities per type, statements per predicate and per article.

    \b
    Example:
      kg stats
    """
    from ..stats import compute_stats, format_stats

    click.echo(format_stats(compute_stats(open_target(out_dir, **remote))))
