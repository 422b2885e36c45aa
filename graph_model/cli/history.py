"""kg diff: what builds changed."""

from __future__ import annotations

from pathlib import Path

import click

from .group import main
from .options import echo, out_option


@main.command()
@out_option
@click.option("--since", type=click.IntRange(min=1), metavar="BUILD",
              help="Compare with this build (a number 'kg build' printed); default: the one before the last.")
@click.option("--format", "diff_format", type=click.Choice(["text", "rdfpatch"]), default="text", show_default=True,
              help="text: one line per statement added or removed, then other triples; rdfpatch: an RDF Patch.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout).")
def diff(out_dir, since, diff_format, output):
    """Show what changed in the store between two builds: statements added and removed.

    \b
    Examples:
      kg diff                     # what the last build changed
      kg diff --since 3           # everything since build 3
      kg diff --format rdfpatch -o changes.rdfp
    """
    from ..build_history import build_diff

    text = build_diff(out_dir, since=since, patch=diff_format == "rdfpatch")
    if output is None:
        echo(text.decode("utf-8") if isinstance(text, bytes) else text)
        return
    from ..files import write_atomically

    write_atomically(output, text)
