"""The ``kg`` group: our exceptions become the documented exit codes and one clean message.

Exit codes: 0 ok, 1 invalid input (the data or the query is wrong), 2 usage (the command is).
"""

from __future__ import annotations

import click

from ..errors import GraphModelError, InputError, QueryError, StoreError, UsageError

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


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="graph-model")
def main():
    """Evidence-grounded knowledge graph of who proposes what, involving whom, when.

    \b
    Example:
      kg build && kg query proposers
    """
