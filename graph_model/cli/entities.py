"""kg entities, rename, merge: the entity registry, its likely duplicates, and housekeeping."""

from __future__ import annotations

import click

from ..errors import UsageError
from .group import main
from .options import echo, seeds_option


@main.command()
# --type is checked by the library, not by a click.Choice: the types live in the vocabulary,
# whose import (rdflib) would slow every kg command down.
@click.option("--type", "entity_type", metavar="TYPE", help="Only entities of this type (Person, State, ...).")
@click.option("--search", metavar="TEXT",
              help="Only entities TEXT finds, best first: by id or name (any case, accents, spacing, script), "
                   "part of one, or a near spelling.")
@click.option("--duplicates", is_flag=True, help="List likely duplicates instead, each with its reasons.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
@seeds_option
def entities(entity_type, search, duplicates, as_json, seeds_dir):
    """List the entities: id, type, label, aliases, and how many statements and articles use each.

    With --duplicates, pairs that are likely one entity: names equal under the lookup rule or
    after transliteration, similar names (rapidfuzz ratio 90 or more), an acronym of another's
    name, or the same description; and the kg merge command for each.

    \b
    Examples:
      kg entities --type Person
      kg entities --search Lukaschenko
      kg entities --duplicates
    """
    if duplicates:
        if search is not None or entity_type is not None:
            raise UsageError("--duplicates compares the whole registry; it takes no --search or --type.",
                             "Run kg entities --duplicates alone.")
        from ..registry_duplicates import find_duplicate_entities, format_duplicates

        echo(format_duplicates(find_duplicate_entities(seeds_dir), as_json=as_json))
        return
    from ..registry import format_entities, list_entities

    echo(format_entities(list_entities(seeds_dir, entity_type=entity_type, search=search), as_json=as_json))


@main.command()
@click.argument("old")
@click.argument("new")
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@seeds_option
def rename(old, new, dry_run, seeds_dir):
    """Give the entity OLD (its id, label or an alias) the id NEW in every seeds file.

    The entity's entry and every statement naming it change together, all files or none;
    comments and formatting stay. NEW must be a valid id that nothing uses yet.

    \b
    Example:
      kg rename osce-pa osce-parliamentary-assembly
    """
    from ..registry_edit import format_edit_result, rename_entity

    echo(format_edit_result(rename_entity(seeds_dir, old, new, dry_run=dry_run)))


@main.command()
@click.argument("source", metavar="A")
@click.argument("into", metavar="INTO")
@click.argument("target", metavar="B")
@click.option("--allow-duplicates", is_flag=True,
              help="Merge even if statements become repeats of others; they are listed to delete after.")
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@seeds_option
def merge(source, into, target, allow_duplicates, dry_run, seeds_dir):
    """Fold entity A into entity B (each an id, label or alias) in every seeds file.

    Every statement naming A names B instead; A's entry goes; A's label and aliases become
    B's aliases; A's description is kept as a comment in B's entry. All files or none.
    Refused for entities of different types, and for statements that would relate B to
    itself or repeat another (unless --allow-duplicates): delete those first.

    \b
    Example:
      kg merge lukashenko-2 INTO lukashenko
    """
    if into.upper() != "INTO":
        raise UsageError(f"expected INTO between the two entities, not '{into}'.", "Write: kg merge A INTO B")
    from ..registry_edit import format_edit_result, merge_entities

    echo(format_edit_result(merge_entities(seeds_dir, source, target, allow_duplicates=allow_duplicates,
                                           dry_run=dry_run)))
