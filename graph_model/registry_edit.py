"""kg rename and kg merge: change an entity's id, or fold one entity into another, in every
entity file and every mapping at once.

Each file is edited in place at the positions of its YAML nodes (:mod:`graph_model.yaml_edit`),
so comments, order, quoting and layout stay as the curator wrote them; each edited text is read
back and must hold exactly the data expected (else nothing is written); then all changed files
are replaced in one step, all or none (:func:`graph_model.file_transaction.replace_files`).

References are the statement fields naming an entity (:data:`graph_model.registry.ID_FIELDS`)
and the ``id`` of the entity's entry.

Merging A INTO B keeps B's id, type, label and description; A's label and aliases become B's
aliases (in their own form, ``{value, lang}`` included), but for spellings B already has: an
alias records a spelling as written, so "Härstedt" stays beside "Harstedt" although the lookup
rule finds both. A's description is kept as a comment in B's entry, with any comments A's
entry held: it is curated text that may say something B's does not, and only the curator can
fold the two together; as a comment it stays in front of them without entering the graph.
A merge refuses to make a statement relate an entity to itself, and entities of different
types; statements that become repeats of others (same subject, predicate, object and quote,
which ``kg validate`` rejects) are listed and, unless allowed, refused too: never deleted.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .corpus import ENTITIES_DIR, MAPPING_DIR
from .errors import InputError, Problem, UsageError, ValidationFailed, show_value
from .file_transaction import replace_files
from .lookup import find_entity_id
from .registry import ID_FIELDS, read_alias, read_registry
from .registry_entries import comment_lines, insert_aliases, merge_note, remove_entry
from .schema import ID_RULE, is_valid_id
from .textfile import decode_utf8, read_file_bytes
from .yaml_edit import Edit, apply_edits, compose_yaml, mapping_value, render_scalar, scalar_span, sequence_items
from .yaml_reader import parse_located_yaml


@dataclass(frozen=True)
class RepeatedStatement:
    """A statement that, after the merge, repeats the one at ``first_line`` of its mapping."""

    path: Path
    line: int
    first_line: int


@dataclass(frozen=True)
class EditResult:
    """What a rename or merge changed (or, with ``written`` false, would change)."""

    action: str  # "rename" or "merge"
    old: str
    new: str
    changed: tuple[Path, ...]
    references: int  # statement fields that named ``old`` and now name ``new``
    aliases_added: tuple[str, ...] = ()
    repeated: tuple[RepeatedStatement, ...] = ()
    written: bool = True


@dataclass
class _SeedFile:
    """One YAML file of the seeds: its bytes, text, values with lines, nodes with offsets."""

    path: Path
    data: bytes
    text: str
    located: object
    node: yaml.Node | None
    read_problems: int = 0  # problems reading it left readable (a duplicate key): no edit may add one
    edits: list[Edit] = field(default_factory=list)
    expected: object = None  # the data the edited text must read back as

    def items(self, key: str) -> list[tuple[yaml.Node, object]]:
        """(node, located value) of each item of the top-level list ``key``."""
        values = self.located.get(key) if isinstance(self.located, dict) else None
        if not isinstance(values, list):
            return []
        nodes = sequence_items(mapping_value(self.node, key))
        if len(nodes) != len(values):  # the nodes are not the values read: edit nothing rather than guess
            raise InputError(Problem(self.path, values.line, f"'{key}' cannot be changed in place here",
                                     "Nothing was changed. Write the list out in block style, then run the command again."))
        return list(zip(nodes, values))


def rename_entity(seeds_dir: Path | str, old: str, new: str, *, dry_run: bool = False) -> EditResult:
    """Give the entity ``old`` (its id, label or an alias) the id ``new`` in every file.

    Raises UsageError for an unknown ``old`` (with the closest names), an invalid ``new``, or a
    ``new`` some entity or statement already uses; ValidationFailed if a seeds file cannot be
    read; InputError if a file cannot be edited in place. Nothing is written then, nor with
    ``dry_run``.
    """
    corpus = read_registry(seeds_dir)
    old_id = _resolve(corpus, old)
    if new == old_id:
        raise UsageError(f"'{old_id}' already has that id.", "Pass the new id as the second argument.")
    if not is_valid_id(new):
        raise UsageError(f"{show_value(new)} is not a valid id.", ID_RULE)
    if new in corpus.entities:
        other = corpus.entities[new]
        raise UsageError(f"entity '{new}' already exists ({other.path}:{other.line}).",
                         f"Choose another id, or fold '{old_id}' into it: kg merge {old_id} INTO {new}")
    entity_files, mapping_files = _read_seed_files(Path(seeds_dir))
    for seed_file in entity_files + mapping_files:
        for _node, item in seed_file.items("entities") + seed_file.items("statements"):
            for key in ("id", *ID_FIELDS):
                if isinstance(item, dict) and _text(item.get(key)) == new:
                    raise UsageError(f"'{new}' is already named at {seed_file.path}:{item.key_lines.get(key, item.line)}, "
                                     "though no entity has that id.", "Choose another id, or fix that reference first.")
    for seed_file in entity_files:
        for index, (item_node, item) in enumerate(seed_file.items("entities")):
            if isinstance(item, dict) and _text(item.get("id")) == old_id:
                _replace_value(seed_file, ("entities", index, "id"), item_node, new)
    references = _replace_references(mapping_files, old_id, new)
    changed = _commit(Path(seeds_dir), entity_files + mapping_files, "rename", dry_run)
    return EditResult("rename", old_id, new, changed, references, written=not dry_run)


def merge_entities(seeds_dir: Path | str, source: str, target: str, *, allow_duplicates: bool = False,
                   dry_run: bool = False) -> EditResult:
    """Fold the entity ``source`` into ``target`` (each an id, label or alias) in every file.

    Raises UsageError for unknown or equal entities, or different types; ValidationFailed,
    listing them, for statements that would relate ``target`` to itself or (unless
    ``allow_duplicates``) repeat another; InputError if a file cannot be edited in place.
    Nothing is written then, nor with ``dry_run``.
    """
    corpus = read_registry(seeds_dir)
    source_id, target_id = _resolve(corpus, source), _resolve(corpus, target)
    if source_id == target_id:
        raise UsageError(f"{show_value(source)} and {show_value(target)} are the same entity, '{source_id}'.",
                         "Name two different entities: kg merge A INTO B.")
    source_entity, target_entity = corpus.entities[source_id], corpus.entities[target_id]
    if source_entity.type != target_entity.type:
        raise UsageError(f"cannot merge '{source_id}' ({source_entity.type.value}) into '{target_id}' "
                         f"({target_entity.type.value}): their types differ.",
                         "If they are one entity, give both entries the same type first.")
    entity_files, mapping_files = _read_seed_files(Path(seeds_dir))
    repeated = _check_merged_statements(mapping_files, source_id, target_id, allow_duplicates)
    source_file, source_node, source_item = _entry(entity_files, source_id)
    target_file, target_node, target_item = _entry(entity_files, target_id)
    seen = {_spelling(target_item["label"])} | {_spelling(read_alias(a).value) for a in _aliases(target_item)}
    added = []
    for alias in [source_item["label"], *_aliases(source_item)]:
        key = _spelling(read_alias(alias).value)
        if key and key not in seen:
            seen.add(key)
            added.append(alias)
    comments = comment_lines(source_file.text, source_node)
    remove_entry(source_file, source_node)
    insert_aliases(target_file, target_node, added)
    merge_note(target_file, target_node, source_id, _text(source_item.get("description")) or "",
               _text(target_item.get("description")) or "", comments)
    _expect_merged(source_file, target_file, source_id, target_id, added)
    references = _replace_references(mapping_files, source_id, target_id)
    changed = _commit(Path(seeds_dir), entity_files + mapping_files, "merge", dry_run)
    return EditResult("merge", source_id, target_id, changed, references,
                      tuple(read_alias(a).value for a in added), tuple(repeated), written=not dry_run)


def _spelling(name) -> str:
    """An alias is a spelling as the articles write it ("every alias as spelled"): "Härstedt" and
    "Harstedt", "OSCE" and "Osce" are kept apart; only the same characters twice are one."""
    return unicodedata.normalize("NFC", name).strip() if isinstance(name, str) else ""


def _resolve(corpus, text: str) -> str:
    names = {e.id: [e.label, *(read_alias(a).value for a in e.aliases)] for e in corpus.entities.values()}
    return find_entity_id(names, text)


def _read_seed_files(seeds_dir: Path) -> tuple[list[_SeedFile], list[_SeedFile]]:
    """Every entity file and mapping, read whole; ValidationFailed if any cannot be: a reference
    left in an unread file would dangle."""
    problems: list[Problem] = []
    found = []
    for folder in (ENTITIES_DIR, MAPPING_DIR):
        read = []
        for path in sorted((seeds_dir / folder).glob("*.yaml")):
            before = len(problems)
            data = read_file_bytes(path, problems, kind="a seeds file")
            text = decode_utf8(data, path, problems) if data is not None else None
            located = parse_located_yaml(text, path, problems) if text is not None else None
            if located is None and len(problems) > before:
                continue
            read.append(_SeedFile(path, data, text, located, compose_yaml(text) if located is not None else None,
                                  read_problems=len(problems) - before))
            del problems[before:]  # a duplicate key, say: the file is still edited whole
        found.append(read)
    if problems:
        problems.append(Problem(seeds_dir, None, "nothing was changed: every seeds file must be read to change "
                                                 "every reference", "Fix the problems listed, then run the command again."))
        raise ValidationFailed(problems)
    return found[0], found[1]


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) else None


def _aliases(item: dict) -> list:
    return list(item["aliases"]) if isinstance(item.get("aliases"), list) else []


def _entry(entity_files: list[_SeedFile], entity_id: str) -> tuple[_SeedFile, yaml.Node, dict]:
    entries = [(f, node, item) for f in entity_files for node, item in f.items("entities")
               if isinstance(item, dict) and _text(item.get("id")) == entity_id]
    if len(entries) != 1:
        where = ", ".join(f"{f.path}:{item.line}" for f, _, item in entries)
        raise UsageError(f"entity '{entity_id}' has {len(entries)} entries ({where}).",
                         "Keep one entry per id (kg validate lists them), then merge.")
    return entries[0]


def _replace_value(seed_file: _SeedFile, where: tuple[str, int, str], item_node: yaml.Node, new: str) -> None:
    """Edit the scalar at ``where`` (list, index, key), whose block is ``item_node``, to ``new``
    in its quoting, and expect ``new`` there when the file is read back."""
    list_key, index, key = where
    node = mapping_value(item_node, key)
    if seed_file.expected is None:
        seed_file.expected = _plain(seed_file.located)
    seed_file.expected[list_key][index][key] = new
    # A value shared through a YAML alias ('*id') is one node: edited once, read back at both places.
    start, end = scalar_span(seed_file.text, node)
    if all(edit.start != start for edit in seed_file.edits):
        seed_file.edits.append(Edit(start, end, render_scalar(new, like=node)))


def _replace_references(mapping_files: list[_SeedFile], old: str, new: str) -> int:
    count = 0
    for seed_file in mapping_files:
        for index, (item_node, item) in enumerate(seed_file.items("statements")):
            for key in ID_FIELDS:
                if isinstance(item, dict) and _text(item.get(key)) == old:
                    _replace_value(seed_file, ("statements", index, key), item_node, new)
                    count += 1
    return count


def _check_merged_statements(mapping_files: list[_SeedFile], source: str, target: str,
                             allow_duplicates: bool) -> list[RepeatedStatement]:
    """Statements the merge would turn into a self-relation (refused) or a repeat (listed)."""
    problems, repeated = [], []

    def merged(value):
        return target if _text(value) == source else _text(value)

    for seed_file in mapping_files:
        before: set[tuple] = set()
        after: dict[tuple, int] = {}
        for _node, item in seed_file.items("statements"):
            if not isinstance(item, dict):
                continue
            quote = " ".join(item["quote"].split()) if isinstance(item.get("quote"), str) else None
            old_key = (_text(item.get("subject")), item.get("predicate"), _text(item.get("object")), quote)
            new_key = (merged(item.get("subject")), item.get("predicate"), merged(item.get("object")), quote)
            if new_key[0] == new_key[2] == target and old_key[0] != old_key[2]:
                problems.append(Problem(seed_file.path, item.line, f"after merging '{source}' into '{target}', this "
                                        f"statement would relate '{target}' to itself",
                                        "Delete or change it first; nothing was changed."))
            if new_key in after and old_key not in before:
                repeated.append(RepeatedStatement(seed_file.path, item.line, after[new_key]))
            before.add(old_key)
            after.setdefault(new_key, item.line)
    if not allow_duplicates:
        problems += [Problem(r.path, r.line, f"after merging '{source}' into '{target}', this statement would "
                             f"repeat line {r.first_line} (same subject, predicate, object and quote)",
                             "Delete one of the two first, or merge with --allow-duplicates and delete it after; "
                             "nothing was changed.") for r in repeated]
    if problems:
        raise ValidationFailed(problems)
    return repeated


def _expect_merged(source_file: _SeedFile, target_file: _SeedFile, source_id: str, target_id: str, added: list) -> None:
    for seed_file in {id(source_file): source_file, id(target_file): target_file}.values():
        if seed_file.expected is None:
            seed_file.expected = _plain(seed_file.located)
    entries = source_file.expected["entities"]
    entries[:] = [e for e in entries if not (isinstance(e, dict) and _text(e.get("id")) == source_id)]
    for entry in target_file.expected["entities"]:
        if isinstance(entry, dict) and _text(entry.get("id")) == target_id:
            entry["aliases"] = _aliases(entry) + _plain(added)


def _commit(seeds_dir: Path, files: list[_SeedFile], action: str, dry_run: bool) -> tuple[Path, ...]:
    """Read every edited text back, then replace the changed files together (unless ``dry_run``)."""
    changes = {}
    for seed_file in files:
        if seed_file.expected is None:
            continue
        text = apply_edits(seed_file.text, seed_file.edits)
        problems: list[Problem] = []
        if _plain(parse_located_yaml(text, seed_file.path, problems)) != seed_file.expected or \
                len(problems) > seed_file.read_problems:
            raise InputError(Problem(seed_file.path, None, f"kg {action} cannot change this file in place",
                                     "Nothing was changed. Make the change by hand, or write the entries it "
                                     "touches in block style (one key per line) and run it again."))
        bom = codecs.BOM_UTF8 if seed_file.data.startswith(codecs.BOM_UTF8) else b""
        new = bom + text.encode("utf-8")
        if new != seed_file.data:
            changes[seed_file.path] = (seed_file.data, new)
    if changes and not dry_run:
        replace_files(seeds_dir, changes)
    return tuple(sorted(changes))


def _plain(value):
    """Located YAML as plain dicts and lists, for comparison."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def format_edit_result(result: EditResult) -> str:
    """What was done (or, for a dry run, would be), file by file, and the repeats to resolve."""
    verb = {"rename": "Renamed", "merge": "Merged"}[result.action]
    if not result.written:
        verb = "Would have " + verb.lower()
    lines = [f"{verb} '{result.old}' {'to' if result.action == 'rename' else 'into'} '{result.new}': "
             f"{result.references} reference{'s' if result.references != 1 else ''} in statements, "
             f"{len(result.changed)} file{'s' if len(result.changed) != 1 else ''} changed."]
    lines += [f"  {path}" for path in result.changed]
    if result.aliases_added:
        lines.append(f"Aliases added to '{result.new}': " + "; ".join(result.aliases_added))
    for repeat in result.repeated:
        lines.append(f"{repeat.path}:{repeat.line}: repeats the statement at line {repeat.first_line}: delete one "
                     "(kg validate lists it until then).")
    return "\n".join(lines)
