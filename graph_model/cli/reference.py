"""docs/cli-reference.md, generated from every command's --help so it cannot drift."""

from __future__ import annotations

import click

from .group import main


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
