"""The ``kg`` command: a thin layer that opens inputs, calls one library function, and prints.

One module per group of commands; each command parses, calls one library function, and formats:

* :mod:`.group` - the ``kg`` group and the mapping of our errors to exit codes;
* :mod:`.options` - options shared by several commands;
* :mod:`.pipeline` - validate, build, export, stats;
* :mod:`.questions` - queries, query, sparql;
* :mod:`.analysis` - analyze, path, render;
* :mod:`.serving` - serve;
* :mod:`.reference` - docs/cli-reference.md from the commands' help.

Heavy modules are imported inside each command so ``kg --help`` and ``kg query`` start fast.
"""

from . import analysis, curation, entities, history, pipeline, questions, serving  # noqa: F401  - registers the commands
from .group import EXIT_INVALID, EXIT_USAGE, main
from .reference import format_cli_reference

__all__ = ["EXIT_INVALID", "EXIT_USAGE", "format_cli_reference", "main"]
